"""What the clock makes due, queued by the sender before each round and only once: a session's
reminder the day before to each confirmed attendee; minutes that can be approved, to the chair
(SMS) and the admins (the centre's robot)."""

from datetime import datetime, time, timedelta

import pytest
from factories import meetings, sessions
from factories.accounts import account
from sqlalchemy import select

from hubapp import clock
from hubapp.blueprints.meetings import minutes
from hubapp.blueprints.notify.models import OutboxMessage
from hubapp.blueprints.notify.sender import Sender
from hubapp.database import atomic
from hubapp.extensions import db

STAFF_ROBOT = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=centre"


@pytest.fixture
def app_config(app_config):
    return {**app_config, "NOTIFY_STAFF_WEBHOOK": STAFF_ROBOT}


def outbox(event: str) -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.event == event).order_by(OutboxMessage.id)))


def test_confirmed_attendees_are_reminded_the_day_before_once(app):
    tomorrow = datetime.combine(clock.today() + timedelta(days=1), time(14))
    session = sessions.session(sessions.hall(), capacity=1, start=tomorrow)
    sessions.registration(session, sessions.phone(1))
    sessions.registration(session, sessions.phone(2))  # waitlisted: no seat, no reminder
    later = sessions.session(sessions.hall("多功能厅"), capacity=5, start=tomorrow + timedelta(days=1))
    sessions.registration(later, sessions.phone(3))
    Sender().send_due()
    Sender().send_due()
    [reminder] = outbox("registration.reminder")
    assert reminder.recipient == sessions.phone(1)
    assert reminder.text.startswith(f"提醒：您报名的“{sessions.TITLE}”将于明天14:00在办事大厅洽谈区举行")


def test_minutes_ready_for_approval_wait_on_the_chair_and_the_admins(users):
    chair = account("chair", "staff", name="孙晓梅", phone="13300000003")
    meeting = meetings.meeting(chair)
    Sender().send_due()
    assert outbox("minutes.waiting") == []  # nobody present yet: nothing to approve
    meetings.fill(chair, meeting, meetings.department())
    Sender().send_due()
    Sender().send_due()
    messages = outbox("minutes.waiting")
    assert {m.recipient for m in messages} == {STAFF_ROBOT, "13300000003"}
    assert messages[0].text.startswith(f"{meeting.title}纪要待审定，请会议主持人孙晓梅或管理员审定。")
    with atomic():
        minutes.approve_minutes(chair, meeting)
    Sender().send_due()
    assert len(outbox("minutes.waiting")) == 2


# --- deadlines: a transferred demand, a meeting decision, a room booking the day before ---------

TAX_ROBOT = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=tax"


def at_noon(day) -> datetime:
    return datetime.combine(day, time(12))


@pytest.fixture
def tax(users):
    """The 税务分局 of ``users`` with its robot, and its liaison's mobile."""
    department = meetings.department("税务分局")
    with atomic():
        department.robot_webhook = TAX_ROBOT
        users["liaison"].phone = "13700000007"
    return department


def test_a_transferred_demand_warns_its_department_three_working_days_before_and_once_overdue(users, tax):
    from factories import demands, directory

    from hubapp.workdays import add_working_days

    today = clock.today()
    deadline = add_working_days(today, 5)
    demand = demands.transferred(users["staff"], directory.enterprise(), tax, title="出口退税进度", deadline=deadline)
    Sender(now=lambda: at_noon(today)).send_due()
    assert outbox("demand.due_soon") == []  # five working days left: nothing yet
    three_before = add_working_days(today, 2)
    Sender(now=lambda: at_noon(three_before)).send_due()
    Sender(now=lambda: at_noon(three_before)).send_due()
    [soon] = outbox("demand.due_soon")
    assert soon.recipient == TAX_ROBOT and soon.mentions == "13700000007"
    assert soon.text.startswith(f"诉求 {demand.number}“出口退税进度”即将到期：请税务分局于{deadline.year}年")
    assert outbox("demand.overdue") == []
    Sender(now=lambda: at_noon(deadline + timedelta(days=1))).send_due()
    Sender(now=lambda: at_noon(deadline + timedelta(days=2))).send_due()
    [overdue] = outbox("demand.overdue")
    assert overdue.recipient == TAX_ROBOT and "已超期" in overdue.text and overdue.mentions == "13700000007"


def test_an_extended_deadline_is_warned_of_again(users, tax):
    from factories import demands, directory

    from hubapp.blueprints.demands import liaison
    from hubapp.workdays import add_working_days

    today = clock.today()
    demand = demands.transferred(users["staff"], directory.enterprise(), tax, deadline=add_working_days(today, 2))
    Sender(now=lambda: at_noon(today)).send_due()
    later = add_working_days(today, 10)
    with atomic():
        liaison.ask_extension(users["liaison"], demand, later, "需要上级税务机关复核。")
        liaison.grant_extension(users["staff"], demand, "同意。")
    Sender(now=lambda: at_noon(today)).send_due()
    assert len(outbox("demand.due_soon")) == 1  # the new deadline is far: nothing new yet
    Sender(now=lambda: at_noon(add_working_days(today, 8))).send_due()
    first, second = outbox("demand.due_soon")
    assert f"于{later.year}年{later.month}月{later.day}日前" in second.text


def test_an_answered_demand_is_not_chased(users, tax):
    from factories import demands, directory

    from hubapp.blueprints.demands import moves

    demand = demands.transferred(users["staff"], directory.enterprise(), tax, deadline=clock.today() + timedelta(days=1))
    with atomic():
        moves.answer(users["liaison"], demand, "已答复企业。")
    Sender(now=lambda: at_noon(clock.today() + timedelta(days=5))).send_due()
    assert outbox("demand.due_soon") == [] and outbox("demand.overdue") == []


