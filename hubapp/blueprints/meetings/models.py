"""Meetings of the joint meeting, their attendance, agenda, decisions (议定事项) and minutes.

A meeting's content (attendance, agenda, decisions) is edited in place while its newest minutes
version is a draft. Issuing a version stores a snapshot of that content, so an issued 纪要 never
changes afterwards; a correction opens a new draft version and the old snapshot stays readable.
"""

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hubapp.extensions import db
from hubapp.workdays import add_working_days

MONTHLY = "monthly"
QUARTERLY = "quarterly"
JOINT = "joint"
OTHER = "other"
#: Kind → the meeting's name as the minutes print it.
KINDS = {
    MONTHLY: "月度恳谈会",
    QUARTERLY: "季度座谈会",
    JOINT: "联席会议",
    OTHER: "专题会议",
}

PRESENT = "present"
ATTENDING = "attending"
EXCUSED = "excused"
#: Attendance groups in the order the minutes print them.
GROUPS = {PRESENT: "出席", ATTENDING: "列席", EXCUSED: "请假"}

#: 议定事项 states, as the issue of accountability names them. 逾期 is not a state: it is the red
#: of the 三色 flag, read from the deadline (``Decision.colour``).
OPEN = "open"
PROGRESS = "progress"
EXTENDED = "extended"
DONE = "done"
UNABLE = "unable"
DECISION_STATES = {OPEN: "未开始", PROGRESS: "推进中", EXTENDED: "已延期", DONE: "已完成", UNABLE: "无法完成"}
#: The states in which a decision is still being worked on, and so carries a colour.
ACTIVE_STATES = (OPEN, PROGRESS, EXTENDED)
#: The states that end the work: done, or given up with a reason.
CLOSED_STATES = (DONE, UNABLE)

#: 三色 flag of an active decision: on track, due within ``DUE_SOON_WORKING_DAYS``, overdue.
BLUE = "blue"
YELLOW = "yellow"
RED = "red"
COLOURS = {BLUE: "蓝（正常推进）", YELLOW: "黄（即将到期）", RED: "红（已逾期）"}
#: An active decision due within this many working days is yellow.
DUE_SOON_WORKING_DAYS = 5

DRAFT = "draft"
APPROVED = "approved"
ISSUED = "issued"
MINUTES_STATES = {DRAFT: "草稿", APPROVED: "已审定", ISSUED: "已印发"}


class Meeting(db.Model):
    __tablename__ = "meeting"
    __table_args__ = (
        UniqueConstraint("kind", "year", "number", name="uq_meeting_kind_year_number"),
        CheckConstraint("kind IN ('monthly', 'quarterly', 'joint', 'other')", name="kind_known"),
        CheckConstraint("end_at > start_at", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    #: The year of start_at, kept as a column so the database can enforce unique numbering.
    year: Mapped[int] = mapped_column(Integer)
    #: 第N次: the meeting's number within its kind and year, assigned when it is created.
    number: Mapped[int] = mapped_column(Integer)
    theme: Mapped[str] = mapped_column(String(200))
    start_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    end_at: Mapped[datetime] = mapped_column(DateTime)
    #: The room booking made through the facilities service; None when the meeting is elsewhere.
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("booking.id", ondelete="SET NULL"))
    #: Where the meeting is held when it is not in one of the centre's rooms.
    place: Mapped[str | None] = mapped_column(String(100))
    headcount: Mapped[int] = mapped_column(Integer, default=10)
    chair_name: Mapped[str] = mapped_column(String(60))
    #: The chair's account, when the chair has one: that user may approve the minutes.
    chair_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    recorder_name: Mapped[str] = mapped_column(String(60))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    #: Raised by every edit made through a form (hubapp/concurrency.py): a save drawn from an
    #: older version is refused instead of writing over the newer one.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(DateTime)

    booking = relationship("Booking")
    chair_user = relationship("User", foreign_keys=[chair_user_id])
    attendees = relationship(
        "Attendee", back_populates="meeting", order_by="Attendee.position", cascade="all, delete-orphan"
    )
    agenda_items = relationship(
        "AgendaItem", back_populates="meeting", order_by="AgendaItem.position", cascade="all, delete-orphan"
    )
    decisions = relationship(
        "Decision", back_populates="meeting", order_by="Decision.number", cascade="all, delete-orphan"
    )
    minutes_versions = relationship(
        "MinutesVersion", back_populates="meeting", order_by="MinutesVersion.version", cascade="all, delete-orphan"
    )

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]

    @property
    def title(self) -> str:
        return f"{self.year}年第{self.number}次{self.kind_label}"

    @property
    def room_name(self) -> str | None:
        return self.booking.room.name if self.booking else None

    @property
    def location(self) -> str:
        return self.room_name or self.place or ""

    @property
    def current_minutes(self) -> "MinutesVersion | None":
        return self.minutes_versions[-1] if self.minutes_versions else None

    @property
    def latest_issued(self) -> "MinutesVersion | None":
        """The version in force while a correction is being drafted."""
        return next((v for v in reversed(self.minutes_versions) if v.status == ISSUED), None)

    @property
    def editable(self) -> bool:
        """Content may change only while the newest minutes version is a draft."""
        current = self.current_minutes
        return current is None or current.status == DRAFT

    def group(self, group: str) -> list["Attendee"]:
        return [a for a in self.attendees if a.group == group]


