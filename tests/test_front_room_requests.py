"""An enterprise asks for a room on /book without an account: it gets a private link that shows the
request's state, lets it withdraw the request while pending or confirmed, and is listed in 我的办件."""

import re
from datetime import timedelta

import pytest
from factories import facilities
from sqlalchemy import select
from sqlalchemy.orm.attributes import set_committed_value

from hubapp import clock
from hubapp.blueprints.facilities import bookings
from hubapp.blueprints.facilities.models import CANCELLED, CONFIRMED, PENDING, Booking
from hubapp.blueprints.notify.models import OutboxMessage
from hubapp.database import atomic
from hubapp.extensions import db
from hubapp.rules import Conflict

STAFF_ROBOT = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=centre"


@pytest.fixture
def app_config(app_config):
    return {**app_config, "NOTIFY_STAFF_WEBHOOK": STAFF_ROBOT}


@pytest.fixture
def room(app):
    return facilities.room("会议室一", needs_approval=True)


@pytest.fixture
def day():
    return clock.today() + timedelta(days=3)


def ask(client, room, day, start="14:00", end="16:00", phone="13912345678"):
    response = client.post("/book", data={
        "room_id": room.id, "day": day.isoformat(), "start": start, "end": end, "title": "季度培训",
        "headcount": 20, "enterprise_name": "威海某某科技有限公司", "contact_name": "刘经理", "contact_phone": phone,
    })  # fmt: skip
    assert response.status_code == 200, response.get_data(as_text=True)
    return response


def follow_link(response) -> str:
    found = re.search(r'href="(/e/bookings/[\w-]+)"', response.get_data(as_text=True))
    assert found, "the confirmation page gives the private link"
    return found.group(1)


def only_booking() -> Booking:
    db.session.expire_all()
    return db.session.scalars(select(Booking)).one()


def outbox(event: str) -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.event == event)))


def test_the_request_gives_a_private_link_that_shows_it_pending(client, room, day):
    link = follow_link(ask(client, room, day))
    booking = only_booking()
    assert len(booking.follow_token) >= 40 and link == f"/e/bookings/{booking.follow_token}"
    response = client.get(link)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "待审核" in page and "会议室一" in page and "季度培训" in page
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "撤回申请" in page


def test_mine_lists_the_requests_made_in_this_browser_only(client, app, room, day):
    link = follow_link(ask(client, room, day))
    mine = client.get("/e/mine").get_data(as_text=True)
    assert "我的场地预约" in mine and link in mine and "待审核" in mine
    other_browser = app.test_client().get("/e/mine").get_data(as_text=True)
    assert link not in other_browser and "我的场地预约" not in other_browser


def test_opening_the_link_on_another_phone_lists_it_there(client, app, room, day):
    link = follow_link(ask(client, room, day))
    other_phone = app.test_client()
    assert other_phone.get(link).status_code == 200
    assert link in other_phone.get("/e/mine").get_data(as_text=True)


def test_the_page_shows_approval_and_a_rejection_with_its_reason(client, room, day):
    link = follow_link(ask(client, room, day))
    with atomic():
        bookings.approve_booking(None, only_booking())
    assert "已批准" in client.get(link).get_data(as_text=True)

    second = follow_link(ask(client, room, day + timedelta(days=1), phone="13912340000"))
    with atomic():
        rejected = db.session.scalar(select(Booking).where(Booking.contact_phone == "13912340000"))
        bookings.reject_booking(None, rejected, "当天场地维修")
    page = client.get(second).get_data(as_text=True)
    assert "未批准" in page and "原因：当天场地维修" in page and "撤回申请" not in page


def test_the_approval_and_rejection_texts_carry_the_private_link(client, room, day):
    link = follow_link(ask(client, room, day))
    with atomic():
        bookings.approve_booking(None, only_booking())
    [approved] = outbox("booking.approved")
    assert approved.text.endswith(f"http://hub.example.cn{link}") and approved.link == f"http://hub.example.cn{link}"


