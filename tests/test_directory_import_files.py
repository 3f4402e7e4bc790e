"""Importing the register from the files staff actually upload: cells Excel shows differently
from what they hold (formulas, merged cells, dates, codes turned into numbers), spaces and
full-width characters, empty rows, the register on another sheet, and files that hold no register
at all — each a clear answer naming the row and column, or a 4xx on the upload page, never a 500."""

import io
import zipfile
from datetime import date

import pytest
from factories import directory
from openpyxl import Workbook
from sqlalchemy import func, select

from hubapp.blueprints.directory import sheet
from hubapp.blueprints.directory.models import Enterprise, EnterpriseImport
from hubapp.extensions import db
from tests.test_directory_import import CODES, HEADERS, confirm, counts, previewed, row, upload, xlsx


def test_a_formula_is_named_not_guessed(auth, client):
    auth.login("staff")
    data = xlsx([row("威海蓝海新材料有限公司", "=CONCAT(\"9137\",\"1000\")"), row("威海海纳数据有限公司", CODES[3])])
    token, page = previewed(client, data)
    assert counts(page) == {"add": 1, "update": 0, "unchanged": 0, "error": 1}
    assert "第2行“统一社会信用代码”是公式" in page


def test_a_merged_cell_is_refused_on_every_row_it_spans(auth, client):
    directory.grid(2)
    auth.login("staff")
    book = Workbook()
    sheet_ = book.active
    sheet_.title = "企业名录"
    sheet_.append(HEADERS)
    for n in range(3):
        sheet_.append(row(f"威海合并测试{n}有限公司", CODES[n], "周边企业", "第2网格" if n == 0 else ""))
    grid_letter = "ABCDEFGHIJKLM"[HEADERS.index("所属网格")]
    sheet_.merge_cells(f"{grid_letter}2:{grid_letter}3")
    buffer = io.BytesIO()
    book.save(buffer)
    token, page = previewed(client, buffer.getvalue())
    assert counts(page) == {"add": 1, "update": 0, "unchanged": 0, "error": 2}
    assert f"第2行“所属网格”在合并单元格（{grid_letter}2:{grid_letter}3）中" in page
    assert f"第3行“所属网格”在合并单元格（{grid_letter}2:{grid_letter}3）中" in page


def test_a_date_typed_cell_is_named(auth, client):
    auth.login("staff")
    token, page = previewed(client, xlsx([row("威海蓝海新材料有限公司", CODES[2], phone=date(2026, 3, 8))]))
    assert "第2行“联系人手机”被 Excel 识别成了日期或时间" in page and counts(page)["error"] == 1


def test_a_code_excel_turned_into_a_number_is_named(auth, client):
    auth.login("staff")
    token, page = previewed(client, xlsx([row("威海蓝海新材料有限公司", 913710002018000049)]))
    assert "第2行“统一社会信用代码”被 Excel 存成了数字" in page


def test_spaces_and_full_width_characters_are_read_as_what_they_mean(auth, client):
    auth.login("staff")
    full_width = CODES[2].translate(str.maketrans("0123456789ABCDEFGHJKLMNPQRTUWXY", "０１２３４５６７８９ＡＢＣＤＥＦＧＨＪＫＬＭＮＰＱＲＴＵＷＸＹ"))
    data = xlsx([row("  威海蓝海新材料有限公司 ", f" {full_width} ", " 加速器 ", phone="１３９ ００００ ０００１ ", 简称="\u3000蓝海新材料")])
    token, page = previewed(client, data)
    assert counts(page) == {"add": 1, "update": 0, "unchanged": 0, "error": 0}
    assert confirm(client, token, page).status_code == 303
    made = db.session.scalar(select(Enterprise))
    assert (made.name, made.uscc, made.contact_phone, made.short_name, made.kind) == (
        "威海蓝海新材料有限公司", CODES[2], "13900000001", "蓝海新材料", "accelerator",
    )  # fmt: skip


def test_empty_rows_are_skipped_and_counted(auth, client):
    auth.login("staff")
    token, page = previewed(client, xlsx([row("威海甲有限公司", CODES[0]), [], ["", "  "], row("威海乙有限公司", CODES[1])]))
    assert counts(page)["add"] == 2 and "另有 2 个空行已跳过" in page


def test_the_register_is_found_on_another_sheet(auth, client):
    auth.login("staff")
    book = Workbook()
    book.active.title = "封面"
    book.active.append(["蓝色创业谷企业底数"])
    data_sheet = book.create_sheet("2026年3月")
    data_sheet.append(HEADERS)
    data_sheet.append(row("威海甲有限公司", CODES[0]))
    buffer = io.BytesIO()
    book.save(buffer)
    token, page = previewed(client, buffer.getvalue())
    assert "工作表“2026年3月”" in page and counts(page)["add"] == 1


def zip_of(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (xlsx([["甲", "乙"]], headers=["姓名", "电话"], title="Sheet1"), "名单.xlsx", "没有找到企业名录的表头"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "企业.xls", "这不是 Excel 工作簿（.xlsx）文件"),
        ("企业名称,统一社会信用代码\n威海甲有限公司,9137\n".encode("utf-8-sig"), "企业.csv", "这不是 Excel 工作簿（.xlsx）文件"),
        (zip_of({"word/document.xml": b"<w/>"}), "说明.docx", "这不是 Excel 工作簿（.xlsx）文件"),
        (zip_of({"xl/workbook.xml": b"<not-a-workbook"}), "坏.xlsx", "文件已损坏"),
        (b"", "空.xlsx", "请选择要导入的 Excel 文件"),
    ],
    ids=["wrong sheet", "xls", "csv", "docx", "damaged", "empty"],
)
def test_a_file_that_holds_no_register_is_a_clear_422(auth, client, data, filename, message):
    auth.login("staff")
    response = upload(client, data, filename)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(EnterpriseImport)) == 0


def test_a_truncated_workbook_is_a_clear_422(auth, client):
    auth.login("staff")
    whole = xlsx([row("威海甲有限公司", CODES[0])])
    response = upload(client, whole[: len(whole) // 2])
    assert response.status_code == 422 and "这不是 Excel 工作簿" in response.get_data(as_text=True)


def test_an_upload_over_the_limit_is_refused_before_it_is_read(auth, client):
    auth.login("staff")
    response = upload(client, b"PK" + b"\0" * (sheet.MAX_BYTES + 70 * 1024))
    assert response.status_code == 413
    assert "文件超过5MB" in response.get_data(as_text=True)


def test_a_file_with_too_many_rows_is_refused(auth, client, monkeypatch):
    monkeypatch.setattr(sheet, "MAX_ROWS", 3)
    auth.login("staff")
    response = upload(client, xlsx([row(f"威海{n}有限公司", CODES[n]) for n in range(4)]))
    token = response.headers["Location"].rsplit("/", 1)[1]
    page = client.get(f"/directory/enterprises/import/{token}")
    assert page.status_code == 422 and "文件超过3行企业" in page.get_data(as_text=True)