class Attendee(db.Model):
    """One line of 出席 / 列席 / 请假: a unit and the names of its people."""

    __tablename__ = "meeting_attendee"
    __table_args__ = (CheckConstraint("grp IN ('present', 'attending', 'excused')", name="group_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    group: Mapped[str] = mapped_column("grp", String(20))
    #: The unit as printed; linked to the register when it names a department or an enterprise.
    unit: Mapped[str] = mapped_column(String(100))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id"))
    #: Names separated by the Chinese enumeration comma, as printed.
    names: Mapped[str | None] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(Integer, default=0)

    meeting = relationship("Meeting", back_populates="attendees")


#: The agenda item a meeting starts with when earlier meetings of its kind left decisions.
FOLLOW_UP_TITLE = "上次会议议定事项落实情况"


class AgendaItem(db.Model):
    __tablename__ = "meeting_agenda_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(200))
    presenter: Mapped[str | None] = mapped_column(String(100))
    #: The discussion summary, written during or after the meeting; paragraphs split by blank lines.
    discussion: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: Raised by every edit made through a form (hubapp/concurrency.py): a save drawn from an
    #: older version is refused instead of writing over the newer one.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    meeting = relationship("Meeting", back_populates="agenda_items")

    @property
    def follows_up(self) -> bool:
        """Whether this item reports on earlier meetings' decisions, so that it can be rewritten
        from their latest progress."""
        return self.title == FOLLOW_UP_TITLE


class Decision(db.Model):
    """议定事项: numbered within its meeting, followed until done."""

    __tablename__ = "meeting_decision"
    __table_args__ = (
        UniqueConstraint("meeting_id", "number", name="uq_meeting_decision_number"),
        CheckConstraint("status IN ('open', 'progress', 'extended', 'done', 'unable')", name="status_known"),
        CheckConstraint("department_id IS NOT NULL OR unit_text IS NOT NULL", name="has_unit"),
        CheckConstraint("status <> 'extended' OR extended_to IS NOT NULL", name="extended_has_date"),
        CheckConstraint(
            "status NOT IN ('done', 'unable') OR (done_at IS NOT NULL AND done_note IS NOT NULL)", name="closed_has_note"
        ),
        # What a supporting unit's row points at, so that it follows the responsible unit (below).
        Index("uq_meeting_decision_id_department", "id", "department_id", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    #: The responsible unit: a member department (whose liaison follows it up) …
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    #: … or, for anyone else, its name typed in.
    unit_text: Mapped[str | None] = mapped_column(String(100))
    #: 完成时限 as the meeting set it (and the 纪要 prints it).
    deadline: Mapped[date | None] = mapped_column(Date, index=True)
    #: The later deadline the unit reported with 已延期; the colour counts from it.
    extended_to: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default=OPEN, index=True)
    #: What was done (已完成), or why it cannot be done (无法完成).
    done_note: Mapped[str | None] = mapped_column(Text)
    done_at: Mapped[datetime | None] = mapped_column(DateTime)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))

    meeting = relationship("Meeting", back_populates="decisions")
    department = relationship("Department")
    done_by = relationship("User")
    supporters = relationship(
        "DecisionSupporter",
        back_populates="decision",
        foreign_keys="DecisionSupporter.decision_id",
        order_by="DecisionSupporter.id",
        cascade="all, delete-orphan",
    )
    progress = relationship(
        "DecisionProgress",
        back_populates="decision",
        order_by="(DecisionProgress.entered_at, DecisionProgress.id)",
        cascade="all, delete-orphan",
    )

    @property
    def unit_name(self) -> str:
        return self.department.name if self.department else (self.unit_text or "")

    @property
    def status_label(self) -> str:
        return DECISION_STATES[self.status]

    @property
    def supporting_departments(self) -> list:
        return [s.department for s in self.supporters]

    @property
    def supporting_names(self) -> str:
        """协办单位 joined by the Chinese enumeration comma, as printed; empty when there are none."""
        return "、".join(d.name for d in self.supporting_departments)

    @property
    def active(self) -> bool:
        return self.status in ACTIVE_STATES

    @property
    def due_on(self) -> date | None:
        """The deadline in force: the extended one when the unit reported 已延期."""
        return self.extended_to or self.deadline

    @property
    def latest_progress(self) -> "DecisionProgress | None":
        return self.progress[-1] if self.progress else None

    def is_overdue(self, today: date) -> bool:
        return self.active and self.due_on is not None and self.due_on < today

    def colour(self, today: date) -> str | None:
        """The 三色 flag, or None once the work has ended."""
        if not self.active:
            return None
        if self.due_on is None:
            return BLUE
        if self.due_on < today:
            return RED
        return YELLOW if self.due_on <= due_soon_limit(today) else BLUE


def due_soon_limit(today: date) -> date:
    """The last deadline that is yellow on ``today``: ``DUE_SOON_WORKING_DAYS`` working days on."""
    return add_working_days(today, DUE_SOON_WORKING_DAYS)


class DecisionSupporter(db.Model):
    """协办单位 of a decision: a member department that helps the responsible unit; its liaisons
    follow the decision on their list and report progress on it.

    The row carries the decision's responsible department too, kept in step by the foreign key's
    ON UPDATE CASCADE, so the database itself refuses a department that both leads and supports,
    whichever of the two rows changes."""

    __tablename__ = "meeting_decision_supporter"
    __table_args__ = (
        UniqueConstraint("decision_id", "department_id", name="uq_meeting_decision_supporter_department"),
        ForeignKeyConstraint(
            ["decision_id", "responsible_department_id"],
            ["meeting_decision.id", "meeting_decision.department_id"],
            name="fk_meeting_decision_supporter_responsible",
            onupdate="CASCADE",
        ),
        CheckConstraint(
            "responsible_department_id IS NULL OR department_id <> responsible_department_id", name="not_responsible"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("meeting_decision.id", ondelete="CASCADE"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    #: The decision's responsible department (None for a unit typed in), copied by the database.
    responsible_department_id: Mapped[int | None] = mapped_column(Integer)

    decision = relationship("Decision", back_populates="supporters", foreign_keys=[decision_id])
    department = relationship("Department")


class DecisionProgress(db.Model):
    """One dated progress report of a decision (进展情况), by the unit's liaison or centre staff;
    the decision's state after it is kept with it, so the list reads as its history."""

    __tablename__ = "meeting_decision_progress"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'progress', 'extended', 'done', 'unable')", name="status_known"),
        CheckConstraint("status <> 'extended' OR new_deadline IS NOT NULL", name="extended_has_date"),
        CheckConstraint("length(note) > 0", name="note_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("meeting_decision.id", ondelete="CASCADE"), index=True)
    entered_at: Mapped[datetime] = mapped_column(DateTime)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    note: Mapped[str] = mapped_column(Text)
    #: The decision's state after this report.
    status: Mapped[str] = mapped_column(String(10))
    #: With 已延期: the new deadline asked for.
    new_deadline: Mapped[date | None] = mapped_column(Date)

    decision = relationship("Decision", back_populates="progress")
    entered_by = relationship("User")

    @property
    def status_label(self) -> str:
        return DECISION_STATES[self.status]


class MinutesVersion(db.Model):
    """One version of a meeting's 纪要. Only the newest version of a meeting may be a draft."""

    __tablename__ = "meeting_minutes"
    __table_args__ = (
        UniqueConstraint("meeting_id", "version", name="uq_meeting_minutes_version"),
        UniqueConstraint("doc_year", "doc_seq", name="uq_meeting_minutes_doc_number"),
        CheckConstraint("status IN ('draft', 'approved', 'issued')", name="status_known"),
        CheckConstraint("status <> 'issued' OR (doc_seq IS NOT NULL AND snapshot IS NOT NULL)", name="issued_is_complete"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), default=DRAFT)
    #: Why this version exists, for a correction (更正说明).
    reason: Mapped[str | None] = mapped_column(Text)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    approved_at: Mapped[datetime | None] = mapped_column(DateTime)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    issued_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: 〔doc_year〕doc_seq号: numbered per year across all issued minutes.
    doc_year: Mapped[int | None] = mapped_column(Integer)
    doc_seq: Mapped[int | None] = mapped_column(Integer)
    #: Who receives the issued minutes besides the attendees (抄送), printed in the 版记.
    copy_to: Mapped[str | None] = mapped_column(String(300))
    #: JSON of everything the PDF prints, frozen when the version is issued.
    snapshot: Mapped[str | None] = mapped_column(Text)

    meeting = relationship("Meeting", back_populates="minutes_versions")
    approved_by = relationship("User", foreign_keys=[approved_by_id])
    issued_by = relationship("User", foreign_keys=[issued_by_id])

    @property
    def status_label(self) -> str:
        return MINUTES_STATES[self.status]

    @property
    def doc_number(self) -> str:
        return f"〔{self.doc_year}〕{self.doc_seq}号" if self.doc_seq else ""

    @property
    def content(self) -> dict[str, Any] | None:
        return json.loads(self.snapshot) if self.snapshot else None
