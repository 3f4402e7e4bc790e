"""What admins do with the outbox: send a failed message again."""

from sqlalchemy import update

from hubapp import audit, clock
from hubapp.blueprints.auth.roles import Role
from hubapp.blueprints.notify.models import OutboxMessage
from hubapp.extensions import db
from hubapp.rules import Conflict, NotAllowed


def retry(actor, message: OutboxMessage) -> OutboxMessage:
    """Put a failed message back in the queue, due now, with its tries counted afresh."""
    if actor is None or actor.role != Role.ADMIN:
        raise NotAllowed("只有管理员可以重新发送通知。")
    error = message.last_error
    moved = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message.id, OutboxMessage.failed_at.is_not(None))
        .values(failed_at=None, attempts=0, due_at=clock.now(), claimed_until=None, claim_token=None)
    )
    if moved.rowcount != 1:
        raise Conflict("这条通知已不是发送失败状态（可能已有人重新发送），页面已刷新。")
    audit.record(
        audit.actor_id(actor), "outbox.retry", "outbox", message.id, "failed", "waiting",
        channel=message.channel, last_error=error,
    )  # fmt: skip
    db.session.refresh(message)
    return message
