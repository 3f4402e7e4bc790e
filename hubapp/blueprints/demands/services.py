"""Demand rules: numbering, working-day deadlines, the moves between states, supervision, visits,
who may see and do what, and the statistics. No request objects here.

A move is one ``UPDATE demand … WHERE id = :id AND status = :old``: of two people acting on the
same demand at once, the second finds no row in the old state and is told so (``Conflict``),
instead of moving it twice. The move, its timeline row and its audit row commit together.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import chinese_calendar
from sqlalchemy import case, extract, func, or_, select, update
from sqlalchemy.orm import joinedload, selectinload

from hubapp import audit, clock
from hubapp.blueprints.auth.models import User
from hubapp.blueprints.auth.roles import Role
from hubapp.blueprints.demands.models import (
    ANSWERED,
    CLOSED,
    DECLINED,
    DEFAULT_WORKING_DAYS,
    DIRECT,
    HANDLING,
    KINDS,
    OPEN_STATES,
    SATISFACTION,
    SOURCES,
    STATES,
    SUBMITTED,
    TOPICS,
    TRANSFER,
    TRANSFERRED,
    UNSATISFIED,
    Demand,
    DemandEvent,
    Visit,
)
from hubapp.blueprints.directory.models import Department, Enterprise, Grid
from hubapp.database import NumberTaken, write_numbered
from hubapp.extensions import db
from hubapp.formatting import chinese_date

NOTE_MAX = 2000
MOBILE = re.compile(r"^1[3-9]\d{9}$")
NUMBER_PATTERN = re.compile(r"^(?:ZTC-?)?(\d{4})-(\d{1,6})$", re.IGNORECASE)
STAFF = (Role.ADMIN, Role.STAFF)


class DemandError(ValueError):
    """A rule was broken; ``field`` names the form field the Chinese message belongs to."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(DemandError):
    """The user may not do this (the view answers 403)."""


class Conflict(DemandError):
    """Someone else moved the demand first (the view answers 409)."""


# --- working days ----------------------------------------------------------------------------


