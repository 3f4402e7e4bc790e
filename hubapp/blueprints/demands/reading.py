"""Who may see and do what with a demand, and the lists the pages read. Nothing here writes.

Staff (admin and centre staff) see every demand; a department's liaison what was transferred to
their department; a grid worker what they raised and what belongs to one of their grids.
"""

import re
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import Date, exists, func, or_, select
from sqlalchemy.orm import aliased, joinedload

from hubapp import clock
from hubapp.blueprints.auth.models import User
from hubapp.blueprints.auth.roles import Role
from hubapp.blueprints.demands.models import (
    ANSWERED,
    CLOSED,
    DEMAND_STATES,
    HANDLING,
    KINDS,
    OPEN_STATES,
    PENDING,
    REFUSED,
    SUBMITTED,
    TRANSFER,
    TRANSFERRED,
    Demand,
    DemandCohandler,
    DemandExtension,
    DemandOutcome,
    Visit,
    due_soon_limit,
    unacknowledged_before,
)
from hubapp.blueprints.directory import services as directory
from hubapp.blueprints.directory.models import Enterprise
from hubapp.extensions import db
from hubapp.rules import NotAllowed

STAFF = (Role.ADMIN, Role.STAFF)
#: A demand's number as people type it into the search box: ZTC-2026-007, 2026-7.
NUMBER_PATTERN = re.compile(r"^(?:ZTC-?)?(\d{4})-(\d{1,6})$", re.IGNORECASE)


# --- who may see and do what -------------------------------------------------------------------


def is_staff(user: User) -> bool:
    return user.role in STAFF


def may_view(user: User, demand: Demand) -> bool:
    """Staff see all; a liaison what was transferred to their department; a grid worker what
    they raised and what belongs to one of their grids."""
    if is_staff(user):
        return True
    if user.role == Role.LIAISON:
        lead = demand.department_id is not None and demand.department_id == user.department_id
        return lead or cohandler_of(user, demand) is not None
    if user.role == Role.GRID_WORKER:
        return demand.raised_by_id == user.id or (demand.grid_id is not None and demand.grid_id in user.grid_ids)
    return False


def cohandler_of(user: User, demand: Demand) -> DemandCohandler | None:
    """The co-handling row of ``user``'s department on ``demand``, when ``user`` is its liaison."""
    if user.role != Role.LIAISON or user.department_id is None or demand.route != TRANSFER:
        return None
    return next((row for row in demand.cohandlers if row.department_id == user.department_id), None)


def may_cohandle(user: User, demand: Demand) -> bool:
    """签收 and 协办意见 are the co-handler's while the lead has not answered."""
    return demand.status == TRANSFERRED and cohandler_of(user, demand) is not None


def answers_for_department(user: User, demand: Demand) -> bool:
    """``user`` is the liaison of the department ``demand`` was transferred to."""
    return user.role == Role.LIAISON and demand.route == TRANSFER and demand.department_id == user.department_id


def may_answer(user: User, demand: Demand) -> bool:
    """Staff answer for the centre or on a department's behalf; a liaison for their department."""
    if demand.status not in (HANDLING, TRANSFERRED):
        return False
    return is_staff(user) or (demand.status == TRANSFERRED and answers_for_department(user, demand))


def may_acknowledge(user: User, demand: Demand) -> bool:
    return demand.status == TRANSFERRED and demand.acknowledged_at is None and answers_for_department(user, demand)


def may_hand_back(user: User, demand: Demand) -> bool:
    """退单 and 延期 are the department's, while the demand waits for its answer."""
    return demand.status == TRANSFERRED and answers_for_department(user, demand)


def check_may_act_for(user: User, enterprise: Enterprise) -> None:
    """Staff act for any enterprise; a grid worker only for those of their own grids; others not at
    all (raises ``NotAllowed``)."""
    if user.role == Role.GRID_WORKER and enterprise.grid_id not in user.grid_ids:
        raise NotAllowed("该企业不在您负责的网格内。", "enterprise_id")
    if user.role not in (*STAFF, Role.GRID_WORKER):
        raise NotAllowed("只有中心工作人员和网格员可以登记。")


# --- lists ---------------------------------------------------------------------------------------


