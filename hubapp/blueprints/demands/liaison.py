"""What a department's liaison does with a demand transferred to it, besides answering: 签收 (sign
for it), 退单 (hand it back: not our remit), and 延期 (ask for a later deadline, which staff grant
or refuse).

Each is one conditional UPDATE on the state read, as ``moves._move``: of two people acting at
once, the second is told what the first did (``Conflict``); with its timeline row and audit row in
the caller's unit of work.
"""

from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from hubapp import audit, clock
from hubapp.blueprints.auth.models import User
from hubapp.blueprints.demands import notices
from hubapp.blueprints.demands.models import (
    DEMAND_STATES,
    GRANTED,
    HANDED_BACK,
    PENDING,
    REFUSED,
    TRANSFERRED,
    Demand,
    DemandExtension,
)
from hubapp.blueprints.demands.moves import _event, _move, _require_staff, _required_text
from hubapp.blueprints.demands.reading import answers_for_department
from hubapp.extensions import db
from hubapp.formatting import chinese_date
from hubapp.rules import Conflict, NotAllowed, RuleError, clean_text

#: The longest name of a unit a liaison suggests instead of theirs.
UNIT_MAX = 100


SUPERVISED_MEANWHILE = "您打开此页后，中心刚刚督办了该诉求，请先查看督办意见，再决定是否退单。"


def _require_liaison(actor: User, demand: Demand, message: str) -> None:
    if not answers_for_department(actor, demand):
        raise NotAllowed(message)


def _require_transferred(demand: Demand, verb: str) -> None:
    if demand.status != TRANSFERRED:
        raise Conflict(f"该诉求当前为“{demand.status_label}”，不能{verb}。")


def _current_status(demand: Demand) -> str:
    current = db.session.scalar(select(Demand.status).where(Demand.id == demand.id))
    return DEMAND_STATES.get(current, current)


# --- 签收 ----------------------------------------------------------------------------------------


def acknowledge(actor: User, demand: Demand, at: datetime | None = None) -> Demand:
    """签收: the department's liaison confirms the transfer reached them; once per transfer."""
    _require_liaison(actor, demand, "只有承办部门的联络员可以签收。")
    _require_transferred(demand, "签收")
    if demand.acknowledged_at is not None:
        raise Conflict(f"该诉求已于{chinese_date(demand.acknowledged_at.date())}签收。")
    at = at or clock.now()
    signed = db.session.execute(
        update(Demand)
        .where(Demand.id == demand.id, Demand.status == TRANSFERRED, Demand.acknowledged_at.is_(None))
        .values(acknowledged_at=at)
        .execution_options(synchronize_session=False)
    ).rowcount
    if signed != 1:
        raise Conflict(f"该诉求刚刚已被他人处理，当前为“{_current_status(demand)}”，请刷新后查看。")
    _event(actor, demand, "acknowledge", at, TRANSFERRED, TRANSFERRED, f"{actor.display_name}签收")
    audit.record(
        audit.actor_id(actor), "demand.acknowledge", "demand", demand.id, TRANSFERRED, TRANSFERRED, number=demand.number
    )
    db.session.flush()
    db.session.refresh(demand)
    return demand


# --- 退单 ----------------------------------------------------------------------------------------


def hand_back(
    actor: User, demand: Demand, reason: str | None, suggested_unit: str | None, at=None,
    supervisions_seen: int | None = None,
) -> Demand:  # fmt: skip
    """退单: not this department's remit; back to the centre with the reason, and the unit the
    liaison suggests, for staff to route again. ``supervisions_seen`` is the 督办 count on the page
    the liaison answered from: a 督办 made since then (even at the same moment) is news the
    liaison must read first, so the 退单 is refused (None: not checked)."""
    _require_liaison(actor, demand, "只有承办部门的联络员可以退单。")
    reason = _required_text(reason, "请写明退单原因。", "reason")
    suggested = clean_text(suggested_unit)
    if suggested and len(suggested) > UNIT_MAX:
        raise RuleError(f"建议承办单位不超过{UNIT_MAX}字。", "suggested_unit")
    text = reason + (f"。建议转{suggested}" if suggested else "")
    if supervisions_seen is not None and demand.supervision_count != supervisions_seen:
        raise Conflict(SUPERVISED_MEANWHILE)
    guard = None if supervisions_seen is None else (Demand.supervision_count == supervisions_seen, SUPERVISED_MEANWHILE)
    return _move(
        actor,
        demand,
        "hand_back",
        (TRANSFERRED,),
        HANDED_BACK,
        text,
        at,
        guard=guard,
        hand_back_reason=reason,
        suggested_unit=suggested,
    )


# --- 延期 ----------------------------------------------------------------------------------------


def pending_extension(demand: Demand) -> DemandExtension | None:
    return next((e for e in demand.extensions if e.status == PENDING), None)


