"""/admin/notifications: the outbox as admins see it — what was sent, what waits, what failed and
why — and the button that sends a failed message again."""

from flask import request, url_for
from flask_login import current_user
from sqlalchemy import select

from hubapp import actions
from hubapp.blueprints.auth.roles import admin_required
from hubapp.blueprints.notify import bp, services
from hubapp.blueprints.notify.models import CHANNELS, OUTBOX_STATES, OutboxMessage
from hubapp.extensions import db
from hubapp.htmx import render
from hubapp.params import page_of

_STATE_FILTERS = {
    "waiting": (OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None)),
    "sent": (OutboxMessage.sent_at.is_not(None), OutboxMessage.recorded_only.is_(False)),
    "recorded": (OutboxMessage.sent_at.is_not(None), OutboxMessage.recorded_only.is_(True)),
    "failed": (OutboxMessage.failed_at.is_not(None),),
}


@bp.get("/admin/notifications")
@admin_required
def outbox():
    filters = {"state": request.args.get("state", ""), "channel": request.args.get("channel", "")}
    stmt = select(OutboxMessage).order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
    if filters["state"] in _STATE_FILTERS:
        stmt = stmt.where(*_STATE_FILTERS[filters["state"]])
    else:
        filters["state"] = ""
    if filters["channel"] in CHANNELS:
        stmt = stmt.where(OutboxMessage.channel == filters["channel"])
    else:
        filters["channel"] = ""
    return render(
        "notify/outbox.html",
        "notify/_outbox_rows.html",
        page=page_of(stmt),
        filters=filters,
        states=OUTBOX_STATES,
        channels=CHANNELS,
    )


@bp.post("/admin/notifications/<int:message_id>/retry")
@admin_required
def retry(message_id: int):
    message = db.get_or_404(OutboxMessage, message_id)
    back = url_for("notify.outbox", state="failed")
    outcome = actions.attempt(lambda: services.retry(current_user, message))
    if not outcome.ok:
        return actions.refused(outcome.message, back)
    return actions.done(f"通知 #{message.id} 已重新排队，发送程序下次运行时发送。", back)
