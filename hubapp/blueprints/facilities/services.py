"""Booking rules. Every state change of a booking goes through here and writes an audit row.

Other modules (sessions, meetings) book rooms by calling ``create_booking`` / ``move_booking`` /
``cancel_booking`` with ``commit=False`` inside their own transaction, so that their record and
its booking are committed together or not at all.
"""

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from hubapp import audit, clock
from hubapp.blueprints.facilities import constraints
from hubapp.blueprints.facilities.models import (
    BOOKING_STATES,
    CANCELLED,
    CHECKED_IN,
    CONFIRMED,
    LIVE_STATES,
    NO_SHOW,
    PENDING,
    REJECTED,
    Booking,
    Closure,
    OpeningHours,
    Room,
)
from hubapp.extensions import db

#: Which state may follow which.
TRANSITIONS = {
    PENDING: {CONFIRMED, REJECTED, CANCELLED},
    CONFIRMED: {CANCELLED, CHECKED_IN, NO_SHOW},
    CHECKED_IN: set(),
    REJECTED: set(),
    CANCELLED: set(),
    NO_SHOW: set(),
}


class BookingError(ValueError):
    """A booking rule was broken. ``field`` names the form field the Chinese message belongs to."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class BookingConflict(BookingError):
    """The slot is held; ``holder`` is the booking that holds it, when one can be named."""

    def __init__(self, message: str, holder: Booking | None = None):
        super().__init__(message, field="start_at")
        self.holder = holder


def get_room(room_id: int) -> Room | None:
    return db.session.get(Room, room_id)


def rooms(active_only: bool = True) -> list[Room]:
    stmt = select(Room).order_by(Room.sort_order, Room.id)
    if active_only:
        stmt = stmt.where(Room.active.is_(True))
    return list(db.session.scalars(stmt))


def get_booking(booking_id: int) -> Booking | None:
    return db.session.get(Booking, booking_id)


def opening_window(room: Room, day: date) -> tuple[datetime, datetime] | None:
    """The open period that starts on ``day``, or None when the room does not open that day."""
    hours = db.session.scalar(
        select(OpeningHours).where(OpeningHours.room_id == room.id, OpeningHours.weekday == day.weekday())
    )
    if hours is None:
        return None
    opens = datetime.combine(day, hours.opens)
    closes = datetime.combine(day, hours.closes)
    if closes <= opens:
        closes += timedelta(days=1)
    return opens, closes


def closures_between(room_id: int, first: date, last: date) -> list[Closure]:
    stmt = select(Closure).where(
        (Closure.room_id.is_(None)) | (Closure.room_id == room_id),
        Closure.start_date <= last,
        Closure.end_date >= first,
    )
    return list(db.session.scalars(stmt.order_by(Closure.start_date)))


def check_slot_rules(room: Room, start: datetime, end: datetime, allow_past: bool = False) -> None:
    """Opening hours, closures, length and horizon; raises BookingError with a Chinese message."""
    if end <= start:
        raise BookingError("结束时间必须晚于开始时间。", "end_at")
    if not room.active:
        raise BookingError(f"{room.name}已停用，不能预约。", "room_id")
    now = clock.now()
    if not allow_past and start < now:
        raise BookingError("不能预约已经过去的时间。", "start_at")
    minutes = (end - start) // timedelta(minutes=1)
    if minutes < room.min_minutes:
        raise BookingError(f"{room.name}每次预约至少{room.min_minutes}分钟。", "end_at")
    if minutes > room.max_minutes:
        raise BookingError(f"{room.name}每次预约最长{room.max_minutes}分钟。", "end_at")
    if not allow_past and start.date() > now.date() + timedelta(days=room.max_days_ahead):
        raise BookingError(f"{room.name}最多可提前{room.max_days_ahead}天预约。", "start_at")
    windows = [opening_window(room, start.date() - timedelta(days=1)), opening_window(room, start.date())]
    if not any(w and w[0] <= start and end <= w[1] for w in windows):
        raise BookingError(f"所选时间不在{room.name}的开放时间内。", "start_at")
    last_day = (end - timedelta(microseconds=1)).date()
    for closure in closures_between(room.id, start.date(), last_day):
        raise BookingError(
            f"{closure.start_date.month}月{closure.start_date.day}日至{closure.end_date.month}月{closure.end_date.day}日"
            f"暂停开放（{closure.reason}），不能预约。",
            "start_at",
        )


def overlapping(room_id: int, start: datetime, end: datetime, states=LIVE_STATES, exclude_id: int | None = None):
    stmt = select(Booking).where(
        Booking.room_id == room_id,
        Booking.status.in_(states),
        Booking.start_at < end,
        Booking.end_at > start,
    )
    if exclude_id is not None:
        stmt = stmt.where(Booking.id != exclude_id)
    return list(db.session.scalars(stmt.order_by(Booking.start_at)))


def _conflict_message(room: Room, holder: Booking | None) -> str:
    if holder is None:
        return f"{room.name}在该时段已满，请选择其他时间。"
    return (
        f"{room.name}在 {holder.start_at:%m-%d %H:%M}–{holder.end_at:%H:%M} 已被“{holder.title}”"
        f"（{holder.holder_name}）预约，请选择其他时间或场地。"
    )


def _refusal(error: IntegrityError, room: Room, start: datetime, end: datetime, exclude_id: int | None) -> BookingError:
    """Turn the database's refusal into the Chinese message for the loser of a race."""
    text = str(error.orig)
    if constraints.CAPACITY_ERROR in text:
        return BookingConflict(f"{room.name}在该时段人数已满（容量{room.capacity}人），请选择其他时间。")
    if constraints.OVERLAP_ERROR in text or constraints.EXCLUSION_CONSTRAINT in text:
        holders = overlapping(room.id, start, end, exclude_id=exclude_id)
        holder = holders[0] if holders else None
        return BookingConflict(_conflict_message(room, holder), holder)
    raise error


