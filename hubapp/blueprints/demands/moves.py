"""What happens to a demand: it is registered with its number and deadline, then moved between
states (受理直办, 转办, 反馈, 销号, 退回重办, 不予受理) and supervised (督办).

A move is one ``UPDATE demand … WHERE id = :id AND status = :old`` (``_move``): of two people
acting on the same demand at once, the second finds no row in the old state and is told so
(``Conflict``) instead of moving it twice. The move, its timeline row and its audit row belong to
the caller's unit of work: these functions flush, the caller's ``atomic()`` commits or rolls back.
"""

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, func, select, update

from hubapp import audit, clock
from hubapp.blueprints.auth.models import User
from hubapp.blueprints.demands import notices, topics
from hubapp.blueprints.demands.models import (
    ANSWERED,
    CLOSED,
    DECLINED,
    DEFAULT_WORKING_DAYS,
    DEMAND_STATES,
    DIRECT,
    HANDED_BACK,
    HANDLING,
    KINDS,
    NOTE_MAX,
    OPEN_STATES,
    ROUTABLE_STATES,
    SATISFACTION,
    SELF_REPORTED,
    SOURCES,
    SUBMITTED,
    TRANSFER,
    TRANSFERRED,
    UNSATISFIED,
    Demand,
    DemandCohandler,
    DemandEvent,
    Visit,
)
from hubapp.blueprints.demands.reading import STAFF, answers_for_department, check_may_act_for, is_staff
from hubapp.blueprints.directory.models import Department, Enterprise
from hubapp.database import NumberTaken, write_numbered
from hubapp.extensions import db
from hubapp.formatting import chinese_date
from hubapp.forms import is_mobile
from hubapp.rules import Conflict, NotAllowed, RuleError, clean_text
from hubapp.workdays import add_working_days

#: What a refused move says it cannot do: "该诉求当前为“已销号”，不能{verb}。"
VERBS = {
    "accept": "受理直办",
    "transfer": "转办",
    "answer": "反馈办理结果",
    "close": "销号",
    "return": "退回重办",
    "decline": "不予受理",
    "hand_back": "退单",
}


def _required_text(value: str | None, message: str, field: str, limit: int = NOTE_MAX) -> str:
    text = clean_text(value)
    if not text:
        raise RuleError(message, field)
    if len(text) > limit:
        raise RuleError(f"内容不超过{limit}字。", field)
    return text


def _require_staff(actor: User, message: str) -> None:
    if not is_staff(actor):
        raise NotAllowed(message)


def _event(actor: User, demand: Demand, action: str, at: datetime, old: str | None, new: str | None, note=None) -> None:
    """One line of the demand's timeline."""
    db.session.add(
        DemandEvent(
            demand_id=demand.id, at=at, actor_id=audit.actor_id(actor), action=action,
            from_status=old, to_status=new, note=note,
        )
    )  # fmt: skip


# --- numbering and creation ----------------------------------------------------------------------


@dataclass
class DemandDraft:
    """A demand as staff or a grid worker enter it (``views._draft_from`` builds it from the form)."""

    enterprise_id: int | None
    kind: str
    title: str
    description: str
    contact_name: str
    contact_mobile: str
    source: str
    #: The day the enterprise raised it; today when not given.
    received_on: date | None = None
    #: Staff may set it; otherwise the list's default in working days from ``received_on``.
    deadline: date | None = None
    #: The grid worker's visit on which the enterprise raised it.
    visit_id: int | None = None
    #: One of the active topics staff keep (``topics``), if one was picked.
    topic_id: int | None = None


def default_deadline(kind: str, received_on: date) -> date:
    return add_working_days(received_on, DEFAULT_WORKING_DAYS[kind])


def next_seq(year: int) -> int:
    current = db.session.scalar(select(func.max(Demand.seq)).where(Demand.year == year))
    return (current or 0) + 1


