"""待我处理: each role's home page starts with what waits on it — a count, a label, a link to the
list where it is done — and a line goes away once it is done; the menu shows the same counts."""

import re
from datetime import timedelta

import pytest
from factories import demands, directory, facilities, guides, meetings
from factories.accounts import account
from sqlalchemy import event

from hubapp import clock
from hubapp.blueprints.demands import liaison, moves
from hubapp.blueprints.facilities.models import PENDING
from hubapp.blueprints.guides import reading as guide_reading
from hubapp.blueprints.guides import visitors, writing
from hubapp.blueprints.meetings import decisions, minutes
from hubapp.blueprints.notify import todo as todo_service
from hubapp.database import atomic
from hubapp.extensions import db

LINE = re.compile(
    r'<li><a href="([^"]+)"><span class="badge [\w-]+ todo-count">(\d+)</span> <span class="todo-label">([^<]+)</span></a></li>'
)
NAV_ITEM = re.compile(r'<a href="[^"]+"[^>]*>([^<]+)<span class="nav-count"[^>]*>(\d+)</span></a>')


def todo(client) -> dict[str, tuple[int, str]]:
    """The home page's 待我处理 lines: label → (count, link)."""
    page = client.get("/").get_data(as_text=True)
    assert "待我处理" in page
    return {
        label.replace("&#34;", "“"): (int(count), href.replace("&amp;", "&"))
        for href, count, label in LINE.findall(page)
    }


def badges(client, path: str = "/messages") -> dict[str, int]:
    """The menu items that carry a count, on any page."""
    return {label: int(count) for label, count in NAV_ITEM.findall(client.get(path).get_data(as_text=True))}


@pytest.fixture
def grid_people(users):
    grid = users["grid_worker"].grids[0]
    return {
        "near": directory.enterprise(grid_id=grid.id),
        "far": directory.enterprise("威海蓝创生物科技有限公司", "蓝创生物", grid_id=grid.id),
    }


def test_staff_see_new_demands_to_accept_until_they_accept_them_on_the_page(client, auth, users, grid_people):
    auth.login("staff")
    assert todo(client) == {}
    assert "暂无待办" in client.get("/").get_data(as_text=True)

    first = demands.demand(users["grid_worker"], grid_people["near"])
    demands.demand(users["grid_worker"], grid_people["far"], title="厂区门口路灯不亮")
    assert todo(client)["件新诉求待受理"] == (2, "/demands/?status=submitted")
    assert badges(client)["企业诉求"] == 2

    response = client.post(f"/demands/{first.id}/accept", data={"handler_id": users["staff"].id, "note": ""})
    assert response.status_code == 303
    assert todo(client)["件新诉求待受理"][0] == 1
    assert badges(client)["企业诉求"] == 1


def test_a_room_request_waits_on_staff_until_approved(client, auth, users):
    room = facilities.room()
    request = facilities.booking(
        room, clock.today() + timedelta(days=2), status=PENDING, source="public", contact_phone="13800000001"
    )
    auth.login("staff")
    assert todo(client)["个场地申请待审批"] == (1, "/facilities/requests")
    assert badges(client)["场地预约"] == 1

    assert client.post(f"/facilities/bookings/{request.id}/approve").status_code == 303
    assert "个场地申请待审批" not in todo(client)
    assert "场地预约" not in badges(client)


def test_answered_demands_wait_for_the_visit_back_and_unsigned_transfers_are_flagged(client, auth, users, grid_people):
    tax = meetings.department("税务分局")
    demand = demands.transferred(users["staff"], grid_people["near"], tax)
    with atomic():
        # Transferred ten days ago and nobody signed for it: more than a working day, holidays or not.
        demand.transferred_at -= timedelta(days=10)
    auth.login("staff")
    lines = todo(client)
    assert lines["件转办诉求超过一个工作日未签收"] == (1, "/demands/?unack=1")

    with atomic():
        liaison.acknowledge(users["liaison"], demand)
        moves.answer(users["liaison"], demand, "已联系企业说明退税进度。")
    lines = todo(client)
    assert "件转办诉求超过一个工作日未签收" not in lines
    assert lines["件诉求已反馈，待回访销号"] == (1, "/demands/?status=answered")

    with atomic():
        moves.close(users["staff"], demand, "satisfied")
    assert "件诉求已反馈，待回访销号" not in todo(client)


