"""Rooms, their opening hours and closures, and bookings.

Times are naive local time of the centre. A booking holds [start_at, end_at): one ending at
10:00 and one starting at 10:00 do not overlap.
"""

from datetime import date, datetime, time

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hubapp.extensions import db

EXCLUSIVE = "exclusive"
SHARED = "shared"
BOOKING_MODES = {EXCLUSIVE: "独占（同一时段仅一个预约）", SHARED: "共享（按人数，不超过容量）"}
#: Who made a booking: staff, an enterprise on /book, or another module booking its room.
BOOKING_SOURCES = {"staff": "工作人员预约", "public": "企业网上申请", "session": "主题活动", "meeting": "会议",
                   "party": "党建活动", "visit": "走访"}  # fmt: skip

PENDING = "pending"
CONFIRMED = "confirmed"
REJECTED = "rejected"
CANCELLED = "cancelled"
CHECKED_IN = "checked_in"
NO_SHOW = "no_show"
BOOKING_STATES = {
    PENDING: "待审核",
    CONFIRMED: "已确认",
    REJECTED: "已驳回",
    CANCELLED: "已取消",
    CHECKED_IN: "已签到",
    NO_SHOW: "爽约（未到）",
}
#: The states as the enterprise that asked for the room reads them on its private link.
REQUESTER_STATES = {**BOOKING_STATES, CONFIRMED: "已批准", REJECTED: "未批准"}
#: Bookings that hold their slot. The database constraints and triggers use the same list.
LIVE_STATES = (CONFIRMED, CHECKED_IN)


