"""Booking rules. Every state change of a booking goes through here and writes an audit row.

Also here: approval, check-in, the no-show rule and the expiry of unanswered requests. Recurring
bookings are in ``series``, what the calendars draw in ``schedule``, utilisation in ``reports``,
calendar feeds in ``feeds``, room settings in ``rooms``. Other modules do not call this module:
they hold rooms through ``holds``.

Like every service, these functions only flush: the caller's ``atomic()`` commits.
"""

import secrets
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from hubapp import audit, clock
from hubapp.blueprints.auth.roles import STAFF_ROLES
from hubapp.blueprints.facilities import constraints, notices
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
    Room,
)
from hubapp.blueprints.facilities.opening import check_slot_rules, get_room
from hubapp.extensions import db
from hubapp.formatting import quoted
from hubapp.rules import Conflict, RuleError

#: Which state may follow which.
TRANSITIONS = {
    PENDING: {CONFIRMED, REJECTED, CANCELLED},
    CONFIRMED: {CANCELLED, CHECKED_IN, NO_SHOW},
    CHECKED_IN: set(),
    REJECTED: set(),
    CANCELLED: set(),
    NO_SHOW: set(),
}
#: States in which a booking may still be moved to another time or room.
MOVABLE_STATES = (PENDING, CONFIRMED)


class SlotTaken(Conflict):
    """The slot is held; ``holder`` is the booking that holds it, when one can be named."""

    def __init__(self, message: str, holder: Booking | None = None):
        super().__init__(message, field="start_at")
        self.holder = holder


@dataclass
class BookingDetails:
    """What a booking is for and who holds it, as staff or an enterprise fill it in."""

    title: str
    headcount: int = 1
    purpose: str | None = None
    enterprise_id: int | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    notes: str | None = None

    @classmethod
    def of(cls, booking: Booking) -> "BookingDetails":
        return cls(**{f.name: getattr(booking, f.name) for f in fields(cls)})


def get_booking(booking_id: int) -> Booking | None:
    return db.session.get(Booking, booking_id)


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


def peak_headcount(room_id: int, start: datetime, end: datetime, exclude_id: int | None = None) -> int:
    """The most people booked at any moment of [start, end) in a shared room."""
    live = overlapping(room_id, start, end, exclude_id=exclude_id)
    moments = {start} | {b.start_at for b in live if b.start_at > start}
    return max((sum(b.headcount for b in live if b.start_at <= m < b.end_at) for m in moments), default=0)


def conflict_message(room: Room, holder: Booking | None) -> str:
    if holder is None:
        return f"{room.name}在该时段已满，请选择其他时间。"
    return (
        f"{room.name}在{holder.start_at.month}月{holder.start_at.day}日 {holder.start_at:%H:%M}–{holder.end_at:%H:%M} 已被{quoted(holder.title)}"
        f"（{holder.holder_name}）预约，请选择其他时间或场地。"
    )


def capacity_message(room: Room, start: datetime, end: datetime, exclude_id: int | None = None) -> str:
    """A shared room's refusal, naming what is left: someone asking for 18 places when 17 remain
    needs to know that, not only that the gym is "full"."""
    left = max(room.capacity - peak_headcount(room.id, start, end, exclude_id=exclude_id), 0)
    if left == 0:
        return f"{room.name}在该时段人数已满（容量{room.capacity}人），请选择其他时间。"
    return f"{room.name}在该时段还可预约{left}人（容量{room.capacity}人），请减少人数或选择其他时间。"


def _refusal(error: IntegrityError, room: Room, start: datetime, end: datetime, exclude_id: int | None) -> RuleError:
    """Turn the database's refusal into the Chinese message for the loser of a race."""
    text = str(error.orig)
    if constraints.CAPACITY_ERROR in text:
        return SlotTaken(capacity_message(room, start, end, exclude_id))
    if constraints.OVERLAP_ERROR in text or constraints.EXCLUSION_CONSTRAINT in text:
        holders = overlapping(room.id, start, end, exclude_id=exclude_id)
        holder = holders[0] if holders else None
        return SlotTaken(conflict_message(room, holder), holder)
    raise error