def test_an_extension_request_waits_for_staff_and_the_list_link_shows_it(client, auth, users, grid_people):
    tax = meetings.department("税务分局")
    demand = demands.transferred(users["staff"], grid_people["near"], tax)
    other = demands.transferred(users["staff"], grid_people["far"], tax, title="厂区门口路灯不亮")
    with atomic():
        liaison.ask_extension(users["liaison"], demand, demand.deadline + timedelta(days=10), "需省局答复。")
    auth.login("staff")
    count, link = todo(client)["件延期申请待审批"]
    assert count == 1
    listed = client.get(link).get_data(as_text=True)
    assert demand.title in listed and other.title not in listed

    with atomic():
        liaison.grant_extension(users["staff"], demand)
    assert "件延期申请待审批" not in todo(client)


def test_negative_guide_feedback_waits_until_the_guide_is_reviewed(client, auth, users):
    matter = guides.matter(published=True)
    guides.not_reviewed_for(matter, 1)  # published yesterday: today's feedback came after it
    with atomic():
        visitors.add_feedback(None, guide_reading.public_guide(matter.code), True)
    auth.login("staff")
    assert not any("没有帮助" in label for label in todo(client))

    with atomic():
        visitors.add_feedback(None, guide_reading.public_guide(matter.code), False, "材料清单和窗口说的不一样")
    [(label, (count, link))] = [(k, v) for k, v in todo(client).items() if "没有帮助" in k]
    assert count == 1 and link == "/guides/?status=criticised"
    assert matter.name in client.get(link).get_data(as_text=True)

    with atomic():
        writing.mark_reviewed(users["staff"], matter)
    assert not any("没有帮助" in label for label in todo(client))


def test_overdue_decisions_wait_on_staff_and_the_liaisons_unit(client, auth, users):
    tax = meetings.department("税务分局")
    meeting = meetings.meeting(users["admin"], start=meetings.past(30))
    decision = meetings.fill(users["admin"], meeting, tax)
    with atomic():
        decisions.update_decision(
            users["admin"], decision, decision.text, tax.id, None, clock.today() - timedelta(days=5)
        )
    meetings.issue(meeting, users["admin"], users["staff"])

    auth.login("staff")
    assert todo(client)["项议定事项已逾期"] == (1, "/meetings/decisions?colour=red")
    assert badges(client)["议定事项"] == 1
    auth.logout()
    auth.login("liaison")
    assert todo(client)["项本单位议定事项已逾期或即将到期"] == (1, "/meetings/decisions")

    with atomic():
        decisions.complete_decision(users["liaison"], decision, "已完成宣讲。")
    assert "项本单位议定事项已逾期或即将到期" not in todo(client)
    auth.logout()
    auth.login("staff")
    assert "项议定事项已逾期" not in todo(client)


def test_minutes_wait_on_their_chair_and_admins_to_approve_then_to_issue(client, auth, users):
    chair = users["staff"]
    colleague = account("colleague", "staff", name="工作人员戊")
    meeting = meetings.meeting(chair)
    meetings.fill(chair, meeting, meetings.department("税务分局"))
    waiting = f"份纪要待审定：{meeting.title}"

    auth.login("staff")
    assert todo(client)[waiting] == (1, f"/meetings/{meeting.id}")
    auth.logout()
    auth.login("admin")
    assert waiting in todo(client)
    auth.logout()
    auth.login("colleague")
    assert waiting not in todo(client)
    auth.logout()

    auth.login("staff")
    assert client.post(f"/meetings/{meeting.id}/minutes/approve").status_code == 303
    lines = todo(client)
    assert waiting not in lines
    assert lines[f"份纪要已审定，待印发：{meeting.title}"] == (1, f"/meetings/{meeting.id}")

    with atomic():
        minutes.issue_minutes(colleague, meeting)
    assert not any(meeting.title in label for label in todo(client))


