"""The sender: takes the due messages of the outbox and sends them, one commit per step.

A message is first *claimed* — one conditional ``UPDATE … WHERE claimed_until IS NULL OR
claimed_until < now`` (after ``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL, so that two
senders look at different rows) — and the claim committed, so that a second sender running at the
same time (on another host) leaves it alone; a sender that dies while sending loses its claim when
the lease runs out, and the message is sent again: delivery is at least once. No transaction is
open while the network is asked.

Failures wait 1, 2, 4 … minutes; after NOTIFY_MAX_ATTEMPTS tries, or when the gateway says the
number can never receive, the message is marked failed with the answer kept, for an admin to see
and retry. A robot gets at most NOTIFY_WECOM_PER_MINUTE messages a minute, counted from the
outbox itself (so a restart does not forget them): the next one waits for the minute to pass.
"""

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, or_, select, update

from hubapp import clock
from hubapp.blueprints.notify import channels
from hubapp.blueprints.notify.models import OutboxMessage
from hubapp.blueprints.notify.outbox import allowed_from
from hubapp.database import atomic
from hubapp.extensions import db

log = logging.getLogger(__name__)
#: How long a claim holds: far longer than one send (10 s timeout), so that only a dead sender loses it.
LEASE = timedelta(minutes=5)
PACING_WINDOW = timedelta(minutes=1)


@dataclass
class Tally:
    sent: int = 0
    recorded: int = 0
    retrying: int = 0
    failed: int = 0
    paced: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Claimed:
    id: int
    channel: str
    recipient: str
    mentions: list[str]
    text: str
    attempts: int


class Sender:
    """One sender; ``now`` is injected so that tests move the clock instead of sleeping."""

    def __init__(self, now: Callable[[], datetime] | None = None):
        self.now = now or clock.now
        self.token = secrets.token_hex(8)

    def send_due(self, batch: int = 100) -> Tally:
        """Queue what the clock makes due (each domain's ``notices_due``), then send what is due
        now, batch after batch, until nothing is left that this sender may send."""
        for notices_due in current_app.extensions["hub_notices_due"]:
            with atomic():
                notices_due(self.now())
        tally = Tally()
        while True:
            claimed = self._claim(batch)
            for message in claimed:
                self._deliver(message, tally)
            if len(claimed) < batch:
                return tally

    def _claim(self, batch: int) -> list[_Claimed]:
        with atomic():
            now = self.now()
            takeable = or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now)
            pending = (OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None))
            stmt = (
                select(OutboxMessage.id)
                .where(*pending, OutboxMessage.due_at <= now, takeable)
                .order_by(OutboxMessage.due_at, OutboxMessage.id)
                .limit(batch)
            )
            if db.session.get_bind().dialect.name == "postgresql":
                stmt = stmt.with_for_update(skip_locked=True)
            ids = list(db.session.scalars(stmt))
            taken = []
            for message_id in ids:
                result = db.session.execute(
                    update(OutboxMessage)
                    .where(OutboxMessage.id == message_id, *pending, takeable)
                    .values(claimed_until=now + LEASE, claim_token=self.token)
                )
                if result.rowcount == 1:
                    taken.append(message_id)
            rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(taken)).order_by(OutboxMessage.id))
            return [
                _Claimed(r.id, r.channel, r.recipient, [m for m in r.mentions.split(",") if m], r.text, r.attempts)
                for r in rows
            ]

    def _deliver(self, message: _Claimed, tally: Tally) -> None:
        config = current_app.config
        live = {
            "wecom": config["NOTIFY_WECOM_SEND"],
            "sms": config["NOTIFY_SMS_SEND"],
            "email": bool(config["NOTIFY_SMTP_HOST"]),
        }[message.channel]
        if not live:
            self._finish(message, sent=True, recorded=True)
            tally.recorded += 1
            return
        if message.channel == "wecom":
            free_at = self._robot_free_at(message.recipient)
            if free_at is not None:
                self._postpone(message, free_at)
                tally.paced += 1
                return
            delivery = channels.send_wecom(message.recipient, message.text, message.mentions)
        elif message.channel == "sms":
            delivery = channels.send_sms(message.recipient, message.text)
        else:
            delivery = channels.send_email(message.recipient, message.text)
        if delivery.ok:
            self._finish(message, sent=True)
            tally.sent += 1
            return
        gave_up = delivery.permanent or message.attempts + 1 >= config["NOTIFY_MAX_ATTEMPTS"]
        self._finish(message, sent=False, error=delivery.error, give_up=gave_up)
        tally.errors.append(f"#{message.id} {delivery.error}")
        if gave_up:
            tally.failed += 1
        else:
            tally.retrying += 1

    def _robot_free_at(self, url: str) -> datetime | None:
        """None when the robot may take one more message now, else when it may."""
        with atomic():
            since = self.now() - PACING_WINDOW
            recent = (
                OutboxMessage.channel == "wecom",
                OutboxMessage.recipient == url,
                OutboxMessage.recorded_only.is_(False),
                OutboxMessage.sent_at > since,
            )
            count, oldest = db.session.execute(
                select(func.count(), func.min(OutboxMessage.sent_at)).where(*recent)
            ).one()
        if count < current_app.config["NOTIFY_WECOM_PER_MINUTE"]:
            return None
        return oldest + PACING_WINDOW

    def _mine(self, message: _Claimed):
        return update(OutboxMessage).where(OutboxMessage.id == message.id, OutboxMessage.claim_token == self.token)

    def _postpone(self, message: _Claimed, due_at: datetime) -> None:
        with atomic():
            db.session.execute(self._mine(message).values(due_at=due_at, claimed_until=None, claim_token=None))

    def _finish(self, message: _Claimed, *, sent: bool, recorded: bool = False, error: str = "", give_up=False):
        now = self.now()
        values: dict = {"attempts": message.attempts + (0 if recorded else 1), "claimed_until": None, "claim_token": None}
        if sent:
            values.update(sent_at=now, recorded_only=recorded)
        elif give_up:
            values.update(failed_at=now, last_error=error)
        else:
            wait = timedelta(minutes=2**message.attempts)
            values.update(due_at=allowed_from(message.channel, now + wait), last_error=error)
        with atomic():
            result = db.session.execute(self._mine(message).values(**values))
        if result.rowcount != 1:
            # Our lease ran out during the send and another sender took the message over: it will
            # be sent by that one as well (at least once), and its outcome is the one kept.
            log.warning("outbox message %s was taken over by another sender", message.id)