def _flush_checked(booking: Booking, room: Room, change=None) -> None:
    """Make ``change`` and flush it inside a savepoint, so that the database's refusal (overlap,
    capacity) becomes a ``SlotTaken`` and leaves the caller's transaction usable. The change is
    made inside the savepoint: beginning it flushes what is pending, and a refusal there would
    abort the whole transaction, not just this step.

    The room's row is locked first, so that the writers of one room's bookings take turns.
    PostgreSQL checks an exclusion constraint after inserting the row: two writers racing for an
    exclusive room can each wait on the other's row, and one of them is then killed as a deadlock
    instead of being refused as an overlap. The capacity trigger takes the same lock for shared
    rooms; SQLite's ``BEGIN IMMEDIATE`` already makes writers take turns."""
    try:
        with db.session.begin_nested():
            db.session.execute(select(Room.id).where(Room.id == room.id).with_for_update())
            if change is not None:
                change()
            db.session.add(booking)
            db.session.flush()
    except IntegrityError as error:
        raise _refusal(error, room, booking.start_at, booking.end_at, booking.id) from None


#: Bookings typed by a person. A double tap, or a refresh of the page the public form answers
#: with, posts the same booking again: in the gym, or as a second pending request, nothing
#: else would stop it. Bookings naming nobody (walk-ins entered by staff) may repeat.
DUPLICATE_SOURCES = ("staff", "public")


def _twin(room_id: int, start: datetime, end: datetime, details: BookingDetails) -> Booking | None:
    return db.session.scalar(
        select(Booking).where(
            Booking.room_id == room_id,
            Booking.start_at == start,
            Booking.end_at == end,
            Booking.status.in_((PENDING, CONFIRMED)),
            Booking.title == details.title.strip(),
            Booking.contact_name.is_not_distinct_from(details.contact_name),
            Booking.contact_phone.is_not_distinct_from(details.contact_phone),
            Booking.enterprise_id.is_not_distinct_from(details.enterprise_id),
        ).limit(1)
    )


def _check_headcount(room: Room, headcount: int, field: str = "headcount") -> None:
    if headcount < 1:
        raise RuleError("人数至少为1人。", field)
    if headcount > room.capacity:
        raise RuleError(f"{room.name}最多容纳{room.capacity}人。", field)


def create_booking(
    actor,
    room_id: int | None,
    start: datetime,
    end: datetime,
    details: BookingDetails,
    *,
    status: str = CONFIRMED,
    source: str = "staff",
    series_id: int | None = None,
    allow_past: bool = False,
) -> Booking:
    """Book ``room_id`` for [start, end). ``source`` says who made it: staff, public (an enterprise's
    request), session, meeting; ``allow_past`` records a booking entered after the fact."""
    room = get_room(room_id) if room_id else None
    if room is None:
        raise RuleError("请选择场地。", "room_id")
    if status not in (PENDING, CONFIRMED):
        raise RuleError("新预约只能是待审核或已确认。")
    _check_headcount(room, details.headcount)
    check_slot_rules(room, start, end, allow_past=allow_past)
    if source in DUPLICATE_SOURCES and (details.contact_name or details.contact_phone or details.enterprise_id):
        twin = _twin(room.id, start, end, details)
        if twin is not None:
            raise RuleError(f"已有相同的预约（{twin.status_label}），请勿重复提交。", "start_at")
    if room.is_exclusive:
        # A pending request for a slot already held can never be approved: say so now.
        holders = overlapping(room.id, start, end)
        if holders:
            raise SlotTaken(conflict_message(room, holders[0]), holders[0])
    booking = Booking(
        room_id=room.id,
        exclusive=room.is_exclusive,
        start_at=start,
        end_at=end,
        title=details.title.strip(),
        purpose=details.purpose,
        headcount=details.headcount,
        enterprise_id=details.enterprise_id,
        contact_name=details.contact_name,
        contact_phone=details.contact_phone,
        notes=details.notes,
        status=status,
        source=source,
        series_id=series_id,
        created_by_id=audit.actor_id(actor),
        created_at=clock.now(),
        # The enterprise asking from /book has no account: its private link is how it follows the request.
        follow_token=secrets.token_urlsafe(32) if source == notices.PUBLIC else None,
    )
    _flush_checked(booking, room)
    audit.record(audit.actor_id(actor), "booking.create", "booking", booking.id, None, status, title=booking.title, room=room.name, source=source)
    notices.created(booking)
    return booking


