"""Who hears of a public room request (an enterprise's, from /book): the centre's staff robot when
it arrives and waits for approval, and when the requester withdraws it; the requester by SMS,
with its private link, when it is approved or rejected (with the reason — a request nobody
answered before its start is rejected with that as its reason).

``bookings`` queues them in the unit of work of the change: a request refused, or an approval
that loses its race, tells nobody. Staff's own bookings, sessions' and meetings' holds tell nobody."""

from flask import current_app

from hubapp.blueprints.facilities.models import CONFIRMED, PENDING, REJECTED, Booking
from hubapp.blueprints.notify.outbox import Message, queue
from hubapp.formatting import chinese_datetime

PUBLIC = "public"


def _slot(booking: Booking) -> str:
    return f"{booking.room.name}（{chinese_datetime(booking.start_at)}–{booking.end_at:%H:%M}）"


def created(booking: Booking) -> None:
    if booking.source != PUBLIC or booking.status != PENDING:
        return
    queue(
        Message(
            "wecom", current_app.config["NOTIFY_STAFF_WEBHOOK"],
            f"新场地预约申请：{booking.holder_name}“{booking.title}”，{_slot(booking)}，请审核。",
            "booking.requested", "booking", booking.id, f"/facilities/bookings/{booking.id}",
        )
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


def withdrawn(booking: Booking, old: str) -> None:
    """The requester called off its request from its private link: staff see the slot free again."""
    queue(
        Message(
            "wecom", current_app.config["NOTIFY_STAFF_WEBHOOK"],
            f"场地预约已由申请人撤回：{booking.holder_name}“{booking.title}”，{_slot(booking)}"
            f"（原为{'待审核' if old == PENDING else '已确认'}）。",
            "booking.withdrawn", "booking", booking.id, f"/facilities/bookings/{booking.id}",
        )
    )  # fmt: skip
