"""Rooms and their settings, weekly hours, closures and make-up opening days (调休)."""

import io
from datetime import date, datetime, time, timedelta
from pathlib import Path

import chinese_calendar
from flask import current_app
from PIL import Image, UnidentifiedImageError
from sqlalchemy import func, select

from hubapp import audit, clock
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
from hubapp.blueprints.facilities.services import (
    BookingError,
    bookings_between,
    closures_between,
    get_room,
    overlapping,
    peak_headcount,
    rooms,
    within_opening_hours,
)
from hubapp.extensions import db

ROOM_FIELDS = (
    "name", "kind", "capacity", "equipment", "description", "active", "needs_approval",
    "min_minutes", "max_minutes", "max_days_ahead", "no_show_minutes",
)  # fmt: skip


def create_room(actor_id: int | None, *, booking_mode: str, opens: time = time(8, 30), closes: time = time(21, 0),
                **fields) -> Room:
    """A new room, open every day with the centre's usual hours until staff change them."""
    if booking_mode not in BOOKING_MODES:
        raise BookingError("请选择预约方式。", "booking_mode")
    if fields.get("min_minutes", 30) > fields.get("max_minutes", 480):
        raise BookingError("最短预约时长不能超过最长时长。", "max_minutes")
    name = fields.get("name", "").strip()
    if db.session.scalar(select(Room.id).where(Room.name == name)):
        raise BookingError("已有同名场地。", "name")
    order = (db.session.scalar(select(func.max(Room.sort_order))) or 0) + 1
    room = Room(booking_mode=booking_mode, sort_order=order, **{k: v for k, v in fields.items() if k in ROOM_FIELDS})
    room.name = name
    room.opening_hours = [OpeningHours(weekday=d, opens=opens, closes=closes) for d in range(7)]
    db.session.add(room)
    db.session.flush()
    audit.record(actor_id, "room.create", "room", room.id, None, None, name=room.name, mode=booking_mode)
    db.session.commit()
    return room


def update_room(room_id: int, actor_id: int | None, **fields) -> Room:
    """Room settings. The booking mode is fixed once a room exists: existing bookings were
    checked under it."""
    room = get_room(room_id)
    if room is None:
        raise BookingError("场地不存在。")
    if fields.get("min_minutes", room.min_minutes) > fields.get("max_minutes", room.max_minutes):
        raise BookingError("最短预约时长不能超过最长时长。", "max_minutes")
    name = fields.get("name", room.name).strip()
    if db.session.scalar(select(Room.id).where(Room.name == name, Room.id != room.id)):
        raise BookingError("已有同名场地。", "name")
    if not room.is_exclusive and fields.get("capacity", room.capacity) < room.capacity:
        taken = overlapping(room.id, clock.now(), clock.now() + timedelta(days=room.max_days_ahead + 1))
        if taken:
            peak = max(peak_headcount(room.id, b.start_at, b.end_at) for b in taken)
            if fields["capacity"] < peak:
                raise BookingError(f"已有时段预约了{peak}人，容量不能低于{peak}人。", "capacity")
    changed = sorted(name for name, value in fields.items() if name in ROOM_FIELDS and getattr(room, name) != value)
    for name in changed:
        setattr(room, name, fields[name])
    if changed:
        audit.record(actor_id, "room.edit", "room", room.id, None, None, changed=changed)
    db.session.commit()
    return room


def set_opening_hours(room_id: int, actor_id: int | None, hours: dict[int, tuple[time, time] | None]) -> Room:
    """Hours per weekday (0 = Monday); None closes that weekday."""
    room = get_room(room_id)
    if room is None:
        raise BookingError("场地不存在。")
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
    audit.record(actor_id, "room.hours", "room", room.id, None, None, hours=summary)
    db.session.commit()
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


def closures(upcoming_from: date | None = None) -> list[Closure]:
    stmt = select(Closure).order_by(Closure.start_date)
    if upcoming_from is not None:
        stmt = stmt.where(Closure.end_date >= upcoming_from)
    return list(db.session.scalars(stmt))


def add_closure(actor_id: int | None, *, room_id: int | None, start_date: date, end_date: date, reason: str) -> Closure:
    """Close a room (or all). Live bookings inside are not cancelled silently: they are named, and
    staff cancel them with a reason the bookers will read."""
    if end_date < start_date:
        raise BookingError("结束日期不能早于开始日期。", "end_date")
    if not reason.strip():
        raise BookingError("请填写原因。", "reason")
    closure = Closure(room_id=room_id, start_date=start_date, end_date=end_date, reason=reason.strip())
    db.session.add(closure)
    db.session.flush()
    audit.record(actor_id, "closure.create", "closure", closure.id, None, None, room_id=room_id,
                 start=start_date.isoformat(), end=end_date.isoformat(), reason=reason)  # fmt: skip
    db.session.commit()
    return closure


def bookings_in_closure(closure: Closure) -> list[Booking]:
    room_ids = [closure.room_id] if closure.room_id else [r.id for r in rooms(active_only=False)]
    start = datetime.combine(closure.start_date, time())
    end = datetime.combine(closure.end_date + timedelta(days=1), time())
    return bookings_between(room_ids, start, end, states=(PENDING, CONFIRMED))


