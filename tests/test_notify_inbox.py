"""消息: the events the outbox writes for staff, liaisons and grid workers are also in the app, on
/messages, newest first, unread marked, with the unread count in the header; a change that rolls
back leaves no message, and nobody reads another user's messages."""

import re
from datetime import timedelta

import pytest
from factories import demands, directory, facilities, meetings
from factories.accounts import account
from sqlalchemy import select

from hubapp import clock
from hubapp.audit import AuditEntry
from hubapp.blueprints.auth import services
from hubapp.blueprints.demands import moves
from hubapp.blueprints.facilities.models import PENDING
from hubapp.blueprints.meetings import notices
from hubapp.blueprints.notify.models import InboxMessage
from hubapp.database import atomic
from hubapp.extensions import db
from hubapp.rules import RuleError

UNREAD = re.compile(r'>消息<span class="nav-count" title="(\d+) 条未读">')


def unread_in_header(client) -> int:
    match = UNREAD.search(client.get("/").get_data(as_text=True))
    return int(match.group(1)) if match else 0


def inbox(user) -> list[InboxMessage]:
    db.session.expire_all()
    return list(
        db.session.scalars(select(InboxMessage).where(InboxMessage.user_id == user.id).order_by(InboxMessage.id))
    )


@pytest.fixture
def enterprise(users):
    return directory.enterprise(grid_id=users["grid_worker"].grids[0].id)


def test_a_transferred_demand_reaches_the_liaison_in_the_app_and_is_marked_read(client, auth, users, enterprise):
    tax = meetings.department("税务分局")
    other_liaison = account("econ-liaison", "liaison", department=meetings.department("经济发展局"))
    demand = demands.transferred(users["staff"], enterprise, tax, title="出口退税进度")

    auth.login("liaison")
    assert unread_in_header(client) == 1
    page = client.get("/messages").get_data(as_text=True)
    assert f"诉求 {demand.number} 转税务分局办理：“出口退税进度”" in page
    assert "未读" in page and "全部标为已读" in page
    assert inbox(other_liaison) == []

    [message] = inbox(users["liaison"])
    response = client.post(f"/messages/{message.id}/open")
    assert response.status_code == 303 and response.headers["Location"] == f"/demands/{demand.id}"
    assert inbox(users["liaison"])[0].read_at is not None
    assert unread_in_header(client) == 0
    page = client.get("/messages").get_data(as_text=True)
    assert "出口退税进度" in page and "全部标为已读" not in page
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "message.read")) is not None


def test_mark_all_read(client, auth, users, enterprise):
    for title in ("出口退税进度", "发票额度调整", "社保缴费基数"):
        demands.transferred(users["staff"], enterprise, meetings.department("税务分局"), title=title)
    auth.login("liaison")
    assert unread_in_header(client) == 3
    page = client.get("/messages").get_data(as_text=True)
    # Newest first.
    assert page.index("社保缴费基数") < page.index("发票额度调整") < page.index("出口退税进度")

    response = client.post("/messages/read-all", follow_redirects=True)
    assert "已将 3 条消息标为已读。" in response.get_data(as_text=True)
    assert unread_in_header(client) == 0
    assert all(m.read_at is not None for m in inbox(users["liaison"]))


def test_the_message_list_is_paginated(client, auth, users, enterprise, app):
    app.config["PAGE_SIZE"] = 2
    for title in ("一", "二", "三"):
        demands.transferred(users["staff"], enterprise, meetings.department("税务分局"), title=f"诉求{title}")
    auth.login("liaison")
    first = client.get("/messages").get_data(as_text=True)
    assert "诉求三" in first and "诉求一" not in first and "第 1 / 2 页" in first
    assert "诉求一" in client.get("/messages?page=2").get_data(as_text=True)


def test_nobody_opens_another_users_message(client, auth, users, enterprise):
    demands.transferred(users["staff"], enterprise, meetings.department("税务分局"))
    [message] = inbox(users["liaison"])
    auth.login("staff")
    assert client.post(f"/messages/{message.id}/open").status_code == 404
    assert client.post("/messages/999999/open").status_code == 404
    assert inbox(users["liaison"])[0].read_at is None


def test_staff_hear_of_new_demands_and_room_requests_and_the_grid_worker_of_the_answer(client, auth, users, enterprise):
    demand = demands.demand(users["grid_worker"], enterprise, title="厂区门口路灯不亮")
    next_week = clock.today() + timedelta(days=7)
    facilities.booking(facilities.room(), next_week, status=PENDING, source="public", title="新品发布会")
    for staff in (users["staff"], users["admin"]):
        texts = [m.text for m in inbox(staff)]
        assert any("厂区门口路灯不亮" in t for t in texts) and any("新品发布会" in t for t in texts)
    assert inbox(users["grid_worker"]) == []

    with atomic():
        moves.accept(users["staff"], demand, users["staff"].id)
        moves.answer(users["staff"], demand, "已更换路灯。")
    [told] = inbox(users["grid_worker"])
    assert "已有办理结果，请转告企业" in told.text and told.link_path == f"/demands/{demand.id}"


def test_minutes_waiting_reach_the_chair_and_admins_once(users):
    chair = users["staff"]
    colleague = account("colleague", "staff")
    meeting = meetings.meeting(chair)
    meetings.fill(chair, meeting, meetings.department("税务分局"))
    for _ in range(2):  # the sender asks before every round
        with atomic():
            notices.minutes_waiting(clock.now())
    assert len(inbox(chair)) == 1 and len(inbox(users["admin"])) == 1
    assert "纪要待审定" in inbox(chair)[0].text
    assert inbox(colleague) == []


def test_a_refused_change_leaves_no_message(users, enterprise):
    demand = demands.demand(users["staff"], enterprise)
    with pytest.raises(RuleError), atomic():
        moves.transfer(users["staff"], demand, meetings.department("税务分局").id, "", None)
    assert inbox(users["liaison"]) == []


def test_a_deactivated_liaison_is_not_told(users, enterprise):
    with atomic():
        services.set_active(users["admin"], users["liaison"], False)
    demands.transferred(users["staff"], enterprise, meetings.department("税务分局"))
    assert inbox(users["liaison"]) == []