class Room(db.Model):
    __tablename__ = "room"
    __table_args__ = (
        CheckConstraint("booking_mode IN ('exclusive', 'shared')", name="booking_mode_known"),
        CheckConstraint("capacity > 0", name="capacity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    capacity: Mapped[int] = mapped_column(Integer)
    booking_mode: Mapped[str] = mapped_column(String(10), default=EXCLUSIVE)
    equipment: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    photo: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    needs_approval: Mapped[bool] = mapped_column(Boolean, default=False)
    min_minutes: Mapped[int] = mapped_column(Integer, default=30)
    max_minutes: Mapped[int] = mapped_column(Integer, default=480)
    #: How many days ahead a booking may start.
    max_days_ahead: Mapped[int] = mapped_column(Integer, default=90)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    #: A confirmed booking not checked in this many minutes after its start becomes a no-show.
    no_show_minutes: Mapped[int] = mapped_column(Integer, default=15, server_default="15")
    #: Raised by every edit made through a form (hubapp/concurrency.py): a save drawn from an
    #: older version is refused instead of writing over the newer one.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    opening_hours = relationship("OpeningHours", order_by="OpeningHours.weekday", cascade="all, delete-orphan")

    @property
    def is_exclusive(self) -> bool:
        return self.booking_mode == EXCLUSIVE


class OpeningHours(db.Model):
    __tablename__ = "opening_hours"
    __table_args__ = (
        UniqueConstraint("room_id", "weekday"),
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("room.id", ondelete="CASCADE"))
    #: 0 = Monday … 6 = Sunday, as date.weekday().
    weekday: Mapped[int] = mapped_column(Integer)
    opens: Mapped[time] = mapped_column(Time)
    #: A closing time at or before the opening time means the room closes after midnight.
    closes: Mapped[time] = mapped_column(Time)


class Closure(db.Model):
    __tablename__ = "closure"
    __table_args__ = (CheckConstraint("end_date >= start_date", name="dates_ordered"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: None closes every room.
    room_id: Mapped[int | None] = mapped_column(ForeignKey("room.id", ondelete="CASCADE"))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(100))

    room = relationship("Room")


class SpecialOpening(db.Model):
    """A day that opens with its own hours whatever the weekday or closures say: a make-up
    working day (调休上班), or an event day outside the usual hours."""

    __tablename__ = "special_opening"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: None opens every room.
    room_id: Mapped[int | None] = mapped_column(ForeignKey("room.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date, index=True)
    opens: Mapped[time] = mapped_column(Time)
    closes: Mapped[time] = mapped_column(Time)
    reason: Mapped[str] = mapped_column(String(100))

    room = relationship("Room")


WEEKLY = "weekly"
MONTHLY = "monthly"
FREQUENCIES = {WEEKLY: "每周", MONTHLY: "每月"}


class BookingSeries(db.Model):
    """The rule a recurring booking was made from. Each occurrence is its own booking row with
    ``series_id``; a date of the rule without a live row is a skipped date that can be added back."""

    __tablename__ = "booking_series"
    __table_args__ = (
        CheckConstraint("frequency IN ('weekly', 'monthly')", name="frequency_known"),
        CheckConstraint("interval >= 1", name="interval_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("room.id"))
    title: Mapped[str] = mapped_column(String(100))
    frequency: Mapped[str] = mapped_column(String(10))
    #: Every N weeks (weekly) or months (monthly).
    interval: Mapped[int] = mapped_column(Integer, default=1)
    #: Weekly: chosen weekdays as "0,2,4" (0 = Monday). Monthly: the one weekday of the nth.
    weekdays: Mapped[str] = mapped_column(String(20))
    #: Monthly: which weekday of the month, 1–4, or -1 for the last one.
    nth: Mapped[int | None] = mapped_column(Integer)
    first_day: Mapped[date] = mapped_column(Date)
    until: Mapped[date | None] = mapped_column(Date)
    count: Mapped[int | None] = mapped_column(Integer)
    start_time: Mapped[time] = mapped_column(Time)
    #: At or before start_time means the next day.
    end_time: Mapped[time] = mapped_column(Time)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime)

    room = relationship("Room")

    @property
    def weekday_list(self) -> list[int]:
        return [int(d) for d in self.weekdays.split(",") if d != ""]

    @property
    def description(self) -> str:
        names = "、".join("周" + "一二三四五六日"[d] for d in self.weekday_list)
        if self.frequency == WEEKLY:
            every = "每周" if self.interval == 1 else f"每{self.interval}周"
            rule = f"{every}{names}"
        else:
            which = "最后一个" if self.nth == -1 else f"第{self.nth}个"
            every = "每月" if self.interval == 1 else f"每{self.interval}个月"
            rule = f"{every}{which}{names}"
        end = f"，至{self.until.year}年{self.until.month}月{self.until.day}日" if self.until else f"，共{self.count}次"
        return f"{rule} {self.start_time:%H:%M}–{self.end_time:%H:%M}{end}"


class CalendarToken(db.Model):
    """The secret in a calendar feed address: one per room and one per user."""

    __tablename__ = "calendar_token"
    __table_args__ = (
        CheckConstraint("(room_id IS NULL) <> (user_id IS NULL)", name="one_owner"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    room_id: Mapped[int | None] = mapped_column(ForeignKey("room.id", ondelete="CASCADE"), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Booking(db.Model):
    __tablename__ = "booking"
    __table_args__ = (
        CheckConstraint("end_at > start_at", name="ends_after_start"),
        CheckConstraint("headcount > 0", name="headcount_positive"),
        CheckConstraint(
            "status IN ('pending', 'confirmed', 'rejected', 'cancelled', 'checked_in', 'no_show')", name="status_known"
        ),
        # Views ask "which bookings of these rooms touch this window": cost follows the window.
        Index("ix_booking_room_window", "room_id", "start_at", "end_at"),
        # The no-show sweep runs on page views: it must read only the few confirmed bookings.
        Index(
            "ix_booking_confirmed_start",
            "start_at",
            sqlite_where=text("status = 'confirmed'"),
            postgresql_where=text("status = 'confirmed'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("room.id"))
    #: Copied from the room's booking mode, so that PostgreSQL's exclusion constraint can see it.
    exclusive: Mapped[bool] = mapped_column(Boolean)
    start_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    end_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    title: Mapped[str] = mapped_column(String(100))
    purpose: Mapped[str | None] = mapped_column(Text)
    headcount: Mapped[int] = mapped_column(Integer, default=1)
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id"))
    contact_name: Mapped[str | None] = mapped_column(String(40))
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    notes: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), index=True)
    #: Why it was rejected or cancelled.
    status_reason: Mapped[str | None] = mapped_column(String(200))
    #: Who or what made it: staff, public (an enterprise's request), session, meeting.
    source: Mapped[str] = mapped_column(String(12), default="staff")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    checked_in_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: Occurrences of one recurring series share this id (the first occurrence's series row).
    series_id: Mapped[int | None] = mapped_column(Integer, index=True)
    #: Raised by every edit made through a form (hubapp/concurrency.py): a save drawn from an
    #: older version is refused instead of writing over the newer one.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    #: The key of the requester's private page of a public request (/e/bookings/<token>); the
    #: requester has no account, so nothing else lets them see or withdraw it.
    follow_token: Mapped[str | None] = mapped_column(String(64), unique=True, index=True)

    room = relationship("Room")
    series = relationship("BookingSeries", primaryjoin="foreign(Booking.series_id) == BookingSeries.id", viewonly=True)
    enterprise = relationship("Enterprise")
    created_by = relationship("User")

    @property
    def status_label(self) -> str:
        return BOOKING_STATES[self.status]

    @property
    def source_label(self) -> str:
        return BOOKING_SOURCES.get(self.source, self.source)

    @property
    def requester_status_label(self) -> str:
        return REQUESTER_STATES[self.status]

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_STATES

    @property
    def holder_name(self) -> str:
        if self.enterprise is not None:
            return self.enterprise.name
        return self.contact_name or self.title
