"""The demands of a year broken down by one dimension — month, year, list, topic, grid or the
department they were transferred to: collected, closed, closed on time, average working days to
close, 满意率, 不满意, 退单 and 延期 counts, and the outcomes summed. Each line counts the demands
*collected* in it (the month a demand was received, its list, …), so a line's closed ≤ collected."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Date, case, extract, func, select

from hubapp import clock
from hubapp.blueprints.auth.models import User
from hubapp.blueprints.demands.models import (
    ANSWERED,
    BASIC,
    CLOSED,
    GRANTED,
    KINDS,
    SATISFIED,
    TRANSFER,
    UNSATISFIED,
    Demand,
    DemandEvent,
    DemandExtension,
    DemandOutcome,
    DemandTopic,
)
from hubapp.blueprints.demands.statistics import _rate
from hubapp.blueprints.directory.models import Department, Grid
from hubapp.extensions import db
from hubapp.formatting import days_label, plain_number
from hubapp.workdays import WorkingDayCounter

DIMENSIONS = {
    "month": "按月份",
    "year": "按年度",
    "kind": "按清单",
    "topic": "按主题",
    "grid": "按网格",
    "department": "按承办部门",
}
DEFAULT_DIMENSION = "month"
#: The line of the demands a dimension does not place (no topic, no grid, never transferred).
UNPLACED = {"topic": "未选主题", "grid": "未划网格", "department": "未转办（中心直办或待分办）"}


@dataclass
class Line:
    label: str
    collected: int = 0
    closed: int = 0
    closed_on_time: int = 0
    #: Working days from receipt to 销号, summed over the closed demands (for the average).
    days_to_close: int = 0
    rated: int = 0
    happy: int = 0
    unsatisfied: int = 0
    returned: int = 0
    extended: int = 0
    funding: Decimal = Decimal("0")
    jobs: int = 0

    @property
    def on_time_rate(self) -> str:
        return _rate(self.closed_on_time, self.closed)

    @property
    def average_days(self) -> str:
        return f"{self.days_to_close / self.closed:.1f}" if self.closed else "—"

    @property
    def satisfaction_rate(self) -> str:
        return _rate(self.happy, self.rated)

    @property
    def funding_text(self) -> str:
        return plain_number(self.funding)

    def add(self, other: "Line") -> None:
        for name in ("collected", "closed", "closed_on_time", "days_to_close", "rated", "happy", "unsatisfied",
                     "returned", "extended", "funding", "jobs"):  # fmt: skip
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Breakdown:
    dimension: str
    year: int
    lines: list[Line]
    total: Line
    #: The (first day, day after the last) the demands were received in, when not the year's.
    received: tuple[date, date] | None = None

    @property
    def title(self) -> str:
        if self.received is not None:
            return DIMENSIONS[self.dimension] + f"（{days_label(*self.received)}收集的诉求）"
        return DIMENSIONS[self.dimension] + ("（各年度）" if self.dimension == "year" else f"（{self.year}年收集的诉求）")


def _count_per_demand(column, *conditions):
    """A subquery: demand id → how many rows of ``column``'s table meet ``conditions``."""
    return select(column.label("demand_id"), func.count().label("n")).where(*conditions).group_by(column).subquery()


def _key_column(dimension: str):
    """What puts a demand on a line of ``dimension``; NULL puts it on the ``UNPLACED`` line."""
    return {
        "month": extract("month", Demand.received_on),
        "year": Demand.year,
        "kind": Demand.kind,
        "topic": Demand.topic_id,
        "grid": Demand.grid_id,
        "department": case((Demand.route == TRANSFER, Demand.department_id)),
    }[dimension]


