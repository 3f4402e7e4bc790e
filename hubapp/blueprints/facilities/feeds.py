"""iCalendar feeds of a room and of a user, at addresses holding a secret token."""

import secrets
from datetime import timedelta
from urllib.parse import urlsplit

from flask import current_app
from icalendar import Calendar, Event
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from hubapp import audit, clock
from hubapp.blueprints.facilities.models import CHECKED_IN, CONFIRMED, PENDING, Booking, CalendarToken
from hubapp.extensions import db


def _owner(room_id: int | None, user_id: int | None):
    return CalendarToken.room_id == room_id if room_id is not None else CalendarToken.user_id == user_id


def existing_token(*, room_id: int | None = None, user_id: int | None = None) -> CalendarToken | None:
    """The secret of a room's or a user's feed, if one was made (pages only read)."""
    return db.session.scalar(select(CalendarToken).where(_owner(room_id, user_id)))


def feed_token(actor, *, room_id: int | None = None, user_id: int | None = None) -> CalendarToken:
    """The secret of a room's or a user's feed, made when first asked for. The unique owner
    columns refuse a second one made at the same moment; the loser reads the winner's."""
    token = existing_token(room_id=room_id, user_id=user_id)
    if token is not None:
        return token
    token = CalendarToken(token=secrets.token_urlsafe(24), room_id=room_id, user_id=user_id, created_at=clock.now())
    try:
        with db.session.begin_nested():
            db.session.add(token)
            db.session.flush()
    except IntegrityError:
        return existing_token(room_id=room_id, user_id=user_id)
    audit.record(audit.actor_id(actor), "calendar_token.create", "calendar_token", room_id or user_id, None, None)
    return token


def renew_feed_token(actor, *, room_id: int | None = None, user_id: int | None = None) -> CalendarToken:
    """A new secret: whoever had the old address loses the feed."""
    token = feed_token(actor, room_id=room_id, user_id=user_id)
    token.token = secrets.token_urlsafe(24)
    audit.record(audit.actor_id(actor), "calendar_token.renew", "calendar_token", token.id, None, None)
    db.session.flush()
    return token


def feed_user(given: str | None) -> int | None:
    """The user whose feed secret this is, or None."""
    if not given:
        return None
    return db.session.scalar(
        select(CalendarToken.user_id).where(CalendarToken.token == given, CalendarToken.user_id.is_not(None))
    )


def token_matches(expected: str, given: str | None) -> bool:
    return bool(given) and secrets.compare_digest(expected, given)


#: A feed holds this much history and future: subscribers refresh it often.
FEED_PAST = timedelta(days=60)


FEED_FUTURE = timedelta(days=180)


def feed_bookings(*, room_id: int | None = None, user_id: int | None = None) -> list[Booking]:
    now = clock.now()
    stmt = select(Booking).where(
        Booking.start_at >= now - FEED_PAST,
        Booking.start_at < now + FEED_FUTURE,
        Booking.status.in_((PENDING, CONFIRMED, CHECKED_IN)),
    )
    stmt = stmt.where(Booking.room_id == room_id) if room_id is not None else stmt.where(Booking.created_by_id == user_id)
    return list(db.session.scalars(stmt.order_by(Booking.start_at)))


def ical(name: str, bookings: list[Booking]) -> bytes:
    # Event ids name the public host, not the one this request came through: a feed reached by two
    # host names would otherwise show each booking twice in a subscriber's calendar.
    domain = urlsplit(current_app.config["PUBLIC_BASE_URL"]).hostname or "hubapp"
    calendar = Calendar()
    calendar.add("prodid", "-//hubapp//facilities//ZH")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", current_app.config["TIMEZONE"])
    for booking in bookings:
        event = Event()
        event.add("uid", f"booking-{booking.id}@{domain}")
        event.add("dtstamp", clock.to_aware(booking.created_at))
        event.add("dtstart", clock.to_aware(booking.start_at))
        event.add("dtend", clock.to_aware(booking.end_at))
        event.add("summary", f"{booking.title}（{booking.status_label}）" if booking.status == PENDING else booking.title)
        event.add("location", booking.room.name)
        event.add("description", f"预约人：{booking.holder_name}\n人数：{booking.headcount}" + (f"\n{booking.purpose}" if booking.purpose else ""))
        event.add("status", "TENTATIVE" if booking.status == PENDING else "CONFIRMED")
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
