"""Room settings: rooms, their weekly hours, closures, make-up opening days (调休) and photos.

What the others read of rooms (hours, closures, slot rules) is in ``opening``.
"""

import io
from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta
from pathlib import Path

from flask import current_app
from PIL import Image, UnidentifiedImageError
from sqlalchemy import func, select

from hubapp import audit, clock, concurrency, workdays
from hubapp.blueprints.facilities.bookings import bookings_between, overlapping, peak_headcount
from hubapp.blueprints.facilities.models import (
    BOOKING_MODES,
    CONFIRMED,
    PENDING,
    Booking,
    Closure,
    OpeningHours,
    Room,
    SpecialOpening,
)
from hubapp.blueprints.facilities.opening import closures_between, rooms, within_opening_hours
from hubapp.database import on_commit
from hubapp.extensions import db
from hubapp.rules import RuleError


@dataclass
class RoomSettings:
    """What staff set for a room on its settings page."""

    name: str
    kind: str
    capacity: int
    equipment: str | None = None
    description: str | None = None
    active: bool = True
    needs_approval: bool = False
    min_minutes: int = 30
    max_minutes: int = 480
    max_days_ahead: int = 90
    no_show_minutes: int = 15


def _check_settings(settings: RoomSettings, room: Room | None) -> None:
    if settings.min_minutes > settings.max_minutes:
        raise RuleError("最短预约时长不能超过最长时长。", "max_minutes")
    clash = select(Room.id).where(Room.name == settings.name.strip())
    if room is not None:
        clash = clash.where(Room.id != room.id)
    if db.session.scalar(clash):
        raise RuleError("已有同名场地。", "name")


def create_room(
    actor, settings: RoomSettings, booking_mode: str, opens: time = time(8, 30), closes: time = time(21, 0)
) -> Room:
    """A new room, open every day with the centre's usual hours until staff change them."""
    if booking_mode not in BOOKING_MODES:
        raise RuleError("请选择预约方式。", "booking_mode")
    _check_settings(settings, None)
    order = (db.session.scalar(select(func.max(Room.sort_order))) or 0) + 1
    room = Room(booking_mode=booking_mode, sort_order=order, **{f.name: getattr(settings, f.name) for f in fields(RoomSettings)})
    room.name = settings.name.strip()
    room.opening_hours = [OpeningHours(weekday=d, opens=opens, closes=closes) for d in range(7)]
    db.session.add(room)
    db.session.flush()
    audit.record(audit.actor_id(actor), "room.create", "room", room.id, None, None, name=room.name, mode=booking_mode)
    return room


def update_room(actor, room: Room, settings: RoomSettings, based_on: int | None = None) -> Room:
    """Room settings, edited in a form drawn from version ``based_on`` (``hubapp.concurrency``).
    The booking mode is fixed once a room exists: existing bookings were checked under it."""
    concurrency.claim(room, based_on)
    _check_settings(settings, room)
    if not room.is_exclusive and settings.capacity < room.capacity:
        taken = overlapping(room.id, clock.now(), clock.now() + timedelta(days=room.max_days_ahead + 1))
        if taken:
            peak = max(peak_headcount(room.id, b.start_at, b.end_at) for b in taken)
            if settings.capacity < peak:
                raise RuleError(f"已有时段预约了{peak}人，容量不能低于{peak}人。", "capacity")
    wanted = {f.name: getattr(settings, f.name) for f in fields(RoomSettings)}
    wanted["name"] = settings.name.strip()
    changed = sorted(name for name, value in wanted.items() if getattr(room, name) != value)
    for name in changed:
        setattr(room, name, wanted[name])
    if changed:
        audit.record(audit.actor_id(actor), "room.edit", "room", room.id, None, None, changed=changed)
    return room


def set_opening_hours(actor, room: Room, hours: dict[int, tuple[time, time] | None]) -> Room:
    """Hours per weekday (0 = Monday); None closes that weekday."""
    existing = {h.weekday: h for h in room.opening_hours}
    for weekday, pair in hours.items():
        row = existing.get(weekday)
        if pair is None:
            if row is not None:
                room.opening_hours.remove(row)
        elif row is None:
            room.opening_hours.append(OpeningHours(weekday=weekday, opens=pair[0], closes=pair[1]))
        else:
            row.opens, row.closes = pair
    summary = {str(d): (f"{p[0]:%H:%M}-{p[1]:%H:%M}" if p else "closed") for d, p in sorted(hours.items())}
    audit.record(audit.actor_id(actor), "room.hours", "room", room.id, None, None, hours=summary)
    db.session.flush()
    return room


def bookings_left_out(room: Room) -> list[Booking]:
    """Coming bookings of ``room`` that its settings no longer allow: all of them when it is
    deactivated, else those its weekly hours no longer cover. Saving the settings does not
    cancel them: staff see them named and tell the bookers."""
    now = clock.now()
    coming = bookings_between([room.id], now, now + timedelta(days=room.max_days_ahead + 1), states=(PENDING, CONFIRMED))
    coming = [b for b in coming if b.start_at >= now]
    if not room.active:
        return coming
    return [b for b in coming if not within_opening_hours(room, b.start_at, b.end_at)]


def closures(upcoming_from: date | None = None) -> list[Closure]:
    stmt = select(Closure).order_by(Closure.start_date)
    if upcoming_from is not None:
        stmt = stmt.where(Closure.end_date >= upcoming_from)
    return list(db.session.scalars(stmt))


