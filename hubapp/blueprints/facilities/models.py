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
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hubapp.extensions import db

EXCLUSIVE = "exclusive"
SHARED = "shared"
BOOKING_MODES = {EXCLUSIVE: "独占（同一时段仅一个预约）", SHARED: "共享（按人数，不超过容量）"}

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

    room = relationship("Room")
    enterprise = relationship("Enterprise")
    created_by = relationship("User")

    @property
    def status_label(self) -> str:
        return BOOKING_STATES[self.status]

    @property
    def holder_name(self) -> str:
        if self.enterprise is not None:
            return self.enterprise.name
        return self.contact_name or self.title
