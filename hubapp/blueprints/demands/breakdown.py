"""The demands of a year broken down by one dimension — month, year, list, topic, grid or the
department they were transferred to: collected, closed, closed on time, average working days to
close, 满意率, 不满意, 退单 and 延期 counts, and the outcomes summed. Each line counts the demands
*collected* in it (the month a demand was received, its list, …), so a line's closed ≤ collected."""

from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

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
from hubapp.blueprints.demands.statistics import _amount, _rate
from hubapp.blueprints.directory.models import Department, Grid
from hubapp.extensions import db
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
        return _amount(self.funding)

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

    @property
    def title(self) -> str:
        return DIMENSIONS[self.dimension] + ("（各年度）" if self.dimension == "year" else f"（{self.year}年收集的诉求）")


def _per_demand(model_column, *conditions) -> Counter:
    """demand id → how many rows of ``model_column``'s table meet ``conditions``."""
    rows = db.session.execute(select(model_column, func.count()).where(*conditions).group_by(model_column))
    return Counter(dict(rows.all()))


def breakdown(dimension: str, year: int, today: date | None = None) -> Breakdown:
    """The lines of ``dimension`` over the demands received in ``year`` (every year for "year")."""
    today = today or clock.today()
    scope = () if dimension == "year" else (Demand.year == year,)
    in_scope = select(Demand.id).where(*scope)
    returned = _per_demand(DemandEvent.demand_id, DemandEvent.action == "hand_back", DemandEvent.demand_id.in_(in_scope))
    extended = _per_demand(
        DemandExtension.demand_id, DemandExtension.status == GRANTED, DemandExtension.demand_id.in_(in_scope)
    )
    # The enterprise's own 不满意 sends the answer back without closing: a rating all the same.
    sent_back_unhappy = _per_demand(
        DemandEvent.demand_id, DemandEvent.action == "return", DemandEvent.actor_id.is_(None),
        DemandEvent.note.like("企业评价：不满意%"), DemandEvent.demand_id.in_(in_scope),
    )  # fmt: skip
    outcomes = {
        demand_id: (funding or Decimal("0"), jobs or 0)
        for demand_id, funding, jobs in db.session.execute(
            select(DemandOutcome.demand_id, DemandOutcome.funding_amount, DemandOutcome.jobs_filled)
            .join(Demand, Demand.id == DemandOutcome.demand_id)
            .where(Demand.status.in_((ANSWERED, CLOSED)), *scope)
        )
    }
    rows = db.session.execute(
        select(
            Demand.id, Demand.year, Demand.received_on, Demand.kind, Demand.topic_id, Demand.grid_id,
            Demand.route, Demand.department_id, Demand.status, Demand.deadline, Demand.closed_at, Demand.satisfaction,
        ).where(*scope)
    ).all()  # fmt: skip
    closed_rows = [row for row in rows if row.status == CLOSED]
    counter = (
        WorkingDayCounter(min(r.received_on for r in closed_rows), max(r.closed_at.date() for r in closed_rows))
        if closed_rows
        else None
    )
    lines: dict[object, Line] = {}
    for row in rows:
        line = lines.setdefault(_key(dimension, row), Line(""))
        line.collected += 1
        if row.status == CLOSED:
            closed_on = row.closed_at.date()
            line.closed += 1
            line.closed_on_time += closed_on <= row.deadline
            line.days_to_close += counter.between(row.received_on, closed_on)
        unhappy_returns = sent_back_unhappy[row.id]
        line.rated += (row.satisfaction is not None) + unhappy_returns
        line.happy += row.satisfaction in (SATISFIED, BASIC)
        line.unsatisfied += (row.satisfaction == UNSATISFIED) + unhappy_returns
        line.returned += returned[row.id]
        line.extended += extended[row.id]
        funding, jobs = outcomes.get(row.id, (Decimal("0"), 0))
        line.funding += funding
        line.jobs += jobs
    if dimension == "department":
        _returns_by_department(lines, in_scope)
    ordered = _labelled(dimension, year, today, lines)
    total = Line("合计")
    for line in ordered:
        total.add(line)
    return Breakdown(dimension, year, ordered, total)


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


def _key(dimension: str, row) -> object:
    if dimension == "month":
        return row.received_on.month
    if dimension == "year":
        return row.year
    if dimension == "kind":
        return row.kind
    if dimension == "topic":
        return row.topic_id
    if dimension == "grid":
        return row.grid_id
    return row.department_id if row.route == TRANSFER else None


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