def change_status(actor, booking: Booking, new_status: str, reason: str | None = None) -> Booking:
    if new_status not in TRANSITIONS[booking.status]:
        raise RuleError(f"预约当前为“{booking.status_label}”，不能改为“{BOOKING_STATES[new_status]}”。")
    if new_status in (REJECTED, CANCELLED) and not (reason and reason.strip()):
        raise RuleError("请填写原因。", "reason")
    old_status = booking.status

    def change():
        # The state is read again under the row lock: a requester withdrawing from their private
        # link while staff approve it is a conflict for whoever comes second, not an overwrite.
        current = db.session.scalar(select(Booking.status).where(Booking.id == booking.id).with_for_update())
        if current != old_status:
            raise Conflict(f"预约已被改为“{BOOKING_STATES[current]}”，请刷新页面后查看。")
        booking.status = new_status
        if reason:
            booking.status_reason = reason.strip()
        if new_status == CHECKED_IN:
            booking.checked_in_at = clock.now()

    try:
        _flush_checked(booking, booking.room, change)
    except SlotTaken:
        booking.status = old_status
        raise
    audit.record(audit.actor_id(actor), f"booking.{new_status}", "booking", booking.id, old_status, new_status, reason=reason)
    notices.status_changed(booking, old_status, new_status, booker_phone(booking))
    return booking


def cancel_booking(actor, booking: Booking, reason: str) -> Booking:
    return change_status(actor, booking, CANCELLED, reason)


def move_booking(actor, booking: Booking, start: datetime, end: datetime, room_id: int | None = None) -> Booking:
    if booking.status not in MOVABLE_STATES:
        raise RuleError(f"预约当前为“{booking.status_label}”，不能改期。")
    room = get_room(room_id or booking.room_id)
    if room is None:
        raise RuleError("请选择场地。", "room_id")
    if booking.headcount > room.capacity:
        raise RuleError(f"{room.name}最多容纳{room.capacity}人。", "room_id")
    check_slot_rules(room, start, end)
    if room.is_exclusive:
        holders = overlapping(room.id, start, end, exclude_id=booking.id)
        if holders:
            raise SlotTaken(conflict_message(room, holders[0]), holders[0])
    before = f"{booking.room.name} {booking.start_at:%Y-%m-%d %H:%M}–{booking.end_at:%H:%M}"
    old = (booking.room, booking.exclusive, booking.start_at, booking.end_at)

    def change():
        booking.room, booking.exclusive, booking.start_at, booking.end_at = room, room.is_exclusive, start, end

    try:
        _flush_checked(booking, room, change)
    except SlotTaken:
        booking.room, booking.exclusive, booking.start_at, booking.end_at = old
        raise
    after = f"{room.name} {start:%Y-%m-%d %H:%M}–{end:%H:%M}"
    audit.record(audit.actor_id(actor), "booking.move", "booking", booking.id, before, after)
    return booking


def update_details(actor, booking: Booking, details: BookingDetails) -> Booking:
    """Change what a booking is for; the shared-room trigger re-checks a changed headcount."""
    if booking.status not in (PENDING, CONFIRMED, CHECKED_IN):
        raise RuleError(f"预约当前为“{booking.status_label}”，不能修改。")
    _check_headcount(booking.room, details.headcount)
    wanted = {f.name: getattr(details, f.name) for f in fields(BookingDetails)}
    wanted["title"] = details.title.strip()
    changed = {name: value for name, value in wanted.items() if getattr(booking, name) != value}
    if not changed:
        return booking
    old = {name: getattr(booking, name) for name in changed}

    def change():
        for name, value in changed.items():
            setattr(booking, name, value)

    try:
        _flush_checked(booking, booking.room, change)
    except SlotTaken:
        for name, value in old.items():
            setattr(booking, name, value)
        raise
    audit.record(audit.actor_id(actor), "booking.edit", "booking", booking.id, booking.status, booking.status, changed=sorted(changed))
    return booking


