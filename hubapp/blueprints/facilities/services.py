"""Booking rules. Every state change of a booking goes through here and writes an audit row.

Also here: approval, check-in and the no-show rule, and recurring series. What the calendars
draw is in ``schedule``, utilisation in ``reports``, calendar feeds in ``feeds``, and rooms with
their hours, closures and make-up days in ``rooms``.

Other modules (sessions, meetings) book rooms by calling ``create_booking`` / ``move_booking`` /
``cancel_booking`` with ``commit=False`` inside their own transaction, so that their record and
its booking are committed together or not at all.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from dateutil.rrule import FR, MO, SA, SU, TH, TU, WE, rrule
from dateutil.rrule import MONTHLY as MONTHLY_RRULE
from dateutil.rrule import WEEKLY as WEEKLY_RRULE
from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import joinedload

from hubapp import audit, clock
from hubapp.blueprints.facilities import constraints
from hubapp.blueprints.facilities.models import (
    BOOKING_STATES,
    CANCELLED,
    CHECKED_IN,
    CONFIRMED,
    FREQUENCIES,
    LIVE_STATES,
    MONTHLY,
    NO_SHOW,
    PENDING,
    REJECTED,
    WEEKLY,
    Booking,
    BookingSeries,
    Closure,
    OpeningHours,
    Room,
    SpecialOpening,
)
from hubapp.extensions import db

rrule_weekdays = (MO, TU, WE, TH, FR, SA, SU)

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
    """Opening hours, closures, length and horizon; raises BookingError with a Chinese message."""
    if end <= start:
        raise BookingError("结束时间必须晚于开始时间。", "end_at")
    if not room.active:
        raise BookingError(f"{room.name}已停用，不能预约。", "room_id")
    now = clock.now()
    if not allow_past and start < now:
        raise BookingError("不能预约已经过去的时间。", "start_at")
    windows = [opening_window(room, start.date() - timedelta(days=1)), opening_window(room, start.date())]
    fits = within_opening_hours(room, start, end)
    overnight = any(w and w[1] > datetime.combine(w[0].date() + timedelta(days=1), time()) for w in windows)
    if not fits and not overnight and end > datetime.combine(start.date() + timedelta(days=1), time()):
        # An end time typed earlier than the start reads as "next day": when the room is not
        # open overnight, the user almost certainly mistyped, and "too long" would mislead.
        raise BookingError(f"结束时间必须晚于开始时间（{room.name}不跨夜开放）。", "end_at")
    minutes = (end - start) // timedelta(minutes=1)
    if minutes < room.min_minutes:
        raise BookingError(f"{room.name}每次预约至少{room.min_minutes}分钟。", "end_at")
    if minutes > room.max_minutes:
        raise BookingError(f"{room.name}每次预约最长{room.max_minutes}分钟。", "end_at")
    if not allow_past and start.date() > now.date() + timedelta(days=room.max_days_ahead):
        raise BookingError(f"{room.name}最多可提前{room.max_days_ahead}天预约。", "start_at")
    if not fits:
        raise BookingError(f"所选时间不在{room.name}的开放时间内。", "start_at")
    day, last_day = start.date(), (end - timedelta(microseconds=1)).date()
    while day <= last_day:
        closure = closure_on(room, day)
        if closure is not None:
            raise BookingError(closure_message(closure), "start_at")
        day += timedelta(days=1)


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
        f"{room.name}在{holder.start_at.month}月{holder.start_at.day}日 {holder.start_at:%H:%M}–{holder.end_at:%H:%M} 已被“{holder.title}”"
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


#: Bookings typed by a person. A double tap, or a refresh of the page the public form answers
#: with, posts the same booking again: in the gym, or as a second pending request, nothing
#: else would stop it. Bookings naming nobody (walk-ins entered by staff) may repeat.
DUPLICATE_SOURCES = ("staff", "public")


def _twin(room_id, start, end, title, contact_name, contact_phone, enterprise_id) -> Booking | None:
    return db.session.scalar(
        select(Booking).where(
            Booking.room_id == room_id,
            Booking.start_at == start,
            Booking.end_at == end,
            Booking.status.in_((PENDING, CONFIRMED)),
            Booking.title == title,
            Booking.contact_name.is_not_distinct_from(contact_name),
            Booking.contact_phone.is_not_distinct_from(contact_phone),
            Booking.enterprise_id.is_not_distinct_from(enterprise_id),
        ).limit(1)
    )


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
    if source in DUPLICATE_SOURCES and (contact_name or contact_phone or enterprise_id):
        twin = _twin(room.id, start, end, title.strip(), contact_name, contact_phone, enterprise_id)
        if twin is not None:
            raise BookingError(f"已有相同的预约（{twin.status_label}），请勿重复提交。", "start_at")
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
    try:
        # The change is made inside the savepoint: begin_nested() flushes what is pending
        # first, and a refusal there would abort the whole transaction, not just this step.
        with db.session.begin_nested():
            booking.status = new_status
            if reason:
                booking.status_reason = reason.strip()
            if new_status == CHECKED_IN:
                booking.checked_in_at = clock.now()
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
    if booking.headcount > room.capacity:
        raise BookingError(f"{room.name}最多容纳{room.capacity}人。", "room_id")
    check_slot_rules(room, start, end)
    if room.is_exclusive:
        holders = overlapping(room.id, start, end, exclude_id=booking.id)
        if holders:
            raise BookingConflict(_conflict_message(room, holders[0]), holders[0])
    before = f"{booking.room.name} {booking.start_at:%Y-%m-%d %H:%M}–{booking.end_at:%H:%M}"
    old = (booking.room, booking.exclusive, booking.start_at, booking.end_at)
    try:
        with db.session.begin_nested():  # the change inside it: see change_status
            booking.room, booking.exclusive, booking.start_at, booking.end_at = room, room.is_exclusive, start, end
            db.session.flush()
    except IntegrityError as error:
        booking.room, booking.exclusive, booking.start_at, booking.end_at = old
        raise _refusal(error, room, start, end, booking.id) from None
    after = f"{room.name} {start:%Y-%m-%d %H:%M}–{end:%H:%M}"
    audit.record(actor_id, "booking.move", "booking", booking.id, before, after)
    if commit:
        db.session.commit()
    return booking


def update_details(
    booking_id: int,
    actor_id: int | None,
    *,
    title: str,
    purpose: str | None = None,
    headcount: int = 1,
    enterprise_id: int | None = None,
    contact_name: str | None = None,
    contact_phone: str | None = None,
    notes: str | None = None,
    commit: bool = True,
) -> Booking:
    """Change what a booking is for; the shared-room trigger re-checks a changed headcount."""
    booking = get_booking(booking_id)
    if booking is None:
        raise BookingError("预约不存在。")
    if booking.status not in (PENDING, CONFIRMED, CHECKED_IN):
        raise BookingError(f"预约当前为“{booking.status_label}”，不能修改。")
    if headcount < 1:
        raise BookingError("人数至少为1人。", "headcount")
    if headcount > booking.room.capacity:
        raise BookingError(f"{booking.room.name}最多容纳{booking.room.capacity}人。", "headcount")
    fields = {
        "title": title.strip(),
        "purpose": purpose,
        "headcount": headcount,
        "enterprise_id": enterprise_id,
        "contact_name": contact_name,
        "contact_phone": contact_phone,
        "notes": notes,
    }
    changed = {name: value for name, value in fields.items() if getattr(booking, name) != value}
    if not changed:
        return booking
    old = {name: getattr(booking, name) for name in changed}
    try:
        with db.session.begin_nested():  # the change inside it: see change_status
            for name, value in changed.items():
                setattr(booking, name, value)
            db.session.flush()
    except IntegrityError as error:
        for name, value in old.items():
            setattr(booking, name, value)
        raise _refusal(error, booking.room, booking.start_at, booking.end_at, booking.id) from None
    audit.record(actor_id, "booking.edit", "booking", booking.id, booking.status, booking.status, changed=sorted(changed))
    if commit:
        db.session.commit()
    return booking


# --- Approval, check-in, no-show -------------------------------------------------------------


def pending_overlaps(booking: Booking) -> list[Booking]:
    """Pending requests that approving ``booking`` would reject (exclusive rooms only)."""
    if not booking.room.is_exclusive:
        return []
    return overlapping(booking.room_id, booking.start_at, booking.end_at, states=(PENDING,), exclude_id=booking.id)


def approve_booking(booking_id: int, actor_id: int | None) -> tuple[Booking, list[Booking]]:
    """Confirm a request and reject the pending requests it overlaps, in one transaction."""
    booking = get_booking(booking_id)
    if booking is None:
        raise BookingError("预约不存在。")
    if booking.status != PENDING:
        raise BookingError(f"预约当前为“{booking.status_label}”，无需审核。")
    check_slot_rules(booking.room, booking.start_at, booking.end_at)
    change_status(booking, CONFIRMED, actor_id, commit=False)
    rejected = pending_overlaps(booking)
    reason = f"该时段已批准给“{booking.title}”（{booking.holder_name}）。"
    for other in rejected:
        change_status(other, REJECTED, actor_id, reason, commit=False)
    db.session.commit()
    return booking, rejected


def reject_booking(booking_id: int, actor_id: int | None, reason: str) -> Booking:
    booking = get_booking(booking_id)
    if booking is None:
        raise BookingError("预约不存在。")
    return change_status(booking, REJECTED, actor_id, reason)


#: Check-in opens this long before the start, so that people can arrive a little early.
CHECK_IN_EARLY = timedelta(minutes=30)


def check_in(booking_id: int, actor_id: int | None, now: datetime | None = None) -> Booking:
    booking = get_booking(booking_id)
    if booking is None:
        raise BookingError("预约不存在。")
    now = now or clock.now()
    if booking.status == CONFIRMED and now < booking.start_at - CHECK_IN_EARLY:
        raise BookingError(f"签到从开始前{CHECK_IN_EARLY.seconds // 60}分钟起开放（{booking.start_at:%H:%M}开始）。")
    if booking.status == CONFIRMED and now >= booking.end_at:
        raise BookingError("预约时段已结束，不能签到。")
    return change_status(booking, CHECKED_IN, actor_id)


def current_bookings(room: Room, now: datetime | None = None) -> list[Booking]:
    """Confirmed bookings of ``room`` that can be checked in at the door now."""
    now = now or clock.now()
    return list(
        db.session.scalars(
            select(Booking)
            .where(
                Booking.room_id == room.id,
                Booking.status == CONFIRMED,
                Booking.start_at <= now + CHECK_IN_EARLY,
                Booking.start_at >= now - timedelta(days=1),
                Booking.end_at > now,
            )
            .order_by(Booking.start_at, Booking.id)
        )
    )


def booker_phone(booking: Booking) -> str | None:
    if booking.contact_phone:
        return booking.contact_phone
    if booking.enterprise is not None:
        return booking.enterprise.contact_phone
    return None


def door_check_in(room_id: int, phone_tail: str | None, now: datetime | None = None) -> Booking:
    """Check-in by the booker at the door. The last four digits of the booking's phone stand for
    a login: they pick the booker's own booking (several share a gym slot) and keep a passer-by
    from checking in somebody else's slot."""
    room = get_room(room_id)
    if room is None:
        raise BookingError("场地不存在。")
    candidates = current_bookings(room, now)
    if not candidates:
        raise BookingError("现在没有可以签到的预约。", "phone_tail")
    tail = (phone_tail or "").strip()
    matching = [b for b in candidates if (booker_phone(b) or "")[-4:] == tail and tail]
    if not matching and len(candidates) == 1 and not booker_phone(candidates[0]):
        matching = candidates
    if not matching:
        raise BookingError("没有找到与该手机号后四位对应的预约，请核对后重试。", "phone_tail")
    return check_in(matching[0].id, None, now=now)


