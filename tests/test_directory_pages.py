"""The enterprise register through HTTP: the list every role reads (filters, pagination, the
empty state that says where enterprises are added), adding and editing with the message next to
its field and what was typed kept, an edit that meets a colleague's newer save (409), deactivation
behind its confirmation page, reactivation, and that a deactivated enterprise leaves the staff
pickers but stays on the records that name it."""

import re
from datetime import timedelta

import pytest
from factories import directory, party
from factories import facilities as rooms
from sqlalchemy import func, select
from test_edit_conflicts import edit_form

from hubapp import audit, clock
from hubapp.blueprints.directory.models import Enterprise
from hubapp.blueprints.directory.uscc import make_code
from hubapp.blueprints.party import organisations
from hubapp.database import atomic
from hubapp.extensions import db

HTMX = {"HX-Request": "true"}
CODE = make_code("371000", 5150)


def form(**changes) -> dict:
    values = {
        "name": "威海汇科工控技术有限公司", "uscc": CODE, "short_name": "汇科工控", "kind": "accelerator",
        "grid_id": "0", "address": "威海南海新区蓝色创业谷1号楼101室", "industry": "高端装备",
        "above_designated_size": "y", "contact_name": "杨先生",
        "contact_phone": "13985263751", "notes": "",
    }  # fmt: skip
    values.update(changes)
    return values


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Enterprise))


def body(response) -> str:
    return response.get_data(as_text=True)


def test_an_empty_register_says_where_enterprises_are_added(auth, client):
    auth.login("staff")
    page = body(client.get("/directory/enterprises"))
    assert "企业名录还是空的" in page
    assert 'href="/directory/enterprises/new"' in page and 'href="/directory/enterprises/import"' in page
    assert 'href="/directory/enterprises/template.xlsx"' in page


def test_other_roles_read_the_register_but_are_not_offered_changes(auth, client):
    auth.login("grid_worker")
    assert "请联系中心工作人员" in body(client.get("/directory/enterprises"))
    made = directory.enterprise()
    page = body(client.get("/directory/enterprises"))
    assert "威海汇科工控技术有限公司" in page and "新增企业" not in page and "导出 Excel" not in page
    detail = body(client.get(f"/directory/enterprises/{made.id}"))
    assert made.uscc in detail and "编辑" not in detail and "停用" not in detail


def test_staff_add_an_enterprise_and_land_on_its_page(auth, client, users):
    grid = directory.grid(4, "四号网格")
    auth.login("staff")
    response = client.post("/directory/enterprises/new", data=form(grid_id=str(grid.id)))
    assert response.status_code == 303
    page = body(client.get(response.headers["Location"]))
    for shown in ("威海汇科工控技术有限公司", CODE, "加速器", "第4网格", "13985263751", "新增企业", users["staff"].display_name):
        assert shown in page, shown
    listed = body(client.get("/directory/enterprises"))
    assert "威海汇科工控技术有限公司" in listed and "第4网格" in listed


def test_an_enterprise_shows_the_party_organisation_the_party_records_give_it(auth, client):
    made = directory.enterprise("威海汇科工控技术有限公司", "汇科工控", uscc=CODE)
    auth.login("staff")
    assert "<dt>党组织</dt><dd>未建立" in body(client.get(f"/directory/enterprises/{made.id}"))
    branch = party.organisation("蓝色创业谷第一联合党支部", [made, directory.enterprise("威海乙有限公司", None)])
    assert "蓝色创业谷第一联合党支部（联合党支部）" in body(client.get(f"/directory/enterprises/{made.id}"))
    assert ">联合党支部</td>" in body(client.get("/directory/enterprises"))
    with atomic():
        organisations.set_active(None, branch, False, "企业迁出")
    assert "<dt>党组织</dt><dd>未建立" in body(client.get(f"/directory/enterprises/{made.id}"))
    assert ">联合党支部</td>" not in body(client.get("/directory/enterprises"))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"uscc": CODE[:-1] + ("0" if CODE[-1] != "0" else "1")}, "统一社会信用代码校验位不正确"),
        ({"contact_phone": "3981001"}, "请填写11位手机号码。"),
        ({"kind": ""}, "请选择企业类型。"),
        ({"name": ""}, "请填写企业名称。"),
    ],
)
def test_a_refused_form_shows_the_message_next_to_its_field_and_keeps_what_was_typed(auth, client, changes, message):
    auth.login("staff")
    response = client.post("/directory/enterprises/new", data=form(**changes))
    assert response.status_code == 422
    page = body(response)
    assert message in page and 'class="error"' in page
    assert "威海南海新区蓝色创业谷1号楼101室" in page and "高端装备" in page
    assert count() == 0


