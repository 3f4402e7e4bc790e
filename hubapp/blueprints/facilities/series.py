"""Recurring bookings: a rule (every Monday and Wednesday, the last Friday of each month …), the
dates it gives with what stands in each one's way, the series booked date by date, and edits or
cancellations that reach one occurrence, the following ones, or all.

Each occurrence is its own booking row carrying ``series_id``: the booking rules and the
database's refusals apply to every date as to any booking.
"""

from dataclasses import dataclass
from datetime import date, datetime, time

from dateutil.rrule import FR, MO, SA, SU, TH, TU, WE, rrule
from dateutil.rrule import MONTHLY as MONTHLY_RRULE
from dateutil.rrule import WEEKLY as WEEKLY_RRULE
from sqlalchemy import select, update

from hubapp import audit, clock, concurrency
from hubapp.blueprints.facilities.bookings import (
    TRANSITIONS,
    BookingDetails,
    capacity_message,
    change_status,
    conflict_message,
    create_booking,
    in_order,
    move_booking,
    overlapping,
    peak_headcount,
    update_details,
)
from hubapp.blueprints.facilities.models import (
    CANCELLED,
    CONFIRMED,
    FREQUENCIES,
    MONTHLY,
    PENDING,
    REJECTED,
    WEEKLY,
    Booking,
    BookingSeries,
    Room,
)
from hubapp.blueprints.facilities.opening import check_slot_rules, get_room, occurrence_window
from hubapp.extensions import db
from hubapp.formatting import weekday
from hubapp.rules import Conflict, RuleError

rrule_weekdays = (MO, TU, WE, TH, FR, SA, SU)

#: A series longer than this is almost certainly a typo in the end date.
MAX_OCCURRENCES = 200


@dataclass
class Recurrence:
    frequency: str
    first_day: date
    weekdays: list[int]
    interval: int = 1
    nth: int | None = None
    until: date | None = None
    count: int | None = None
    #: True when ``first_day`` is a date the booker picked for the first booking, as the booking
    #: form's 日期 is, rather than only where the rule starts looking (the demo's classes).
    first_day_booked: bool = False

    def validate(self) -> None:
        if self.frequency not in FREQUENCIES:
            raise RuleError("请选择重复方式。", "frequency")
        if not self.weekdays:
            raise RuleError("请至少选择一个星期几。", "weekdays")
        if not 1 <= self.interval <= 12:
            raise RuleError("间隔应在1到12之间。", "interval")
        if self.frequency == MONTHLY and self.nth not in (1, 2, 3, 4, -1):
            raise RuleError("请选择每月第几个星期几。", "nth")
        if self.until is None and not self.count:
            raise RuleError("请填写结束日期或重复次数。", "until")
        if self.until is not None and self.until < self.first_day:
            raise RuleError("结束日期不能早于开始日期。", "until")
        if self.count is not None and not 1 <= self.count <= MAX_OCCURRENCES:
            raise RuleError(f"重复次数应在1到{MAX_OCCURRENCES}之间。", "count")

    def dates(self) -> list[date]:
        self.validate()
        days = [rrule_weekdays[d] for d in self.weekdays]
        if self.frequency == MONTHLY:
            days = [rrule_weekdays[self.weekdays[0]](self.nth)]
        rule = rrule(
            WEEKLY_RRULE if self.frequency == WEEKLY else MONTHLY_RRULE,
            dtstart=datetime.combine(self.first_day, time()),
            interval=self.interval,
            byweekday=days,
            until=datetime.combine(self.until, time()) if self.until else None,
            count=None if self.until else self.count,
            wkst=0,
        )
        found = [moment.date() for moment in rule[: MAX_OCCURRENCES + 1]]
        # rrule leaves out a start date the weekdays do not name; when the booker chose that
        # date, the form says so rather than book the series without it.
        if self.first_day_booked and found[:1] != [self.first_day]:
            raise RuleError(
                f"开始日期{self.first_day.month}月{self.first_day.day}日是{weekday(self.first_day)}，"
                "不在所选的重复规则内；请勾选这一天的星期几（每月时选对第几个），或改开始日期。",
                "weekdays",
            )
        if len(found) > MAX_OCCURRENCES:
            raise RuleError(f"一次最多生成{MAX_OCCURRENCES}次预约，请缩短结束日期。", "until")
        return found

    @classmethod
    def of(cls, series: BookingSeries) -> "Recurrence":
        return cls(
            series.frequency, series.first_day, series.weekday_list, series.interval, series.nth, series.until, series.count
        )