def _sum(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def received_between(start: date, end: date) -> tuple:
    """The demands received from ``start`` up to, not including, ``end``: how a report's period
    scopes them (a year's are those with ``Demand.year``, the same demands)."""
    return Demand.received_on >= start, Demand.received_on < end


def breakdown(
    dimension: str,
    year: int,
    today: date | None = None,
    received: tuple[date, date] | None = None,
    working_days: bool = True,
) -> Breakdown:
    """The lines of ``dimension`` over the demands received in ``year`` (every year for "year"),
    or, when ``received`` gives a (start, exclusive end) range, over those received in it.
    Without ``working_days`` the working days to close are left at 0, so no page that shows the
    average may pass it: the dashboard does not show them, and they were a third of the cost.

    Summed by the database, one line per group: a Python loop over a year of demands was most of
    the statistics page's time. Only the working days to close are counted here, per distinct
    pair of days received and closed."""
    today = today or clock.today()
    if received is not None:
        scope = received_between(*received)
    else:
        scope = () if dimension == "year" else (Demand.year == year,)
    in_scope = select(Demand.id).where(*scope)
    key = _key_column(dimension)
    returned = _count_per_demand(DemandEvent.demand_id, DemandEvent.action == "hand_back", DemandEvent.demand_id.in_(in_scope))
    extended = _count_per_demand(
        DemandExtension.demand_id, DemandExtension.status == GRANTED, DemandExtension.demand_id.in_(in_scope)
    )
    # The enterprise's own 不满意 sends the answer back without closing: a rating all the same.
    unhappy = _count_per_demand(
        DemandEvent.demand_id, DemandEvent.action == "return", DemandEvent.actor_id.is_(None),
        DemandEvent.note.like("企业评价：不满意%"), DemandEvent.demand_id.in_(in_scope),
    )  # fmt: skip
    closed = Demand.status == CLOSED
    closed_on = func.date(Demand.closed_at, type_=Date)
    unhappy_returns = func.coalesce(func.sum(unhappy.c.n), 0)
    rows = db.session.execute(
        select(
            key, func.count(Demand.id), _sum(closed), _sum(closed & (closed_on <= Demand.deadline)),
            _sum(Demand.satisfaction.is_not(None)) + unhappy_returns, _sum(Demand.satisfaction.in_((SATISFIED, BASIC))),
            _sum(Demand.satisfaction == UNSATISFIED) + unhappy_returns,
            func.coalesce(func.sum(returned.c.n), 0), func.coalesce(func.sum(extended.c.n), 0),
            func.coalesce(func.sum(DemandOutcome.funding_amount), 0), func.coalesce(func.sum(DemandOutcome.jobs_filled), 0),
        )
        .select_from(Demand)
        .outerjoin(returned, returned.c.demand_id == Demand.id)
        .outerjoin(extended, extended.c.demand_id == Demand.id)
        .outerjoin(unhappy, unhappy.c.demand_id == Demand.id)
        .outerjoin(DemandOutcome, (DemandOutcome.demand_id == Demand.id) & Demand.status.in_((ANSWERED, CLOSED)))
        .where(*scope)
        .group_by(key)
    ).all()  # fmt: skip
    lines: dict[object, Line] = {}
    for group, collected, closed_n, on_time, rated, happy, unsatisfied, returned_n, extended_n, funding, jobs in rows:
        lines[_plain(group)] = Line(
            "", collected=int(collected), closed=int(closed_n), closed_on_time=int(on_time), rated=int(rated),
            happy=int(happy), unsatisfied=int(unsatisfied), returned=int(returned_n), extended=int(extended_n),
            funding=Decimal(funding), jobs=int(jobs),
        )  # fmt: skip
    spans = (
        db.session.execute(
            select(key, Demand.received_on, closed_on, func.count())
            .where(closed, *scope)
            .group_by(key, Demand.received_on, closed_on)
        ).all()
        if working_days
        else []
    )
    if spans:
        counter = WorkingDayCounter(min(s[1] for s in spans), max(max(s[1], s[2]) for s in spans))
        for group, received_on, closed_day, count in spans:
            lines[_plain(group)].days_to_close += counter.between(received_on, closed_day) * count
    if dimension == "department":
        _returns_by_department(lines, in_scope)
    ordered = _labelled(dimension, year, today, lines)
    total = Line("合计")
    for line in ordered:
        total.add(line)
    return Breakdown(dimension, year, ordered, total, received)


def _plain(group: object) -> object:
    """A group's key as Python compares it: PostgreSQL's EXTRACT answers a Decimal month."""
    return int(group) if isinstance(group, Decimal) else group


def _returns_by_department(lines: dict[object, Line], in_scope) -> None:
    """A 退单 counts against the department whose liaison handed the demand back, not the one that
    holds it now (staff re-routed it there afterwards)."""
    handed_back = db.session.execute(
        select(User.department_id, func.count())
        .select_from(DemandEvent)
        .join(User, User.id == DemandEvent.actor_id)
        .where(DemandEvent.action == "hand_back", DemandEvent.demand_id.in_(in_scope))
        .group_by(User.department_id)
    ).all()
    for line in lines.values():
        line.returned = 0
    for department_id, count in handed_back:
        lines.setdefault(department_id, Line("")).returned = count


def _labelled(dimension: str, year: int, today: date, lines: dict[object, Line]) -> list[Line]:
    """The lines in the order people read them, each with its label; every month so far, every
    list, grid and active topic shows even when empty (a grid that raised nothing is news too)."""
    if dimension == "month":
        last = 12 if year < today.year else today.month
        keys = [(m, f"{m}月") for m in range(1, last + 1)]
    elif dimension == "year":
        keys = [(y, f"{y}年") for y in sorted(lines)]
    elif dimension == "kind":
        keys = list(KINDS.items())
    elif dimension == "topic":
        topics = db.session.execute(
            select(DemandTopic.id, DemandTopic.name, DemandTopic.active).order_by(DemandTopic.position)
        ).all()
        keys = [(t.id, t.name) for t in topics if t.active or t.id in lines]
    elif dimension == "grid":
        keys = [(g.id, g.name) for g in db.session.execute(select(Grid.id, Grid.name).order_by(Grid.number))]
    else:
        departments = db.session.execute(
            select(Department.id, Department.short_name, Department.joint_meeting_member)
            .order_by(Department.sort_order, Department.id)
        ).all()
        keys = [(d.id, d.short_name) for d in departments if d.joint_meeting_member or d.id in lines]
    if None in lines:
        keys.append((None, UNPLACED[dimension]))
    ordered = []
    for key, label in keys:
        line = lines.get(key) or Line("")
        line.label = label
        ordered.append(line)
    return ordered
