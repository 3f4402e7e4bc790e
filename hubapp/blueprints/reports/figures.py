"""The centre's figures for a period: what the dashboard shows and the 工作简报 writes.

Every figure is counted by the domain that owns it, with the rule its own page uses (a demand is
solved when closed, as the demands statistics count it), so that the numbers agree everywhere;
and every figure carries the address of the list that shows exactly the rows it counted.

Figures of a period still running count up to today (``Period.until``). The register's figures
(enterprises, grids, party coverage) are what the register holds now: it keeps no history.
"""

from dataclasses import dataclass, fields
from datetime import date, timedelta
from decimal import Decimal

from flask import url_for
from sqlalchemy import func, select

from hubapp import clock
from hubapp.blueprints.auth import services as accounts
from hubapp.blueprints.cooperation import services as cooperation
from hubapp.blueprints.demands import breakdown, visits
from hubapp.blueprints.demands.models import Demand, DemandOutcome
from hubapp.blueprints.demands.reading import funded
from hubapp.blueprints.directory import services as directory
from hubapp.blueprints.directory.models import Enterprise
from hubapp.blueprints.facilities import reports as facilities
from hubapp.blueprints.guides import visitors as guides
from hubapp.blueprints.meetings import decisions
from hubapp.blueprints.meetings.models import Meeting
from hubapp.blueprints.meetings.planning import held_between
from hubapp.blueprints.party import activities, organisations
from hubapp.blueprints.reports.periods import Period
from hubapp.blueprints.sessions import planning as sessions
from hubapp.extensions import db
from hubapp.formatting import plain_number


@dataclass(frozen=True)
class Figure:
    label: str
    value: int | Decimal
    unit: str
    #: The list that shows exactly what was counted, filtered to the period; None when no list can.
    link: str | None
    #: For a share ("9/9"): the whole the value is a part of.
    of: int | None = None
    #: For a rate: how many rows it is taken over; a rate over none is printed "—", not "0%".
    base: int | None = None

    @property
    def text(self) -> str:
        if self.of is not None:
            return f"{self.value}/{self.of}"
        if self.base == 0:
            return "—"
        return plain_number(self.value) + ("%" if self.unit == "%" else "")

    @property
    def percent(self) -> Decimal | None:
        """A share as a percentage rounded to 0.1, None when the whole is zero."""
        if not self.of:
            return None
        return (Decimal(self.value) * 100 / self.of).quantize(Decimal("0.1"))


def _rate(label: str, part: int, whole: int, link: str | None) -> Figure:
    """A rate in %, exact to 0.1; 0 when nothing was counted (the card says so with its whole)."""
    value = (Decimal(part) * 100 / whole).quantize(Decimal("0.1")) if whole else Decimal(0)
    return Figure(label, value, "%", link, base=whole)


@dataclass(frozen=True)
class CentreFigures:
    period: Period
    #: The last day counted: the period's last day, or today while it runs.
    counted_until: date
    enterprises: Figure
    regulated_enterprises: Figure
    grids: Figure
    grid_workers: Figure
    visited_enterprises: Figure
    visit_coverage: Figure
    demands_collected: Figure
    demands_solved: Figure
    demands_on_time: Figure
    satisfaction: Figure
    financing: Figure
    financed_enterprises: Figure
    jobs: Figure
    sessions_held: Figure
    session_attendance: Figure
    rooms_bookings: Figure
    room_hours: Figure
    guide_views: Figure
    party_coverage_regulated: Figure
    party_coverage_all: Figure
    joint_activities: Figure
    activity_attendance: Figure
    trained: Figure
    placement_person_times: Figure
    meetings_held: Figure
    decisions_done: Figure
    decisions_open: Figure
    #: The enterprises financing was obtained for, by amount: "已协助X公司完成融资Y万元".
    financed_names: list[str]
    #: Demands (collected, solved) by month of receipt, by the month's label ("3月"), for the charts.
    demands_by_month: dict[str, tuple[int, int]]

    def groups(self) -> list[tuple[str, list[Figure]]]:
        return [
            ("企业与网格", [self.enterprises, self.regulated_enterprises, self.grids, self.grid_workers,
                            self.visited_enterprises, self.visit_coverage]),
            ("企业诉求", [self.demands_collected, self.demands_solved, self.demands_on_time, self.satisfaction]),
            ("办理成效", [self.financing, self.financed_enterprises, self.jobs]),
            ("主题活动与场地", [self.sessions_held, self.session_attendance, self.rooms_bookings, self.room_hours,
                               self.guide_views]),
            ("党建引领", [self.party_coverage_regulated, self.party_coverage_all, self.joint_activities,
                          self.activity_attendance]),
            ("产学研合作", [self.trained, self.placement_person_times]),
            ("议事协商", [self.meetings_held, self.decisions_done, self.decisions_open]),
        ]  # fmt: skip

    def figures(self) -> dict[str, Figure]:
        """Every figure by its attribute name."""
        return {f.name: getattr(self, f.name) for f in fields(self) if isinstance(getattr(self, f.name), Figure)}


