"""Importing the register from Excel through HTTP, with files made by openpyxl as staff would
make them in Excel: the template, a preview that writes nothing and names each error's row and
column, a confirmation that writes everything or nothing and refuses a register changed since the
preview, the round trip export → edit → import, and the awkward files (formulas, merged and date
cells, spaces and full-width characters, empty rows, wrong sheets, files that are not xlsx)."""

import io
import re
from datetime import timedelta

import pytest
from factories import directory, party
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select, update
from test_edit_conflicts import edit_form, form_in

from hubapp import audit, clock
from hubapp.audit import AuditEntry
from hubapp.blueprints.directory import imports, register
from hubapp.blueprints.directory.layout import COLUMNS
from hubapp.blueprints.directory.models import Enterprise, EnterpriseImport
from hubapp.blueprints.directory.register import EnterpriseData
from hubapp.blueprints.directory.uscc import make_code
from hubapp.blueprints.party import organisations
from hubapp.database import atomic
from hubapp.extensions import db
from hubapp.rules import Conflict

HEADERS = [column.header for column in COLUMNS]
CODES = [make_code("371000", 6000 + n) for n in range(20)]


def row(name: str, code: str, kind="周边企业", grid="", phone="", **more) -> list:
    values = {"企业名称": name, "统一社会信用代码": code, "企业类型": kind, "所属网格": grid, "联系人手机": phone} | more
    return [values.get(header, "") for header in HEADERS]


def xlsx(rows: list[list], headers: list | None = HEADERS, title: str = "企业名录", before: list[list] = ()) -> bytes:
    book = Workbook()
    sheet_ = book.active
    sheet_.title = title
    for line in before:
        sheet_.append(line)
    if headers is not None:
        sheet_.append(headers)
    for line in rows:
        sheet_.append(line)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(client, data: bytes, filename: str = "企业名录.xlsx"):
    return client.post(
        "/directory/enterprises/import", data={"file": (io.BytesIO(data), filename)}, content_type="multipart/form-data"
    )


def previewed(client, data: bytes, show: str | None = None) -> tuple[str, str]:
    """The token and the preview page of an uploaded file."""
    response = upload(client, data)
    assert response.status_code == 303, response.get_data(as_text=True)
    token = response.headers["Location"].rsplit("/", 1)[1]
    page = client.get(f"/directory/enterprises/import/{token}" + (f"?show={show}" if show else ""))
    assert page.status_code == 200
    return token, page.get_data(as_text=True)


def digest_of(page: str) -> str:
    return re.search(r'name="digest" type="hidden" value="([0-9a-f]{64})"', page).group(1)


def confirm(client, token: str, page: str, skip: bool = False):
    data = {"digest": digest_of(page)} | ({"skip_errors": "y"} if skip else {})
    return client.post(f"/directory/enterprises/import/{token}", data=data)


def counts(page: str) -> dict[str, int]:
    found = dict((label, int(n)) for n, label in re.findall(r"<strong>(\d+)</strong> (家新增|家更新|家无变化|行有错误)", page))
    return {"add": found["家新增"], "update": found["家更新"], "unchanged": found["家无变化"], "error": found["行有错误"]}


def enterprises() -> int:
    return db.session.scalar(select(func.count()).select_from(Enterprise))


def audit_rows() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.object_type == "enterprise"))


@pytest.fixture
def register_with_two(users):
    grid = directory.grid(2, "二号网格")
    huike = directory.enterprise("威海汇科工控技术有限公司", "汇科工控", uscc=CODES[0], kind="accelerator",
                                 grid_id=grid.id, contact_name="杨先生", contact_phone="13985263751")  # fmt: skip
    hongrui = directory.enterprise("威海鸿锐金属制品有限公司", "鸿锐金属", uscc=CODES[1], kind="nearby")
    return {"grid": grid, "huike": huike, "hongrui": hongrui}


# --- the template ----------------------------------------------------------------------------


def test_the_template_has_chinese_headers_an_explanation_sheet_and_drop_downs(auth, client):
    directory.grid(2, "二号网格")
    auth.login("staff")
    response = client.get("/directory/enterprises/template.xlsx")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["企业名录", "填写说明"]
    assert [cell.value for cell in book["企业名录"][1]] == HEADERS
    explained = [[cell.value for cell in line] for line in book["填写说明"].iter_rows()]
    assert any(line[0] == "统一社会信用代码" and "校验码" in line[2] for line in explained)
    listed = {value for line in explained for value in line if value}
    assert {"众创空间", "孵化器", "加速器", "周边企业", "第2网格"} <= listed
    assert "党组织" not in [cell.value for cell in book["企业名录"][1]]
    validations = book["企业名录"].data_validations.dataValidation
    assert any("填写说明" in rule.formula1 for rule in validations)