@dataclass
class Filters:
    kind: str | None = None
    status: str | None = None
    department_id: int | None = None
    grid_id: int | None = None
    #: A topic the enterprise picked on the public form (``DemandTopic``).
    topic_id: int | None = None
    overdue: bool = False
    #: Open and due within ``DUE_SOON_WORKING_DAYS`` working days, not yet overdue (即将到期).
    due_soon: bool = False
    #: Transferred more than a working day ago and not signed for (未签收).
    unacknowledged: bool = False
    #: A department asked for a later deadline and staff have not decided (延期待审批).
    extension_pending: bool = False
    search: str = ""
    #: Received from ``since`` to ``until``, both days included: a report's period.
    since: date | None = None
    until: date | None = None
    #: Closed (销号) by the deadline: what the statistics count as 按期办结.
    closed_on_time: bool = False
    #: Answered or closed with financing obtained (融资到位): what the statistics sum.
    funded: bool = False
    #: Answered or closed with people hired (解决就业): what the statistics sum.
    hired: bool = False


def closed_on_time():
    return Demand.status == CLOSED, func.date(Demand.closed_at, type_=Date) <= Demand.deadline


def funded():
    """Answered or closed with an amount of financing obtained, as the statistics sum it."""
    return Demand.id.in_(select(DemandOutcome.demand_id).where(DemandOutcome.funding_amount > 0)), Demand.status.in_(
        (ANSWERED, CLOSED)
    )


def hired():
    """Answered or closed with people hired, as the statistics sum 解决就业."""
    return Demand.id.in_(select(DemandOutcome.demand_id).where(DemandOutcome.jobs_filled > 0)), Demand.status.in_(
        (ANSWERED, CLOSED)
    )


def demands_query(filters: Filters, today: date | None = None):
    """Staff's list: the newest first, open ones before finished ones would hide new arrivals."""
    today = today or clock.today()
    stmt = (
        select(Demand)
        .options(
            joinedload(Demand.enterprise), joinedload(Demand.department), joinedload(Demand.grid), joinedload(Demand.topic)
        )
        .order_by(Demand.received_on.desc(), Demand.id.desc())
    )
    if filters.kind in KINDS:
        stmt = stmt.where(Demand.kind == filters.kind)
    if filters.status in DEMAND_STATES:
        stmt = stmt.where(Demand.status == filters.status)
    if filters.department_id:
        stmt = stmt.where(Demand.department_id == filters.department_id)
    if filters.grid_id:
        stmt = stmt.where(Demand.grid_id == filters.grid_id)
    if filters.topic_id:
        stmt = stmt.where(Demand.topic_id == filters.topic_id)
    if filters.since:
        stmt = stmt.where(Demand.received_on >= filters.since)
    if filters.until:
        stmt = stmt.where(Demand.received_on <= filters.until)
    if filters.closed_on_time:
        stmt = stmt.where(*closed_on_time())
    if filters.funded:
        stmt = stmt.where(*funded())
    if filters.hired:
        stmt = stmt.where(*hired())
    if filters.overdue:
        stmt = stmt.where(Demand.status.in_(OPEN_STATES), Demand.deadline < today)
    if filters.due_soon:
        stmt = stmt.where(*_due_soon(today))
    if filters.unacknowledged:
        stmt = stmt.where(*unacknowledged(today))
    if filters.extension_pending:
        stmt = stmt.where(extension_pending())
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


def _due_soon(today: date) -> tuple:
    return Demand.status.in_(OPEN_STATES), Demand.deadline >= today, Demand.deadline <= due_soon_limit(today)


def unacknowledged(today: date) -> tuple:
    """Transferred more than a working day ago and not signed for (未签收)."""
    return (
        Demand.status == TRANSFERRED,
        Demand.acknowledged_at.is_(None),
        Demand.transferred_at < unacknowledged_before(today),
    )


def kind_counts(filters: Filters) -> dict[str, int]:
    """How many demands each list's tab holds under the other filters."""
    base = demands_query(replace(filters, kind=None)).order_by(None).subquery()
    rows = db.session.execute(select(base.c.kind, func.count()).group_by(base.c.kind)).all()
    counts = dict.fromkeys(KINDS, 0) | {kind: n for kind, n in rows}
    counts["all"] = sum(counts[k] for k in KINDS)
    return counts


