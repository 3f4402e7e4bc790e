"""Grid workers' visits (走访) to the enterprises of their grid, and the visit ledger (走访台账)
staff read.

Grid workers visit every enterprise of their grid each month (每月深入企业). Staff read the
month's coverage per grid and the visits themselves, or any range of days a report counted. An
enterprise counts as visited in a month (or range) if any visit to it falls in it, however many;
coverage is measured against the enterprises the register places in the grid now.
"""

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from hubapp import audit, clock
from hubapp.blueprints.auth.models import User
from hubapp.blueprints.auth.roles import Role
from hubapp.blueprints.demands.models import NOTE_MAX, TOPICS, Visit
from hubapp.blueprints.demands.reading import check_may_act_for, is_staff
from hubapp.blueprints.directory import services as directory
from hubapp.blueprints.directory.models import Enterprise, Grid
from hubapp.extensions import db
from hubapp.params import shift_month
from hubapp.rules import NotAllowed, RuleError, clean_text

# --- visits --------------------------------------------------------------------------------------


def log_visit(
    actor: User, enterprise_id: int | None, visited_on: date | None, topics: list[str], notes: str | None,
    at: datetime | None = None,
) -> Visit:  # fmt: skip
    """A grid worker's visit to an enterprise of their grid; ``at`` is for visits entered after the
    fact (demo data)."""
    if actor.role != Role.GRID_WORKER:
        raise NotAllowed("走访记录由网格员填写。")
    enterprise = db.session.get(Enterprise, enterprise_id) if enterprise_id else None
    if enterprise is None:
        raise RuleError("请选择走访的企业。", "enterprise_id")
    check_may_act_for(actor, enterprise)
    at = at or clock.now()
    if visited_on is None:
        raise RuleError("请填写走访日期。", "visited_on")
    if visited_on > at.date():
        raise RuleError("走访日期不能晚于今天。", "visited_on")
    chosen = [code for code in TOPICS if code in (topics or [])]
    if not chosen:
        raise RuleError("请至少选择一项走访内容。", "topics")
    notes = clean_text(notes)
    if notes and len(notes) > NOTE_MAX:
        raise RuleError(f"走访情况不超过{NOTE_MAX}字。", "notes")
    visit = Visit(
        enterprise_id=enterprise.id,
        grid_id=enterprise.grid_id,
        visitor_id=audit.actor_id(actor),
        visited_on=visited_on,
        topics=",".join(chosen),
        notes=notes,
        created_at=at,
    )
    db.session.add(visit)
    db.session.flush()
    audit.record(audit.actor_id(actor), "visit.create", "visit", visit.id, enterprise=enterprise.name, topics="、".join(visit.topic_labels))
    return visit


def raised_from(user: User, visit_id: int | None) -> Visit | None:
    """The visit a demand is raised from, when ``user`` may raise from it: staff from any, a grid
    worker from their grids'."""
    visit = db.session.get(Visit, visit_id) if visit_id else None
    if visit is None or not (is_staff(user) or visit.grid_id in user.grid_ids):
        return None
    return visit


def grid_visits(grid_ids: Collection[int], since: date):
    """The visits in these grids since ``since``, the newest first: what the grid worker's page lists."""
    return (
        select(Visit)
        .options(joinedload(Visit.enterprise), joinedload(Visit.visitor))
        .where(Visit.grid_id.in_(grid_ids), Visit.visited_on >= since)
        .order_by(Visit.visited_on.desc(), Visit.id.desc())
    )


# --- the visit ledger (走访台账) ------------------------------------------------------------------


def recent_months(this_month: date, shown: date, count: int = 24) -> list[date]:
    """The months the picker offers, newest first; the month shown is among them even if older."""
    months = [shift_month(this_month, -n) for n in range(count)]
    if shown not in months:
        months.append(shown)
        months.sort(reverse=True)
    return months


def _visited_between(start: date, end: date):
    return (Visit.visited_on >= start, Visit.visited_on < end)


def _in_register(visited_ids):
    """The enterprises a ledger counts: a deactivated enterprise is no longer to be visited, but a
    visit it had in the range counts."""
    return or_(Enterprise.active.is_(True), Enterprise.id.in_(visited_ids))


def unvisited_count(grid_ids: Collection[int], month: date) -> int:
    """Enterprises in service in ``grid_ids`` with no visit in ``month``: what the ledger shows as
    not yet visited, in one query (the grid worker's menu badge asks it on every page)."""
    visited = select(Visit.enterprise_id).where(*_visited_between(month, shift_month(month, 1)))
    stmt = select(func.count(Enterprise.id)).where(
        Enterprise.grid_id.in_(list(grid_ids)), Enterprise.active.is_(True), Enterprise.id.not_in(visited)
    )
    return db.session.scalar(stmt) or 0