def test_the_template_imported_as_it_is_changes_nothing(auth, client, register_with_two):
    auth.login("staff")
    template = client.get("/directory/enterprises/template.xlsx").data
    response = upload(client, template)
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert counts(page) == {"add": 0, "update": 0, "unchanged": 0, "error": 0}
    assert "没有需要导入的内容" in page


# --- the preview -----------------------------------------------------------------------------


def test_the_preview_names_each_errors_row_and_column_and_writes_nothing(auth, client, register_with_two):
    directory.enterprise("威海国泰碳纤维有限公司", "国泰碳纤维", uscc=CODES[11])
    auth.login("staff")
    bad_check = CODES[5][:-1] + ("0" if CODES[5][-1] != "0" else "1")
    data = xlsx([
        row("威海蓝海新材料有限公司", CODES[2], "加速器", "第2网格", "13900000001"),             # 2: add
        row("威海汇科工控技术有限公司", CODES[0], "加速器", "第2网格", "13985263751",
            简称="汇科工控", 联系人="杨先生", 规上企业="否"),                                      # 3: unchanged
        row("威海鸿锐金属制品有限公司", CODES[1], "周边企业", "", "13911112222", 简称="鸿锐金属"),  # 4: update
        row("威海星海电子科技有限公司", bad_check),                                             # 5
        row("威海海纳数据有限公司", CODES[6], "众创空间", "第9网格"),                              # 6
        row("威海蓝创软件有限公司", CODES[7], "众创空间"),                                       # 7
        row("", CODES[8]),                                                                   # 8
        row("威海国泰碳纤维有限公司", CODES[9]),                                                 # 9
        row("威海蓝创软件（分公司）", CODES[7], "众创空间"),                                     # 10
        row("威海云帆信息有限公司", CODES[10], "总部"),                                          # 11
    ])  # fmt: skip
    token, page = previewed(client, data)
    assert counts(page) == {"add": 1, "update": 1, "unchanged": 1, "error": 7}
    for message in (
        "第5行“统一社会信用代码”：统一社会信用代码校验位不正确",
        "第6行“所属网格”：系统中没有“第9网格”这个网格",
        "第7行“统一社会信用代码”：与第10行重复",
        "第10行“统一社会信用代码”：与第7行重复",
        "第8行“企业名称”：请填写企业名称。",
        f"第9行“企业名称”：名录中已有同名企业“威海国泰碳纤维有限公司”（统一社会信用代码 {CODES[11]}",
        "第11行“企业类型”：应为：众创空间、孵化器、加速器、周边企业（现为“总部”）",
    ):
        assert message in page, message
    updates = client.get(f"/directory/enterprises/import/{token}?show=update").get_data(as_text=True)
    assert "联系人手机：<del>（空）</del> → <ins>13911112222</ins>" in updates
    additions = client.get(f"/directory/enterprises/import/{token}?show=add").get_data(as_text=True)
    assert "威海蓝海新材料有限公司" in additions and "第2网格" in additions
    assert enterprises() == 3 and audit_rows() == 3


def test_a_centres_own_sheet_is_read_by_its_headers(auth, client):
    """A title row above the header, columns in another order and named the usual other ways, a
    serial-number column the register does not keep."""
    directory.grid(3, "三号网格")
    auth.login("staff")
    data = xlsx(
        [[1, "威海海纳数据有限公司", "3", CODES[3], "众创空间", "139 0000 0003"]],
        headers=["序号", "单位名称", "网格", "信用代码", "类型", "联系电话"],
        before=[["蓝色创业谷企业底数表（2026年3月）"]],
    )
    token, page = previewed(client, data)
    assert counts(page)["add"] == 1 and "以下列不属于企业名录，不会导入：序号" in page
    assert confirm(client, token, page).status_code == 303
    made = db.session.scalar(select(Enterprise))
    assert (made.name, made.grid.number, made.kind, made.contact_phone) == ("威海海纳数据有限公司", 3, "maker_space", "13900000003")


