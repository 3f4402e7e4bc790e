"""An attendee hears of each move of their sign-up by SMS, with the time, the place and their
personal link; a sign-up that is refused texts nobody."""

from datetime import timedelta

import pytest
from factories import sessions
from sqlalchemy import select

from hubapp.blueprints.notify.models import OutboxMessage
from hubapp.blueprints.sessions import planning, signup
from hubapp.database import atomic
from hubapp.extensions import db
from hubapp.formatting import chinese_datetime
from hubapp.rules import RuleError


def texts_to(mobile: str) -> dict[str, OutboxMessage]:
    db.session.expire_all()
    rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == mobile).order_by(OutboxMessage.id))
    return {row.event: row for row in rows}


@pytest.fixture
def full_session(app):
    """A session of one seat, taken."""
    made = sessions.session(sessions.hall(), capacity=1)
    sessions.registration(made, sessions.phone(1))
    return made


def test_a_confirmed_sign_up_is_told_when_and_where_with_its_link(full_session):
    registration = db.session.scalar(signup.registrations_query(full_session.id))
    message = texts_to(sessions.phone(1))["registration.confirmed"]
    assert message.channel == "sms"
    assert message.text.startswith(f"您已成功报名“{sessions.TITLE}”，{chinese_datetime(full_session.start_at)}，办事大厅洽谈区")
    assert message.link == f"http://hub.example.cn/s/{full_session.id}/r/{registration.token}"


def test_the_waitlisted_are_told_their_place_and_then_their_promotion(full_session):
    waiting = sessions.registration(full_session, sessions.phone(2))
    assert "您已进入候补第1位" in texts_to(sessions.phone(2))["registration.waitlisted"].text
    first = db.session.scalar(signup.registrations_query(full_session.id))
    with atomic():
        signup.cancel_own_registration(first, confirmed=True)
    assert "已取消" in texts_to(sessions.phone(1))["registration.cancelled"].text
    promoted = texts_to(sessions.phone(2))["registration.promoted"]
    assert "您已由候补转为报名成功" in promoted.text
    assert promoted.link.endswith(f"/s/{full_session.id}/r/{waiting.token}")


def test_a_refused_sign_up_texts_nobody(full_session):
    with pytest.raises(RuleError), atomic():
        signup.register(None, full_session, sessions.signup_data(sessions.phone(1)))  # the same phone again
    assert list(texts_to(sessions.phone(1))) == ["registration.confirmed"]


def test_a_sign_up_awaiting_approval_is_told_so_then_of_the_decision(app):
    session = sessions.session(sessions.hall(), capacity=5, needs_approval=True)
    accepted = sessions.registration(session, sessions.phone(3))
    refused = sessions.registration(session, sessions.phone(4))
    assert "待中心审核后短信通知您" in texts_to(sessions.phone(3))["registration.received"].text
    with atomic():
        signup.approve_registration(None, accepted)
        signup.reject_registration(None, refused, "名额限本园区企业")
    assert "registration.confirmed" in texts_to(sessions.phone(3))
    assert texts_to(sessions.phone(4))["registration.rejected"].text.startswith(f"您报名的“{sessions.TITLE}”未通过审核：名额限本园区企业。")


def test_everyone_signed_up_hears_when_the_session_moves_or_is_cancelled(full_session):
    sessions.registration(full_session, sessions.phone(2))  # waitlisted: still expects it
    later = full_session.start_at + timedelta(days=1)
    with atomic():
        planning.update_session(None, full_session, sessions.plan(full_session.room, capacity=1, start=later))
    for mobile in (sessions.phone(1), sessions.phone(2)):
        moved = texts_to(mobile)["session.moved"]
        assert f"时间地点有变，改为{chinese_datetime(later)}，办事大厅洽谈区" in moved.text
    with atomic():
        planning.update_session(None, full_session, sessions.plan(full_session.room, capacity=2, start=later))
    moves_told = select(OutboxMessage).where(OutboxMessage.event == "session.moved")
    assert len(db.session.scalars(moves_told).all()) == 2  # more seats, same time and room: nothing new to tell
    with atomic():
        planning.cancel_session(None, full_session, "主讲人临时出差")
    assert "已取消：主讲人临时出差" in texts_to(sessions.phone(1))["session.cancelled"].text