def delete_closure(closure_id: int, actor_id: int | None) -> None:
    closure = db.session.get(Closure, closure_id)
    if closure is None:
        raise BookingError("闭馆安排不存在。")
    audit.record(actor_id, "closure.delete", "closure", closure.id, None, None, reason=closure.reason)
    db.session.delete(closure)
    db.session.commit()


def special_openings(upcoming_from: date | None = None) -> list[SpecialOpening]:
    stmt = select(SpecialOpening).order_by(SpecialOpening.day)
    if upcoming_from is not None:
        stmt = stmt.where(SpecialOpening.day >= upcoming_from)
    return list(db.session.scalars(stmt))


def add_special_opening(
    actor_id: int | None, *, room_id: int | None, day: date, opens: time, closes: time, reason: str
) -> SpecialOpening:
    if not reason.strip():
        raise BookingError("请填写原因。", "reason")
    special = SpecialOpening(room_id=room_id, day=day, opens=opens, closes=closes, reason=reason.strip())
    db.session.add(special)
    db.session.flush()
    audit.record(actor_id, "special_opening.create", "special_opening", special.id, None, None,
                 day=day.isoformat(), reason=reason)  # fmt: skip
    db.session.commit()
    return special


def delete_special_opening(special_id: int, actor_id: int | None) -> None:
    special = db.session.get(SpecialOpening, special_id)
    if special is None:
        raise BookingError("调休开放安排不存在。")
    audit.record(actor_id, "special_opening.delete", "special_opening", special.id, None, None)
    db.session.delete(special)
    db.session.commit()


def import_public_holidays(year: int, actor_id: int | None, opens: time = time(8, 30), closes: time = time(21, 0)):
    """Statutory holidays of ``year`` as closures of all rooms, and make-up working days (调休上班)
    as special openings, from the chinese-calendar tables. Dates already entered are kept."""
    holidays = chinese_calendar.get_holidays(date(year, 1, 1), date(year, 12, 31), include_weekends=False)
    by_name: dict[str, list[date]] = {}
    for day in holidays:
        _on_holiday, name = chinese_calendar.get_holiday_detail(day)
        if name:
            by_name.setdefault(chinese_calendar.Holiday(name).chinese, []).append(day)
    added_closures = []
    for name, days in by_name.items():
        for run in _runs(sorted(days)):
            if not closures_between(None, run[0], run[-1]):
                added_closures.append(add_closure(actor_id, room_id=None, start_date=run[0], end_date=run[-1], reason=name))
    added_openings = []
    workdays = [d for d in chinese_calendar.get_workdays(date(year, 1, 1), date(year, 12, 31)) if d.weekday() >= 5]
    for day in workdays:
        if not db.session.scalar(select(SpecialOpening.id).where(SpecialOpening.day == day)):
            added_openings.append(
                add_special_opening(actor_id, room_id=None, day=day, opens=opens, closes=closes, reason="调休上班")
            )
    return added_closures, added_openings


def _runs(days: list[date]) -> list[list[date]]:
    runs: list[list[date]] = []
    for day in days:
        if runs and runs[-1][-1] + timedelta(days=1) == day:
            runs[-1].append(day)
        else:
            runs.append([day])
    return runs


#: Room photos are re-encoded to this size at most: enough for a page, small enough for phones.
PHOTO_MAX_SIDE = 1600
PHOTO_MAX_BYTES = 8 * 1024 * 1024


def photo_dir() -> Path:
    """instance/room_photos, unless HUB_FACILITIES_PHOTO_DIR names another folder."""
    configured = current_app.config.get("FACILITIES_PHOTO_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "room_photos"


def photo_path(room: Room) -> Path | None:
    return photo_dir() / room.photo if room.photo else None


def set_photo(room_id: int, actor_id: int | None, data: bytes) -> Room:
    """Store an uploaded photo as a fresh JPEG: whatever was uploaded, only pixels are kept
    (no scripts, no EXIF location), under a name the uploader does not choose."""
    room = get_room(room_id)
    if room is None:
        raise BookingError("场地不存在。")
    if len(data) > PHOTO_MAX_BYTES:
        raise BookingError("照片不能超过8MB。", "photo")
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            picture = image.convert("RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise BookingError("无法识别的图片，请上传 JPG 或 PNG 照片。", "photo") from None
    picture.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
    photo_dir().mkdir(parents=True, exist_ok=True)
    old = photo_path(room)
    name = f"room-{room.id}-{int(clock.now().timestamp())}.jpg"
    picture.save(photo_dir() / name, "JPEG", quality=85)
    room.photo = name
    audit.record(actor_id, "room.photo", "room", room.id, None, None)
    db.session.commit()
    if old is not None and old.name != name:
        old.unlink(missing_ok=True)
    return room


def remove_photo(room_id: int, actor_id: int | None) -> Room:
    room = get_room(room_id)
    if room is None:
        raise BookingError("场地不存在。")
    old = photo_path(room)
    room.photo = None
    audit.record(actor_id, "room.photo_removed", "room", room.id, None, None)
    db.session.commit()
    if old is not None:
        old.unlink(missing_ok=True)
    return room