def in_order(grows: bool, move: Callable[[], object], describe: Callable[[], object]) -> None:
    """Move a booking and change its details in the order the rooms allow: each step checks the
    headcount against the room it leaves the booking in, so a growing group moves to the bigger
    room first and a shrinking one shrinks before moving to the smaller room."""
    for step in (move, describe) if grows else (describe, move):
        step()


# --- Approval, check-in, no-show -------------------------------------------------------------


def pending_overlaps(booking: Booking) -> list[Booking]:
    """Pending requests that approving ``booking`` would reject (exclusive rooms only)."""
    if not booking.room.is_exclusive:
        return []
    return overlapping(booking.room_id, booking.start_at, booking.end_at, states=(PENDING,), exclude_id=booking.id)


def approve_booking(actor, booking: Booking) -> list[Booking]:
    """Confirm a request and reject the pending requests it overlaps; returns those rejected."""
    if booking.status != PENDING:
        raise RuleError(f"预约当前为“{booking.status_label}”，无需审核。")
    check_slot_rules(booking.room, booking.start_at, booking.end_at)
    change_status(actor, booking, CONFIRMED)
    rejected = pending_overlaps(booking)
    reason = f"该时段已批准给{quoted(booking.title)}（{booking.holder_name}）。"
    for other in rejected:
        change_status(actor, other, REJECTED, reason)
    return rejected


def reject_booking(actor, booking: Booking, reason: str) -> Booking:
    return change_status(actor, booking, REJECTED, reason)


def check_in_early() -> timedelta:
    """How long before the start check-in opens (``ROOM_CHECK_IN_OPENS_MINUTES``)."""
    return timedelta(minutes=current_app.config["ROOM_CHECK_IN_OPENS_MINUTES"])


def check_in(actor, booking: Booking, now: datetime | None = None) -> Booking:
    now = now or clock.now()
    opens = booking.start_at - check_in_early()
    if booking.status == CONFIRMED and now < opens:
        raise RuleError(
            f"签到从开始前{int(check_in_early().total_seconds()) // 60}分钟起开放：{opens:%H:%M}起可签到"
            f"（{booking.start_at:%H:%M}开始）。"
        )
    if booking.status == CONFIRMED and now >= booking.end_at:
        raise RuleError("预约时段已结束，不能签到。")
    return change_status(actor, booking, CHECKED_IN)


