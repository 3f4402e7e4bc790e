"""Queue a message: ``queue(...)`` adds it to the outbox in the caller's transaction (atomic() owns
it), so that a change that rolls back sends nothing, and a sender that is down loses nothing. The
users a message names (``users``) also find it in the app, on /messages: the in-app channel, written
in the same transaction, needs no sender.

The texts are short and Chinese; the link, when there is one, is absolute (HUB_PUBLIC_BASE_URL),
since it is read on a phone, far from the app."""

import hashlib
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from hubapp import clock, qr
from hubapp.blueprints.notify.models import InboxMessage, OutboxMessage
from hubapp.extensions import db


@dataclass(frozen=True)
class Message:
    """What one event says to one recipient."""

    channel: str  # "wecom", "sms" or "email"
    recipient: str  # a mobile, a robot's webhook URL, or an e-mail address
    text: str
    event: str  # "demand.transferred"
    object_type: str
    object_id: object
    link_path: str | None = None  # an address of the app: "/e/demands/…"
    mentions: tuple[str, ...] = ()
    #: What makes a second message of the same event for the same recipient a new one (a session
    #: changed twice is two messages); empty when the event happens once per record.
    occasion: str = ""
    #: The accounts that also read it in the app: a robot's group and an SMS reach people the
    #: app knows only by their account.
    users: tuple[int, ...] = ()


def queue(message: Message) -> OutboxMessage | None:
    """Add ``message`` to the outbox, unless it has no recipient (no mobile given, no robot set up)
    or the same event was already queued for the same recipient; and to the inbox of each of its
    ``users``, whatever its channel. Flushes, never commits."""
    _deliver_in_app(message)
    recipient = (message.recipient or "").strip()
    if not recipient:
        return None
    key = _dedupe_key(message, recipient)
    if _queued(key):
        return None
    now = clock.now()
    link = qr.public_url(message.link_path) if message.link_path else None
    text = message.text if link is None else f"{message.text} {link}"
    row = OutboxMessage(
        channel=message.channel,
        recipient=recipient,
        mentions=",".join(m for m in message.mentions if m),
        text=text,
        link=link,
        event=message.event,
        object_type=message.object_type,
        object_id=str(message.object_id),
        dedupe_key=key,
        created_at=now,
        due_at=allowed_from(message.channel, now),
        attempts=0,
    )
    try:
        # A savepoint: when another transaction (a second sender's reminders) queued the same
        # message since the check above, the unique key refuses ours and the caller's change goes on.
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        return None
    return row


def tell_staff(
    text: str, event: str, object_type: str, object_id: object, link_path: str | None = None, occasion: str = "",
    users: tuple[int, ...] | None = None,
) -> None:
    """A message for the centre's staff: their robot (NOTIFY_STAFF_WEBHOOK), an e-mail to each
    staff member who asked for one (``preferences``), and the app's inbox of ``users`` — by
    default every staff member and admin in service."""
    from hubapp.blueprints.notify import inbox, preferences

    common = dict(text=text, event=event, object_type=object_type, object_id=object_id, link_path=link_path,
                  occasion=occasion)  # fmt: skip
    readers = inbox.staff_ids() if users is None else users
    queue(Message("wecom", current_app.config["NOTIFY_STAFF_WEBHOOK"], users=readers, **common))
    for address in preferences.staff_email_addresses():
        queue(Message("email", address, **common))


def _deliver_in_app(message: Message) -> None:
    # One event reaches a user once in the app, whichever channels carried it outside.
    key = f"{message.event}:{message.object_type}:{message.object_id}:{message.occasion}"[:200]
    now = clock.now()
    for user_id in dict.fromkeys(message.users):
        if db.session.scalar(
            select(InboxMessage.id).where(InboxMessage.user_id == user_id, InboxMessage.dedupe_key == key)
        ):
            continue
        row = InboxMessage(
            user_id=user_id, text=message.text, link_path=message.link_path, event=message.event,
            object_type=message.object_type, object_id=str(message.object_id), dedupe_key=key, created_at=now,
        )  # fmt: skip
        try:
            # As for the outbox: a concurrent transaction that delivered it first wins, quietly.
            with db.session.begin_nested():
                db.session.add(row)
        except IntegrityError:
            continue


def _queued(key: str) -> bool:
    return db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == key)) is not None


def _dedupe_key(message: Message, recipient: str) -> str:
    key = f"{message.event}:{message.object_type}:{message.object_id}:{message.occasion}:{message.channel}:{recipient}"
    # A robot's URL is long; the key only has to tell recipients apart.
    return key if len(key) <= 200 else key[:150] + ":" + hashlib.sha1(key.encode()).hexdigest()


def allowed_from(channel: str, at: datetime) -> datetime:
    """The first moment from ``at`` that a message of ``channel`` may be sent: SMS wait for the
    morning outside NOTIFY_SMS_HOURS (08:00–21:00 unless configured); robots post at any time."""
    if channel != "sms":
        return at
    start, end = (_hhmm(part) for part in current_app.config["NOTIFY_SMS_HOURS"].split("-"))
    if start <= at.time() < end:
        return at
    day = at.date() if at.time() < start else at.date() + timedelta(days=1)
    return datetime.combine(day, start)


def _hhmm(text: str) -> time:
    hours, minutes = text.strip().split(":")
    return time(int(hours), int(minutes))
