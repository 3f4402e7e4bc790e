"""The outbox: every message the centre sends, written in the same transaction as the change that
causes it, and drained by the sender (``flask --app wsgi hub notify``)."""

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from hubapp.extensions import db

#: How a message leaves: a 企业微信 group robot (recipient: its webhook URL), an SMS (a mobile) or an
#: e-mail (an address; only staff who asked for it, when the site configured SMTP).
CHANNELS = {"wecom": "企业微信群机器人", "sms": "短信", "email": "电子邮件"}
#: What the admin page filters by; computed from the time columns, never stored twice.
OUTBOX_STATES = {"waiting": "待发送", "sent": "已发送", "recorded": "仅记录", "failed": "发送失败"}


class OutboxMessage(db.Model):
    __tablename__ = "outbox"
    __table_args__ = (
        CheckConstraint("channel IN ('wecom', 'sms', 'email')", name="channel_known"),
        # What the sender asks again and again: the messages not yet sent nor given up, by due time.
        Index("ix_outbox_pending", "sent_at", "failed_at", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(10))
    #: A mobile for SMS; the robot's webhook URL for 企业微信; an address for e-mail.
    recipient: Mapped[str] = mapped_column(String(500))
    #: Mobiles a robot message @-mentions, comma-separated (the department's liaison).
    mentions: Mapped[str] = mapped_column(String(200), default="")
    text: Mapped[str] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(500))
    #: The event that caused it ("demand.transferred") and the record it is about.
    event: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str] = mapped_column(String(40))
    #: The same event is never queued twice for the same recipient: at-least-once delivery
    #: starts from exactly-once queueing.
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    #: Not before this time: quiet hours for SMS, the backoff after a failure.
    due_at: Mapped[datetime] = mapped_column(DateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    #: A sender that took the message holds it until then; another sender leaves it alone, and
    #: takes it over only if the first died while sending.
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime)
    claim_token: Mapped[str | None] = mapped_column(String(32))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: True when the channel only recorded the message (demo, tests): nothing left the machine.
    recorded_only: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: The gateway's or robot's answer to the last try that failed.
    last_error: Mapped[str | None] = mapped_column(Text)

    @property
    def state(self) -> str:
        if self.failed_at is not None:
            return "failed"
        if self.sent_at is not None:
            return "recorded" if self.recorded_only else "sent"
        return "waiting"

    @property
    def state_label(self) -> str:
        return OUTBOX_STATES[self.state]

    @property
    def channel_label(self) -> str:
        return CHANNELS[self.channel]

    @property
    def recipient_shown(self) -> str:
        """A robot's URL carries its key: the page shows where it goes, not the key."""
        if self.channel == "wecom" and "key=" in self.recipient:
            return self.recipient.split("key=", 1)[0] + "key=" + self.recipient.split("key=", 1)[1][:4] + "…"
        return self.recipient


class NoticePreference(db.Model):
    """What one person chose to receive of the optional messages. No row: the defaults (SMS of
    demand answers on, e-mail off). What the process needs — a liaison's transferred demand, a
    deadline — has no switch here."""

    __tablename__ = "notice_preference"
    __table_args__ = (
        CheckConstraint("NOT email_staff_messages OR email IS NOT NULL", name="email_needs_address"),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True)
    #: A grid worker's SMS when a demand they registered is answered (they also see it in the app).
    sms_demand_answers: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    #: Staff: the messages of the centre's staff robot, also by e-mail to ``email``.
    email_staff_messages: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    email: Mapped[str | None] = mapped_column(String(254))

class InboxMessage(db.Model):
    """The in-app channel: one row per user an event concerns (a liaison, a staff member, a grid
    worker), written by ``outbox.queue`` in the transaction of the change, read on /messages."""

    __tablename__ = "inbox_message"
    __table_args__ = (
        # The same event reaches the same user once, however often its notice is queued again.
        UniqueConstraint("user_id", "dedupe_key", name="uq_inbox_message_user_event"),
        # What the header asks on every page: the user's unread messages.
        Index("ix_inbox_message_unread", "user_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    text: Mapped[str] = mapped_column(Text)
    #: An address of the app ("/demands/7"): the message is read inside it, so never absolute.
    link_path: Mapped[str | None] = mapped_column(String(500))
    event: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str] = mapped_column(String(40))
    dedupe_key: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    read_at: Mapped[datetime | None] = mapped_column(DateTime)

    @property
    def unread(self) -> bool:
        return self.read_at is None
