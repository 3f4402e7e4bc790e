"""Utilisation per room and month: booked hours over the hours the room was really open."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from hubapp import clock
from hubapp.blueprints.facilities.bookings import bookings_between
from hubapp.blueprints.facilities.models import CHECKED_IN, CONFIRMED, NO_SHOW, Booking, Room
from hubapp.blueprints.facilities.opening import closure_on, opening_window, rooms
from hubapp.extensions import db


@dataclass
class Utilisation:
    room: Room
    open_hours: float
    booked_hours: float
    bookings: int
    no_shows: int

    @property
    def rate(self) -> float | None:
        return self.booked_hours / self.open_hours if self.open_hours else None

    @property
    def no_show_rate(self) -> float | None:
        return self.no_shows / self.bookings if self.bookings else None


def open_hours(room: Room, first: date, last: date) -> float:
    """Hours the room was open between two dates: its real hours, minus closures, plus make-up days."""
    total = timedelta()
    day = first
    while day <= last:
        window = opening_window(room, day)
        if window is not None and closure_on(room, day) is None:
            total += window[1] - window[0]
        day += timedelta(days=1)
    return total / timedelta(hours=1)


def utilisation(year: int, month: int) -> list[Utilisation]:
    """Per room: booked hours over open hours. A shared room counts person-hours over
    capacity × open hours. Booked means it held the slot: confirmed, checked in or no-show."""
    first = date(year, month, 1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    start, end = datetime.combine(first, time()), datetime.combine(last + timedelta(days=1), time())
    rows = []
    for room in rooms(active_only=False):
        held = bookings_between([room.id], start, end, states=(CONFIRMED, CHECKED_IN, NO_SHOW))
        booked = timedelta()
        for b in held:
            length = min(b.end_at, end) - max(b.start_at, start)
            booked += length if room.is_exclusive else length * b.headcount
        hours = open_hours(room, first, last) * (1 if room.is_exclusive else room.capacity)
        finished = [b for b in held if b.status != CONFIRMED or b.end_at <= clock.now()]
        rows.append(
            Utilisation(room, hours, booked / timedelta(hours=1), len(finished), sum(b.status == NO_SHOW for b in finished))
        )
    return rows


def held_between(start: date, end: date) -> tuple[int, Decimal]:
    """(bookings that held a room, the hours they held) starting from ``start`` up to ``end``:
    held as ``utilisation`` counts it, confirmed, checked in or no-show."""
    first, last = datetime.combine(start, time()), datetime.combine(end, time())
    if db.session.get_bind().dialect.name == "postgresql":
        hours = func.extract("epoch", Booking.end_at - Booking.start_at) / 3600
    else:
        hours = (func.julianday(Booking.end_at) - func.julianday(Booking.start_at)) * 24
    count, total = db.session.execute(
        select(func.count(Booking.id), func.coalesce(func.sum(hours), 0)).where(
            Booking.start_at >= first, Booking.start_at < last, Booking.status.in_((CONFIRMED, CHECKED_IN, NO_SHOW))
        )
    ).one()
    return count, Decimal(str(round(float(total), 1)))
