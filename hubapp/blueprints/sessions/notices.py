"""What an attendee reads by SMS when their sign-up moves: received (waiting for approval),
confirmed, waitlisted, promoted from the waitlist, rejected, cancelled — each with the time, the
place and their personal link (/s/<session>/r/<token>), where they see it and can cancel.

``signup`` queues them in the unit of work of the move: a sign-up refused or rolled back texts
nobody. Each event is sent once per registration (a registration moves through each state once).
The reminder the day before comes from the clock, through the sender (``reminders_due``)."""

from datetime import datetime, time, timedelta

from sqlalchemy import select

from hubapp.blueprints.notify.outbox import Message, queue
from hubapp.blueprints.sessions.models import PENDING, REGISTERED, SCHEDULED, WAITLISTED, Registration, Session
from hubapp.extensions import db
from hubapp.formatting import chinese_datetime, quoted


def _when_where(registration: Registration) -> str:
    session = registration.session
    return f"{chinese_datetime(session.start_at)}，{session.room.name}"


def _texts(registration: Registration, event: str, position: int | None, reason: str | None) -> str:
    title = quoted(registration.session.title)
    return {
        "received": f"您已报名{title}（{_when_where(registration)}），待中心审核后短信通知您。",
        "confirmed": f"您已成功报名{title}，{_when_where(registration)}，请准时参加，凭报名链接签到。",
        "waitlisted": f"{title}名额已满，您已进入候补第{position}位，有空位时将短信通知您。",
        "promoted": f"{title}有了空位，您已由候补转为报名成功，{_when_where(registration)}，请准时参加。",
        "rejected": f"您报名的{title}未通过审核" + (f"：{reason}。" if reason else "。"),
        "cancelled": f"您报名的{title}已取消" + (f"（{reason}）。" if reason else "。"),
        "reminder": f"提醒：您报名的{title}将于明天{registration.session.start_at:%H:%M}在{registration.session.room.name}举行，请准时参加。",
    }[event]


def tell(registration_id: int, event: str, *, position: int | None = None, reason: str | None = None) -> None:
    registration = db.session.get(Registration, registration_id)
    queue(
        Message(
            "sms", registration.phone, _texts(registration, event, position, reason),
            f"registration.{event}", "registration", registration.id,
            f"/s/{registration.session_id}/r/{registration.token}",
        )
    )  # fmt: skip


def reminders_due(now: datetime) -> None:
    """The day before a session, each confirmed attendee is reminded (once: the outbox keeps it)."""
    tomorrow = datetime.combine(now.date() + timedelta(days=1), time())
    attending = db.session.scalars(
        select(Registration.id)
        .join(Session, Session.id == Registration.session_id)
        .where(
            Session.status == SCHEDULED,
            Session.start_at >= tomorrow,
            Session.start_at < tomorrow + timedelta(days=1),
            Registration.status == REGISTERED,
        )
        .order_by(Registration.id)
    )
    for registration_id in attending.all():
        tell(registration_id, "reminder")


def _signed_up(session_id: int) -> list[Registration]:
    """Who still expects the session: confirmed, waitlisted or waiting for approval."""
    return list(
        db.session.scalars(
            select(Registration)
            .where(Registration.session_id == session_id, Registration.status.in_((PENDING, REGISTERED, WAITLISTED)))
            .order_by(Registration.id)
        )
    )


def _tell_all(session: Session, event: str, text: str, occasion: str) -> None:
    for registration in _signed_up(session.id):
        queue(
            Message(
                "sms", registration.phone, text, f"session.{event}", "registration", registration.id,
                f"/s/{session.id}/r/{registration.token}", occasion=occasion,
            )
        )  # fmt: skip


def session_moved(session: Session, room_name: str) -> None:
    """The time or the room changed: everyone signed up reads where and when it is now."""
    when_where = f"{chinese_datetime(session.start_at)}，{room_name}"
    _tell_all(session, "moved", f"您报名的{quoted(session.title)}时间地点有变，改为{when_where}。", when_where)


def session_cancelled(session: Session, reason: str) -> None:
    _tell_all(session, "cancelled", f"您报名的{quoted(session.title)}已取消：{reason}。抱歉给您带来不便。", "")