#: Rooms booked for a session or a meeting are run by that module; their bookings do not lapse.
NO_SHOW_SOURCES = ("staff", "public")


def mark_no_shows(now: datetime | None = None) -> list[Booking]:
    """Confirmed bookings not checked in ``room.no_show_minutes`` after their start become no-shows,
    which frees the rest of their slot. Reads only started confirmed bookings (partial index)."""
    now = now or clock.now()
    started = db.session.scalars(
        select(Booking)
        .where(Booking.status == CONFIRMED, Booking.start_at <= now, Booking.source.in_(NO_SHOW_SOURCES))
        .order_by(Booking.start_at)
        # PostgreSQL: two workers sweeping at once each take different rows, never both one.
        .with_for_update(skip_locked=True)
    ).all()
    lapsed = [b for b in started if b.start_at + timedelta(minutes=b.room.no_show_minutes) <= now]
    for booking in lapsed:
        change_status(booking, NO_SHOW, None, f"开始后{booking.room.no_show_minutes}分钟未签到", commit=False)
    if lapsed:
        db.session.commit()
    return lapsed


#: Why a request nobody answered before its start was rejected; the requester reads it.
EXPIRED_REASON = "开始时间已到仍未审核，申请自动失效"


def expire_requests(now: datetime | None = None) -> list[Booking]:
    """Requests still pending at their start can no longer be approved (approval refuses a past
    slot): reject them, so that the queue and the count on the home page hold only what staff
    can still act on, and the requester sees the answer under 我的预约."""
    now = now or clock.now()
    stale = db.session.scalars(
        select(Booking)
        .where(Booking.status == PENDING, Booking.start_at <= now)
        .order_by(Booking.start_at)
        .with_for_update(skip_locked=True)
    ).all()
    for booking in stale:
        change_status(booking, REJECTED, None, EXPIRED_REASON, commit=False)
    if stale:
        db.session.commit()
    return stale