def is_working_day(day: date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        # chinese_calendar knows the State Council's holiday and make-up workday (调休) notices
        # only up to the last year published (2026 in the pinned version); beyond it we count
        # Monday to Friday until the package is updated.
        return day.weekday() < 5


def add_working_days(start: date, days: int) -> date:
    """The ``days``-th working day after ``start`` (the day received is not counted)."""
    day = start
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def default_deadline(kind: str, received_on: date) -> date:
    return add_working_days(received_on, DEFAULT_WORKING_DAYS[kind])


# --- who may see what ------------------------------------------------------------------------


def is_staff(user) -> bool:
    return user.role in STAFF


def may_view(user, demand: Demand) -> bool:
    """Staff see all; a liaison what was transferred to their department; a grid worker what
    they raised and what belongs to their grid."""
    if is_staff(user):
        return True
    if user.role == Role.LIAISON:
        return demand.department_id is not None and demand.department_id == user.department_id
    if user.role == Role.GRID_WORKER:
        return demand.raised_by_id == user.id or (demand.grid_id is not None and demand.grid_id == user.grid_id)
    return False


def may_answer(user, demand: Demand) -> bool:
    """Staff answer for the centre or on a department's behalf; a liaison for their department."""
    if demand.status not in (HANDLING, TRANSFERRED):
        return False
    own_department = user.role == Role.LIAISON and demand.route == TRANSFER and demand.department_id == user.department_id
    return is_staff(user) or (demand.status == TRANSFERRED and own_department)


# --- reading ---------------------------------------------------------------------------------


@dataclass
class Filters:
    kind: str | None = None
    status: str | None = None
    department_id: int | None = None
    grid_id: int | None = None
    overdue: bool = False
    search: str = ""


def get_demand(demand_id: int) -> Demand | None:
    return db.session.get(Demand, demand_id)


def demands_query(filters: Filters, today: date | None = None):
    """Staff's list: the newest first, open ones before finished ones would hide new arrivals."""
    today = today or clock.today()
    stmt = (
        select(Demand)
        .options(joinedload(Demand.enterprise), joinedload(Demand.department), joinedload(Demand.grid))
        .order_by(Demand.received_on.desc(), Demand.id.desc())
    )
    if filters.kind in KINDS:
        stmt = stmt.where(Demand.kind == filters.kind)
    if filters.status in STATES:
        stmt = stmt.where(Demand.status == filters.status)
    if filters.department_id:
        stmt = stmt.where(Demand.department_id == filters.department_id)
    if filters.grid_id:
        stmt = stmt.where(Demand.grid_id == filters.grid_id)
    if filters.overdue:
        stmt = stmt.where(Demand.status.in_(OPEN_STATES), Demand.deadline < today)
    search = filters.search.strip()
    if search:
        number = NUMBER_PATTERN.match(search)
        if number:
            stmt = stmt.where(Demand.year == int(number.group(1)), Demand.seq == int(number.group(2)))
        else:
            pattern = f"%{search}%"
            stmt = stmt.join(Enterprise, Demand.enterprise_id == Enterprise.id).where(
                or_(Demand.title.ilike(pattern), Enterprise.name.ilike(pattern), Enterprise.short_name.ilike(pattern))
            )
    return stmt


def kind_counts(filters: Filters) -> dict[str, int]:
    """How many demands each list's tab holds under the other filters."""
    base = demands_query(Filters(**{**filters.__dict__, "kind": None})).order_by(None).subquery()
    rows = db.session.execute(select(base.c.kind, func.count()).group_by(base.c.kind)).all()
    counts = dict.fromkeys(KINDS, 0) | {kind: n for kind, n in rows}
    counts["all"] = sum(counts[k] for k in KINDS)
    return counts


def department_query(user, answered: bool = False):
    """A liaison's list: what waits for their department's answer, or what it has answered."""
    stmt = (
        select(Demand)
        .options(joinedload(Demand.enterprise))
        .where(Demand.department_id == user.department_id, Demand.route == TRANSFER)
    )
    if answered:
        return stmt.where(Demand.status.in_((ANSWERED, CLOSED))).order_by(Demand.answered_at.desc(), Demand.id.desc())
    return stmt.where(Demand.status == TRANSFERRED).order_by(Demand.deadline, Demand.id)


def raised_by_query(user):
    return (
        select(Demand)
        .options(joinedload(Demand.enterprise))
        .where(Demand.raised_by_id == user.id)
        .order_by(Demand.received_on.desc(), Demand.id.desc())
    )


def grid_enterprises(grid_id: int | None) -> list[Enterprise]:
    if not grid_id:
        return []
    return list(db.session.scalars(select(Enterprise).where(Enterprise.grid_id == grid_id).order_by(Enterprise.name)))


def month_start(today: date) -> date:
    return today.replace(day=1)


def visits_query(grid_id: int | None, since: date | None = None):
    stmt = (
        select(Visit)
        .options(joinedload(Visit.enterprise), joinedload(Visit.visitor))
        .where(Visit.grid_id == grid_id)
        .order_by(Visit.visited_on.desc(), Visit.id.desc())
    )
    if since:
        stmt = stmt.where(Visit.visited_on >= since)
    return stmt


def get_visit(visit_id: int) -> Visit | None:
    return db.session.get(Visit, visit_id)


def staff_users() -> list[User]:
    stmt = select(User).where(User.active.is_(True), User.role.in_(STAFF)).order_by(User.id)
    return list(db.session.scalars(stmt))


def home_counts(user) -> dict[str, int]:
    today = clock.today()

    def count(*conditions) -> int:
        return db.session.scalar(select(func.count()).select_from(Demand).where(*conditions)) or 0

    if is_staff(user):
        return {
            "submitted": count(Demand.status == SUBMITTED),
            "overdue": count(Demand.status.in_(OPEN_STATES), Demand.deadline < today),
            "answered": count(Demand.status == ANSWERED),
        }
    if user.role == Role.LIAISON:
        return {
            "waiting": count(Demand.status == TRANSFERRED, Demand.department_id == user.department_id),
            "overdue": count(
                Demand.status == TRANSFERRED, Demand.department_id == user.department_id, Demand.deadline < today
            ),
        }
    if user.role == Role.GRID_WORKER:
        visits = db.session.scalar(
            select(func.count()).select_from(Visit).where(Visit.grid_id == user.grid_id, Visit.visited_on >= month_start(today))
        )
        return {
            "visits": visits or 0,
            "open": count(Demand.raised_by_id == user.id, Demand.status.in_((*OPEN_STATES, ANSWERED))),
        }
    return {}


# --- numbering and creation ------------------------------------------------------------------


def next_seq(year: int) -> int:
    current = db.session.scalar(select(func.max(Demand.seq)).where(Demand.year == year))
    return (current or 0) + 1


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _require_text(value: str | None, message: str, field_name: str, limit: int = NOTE_MAX) -> str:
    text = _clean(value)
    if not text:
        raise DemandError(message, field_name)
    if len(text) > limit:
        raise DemandError(f"内容不超过{limit}字。", field_name)
    return text


def _check_grid(user, enterprise: Enterprise) -> None:
    """A grid worker acts only for the enterprises of their own grid."""
    if user.role == Role.GRID_WORKER and enterprise.grid_id != user.grid_id:
        raise NotAllowed("该企业不在您负责的网格内。", "enterprise_id")
    if user.role not in (*STAFF, Role.GRID_WORKER):
        raise NotAllowed("只有中心工作人员和网格员可以登记。")


def _event(demand_id: int, actor_id: int | None, action: str, at: datetime, old: str | None, new: str | None, note=None):
    db.session.add(
        DemandEvent(demand_id=demand_id, at=at, actor_id=actor_id, action=action, from_status=old, to_status=new, note=note)
    )


def create_demand(
    user,
    *,
    enterprise_id: int | None,
    kind: str,
    title: str,
    description: str,
    contact_name: str,
    contact_mobile: str,
    source: str,
    received_on: date | None = None,
    deadline: date | None = None,
    visit_id: int | None = None,
    at: datetime | None = None,
) -> Demand:
    """Register a demand with its number and deadline. ``at`` is for demands entered after the
    fact (demo data); ``received_on`` defaults to today."""
    enterprise = db.session.get(Enterprise, enterprise_id) if enterprise_id else None
    if enterprise is None:
        raise DemandError("请选择企业。", "enterprise_id")
    _check_grid(user, enterprise)
    if kind not in KINDS:
        raise DemandError("请选择诉求类别。", "kind")
    if source not in SOURCES:
        raise DemandError("请选择诉求来源。", "source")
    title = _require_text(title, "请填写诉求标题。", "title", 200)
    description = _require_text(description, "请填写诉求内容。", "description")
    contact_name = _require_text(contact_name, "请填写联系人。", "contact_name", 40)
    mobile = (contact_mobile or "").strip()
    if not MOBILE.match(mobile):
        raise DemandError("请填写11位手机号码。", "contact_mobile")
    at = at or clock.now()
    received_on = received_on or at.date()
    if received_on > at.date():
        raise DemandError("受理日期不能晚于今天。", "received_on")
    deadline = deadline or default_deadline(kind, received_on)
    if deadline < received_on:
        raise DemandError("办理时限不能早于受理日期。", "deadline")
    visit = db.session.get(Visit, visit_id) if visit_id else None
    if visit is not None and visit.enterprise_id != enterprise.id:
        visit = None  # the visit was to another enterprise: keep the demand, drop the link

    def write() -> Demand:
        demand = Demand(
            year=received_on.year,
            seq=next_seq(received_on.year),
            kind=kind,
            status=SUBMITTED,
            enterprise_id=enterprise.id,
            grid_id=enterprise.grid_id,
            title=title,
            description=description,
            contact_name=contact_name,
            contact_mobile=mobile,
            source=source,
            visit_id=visit.id if visit else None,
            raised_by_id=user.id,
            received_on=received_on,
            created_at=at,
            deadline=deadline,
            supervision_count=0,
        )
        db.session.add(demand)
        db.session.flush()
        return demand

    try:
        demand = write_numbered(db.session, "demands.numbering", write)
    except NumberTaken:
        db.session.rollback()
        raise DemandError("编号被同时占用，请重试。") from None
    _event(demand.id, user.id, "create", at, None, SUBMITTED, f"{KINDS[kind]}：{title}")
    audit.record(user.id, "demand.create", "demand", demand.id, None, SUBMITTED, number=demand.number, title=title)
    db.session.commit()
    return demand


# --- moves -----------------------------------------------------------------------------------


def _move(demand: Demand, user, action: str, allowed_from: tuple[str, ...], new: str, note: str | None, at, **values):
    """Move ``demand`` from the state read now to ``new``, only if nobody moved it meanwhile."""
    old = demand.status
    if old not in allowed_from:
        raise Conflict(f"该诉求当前为“{STATES[old]}”，不能{_verb(action)}。")
    at = at or clock.now()
    result = db.session.execute(
        update(Demand)
        .where(Demand.id == demand.id, Demand.status == old)
        .values(status=new, **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        current = db.session.scalar(select(Demand.status).where(Demand.id == demand.id))
        raise Conflict(f"该诉求刚刚已被他人处理，当前为“{STATES.get(current, current)}”，请刷新后查看。")
    _event(demand.id, user.id, action, at, old, new, note)
    audit.record(user.id, f"demand.{action}", "demand", demand.id, old, new, number=demand.number, note=note)
    db.session.commit()
    db.session.refresh(demand)
    return demand


def _verb(action: str) -> str:
    return {
        "accept": "受理直办",
        "transfer": "转办",
        "answer": "反馈办理结果",
        "close": "销号",
        "return": "退回重办",
        "decline": "不予受理",
    }[action]


def _require_staff(user, message: str) -> None:
    if not is_staff(user):
        raise NotAllowed(message)


def accept(demand: Demand, user, handler_id: int | None = None, note: str | None = None, at=None) -> Demand:
    """直办: the centre handles it itself, with one of its staff as handler."""
    _require_staff(user, "只有中心工作人员可以受理诉求。")
    handler = db.session.get(User, handler_id or user.id)
    if handler is None or handler.role not in STAFF or not handler.active:
        raise DemandError("请选择中心工作人员作为承办人。", "handler_id")
    note = _clean(note)
    text = f"承办人：{handler.display_name}" + (f"。{note}" if note else "")
    return _move(demand, user, "accept", (SUBMITTED,), HANDLING, text, at, route=DIRECT, handler_id=handler.id)


def transfer(demand: Demand, user, department_id: int | None, note: str | None, deadline: date | None, at=None) -> Demand:
    """转办 (吹哨): ask one department to solve it by a deadline."""
    _require_staff(user, "只有中心工作人员可以转办诉求。")
    department = db.session.get(Department, department_id) if department_id else None
    if department is None:
        raise DemandError("请选择承办部门。", "department_id")
    note = _require_text(note, "请写明需要部门办理的事项。", "note")
    at = at or clock.now()
    if deadline is None:
        raise DemandError("请填写办理时限。", "deadline")
    if deadline < at.date():
        raise DemandError("办理时限不能早于今天。", "deadline")
    text = f"转{department.short_name}，{chinese_date(deadline)}前办结。{note}"
    return _move(
        demand, user, "transfer", (SUBMITTED,), TRANSFERRED, text, at,
        route=TRANSFER, department_id=department.id, transfer_note=note, transferred_at=at, deadline=deadline,
    )  # fmt: skip


def answer(demand: Demand, user, text: str | None, at=None) -> Demand:
    """反馈: the department's liaison (or staff on its behalf), or the staff handler, says what was done."""
    own_department = user.role == Role.LIAISON and demand.route == TRANSFER and demand.department_id == user.department_id
    if not (is_staff(user) or own_department):
        raise NotAllowed("只有承办部门的联络员或中心工作人员可以反馈办理结果。")
    text = _require_text(text, "请填写办理结果。", "answer")
    at = at or clock.now()
    return _move(
        demand, user, "answer", (HANDLING, TRANSFERRED), ANSWERED, text, at,
        answer=text, answered_at=at, answered_by_id=user.id,
    )  # fmt: skip


def close(demand: Demand, user, satisfaction: str | None, note: str | None = None, at=None) -> Demand:
    """销号 after asking the enterprise; an unsatisfied enterprise's demand is not closed."""
    _require_staff(user, "只有中心工作人员可以销号。")
    if satisfaction not in SATISFACTION:
        raise DemandError("请选择企业满意度。", "satisfaction")
    if satisfaction == UNSATISFIED:
        raise DemandError("企业不满意的诉求不能销号，请退回重办。", "satisfaction")
    note = _clean(note)
    text = f"企业评价：{SATISFACTION[satisfaction]}" + (f"。{note}" if note else "")
    at = at or clock.now()
    return _move(
        demand, user, "close", (ANSWERED,), CLOSED, text, at, satisfaction=satisfaction, closed_at=at, closed_by_id=user.id
    )


def send_back(demand: Demand, user, target: str | None, note: str | None, deadline: date | None = None, at=None) -> Demand:
    """退回重办: the answer was not enough (or the enterprise is not satisfied); back to the centre
    (handling) or to the same department (transferred), with a note and optionally a new deadline."""
    _require_staff(user, "只有中心工作人员可以退回重办。")
    if target not in (HANDLING, TRANSFERRED):
        raise DemandError("请选择退回中心直办或原部门重办。", "target")
    if target == TRANSFERRED and demand.department_id is None:
        raise DemandError("该诉求未曾转办，只能退回中心直办。", "target")
    note = _require_text(note, "请写明退回原因。", "note")
    at = at or clock.now()
    if deadline is not None and deadline < at.date():
        raise DemandError("办理时限不能早于今天。", "deadline")
    values = {"route": TRANSFER if target == TRANSFERRED else DIRECT, "answer": None, "answered_at": None, "answered_by_id": None}
    if target == HANDLING and demand.handler_id is None:
        values["handler_id"] = user.id
    if deadline is not None:
        values["deadline"] = deadline
    text = ("退回中心直办：" if target == HANDLING else f"退回{demand.department.short_name}重办：") + note
    return _move(demand, user, "return", (ANSWERED,), target, text, at, **values)


def decline(demand: Demand, user, reason: str | None, at=None) -> Demand:
    _require_staff(user, "只有中心工作人员可以作出不予受理。")
    reason = _require_text(reason, "请填写不予受理的原因。", "reason")
    return _move(demand, user, "decline", (SUBMITTED,), DECLINED, reason, at, decline_reason=reason)


def supervise(demand: Demand, user, note: str | None, at=None) -> Demand:
    """督办: a note to push an open demand; the state stays, the count and the last note show."""
    _require_staff(user, "只有中心工作人员可以督办。")
    note = _require_text(note, "请填写督办意见。", "note")
    if demand.status not in OPEN_STATES:
        raise Conflict(f"该诉求当前为“{demand.status_label}”，无需督办。")
    at = at or clock.now()
    # Counted in SQL: two supervisors at once both count.
    result = db.session.execute(
        update(Demand)
        .where(Demand.id == demand.id, Demand.status.in_(OPEN_STATES))
        .values(supervision_count=Demand.supervision_count + 1, last_supervision_note=note, last_supervised_at=at)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        raise Conflict("该诉求刚刚已被他人处理，请刷新后查看。")
    _event(demand.id, user.id, "supervise", at, demand.status, demand.status, note)
    audit.record(user.id, "demand.supervise", "demand", demand.id, demand.status, demand.status, number=demand.number, note=note)
    db.session.commit()
    db.session.refresh(demand)
    return demand


# --- visits ----------------------------------------------------------------------------------


def log_visit(user, enterprise_id: int | None, visited_on: date | None, topics: list[str], notes: str | None, at=None) -> Visit:
    if user.role != Role.GRID_WORKER:
        raise NotAllowed("走访记录由网格员填写。")
    enterprise = db.session.get(Enterprise, enterprise_id) if enterprise_id else None
    if enterprise is None:
        raise DemandError("请选择走访的企业。", "enterprise_id")
    _check_grid(user, enterprise)
    at = at or clock.now()
    if visited_on is None:
        raise DemandError("请填写走访日期。", "visited_on")
    if visited_on > at.date():
        raise DemandError("走访日期不能晚于今天。", "visited_on")
    chosen = [code for code in TOPICS if code in (topics or [])]
    if not chosen:
        raise DemandError("请至少选择一项走访内容。", "topics")
    notes = _clean(notes)
    if notes and len(notes) > NOTE_MAX:
        raise DemandError(f"走访情况不超过{NOTE_MAX}字。", "notes")
    visit = Visit(
        enterprise_id=enterprise.id,
        grid_id=enterprise.grid_id,
        visitor_id=user.id,
        visited_on=visited_on,
        topics=",".join(chosen),
        notes=notes,
        created_at=at,
    )
    db.session.add(visit)
    db.session.flush()
    audit.record(user.id, "visit.create", "visit", visit.id, enterprise=enterprise.name, topics="、".join(visit.topic_labels))
    db.session.commit()
    return visit


# --- statistics ------------------------------------------------------------------------------


@dataclass
class Statistics:
    year: int
    total: int = 0
    closed: int = 0
    kinds: list[dict] = field(default_factory=list)
    departments: list[dict] = field(default_factory=list)
    months: list[dict] = field(default_factory=list)

    @property
    def headline(self) -> str:
        return f"{self.year}年共收集各类诉求{self.total}个，已推动解决{self.closed}个。"


def statistics(year: int, today: date | None = None) -> Statistics:
    """Per list, per department and per month, over the demands received in ``year``.

    Declined demands count as collected (they were raised) but never as solved."""
    today = today or clock.today()
    in_year = Demand.year == year
    stats = Statistics(year=year)
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
    for dep_id, name, n, answered, on_time, waiting in department_rows:
        stats.departments.append(
            {"id": dep_id, "name": name, "transferred": n, "answered": answered or 0, "on_time": on_time or 0, "waiting": waiting or 0}
        )

    month = extract("month", Demand.received_on)
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
        stats.months.append({"month": m, "received": received.get(m, 0), "closed": closed.get(m, 0)})
    return stats


def demand_years() -> list[int]:
    years = set(db.session.scalars(select(Demand.year).distinct()))
    years.add(clock.today().year)
    return sorted(years, reverse=True)


def grids() -> list[Grid]:
    return list(db.session.scalars(select(Grid).order_by(Grid.number)))


# --- visit ledger (走访台账) ---------------------------------------------------------------------
#
# Grid workers visit every enterprise of their grid each month (每月深入企业). Staff read the
# month's coverage per grid and the visits themselves. An enterprise counts as visited in a month
# if any visit to it falls in that month, however many; coverage is measured against the
# enterprises the register places in the grid now.

MONTH_PATTERN = re.compile(r"^(\d{4})-(\d{1,2})$")


def parse_month(text: str | None) -> date | None:
    """``YYYY-MM`` as the first day of that month, or None when it is not a month."""
    match = MONTH_PATTERN.match((text or "").strip())
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        return None
    return date(year, month, 1)


def shift_month(month: date, months: int) -> date:
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def recent_months(this_month: date, shown: date, count: int = 24) -> list[date]:
    """The months the picker offers, newest first; the month shown is among them even if older."""
    months = [shift_month(this_month, -n) for n in range(count)]
    if shown not in months:
        months.append(shown)
        months.sort(reverse=True)
    return months


def month_label(month: date) -> str:
    return f"{month.year}年{month.month}月"


def _in_month(month: date):
    return (Visit.visited_on >= month, Visit.visited_on < shift_month(month, 1))


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
    rows = {g.id: GridCoverage(grid=g) for g in grids()}
    workers = select(User).where(User.role == Role.GRID_WORKER, User.active.is_(True)).order_by(User.id)
    for user in db.session.scalars(workers):
        if user.grid_id in rows:
            rows[user.grid_id].workers.append(user)
    visited_ids = set(db.session.scalars(select(Visit.enterprise_id).where(*_in_month(month)).distinct()))
    enterprises = select(Enterprise).where(Enterprise.grid_id.is_not(None)).order_by(Enterprise.name)
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
    rows = visit_coverage(month)
    return sum(r.visited_count for r in rows), sum(r.total for r in rows)


def topic_condition(code: str):
    """``topics`` is a comma-separated list of codes: match whole codes only."""
    column = Visit.topics
    return or_(column == code, column.like(f"{code},%"), column.like(f"%,{code}"), column.like(f"%,{code},%"))


def month_visits_query(month: date, grid_id: int | None = None, topic: str | None = None):
    """The month's visits, the newest first, with what the ledger shows of each."""
    stmt = (
        select(Visit)
        .options(
            joinedload(Visit.enterprise),
            joinedload(Visit.visitor),
            joinedload(Visit.grid),
            selectinload(Visit.demands),
        )
        .where(*_in_month(month))
        .order_by(Visit.visited_on.desc(), Visit.id.desc())
    )
    if grid_id:
        stmt = stmt.where(Visit.grid_id == grid_id)
    if topic in TOPICS:
        stmt = stmt.where(topic_condition(topic))
    return stmt


def get_grid(grid_id: int) -> Grid | None:
    return db.session.get(Grid, grid_id)
