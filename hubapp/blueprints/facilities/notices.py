"""Who hears of a public room request (an enterprise's, from /book): the centre's staff robot when
it arrives and waits for approval, and when the requester withdraws it; the requester by SMS,
with its private link, when it is approved or rejected (with the reason — a request nobody
answered before its start is rejected with that as its reason).

``bookings`` queues them in the unit of work of the change: a request refused, or an approval
that loses its race, tells nobody. Staff's own bookings, sessions' and meetings' holds tell nobody.

The day before an approved request, the requester is reminded by SMS of the time, the room and the
centre's address; the sender asks for it before each round (``reminders_due``)."""

from datetime import datetime, time, timedelta

from flask import current_app
from sqlalchemy import select

from hubapp.blueprints.facilities.models import CONFIRMED, PENDING, REJECTED, Booking
from hubapp.blueprints.notify.outbox import Message, queue, tell_staff
from hubapp.extensions import db
from hubapp.formatting import chinese_datetime, quoted

PUBLIC = "public"


def _slot(booking: Booking) -> str:
    return f"{booking.room.name}（{chinese_datetime(booking.start_at)}–{booking.end_at:%H:%M}）"


def created(booking: Booking) -> None:
    if booking.source != PUBLIC or booking.status != PENDING:
        return
    tell_staff(
        f"新场地预约申请：{booking.holder_name}{quoted(booking.title)}，{_slot(booking)}，请审核。",
        "booking.requested", "booking", booking.id, f"/facilities/bookings/{booking.id}",
    )  # fmt: skip


def requester_page(booking: Booking) -> str | None:
    """The requester's private page of the request, where they see its state and may withdraw it."""
    return f"/e/bookings/{booking.follow_token}" if booking.follow_token else None


def status_changed(booking: Booking, old: str, new: str, phone: str | None) -> None:
    if booking.source != PUBLIC or old != PENDING or new not in (CONFIRMED, REJECTED):
        return
    if new == CONFIRMED:
        text, event = f"您申请的{_slot(booking)}已通过审核，请按时使用。", "booking.approved"
    else:
        text, event = f"您申请的{_slot(booking)}未获批准：{booking.status_reason}。", "booking.rejected"
    queue(Message("sms", phone or "", text, event, "booking", booking.id, requester_page(booking)))


def reminders_due(now: datetime, phone_of) -> None:
    """``phone_of(booking)`` is the requester's mobile (``bookings.booker_phone``)."""
    tomorrow = datetime.combine(now.date() + timedelta(days=1), time())
    approved = db.session.scalars(
        select(Booking)
        .where(
            Booking.source == PUBLIC,
            Booking.status == CONFIRMED,
            Booking.start_at >= tomorrow,
            Booking.start_at < tomorrow + timedelta(days=1),
        )
        .order_by(Booking.start_at, Booking.id)
    )
    address = current_app.config["CENTRE_ADDRESS"]
    for booking in approved.all():
        text = (
            f"提醒：您预约的{booking.room.name}明天{booking.start_at:%H:%M}–{booking.end_at:%H:%M}使用"
            f"（{quoted(booking.title)}），地点：{address}，请按时到场签到。"
        )
        # A booking moved to another day is reminded again for its new day.
        queue(Message("sms", phone_of(booking) or "", text, "booking.reminder", "booking", booking.id,
                      requester_page(booking), occasion=booking.start_at.isoformat()))  # fmt: skip


def withdrawn(booking: Booking, old: str) -> None:
    """The requester called off its request from its private link: staff see the slot free again."""
    tell_staff(
        f"场地预约已由申请人撤回：{booking.holder_name}{quoted(booking.title)}，{_slot(booking)}"
        f"（原为{'待审核' if old == PENDING else '已确认'}）。",
        "booking.withdrawn", "booking", booking.id, f"/facilities/bookings/{booking.id}",
    )  # fmt: skip