@dataclass
class GridCoverage:
    grid: Grid
    workers: list[User] = field(default_factory=list)
    enterprises: list[Enterprise] = field(default_factory=list)
    visited: list[Enterprise] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.enterprises)

    @property
    def visited_count(self) -> int:
        return len(self.visited)

    @property
    def missing(self) -> list[Enterprise]:
        seen = {e.id for e in self.visited}
        return [e for e in self.enterprises if e.id not in seen]

    @property
    def percent(self) -> int | None:
        """Rounded down, so that 100% means every enterprise was visited."""
        return self.visited_count * 100 // self.total if self.total else None

    @property
    def full(self) -> bool:
        return self.visited_count == self.total


def visit_coverage(month: date) -> list[GridCoverage]:
    """Every grid with its grid workers, its enterprises and those visited in ``month``."""
    return coverage_rows_between(month, shift_month(month, 1))


def coverage_rows_between(start: date, end: date) -> list[GridCoverage]:
    """Every grid with its grid workers, its enterprises and those visited from ``start`` up to ``end``."""
    return _coverage(directory.grids(), start, end)


def grid_coverage(grid: Grid, month: date) -> GridCoverage:
    """One grid's row of the ledger: what a grid's page in the register shows."""
    return _coverage([grid], month, shift_month(month, 1))[0]


def _coverage(grids: list[Grid], start: date, end: date) -> list[GridCoverage]:
    rows = {g.id: GridCoverage(grid=g) for g in grids}
    workers = (
        select(User)
        .options(selectinload(User.grids))
        .where(User.role == Role.GRID_WORKER, User.active.is_(True))
        .order_by(User.id)
    )
    for user in db.session.scalars(workers):
        for grid in user.grids:
            if grid.id in rows:
                rows[grid.id].workers.append(user)
    visited_ids = set(db.session.scalars(select(Visit.enterprise_id).where(*_visited_between(start, end)).distinct()))
    in_register = _in_register(list(visited_ids))
    enterprises = select(Enterprise).where(Enterprise.grid_id.in_(rows), in_register).order_by(Enterprise.name)
    for enterprise in db.session.scalars(enterprises):
        row = rows.get(enterprise.grid_id)
        if row is None:
            continue
        row.enterprises.append(enterprise)
        if enterprise.id in visited_ids:
            row.visited.append(enterprise)
    return list(rows.values())


def coverage_totals(month: date) -> tuple[int, int]:
    """(enterprises visited in ``month``, enterprises in a grid), for one line of statistics."""
    return coverage_between(month, shift_month(month, 1))


def coverage_between(start: date, end: date) -> tuple[int, int]:
    """(enterprises visited from ``start`` up to ``end``, enterprises in a grid), counted as the
    ledger counts its rows: a deactivated enterprise visited in the range still counts."""
    visited_ids = select(Visit.enterprise_id).where(*_visited_between(start, end))
    in_grid = Enterprise.grid_id.in_(select(Grid.id))
    visited, total = db.session.execute(
        select(
            func.count(Enterprise.id).filter(Enterprise.id.in_(visited_ids)),
            func.count(Enterprise.id),
        ).where(in_grid, _in_register(visited_ids))
    ).one()
    return visited, total


def topic_condition(code: str):
    """``topics`` is a comma-separated list of codes: match whole codes only."""
    column = Visit.topics
    return or_(column == code, column.like(f"{code},%"), column.like(f"%,{code}"), column.like(f"%,{code},%"))


def month_visits_query(month: date, grid_id: int | None = None, topic: str | None = None):
    """The month's visits, the newest first, with what the ledger shows of each."""
    return visits_between_query(month, shift_month(month, 1), grid_id, topic)


def visits_between_query(start: date, end: date, grid_id: int | None = None, topic: str | None = None):
    """The visits from ``start`` up to ``end``, the newest first, with what the ledger shows of each."""
    stmt = (
        select(Visit)
        .options(
            joinedload(Visit.enterprise),
            joinedload(Visit.visitor),
            joinedload(Visit.grid),
            selectinload(Visit.demands),
        )
        .where(*_visited_between(start, end))
        .order_by(Visit.visited_on.desc(), Visit.id.desc())
    )
    if grid_id:
        stmt = stmt.where(Visit.grid_id == grid_id)
    if topic in TOPICS:
        stmt = stmt.where(topic_condition(topic))
    return stmt