# --- Recurring series ------------------------------------------------------------------------

#: A series longer than this is almost certainly a typo in the end date.
MAX_OCCURRENCES = 200


@dataclass
class Recurrence:
    frequency: str
    first_day: date
    weekdays: list[int]
    interval: int = 1
    nth: int | None = None
    until: date | None = None
    count: int | None = None

    def validate(self) -> None:
        if self.frequency not in FREQUENCIES:
            raise BookingError("请选择重复方式。", "frequency")
        if not self.weekdays:
            raise BookingError("请至少选择一个星期几。", "weekdays")
        if not 1 <= self.interval <= 12:
            raise BookingError("间隔应在1到12之间。", "interval")
        if self.frequency == MONTHLY and self.nth not in (1, 2, 3, 4, -1):
            raise BookingError("请选择每月第几个星期几。", "nth")
        if self.until is None and not self.count:
            raise BookingError("请填写结束日期或重复次数。", "until")
        if self.until is not None and self.until < self.first_day:
            raise BookingError("结束日期不能早于开始日期。", "until")
        if self.count is not None and not 1 <= self.count <= MAX_OCCURRENCES:
            raise BookingError(f"重复次数应在1到{MAX_OCCURRENCES}之间。", "count")

    def dates(self) -> list[date]:
        self.validate()
        days = [rrule_weekdays[d] for d in self.weekdays]
        if self.frequency == MONTHLY:
            days = [rrule_weekdays[self.weekdays[0]](self.nth)]
        rule = rrule(
            WEEKLY_RRULE if self.frequency == WEEKLY else MONTHLY_RRULE,
            dtstart=datetime.combine(self.first_day, time()),
            interval=self.interval,
            byweekday=days,
            until=datetime.combine(self.until, time()) if self.until else None,
            count=None if self.until else self.count,
            wkst=0,
        )
        found = [moment.date() for moment in rule[: MAX_OCCURRENCES + 1]]
        if len(found) > MAX_OCCURRENCES:
            raise BookingError(f"一次最多生成{MAX_OCCURRENCES}次预约，请缩短结束日期。", "until")
        return found

    @classmethod
    def of(cls, series: BookingSeries) -> "Recurrence":
        return cls(
            series.frequency, series.first_day, series.weekday_list, series.interval, series.nth, series.until, series.count
        )