def test_a_file_without_the_kind_column_cannot_add_but_can_update(auth, client, register_with_two):
    auth.login("staff")
    data = xlsx([["威海汇科工控技术有限公司", CODES[0], "13700000000"], ["威海新公司有限公司", CODES[4], ""]],
                headers=["企业名称", "统一社会信用代码", "联系人手机"])  # fmt: skip
    token, page = previewed(client, data)
    assert counts(page) == {"add": 0, "update": 1, "unchanged": 0, "error": 1}
    assert "第3行“企业类型”：新增企业须填写企业类型，文件中没有这一列" in page
    assert confirm(client, token, page, skip=True).status_code == 303
    db.session.expire_all()
    huike = db.session.get(Enterprise, register_with_two["huike"].id)
    assert (huike.contact_phone, huike.kind, huike.contact_name) == ("13700000000", "accelerator", "杨先生")


# --- confirming --------------------------------------------------------------------------------


def test_confirming_writes_every_row_with_its_audit_row(auth, client, users, register_with_two):
    auth.login("staff")
    data = xlsx([
        row("威海蓝海新材料有限公司", CODES[2], "加速器", "第2网格", "13900000001", 规上企业="是"),
        row("威海海纳数据有限公司", CODES[3], "众创空间", 状态="已停用"),
        row("威海鸿锐金属制品有限公司", CODES[1], "周边企业", 简称="鸿锐金属", 状态="已停用"),
    ])  # fmt: skip
    token, page = previewed(client, data)
    response = confirm(client, token, page)
    assert response.status_code == 303
    assert "导入完成：新增2家企业，更新1家" in client.get(response.headers["Location"]).get_data(as_text=True)
    lanhai = db.session.scalar(select(Enterprise).where(Enterprise.uscc == CODES[2]))
    assert (lanhai.above_designated_size, lanhai.grid.number) == (True, 2)
    assert not db.session.scalar(select(Enterprise).where(Enterprise.uscc == CODES[3])).active
    hongrui = db.session.get(Enterprise, register_with_two["hongrui"].id)
    assert not hongrui.active
    [created] = audit.entries_for("enterprise", lanhai.id)
    assert created.actor_id == users["staff"].id and created.detail_dict["source"] == "Excel导入"
    moved = audit.entries_for("enterprise", hongrui.id)[-1]
    assert (moved.action, moved.from_state, moved.to_state) == ("enterprise.deactivate", "active", "inactive")
    summary = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "enterprise_import.confirm"))
    assert summary.detail_dict == {"file": "企业名录.xlsx", "added": 2, "updated": 1, "skipped_rows": 0}
    assert db.session.scalar(select(func.count()).select_from(EnterpriseImport)) == 0
    assert client.get(f"/directory/enterprises/import/{token}").status_code == 404


def test_rows_with_errors_are_skipped_only_when_staff_say_so(auth, client):
    auth.login("staff")
    data = xlsx([row("威海蓝海新材料有限公司", CODES[2]), row("威海海纳数据有限公司", "91371000XXXX")])
    token, page = previewed(client, data)
    assert "跳过有错误的行" in page
    refused = confirm(client, token, page)
    assert refused.status_code == 422
    assert "文件中有1行错误" in refused.get_data(as_text=True) and enterprises() == 0
    assert confirm(client, token, page, skip=True).status_code == 303
    assert enterprises() == 1
    summary = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "enterprise_import.confirm"))
    assert summary.detail_dict["skipped_rows"] == 1


def test_a_register_changed_after_the_preview_is_not_written_over(auth, client, register_with_two):
    auth.login("staff")
    data = xlsx([row("威海汇科工控技术有限公司", CODES[0], "加速器", "第2网格", "13911110000", 简称="汇科工控", 联系人="杨先生"),
                 row("威海蓝海新材料有限公司", CODES[2])])  # fmt: skip
    token, page = previewed(client, data)
    huike = register_with_two["huike"]
    with atomic():
        register.update_enterprise(None, huike, _with_phone(huike, "13722223333"))
    stale = confirm(client, token, page)
    assert stale.status_code == 409
    fresh = stale.get_data(as_text=True)
    assert "预览之后企业名录有了变动" in fresh and "13722223333" in client.get(
        f"/directory/enterprises/import/{token}?show=update").get_data(as_text=True)
    assert enterprises() == 2
    db.session.expire_all()
    assert db.session.get(Enterprise, huike.id).contact_phone == "13722223333"
    assert confirm(client, token, fresh).status_code == 303
    db.session.expire_all()
    assert db.session.get(Enterprise, huike.id).contact_phone == "13911110000" and enterprises() == 3


