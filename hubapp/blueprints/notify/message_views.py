"""/messages: the in-app channel — what the outbox told this user, newest first, unread marked —
and the header's unread count and the menu's to-do badges, for every page."""

from flask import redirect, url_for
from flask_login import current_user

from hubapp import actions
from hubapp.blueprints.auth.roles import ALL_ROLES, roles_required
from hubapp.blueprints.notify import bp, inbox
from hubapp.errors import chinese_abort
from hubapp.htmx import render
from hubapp.params import page_of
from hubapp.security import safe_next


@bp.app_context_processor
def header_counts():
    """Functions, not numbers: the queries run only where base.html draws the header for a user."""

    def unread_messages() -> int:
        return inbox.unread_count(current_user) if current_user.is_authenticated else 0

    def nav_counts() -> dict[str, int]:
        # Imported when asked: ``todo`` reads every domain, and every domain imports notify.
        from hubapp.blueprints.notify import todo

        return todo.nav_counts(current_user) if current_user.is_authenticated else {}

    return {"unread_messages": unread_messages, "nav_counts": nav_counts}


@bp.get("/messages")
@roles_required(*ALL_ROLES)
def messages():
    return render(
        "notify/messages.html",
        "notify/_message_rows.html",
        page=page_of(inbox.messages_query(current_user)),
        unread=inbox.unread_count(current_user),
    )


@bp.post("/messages/<int:message_id>/open")
@roles_required(*ALL_ROLES)
def open_message(message_id: int):
    """Mark the message read and go where it points (back to the list when it points nowhere)."""
    message = inbox.own_message(current_user, message_id)
    if message is None:
        chinese_abort(404, "没有这条消息。")
    outcome = actions.attempt(lambda: inbox.mark_read(current_user, message))
    back = url_for("notify.messages")
    if not outcome.ok:
        return actions.refused(outcome.message, back)
    # No flash: the page the message points to is what the user asked for.
    return redirect(safe_next(message.link_path) if message.link_path else back, 303)


@bp.post("/messages/read-all")
@roles_required(*ALL_ROLES)
def read_all():
    outcome = actions.attempt(lambda: inbox.mark_all_read(current_user))
    back = url_for("notify.messages")
    if not outcome.ok:
        return actions.refused(outcome.message, back)
    return actions.done(f"已将 {outcome.value} 条消息标为已读。" if outcome.value else "没有未读消息。", back)
