"""Rooms and bookings, through the facilities services."""

from datetime import date, datetime, time

from hubapp.blueprints.facilities import bookings, opening, rooms
from hubapp.blueprints.facilities.bookings import BookingDetails
from hubapp.blueprints.facilities.models import CONFIRMED, EXCLUSIVE, Booking, Room
from hubapp.database import atomic


def room(
    name: str = "文化活动室",
    mode: str = EXCLUSIVE,
    capacity: int = 40,
    *,
    kind: str = "活动室",
    opens: time = time(8, 30),
    closes: time = time(21, 0),
    actor=None,
    **settings,
) -> Room:
    """A room open every day from ``opens`` to ``closes`` (a closing time at or before the opening
    one closes after midnight; equal ones keep it open round the clock)."""
    with atomic():
        made = rooms.create_room(
            actor, rooms.RoomSettings(name=name, kind=kind, capacity=capacity, **settings), mode, opens=opens, closes=closes
        )
    return made


def at(day: date, hhmm: str) -> datetime:
    return datetime.combine(day, time.fromisoformat(hhmm))


def booking(
    room: Room,
    day: date,
    start: str = "10:00",
    end: str = "11:00",
    *,
    title: str = "企业沙龙",
    actor=None,
    status: str = CONFIRMED,
    source: str = "staff",
    allow_past: bool = False,
    headcount: int = 1,
    **details,
) -> Booking:
    """A booking of ``room`` on ``day`` from ``start`` to ``end`` ("HH:MM"; an end at or before
    the start is the next day)."""
    begins, ends = opening.occurrence_window(day, time.fromisoformat(start), time.fromisoformat(end))
    with atomic():
        made = bookings.create_booking(
            actor, room.id, begins, ends, BookingDetails(title=title, headcount=headcount, **details),
            status=status, source=source, allow_past=allow_past,
        )  # fmt: skip
    return made
