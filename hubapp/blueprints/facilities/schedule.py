"""What the calendars draw: the day timeline of all rooms and the week view of one, as lanes of
clickable half-hour cells with the bookings placed on 15-minute steps."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from hubapp import clock
from hubapp.blueprints.facilities.bookings import bookings_between
from hubapp.blueprints.facilities.models import CHECKED_IN, CONFIRMED, NO_SHOW, Booking, Closure, Room
from hubapp.blueprints.facilities.opening import closure_on, opening_window, rooms

SLOT = timedelta(minutes=30)


@dataclass
class Placed:
    """A booking placed on a grid of 15-minute steps: ``first`` is its first step (1-based)."""

    booking: Booking
    first: int
    span: int


@dataclass
class Cell:
    start: datetime
    #: Why the cell cannot be booked (closed, past); None when free to click.
    closed: str | None = None
    #: Shared rooms: people already booked in this slot.
    taken: int = 0


@dataclass
class Lane:
    room: Room
    cells: list[Cell]
    placed: list[Placed]
    closure: Closure | None = None


STEP = timedelta(minutes=15)


def _place(booking: Booking, origin: datetime, steps: int) -> Placed | None:
    first = (max(booking.start_at, origin) - origin) // STEP
    last = -((origin - min(booking.end_at, origin + steps * STEP)) // STEP)  # ceiling division
    if last <= first:
        return None
    return Placed(booking, first + 1, last - first)


def _lane(room: Room, origin: datetime, end: datetime, bookings: list[Booking], now: datetime) -> Lane:
    """One room over [origin, end): clickable 30-minute cells under the placed bookings."""
    day = origin.date()
    closure = closure_on(room, day)
    window = opening_window(room, day)
    cells = []
    moment = origin
    while moment < end:
        reason = None
        if closure is not None:
            reason = "暂停开放"
        elif window is None or not (window[0] <= moment and moment + SLOT <= window[1]):
            reason = "不开放"
        elif moment + SLOT <= now:
            reason = "已过"
        taken = 0
        if not room.is_exclusive:
            taken = sum(b.headcount for b in bookings if b.is_live and b.start_at < moment + SLOT and b.end_at > moment)
        cells.append(Cell(moment, reason, taken))
        moment += SLOT
    steps = (end - origin) // STEP
    placed = [p for b in bookings if (p := _place(b, origin, steps)) is not None]
    return Lane(room, cells, placed, closure)


def day_bounds(room_list: list[Room], day: date) -> tuple[datetime, datetime]:
    """The span the day timeline draws: earliest opening to latest closing of the shown rooms."""
    windows = [w for room in room_list if (w := opening_window(room, day))]
    if not windows:
        return datetime.combine(day, time(8, 0)), datetime.combine(day, time(18, 0))
    origin = min(w[0] for w in windows)
    end = max(w[1] for w in windows)
    # Align to the half hour, so that cells start at :00 or :30.
    origin = origin.replace(minute=0 if origin.minute < 30 else 30)
    if end.minute not in (0, 30):
        end = end.replace(minute=30 if end.minute < 30 else 0) + (timedelta(hours=1) if end.minute > 30 else timedelta())
    return origin, end


def day_timeline(day: date, now: datetime | None = None) -> tuple[datetime, datetime, list[Lane]]:
    now = now or clock.now()
    room_list = rooms()
    origin, end = day_bounds(room_list, day)
    found = bookings_between([r.id for r in room_list], origin, end)
    lanes = [_lane(room, origin, end, [b for b in found if b.room_id == room.id], now) for room in room_list]
    return origin, end, lanes


def week_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_view(room: Room, monday: date, now: datetime | None = None) -> tuple[time, time, list[Lane]]:
    """Seven lanes (Monday to Sunday) of one room, all drawn over the same hours."""
    now = now or clock.now()
    days = [monday + timedelta(days=i) for i in range(7)]
    bounds = [day_bounds([room], d) for d in days]
    first = min(b[0].time() for b in bounds)
    spans = [b[1] - b[0] for b in bounds]
    length = max(datetime.combine(d, first) + s - datetime.combine(d, first) for d, s in zip(days, spans, strict=True))
    found = bookings_between([room.id], datetime.combine(monday, first), datetime.combine(days[-1], first) + length)
    lanes = []
    for d in days:
        origin = datetime.combine(d, first)
        lanes.append(_lane(room, origin, origin + length, [b for b in found if b.start_at < origin + length and b.end_at > origin], now))
    return first, (datetime.combine(monday, first) + length).time(), lanes


def today_at_centre(day: date | None = None) -> list[Booking]:
    day = day or clock.today()
    start = datetime.combine(day, time())
    return bookings_between([r.id for r in rooms()], start, start + timedelta(days=1))


def today_bookings(room: Room, day: date) -> list[Booking]:
    start = datetime.combine(day, time())
    return bookings_between([room.id], start, start + timedelta(days=1), states=(CONFIRMED, CHECKED_IN, NO_SHOW))