def _financed_names(start: date, end: date) -> list[str]:
    """The enterprises of the demands received in the range that obtained financing, the largest
    sum first, named as the centre names them (short name when it has one)."""
    amount = func.sum(DemandOutcome.funding_amount)
    rows = db.session.execute(
        select(func.coalesce(Enterprise.short_name, Enterprise.name), amount)
        .select_from(Demand)
        .join(DemandOutcome, DemandOutcome.demand_id == Demand.id)
        .join(Enterprise, Enterprise.id == Demand.enterprise_id)
        .where(*breakdown.received_between(start, end), *funded())
        .group_by(Enterprise.id, Enterprise.short_name, Enterprise.name)
        .order_by(amount.desc(), Enterprise.id)
    ).all()
    return [name for name, _ in rows]


def centre_figures(period: Period, today: date | None = None) -> CentreFigures:
    """The centre's figures for ``period``, counted up to ``today`` (by default the centre's today).

    Builds links with ``url_for``: call it within a request (or a test request context)."""
    today = today or clock.today()
    start, end = period.start, max(period.until(today), period.start)
    last = end - timedelta(days=1)
    days = {"since": start.isoformat(), "until": last.isoformat()}
    between = (start, end)

    enterprises = db.session.scalar(select(func.count()).select_from(directory.enterprise_query().subquery()))
    regulated = db.session.scalar(
        select(func.count()).select_from(directory.enterprise_query(above_size=True).subquery())
    )
    grids = len(directory.grids())
    workers = len(accounts.grid_workers())
    visited, in_grids = visits.coverage_between(start, end)
    visits_link = url_for("demands.visits", **days)

    # By month: the total is the period's, and the lines draw the chart without counting again.
    months = breakdown.breakdown("month", period.year, today, received=between, working_days=False)
    demands = months.total
    financed_names = _financed_names(start, end)

    held, checked_in = sessions.held_between(start, end)
    bookings, hours = facilities.held_between(start, end)
    coverage = organisations.coverage()
    joint, attendance = activities.totals_between(start, end)
    person_times, _, trained = cooperation.totals_between(start, end)
    meetings = db.session.scalar(select(func.count(Meeting.id)).where(*held_between(start, end)))
    done, still_open = decisions.decision_totals(start, end)

    return CentreFigures(
        period=period,
        counted_until=last,
        enterprises=Figure("在册企业", enterprises, "家", url_for("directory.enterprises", status="active")),
        regulated_enterprises=Figure(
            "规上企业", regulated, "家", url_for("directory.enterprises", status="active", size="above")
        ),
        grids=Figure("网格", grids, "个", url_for("directory.grids")),
        grid_workers=Figure("网格员", workers, "名", url_for("directory.grids")),
        visited_enterprises=Figure("走访企业", visited, "家", visits_link),
        visit_coverage=_rate("走访覆盖率", visited, in_grids, visits_link),
        demands_collected=Figure("收集诉求", demands.collected, "个", url_for("demands.index", **days)),
        demands_solved=Figure("办结销号", demands.closed, "个", url_for("demands.index", status="closed", **days)),
        demands_on_time=Figure("按期办结", demands.closed_on_time, "个", url_for("demands.index", on_time="1", **days)),
        satisfaction=_rate(
            "满意率", demands.happy, demands.rated,
            url_for("demands.statistics", year=period.year, by="kind", **days, _anchor="breakdown"),
        ),  # fmt: skip
        financing=Figure("融资到位", demands.funding, "万元", url_for("demands.index", funded="1", **days)),
        financed_enterprises=Figure(
            "获得融资企业", len(financed_names), "家", url_for("demands.index", funded="1", **days)
        ),
        jobs=Figure("解决就业", demands.jobs, "人", url_for("demands.index", hired="1", **days)),
        sessions_held=Figure("举办主题活动", held, "场", url_for("sessions.index", **days)),
        session_attendance=Figure("活动签到", checked_in, "人次", url_for("sessions.index", **days)),
        rooms_bookings=Figure("场地使用", bookings, "次", url_for("facilities.utilisation", **days)),
        room_hours=Figure("场地使用时长", hours, "小时", url_for("facilities.utilisation", **days)),
        guide_views=Figure("指南查看", guides.views_between(start, end), "次", url_for("guides.views", **days)),
        party_coverage_regulated=Figure(
            "规上企业党组织覆盖",
            coverage.above_size.covered,
            "家",
            url_for("party.index"),
            of=coverage.above_size.total,
        ),
        party_coverage_all=Figure(
            "企业党组织覆盖", coverage.all.covered, "家", url_for("party.index"), of=coverage.all.total
        ),
        joint_activities=Figure("党建联建活动", joint, "次", url_for("party.activities_index", **days)),
        activity_attendance=Figure("联建活动参加", attendance, "人次", url_for("party.activities_index", **days)),
        trained=Figure("技能培训合格", trained, "人", url_for("cooperation.projects", kind="training", **days)),
        placement_person_times=Figure("实习实训", person_times, "人次", url_for("cooperation.placements", **days)),
        meetings_held=Figure("召开会议", meetings, "次", url_for("meetings.index", **days)),
        decisions_done=Figure("议定事项已完成", done, "项", url_for("meetings.decisions", status="done", **days)),
        decisions_open=Figure(
            "议定事项推进中", still_open, "项", url_for("meetings.decisions", status="active", **days)
        ),
        financed_names=financed_names,
        demands_by_month={line.label: (line.collected, line.closed) for line in months.lines if line.collected},
    )