@dataclass
class PlannedOccurrence:
    day: date
    start: datetime
    end: datetime
    #: None when the date can be booked; otherwise the Chinese reason it cannot.
    problem: str | None = None
    #: "conflict" (held by another booking), "closure", or "rule" (hours, past, horizon …).
    kind: str | None = None


def _probe(room: Room, start: datetime, end: datetime, headcount: int, allow_past: bool = False):
    """Why a slot cannot be booked, without writing: (kind, message) or (None, None)."""
    try:
        check_slot_rules(room, start, end, allow_past=allow_past)
    except RuleError as error:
        return ("closure" if "暂停开放" in error.message else "rule"), error.message
    if room.is_exclusive:
        holders = overlapping(room.id, start, end)
        if holders:
            return "conflict", conflict_message(room, holders[0])
    elif peak_headcount(room.id, start, end) + headcount > room.capacity:
        return "conflict", capacity_message(room, start, end)
    return None, None


def plan_series(
    room_id: int, recurrence: Recurrence, start_time: time, end_time: time, headcount: int = 1, allow_past: bool = False
):
    """Every date of the rule and whether it can be booked, so staff can keep the rest."""
    room = get_room(room_id)
    if room is None:
        raise RuleError("请选择场地。", "room_id")
    planned = []
    for day in recurrence.dates():
        start, end = occurrence_window(day, start_time, end_time)
        kind, problem = _probe(room, start, end, headcount, allow_past)
        planned.append(PlannedOccurrence(day, start, end, problem, kind))
    return planned


def create_series(
    actor,
    room_id: int | None,
    recurrence: Recurrence,
    start_time: time,
    end_time: time,
    details: BookingDetails,
    *,
    chosen: set[date] | None = None,
    status: str = CONFIRMED,
    source: str = "staff",
    allow_past: bool = False,
) -> tuple[BookingSeries, list[Booking], list[PlannedOccurrence]]:
    """Book the chosen dates of the rule (all bookable ones when ``chosen`` is None).

    Each date is written in its own savepoint: a date taken by someone else meanwhile is
    reported back as skipped, and the rest is kept. Skipped dates can be added back later.
    """
    room = get_room(room_id) if room_id else None
    if room is None:
        raise RuleError("请选择场地。", "room_id")
    planned = plan_series(room.id, recurrence, start_time, end_time, details.headcount, allow_past)
    series = _new_series(actor, room.id, details.title, recurrence, start_time, end_time)
    wanted = [o for o in planned if chosen is None or o.day in chosen]
    created, skipped = _book_dates(actor, series, wanted, details, status, source, allow_past)
    if not created:
        raise RuleError("所选日期都无法预约，未创建任何预约。", "start_at")
    audit.record(
        audit.actor_id(actor), "series.create", "booking_series", series.id, None, None,
        rule=series.description, created=len(created), skipped=[o.day.isoformat() for o in skipped],
    )  # fmt: skip
    return series, created, skipped