def occurrence_window(day: date, start_time: time, end_time: time) -> tuple[datetime, datetime]:
    start = datetime.combine(day, start_time)
    end = datetime.combine(day, end_time)
    if end <= start:
        end += timedelta(days=1)  # across midnight; check_slot_rules decides whether that is open
    return start, end


@dataclass
class PlannedOccurrence:
    day: date
    start: datetime
    end: datetime
    #: None when the date can be booked; otherwise the Chinese reason it cannot.
    problem: str | None = None
    #: "conflict" (held by another booking), "closure", or "rule" (hours, past, horizon …).
    kind: str | None = None


def _probe(room: Room, start: datetime, end: datetime, headcount: int, allow_past: bool = False):
    """Why a slot cannot be booked, without writing: (kind, message) or (None, None)."""
    try:
        check_slot_rules(room, start, end, allow_past=allow_past)
    except BookingError as error:
        return ("closure" if "暂停开放" in error.message else "rule"), error.message
    if room.is_exclusive:
        holders = overlapping(room.id, start, end)
        if holders:
            return "conflict", _conflict_message(room, holders[0])
    elif peak_headcount(room.id, start, end) + headcount > room.capacity:
        return "conflict", f"{room.name}在该时段人数已满（容量{room.capacity}人）。"
    return None, None


