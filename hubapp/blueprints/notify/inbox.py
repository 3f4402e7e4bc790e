"""The in-app channel as its readers see it: who a notice reaches in the app, a user's messages on
/messages, the unread count in the header, and marking them read.

Marking read is the reader's own state, one conditional UPDATE each: two tabs marking the same
message read at once both succeed, and the first time is kept."""

from sqlalchemy import func, select, update

from hubapp import audit, clock
from hubapp.blueprints.auth.models import User
from hubapp.blueprints.auth.roles import STAFF_ROLES, Role
from hubapp.blueprints.notify.models import InboxMessage
from hubapp.extensions import db


def staff_ids() -> tuple[int, ...]:
    """The centre's staff and admins in service: who reads what the centre's robot says."""
    return _active_ids(User.role.in_(STAFF_ROLES))


def admin_ids() -> tuple[int, ...]:
    return _active_ids(User.role == Role.ADMIN)


def _active_ids(condition) -> tuple[int, ...]:
    return tuple(db.session.scalars(select(User.id).where(condition, User.active.is_(True)).order_by(User.id)))


def messages_query(user):
    """The user's messages, the newest first."""
    return (
        select(InboxMessage)
        .where(InboxMessage.user_id == user.id)
        .order_by(InboxMessage.created_at.desc(), InboxMessage.id.desc())
    )


def unread_count(user) -> int:
    stmt = select(func.count(InboxMessage.id)).where(InboxMessage.user_id == user.id, InboxMessage.read_at.is_(None))
    return db.session.scalar(stmt) or 0


def own_message(user, message_id: int) -> InboxMessage | None:
    """``message_id`` if it is ``user``'s: another user's message is as good as missing."""
    message = db.session.get(InboxMessage, message_id)
    return message if message is not None and message.user_id == user.id else None


def mark_read(user, message: InboxMessage) -> InboxMessage:
    moved = db.session.execute(
        update(InboxMessage)
        .where(InboxMessage.id == message.id, InboxMessage.user_id == user.id, InboxMessage.read_at.is_(None))
        .values(read_at=clock.now())
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved:
        audit.record(audit.actor_id(user), "message.read", "inbox_message", message.id, "unread", "read")
    db.session.refresh(message)
    return message


def mark_all_read(user) -> int:
    """Every unread message of ``user`` read now; how many there were."""
    moved = db.session.execute(
        update(InboxMessage)
        .where(InboxMessage.user_id == user.id, InboxMessage.read_at.is_(None))
        .values(read_at=clock.now())
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved:
        audit.record(audit.actor_id(user), "message.read_all", "inbox_message", "all", "unread", "read", count=moved)
    return moved
