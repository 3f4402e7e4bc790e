"""Party building (党建): the enterprises' party organisations under the community's
comprehensive party committee, the joint activities of 党建联建, and each branch's yearly
标准化规范化 checklist.

The levels above the enterprises' organisations (开发区党工委 — "两新"组织党委 — 产业社区综合党委)
are names, not records: the centre keeps no data about them, it only shows where its branches sit.
"""

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
    text,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hubapp.extensions import db

#: The organisation above the enterprises' party organisations, from the top down, as the
#: article names them.
UPPER_LEVELS = ("开发区党工委", "“两新”组织党委", "产业社区综合党委")

SINGLE = "single"
JOINT = "joint"
GENERAL = "general"
#: 组织类型 of an enterprise's party organisation.
ORGANISATION_KINDS = {SINGLE: "单独党支部", JOINT: "联合党支部", GENERAL: "党总支"}
#: The two states of an organisation, as the audit trail names them.
ORGANISATION_STATES = {"active": "在册", "inactive": "已撤销"}

THEME_DAY = "theme_day"
EXCHANGE = "exchange"
OTHER = "other"
#: 党建联建 activity kinds.
ACTIVITY_KINDS = {THEME_DAY: "联合主题党日", EXCHANGE: "党建工作交流会议", OTHER: "其他联建活动"}
#: Photos an activity may keep (the issue: "up to 9 photos"); the database refuses a tenth.
MAX_ACTIVITY_PHOTOS = 9


def _known(column: str, codes) -> str:
    return f"{column} IN ({', '.join(repr(code) for code in codes)})"


#: The index that allows an enterprise one organisation in the register (below).
ONE_ACTIVE_ORGANISATION_INDEX = "uq_party_organisation_enterprise_one_active"

#: The enterprises an organisation covers: one for a 单独党支部, several for a 联合党支部. An
#: enterprise belongs to one organisation in the register at a time, and the database holds to it:
#: each row carries its organisation's ``active``, kept equal by the foreign key (ON UPDATE
#: CASCADE, so dissolving or restoring an organisation moves its rows with it), and an enterprise
#: has at most one row whose organisation is active. Two people adding the same enterprise to two
#: organisations at once cannot both succeed.
organisation_enterprise = Table(
    "party_organisation_enterprise",
    db.metadata,
    Column("organisation_id", Integer, primary_key=True),
    Column("enterprise_id", ForeignKey("enterprise.id"), primary_key=True, index=True),
    Column("organisation_active", Boolean, nullable=False, server_default=true()),
    ForeignKeyConstraint(
        ["organisation_id", "organisation_active"],
        ["party_organisation.id", "party_organisation.active"],
        onupdate="CASCADE",
        ondelete="CASCADE",
    ),
    Index(
        ONE_ACTIVE_ORGANISATION_INDEX,
        "enterprise_id",
        unique=True,
        sqlite_where=text("organisation_active"),
        postgresql_where=text("organisation_active"),
    ),
)

