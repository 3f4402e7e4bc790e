"""Themed sessions (政策推送、银企对接、税企联动…), their host organisations, the year's theme plan,
sign-ups with a waitlist, and what came out of a session (financing matches).

Times are naive local time of the centre. Capacity is enforced by the database: a session's
``registered_count`` may never exceed its ``capacity`` (CHECK constraint), and a sign-up takes a
seat with one conditional UPDATE, so simultaneous sign-ups cannot overfill a session.
"""

import json
from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hubapp import clock
from hubapp.extensions import db

# Session kinds, in the order the centre lists them.
POLICY = "policy"
BANK = "bank"
TAX = "tax"
LEGAL = "legal"
TALENT = "talent"
THEME = "theme"
KINDS = {
    POLICY: "政策推送",
    BANK: "银企对接",
    TAX: "税企联动",
    LEGAL: "法律咨询",
    TALENT: "引才用工",
    THEME: "主题活动",
}

SCHEDULED = "scheduled"
CANCELLED = "cancelled"
SESSION_STATES = {SCHEDULED: "正常", CANCELLED: "已取消"}

# Registration states.
PENDING = "pending"
REGISTERED = "registered"
WAITLISTED = "waitlisted"
REG_CANCELLED = "cancelled"
REJECTED = "rejected"
WALK_IN = "walk_in"
REGISTRATION_STATES = {
    PENDING: "待审核",
    REGISTERED: "已报名",
    WAITLISTED: "候补",
    REG_CANCELLED: "已取消",
    REJECTED: "未通过",
    WALK_IN: "现场登记",
}
#: States whose holder is expected at the door (and appears on the sign-in sheet).
ATTENDING_STATES = (REGISTERED, WALK_IN)

HOST_KINDS = {
    "department": "政府部门",
    "bank": "银行",
    "tax": "税务机关",
    "law": "律师事务所",
    "other": "其他机构",
}

INTENTION = "intention"
APPROVED = "approved"
GRANTED = "granted"
FINANCING_STATES = {INTENTION: "意向", APPROVED: "审批通过", GRANTED: "已放款"}
FINANCING_ORDER = [INTENTION, APPROVED, GRANTED]

#: The largest amount in 万元 a form takes; the columns (Numeric(12, 2)) hold a little more.
MAX_WAN = 9999999
AMOUNT_MESSAGE = f"请填写0.01至{MAX_WAN}之间的金额（万元）。"


class HostOrganisation(db.Model):
    """Who hosts a session: a department, a bank, the tax branch… reused across sessions."""

    __tablename__ = "session_host"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(12), default="other")
    #: Set when the host is one of the joint meeting's member units.
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    contact_name: Mapped[str | None] = mapped_column(String(40))
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    department = relationship("Department")

    @property
    def kind_label(self) -> str:
        return HOST_KINDS.get(self.kind, self.kind)


class ThemePlan(db.Model):
    """一月一主题: the theme of one month of one year."""

    __tablename__ = "session_theme"
    __table_args__ = (
        UniqueConstraint("year", "month"),
        CheckConstraint("month BETWEEN 1 AND 12", name="month_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    theme: Mapped[str] = mapped_column(String(100))
    notes: Mapped[str | None] = mapped_column(Text)


class Session(db.Model):
    __tablename__ = "session_event"
    __table_args__ = (
        CheckConstraint("capacity > 0", name="capacity_positive"),
        CheckConstraint("registered_count >= 0", name="count_not_negative"),
        # The rule "never more registered than seats", kept by the database itself.
        CheckConstraint("registered_count <= capacity", name="count_within_capacity"),
        CheckConstraint("end_at > start_at", name="times_ordered"),
        CheckConstraint(
            "check_in_opens_minutes IS NULL OR check_in_opens_minutes BETWEEN 0 AND 1440", name="check_in_opens_within_a_day"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), index=True)
    title: Mapped[str] = mapped_column(String(100))
    #: The monthly theme this session belongs to (一月一主题), as shown on the poster.
    theme: Mapped[str | None] = mapped_column(String(100))
    host_id: Mapped[int | None] = mapped_column(ForeignKey("session_host.id"))
    speakers: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    start_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    end_at: Mapped[datetime] = mapped_column(DateTime)
    room_id: Mapped[int] = mapped_column(ForeignKey("room.id"))
    #: The facilities booking that holds the room; moved and cancelled with the session.
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("booking.id"))
    capacity: Mapped[int] = mapped_column(Integer)
    #: Seats taken (registered, not waitlisted); changed only by conditional UPDATEs in services.
    registered_count: Mapped[int] = mapped_column(Integer, default=0)
    signup_opens_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: None: sign-up stays open until the session starts.
    signup_closes_at: Mapped[datetime | None] = mapped_column(DateTime)
    needs_approval: Mapped[bool] = mapped_column(Boolean, default=False)
    #: How long before the start check-in opens; None: the centre's ``SESSION_CHECK_IN_OPENS_MINUTES``.
    check_in_opens_minutes: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), default=SCHEDULED, index=True)
    cancel_reason: Mapped[str | None] = mapped_column(String(200))
    #: What came out of it, in the centre's words (for the monthly report).
    outcome_summary: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    #: Raised by every edit made through a form (hubapp/concurrency.py): a save drawn from an
    #: older version is refused instead of writing over the newer one.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    host = relationship("HostOrganisation")
    room = relationship("Room")
    booking = relationship("Booking")
    questions = relationship(
        "CustomQuestion", order_by="CustomQuestion.sort_order, CustomQuestion.id", cascade="all, delete-orphan"
    )

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind)

    @property
    def seats_left(self) -> int:
        return self.capacity - self.registered_count

    @property
    def is_cancelled(self) -> bool:
        return self.status == CANCELLED

    @property
    def has_ended(self) -> bool:
        return clock.now() >= self.end_at


