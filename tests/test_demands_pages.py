"""Demand pages through HTTP: forms that keep what was typed and answer 422, the staff list with
its tabs and filters, the actions on the demand page, the liaison's and the grid worker's pages,
the statistics and the Excel export."""

import io
import re
from datetime import timedelta

from openpyxl import load_workbook
from sqlalchemy import func, select

from hubapp import clock
from hubapp.blueprints.demands import moves
from hubapp.blueprints.demands.models import Demand, Visit
from hubapp.database import NumberTaken, atomic
from hubapp.extensions import db
from tests.test_demands_services import department, firms, raise_demand, transferred  # noqa: F401  (fixture)

HTMX = {"HX-Request": "true"}


def demand_form(enterprise, **overrides):
    data = {
        "enterprise": enterprise.name,
        "kind": "support",
        "title": "增加专家公寓硬件设施",
        "description": "热水器老化，缺少洗衣机。",
        "contact_name": "杨先生",
        "contact_mobile": "13985263751",
        "source": "walk_in",
        "received_on": clock.today().isoformat(),
        "deadline": "",
    }
    data.update(overrides)
    return data


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_staff_registers_a_demand_and_lands_on_its_page(auth, client, firms):
    auth.login("staff")
    form = client.get(f"/demands/new?enterprise={firms['home'].id}").get_data(as_text=True)
    assert f'id="enterprise" list="enterprise-options" name="enterprise" required type="text" value="{firms["home"].name}"' in form
    assert "13985263751" in form
    response = client.post("/demands/new", data=demand_form(firms["home"]))
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"ZTC-{clock.today().year}-001" in page and "增加专家公寓硬件设施" in page and "待受理" in page
    assert "受理直办" in page and "转办" in page and 'data-confirm="确定对该诉求作不予受理处理' in page


