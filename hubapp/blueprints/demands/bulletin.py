"""The monthly 通报 of the 月度恳谈会: one month's demands per department (received, closed,
overdue), the departments' rates, the outcomes added up, the demands overdue and handed back
by name, and the meeting decisions by 三色 colour with the red ones named.

The figures describe the month as it ended — or, for the month under way, as of today (``as_of``):
a demand counts as overdue when its deadline had passed by then without an answer, read from when
it was answered, not from its state now.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import joinedload

from hubapp import clock
from hubapp.blueprints.demands.models import DECLINED, TRANSFER, Demand, DemandEvent
from hubapp.blueprints.demands.statistics import _department_rates, _outcome_sums
from hubapp.blueprints.directory.models import Department
from hubapp.blueprints.meetings import decisions as meeting_decisions
from hubapp.extensions import db
from hubapp.formatting import plain_number
from hubapp.params import month_label, shift_month

#: The overdue demands named one by one; more are counted in a closing line, so the 通报 stays short.
LISTED_MAX = 30


@dataclass
class Bulletin:
    month: date
    as_of: date
    received: int = 0
    closed: int = 0
    overdue: int = 0
    departments: list[dict] = field(default_factory=list)
    funding: Decimal = Decimal("0")
    jobs: int = 0
    resolved: int = 0
    partly: int = 0
    partners: int = 0
    overdue_demands: list[Demand] = field(default_factory=list)
    returned: list[tuple[Demand, DemandEvent]] = field(default_factory=list)
    decisions: meeting_decisions.ColourReport | None = None

    @property
    def label(self) -> str:
        return month_label(self.month)

    @property
    def funding_text(self) -> str:
        return plain_number(self.funding)

    @property
    def headline(self) -> str:
        return (
            f"{self.label}共收集各类问题诉求{self.received}个，办结销号{self.closed}个，"
            f"截至{self.as_of.month}月{self.as_of.day}日逾期未反馈{self.overdue}个；"
            f"协助企业完成融资{self.funding_text}万元，解决就业{self.jobs}人。"
        )


def _day_after(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time.min)


def bulletin(month: date, today: date | None = None) -> Bulletin:
    """The 通报 of the month whose first day is ``month``."""
    today = today or clock.today()
    last_day = shift_month(month, 1) - timedelta(days=1)
    as_of = min(last_day, today)
    report = Bulletin(month=month, as_of=as_of)
    received_in_month = Demand.received_on.between(month, last_day)
    closed_in_month = (Demand.closed_at >= datetime.combine(month, time.min)) & (Demand.closed_at < _day_after(last_day))
    # Past its deadline by ``as_of`` and not answered by then (declined demands owe no answer).
    overdue_then = and_(
        Demand.received_on <= as_of,
        Demand.deadline < as_of,
        Demand.status != DECLINED,
        or_(Demand.answered_at.is_(None), Demand.answered_at >= _day_after(as_of)),
    )

    report.received, report.closed, report.overdue = db.session.execute(
        select(
            func.coalesce(func.sum(case((received_in_month, 1), else_=0)), 0),
            func.coalesce(func.sum(case((closed_in_month, 1), else_=0)), 0),
            func.coalesce(func.sum(case((overdue_then, 1), else_=0)), 0),
        )
    ).one()

    rows = db.session.execute(
        select(
            Department.id,
            Department.name,
            Department.short_name,
            func.sum(case((received_in_month, 1), else_=0)),
            func.sum(case((closed_in_month, 1), else_=0)),
            func.sum(case((overdue_then, 1), else_=0)),
        )
        .join(Demand, (Demand.department_id == Department.id) & (Demand.route == TRANSFER))
        .group_by(Department.id, Department.name, Department.short_name, Department.sort_order)
        .order_by(Department.sort_order, Department.id)
    ).all()
    rates = _department_rates(received_in_month, as_of)
    for dep_id, name, short_name, received, closed, overdue in rows:
        if received or closed or overdue:
            counts = {"received": received or 0, "closed": closed or 0, "overdue": overdue or 0}
            report.departments.append({"id": dep_id, "name": name, "short_name": short_name} | counts | rates.get(dep_id, {}))

    answered_in_month = (Demand.answered_at >= datetime.combine(month, time.min)) & (
        Demand.answered_at < _day_after(last_day)
    )
    funding, jobs, resolved, partly, partners = db.session.execute(_outcome_sums(answered_in_month)).one()
    report.funding, report.jobs = Decimal(funding), int(jobs)
    report.resolved, report.partly, report.partners = resolved or 0, partly or 0, partners or 0

    report.overdue_demands = list(
        db.session.scalars(
            select(Demand)
            .options(joinedload(Demand.enterprise), joinedload(Demand.department))
            .where(overdue_then)
            .order_by(Demand.deadline, Demand.id)
            .limit(LISTED_MAX)
        )
    )
    report.returned = list(
        db.session.execute(
            select(Demand, DemandEvent)
            .join(DemandEvent, DemandEvent.demand_id == Demand.id)
            .options(joinedload(Demand.enterprise), joinedload(Demand.department))
            .where(
                DemandEvent.action == "hand_back",
                DemandEvent.at >= datetime.combine(month, time.min),
                DemandEvent.at < _day_after(last_day),
            )
            .order_by(DemandEvent.at)
        ).all()
    )
    report.decisions = meeting_decisions.colour_report(as_of, month, last_day)
    return report