def create_demand(actor: User, draft: DemandDraft, *, at: datetime | None = None) -> Demand:
    """Register a demand with its number and deadline. ``at`` is for demands entered after the
    fact (demo data)."""
    enterprise = db.session.get(Enterprise, draft.enterprise_id) if draft.enterprise_id else None
    if enterprise is None:
        raise RuleError("请选择企业。", "enterprise_id")
    check_may_act_for(actor, enterprise)
    if draft.source == SELF_REPORTED:
        raise RuleError("“企业自报”的诉求由企业扫码提交，请选择其他来源。", "source")
    topic = topics.active_topic(draft.topic_id)
    if draft.topic_id and topic is None:
        raise RuleError("该主题已停用，请重新选择。", "topic")
    demand = _register(actor, enterprise, draft, at, secrets.token_urlsafe(32))
    if topic is not None:
        demand.topic_id = topic.id
        db.session.flush()
    return demand


def create_self_reported(
    enterprise: Enterprise, draft: DemandDraft, follow_token: str, topic_id: int | None = None
) -> Demand:
    """企业自报: the enterprise raises it itself on the public form, without an account; it lands as
    待受理 like any other, and ``follow_token`` is the key of its private follow link. ``topic_id``
    is the topic it picked, already checked to be one staff offer."""
    if draft.source != SELF_REPORTED or draft.received_on or draft.deadline or draft.visit_id:
        raise RuleError("企业自报的诉求只能由企业本人提交。")
    demand = _register(None, enterprise, draft, None, follow_token)
    demand.topic_id = topic_id
    db.session.flush()
    return demand


def _register(
    actor: User | None, enterprise: Enterprise, draft: DemandDraft, at: datetime | None, follow_token: str
) -> Demand:
    """Every demand has its private follow link from the start, whoever registered it: the
    enterprise's SMS carries it, and 我的办件 finds it by number and mobile."""
    if draft.kind not in KINDS:
        raise RuleError("请选择诉求类别。", "kind")
    if draft.source not in SOURCES:
        raise RuleError("请选择诉求来源。", "source")
    title = _required_text(draft.title, "请填写诉求标题。", "title", 200)
    description = _required_text(draft.description, "请填写诉求内容。", "description")
    contact_name = _required_text(draft.contact_name, "请填写联系人。", "contact_name", 40)
    mobile = (draft.contact_mobile or "").strip()
    if not is_mobile(mobile):
        raise RuleError("请填写11位手机号码。", "contact_mobile")
    at = at or clock.now()
    received_on = draft.received_on or at.date()
    if received_on > at.date():
        raise RuleError("受理日期不能晚于今天。", "received_on")
    deadline = draft.deadline or default_deadline(draft.kind, received_on)
    if deadline < received_on:
        raise RuleError("办理时限不能早于受理日期。", "deadline")
    visit = db.session.get(Visit, draft.visit_id) if draft.visit_id else None
    if visit is not None and visit.enterprise_id != enterprise.id:
        visit = None  # the visit was to another enterprise: keep the demand, drop the link

    def write() -> Demand:
        demand = Demand(
            year=received_on.year,
            seq=next_seq(received_on.year),
            kind=draft.kind,
            status=SUBMITTED,
            enterprise_id=enterprise.id,
            grid_id=enterprise.grid_id,
            title=title,
            description=description,
            contact_name=contact_name,
            contact_mobile=mobile,
            source=draft.source,
            visit_id=visit.id if visit else None,
            raised_by_id=audit.actor_id(actor),
            received_on=received_on,
            created_at=at,
            deadline=deadline,
            supervision_count=0,
            follow_token=follow_token,
        )
        db.session.add(demand)
        db.session.flush()
        return demand

    try:
        demand = write_numbered(db.session, "demands.numbering", write)
    except NumberTaken:
        raise Conflict("编号被同时占用，请重试。") from None
    _event(actor, demand, "create", at, None, SUBMITTED, f"{KINDS[draft.kind]}：{title}")
    audit.record(audit.actor_id(actor), "demand.create", "demand", demand.id, None, SUBMITTED, number=demand.number, title=title)
    db.session.flush()
    notices.registered(demand)
    return demand