def peak_headcount(room_id: int, start: datetime, end: datetime, exclude_id: int | None = None) -> int:
    """The most people booked at any moment of [start, end) in a shared room."""
    live = overlapping(room_id, start, end, exclude_id=exclude_id)
    moments = {start} | {b.start_at for b in live if b.start_at > start}
    return max((sum(b.headcount for b in live if b.start_at <= m < b.end_at) for m in moments), default=0)


def plan_series(
    room_id: int, recurrence: Recurrence, start_time: time, end_time: time, headcount: int = 1, allow_past: bool = False
):
    """Every date of the rule and whether it can be booked, so staff can keep the rest."""
    room = get_room(room_id)
    if room is None:
        raise BookingError("请选择场地。", "room_id")
    planned = []
    for day in recurrence.dates():
        start, end = occurrence_window(day, start_time, end_time)
        kind, problem = _probe(room, start, end, headcount, allow_past)
        planned.append(PlannedOccurrence(day, start, end, problem, kind))
    return planned


def create_series(
    *,
    room_id: int,
    recurrence: Recurrence,
    start_time: time,
    end_time: time,
    title: str,
    actor_id: int | None,
    chosen: set[date] | None = None,
    headcount: int = 1,
    purpose: str | None = None,
    enterprise_id: int | None = None,
    contact_name: str | None = None,
    contact_phone: str | None = None,
    notes: str | None = None,
    status: str = CONFIRMED,
    source: str = "staff",
    allow_past: bool = False,
) -> tuple[BookingSeries, list[Booking], list[PlannedOccurrence]]:
    """Book the chosen dates of the rule (all bookable ones when ``chosen`` is None).

    Each date is written in its own savepoint: a date taken by someone else meanwhile is
    reported back as skipped, and the rest is kept. Skipped dates can be added back later.
    """
    room = get_room(room_id)
    if room is None:
        raise BookingError("请选择场地。", "room_id")
    planned = plan_series(room_id, recurrence, start_time, end_time, headcount, allow_past)
    series = BookingSeries(
        room_id=room.id,
        title=title.strip(),
        frequency=recurrence.frequency,
        interval=recurrence.interval,
        weekdays=",".join(str(d) for d in recurrence.weekdays),
        nth=recurrence.nth if recurrence.frequency == MONTHLY else None,
        first_day=recurrence.first_day,
        until=recurrence.until,
        count=None if recurrence.until else recurrence.count,
        start_time=start_time,
        end_time=end_time,
        created_by_id=actor_id,
        created_at=clock.now(),
    )
    db.session.add(series)
    db.session.flush()
    created, skipped = [], []
    for occurrence in planned:
        if chosen is not None and occurrence.day not in chosen:
            continue
        if occurrence.problem:
            skipped.append(occurrence)
            continue
        try:
            created.append(
                create_booking(
                    room_id=room.id, start=occurrence.start, end=occurrence.end, title=title, actor_id=actor_id,
                    headcount=headcount, purpose=purpose, enterprise_id=enterprise_id, contact_name=contact_name,
                    contact_phone=contact_phone, notes=notes, status=status, source=source, series_id=series.id,
                    allow_past=allow_past, commit=False,
                )
            )  # fmt: skip
        except BookingError as error:
            occurrence.problem, occurrence.kind = error.message, "conflict"
            skipped.append(occurrence)
    if not created:
        db.session.rollback()
        raise BookingError("所选日期都无法预约，未创建任何预约。", "start_at")
    audit.record(
        actor_id, "series.create", "booking_series", series.id, None, None,
        rule=series.description, created=len(created), skipped=[o.day.isoformat() for o in skipped],
    )  # fmt: skip
    db.session.commit()
    return series, created, skipped