def ask_extension(
    actor: User, demand: Demand, new_deadline: date | None, reason: str | None, at=None
) -> DemandExtension:
    """延期申请: the liaison asks for a later deadline; the deadline stays until staff grant it."""
    _require_liaison(actor, demand, "只有承办部门的联络员可以申请延期。")
    if new_deadline is None:
        raise RuleError("请填写申请延至的日期。", "new_deadline")
    if new_deadline <= demand.deadline:
        raise RuleError(f"申请延至的日期应晚于现办理时限{chinese_date(demand.deadline)}。", "new_deadline")
    reason = _required_text(reason, "请写明延期原因。", "reason")
    _require_transferred(demand, "申请延期")
    if pending_extension(demand) is not None:
        raise Conflict("该诉求已有一份延期申请等待审批。")
    at = at or clock.now()
    extension = DemandExtension(
        demand_id=demand.id, status=PENDING, old_deadline=demand.deadline, new_deadline=new_deadline,
        reason=reason, asked_by_id=actor.id, asked_at=at,
    )  # fmt: skip
    try:
        # The database allows one pending request per demand: a second liaison at the same moment
        # loses here, not with a 500.
        with db.session.begin_nested():
            db.session.add(extension)
            db.session.flush()
    except IntegrityError:
        raise Conflict("该诉求已有一份延期申请等待审批。") from None
    note = f"申请延至{chinese_date(new_deadline)}：{reason}"
    _event(actor, demand, "extend_ask", at, demand.status, demand.status, note)
    audit.record(
        audit.actor_id(actor), "demand.extend_ask", "demand", demand.id, demand.status, demand.status,
        number=demand.number, note=note,
    )  # fmt: skip
    db.session.flush()
    db.session.refresh(demand)
    return extension


def _decide(actor: User, extension: DemandExtension, outcome: str, note: str | None, at: datetime) -> None:
    """Move the request from pending to ``outcome``, only if nobody decided it meanwhile."""
    decided = db.session.execute(
        update(DemandExtension)
        .where(DemandExtension.id == extension.id, DemandExtension.status == PENDING)
        .values(status=outcome, decided_by_id=actor.id, decided_at=at, decision_note=note)
        .execution_options(synchronize_session=False)
    ).rowcount
    if decided != 1:
        raise Conflict("该延期申请刚刚已被他人审批，请刷新后查看。")


def grant_extension(actor: User, demand: Demand, note: str | None = None, at=None) -> Demand:
    """同意延期: the demand's deadline becomes the date asked for."""
    _require_staff(actor, "只有中心工作人员可以审批延期申请。")
    extension = pending_extension(demand)
    if extension is None:
        raise Conflict("该诉求没有等待审批的延期申请。")
    _require_transferred(demand, "同意延期")
    note = clean_text(note)
    at = at or clock.now()
    _decide(actor, extension, GRANTED, note, at)
    moved = db.session.execute(
        update(Demand)
        .where(Demand.id == demand.id, Demand.status == TRANSFERRED)
        .values(deadline=extension.new_deadline)
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:
        raise Conflict(f"该诉求刚刚已被他人处理，当前为“{_current_status(demand)}”，请刷新后查看。")
    text = f"办理时限由{chinese_date(extension.old_deadline)}延至{chinese_date(extension.new_deadline)}" + (
        f"。{note}" if note else ""
    )
    _event(actor, demand, "extend_grant", at, TRANSFERRED, TRANSFERRED, text)
    audit.record(
        audit.actor_id(actor), "demand.extend_grant", "demand", demand.id, TRANSFERRED, TRANSFERRED,
        number=demand.number, note=text,
    )  # fmt: skip
    db.session.flush()
    db.session.refresh(demand)
    db.session.refresh(extension)
    notices.extension_decided(demand, extension)
    return demand


def refuse_extension(actor: User, demand: Demand, note: str | None, at=None) -> Demand:
    """不同意延期: the deadline stays; the liaison reads why. A request left waiting after the
    demand moved on may still be refused, so it does not block the next one."""
    _require_staff(actor, "只有中心工作人员可以审批延期申请。")
    note = _required_text(note, "请写明不同意延期的理由。", "note")
    extension = pending_extension(demand)
    if extension is None:
        raise Conflict("该诉求没有等待审批的延期申请。")
    at = at or clock.now()
    _decide(actor, extension, REFUSED, note, at)
    _event(
        actor,
        demand,
        "extend_deny",
        at,
        demand.status,
        demand.status,
        f"不同意延至{chinese_date(extension.new_deadline)}：{note}",
    )
    audit.record(
        audit.actor_id(actor), "demand.extend_deny", "demand", demand.id, demand.status, demand.status,
        number=demand.number, note=note,
    )  # fmt: skip
    db.session.flush()
    db.session.refresh(demand)
    db.session.refresh(extension)
    notices.extension_decided(demand, extension)
    return demand