def add_closure(actor, room_id: int | None, start_date: date, end_date: date, reason: str) -> Closure:
    """Close a room (or all, when ``room_id`` is None). Live bookings inside are not cancelled
    silently: they are named, and staff cancel them with a reason the bookers will read."""
    if end_date < start_date:
        raise RuleError("结束日期不能早于开始日期。", "end_date")
    if not reason.strip():
        raise RuleError("请填写原因。", "reason")
    closure = Closure(room_id=room_id, start_date=start_date, end_date=end_date, reason=reason.strip())
    db.session.add(closure)
    db.session.flush()
    audit.record(audit.actor_id(actor), "closure.create", "closure", closure.id, None, None, room_id=room_id,
                 start=start_date.isoformat(), end=end_date.isoformat(), reason=reason)  # fmt: skip
    return closure


def bookings_in_closure(closure: Closure) -> list[Booking]:
    room_ids = [closure.room_id] if closure.room_id else [r.id for r in rooms(active_only=False)]
    start = datetime.combine(closure.start_date, time())
    end = datetime.combine(closure.end_date + timedelta(days=1), time())
    return bookings_between(room_ids, start, end, states=(PENDING, CONFIRMED))


def delete_closure(actor, closure: Closure) -> None:
    audit.record(audit.actor_id(actor), "closure.delete", "closure", closure.id, None, None, reason=closure.reason,
                 record=audit.snapshot(closure))  # fmt: skip
    db.session.delete(closure)
    db.session.flush()


def special_openings(upcoming_from: date | None = None) -> list[SpecialOpening]:
    stmt = select(SpecialOpening).order_by(SpecialOpening.day)
    if upcoming_from is not None:
        stmt = stmt.where(SpecialOpening.day >= upcoming_from)
    return list(db.session.scalars(stmt))


def add_special_opening(actor, room_id: int | None, day: date, opens: time, closes: time, reason: str) -> SpecialOpening:
    if not reason.strip():
        raise RuleError("请填写原因。", "reason")
    special = SpecialOpening(room_id=room_id, day=day, opens=opens, closes=closes, reason=reason.strip())
    db.session.add(special)
    db.session.flush()
    audit.record(audit.actor_id(actor), "special_opening.create", "special_opening", special.id, None, None,
                 day=day.isoformat(), reason=reason)  # fmt: skip
    return special


def delete_special_opening(actor, special: SpecialOpening) -> None:
    audit.record(audit.actor_id(actor), "special_opening.delete", "special_opening", special.id, None, None,
                 record=audit.snapshot(special))  # fmt: skip
    db.session.delete(special)
    db.session.flush()


def import_public_holidays(actor, year: int, opens: time = time(8, 30), closes: time = time(21, 0)):
    """Statutory holidays of ``year`` as closures of all rooms, and make-up working days (调休上班)
    as special openings, as the working-day calendar lists them. Dates already entered are kept."""
    if not workdays.year_is_listed(year):
        raise RuleError(f"工作日历中还没有{year}年的法定节假日，请先在“工作日历”中登记。")
    added_closures = []
    for first, last, name in workdays.holiday_runs(year):
        if not closures_between(None, first, last):
            added_closures.append(add_closure(actor, None, first, last, name))
    added_openings = []
    for day in workdays.makeup_working_days(year):
        if not db.session.scalar(select(SpecialOpening.id).where(SpecialOpening.day == day)):
            added_openings.append(add_special_opening(actor, None, day, opens, closes, "调休上班"))
    return added_closures, added_openings


#: Room photos are re-encoded to this size at most: enough for a page, small enough for phones.
PHOTO_MAX_SIDE = 1600
PHOTO_MAX_BYTES = 8 * 1024 * 1024


def photo_dir() -> Path:
    """instance/room_photos, unless HUB_FACILITIES_PHOTO_DIR names another folder."""
    configured = current_app.config.get("FACILITIES_PHOTO_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "room_photos"


def photo_path(room: Room) -> Path | None:
    return photo_dir() / room.photo if room.photo else None


def set_photo(actor, room: Room, data: bytes) -> Room:
    """Store an uploaded photo as a fresh JPEG: whatever was uploaded, only pixels are kept
    (no scripts, no EXIF location), under a name the uploader does not choose."""
    if len(data) > PHOTO_MAX_BYTES:
        raise RuleError("照片不能超过8MB。", "photo")
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            picture = image.convert("RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise RuleError("无法识别的图片，请上传 JPG 或 PNG 照片。", "photo") from None
    picture.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
    photo_dir().mkdir(parents=True, exist_ok=True)
    old = photo_path(room)
    name = f"room-{room.id}-{int(clock.now().timestamp())}.jpg"
    picture.save(photo_dir() / name, "JPEG", quality=85)
    room.photo = name
    audit.record(audit.actor_id(actor), "room.photo", "room", room.id, None, None)
    db.session.flush()
    if old is not None and old.name != name:
        on_commit(lambda: old.unlink(missing_ok=True))
    return room


def remove_photo(actor, room: Room) -> Room:
    old, name = photo_path(room), room.photo
    room.photo = None
    audit.record(audit.actor_id(actor), "room.photo_removed", "room", room.id, None, None, photo=name)
    db.session.flush()
    if old is not None:
        on_commit(lambda: old.unlink(missing_ok=True))
    return room