def test_a_code_already_registered_is_named_next_to_the_code(auth, client):
    directory.enterprise("威海鸿锐金属制品有限公司", "鸿锐金属", uscc=CODE)
    auth.login("staff")
    response = client.post("/directory/enterprises/new", data=form())
    assert response.status_code == 422
    assert re.search(r'id="uscc-error">该统一社会信用代码已登记为“威海鸿锐金属制品有限公司”', body(response))
    assert count() == 1


def test_an_edit_is_saved_and_its_changes_are_listed_in_the_history(auth, client):
    made = directory.enterprise(uscc=CODE, contact_phone="13985263751")
    auth.login("staff")
    page = body(client.get(f"/directory/enterprises/{made.id}/edit"))
    assert 'value="13985263751"' in page and 'name="version"' in page
    response = client.post(f"/directory/enterprises/{made.id}/edit", data=form(contact_phone="13800001111", version="1"))
    assert response.status_code == 303
    detail = body(client.get(f"/directory/enterprises/{made.id}"))
    assert "联系人手机：13985263751 → 13800001111" in detail


def test_an_edit_begun_before_a_colleagues_save_is_shown_again_with_what_differs(auth, client):
    made = directory.enterprise(uscc=CODE, contact_phone="13985263751", kind="accelerator")
    auth.login("admin")
    first = client.post(f"/directory/enterprises/{made.id}/edit", data=form(contact_phone="13700002222", version="1"))
    assert first.status_code == 303
    auth.logout()
    auth.login("staff")
    stale = client.post(f"/directory/enterprises/{made.id}/edit", data=form(address="创业谷2号楼", version="1"))
    assert stale.status_code == 409
    page = body(stale)
    assert "已有人修改并保存了这条记录" in page
    table = page.split('class="conflict-table"', 1)[1].split("</table>", 1)[0]
    assert re.search(r"联系人手机</th><td class=\"now\">13700002222</td><td class=\"yours\">13985263751<", table)
    assert "创业谷2号楼" in page and 'name="version" type="hidden" value="2"' in page
    db.session.expire_all()
    assert db.session.get(Enterprise, made.id).contact_phone == "13700002222"
    again = client.post(f"/directory/enterprises/{made.id}/edit", data=form(address="创业谷2号楼", version="2"))
    assert again.status_code == 303


def test_deactivation_asks_for_a_reason_on_its_own_page_first(auth, client):
    made = directory.enterprise(uscc=CODE)
    auth.login("staff")
    detail = body(client.get(f"/directory/enterprises/{made.id}"))
    assert f'href="/directory/enterprises/{made.id}/deactivate"' in detail
    confirm = body(client.get(f"/directory/enterprises/{made.id}/deactivate"))
    assert "全部保留" in confirm and "确认停用" in confirm
    missing = client.post(f"/directory/enterprises/{made.id}/deactivate", data={"reason": " "})
    assert missing.status_code == 422 and "请填写停用原因" in body(missing)
    db.session.expire_all()
    assert db.session.get(Enterprise, made.id).active
    done = client.post(f"/directory/enterprises/{made.id}/deactivate", data={"reason": "已迁出园区"})
    assert done.status_code == 303
    page = body(client.get(f"/directory/enterprises/{made.id}"))
    assert "已停用" in page and "原因：已迁出园区" in page and "重新启用" in page
    again = client.post(f"/directory/enterprises/{made.id}/deactivate", data={"reason": "再次"})
    assert again.status_code == 303 and "该企业已停用" in body(client.get(again.headers["Location"]))