def test_a_decision_warns_its_unit_before_the_deadline_and_the_staff_once_overdue(users, tax):
    from hubapp.blueprints.meetings import decisions

    chair = users["admin"]
    meeting = meetings.meeting(chair)
    meetings.fill(chair, meeting, tax)
    deadline = clock.today() + timedelta(days=10)
    Sender(now=lambda: at_noon(deadline - timedelta(days=3))).send_due()
    assert outbox("decision.due_soon") == []  # minutes not issued: the decision is not assigned yet
    meetings.issue(meeting, chair, chair)
    Sender(now=lambda: at_noon(deadline - timedelta(days=8))).send_due()
    assert outbox("decision.due_soon") == []  # more than a week ahead
    Sender(now=lambda: at_noon(deadline - timedelta(days=3))).send_due()
    Sender(now=lambda: at_noon(deadline - timedelta(days=2))).send_due()
    [soon] = outbox("decision.due_soon")
    assert soon.recipient == TAX_ROBOT and soon.mentions == "13700000007"
    assert "议定事项1“开展社保政策进企业宣讲”由税务分局负责" in soon.text and "即将到期" in soon.text
    Sender(now=lambda: at_noon(deadline + timedelta(days=1))).send_due()
    overdue = outbox("decision.overdue")
    assert {m.recipient for m in overdue} == {TAX_ROBOT, STAFF_ROBOT}
    assert next(m for m in overdue if m.recipient == STAFF_ROBOT).text.endswith("请督办。 http://hub.example.cn/meetings/decisions")
    [decision] = meeting.decisions
    with atomic():
        decisions.complete_decision(chair, decision, "已完成宣讲。")
    Sender(now=lambda: at_noon(deadline + timedelta(days=30))).send_due()
    assert len(outbox("decision.overdue")) == 2


def test_an_approved_room_request_is_reminded_by_sms_the_day_before(app):
    from factories import facilities

    from hubapp.blueprints.facilities import bookings
    from hubapp.blueprints.facilities.models import PENDING

    room = facilities.room("会议室一", needs_approval=True)
    day = clock.today() + timedelta(days=3)
    request = facilities.booking(
        room, day, "14:00", "16:00", title="新员工入职培训", status=PENDING, source="public",
        contact_name="李娜", contact_phone="13500000005",
    )  # fmt: skip
    facilities.booking(room, day, "09:00", "10:00", contact_phone="13500000009")  # staff's own: no reminder
    facilities.booking(
        room, day, "17:00", "18:00", status=PENDING, source="public", contact_name="王芳", contact_phone="13500000006"
    )  # never approved: no reminder
    with atomic():
        bookings.approve_booking(None, request)
    Sender(now=lambda: at_noon(day - timedelta(days=2))).send_due()
    assert outbox("booking.reminder") == []
    Sender(now=lambda: at_noon(day - timedelta(days=1))).send_due()
    Sender(now=lambda: at_noon(day - timedelta(days=1))).send_due()
    [reminder] = outbox("booking.reminder")
    assert reminder.channel == "sms" and reminder.recipient == "13500000005"
    assert reminder.text == (
        "提醒：您预约的会议室一明天14:00–16:00使用（“新员工入职培训”），地点：山东省威海南海新区蓝色创业谷，请按时到场签到。"
        f" {reminder.link}"
    )
    assert reminder.link.endswith(f"/e/bookings/{request.follow_token}")


def test_an_overdue_decision_of_a_unit_outside_the_joint_meeting_tells_the_staff(users):
    from hubapp.blueprints.meetings import decisions

    chair = users["admin"]
    meeting = meetings.meeting(chair)
    meetings.fill(chair, meeting, meetings.department())
    deadline = clock.today() + timedelta(days=5)
    with atomic():
        decisions.add_decision(chair, meeting, "协调公交公司调整早班车", None, "南海公交公司", deadline)
    meetings.issue(meeting, chair, chair)
    Sender(now=lambda: at_noon(deadline + timedelta(days=1))).send_due()
    [message] = [m for m in outbox("decision.overdue") if "南海公交公司" in m.text]
    assert message.recipient == STAFF_ROBOT
    assert message.text.startswith(f"{meeting.title}议定事项2“协调公交公司调整早班车”已超期：责任单位南海公交公司")


def test_issued_minutes_tell_each_unit_of_its_decision_once(users, tax):
    from hubapp.blueprints.notify.models import InboxMessage

    chair = users["admin"]
    meeting = meetings.meeting(chair)
    decision = meetings.fill(chair, meeting, tax)
    assert outbox("decision.assigned") == []  # a draft's decisions may still change
    meetings.issue(meeting, chair, chair)
    [message] = outbox("decision.assigned")
    assert message.recipient == TAX_ROBOT and message.mentions == "13700000007"
    deadline = decision.due_on
    assert message.text.startswith(
        f"{meeting.title}议定事项1“开展社保政策进企业宣讲”由税务分局负责，"
        f"完成时限{deadline.year}年{deadline.month}月{deadline.day}日。"
    )
    inbox = db.session.scalars(select(InboxMessage).where(InboxMessage.user_id == users["liaison"].id)).all()
    assert [m.event for m in inbox].count("decision.assigned") == 1
    # A correction reissued with the same deadline tells the unit nothing new.
    with atomic():
        minutes.start_correction(chair, meeting, "主题有误")
    meetings.issue(meeting, chair, chair)
    assert len(outbox("decision.assigned")) == 1