class CustomQuestion(db.Model):
    """A question staff add to one session's sign-up form."""

    __tablename__ = "session_question"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("session_event.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(200))
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class Registration(db.Model):
    __tablename__ = "session_registration"
    __table_args__ = (
        # One sign-up per phone per session; the database refuses the second even in a race.
        UniqueConstraint("session_id", "phone"),
        CheckConstraint("financing_amount IS NULL OR financing_amount > 0", name="financing_amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("session_event.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(12), index=True)
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id"))
    #: As typed, or the register's name when the enterprise was recognised.
    enterprise_name: Mapped[str] = mapped_column(String(100))
    uscc: Mapped[str | None] = mapped_column(String(18))
    attendee_name: Mapped[str] = mapped_column(String(40))
    phone: Mapped[str] = mapped_column(String(11))
    position: Mapped[str | None] = mapped_column(String(40))
    #: The questions the enterprise wants answered (tax sessions, and anyone else who asks).
    questions: Mapped[str | None] = mapped_column(Text)
    #: Financing need of a bank session, in 万元.
    financing_amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    financing_purpose: Mapped[str | None] = mapped_column(String(200))
    #: Term in months.
    financing_term: Mapped[int | None] = mapped_column(Integer)
    financing_collateral: Mapped[bool | None] = mapped_column(Boolean)
    #: JSON {question id: answer} for the session's custom questions.
    answers: Mapped[str | None] = mapped_column(Text)
    #: The secret in the personal link and the check-in QR code.
    token: Mapped[str] = mapped_column(String(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    checked_in_at: Mapped[datetime | None] = mapped_column(DateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime)

    session = relationship("Session")
    enterprise = relationship("Enterprise")

    @property
    def status_label(self) -> str:
        return REGISTRATION_STATES.get(self.status, self.status)

    @property
    def answers_dict(self) -> dict[str, str]:
        return json.loads(self.answers) if self.answers else {}


class FinancingMatch(db.Model):
    """银企对接成果: a loan an enterprise obtained (or may obtain) through a session."""

    __tablename__ = "session_financing"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("status IN ('intention', 'approved', 'granted')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("session_event.id", ondelete="CASCADE"), index=True)
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id"))
    enterprise_name: Mapped[str] = mapped_column(String(100))
    bank_id: Mapped[int] = mapped_column(ForeignKey("session_host.id"))
    #: 万元.
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    status: Mapped[str] = mapped_column(String(10), default=INTENTION)
    notes: Mapped[str | None] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(DateTime)

    enterprise = relationship("Enterprise")
    bank = relationship("HostOrganisation")

    @property
    def status_label(self) -> str:
        return FINANCING_STATES[self.status]

    @property
    def short_enterprise_name(self) -> str:
        if self.enterprise is not None and self.enterprise.short_name:
            return self.enterprise.short_name
        return self.enterprise_name
