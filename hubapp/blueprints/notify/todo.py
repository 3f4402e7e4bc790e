"""待我处理: what waits on the logged-in user, for the top of their home page and the badges of the
menu. Each line is a count, a label and the filtered list where the thing is done; a line whose
count falls to zero disappears.

The counts are the domains' own queries (pending room requests, demands' warnings, overdue
decisions, the visit ledger, minutes waiting for approval), asked through their services; this
module only chooses which lines each role sees. A line that carries a menu item's badge counts in
one query, since the menu is drawn on every page."""

from collections.abc import Callable
from dataclasses import dataclass

from flask import url_for
from sqlalchemy import func, or_, select

from hubapp import clock
from hubapp.blueprints.auth.roles import STAFF_ROLES, Role
from hubapp.blueprints.demands import reading as demands
from hubapp.blueprints.demands import visits
from hubapp.blueprints.demands.models import ANSWERED, SUBMITTED, Demand
from hubapp.blueprints.facilities import bookings
from hubapp.blueprints.guides import reading as guides
from hubapp.blueprints.meetings import decisions, minutes, notices
from hubapp.blueprints.meetings.models import RED, YELLOW
from hubapp.extensions import db


@dataclass(frozen=True)
class Todo:
    count: int
    #: Read after the count: "3 个场地申请待审批".
    label: str
    url: str
    #: ``badge-bad`` for what is late, ``badge-warn`` for what is merely waiting.
    tone: str = "badge-warn"


@dataclass(frozen=True)
class _Line:
    roles: frozenset[str]
    label: str
    count: Callable
    endpoint: str
    args: dict
    #: The menu item whose badge shows this line's count.
    nav: str | None = None
    tone: str = "badge-warn"


# --- the counts, each from its domain's service ---------------------------------------------------


def _room_requests(user) -> int:
    return bookings.pending_count()


def _demands(*conditions: Callable) -> Callable:
    """A count of demands under the ``reading`` conditions each callable gives for the user."""

    def count(user) -> int:
        return demands.count(*(c for make in conditions for c in make(user)))

    return count


def _submitted(user) -> tuple:
    return (Demand.status == SUBMITTED,)


def _answered(user) -> tuple:
    return (Demand.status == ANSWERED,)


def _unacknowledged(user) -> tuple:
    return demands.unacknowledged(clock.today())


def _extension_pending(user) -> tuple:
    return (demands.extension_pending(),)


def _waiting_for_department(user) -> tuple:
    return demands.waiting_for_department(user)


def _extension_refused(user) -> tuple:
    return (demands.extension_refused(),)


def _not_signed_for(user) -> tuple:
    return (Demand.acknowledged_at.is_(None),)


def _answers_to_pass_on(user) -> tuple:
    return demands.answers_to_pass_on(user)


def _criticised_guides(user) -> int:
    return guides.criticised_count()


def _decisions(*colours: str) -> Callable:
    """Active decisions (a liaison's: their unit's) of the given 三色 colours today."""

    def count(user) -> int:
        today = clock.today()
        stmt = decisions.decisions_query(user).where(or_(*(decisions.colour_condition(c, today) for c in colours)))
        return db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0

    return count


def _unvisited(user) -> int:
    return visits.unvisited_count(user.grid_ids, clock.today().replace(day=1))


GRID_WORKER = frozenset({Role.GRID_WORKER})
LIAISON = frozenset({Role.LIAISON})

LINES = [
    _Line(STAFF_ROLES, "个场地申请待审批", _room_requests, "facilities.requests_list", {}, nav="facilities.day"),
    _Line(
        STAFF_ROLES,
        "件新诉求待受理",
        _demands(_submitted),
        "demands.index",
        {"status": "submitted"},
        nav="demands.index",
    ),
    _Line(
        STAFF_ROLES,
        "件转办诉求超过一个工作日未签收",
        _demands(_unacknowledged),
        "demands.index",
        {"unack": "1"},
        tone="badge-bad",
    ),
    _Line(STAFF_ROLES, "件延期申请待审批", _demands(_extension_pending), "demands.index", {"ext": "pending"}),
    _Line(STAFF_ROLES, "件诉求已反馈，待回访销号", _demands(_answered), "demands.index", {"status": "answered"}),
    _Line(
        STAFF_ROLES,
        "项办事指南收到“没有帮助”的反馈，待处理",
        _criticised_guides,
        "guides.index",
        {"status": "criticised"},
    ),
    _Line(
        STAFF_ROLES,
        "项议定事项已逾期",
        _decisions(RED),
        "meetings.decisions",
        {"colour": RED},
        nav="meetings.decisions",
        tone="badge-bad",
    ),
    _Line(LIAISON, "件转办诉求待签收", _demands(_waiting_for_department, _not_signed_for), "demands.department", {}),
    _Line(
        LIAISON,
        "件转办诉求待反馈办理结果",
        _demands(_waiting_for_department),
        "demands.department",
        {},
        nav="demands.department",
    ),
    _Line(
        LIAISON,
        "件延期申请未获同意，须按原时限反馈",
        _demands(_waiting_for_department, _extension_refused),
        "demands.department",
        {},
        tone="badge-bad",
    ),
    _Line(
        LIAISON,
        "项本单位议定事项已逾期或即将到期",
        _decisions(RED, YELLOW),
        "meetings.decisions",
        {},
        nav="meetings.decisions",
    ),
    _Line(GRID_WORKER, "家网格内企业本月尚未走访", _unvisited, "demands.grid", {}, nav="demands.grid"),
    _Line(GRID_WORKER, "件诉求已有办理结果，待转告企业", _demands(_answers_to_pass_on), "demands.grid", {}),
]


def for_user(user) -> list[Todo]:
    """The lines that wait on ``user``, those with nothing to do left out."""
    todos = []
    for line in LINES:
        if user.role not in line.roles:
            continue
        count = line.count(user)
        if count:
            todos.append(Todo(count, line.label, url_for(line.endpoint, **line.args), line.tone))
    return todos + _minutes(user)


def _minutes(user) -> list[Todo]:
    """Minutes the user may approve (their chair's, or any for an admin) and approved minutes to
    issue: one line per meeting, to its page, where both are done."""
    if user.role not in STAFF_ROLES:
        return []
    lines = []
    for meeting in notices.approvable_drafts(clock.now()):
        if minutes.may_approve(user, meeting):
            lines.append(Todo(1, f"份纪要待审定：{meeting.title}", url_for("meetings.detail", meeting_id=meeting.id)))
    for meeting in minutes.awaiting_issue():
        if minutes.may_approve(user, meeting):
            lines.append(
                Todo(1, f"份纪要已审定，待印发：{meeting.title}", url_for("meetings.detail", meeting_id=meeting.id))
            )
    return lines


def nav_counts(user) -> dict[str, int]:
    """The badges of ``user``'s menu: endpoint → count, one query per item, only the user's role's."""
    counts = {}
    for line in LINES:
        if line.nav and user.role in line.roles:
            counts[line.nav] = line.count(user)
    return counts