def get_series(series_id: int) -> BookingSeries | None:
    return db.session.get(BookingSeries, series_id)


def series_bookings(series_id: int) -> list[Booking]:
    return list(db.session.scalars(select(Booking).where(Booking.series_id == series_id).order_by(Booking.start_at)))


@dataclass
class SeriesDate:
    day: date
    booking: Booking | None

    @property
    def skipped(self) -> bool:
        return self.booking is None or self.booking.status in (CANCELLED, REJECTED)


def series_dates(series: BookingSeries) -> list[SeriesDate]:
    """The rule's dates with the booking each has; dates moved off the rule are listed too."""
    by_day: dict[date, Booking] = {}
    for booking in series_bookings(series.id):
        current = by_day.get(booking.start_at.date())
        if current is None or (booking.status not in (CANCELLED, REJECTED)):
            by_day[booking.start_at.date()] = booking
    days = set(Recurrence.of(series).dates()) | set(by_day)
    return [SeriesDate(day, by_day.get(day)) for day in sorted(days)]


def add_back(series_id: int, day: date, actor_id: int | None) -> Booking:
    """Book a skipped date of a series again, with the series' times and the details of its
    other occurrences."""
    series = get_series(series_id)
    if series is None:
        raise BookingError("重复预约不存在。")
    if day not in Recurrence.of(series).dates():
        raise BookingError("该日期不在重复规则内。")
    live = [b for b in series_bookings(series.id) if b.start_at.date() == day and b.status not in (CANCELLED, REJECTED)]
    if live:
        raise BookingError("该日期已有预约。")
    model = next(iter(series_bookings(series.id)), None)
    start, end = occurrence_window(day, series.start_time, series.end_time)
    return create_booking(
        room_id=series.room_id, start=start, end=end, title=series.title, actor_id=actor_id,
        headcount=model.headcount if model else 1, purpose=model.purpose if model else None,
        enterprise_id=model.enterprise_id if model else None, contact_name=model.contact_name if model else None,
        contact_phone=model.contact_phone if model else None, notes=model.notes if model else None,
        source=model.source if model else "staff", series_id=series.id,
    )  # fmt: skip


THIS, FOLLOWING, ALL = "this", "following", "all"
SCOPES = {THIS: "仅本次", FOLLOWING: "本次及以后各次", ALL: "全部各次"}


def scope_bookings(booking: Booking, scope: str) -> list[Booking]:
    """The occurrences an edit or cancellation of ``booking`` reaches; past ones are left alone."""
    if scope not in SCOPES:
        raise BookingError("请选择应用范围。", "scope")
    if scope == THIS or booking.series_id is None:
        return [booking]
    now = clock.now()
    open_states = (PENDING, CONFIRMED)
    others = [b for b in series_bookings(booking.series_id) if b.status in open_states and b.end_at > now]
    if scope == FOLLOWING:
        others = [b for b in others if b.start_at >= booking.start_at]
    return others or [booking]


def cancel_scope(booking_id: int, scope: str, actor_id: int | None, reason: str) -> list[Booking]:
    booking = get_booking(booking_id)
    if booking is None:
        raise BookingError("预约不存在。")
    if not (reason and reason.strip()):
        raise BookingError("请填写原因。", "reason")
    targets = [b for b in scope_bookings(booking, scope) if CANCELLED in TRANSITIONS[b.status]]
    if not targets:
        raise BookingError(f"预约当前为“{booking.status_label}”，不能取消。")
    for target in targets:
        change_status(target, CANCELLED, actor_id, reason, commit=False)
    db.session.commit()
    return targets


