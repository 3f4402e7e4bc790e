"""A public room request tells the centre's robot when it arrives, and the requester by SMS when
it is approved or rejected; an approval that is refused tells nobody."""

from datetime import timedelta

import pytest
from factories import facilities
from sqlalchemy import select

from hubapp import clock
from hubapp.blueprints.facilities import bookings
from hubapp.blueprints.facilities.models import CONFIRMED, PENDING
from hubapp.blueprints.notify.models import OutboxMessage
from hubapp.database import atomic
from hubapp.extensions import db
from hubapp.rules import RuleError

STAFF_ROBOT = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=centre"


@pytest.fixture
def app_config(app_config):
    return {**app_config, "NOTIFY_STAFF_WEBHOOK": STAFF_ROBOT}


def outbox(event: str) -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.event == event).order_by(OutboxMessage.id)))


def request(room, day, start="10:00", end="11:00", phone="13500000005", title="新员工入职培训"):
    return facilities.booking(
        room, day, start, end, title=title, status=PENDING, source="public", contact_name="李娜", contact_phone=phone
    )


@pytest.fixture
def room(app):
    return facilities.room("会议室一", needs_approval=True)


def test_a_public_request_tells_the_staff_robot(room):
    booking = request(room, clock.today() + timedelta(days=3))
    [message] = outbox("booking.requested")
    assert message.recipient == STAFF_ROBOT
    assert message.text.startswith("新场地预约申请：李娜“新员工入职培训”，会议室一（")
    assert message.link == f"http://hub.example.cn/facilities/bookings/{booking.id}"


def test_staff_bookings_tell_nobody(room):
    facilities.booking(room, clock.today() + timedelta(days=3), status=CONFIRMED, contact_phone="13500000005")
    assert outbox("booking.requested") == [] and outbox("booking.approved") == []


def test_the_requester_hears_of_the_approval_and_the_overlapping_one_of_its_rejection(room):
    day = clock.today() + timedelta(days=3)
    first = request(room, day, phone="13500000005")
    request(room, day, "10:30", "11:30", phone="13500000006", title="产品发布会彩排")
    with atomic():
        bookings.approve_booking(None, first)
    [approved] = outbox("booking.approved")
    assert approved.recipient == "13500000005" and "已通过审核" in approved.text
    [rejected] = outbox("booking.rejected")
    assert rejected.recipient == "13500000006"
    assert "未获批准：该时段已批准给“新员工入职培训”（李娜）。" in rejected.text


def test_a_refused_approval_tells_nobody(room):
    booking = request(room, clock.today() + timedelta(days=3))
    with pytest.raises(RuleError), atomic():
        bookings.change_status(None, booking, "rejected", "")  # a rejection needs its reason
    assert outbox("booking.rejected") == []