def current_bookings(room: Room, now: datetime | None = None) -> list[Booking]:
    """Confirmed bookings of ``room`` that can be checked in at the door now."""
    now = now or clock.now()
    return list(
        db.session.scalars(
            select(Booking)
            .where(
                Booking.room_id == room.id,
                Booking.status == CONFIRMED,
                Booking.start_at <= now + check_in_early(),
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


def door_check_in(actor, room: Room, phone_tail: str | None, now: datetime | None = None) -> Booking:
    """Check-in by the booker at the door. The last four digits of the booking's phone stand for
    a login: they pick the booker's own booking (several share a gym slot) and keep a passer-by
    from checking in somebody else's slot. A booking without a phone has nothing to prove it by:
    only the centre's staff, logged in, check it in."""
    candidates = current_bookings(room, now)
    if not candidates:
        raise RuleError("现在没有可以签到的预约。", "phone_tail")
    tail = (phone_tail or "").strip()
    matching = [b for b in candidates if (booker_phone(b) or "")[-4:] == tail and tail]
    if not matching and len(candidates) == 1 and not booker_phone(candidates[0]):
        if getattr(actor, "role", None) not in STAFF_ROLES:
            raise RuleError("该预约没有登记手机号，请联系中心工作人员登录后签到。", "phone_tail")
        matching = candidates
    if not matching:
        raise RuleError("没有找到与该手机号后四位对应的预约，请核对后重试。", "phone_tail")
    return check_in(actor, matching[0], now=now)


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
        change_status(None, booking, NO_SHOW, f"开始后{booking.room.no_show_minutes}分钟未签到")
    return lapsed


#: Why a request nobody answered before its start was rejected; the requester reads it.
EXPIRED_REASON = "开始时间已到仍未审核，申请自动失效"


def expire_requests(now: datetime | None = None) -> list[Booking]:
    """Requests still pending at their start can no longer be approved (approval refuses a past
    slot): reject them, so that the requester sees the answer under 我的预约."""
    now = now or clock.now()
    stale = db.session.scalars(
        select(Booking)
        .where(Booking.status == PENDING, Booking.start_at <= now)
        .order_by(Booking.start_at)
        .with_for_update(skip_locked=True)
    ).all()
    for booking in stale:
        change_status(None, booking, REJECTED, EXPIRED_REASON)
    return stale


# --- Lists -----------------------------------------------------------------------------------

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


def pending_requests(now: datetime | None = None):
    """Requests staff can still approve: pending, and not yet begun (those are expired by the
    sweeper, and approval would refuse them anyway)."""
    now = now or clock.now()
    return select(Booking).where(Booking.status == PENDING, Booking.start_at > now).order_by(Booking.start_at)


def pending_count(now: datetime | None = None) -> int:
    now = now or clock.now()
    stmt = select(func.count(Booking.id)).where(Booking.status == PENDING, Booking.start_at > now)
    return db.session.scalar(stmt) or 0


def withdraw(actor, booking: Booking, reason: str) -> Booking:
    """The booker calls off their own request or booking before it starts."""
    if booking.created_by_id is None or booking.created_by_id != audit.actor_id(actor):
        raise RuleError("预约不存在。")
    if booking.start_at <= clock.now():
        raise RuleError("预约已经开始，不能撤回，请联系中心工作人员。")
    return change_status(actor, booking, CANCELLED, reason or "预约人撤回")


#: What a requester may still call off from their private link.
WITHDRAWABLE_STATES = (PENDING, CONFIRMED)


def by_follow_token(token: str | None) -> Booking | None:
    """The public request whose private link this is; None for anything else (a changed or
    made-up token)."""
    if not token or len(token) > 64:
        return None
    return db.session.scalar(select(Booking).where(Booking.follow_token == token))


def by_follow_tokens(tokens: list[str]) -> list[Booking]:
    if not tokens:
        return []
    stmt = select(Booking).where(Booking.follow_token.in_(tokens)).order_by(Booking.start_at.desc(), Booking.id.desc())
    return list(db.session.scalars(stmt.options(joinedload(Booking.room))))


def withdraw_request(token: str, confirmed: bool) -> Booking:
    """The enterprise calls off its own public request, pending or confirmed, before it starts.
    An approval or rejection that commits meanwhile is caught by ``change_status``, which reads
    the state again under the lock every writer of the room's bookings takes first."""
    booking = by_follow_token(token)
    if booking is None:
        raise RuleError("预约不存在。")
    if not confirmed:
        raise RuleError("请勾选确认后再撤回。", "confirm")
    if booking.status not in WITHDRAWABLE_STATES:
        raise Conflict(f"该申请当前为“{booking.status_label}”，不能撤回。")
    if booking.start_at <= clock.now():
        raise Conflict("预约已经开始，不能撤回，请联系中心工作人员。")
    old_status = booking.status
    change_status(None, booking, CANCELLED, "申请人撤回")
    notices.withdrawn(booking, old_status)
    return booking


def user_bookings(user_id: int, upcoming: bool = True):
    stmt = select(Booking).where(Booking.created_by_id == user_id)
    now = clock.now()
    if upcoming:
        return stmt.where(Booking.end_at > now).order_by(Booking.start_at)
    return stmt.where(Booking.end_at <= now).order_by(Booking.start_at.desc())