# --- moves ---------------------------------------------------------------------------------------


def _move(
    actor: User, demand: Demand, action: str, allowed_from: tuple[str, ...], new: str, note: str | None,
    at: datetime | None, *, guard: tuple | None = None, **values,
) -> Demand:  # fmt: skip
    """Move ``demand`` from the state read now to ``new`` (setting ``values`` with it), only if
    nobody moved it meanwhile (and the row still meets ``guard``: a condition of the caller's, with
    the message when it does not); with its timeline row and its audit row. Losing the race is a
    ``Conflict`` that names the state the winner left it in; the caller's ``atomic()`` then rolls
    back whatever else its unit of work wrote."""
    old = demand.status
    if old not in allowed_from:
        raise Conflict(f"该诉求当前为“{DEMAND_STATES[old]}”，不能{VERBS[action]}。")
    at = at or clock.now()
    moved = db.session.execute(
        update(Demand)
        .where(Demand.id == demand.id, Demand.status == old, *(() if guard is None else guard[:1]))
        .values(status=new, **values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:
        # Someone moved it between our read and our UPDATE, and committed: this statement of the
        # same transaction sees their state (PostgreSQL reads committed rows per statement; on
        # SQLite they committed before we took the write lock).
        current = db.session.scalar(select(Demand.status).where(Demand.id == demand.id))
        if guard is not None and current == old:
            raise Conflict(guard[1])
        raise Conflict(f"该诉求刚刚已被他人处理，当前为“{DEMAND_STATES.get(current, current)}”，请刷新后查看。")
    _event(actor, demand, action, at, old, new, note)
    audit.record(audit.actor_id(actor), f"demand.{action}", "demand", demand.id, old, new, number=demand.number, note=note)
    db.session.flush()
    db.session.refresh(demand)  # the UPDATE went past the loaded object
    notices.moved(demand, action)
    return demand


def accept(actor: User, demand: Demand, handler_id: int | None = None, note: str | None = None, at=None) -> Demand:
    """直办: the centre handles it itself, with one of its staff as handler (the actor by default)."""
    _require_staff(actor, "只有中心工作人员可以受理诉求。")
    handler = db.session.get(User, handler_id or actor.id)
    if handler is None or handler.role not in STAFF or not handler.active:
        raise RuleError("请选择中心工作人员作为承办人。", "handler_id")
    note = clean_text(note)
    text = f"承办人：{handler.display_name}" + (f"。{note}" if note else "")
    # A demand a department handed back leaves that department, and its co-handlers, with it.
    db.session.execute(delete(DemandCohandler).where(DemandCohandler.demand_id == demand.id))
    return _move(
        actor, demand, "accept", ROUTABLE_STATES, HANDLING, text, at,
        route=DIRECT, handler_id=handler.id, department_id=None, acknowledged_at=None,
    )  # fmt: skip


def transfer(
    actor: User, demand: Demand, department_id: int | None, note: str | None, deadline: date | None, at=None,
    cohandler_ids: Sequence[int] = (),
) -> Demand:  # fmt: skip
    """转办 (吹哨): ask one department (主办) to solve it by a deadline, optionally with others
    helping (协办单位); again, to another department, after the first handed it back (退单). The new
    departments sign for it afresh: the co-handlers of an earlier transfer are replaced."""
    _require_staff(actor, "只有中心工作人员可以转办诉求。")
    department = db.session.get(Department, department_id) if department_id else None
    if department is None:
        raise RuleError("请选择承办部门。", "department_id")
    if not department.active:
        raise RuleError(f"{department.name}已停用，请选择其他承办部门。", "department_id")
    cohandlers = _cohandling_departments(department, cohandler_ids)
    note = _required_text(note, "请写明需要部门办理的事项。", "note")
    at = at or clock.now()
    if deadline is None:
        raise RuleError("请填写办理时限。", "deadline")
    if deadline < at.date():
        raise RuleError("办理时限不能早于今天。", "deadline")
    text = f"转{department.short_name}，{chinese_date(deadline)}前办结。{note}"
    if cohandlers:
        text = f"转{department.short_name}主办，{'、'.join(d.short_name for d in cohandlers)}协办，{chinese_date(deadline)}前办结。{note}"
    db.session.execute(delete(DemandCohandler).where(DemandCohandler.demand_id == demand.id))
    db.session.add_all(
        DemandCohandler(demand_id=demand.id, department_id=d.id, lead_department_id=department.id) for d in cohandlers
    )
    return _move(
        actor, demand, "transfer", ROUTABLE_STATES, TRANSFERRED, text, at,
        route=TRANSFER, department_id=department.id, transfer_note=note, transferred_at=at, deadline=deadline,
        acknowledged_at=None,
    )  # fmt: skip


def _cohandling_departments(lead: Department, department_ids: Sequence[int]) -> list[Department]:
    """The co-handlers chosen, in the register's order; never the lead itself."""
    wanted = set(department_ids)
    if lead.id in wanted:
        raise RuleError(f"{lead.short_name}已是主办部门，不能同时作为协办单位。", "cohandler_ids")
    if not wanted:
        return []
    found = list(db.session.scalars(select(Department).where(Department.id.in_(wanted)).order_by(Department.sort_order, Department.id)))
    if len(found) != len(wanted):
        raise RuleError("所选协办单位不存在，请重新选择。", "cohandler_ids")
    inactive = next((d for d in found if not d.active), None)
    if inactive is not None:
        raise RuleError(f"{inactive.name}已停用，不能作为协办单位。", "cohandler_ids")
    return found


def answer(actor: User, demand: Demand, text: str | None, at=None) -> Demand:
    """反馈: the department's liaison (or staff on its behalf), or the staff handler, says what was done."""
    if not (is_staff(actor) or answers_for_department(actor, demand)):
        raise NotAllowed("只有承办部门的联络员或中心工作人员可以反馈办理结果。")
    text = _required_text(text, "请填写办理结果。", "answer")
    at = at or clock.now()
    return _move(
        actor, demand, "answer", (HANDLING, TRANSFERRED), ANSWERED, text, at,
        answer=text, answered_at=at, answered_by_id=actor.id,
    )  # fmt: skip


def close(actor: User, demand: Demand, satisfaction: str | None, note: str | None = None, at=None) -> Demand:
    """销号 after asking the enterprise; an unsatisfied enterprise's demand is not closed."""
    _require_staff(actor, "只有中心工作人员可以销号。")
    if satisfaction not in SATISFACTION:
        raise RuleError("请选择企业满意度。", "satisfaction")
    if satisfaction == UNSATISFIED:
        raise RuleError("企业不满意的诉求不能销号，请退回重办。", "satisfaction")
    note = clean_text(note)
    text = f"企业评价：{SATISFACTION[satisfaction]}" + (f"。{note}" if note else "")
    at = at or clock.now()
    return _move(
        actor, demand, "close", (ANSWERED,), CLOSED, text, at, satisfaction=satisfaction, closed_at=at, closed_by_id=actor.id
    )


def rate_by_enterprise(demand: Demand, satisfaction: str | None, comment: str | None, at=None) -> Demand:
    """The enterprise's own 回访 on its follow link: 满意 or 基本满意 closes the demand with that
    rating; 不满意 sends it back for another round, to the department that answered or to the
    centre, as staff would (``send_back``) — the answer is cleared and the deadline stays."""
    if satisfaction not in SATISFACTION:
        raise RuleError("请选择您对办理结果的评价。", "satisfaction")
    comment = clean_text(comment)
    if comment and len(comment) > NOTE_MAX:
        raise RuleError(f"内容不超过{NOTE_MAX}字。", "comment")
    text = f"企业评价：{SATISFACTION[satisfaction]}" + (f"。{comment}" if comment else "")
    at = at or clock.now()
    if satisfaction != UNSATISFIED:
        return _move(None, demand, "close", (ANSWERED,), CLOSED, text, at, satisfaction=satisfaction, closed_at=at)
    target = TRANSFERRED if demand.route == TRANSFER else HANDLING
    values = {"answer": None, "answered_at": None, "answered_by_id": None}
    return _move(None, demand, "return", (ANSWERED,), target, f"{text}，退回重办", at, **values)


def send_back(actor: User, demand: Demand, target: str | None, note: str | None, deadline: date | None = None, at=None) -> Demand:
    """退回重办: the answer was not enough (or the enterprise is not satisfied); back to the centre
    (handling) or to the same department (transferred), with a note and optionally a new deadline."""
    _require_staff(actor, "只有中心工作人员可以退回重办。")
    if target not in (HANDLING, TRANSFERRED):
        raise RuleError("请选择退回中心直办或原部门重办。", "target")
    if target == TRANSFERRED and demand.department_id is None:
        raise RuleError("该诉求未曾转办，只能退回中心直办。", "target")
    note = _required_text(note, "请写明退回原因。", "note")
    at = at or clock.now()
    if deadline is not None and deadline < at.date():
        raise RuleError("办理时限不能早于今天。", "deadline")
    values = {"route": TRANSFER if target == TRANSFERRED else DIRECT, "answer": None, "answered_at": None, "answered_by_id": None}
    if target == HANDLING and demand.handler_id is None:
        values["handler_id"] = actor.id
    if deadline is not None:
        values["deadline"] = deadline
    text = ("退回中心直办：" if target == HANDLING else f"退回{demand.department.short_name}重办：") + note
    return _move(actor, demand, "return", (ANSWERED,), target, text, at, **values)


def decline(actor: User, demand: Demand, reason: str | None, at=None) -> Demand:
    _require_staff(actor, "只有中心工作人员可以作出不予受理。")
    reason = _required_text(reason, "请填写不予受理的原因。", "reason")
    return _move(actor, demand, "decline", (SUBMITTED,), DECLINED, reason, at, decline_reason=reason)


# --- supervision ---------------------------------------------------------------------------------


def supervise(actor: User, demand: Demand, note: str | None, at=None) -> Demand:
    """督办: a note to push an open demand; the state stays, the count and the last note show.
    A demand its department handed back (退单) is nobody's to push until staff route it again."""
    _require_staff(actor, "只有中心工作人员可以督办。")
    note = _required_text(note, "请填写督办意见。", "note")
    state = demand.status
    if state == HANDED_BACK:
        raise Conflict("该诉求已被部门退单，请重新转办或由中心直办，无需督办。")
    if state not in OPEN_STATES:
        raise Conflict(f"该诉求当前为“{demand.status_label}”，无需督办。")
    at = at or clock.now()
    # Counted in SQL, so two supervisors at once both count; only in the state read, so that a
    # 退单 committed meanwhile makes this a 409 and the timeline never shows a 督办 after it.
    counted = db.session.execute(
        update(Demand)
        .where(Demand.id == demand.id, Demand.status == state)
        .values(supervision_count=Demand.supervision_count + 1, last_supervision_note=note, last_supervised_at=at)
        .execution_options(synchronize_session=False)
    ).rowcount
    if counted != 1:
        current = db.session.scalar(select(Demand.status).where(Demand.id == demand.id))
        raise Conflict(f"该诉求刚刚已被他人处理，当前为“{DEMAND_STATES.get(current, current)}”，请刷新后查看。")
    _event(actor, demand, "supervise", at, state, state, note)
    audit.record(
        audit.actor_id(actor), "demand.supervise", "demand", demand.id, state, state, number=demand.number, note=note
    )
    db.session.flush()
    db.session.refresh(demand)
    return demand
