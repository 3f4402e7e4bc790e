"""Rooms as the others read them: which rooms there are, when each opens, which days it is
closed or opens specially (调休), and the slot rules every booking must meet. The lowest layer of
facilities: bookings, series, calendars and room settings all read through here."""

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from hubapp import clock
from hubapp.blueprints.facilities.models import Closure, OpeningHours, Room, SpecialOpening
from hubapp.extensions import db
from hubapp.rules import RuleError


def get_room(room_id: int) -> Room | None:
    return db.session.get(Room, room_id)


def rooms(active_only: bool = True) -> list[Room]:
    stmt = select(Room).order_by(Room.sort_order, Room.id)
    if active_only:
        stmt = stmt.where(Room.active.is_(True))
    return list(db.session.scalars(stmt))


def special_opening(room: Room, day: date) -> SpecialOpening | None:
    """A make-up working day or special hours on ``day``; one for this room beats one for all."""
    found = db.session.scalars(
        select(SpecialOpening).where(
            SpecialOpening.day == day,
            (SpecialOpening.room_id.is_(None)) | (SpecialOpening.room_id == room.id),
        )
    ).all()
    return min(found, key=lambda s: s.room_id is None) if found else None


def opening_window(room: Room, day: date) -> tuple[datetime, datetime] | None:
    """The open period that starts on ``day``, or None when the room does not open that day.

    Closures are not applied here (see ``closure_on``): a day can be open by its hours and closed.
    """
    special = special_opening(room, day)
    if special is not None:
        opens_at, closes_at = special.opens, special.closes
    else:
        hours = db.session.scalar(
            select(OpeningHours).where(OpeningHours.room_id == room.id, OpeningHours.weekday == day.weekday())
        )
        if hours is None:
            return None
        opens_at, closes_at = hours.opens, hours.closes
    opens = datetime.combine(day, opens_at)
    closes = datetime.combine(day, closes_at)
    if closes <= opens:
        closes += timedelta(days=1)
    return opens, closes


def closures_between(room_id: int | None, first: date, last: date) -> list[Closure]:
    """Closures touching [first, last] that shut ``room_id``; with None, those of all rooms only."""
    stmt = select(Closure).where(
        (Closure.room_id.is_(None)) | (Closure.room_id == room_id) if room_id is not None else Closure.room_id.is_(None),
        Closure.start_date <= last,
        Closure.end_date >= first,
    )
    return list(db.session.scalars(stmt.order_by(Closure.start_date)))


def closure_on(room: Room, day: date) -> Closure | None:
    """The closure that shuts ``room`` on ``day``; a special opening that day wins over it (调休)."""
    closures = closures_between(room.id, day, day)
    if not closures or special_opening(room, day) is not None:
        return None
    return closures[0]


def closure_message(closure: Closure) -> str:
    first, last = closure.start_date, closure.end_date
    span = f"{first.month}月{first.day}日" if first == last else f"{first.month}月{first.day}日至{last.month}月{last.day}日"
    return f"{span}暂停开放（{closure.reason}），不能预约。"


def within_opening_hours(room: Room, start: datetime, end: datetime) -> bool:
    """Whether [start, end) lies inside one open period (the one of that day or of the evening before)."""
    windows = [opening_window(room, start.date() - timedelta(days=1)), opening_window(room, start.date())]
    return any(w and w[0] <= start and end <= w[1] for w in windows)


def check_slot_rules(room: Room, start: datetime, end: datetime, allow_past: bool = False) -> None:
    """Opening hours, closures, length and horizon; raises RuleError with a Chinese message."""
    if end <= start:
        raise RuleError("结束时间必须晚于开始时间。", "end_at")
    if not room.active:
        raise RuleError(f"{room.name}已停用，不能预约。", "room_id")
    now = clock.now()
    if not allow_past and start < now:
        raise RuleError("不能预约已经过去的时间。", "start_at")
    windows = [opening_window(room, start.date() - timedelta(days=1)), opening_window(room, start.date())]
    fits = within_opening_hours(room, start, end)
    overnight = any(w and w[1] > datetime.combine(w[0].date() + timedelta(days=1), time()) for w in windows)
    if not fits and not overnight and end > datetime.combine(start.date() + timedelta(days=1), time()):
        # An end time typed earlier than the start reads as "next day": when the room is not
        # open overnight, the user almost certainly mistyped, and "too long" would mislead.
        raise RuleError(f"结束时间必须晚于开始时间（{room.name}不跨夜开放）。", "end_at")
    minutes = (end - start) // timedelta(minutes=1)
    if minutes < room.min_minutes:
        raise RuleError(f"{room.name}每次预约至少{room.min_minutes}分钟。", "end_at")
    if minutes > room.max_minutes:
        raise RuleError(f"{room.name}每次预约最长{room.max_minutes}分钟。", "end_at")
    if not allow_past and start.date() > now.date() + timedelta(days=room.max_days_ahead):
        raise RuleError(f"{room.name}最多可提前{room.max_days_ahead}天预约。", "start_at")
    if not fits:
        raise RuleError(f"所选时间不在{room.name}的开放时间内。", "start_at")
    day, last_day = start.date(), (end - timedelta(microseconds=1)).date()
    while day <= last_day:
        closure = closure_on(room, day)
        if closure is not None:
            raise RuleError(closure_message(closure), "start_at")
        day += timedelta(days=1)


def occurrence_window(day: date, start_time: time, end_time: time) -> tuple[datetime, datetime]:
    start = datetime.combine(day, start_time)
    end = datetime.combine(day, end_time)
    if end <= start:
        end += timedelta(days=1)  # across midnight; check_slot_rules decides whether that is open
    return start, end


def _span(opens: time, closes: time) -> str:
    if opens == closes:
        return "全天"
    return f"{opens:%H:%M}–{'次日' if closes < opens else ''}{closes:%H:%M}"


def hours_summary(room: Room) -> str:
    """"周一至周日 08:30–21:00", or the hours day by day when they differ."""
    hours = room.opening_hours
    if not hours:
        return "暂不开放"
    spans = {(h.opens, h.closes) for h in hours}
    if len(hours) == 7 and len(spans) == 1:
        return "周一至周日 " + _span(*spans.pop())
    return "；".join(f"周{'一二三四五六日'[h.weekday]} {_span(h.opens, h.closes)}" for h in hours)
