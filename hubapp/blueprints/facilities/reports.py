"""Utilisation per room, for a month or any range of days: booked hours over the hours the room
was really open, and the bookings that held it (what the dashboard's 场地使用 counts)."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from hubapp import clock
from hubapp.blueprints.facilities.bookings import bookings_between
from hubapp.blueprints.facilities.models import CHECKED_IN, CONFIRMED, NO_SHOW, Booking, Room
from hubapp.blueprints.facilities.opening import closure_on, opening_window, rooms
from hubapp.extensions import db

#: A booking held its room when it was confirmed, checked in or a no-show.
HELD = (CONFIRMED, CHECKED_IN, NO_SHOW)
#: The longest range utilisation is counted over: a year, leap or not. Open hours are counted day
#: by day and room by room, so that a range left open to 2099 would keep a worker busy for minutes.
MAX_DAYS = 366


@dataclass
class Utilisation:
    room: Room
    open_hours: float
    booked_hours: float
    bookings: int
    no_shows: int
    #: Bookings that held the room starting in the range, and the hours they held: ``held_between``'s rule.
    held: int = 0
    held_hours: float = 0.0

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


def utilisation_between(first: date, end: date) -> list[Utilisation]:
    """Per room, from ``first`` up to ``end`` (the day after the last): booked hours over open
    hours. A shared room counts person-hours over capacity × open hours. Booked means it held the
    slot: confirmed, checked in or no-show."""
    last = end - timedelta(days=1)
    start, stop = datetime.combine(first, time()), datetime.combine(end, time())
    held_counts = held_by_room(first, end)
    rows = []
    for room in rooms(active_only=False):
        held = bookings_between([room.id], start, stop, states=HELD)
        booked = timedelta()
        for b in held:
            length = min(b.end_at, stop) - max(b.start_at, start)
            booked += length if room.is_exclusive else length * b.headcount
        hours = open_hours(room, first, last) * (1 if room.is_exclusive else room.capacity)
        finished = [b for b in held if b.status != CONFIRMED or b.end_at <= clock.now()]
        count, held_hours = held_counts.get(room.id, (0, 0.0))
        rows.append(
            Utilisation(
                room, hours, booked / timedelta(hours=1), len(finished), sum(b.status == NO_SHOW for b in finished),
                held=count, held_hours=held_hours,
            )
        )  # fmt: skip
    return rows


def held_by_room(start: date, end: date) -> dict[int, tuple[int, float]]:
    """Per room id: (bookings that held the room starting from ``start`` up to ``end``, the hours
    they held), each booking whole even when it runs past ``end``."""
    first, last = datetime.combine(start, time()), datetime.combine(end, time())
    if db.session.get_bind().dialect.name == "postgresql":
        hours = func.extract("epoch", Booking.end_at - Booking.start_at) / 3600
    else:
        hours = (func.julianday(Booking.end_at) - func.julianday(Booking.start_at)) * 24
    rows = db.session.execute(
        select(Booking.room_id, func.count(Booking.id), func.coalesce(func.sum(hours), 0))
        .where(Booking.start_at >= first, Booking.start_at < last, Booking.status.in_(HELD))
        .group_by(Booking.room_id)
    )
    return {room_id: (count, float(total)) for room_id, count, total in rows}


def held_between(start: date, end: date) -> tuple[int, Decimal]:
    """(bookings that held a room, the hours they held) starting from ``start`` up to ``end``: the
    sums of ``held_by_room``, as the utilisation page totals them."""
    held = held_by_room(start, end).values()
    return sum(count for count, _ in held), Decimal(str(round(sum(hours for _, hours in held), 1)))