def _write(booking: Booking, room: Room) -> None:
    """Flush inside a savepoint, so that a refusal leaves the caller's transaction usable."""
    try:
        with db.session.begin_nested():
            db.session.add(booking)
            db.session.flush()
    except IntegrityError as error:
        raise _refusal(error, room, booking.start_at, booking.end_at, booking.id) from None


def create_booking(
    *,
    room_id: int,
    start: datetime,
    end: datetime,
    title: str,
    actor_id: int | None,
    headcount: int = 1,
    purpose: str | None = None,
    enterprise_id: int | None = None,
    contact_name: str | None = None,
    contact_phone: str | None = None,
    notes: str | None = None,
    status: str = CONFIRMED,
    source: str = "staff",
    series_id: int | None = None,
    allow_past: bool = False,
    commit: bool = True,
) -> Booking:
    room = get_room(room_id)
    if room is None:
        raise BookingError("请选择场地。", "room_id")
    if status not in (PENDING, CONFIRMED):
        raise BookingError("新预约只能是待审核或已确认。")
    if headcount < 1:
        raise BookingError("人数至少为1人。", "headcount")
    if headcount > room.capacity:
        raise BookingError(f"{room.name}最多容纳{room.capacity}人。", "headcount")
    check_slot_rules(room, start, end, allow_past=allow_past)
    if room.is_exclusive:
        # A pending request for a slot already held can never be approved: say so now.
        holders = overlapping(room.id, start, end)
        if holders:
            raise BookingConflict(_conflict_message(room, holders[0]), holders[0])
    booking = Booking(
        room_id=room.id,
        exclusive=room.is_exclusive,
        start_at=start,
        end_at=end,
        title=title.strip(),
        purpose=purpose,
        headcount=headcount,
        enterprise_id=enterprise_id,
        contact_name=contact_name,
        contact_phone=contact_phone,
        notes=notes,
        status=status,
        source=source,
        series_id=series_id,
        created_by_id=actor_id,
        created_at=clock.now(),
    )
    _write(booking, room)
    audit.record(actor_id, "booking.create", "booking", booking.id, None, status, room=room.name, source=source)
    if commit:
        db.session.commit()
    return booking


def change_status(booking: Booking, new_status: str, actor_id: int | None, reason: str | None = None, commit: bool = True):
    if new_status not in TRANSITIONS[booking.status]:
        raise BookingError(f"预约当前为“{booking.status_label}”，不能改为“{BOOKING_STATES[new_status]}”。")
    if new_status in (REJECTED, CANCELLED) and not (reason and reason.strip()):
        raise BookingError("请填写原因。", "reason")
    old_status = booking.status
    booking.status = new_status
    if reason:
        booking.status_reason = reason.strip()
    if new_status == CHECKED_IN:
        booking.checked_in_at = clock.now()
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as error:
        booking.status = old_status
        raise _refusal(error, booking.room, booking.start_at, booking.end_at, booking.id) from None
    audit.record(actor_id, f"booking.{new_status}", "booking", booking.id, old_status, new_status, reason=reason)
    if commit:
        db.session.commit()
    return booking


def cancel_booking(booking_id: int, actor_id: int | None, reason: str, commit: bool = True) -> Booking:
    booking = get_booking(booking_id)
    if booking is None:
        raise BookingError("预约不存在。")
    return change_status(booking, CANCELLED, actor_id, reason, commit=commit)


def move_booking(
    booking_id: int,
    start: datetime,
    end: datetime,
    actor_id: int | None,
    room_id: int | None = None,
    commit: bool = True,
) -> Booking:
    booking = get_booking(booking_id)
    if booking is None:
        raise BookingError("预约不存在。")
    if booking.status not in (PENDING, CONFIRMED):
        raise BookingError(f"预约当前为“{booking.status_label}”，不能改期。")
    room = get_room(room_id or booking.room_id)
    if room is None:
        raise BookingError("请选择场地。", "room_id")
    check_slot_rules(room, start, end)
    if room.is_exclusive:
        holders = overlapping(room.id, start, end, exclude_id=booking.id)
        if holders:
            raise BookingConflict(_conflict_message(room, holders[0]), holders[0])
    before = f"{booking.room.name} {booking.start_at:%Y-%m-%d %H:%M}–{booking.end_at:%H:%M}"
    old = (booking.room_id, booking.exclusive, booking.start_at, booking.end_at)
    booking.room_id, booking.exclusive, booking.start_at, booking.end_at = room.id, room.is_exclusive, start, end
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as error:
        booking.room_id, booking.exclusive, booking.start_at, booking.end_at = old
        raise _refusal(error, room, start, end, booking.id) from None
    after = f"{room.name} {start:%Y-%m-%d %H:%M}–{end:%H:%M}"
    audit.record(actor_id, "booking.move", "booking", booking.id, before, after)
    if commit:
        db.session.commit()
    return booking