def test_reactivation_brings_the_enterprise_back(auth, client):
    made = directory.deactivated(directory.enterprise(uscc=CODE))
    auth.login("admin")
    response = client.post(f"/directory/enterprises/{made.id}/reactivate")
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Enterprise, made.id).active
    assert audit.entries_for("enterprise", made.id)[-1].action == "enterprise.reactivate"


def test_the_list_filters_by_status_kind_grid_and_search(auth, client):
    grid = directory.grid(6, "六号网格")
    directory.enterprise("威海汇科工控技术有限公司", "汇科工控", kind="accelerator", grid_id=grid.id)
    directory.deactivated(directory.enterprise("威海鸿锐金属制品有限公司", "鸿锐金属", kind="nearby"))
    directory.enterprise("威海海纳数据有限公司", "海纳数据", kind="maker_space")
    auth.login("staff")
    everything = body(client.get("/directory/enterprises"))
    assert "鸿锐金属" in everything and "已停用" in everything and "共 3 家（含已停用）" in everything
    active = body(client.get("/directory/enterprises?status=active", headers=HTMX))
    assert "<html" not in active and "鸿锐金属" not in active and "海纳数据" in active
    assert "鸿锐金属" in body(client.get("/directory/enterprises?status=inactive"))
    by_kind = body(client.get("/directory/enterprises?kind=maker_space"))
    assert "海纳数据" in by_kind and "汇科工控" not in by_kind
    by_grid = body(client.get(f"/directory/enterprises?grid={grid.id}"))
    assert "汇科工控" in by_grid and "海纳数据" not in by_grid
    nothing = body(client.get("/directory/enterprises?q=不存在的企业"))
    assert "没有符合条件的企业" in nothing and "清除筛选" in nothing
    assert 'href="/directory/enterprises/export.xlsx?kind=maker_space"' in by_kind


def test_a_long_register_is_paginated(auth, client):
    for number in range(35):
        directory.enterprise(f"威海测试企业{number:02d}有限公司", None)
    auth.login("staff")
    first = body(client.get("/directory/enterprises"))
    assert "第 1 / 2 页，共 35 条" in first and "威海测试企业00有限公司" in first and "威海测试企业34有限公司" not in first
    second = body(client.get("/directory/enterprises?page=2"))
    assert "威海测试企业34有限公司" in second


def test_the_staff_demand_picker_leaves_out_a_deactivated_enterprise(auth, client):
    staying = directory.enterprise("威海汇科工控技术有限公司", "汇科工控")
    leaving = directory.deactivated(directory.enterprise("威海鸿锐金属制品有限公司", "鸿锐金属"))
    auth.login("staff")
    offered = body(client.get("/directory/enterprises/suggest", query_string={"q": "威海"}))
    assert f'value="{staying.name}"' in offered and leaving.name not in offered
    refused = client.post("/demands/new", data={"enterprise": leaving.name, "kind": "problem", "title": "诉求",
                                                "description": "内容", "contact_name": "王", "contact_mobile": "13985263751",
                                                "source": "walk_in"})  # fmt: skip
    assert refused.status_code == 422 and "企业名录中没有“威海鸿锐金属制品有限公司”" in body(refused)


def test_a_booking_keeps_its_enterprise_after_it_is_deactivated(auth, client):
    made = directory.enterprise("威海鸿锐金属制品有限公司", "鸿锐金属")
    room = rooms.room()
    booking = rooms.booking(room, clock.today() + timedelta(days=2), enterprise_id=made.id, contact_name="王经理")
    directory.deactivated(made)
    auth.login("staff")
    page = body(client.get(f"/facilities/bookings/{booking.id}/edit"))
    assert re.search(r'name="enterprise" type="text" value="威海鸿锐金属制品有限公司"', page)
    day = booking.start_at.date().isoformat()
    saved = client.post(f"/facilities/bookings/{booking.id}/edit", data={
        "room_id": room.id, "day": day, "start": "10:00", "end": "11:00", "title": "改名后的沙龙", "headcount": 1,
        "enterprise": "威海鸿锐金属制品有限公司", "contact_name": "王经理", "scope": "this", "version": booking.version,
    })  # fmt: skip
    assert saved.status_code == 303
    db.session.expire_all()
    assert (booking.title, booking.enterprise_id) == ("改名后的沙龙", made.id)
    assert made.name not in body(client.get("/directory/enterprises/suggest", query_string={"q": "鸿锐"}))


