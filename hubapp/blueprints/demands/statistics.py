"""The statistics of a year's demands: per list (四张清单), per department they were transferred to,
and per month; the headline the centre reports ("共收集各类诉求…个，已推动解决…个")."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import case, extract, func, select

from hubapp import clock
from hubapp.blueprints.demands.models import (
    ANSWERED,
    CLOSED,
    KINDS,
    OPEN_STATES,
    TRANSFER,
    TRANSFERRED,
    Demand,
    DemandCohandler,
    DemandEvent,
    DemandOutcome,
)
from hubapp.blueprints.directory.models import Department
from hubapp.extensions import db
from hubapp.formatting import plain_number
from hubapp.workdays import add_working_days


@dataclass
class Statistics:
    year: int
    total: int = 0
    closed: int = 0
    kinds: list[dict] = field(default_factory=list)
    departments: list[dict] = field(default_factory=list)
    months: list[dict] = field(default_factory=list)
    #: 办理成效 of the answered and closed demands: 融资到位 (万元), 解决就业 (人), and counts.
    funding: Decimal = Decimal("0")
    jobs: int = 0
    resolved: int = 0
    partly: int = 0
    partners: int = 0
    #: Whether ``year`` is the current one: the article then says "今年以来".
    this_year: bool = False

    @property
    def article_sentence(self) -> str:
        """The sentence the centre's article writes, with this year's exact figures."""
        since = "今年以来" if self.this_year else f"{self.year}年"
        funding = f"，协助企业完成融资{plain_number(self.funding)}万元" if self.funding else ""
        return f"{since}共收集各类问题诉求{self.total}个，已推动解决{self.closed}个{funding}。"

    @property
    def headline(self) -> str:
        return f"{self.year}年共收集各类诉求{self.total}个，已推动解决{self.closed}个。"

    @property
    def outcome_line(self) -> str:
        return f"融资到位 {plain_number(self.funding)} 万元，解决就业 {self.jobs} 人。"


def _outcome_sums(*conditions):
    """The sums of the outcomes of the answered and closed demands meeting ``conditions``."""
    return (
        select(
            func.coalesce(func.sum(DemandOutcome.funding_amount), 0),
            func.coalesce(func.sum(DemandOutcome.jobs_filled), 0),
            func.sum(case((DemandOutcome.resolution == "resolved", 1), else_=0)),
            func.sum(case((DemandOutcome.resolution == "partly", 1), else_=0)),
            func.sum(case((DemandOutcome.partner.is_not(None), 1), else_=0)),
        )
        .select_from(DemandOutcome)
        .join(Demand, Demand.id == DemandOutcome.demand_id)
        .where(Demand.status.in_((ANSWERED, CLOSED)), *conditions)
    )


def statistics(year: int, today: date | None = None) -> Statistics:
    """Per list, per department and per month, over the demands received in ``year``.

    Declined demands count as collected (they were raised) but never as solved."""
    today = today or clock.today()
    in_year = Demand.year == year
    stats = Statistics(year=year, this_year=year == today.year)
    rows = db.session.execute(
        select(
            Demand.kind,
            func.count(),
            func.sum(case((Demand.status == CLOSED, 1), else_=0)),
            func.sum(case((Demand.status.in_((*OPEN_STATES, ANSWERED)), 1), else_=0)),
            func.sum(case((Demand.status.in_(OPEN_STATES) & (Demand.deadline < today), 1), else_=0)),
        )
        .where(in_year)
        .group_by(Demand.kind)
    ).all()
    by_kind = {kind: (n, closed or 0, progress or 0, overdue or 0) for kind, n, closed, progress, overdue in rows}
    for kind, label in KINDS.items():
        n, closed, progress, overdue = by_kind.get(kind, (0, 0, 0, 0))
        stats.kinds.append({"kind": kind, "label": label, "total": n, "closed": closed, "progress": progress, "overdue": overdue})
    stats.total = sum(k["total"] for k in stats.kinds)
    stats.closed = sum(k["closed"] for k in stats.kinds)

    answered_on_time = (Demand.answered_at.is_not(None)) & (func.date(Demand.answered_at) <= Demand.deadline)
    department_rows = db.session.execute(
        select(
            Department.id,
            Department.name,
            func.count(Demand.id),
            func.sum(case((Demand.answered_at.is_not(None), 1), else_=0)),
            func.sum(case((answered_on_time, 1), else_=0)),
            func.sum(case((Demand.status == TRANSFERRED, 1), else_=0)),
        )
        .join(Demand, (Demand.department_id == Department.id) & (Demand.route == TRANSFER) & in_year)
        .group_by(Department.id, Department.name, Department.sort_order)
        .order_by(Department.sort_order, Department.id)
    ).all()
    rates = _department_rates(in_year, today)
    cohandled = _cohandling_counts(in_year)
    for dep_id, name, n, answered, on_time, waiting in department_rows:
        stats.departments.append(
            {"id": dep_id, "name": name, "transferred": n, "answered": answered or 0, "on_time": on_time or 0, "waiting": waiting or 0}
            | rates.get(dep_id, {})
            | cohandled.pop(dep_id, {"cohandled": 0, "co_opinions": 0})
        )
    # A department that only co-handled this year still has its line.
    names = dict(db.session.execute(select(Department.id, Department.name).where(Department.id.in_(cohandled))).all())
    for dep_id, counts in cohandled.items():
        stats.departments.append(
            {"id": dep_id, "name": names[dep_id], "transferred": 0, "answered": 0, "on_time": 0, "waiting": 0} | counts
        )

    funding, jobs, resolved, partly, partners = db.session.execute(_outcome_sums(in_year)).one()
    stats.funding, stats.jobs = Decimal(funding), int(jobs)
    stats.resolved, stats.partly, stats.partners = resolved or 0, partly or 0, partners or 0

    month = extract("month", Demand.received_on)
    outcome_months = {
        int(m): (Decimal(f), int(j))
        for m, f, j in db.session.execute(
            select(
                month,
                func.coalesce(func.sum(DemandOutcome.funding_amount), 0),
                func.coalesce(func.sum(DemandOutcome.jobs_filled), 0),
            )
            .select_from(DemandOutcome)
            .join(Demand, Demand.id == DemandOutcome.demand_id)
            .where(Demand.status.in_((ANSWERED, CLOSED)), in_year)
            .group_by(month)
        ).all()
    }
    received = dict(db.session.execute(select(month, func.count()).where(in_year).group_by(month)).all())
    closed_month = extract("month", Demand.closed_at)
    closed = dict(
        db.session.execute(
            select(closed_month, func.count())
            .where(Demand.status == CLOSED, extract("year", Demand.closed_at) == year)
            .group_by(closed_month)
        ).all()
    )
    last_month = 12 if year < today.year else today.month
    for m in range(1, last_month + 1):
        funding_m, jobs_m = outcome_months.get(m, (Decimal("0"), 0))
        stats.months.append(
            {"month": m, "received": received.get(m, 0), "closed": closed.get(m, 0), "funding": plain_number(funding_m), "jobs": jobs_m}
        )
    return stats


def _cohandling_counts(in_year) -> dict[int, dict]:
    """Per department, the demands it co-handled (协办), counted apart from those it led (主办),
    and how many of them it gave its opinion on."""
    rows = db.session.execute(
        select(DemandCohandler.department_id, func.count(), func.count(DemandCohandler.opinion))
        .join(Demand, Demand.id == DemandCohandler.demand_id)
        .where(in_year, Demand.route == TRANSFER)
        .group_by(DemandCohandler.department_id)
    ).all()
    return {dep_id: {"cohandled": n, "co_opinions": opinions} for dep_id, n, opinions in rows}


def _rate(part: int, whole: int) -> str:
    return f"{part * 100 / whole:.1f}%" if whole else "—"


def _percent(part: int, whole: int) -> float | None:
    """The rate as a number, for the charts; None when there is nothing to count."""
    return part * 100 / whole if whole else None


def _department_rates(in_year, today: date) -> dict[int, dict]:
    """Per department: 按期办结率 (answered by the deadline ÷ answered, or open past it),
    满意率 ((满意 + 基本满意) ÷ rated, counting the enterprise's own 不满意 that sent an answer
    back) and 签收及时率 (signed within one working day ÷ signed, or flagged 未签收)."""
    rows = db.session.execute(
        select(
            Demand.department_id, Demand.status, Demand.deadline, Demand.answered_at,
            Demand.satisfaction, Demand.transferred_at, Demand.acknowledged_at,
        ).where(in_year, Demand.route == TRANSFER, Demand.department_id.is_not(None))
    ).all()  # fmt: skip
    unhappy = dict(
        db.session.execute(
            select(Demand.department_id, func.count(DemandEvent.id))
            .join(DemandEvent, DemandEvent.demand_id == Demand.id)
            .where(
                in_year, Demand.route == TRANSFER, DemandEvent.action == "return",
                DemandEvent.actor_id.is_(None), DemandEvent.note.like("企业评价：不满意%"),
            )
            .group_by(Demand.department_id)
        ).all()
    )  # fmt: skip
    counts: dict[int, dict] = {}
    for dep_id, status, deadline, answered_at, satisfaction, transferred_at, acknowledged_at in rows:
        c = counts.setdefault(dep_id, dict.fromkeys(("due", "on_time", "happy", "rated", "to_sign", "signed_in_time"), 0))
        if answered_at is not None or (status in OPEN_STATES and deadline < today):
            c["due"] += 1
            c["on_time"] += answered_at is not None and answered_at.date() <= deadline
        if satisfaction is not None:
            c["rated"] += 1
            c["happy"] += satisfaction in ("satisfied", "basic")
        if transferred_at is not None:
            limit = add_working_days(transferred_at.date(), 1)
            if acknowledged_at is not None:
                c["to_sign"] += 1
                c["signed_in_time"] += acknowledged_at.date() <= limit
            elif status == TRANSFERRED and today > limit:
                c["to_sign"] += 1
    rates = {}
    for dep_id, c in counts.items():
        rated = c["rated"] + unhappy.get(dep_id, 0)
        rates[dep_id] = {
            "on_time_rate": _rate(c["on_time"], c["due"]),
            "satisfaction_rate": _rate(c["happy"], rated),
            "unsatisfied": unhappy.get(dep_id, 0),
            "signing_rate": _rate(c["signed_in_time"], c["to_sign"]),
            "on_time_percent": _percent(c["on_time"], c["due"]),
            "satisfaction_percent": _percent(c["happy"], rated),
        }
    return rates


def demand_years() -> list[int]:
    """The years the statistics can show, newest first: those with demands, and this one."""
    years = set(db.session.scalars(select(Demand.year).distinct()))
    years.add(clock.today().year)
    return sorted(years, reverse=True)