def reschedule_scope(
    booking_id: int,
    scope: str,
    actor_id: int | None,
    *,
    day: date,
    start_time: time,
    end_time: time,
    room_id: int | None = None,
    commit: bool = True,
) -> list[Booking]:
    """Move one occurrence to another day, time or room, or the times (and room) of several
    occurrences, each keeping its own date. All or nothing: one refused date refuses the change,
    naming it."""
    booking = get_booking(booking_id)
    if booking is None:
        raise BookingError("预约不存在。")
    targets = scope_bookings(booking, scope)
    moved, problems = [], []
    savepoint = db.session.begin_nested()
    for target in targets:
        target_day = day if target.id == booking.id else target.start_at.date()
        start, end = occurrence_window(target_day, start_time, end_time)
        if (start, end, room_id or target.room_id) == (target.start_at, target.end_at, target.room_id):
            continue
        try:
            moved.append(move_booking(target.id, start, end, actor_id, room_id=room_id, commit=False))
        except BookingError as error:
            problems.append(f"{target_day.month}月{target_day.day}日：{error.message}")
            refused = error
    if problems:
        savepoint.rollback()
        if len(targets) == 1:
            raise refused
        raise BookingError("以下日期无法调整，未做任何修改：" + "；".join(problems), "start_at")
    savepoint.commit()
    if booking.series_id is not None and scope == ALL:
        series = get_series(booking.series_id)
        series.start_time, series.end_time = start_time, end_time
        series.room_id = room_id or series.room_id
    if commit:
        db.session.commit()
    return moved


#: States drawn on the calendars; rejected and cancelled bookings no longer take any room.
SHOWN_STATES = (PENDING, CONFIRMED, CHECKED_IN, NO_SHOW)


def bookings_between(room_ids: list[int], start: datetime, end: datetime, states=SHOWN_STATES) -> list[Booking]:
    """Bookings of these rooms touching [start, end): an index range scan per room, so the cost
    follows the bookings in view and not the size of the table."""
    if not room_ids:
        return []
    stmt = (
        select(Booking)
        .options(joinedload(Booking.enterprise))
        .where(
            Booking.room_id.in_(room_ids),
            Booking.start_at < end,
            # Bookings never last longer than a day: bounding start_at keeps the index range short.
            Booking.start_at >= start - timedelta(days=1),
            Booking.end_at > start,
            Booking.status.in_(states),
        )
        .order_by(Booking.start_at, Booking.id)
    )
    return list(db.session.scalars(stmt))


def pending_requests():
    return select(Booking).where(Booking.status == PENDING).order_by(Booking.start_at)


def withdraw(booking_id: int, user_id: int, reason: str) -> Booking:
    """The booker calls off their own request or booking before it starts."""
    booking = get_booking(booking_id)
    if booking is None or booking.created_by_id != user_id:
        raise BookingError("预约不存在。")
    if booking.start_at <= clock.now():
        raise BookingError("预约已经开始，不能撤回，请联系中心工作人员。")
    return change_status(booking, CANCELLED, user_id, reason or "预约人撤回")


def user_bookings(user_id: int, upcoming: bool = True):
    stmt = select(Booking).where(Booking.created_by_id == user_id)
    now = clock.now()
    if upcoming:
        return stmt.where(Booking.end_at > now).order_by(Booking.start_at)
    return stmt.where(Booking.end_at <= now).order_by(Booking.start_at.desc())


def pending_count() -> int:
    return db.session.scalar(select(func.count(Booking.id)).where(Booking.status == PENDING)) or 0


#: Pages apply the no-show rule at most this often per process; cron does the same job exactly.
SWEEP_EVERY = timedelta(seconds=30)


def sweep_no_shows() -> None:
    """The no-show rule (and the expiry of unanswered requests) on page views, so the calendar is right even without cron. It must never
    break the page: when SQLite cannot upgrade a reading transaction to write (another writer
    got in first), it gives up and the next view, or cron, does it."""
    state = current_app.extensions.setdefault("facilities_sweep", {"at": None})
    now = clock.now()
    if state["at"] is not None and now - state["at"] < SWEEP_EVERY:
        return
    state["at"] = now
    try:
        mark_no_shows(now)
        expire_requests(now)
    except OperationalError:
        db.session.rollback()