def test_an_edit_form_opened_before_an_import_does_not_write_over_what_it_imported(auth, client, register_with_two):
    """The import raises the version of what it changes: the form opened before it is refused
    (409), the imported phone, which this user left alone, is taken into the form, and saving that
    keeps both the import's change and the user's."""
    auth.login("staff")
    huike = register_with_two["huike"]
    url = f"/directory/enterprises/{huike.id}/edit"
    opened = edit_form(client, url)
    data = xlsx([row("威海汇科工控技术有限公司", CODES[0], "加速器", "第2网格", "13911110000", 简称="汇科工控", 联系人="杨先生")])
    token, page = previewed(client, data)
    assert counts(page)["update"] == 1
    assert confirm(client, token, page).status_code == 303

    late = client.post(url, data=opened | {"contact_name": "王经理"})
    assert late.status_code == 409
    html = late.get_data(as_text=True)
    assert "已有人修改并保存了这条记录" in html and "表单中已改为他人保存的内容：联系人手机" in html
    assert form_in(html)["contact_phone"] == "13911110000" and form_in(html)["contact_name"] == "王经理"
    db.session.expire_all()
    assert (db.session.get(Enterprise, huike.id).contact_phone, db.session.get(Enterprise, huike.id).contact_name) == (
        "13911110000", "杨先生")  # fmt: skip

    assert client.post(url, data=form_in(html)).status_code == 303
    db.session.expire_all()
    saved = db.session.get(Enterprise, huike.id)
    assert (saved.contact_phone, saved.contact_name) == ("13911110000", "王经理")


def test_a_change_between_the_imports_reading_and_its_writing_is_refused_with_nothing_written(
    auth, client, users, register_with_two, monkeypatch
):
    """A colleague's save lands after the confirmation planned the import but before it wrote (on
    PostgreSQL writers do not queue): the version the import read is gone, so the import is the
    usual refusal with a fresh preview, and nothing of it is written, its new rows included."""
    auth.login("staff")
    huike = register_with_two["huike"]
    data = xlsx([row("威海汇科工控技术有限公司", CODES[0], "加速器", "第2网格", "13911110000", 简称="汇科工控", 联系人="杨先生"),
                 row("威海蓝海新材料有限公司", CODES[2])])  # fmt: skip
    token, page = previewed(client, data)
    before = audit_rows()
    planned = imports.plan

    def planned_then_saved_by_a_colleague(content):
        monkeypatch.setattr(imports, "plan", planned)
        made = planned(content)
        # The row moves on behind the copy the plan holds, as another connection's commit would.
        db.session.execute(
            update(Enterprise).where(Enterprise.id == huike.id).values(version=Enterprise.version + 1)
            .execution_options(synchronize_session=False)
        )  # fmt: skip
        return made

    monkeypatch.setattr(imports, "plan", planned_then_saved_by_a_colleague)
    stale = confirm(client, token, page)
    assert stale.status_code == 409
    fresh = stale.get_data(as_text=True)
    assert "预览之后企业名录有了变动" in fresh
    db.session.expire_all()
    assert enterprises() == 2 and audit_rows() == before
    assert db.session.get(Enterprise, huike.id).contact_phone == "13985263751"
    assert imports.find_upload(users["staff"], token) is not None
    assert confirm(client, token, fresh).status_code == 303
    db.session.expire_all()
    assert db.session.get(Enterprise, huike.id).contact_phone == "13911110000" and enterprises() == 3


def _with_phone(enterprise: Enterprise, phone: str) -> EnterpriseData:
    data = EnterpriseData.of(enterprise)
    data.contact_phone = phone
    return data