def test_a_liaison_sees_transfers_to_sign_for_and_answer(client, auth, users, grid_people):
    tax = meetings.department("税务分局")
    demand = demands.transferred(users["staff"], grid_people["near"], tax)
    demands.transferred(users["staff"], grid_people["far"], meetings.department("经济发展局"), title="不归税务")
    auth.login("liaison")
    lines = todo(client)
    assert lines["件转办诉求待签收"] == (1, "/demands/department")
    assert lines["件转办诉求待反馈办理结果"] == (1, "/demands/department")
    assert badges(client)["转办诉求"] == 1

    assert client.post(f"/demands/{demand.id}/acknowledge").status_code == 303
    lines = todo(client)
    assert "件转办诉求待签收" not in lines and lines["件转办诉求待反馈办理结果"][0] == 1

    response = client.post(f"/demands/{demand.id}/answer", data={"answer": "已联系企业说明退税进度。"})
    assert response.status_code == 303
    assert todo(client) == {}
    assert "转办诉求" not in badges(client)


def test_a_grid_worker_sees_enterprises_not_visited_this_month_and_answers_to_pass_on(client, auth, users, grid_people):
    elsewhere = directory.grid(2, "二号网格")
    directory.enterprise("威海远航船舶配件有限公司", "远航船舶", grid_id=elsewhere.id)
    worker = users["grid_worker"]
    auth.login("grid_worker")
    assert todo(client)["家网格内企业本月尚未走访"] == (2, "/demands/grid")
    assert badges(client)["我的网格"] == 2

    demands.visit(worker, grid_people["near"], visited_on=clock.today().replace(day=1) - timedelta(days=1))
    assert todo(client)["家网格内企业本月尚未走访"][0] == 2, "last month's visit does not count"
    demands.visit(worker, grid_people["near"])
    assert todo(client)["家网格内企业本月尚未走访"][0] == 1

    demand = demands.demand(worker, grid_people["near"])
    with atomic():
        moves.accept(users["staff"], demand, users["staff"].id)
        moves.answer(users["staff"], demand, "已调整早班车时间。")
    assert todo(client)["件诉求已有办理结果，待转告企业"] == (1, "/demands/grid")
    with atomic():
        moves.close(users["staff"], demand, "satisfied")
    assert "件诉求已有办理结果，待转告企业" not in todo(client)

    demands.visit(worker, grid_people["far"])
    assert todo(client) == {}
    assert "我的网格" not in badges(client)


def test_each_role_sees_only_its_own_lines(client, auth, users, grid_people):
    demands.demand(users["grid_worker"], grid_people["near"])
    for role in ("liaison", "grid_worker"):
        auth.login(role)
        assert "件新诉求待受理" not in todo(client), role
        assert "企业诉求" not in badges(client), role
        auth.logout()
    auth.login("staff")
    assert "家网格内企业本月尚未走访" not in todo(client)


def test_a_refused_extension_waits_on_the_liaison_until_the_demand_is_answered(client, auth, users, grid_people):
    demand = demands.transferred(users["staff"], grid_people["near"], meetings.department("税务分局"))
    with atomic():
        liaison.ask_extension(users["liaison"], demand, demand.deadline + timedelta(days=10), "需省局答复。")
    auth.login("liaison")
    refused = "件延期申请未获同意，须按原时限反馈"
    assert refused not in todo(client)

    with atomic():
        liaison.refuse_extension(users["staff"], demand, "企业急需，请按期反馈。")
    assert todo(client)[refused] == (1, "/demands/department")

    with atomic():
        moves.answer(users["liaison"], demand, "已按期答复企业。")
    assert refused not in todo(client)


@pytest.mark.parametrize(("role", "items"), [("staff", 3), ("liaison", 2), ("grid_worker", 1)])
def test_the_menu_badges_cost_one_query_per_item_of_the_role(app, users, role, items):
    statements = []

    def count(_conn, _cursor, statement, *_args):
        # The working-day calendar is read once per request, for every page that counts days.
        if statement.lstrip().upper().startswith("SELECT") and "FROM calendar_day" not in statement:
            statements.append(statement)

    user = users[role]
    assert user.grid_ids is not None  # loaded with the user, as the login loader does on each request
    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        with app.test_request_context():
            badges_of_role = todo_service.nav_counts(user)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(badges_of_role) == items
    assert len(statements) == items, statements