def test_an_unknown_enterprise_is_a_404(auth, client):
    auth.login("staff")
    assert client.get("/directory/enterprises/999").status_code == 404
    assert client.post("/directory/enterprises/999/deactivate", data={"reason": "x"}).status_code == 404


def test_a_grid_worker_may_not_change_the_register(auth, client):
    made = directory.enterprise(uscc=CODE)
    auth.login("grid_worker")
    assert client.post("/directory/enterprises/new", data=form(uscc=make_code("371000", 1))).status_code == 403
    assert client.post(f"/directory/enterprises/{made.id}/deactivate", data={"reason": "x"}).status_code == 403
    with atomic():
        assert db.session.get(Enterprise, made.id).active
    assert count() == 1


@pytest.mark.parametrize(
    "changes",
    [{"grid_id": "abc"}, {"grid_id": "999"}, {"kind": "headquarters"}, {"name": "企" * 101}, {"notes": "备" * 2001}],
    ids=["grid not a number", "grid unknown", "kind unknown", "name too long", "notes too long"],
)  # fmt: skip
def test_a_hand_made_request_is_a_422_that_writes_nothing(auth, client, changes):
    made = directory.enterprise("威海鸿锐金属制品有限公司", "鸿锐金属")
    auth.login("staff")
    added = client.post("/directory/enterprises/new", data=form(**changes))
    edited = client.post(f"/directory/enterprises/{made.id}/edit", data=form(**({"version": "1"} | changes)))
    assert (added.status_code, edited.status_code) == (422, 422)
    assert count() == 1 and len(audit.entries_for("enterprise", made.id)) == 1


@pytest.mark.parametrize("version", [None, "", "abc", "9" * 5000])
def test_an_edit_without_a_readable_version_is_a_conflict_that_writes_nothing(auth, client, version):
    """A hand-made or truncated request: shown again with the table, never written blind."""
    made = directory.enterprise(uscc=CODE, contact_phone="13985263751")
    auth.login("staff")
    data = form(address="创业谷2号楼")
    if version is not None:
        data["version"] = version
    edited = client.post(f"/directory/enterprises/{made.id}/edit", data=data)
    assert edited.status_code == 409
    page = body(edited)
    assert "已有人修改并保存了这条记录" in page and 'name="version" type="hidden" value="1"' in page
    assert "创业谷2号楼" in page
    db.session.expire_all()
    assert db.session.get(Enterprise, made.id).address != "创业谷2号楼"
    assert len(audit.entries_for("enterprise", made.id)) == 1


def test_an_edit_form_opened_before_a_deactivation_still_saves_and_the_enterprise_stays_deactivated(auth, client):
    """The status is not in the edit form and an edit writes only the form's fields: a colleague
    deactivating the enterprise meanwhile is no conflict with correcting its phone number, and
    the save does not bring it back into the register."""
    made = directory.enterprise(uscc=CODE, contact_phone="13985263751")
    auth.login("staff")
    url = f"/directory/enterprises/{made.id}/edit"
    opened = edit_form(client, url)
    directory.deactivated(made)
    saved = client.post(url, data=opened | {"contact_phone": "13800001111"})
    assert saved.status_code == 303
    db.session.expire_all()
    stored = db.session.get(Enterprise, made.id)
    assert (stored.active, stored.contact_phone) == (False, "13800001111")
    detail = body(client.get(f"/directory/enterprises/{made.id}"))
    assert "已停用" in detail and "联系人手机：13985263751 → 13800001111" in detail