def test_a_write_that_fails_part_way_leaves_nothing_written(app, users, register_with_two, monkeypatch):
    data = xlsx([row("威海蓝海新材料有限公司", CODES[2]), row("威海鸿锐金属制品有限公司", CODES[1], 联系人="王经理", 简称="鸿锐金属")])
    with atomic():
        upload_ = imports.store_upload(users["staff"], "x.xlsx", data)
    digest = imports.plan(data).digest

    def broken(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(register, "apply_imported", broken)
    with pytest.raises(RuntimeError), atomic():
        imports.confirm(users["staff"], upload_, digest, False)
    assert enterprises() == 2 and audit_rows() == 2
    assert db.session.scalar(select(func.count()).select_from(EnterpriseImport)) == 1


def test_an_enterprise_registered_between_the_plan_and_the_write_is_a_conflict(app):
    data = xlsx([row("威海蓝海新材料有限公司", CODES[2])])
    planned = imports.plan(data)
    db.session.rollback()
    directory.enterprise("威海另一家有限公司", None, uscc=CODES[2])
    with pytest.raises(Conflict), atomic():
        register.add_imported(None, [(planned.of(imports.ADD)[0].data, True)], "x.xlsx")
    assert enterprises() == 1


def test_a_second_confirmation_of_the_same_upload_writes_nothing(app, users):
    """Two tabs, or a double click that got through: both requests loaded the upload, the first
    confirms it; the second finds it gone."""
    data = xlsx([row("威海蓝海新材料有限公司", CODES[2])])
    with atomic():
        token = imports.store_upload(users["staff"], "x.xlsx", data).token
    digest = imports.plan(data).digest
    second = imports.find_upload(users["staff"], token)
    db.session.expunge(second)
    db.session.rollback()
    with atomic():
        imports.confirm(users["staff"], imports.find_upload(users["staff"], token), digest, False)
    with pytest.raises(Conflict), atomic():
        imports.confirm(users["staff"], second, digest, False)
    assert enterprises() == 1


# --- the round trip ------------------------------------------------------------------------------


def snapshot() -> dict[str, dict]:
    db.session.expire_all()
    return {
        e.uscc: {name: getattr(e, name) for name in [*register.FIELDS, "active"]}
        for e in db.session.scalars(select(Enterprise))
    }


def test_export_edit_import_changes_exactly_what_was_edited(auth, client, users):
    grids = [directory.grid(n, f"{n}号网格") for n in (2, 3)]
    for n in range(6):
        directory.enterprise(
            f"威海往返测试{n}有限公司", f"往返{n}" if n % 2 else None, uscc=CODES[n], kind=["nearby", "incubator", "accelerator"][n % 3],
            grid_id=grids[n % 2].id if n != 5 else None, above_designated_size=n == 1,
            address=f"蓝色创业谷{n}号楼", industry="新材料" if n % 2 else None, contact_name="王经理" if n < 3 else None,
            contact_phone="1390000000" + str(n) if n < 4 else None, notes="=不是公式" if n == 0 else ("第一行\n第二行" if n == 1 else None),
        )  # fmt: skip
    directory.deactivated(db.session.scalar(select(Enterprise).where(Enterprise.uscc == CODES[4])))
    covered = db.session.scalar(select(Enterprise).where(Enterprise.uscc == CODES[1]))
    party.organisation("威海往返测试1有限公司党支部", [covered])
    before = snapshot()
    auth.login("staff")
    exported = client.get("/directory/enterprises/export.xlsx")
    assert exported.status_code == 200
    book = load_workbook(io.BytesIO(exported.data))
    sheet_ = book["企业名录"]
    # The party organisation is shown from the party records, in a last column an import leaves out.
    assert [cell.value for cell in sheet_[1]] == [*HEADERS, "党组织（只读）"]
    party_column = {line[1].value: line[len(HEADERS)].value for line in sheet_.iter_rows(min_row=2, max_row=7)}
    assert party_column[CODES[1]] == "威海往返测试1有限公司党支部" and party_column[CODES[0]] == "未建立"
    column = {header: index for index, header in enumerate(HEADERS)}
    edited = {}
    for line in sheet_.iter_rows(min_row=2, max_row=7):
        code = line[column["统一社会信用代码"]].value
        if code == CODES[1]:
            line[column["联系人手机"]].value = "13811112222"
            edited[code] = {"contact_phone": "13811112222"}
        if code == CODES[5]:
            line[column["所属网格"]].value = "第3网格"
            edited[code] = {"grid_id": grids[1].id}
    buffer = io.BytesIO()
    book.save(buffer)

    token, page = previewed(client, buffer.getvalue())
    assert counts(page) == {"add": 0, "update": 2, "unchanged": 4, "error": 0}
    assert confirm(client, token, page).status_code == 303
    after = snapshot()
    expected = {code: values | edited.get(code, {}) for code, values in before.items()}
    assert after == expected


def test_an_old_file_with_the_party_column_imports_without_it(auth, client):
    """The register no longer keeps 党组织 (the party records do): a centre's older sheet with the
    column is read, the column named as not imported, and no organisation is made from it."""
    auth.login("staff")
    token, page = previewed(client, xlsx([[*row("威海甲有限公司", CODES[0]), "单独党支部"]], headers=[*HEADERS, "党组织"]))
    assert "以下列不属于企业名录，不会导入：党组织" in page
    assert counts(page) == {"add": 1, "update": 0, "unchanged": 0, "error": 0}
    assert confirm(client, token, page).status_code == 303
    assert organisations.coverage().all.covered == 0


def test_a_value_the_rules_no_longer_allow_does_not_stop_a_round_trip(auth, client):
    """An old landline in the mobile column: the file leaves it as it is, so the row is unchanged;
    changing it to another landline is refused."""
    made = directory.enterprise("威海甲有限公司", None, uscc=CODES[0])
    with atomic():
        db.session.execute(update(Enterprise).where(Enterprise.id == made.id).values(contact_phone="0631-3981001"))
    auth.login("staff")
    exported = client.get("/directory/enterprises/export.xlsx").data
    token, page = previewed(client, exported)
    assert counts(page) == {"add": 0, "update": 0, "unchanged": 1, "error": 0}
    token, page = previewed(client, xlsx([row("威海甲有限公司", CODES[0], phone="0631-3981002")]))
    assert "第2行“联系人手机”：请填写11位手机号码。" in page


def test_an_export_of_one_grid_imported_again_leaves_the_others_alone(auth, client):
    two, three = directory.grid(2), directory.grid(3)
    directory.enterprise("威海甲有限公司", None, uscc=CODES[0], grid_id=two.id)
    directory.enterprise("威海乙有限公司", None, uscc=CODES[1], grid_id=three.id)
    auth.login("staff")
    exported = client.get(f"/directory/enterprises/export.xlsx?grid={two.id}").data
    names = [line[0].value for line in load_workbook(io.BytesIO(exported))["企业名录"].iter_rows(min_row=2) if line[0].value]
    assert names == ["威海甲有限公司"]
    token, page = previewed(client, exported)
    assert counts(page) == {"add": 0, "update": 0, "unchanged": 1, "error": 0}


# --- whose upload, for how long -------------------------------------------------------------------


def test_an_upload_is_its_owners_alone(auth, client):
    auth.login("staff")
    token, page = previewed(client, xlsx([row("威海甲有限公司", CODES[0])]))
    auth.logout()
    auth.login("admin")
    assert client.get(f"/directory/enterprises/import/{token}").status_code == 404
    assert client.post(f"/directory/enterprises/import/{token}", data={"digest": digest_of(page)}).status_code == 404
    assert enterprises() == 0


def test_an_upload_expires_and_is_cleared_by_the_next_one(auth, client):
    auth.login("staff")
    token, _ = previewed(client, xlsx([row("威海甲有限公司", CODES[0])]))
    with atomic():
        for stored in db.session.scalars(select(EnterpriseImport)):
            stored.expires_at = clock.now() - timedelta(minutes=1)
    assert client.get(f"/directory/enterprises/import/{token}").status_code == 404
    previewed(client, xlsx([row("威海乙有限公司", CODES[1])]))
    assert db.session.scalar(select(func.count()).select_from(EnterpriseImport)) == 1


def test_an_import_can_be_cancelled(auth, client):
    auth.login("staff")
    token, _ = previewed(client, xlsx([row("威海甲有限公司", CODES[0])]))
    response = client.post(f"/directory/enterprises/import/{token}/discard")
    assert response.status_code == 303
    assert db.session.scalar(select(func.count()).select_from(EnterpriseImport)) == 0 and enterprises() == 0


def test_a_long_preview_is_paginated(auth, client):
    auth.login("staff")
    token, page = previewed(client, xlsx([row(f"威海分页{n:03d}有限公司", make_code("371000", 9000 + n)) for n in range(120)]))
    assert counts(page)["add"] == 120 and "第 1 / 2 页，共 120 条" in page
    second = client.get(f"/directory/enterprises/import/{token}?show=add&page=2").get_data(as_text=True)
    assert "威海分页119有限公司" in second and "威海分页000有限公司" not in second


def test_the_bench_imports_a_workbook_the_register_takes_without_an_error(demo):
    # `make bench` times the import of this workbook into the demo register; a row it refuses stops the bench.
    from bench.rows_directory import register_workbook

    plan = imports.plan(register_workbook(30))
    assert [row.problems for row in plan.rows if row.problems] == []
    assert len(plan.of("add")) == 30