def test_withdrawing_needs_the_box_ticked_and_then_frees_the_slot(client, room, day):
    link = follow_link(ask(client, room, day))
    unconfirmed = client.post(f"{link}/withdraw", data={})
    assert unconfirmed.status_code == 422 and "请勾选确认后再撤回" in unconfirmed.get_data(as_text=True)
    assert only_booking().status == PENDING

    done = client.post(f"{link}/withdraw", data={"confirm": "y"})
    assert done.status_code == 303 and done.headers["Location"].endswith(link)
    booking = only_booking()
    assert (booking.status, booking.status_reason) == (CANCELLED, "申请人撤回")
    page = client.get(link).get_data(as_text=True)
    assert "您的场地预约申请已撤回" in page and "已取消" in page and "撤回申请" not in page
    [told] = outbox("booking.withdrawn")
    assert told.recipient == STAFF_ROBOT and "场地预约已由申请人撤回" in told.text and "（原为待审核）" in told.text
    # The slot is free again for someone else.
    ask(client, room, day, phone="13912340000")


def test_reloading_the_withdraw_address_opens_the_request_page(client, room, day):
    link = follow_link(ask(client, room, day))
    response = client.get(f"{link}/withdraw")
    assert response.status_code == 302 and response.headers["Location"] == link
    assert only_booking().status == PENDING


def test_a_confirmed_booking_may_be_withdrawn_too(client, room, day):
    link = follow_link(ask(client, room, day))
    with atomic():
        bookings.approve_booking(None, only_booking())
    assert client.post(f"{link}/withdraw", data={"confirm": "y"}).status_code == 303
    assert only_booking().status == CANCELLED


def test_withdrawing_what_staff_rejected_meanwhile_is_a_conflict(client, room, day):
    link = follow_link(ask(client, room, day))
    page_before = client.get(link)
    assert "撤回申请" in page_before.get_data(as_text=True)
    with atomic():
        bookings.reject_booking(None, only_booking(), "当天场地维修")
    late = client.post(f"{link}/withdraw", data={"confirm": "y"})
    page = late.get_data(as_text=True)
    assert late.status_code == 409 and "该申请当前为“已驳回”，不能撤回" in page and "未批准" in page
    assert only_booking().status == "rejected"


def test_staff_approving_a_request_withdrawn_meanwhile_is_a_conflict(client, room, day):
    link = follow_link(ask(client, room, day))
    assert client.post(f"{link}/withdraw", data={"confirm": "y"}).status_code == 303
    # Staff's page was drawn before the withdrawal: what they act on still reads 待审核.
    seen_by_staff = only_booking()
    set_committed_value(seen_by_staff, "status", PENDING)
    with pytest.raises(Conflict, match="预约已被改为“已取消”"), atomic():
        bookings.approve_booking(None, seen_by_staff)
    assert only_booking().status == CANCELLED


def test_a_started_booking_cannot_be_withdrawn(client, room, day, monkeypatch):
    link = follow_link(ask(client, room, day))
    with atomic():
        bookings.approve_booking(None, only_booking())
    monkeypatch.setattr(clock, "now", lambda: only_booking().start_at + timedelta(minutes=5))
    assert "撤回申请" not in client.get(link).get_data(as_text=True)
    assert client.post(f"{link}/withdraw", data={"confirm": "y"}).status_code == 409
    assert only_booking().status == CONFIRMED


@pytest.mark.parametrize("token", ["x" * 43, "x" * 200, "%00"])
def test_a_made_up_or_changed_token_is_not_found(client, room, day, token):
    ask(client, room, day)
    assert client.get(f"/e/bookings/{token}").status_code == 404
    assert client.post(f"/e/bookings/{token}/withdraw", data={"confirm": "y"}).status_code == 404
    assert only_booking().status == PENDING


def test_staff_bookings_have_no_private_link(room, day):
    booking = facilities.booking(room, day, contact_phone="13500000005")
    assert booking.follow_token is None