def repeat_booking(actor, booking: Booking, recurrence: Recurrence) -> tuple[BookingSeries, list[Booking], list[PlannedOccurrence]]:
    """Turn a single booking into the first date of a series: it stays as it is (its check-in, its
    history, its booker's notice), and the rule's later dates are booked with its details. A
    date that cannot be booked is reported back and can be added from the series page later."""
    if booking.series_id is not None:
        raise RuleError("该预约已属于重复预约。")
    if booking.status not in (PENDING, CONFIRMED):
        raise RuleError(f"预约当前为“{booking.status_label}”，不能设为重复。")
    recurrence.first_day = booking.start_at.date()
    start_time, end_time = booking.start_at.time(), booking.end_at.time()
    planned = plan_series(booking.room_id, recurrence, start_time, end_time, booking.headcount)
    # The booking itself holds the first date (a monthly rule may not even name it).
    later = [o for o in planned if o.day > recurrence.first_day]
    if not later:
        raise RuleError("重复规则在本次之后没有其他日期，请延长结束日期或增加次数。", "until")
    series = _new_series(actor, booking.room_id, booking.title, recurrence, start_time, end_time)
    # Conditional, so that two colleagues turning the same booking into a series at once do not
    # both book its later dates: the second is told to look again.
    claimed = db.session.execute(
        update(Booking).where(Booking.id == booking.id, Booking.series_id.is_(None)).values(series_id=series.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        raise Conflict("该预约刚被他人设为重复预约，请刷新页面查看。")
    db.session.refresh(booking)
    created, skipped = _book_dates(actor, series, later, BookingDetails.of(booking), booking.status, booking.source)
    audit.record(
        audit.actor_id(actor), "series.from_booking", "booking_series", series.id, None, None,
        booking=booking.id, rule=series.description, created=len(created), skipped=[o.day.isoformat() for o in skipped],
    )  # fmt: skip
    return series, created, skipped


def _new_series(actor, room_id: int, title: str, recurrence: Recurrence, start_time: time, end_time: time) -> BookingSeries:
    series = BookingSeries(
        room_id=room_id,
        title=title.strip(),
        frequency=recurrence.frequency,
        interval=recurrence.interval,
        weekdays=",".join(str(d) for d in recurrence.weekdays),
        nth=recurrence.nth if recurrence.frequency == MONTHLY else None,
        first_day=recurrence.first_day,
        until=recurrence.until,
        count=None if recurrence.until else recurrence.count,
        start_time=start_time,
        end_time=end_time,
        created_by_id=audit.actor_id(actor),
        created_at=clock.now(),
    )
    db.session.add(series)
    db.session.flush()
    return series


def _book_dates(
    actor, series: BookingSeries, planned: list[PlannedOccurrence], details: BookingDetails, status: str, source: str,
    allow_past: bool = False,
) -> tuple[list[Booking], list[PlannedOccurrence]]:
    """Each date in its own savepoint: a date taken by someone else meanwhile is reported back as
    skipped, and the rest is kept."""
    created, skipped = [], []
    for occurrence in planned:
        if occurrence.problem:
            skipped.append(occurrence)
            continue
        try:
            with db.session.begin_nested():
                created.append(
                    create_booking(
                        actor, series.room_id, occurrence.start, occurrence.end, details,
                        status=status, source=source, series_id=series.id, allow_past=allow_past,
                    )
                )  # fmt: skip
        except RuleError as error:
            occurrence.problem, occurrence.kind = error.message, "conflict"
            skipped.append(occurrence)
    return created, skipped


def get_series(series_id: int) -> BookingSeries | None:
    return db.session.get(BookingSeries, series_id)


def series_bookings(series_id: int) -> list[Booking]:
    return list(db.session.scalars(select(Booking).where(Booking.series_id == series_id).order_by(Booking.start_at)))


@dataclass
class SeriesDate:
    day: date
    booking: Booking | None

    @property
    def skipped(self) -> bool:
        return self.booking is None or self.booking.status in (CANCELLED, REJECTED)


def series_dates(series: BookingSeries) -> list[SeriesDate]:
    """The rule's dates with the booking each has; dates moved off the rule are listed too."""
    by_day: dict[date, Booking] = {}
    for booking in series_bookings(series.id):
        current = by_day.get(booking.start_at.date())
        if current is None or (booking.status not in (CANCELLED, REJECTED)):
            by_day[booking.start_at.date()] = booking
    days = set(Recurrence.of(series).dates()) | set(by_day)
    return [SeriesDate(day, by_day.get(day)) for day in sorted(days)]


def add_back(actor, series: BookingSeries, day: date) -> Booking:
    """Book a skipped date of a series again, with the series' times and the details of its
    other occurrences."""
    if day not in Recurrence.of(series).dates():
        raise RuleError("该日期不在重复规则内。")
    occurrences = series_bookings(series.id)
    if any(b.start_at.date() == day and b.status not in (CANCELLED, REJECTED) for b in occurrences):
        raise RuleError("该日期已有预约。")
    model = occurrences[0] if occurrences else None
    details = BookingDetails.of(model) if model else BookingDetails(title=series.title)
    details.title = series.title
    start, end = occurrence_window(day, series.start_time, series.end_time)
    return create_booking(
        actor, series.room_id, start, end, details, source=model.source if model else "staff", series_id=series.id
    )


THIS, FOLLOWING, ALL = "this", "following", "all"
SCOPES = {THIS: "仅本次", FOLLOWING: "本次及以后各次", ALL: "全部各次"}


def scope_bookings(booking: Booking, scope: str) -> list[Booking]:
    """The occurrences an edit or cancellation of ``booking`` reaches; past ones are left alone."""
    if scope not in SCOPES:
        raise RuleError("请选择应用范围。", "scope")
    if scope == THIS or booking.series_id is None:
        return [booking]
    now = clock.now()
    open_states = (PENDING, CONFIRMED)
    others = [b for b in series_bookings(booking.series_id) if b.status in open_states and b.end_at > now]
    if scope == FOLLOWING:
        others = [b for b in others if b.start_at >= booking.start_at]
    return others or [booking]


def cancel_scope(actor, booking: Booking, scope: str, reason: str) -> list[Booking]:
    if not (reason and reason.strip()):
        raise RuleError("请填写原因。", "reason")
    targets = [b for b in scope_bookings(booking, scope) if CANCELLED in TRANSITIONS[b.status]]
    if not targets:
        raise RuleError(f"预约当前为“{booking.status_label}”，不能取消。")
    for target in targets:
        change_status(actor, target, CANCELLED, reason)
    return targets


def edit_scope(
    actor, booking: Booking, scope: str, day: date, start_time: time, end_time: time, room_id: int | None,
    details: BookingDetails, based_on: int | None = None,
) -> list[Booking]:
    """Staff's edit of a booking: its slot and room (as ``reschedule_scope``) and what it is for,
    on the occurrences ``scope`` reaches; all or nothing. ``based_on`` is the version of
    ``booking`` the edit form was drawn from (``hubapp.concurrency``)."""
    concurrency.claim(booking, based_on)
    targets = scope_bookings(booking, scope)

    def move():
        reschedule_scope(actor, booking, scope, day, start_time, end_time, room_id)

    def describe():
        for target in targets:
            update_details(actor, target, details)

    in_order(details.headcount > booking.headcount, move, describe)
    return targets


def reschedule_scope(
    actor, booking: Booking, scope: str, day: date, start_time: time, end_time: time, room_id: int | None = None
) -> list[Booking]:
    """Move one occurrence to another day, time or room, or the times (and room) of several
    occurrences, each keeping its own date. All or nothing, in a savepoint of its own: one refused
    date refuses the change, naming it, and leaves every occurrence where it was."""
    targets = scope_bookings(booking, scope)
    moved, problems, refused = [], [], None
    with db.session.begin_nested():
        for target in targets:
            target_day = day if target.id == booking.id else target.start_at.date()
            start, end = occurrence_window(target_day, start_time, end_time)
            if (start, end, room_id or target.room_id) == (target.start_at, target.end_at, target.room_id):
                continue
            try:
                moved.append(move_booking(actor, target, start, end, room_id=room_id))
            except RuleError as error:
                problems.append(f"{target_day.month}月{target_day.day}日：{error.message}")
                refused = error
        if refused is not None:
            if len(targets) == 1:
                raise refused
            raise RuleError("以下日期无法调整，未做任何修改：" + "；".join(problems), "start_at")
    if booking.series_id is not None and scope == ALL:
        series = get_series(booking.series_id)
        series.start_time, series.end_time = start_time, end_time
        series.room_id = room_id or series.room_id
    return moved