def test_a_refused_demand_form_keeps_what_was_typed(auth, client, firms):
    auth.login("staff")
    response = client.post("/demands/new", data=demand_form(firms["home"], contact_mobile="3981001", title="优化公交车时间表"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "请填写11位手机号码。" in page and "优化公交车时间表" in page and "热水器老化，缺少洗衣机。" in page
    missing = client.post("/demands/new", data=demand_form(firms["home"], description=""))
    assert missing.status_code == 422 and "请填写诉求内容。" in missing.get_data(as_text=True)
    assert count(Demand) == 0


def test_a_deadline_outside_the_calendar_is_refused_next_to_the_field(auth, client, firms):
    auth.login("staff")
    response = client.post("/demands/new", data=demand_form(firms["home"], deadline="2100-01-04"))
    assert response.status_code == 422
    assert 'id="deadline-error">日期超出范围' in response.get_data(as_text=True)
    assert count(Demand) == 0


def test_a_number_lost_to_other_writers_answers_409_and_keeps_the_form(auth, client, firms, monkeypatch):
    def always_taken(session, name, write):
        raise NumberTaken(name)

    monkeypatch.setattr(moves, "write_numbered", always_taken)
    auth.login("staff")
    response = client.post("/demands/new", data=demand_form(firms["home"]))
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "编号被同时占用，请重试。" in page and "增加专家公寓硬件设施" in page
    assert count(Demand) == 0


def test_the_list_has_a_tab_per_list_and_filters(auth, client, users, firms):
    funding = raise_demand(users, firms["home"], kind="funding", title="设备升级流动资金需求")
    late = raise_demand(users, firms["away"], title="园区货车通行证办理", received_on=clock.today() - timedelta(days=40))
    with atomic():
        moves.supervise(users["staff"], late, "请本周内反馈。")
    auth.login("staff")
    page = client.get("/demands/").get_data(as_text=True)
    assert "问题诉求 <span class=\"count\">1</span>" in page and "资金需求 <span class=\"count\">1</span>" in page
    assert "已超期" in page and "督办1次" in page and 'class="overdue"' in page
    tab = client.get("/demands/?kind=funding").get_data(as_text=True)
    assert "设备升级流动资金需求" in tab and "园区货车通行证办理" not in tab
    overdue = client.get("/demands/?overdue=1", headers=HTMX).get_data(as_text=True)
    assert "园区货车通行证办理" in overdue and "设备升级流动资金需求" not in overdue
    assert "/demands/export.xlsx?overdue=1" in overdue  # the export follows the filters htmx applied
    by_number = client.get(f"/demands/?q={funding.number}").get_data(as_text=True)
    assert "设备升级流动资金需求" in by_number and "园区货车通行证办理" not in by_number
    by_enterprise = client.get("/demands/?q=鸿锐").get_data(as_text=True)
    assert "园区货车通行证办理" in by_enterprise and "设备升级流动资金需求" not in by_enterprise
    by_grid = client.get(f"/demands/?grid={firms['away'].grid_id}").get_data(as_text=True)
    assert "园区货车通行证办理" in by_grid and "设备升级流动资金需求" not in by_grid


def test_the_list_is_paginated(auth, client, app, users, firms):
    for n in range(app.config["PAGE_SIZE"] + 1):
        raise_demand(users, firms["home"], title=f"诉求{n:02d}")
    auth.login("staff")
    first = client.get("/demands/").get_data(as_text=True)
    assert "第 1 / 2 页" in first and "诉求00" not in first
    assert "诉求00" in client.get("/demands/?page=2").get_data(as_text=True)


def test_a_transfer_with_a_missing_field_answers_422_next_to_the_field(auth, client, users, firms):
    demand = raise_demand(users, firms["home"])
    auth.login("staff")
    tax = department("税务分局")
    response = client.post(
        f"/demands/{demand.id}/transfer",
        data={"department_id": str(tax.id), "note": "", "deadline": (clock.today() + timedelta(days=7)).isoformat()},
        headers=HTMX,
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="transfer-note-error">请写明需要部门办理的事项。' in page
    # The field in error says so, and points at its message, for screen readers.
    field = re.search(r'<textarea[^>]*id="transfer-note"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in field and 'aria-describedby="transfer-note-error"' in field
    assert 'for="transfer-note"' in page
    assert f'<option selected value="{tax.id}">' in page
    done = client.post(
        f"/demands/{demand.id}/transfer",
        data={"department_id": str(tax.id), "note": "请解答", "deadline": (clock.today() + timedelta(days=7)).isoformat()},
        headers=HTMX,
    )
    assert done.status_code == 200 and "已转办" in done.get_data(as_text=True)


def test_closing_without_satisfaction_or_unsatisfied_is_refused_on_the_page(auth, client, users, firms):
    demand = transferred(users, firms)
    with atomic():
        moves.answer(users["liaison"], demand, "已答复。")
    auth.login("staff")
    page = client.get(f"/demands/{demand.id}").get_data(as_text=True)
    assert 'data-confirm="确定销号' in page
    missing = client.post(f"/demands/{demand.id}/close", data={"note": "电话回访"})
    assert missing.status_code == 422 and "请选择企业满意度。" in missing.get_data(as_text=True)
    unhappy = client.post(f"/demands/{demand.id}/close", data={"satisfaction": "unsatisfied", "note": "电话回访"})
    assert unhappy.status_code == 422 and "企业不满意的诉求不能销号，请退回重办。" in unhappy.get_data(as_text=True)
    assert client.post(f"/demands/{demand.id}/close", data={"satisfaction": "satisfied"}).status_code == 303
    db.session.expire_all()
    assert demand.status == "closed"


def test_an_action_on_a_demand_already_moved_answers_409_in_chinese(auth, client, users, firms):
    demand = raise_demand(users, firms["home"])
    with atomic():
        moves.accept(users["staff"], demand)
    auth.login("staff")
    response = client.post(f"/demands/{demand.id}/decline", data={"reason": "重复登记"})
    assert response.status_code == 409
    assert "该诉求当前为“办理中”，不能不予受理。" in response.get_data(as_text=True)


def test_a_decline_without_a_reason_keeps_the_demand(auth, client, users, firms):
    demand = raise_demand(users, firms["home"])
    auth.login("staff")
    response = client.post(f"/demands/{demand.id}/decline", data={"reason": ""}, headers=HTMX)
    assert response.status_code == 422 and "请填写不予受理的原因。" in response.get_data(as_text=True)
    db.session.expire_all()
    assert demand.status == "submitted"


def test_the_liaison_answers_their_departments_demand_and_no_other(auth, client, users, firms):
    ours = transferred(users, firms, "税务分局")
    theirs = transferred(users, firms, "经济发展局", title="经发局的诉求")
    auth.login("liaison")
    listing = client.get("/demands/department").get_data(as_text=True)
    assert ours.title in listing and "经发局的诉求" not in listing
    assert client.get(f"/demands/{theirs.id}").status_code == 403
    assert client.post(f"/demands/{theirs.id}/answer", data={"answer": "已办"}).status_code == 403
    page = client.get(f"/demands/{ours.id}").get_data(as_text=True)
    assert "反馈办理结果" in page and "受理直办" not in page and "督办" not in page
    assert client.post(f"/demands/{ours.id}/answer", data={"answer": ""}).status_code == 422
    assert client.post(f"/demands/{ours.id}/answer", data={"answer": "已上门说明。"}).status_code == 303
    db.session.expire_all()
    assert ours.status == "answered"
    assert "已上门说明。" in client.get("/demands/department?show=answered").get_data(as_text=True)


def test_the_grid_worker_logs_a_visit_and_raises_a_demand_from_it(auth, client, users, firms):
    auth.login("grid_worker")
    grid_page = client.get("/demands/grid").get_data(as_text=True)
    assert "威海汇科工控技术有限公司" in grid_page and "鸿锐金属" not in grid_page
    today = clock.today().isoformat()
    missing = client.post("/demands/visits/new", data={"enterprise": firms["home"].name, "visited_on": today, "notes": "了解用工"})
    assert missing.status_code == 422
    assert "请至少选择一项走访内容。" in missing.get_data(as_text=True) and "了解用工" in missing.get_data(as_text=True)
    response = client.post(
        "/demands/visits/new",
        data={"enterprise": firms["home"].name, "visited_on": today, "topics": ["party", "industry"], "notes": "了解用工"},
    )
    assert response.status_code == 303 and "visit=" in response.headers["Location"]
    form = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "来自" in form and "党的建设、产业发展" in form
    created = client.post(response.headers["Location"], data=demand_form(firms["home"], source="visit"))
    assert created.status_code == 303 and created.headers["Location"].endswith("/demands/grid")
    demand = db.session.scalar(select(Demand))
    assert demand.visit_id == db.session.scalar(select(Visit.id)) and demand.raised_by_id == users["grid_worker"].id
    grid_page = client.get("/demands/grid").get_data(as_text=True)
    assert "本月已走访" in grid_page and "增加专家公寓硬件设施" in grid_page and "待受理" in grid_page


def test_a_grid_worker_cannot_raise_for_another_grid(auth, client, firms):
    auth.login("grid_worker")
    response = client.post("/demands/new", data=demand_form(firms["away"]))
    assert response.status_code == 422
    assert client.post("/demands/visits/new", data={"enterprise": firms["away"].name, "visited_on": clock.today().isoformat(), "topics": ["party"]}).status_code == 422
    assert count(Demand) == 0 and count(Visit) == 0


def test_statistics_show_the_headline_and_per_list_numbers(auth, client, users, firms):
    demand = transferred(users, firms)
    with atomic():
        moves.answer(users["liaison"], demand, "已办结。")
        moves.close(users["staff"], demand, "satisfied")
    raise_demand(users, firms["home"], kind="tech")
    auth.login("staff")
    page = client.get("/demands/statistics").get_data(as_text=True)
    assert f"{clock.today().year}年共收集各类诉求2个，已推动解决1个。" in page
    assert "国家税务总局威海南海新区税务局" in page


def test_the_export_opens_in_excel_with_chinese_headers_and_the_filtered_rows(auth, client, users, firms):
    raise_demand(users, firms["home"], kind="funding", title="设备升级流动资金需求")
    raise_demand(users, firms["home"], kind="problem", title="优化公交车时间表")
    auth.login("staff")
    response = client.get("/demands/export.xlsx?kind=funding")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("编号", "类别", "企业", "网格", "诉求标题")
    assert len(rows) == 2 and rows[1][1] == "资金需求" and rows[1][4] == "设备升级流动资金需求"


def test_home_panels_speak_to_each_role(auth, client, users, firms):
    transferred(users, firms)
    raise_demand(users, firms["home"], who="grid_worker")
    auth.login("staff")
    assert "待受理 1 件" in client.get("/").get_data(as_text=True)
    auth.logout()
    auth.login("liaison")
    assert "本部门有 <strong>1</strong> 件转办诉求待反馈" in client.get("/").get_data(as_text=True)
    auth.logout()
    auth.login("grid_worker")
    assert "尚未销号 <strong>1</strong> 件" in client.get("/").get_data(as_text=True)


def test_a_grid_worker_reads_the_demands_of_their_grid_only(auth, client, users, firms):
    ours = raise_demand(users, firms["home"])
    other = raise_demand(users, firms["away"])
    auth.login("grid_worker")
    page = client.get(f"/demands/{ours.id}").get_data(as_text=True)
    assert ours.title in page and "办理经过" in page and "受理直办" not in page
    assert client.get(f"/demands/{other.id}").status_code == 403
    assert client.get("/demands/").status_code == 403


def test_no_two_elements_of_a_demands_page_share_an_id(auth, client, users, firms):
    """Each action's form has its own note field: a label must lead to its own box."""
    demand = raise_demand(users, firms["home"])
    auth.login("staff")
    page = client.get(f"/demands/{demand.id}").get_data(as_text=True)
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert ids and len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
