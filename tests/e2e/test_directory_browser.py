"""The enterprise register in a real browser, from empty: staff download the template, fill it in
(one credit code with a wrong check digit, one enterprise twice), see the preview name both
errors, import the rest, fix the last one with the form, and deactivate one after confirming; on
a phone, a grid worker finds the register readable without scrolling sideways."""

import io

import pytest
from conftest import PASSWORD
from factories import directory
from openpyxl import load_workbook

from hubapp.blueprints.directory.uscc import make_code

pytestmark = [pytest.mark.e2e, pytest.mark.server]

GOOD = [make_code("371000", 31 + n) for n in range(3)]
BAD = GOOD[2][:-1] + ("0" if GOOD[2][-1] != "0" else "1")


def log_in(page, server, username):
    page.context.clear_cookies()
    page.goto(server.url + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(server.url + "/")


def filled_template(page, server, tmp_path) -> str:
    """The template as the browser downloads it, filled in as staff would in Excel."""
    page.goto(server.url + "/directory/enterprises/import")
    with page.expect_download() as download:
        page.click("text=下载导入模板")
    book = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    sheet = book["企业名录"]
    headers = [cell.value for cell in sheet[1]]
    for values in (
        {"企业名称": "威海汇科工控技术有限公司", "统一社会信用代码": GOOD[0], "企业类型": "加速器", "所属网格": "第1网格",
         "规上企业": "是", "联系人": "杨先生", "联系人手机": "13985263751"},
        {"企业名称": "威海鸿锐金属制品有限公司", "统一社会信用代码": GOOD[1], "企业类型": "周边企业", "所属网格": "第1网格"},
        {"企业名称": "威海海纳数据有限公司", "统一社会信用代码": BAD, "企业类型": "众创空间"},
        {"企业名称": "威海蓝创软件有限公司", "统一社会信用代码": make_code("371000", 99), "企业类型": "众创空间"},
        {"企业名称": "威海蓝创软件有限公司", "统一社会信用代码": make_code("371000", 98), "企业类型": "众创空间"},
    ):  # fmt: skip
        sheet.append([values.get(header) for header in headers])
    path = tmp_path / "企业底数.xlsx"
    buffer = io.BytesIO()
    book.save(buffer)
    path.write_bytes(buffer.getvalue())
    return str(path)


def test_staff_fill_an_empty_register_from_excel_and_keep_it(users, live_server, page, phone_page, page_watch, tmp_path):
    page_watch.allow("status of 422")  # the form refuses the wrong check digit on purpose
    server = live_server(workers=2)
    log_in(page, server, "staff")
    page.click("nav.mainnav >> text=企业名录")
    page.locator("text=企业名录还是空的").wait_for()

    page.set_input_files("input[name=file]", filled_template(page, server, tmp_path))
    page.click("button:has-text('上传并预览')")
    page.locator("text=导入预览").first.wait_for()
    errors = page.locator("table.preview").inner_text()
    assert "第4行“统一社会信用代码”：统一社会信用代码校验位不正确" in errors
    assert "第5行“企业名称”：与第6行重复" in errors and "第6行“企业名称”：与第5行重复" in errors
    page.check("input[name=skip_errors]")
    page.click("button:has-text('确认导入（新增2家，更新0家）')")
    page.locator("text=导入完成：新增2家企业，更新0家，跳过3行有错误的行。").wait_for()
    assert "威海鸿锐金属制品有限公司" in page.locator("table.enterprises").inner_text()

    page.click("text=新增企业")
    page.fill("input[name=name]", "威海海纳数据有限公司")
    page.fill("input[name=uscc]", BAD)
    page.select_option("select[name=kind]", "maker_space")
    page.click("button:has-text('保存')")
    assert "统一社会信用代码校验位不正确" in page.locator("#uscc-error").inner_text()
    assert page.input_value("input[name=name]") == "威海海纳数据有限公司"
    page.fill("input[name=uscc]", GOOD[2])
    page.click("button:has-text('保存')")
    page.locator("text=已新增企业“威海海纳数据有限公司”。").wait_for()

    page.goto(server.url + "/directory/enterprises")
    page.click("text=威海鸿锐金属制品有限公司")
    page.click("a:has-text('停用')")
    page.fill("input[name=reason]", "已迁出园区")
    page.click("button:has-text('确认停用')")
    page.locator("text=原因：已迁出园区").wait_for()
    page.goto(server.url + "/demands/new")
    page.fill("input[name=enterprise]", "威海")  # the picker asks for suggestions as one types
    page.locator("#enterprise-options option").first.wait_for(state="attached")
    offered = page.eval_on_selector_all("#enterprise-options option", "options => options.map(o => o.value)")
    assert "威海汇科工控技术有限公司" in offered and "威海鸿锐金属制品有限公司" not in offered

    log_in(phone_page, server, "grid_worker")
    phone_page.click("nav.mainnav >> text=企业名录")
    phone_page.locator("text=威海汇科工控技术有限公司").wait_for()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_register_grid_filter_works_without_a_page_load(users, live_server, page):
    grid = directory.grid(2, "二号网格")
    directory.enterprise("威海汇科工控技术有限公司", "汇科工控", grid_id=users["grid_worker"].grids[0].id)
    directory.enterprise("威海鸿锐金属制品有限公司", "鸿锐金属", grid_id=grid.id)
    server = live_server(workers=1)
    log_in(page, server, "staff")
    page.goto(server.url + "/directory/enterprises")
    page.select_option("select[name=grid]", str(grid.id))
    page.wait_for_url(f"**/directory/enterprises?*grid={grid.id}*")
    rows = page.locator("table.enterprises tbody")
    rows.locator("text=威海鸿锐金属制品有限公司").wait_for()
    assert "汇科工控" not in rows.inner_text()
