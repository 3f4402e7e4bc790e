"""/admin/notifications: the outbox as admins see it — what was sent, what waits, what failed and
why — and the button that sends a failed message again. /account/notifications: each person's
choice of the optional messages."""

from flask import request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from hubapp import actions
from hubapp.blueprints.auth.roles import admin_required
from hubapp.blueprints.notify import bp, preferences, services
from hubapp.blueprints.notify.forms import PreferencesForm
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


@bp.route("/account/notifications", methods=["GET", "POST"])
@login_required
def my_preferences():
    user = current_user._get_current_object()
    if request.method == "GET":
        chosen = preferences.choices_of(user)
        form = PreferencesForm(data=vars(chosen))
        return _preferences_page(form)
    form = PreferencesForm()
    chosen = preferences.Choices(
        sms_demand_answers=form.sms_demand_answers.data,
        email_staff_messages=form.email_staff_messages.data,
        email=form.email.data or "",
    )
    outcome = actions.submit(form, lambda: preferences.save(user, chosen))
    if not outcome.ok:
        return _preferences_page(form, outcome.status)
    return actions.done("通知设置已保存。", url_for("notify.my_preferences"))


def _preferences_page(form: PreferencesForm, status: int = 200):
    user = current_user._get_current_object()
    return render(
        "notify/preferences.html",
        form=form,
        may_email=preferences.may_email(user),
        may_silence_sms=preferences.may_silence_sms(user),
        has_phone=bool(user.phone),
        status=status,
    )