def department_query(user: User, answered: bool = False):
    """A liaison's list: what waits for their department's answer, or what it has answered."""
    stmt = (
        select(Demand)
        .options(joinedload(Demand.enterprise))
        .where(Demand.department_id == user.department_id, Demand.route == TRANSFER)
    )
    if answered:
        return stmt.where(Demand.status.in_((ANSWERED, CLOSED))).order_by(Demand.answered_at.desc(), Demand.id.desc())
    return stmt.where(Demand.status == TRANSFERRED).order_by(Demand.deadline, Demand.id)


def cohandling_query(user: User):
    """A liaison's 协办 list: demands transferred to another department with theirs helping,
    those waiting for the lead's answer first."""
    return (
        select(Demand)
        .options(joinedload(Demand.enterprise), joinedload(Demand.department))
        .join(DemandCohandler, DemandCohandler.demand_id == Demand.id)
        .where(DemandCohandler.department_id == user.department_id, Demand.route == TRANSFER)
        .order_by((Demand.status != TRANSFERRED), Demand.deadline, Demand.id)
    )


def raised_by_query(user: User):
    return (
        select(Demand)
        .options(joinedload(Demand.enterprise))
        .where(Demand.raised_by_id == user.id)
        .order_by(Demand.received_on.desc(), Demand.id.desc())
    )


def grid_enterprises(user: User) -> list[Enterprise]:
    """The enterprises a grid worker raises demands for and visits: those of their grids, grid by
    grid; none without a grid."""
    return directory.grid_enterprises(user.grid_ids)


def staff_users() -> list[User]:
    """Who may handle a demand directly (直办)."""
    stmt = select(User).where(User.active.is_(True), User.role.in_(STAFF)).order_by(User.id)
    return list(db.session.scalars(stmt))


def extension_pending():
    """The demand has a request for a later deadline that waits for staff's decision."""
    return Demand.id.in_(select(DemandExtension.demand_id).where(DemandExtension.status == PENDING))


def extension_refused():
    """The department's latest request for a later deadline, in this round of the transfer, was
    refused (不同意延期): the old deadline holds. Answering, or asking again, ends it."""
    later = aliased(DemandExtension)
    return exists().where(
        DemandExtension.demand_id == Demand.id,
        DemandExtension.status == REFUSED,
        DemandExtension.decided_at >= Demand.transferred_at,
        ~exists().where(later.demand_id == Demand.id, later.id > DemandExtension.id),
    )


def count(*conditions) -> int:
    """How many demands meet ``conditions``: one query, for the home page and the menu's badges."""
    return db.session.scalar(select(func.count()).select_from(Demand).where(*conditions)) or 0


def waiting_for_department(user: User) -> tuple:
    """Transferred to the liaison's department and not yet answered."""
    return Demand.status == TRANSFERRED, Demand.department_id == user.department_id


def answers_to_pass_on(user: User) -> tuple:
    """Demands the grid worker registered that have their answer, not yet closed: the grid worker
    tells the enterprise, and the centre's 回访 closes them."""
    return Demand.raised_by_id == user.id, Demand.status == ANSWERED


def home_counts(user: User) -> dict[str, int]:
    """What each role's home panel counts; nothing for roles without one."""
    today = clock.today()

    if is_staff(user):
        return {
            "submitted": count(Demand.status == SUBMITTED),
            "overdue": count(Demand.status.in_(OPEN_STATES), Demand.deadline < today),
            "due_soon": count(*_due_soon(today)),
            "unacknowledged": count(*unacknowledged(today)),
            "answered": count(Demand.status == ANSWERED),
        }
    if user.role == Role.LIAISON:
        return {
            "waiting": count(*waiting_for_department(user)),
            "overdue": count(
                Demand.status == TRANSFERRED, Demand.department_id == user.department_id, Demand.deadline < today
            ),
            "due_soon": count(Demand.status == TRANSFERRED, Demand.department_id == user.department_id, *_due_soon(today)),
        }
    if user.role == Role.GRID_WORKER:
        visits = db.session.scalar(
            select(func.count())
            .select_from(Visit)
            .where(Visit.grid_id.in_(user.grid_ids), Visit.visited_on >= today.replace(day=1))
        )
        return {
            "visits": visits or 0,
            "open": count(Demand.raised_by_id == user.id, Demand.status.in_((*OPEN_STATES, ANSWERED))),
        }
    return {}