#: The branches that took part in a joint activity.
activity_organisation = Table(
    "party_activity_organisation",
    db.metadata,
    Column("activity_id", ForeignKey("party_activity.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", ForeignKey("party_organisation.id"), primary_key=True, index=True),
)


class PartyOrganisation(db.Model):
    """An enterprise party organisation (企业党组织) under the community's comprehensive committee."""

    __tablename__ = "party_organisation"
    __table_args__ = (
        CheckConstraint(_known("kind", ORGANISATION_KINDS), name="kind_known"),
        CheckConstraint("members >= 0", name="members_not_negative"),
        # What the covered enterprises' rows refer to, so that they follow ``active``. An index,
        # not a constraint: SQLite can add one to a table that others refer to without rebuilding it.
        Index("uq_party_organisation_id_active", "id", "active", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(12))
    secretary: Mapped[str | None] = mapped_column(String(40))
    #: 党员人数.
    members: Mapped[int] = mapped_column(Integer, default=0)
    established_on: Mapped[date | None] = mapped_column(Date)
    #: 党建工作指导员: a grid worker's account.
    instructor_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    #: A dissolved organisation (撤销) keeps its history but covers nobody.
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    #: Raised by every edit, so that an edit from an older reading is refused (hubapp.concurrency).
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    instructor = relationship("User", foreign_keys=[instructor_id])
    enterprises = relationship(
        "Enterprise",
        secondary=organisation_enterprise,
        # Both columns, so that a row added for a dissolved organisation says so too.
        primaryjoin=lambda: and_(
            PartyOrganisation.id == organisation_enterprise.c.organisation_id,
            PartyOrganisation.active == organisation_enterprise.c.organisation_active,
        ),
        order_by="Enterprise.name",
    )

    @property
    def kind_label(self) -> str:
        return ORGANISATION_KINDS.get(self.kind, self.kind)

    @property
    def status_label(self) -> str:
        return ORGANISATION_STATES["active" if self.active else "inactive"]


class PartyActivity(db.Model):
    """One 党建联建 activity: a 联合主题党日, a 党建工作交流会议 or another joint activity."""

    __tablename__ = "party_activity"
    __table_args__ = (
        CheckConstraint(_known("kind", ACTIVITY_KINDS), name="kind_known"),
        CheckConstraint("end_at > start_at", name="ends_after_start"),
        CheckConstraint("attendance >= 0", name="attendance_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    theme: Mapped[str] = mapped_column(String(200))
    start_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    end_at: Mapped[datetime] = mapped_column(DateTime)
    #: 组织单位: who organised it (the comprehensive committee, or one of the branches).
    organiser: Mapped[str] = mapped_column(String(100))
    #: 参加人数.
    attendance: Mapped[int] = mapped_column(Integer, default=0)
    #: The room held through facilities; None when the activity took place elsewhere.
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("booking.id", ondelete="SET NULL"))
    place: Mapped[str | None] = mapped_column(String(100))
    summary: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    booking = relationship("Booking")
    organisations = relationship(
        "PartyOrganisation", secondary=activity_organisation, order_by="PartyOrganisation.name"
    )
    photos = relationship(
        "ActivityPhoto", order_by="ActivityPhoto.position", cascade="all, delete-orphan", passive_deletes=True
    )
    attendees = relationship(
        "ActivityAttendee", order_by="ActivityAttendee.id", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def kind_label(self) -> str:
        return ACTIVITY_KINDS.get(self.kind, self.kind)


class ActivityPhoto(db.Model):
    """A photo of a joint activity: re-encoded JPEG pixels only (no EXIF, so no location), kept in
    the database with the activity as demands keep theirs."""

    __tablename__ = "party_activity_photo"
    __table_args__ = (
        UniqueConstraint("activity_id", "position", name="uq_party_activity_photo_position"),
        CheckConstraint(f"position BETWEEN 1 AND {MAX_ACTIVITY_PHOTOS}", name="position_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("party_activity.id", ondelete="CASCADE"), index=True)
    #: Its place among the activity's photos, 1 to 9: a slot, so the database itself caps the count.
    position: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


class ActivityAttendee(db.Model):
    """A person on an activity's sign-in list (签到名单), from one of its participating branches."""

    __tablename__ = "party_activity_attendee"
    __table_args__ = (
        UniqueConstraint("activity_id", "organisation_id", "name", name="uq_party_activity_attendee_once"),
        CheckConstraint("name <> ''", name="name_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("party_activity.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("party_organisation.id"), index=True)
    name: Mapped[str] = mapped_column(String(40))

    organisation = relationship("PartyOrganisation")


class ChecklistItem(db.Model):
    """One item of the 标准化规范化 checklist the centre keeps (三会一课 held, 主题党日 monthly …)."""

    __tablename__ = "party_checklist_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(100), unique=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    #: An item taken off the list keeps the ticks of past years.
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class ChecklistTick(db.Model):
    """An item met by a branch in a year: when, and a note of how."""

    __tablename__ = "party_checklist_tick"
    __table_args__ = (UniqueConstraint("organisation_id", "item_id", "year", name="uq_party_checklist_tick_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("party_organisation.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("party_checklist_item.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer)
    done_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(String(500))
    ticked_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
