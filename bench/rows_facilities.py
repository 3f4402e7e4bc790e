"""Facilities: the week view and the day timeline with 20,000 bookings in the table, then with
200,000. The pages read bookings through ix_booking_room_window bounded to the window on
screen, so their cost should follow the bookings in view, not the size of the table."""

from datetime import datetime, time, timedelta

from sqlalchemy import func, insert, select

from bench.api import HttpRow, Prepare
from hubapp import clock
from hubapp.blueprints.facilities.models import CANCELLED, CHECKED_IN, NO_SHOW, Booking, Room
from hubapp.extensions import db

#: Runs after the other modules' rows: it grows the bookings table to 200,000.
ORDER = 90

#: Hourly slots a history day is filled with, per room (rooms open 08:30–21:00 in the demo).
SLOTS = [time(h, 30) for h in range(8, 20)]


def _fill_history(total: int) -> None:
    """Add past bookings until the table holds ``total``, walking back a day at a time from a
    month before today (so the demo fortnight stays as it is), newest first: the overlap trigger
    then only ever meets the few bookings of the day it checks."""
    have = db.session.scalar(select(func.count(Booking.id)))
    if have >= total:
        return
    rooms = list(db.session.scalars(select(Room).order_by(Room.id)))
    oldest = db.session.scalar(select(func.min(Booking.start_at)))
    day = min(oldest.date() if oldest else clock.today(), clock.today() - timedelta(days=30)) - timedelta(days=1)
    created = clock.now()
    batch: list[dict] = []
    while have + len(batch) < total:
        for room in rooms:
            for slot in reversed(SLOTS):
                if have + len(batch) >= total:
                    break
                start = datetime.combine(day, slot)
                # Mostly used, some missed or called off, as in a real year.
                roll = (start.toordinal() * 7 + slot.hour * 13 + room.id) % 20
                status = NO_SHOW if roll == 0 else CANCELLED if roll == 1 else CHECKED_IN
                batch.append(
                    {
                        "room_id": room.id, "exclusive": room.is_exclusive, "start_at": start,
                        "end_at": start + timedelta(minutes=50), "title": "历史预约", "headcount": 1,
                        "status": status, "source": "staff", "created_at": created,
                        "checked_in_at": start if status == CHECKED_IN else None,
                    }
                )  # fmt: skip
        day -= timedelta(days=1)
        if len(batch) >= 5000:
            db.session.execute(insert(Booking), batch)
            have += len(batch)
            batch = []
    if batch:
        db.session.execute(insert(Booking), batch)


def rows(app):
    today = clock.today().isoformat()
    activity = db.session.scalar(select(Room.id).where(Room.name == "文化活动室")) or 1
    return [
        Prepare("场地预约：历史预约补足到 2 万条", lambda: _fill_history(20_000)),
        HttpRow("场地周视图（文化活动室，表内2万条预约）", f"/facilities/rooms/{activity}/week?date={today}", user="staff"),
        HttpRow("场地日程（全部场地，表内2万条预约）", f"/facilities/?date={today}", user="staff"),
        Prepare("场地预约：历史预约补足到 20 万条", lambda: _fill_history(200_000)),
        HttpRow("场地周视图（文化活动室，表内20万条预约）", f"/facilities/rooms/{activity}/week?date={today}", user="staff"),
        HttpRow("场地日程（全部场地，表内20万条预约）", f"/facilities/?date={today}", user="staff"),
    ]
