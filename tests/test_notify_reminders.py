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
