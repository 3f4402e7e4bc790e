"""议定事项: written into a meeting's draft with its responsible unit and deadline, then followed up
across meetings once the minutes are issued — marked done with a note, reopened with a reason.

A follow-up is a move between ``DECISION_STATES`` made by one conditional UPDATE; whoever moved
the decision first wins and the other is told (``Conflict``).
"""

from datetime import date, datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload

from hubapp import audit, clock
from hubapp.blueprints.auth.roles import STAFF_ROLES, Role
from hubapp.blueprints.directory import services as directory
from hubapp.blueprints.meetings.models import DECISION_STATES, DONE, ISSUED, OPEN, Decision, Meeting, MinutesVersion
from hubapp.blueprints.meetings.planning import clean, require_editable
from hubapp.extensions import db
from hubapp.rules import Conflict, NotAllowed, RuleError

#: Open decisions due within this many days count as "due soon" on the home panel.
DUE_SOON_DAYS = 7
#: The longest note of marking a decision done or reason of reopening it.
NOTE_MAX = 2000


# --- reading -------------------------------------------------------------------------------


def may_follow_up(user, decision: Decision) -> bool:
    """Staff follow every decision; a liaison those of their own department."""
    if user is None:
        return False
    if user.role in STAFF_ROLES:
        return True
    return user.role == Role.LIAISON and user.department_id is not None and decision.department_id == user.department_id


def decisions_query(user, status: str | None = OPEN, department_id: int | None = None, overdue_only: bool = False):
    """Decisions across meetings, the earliest deadline first; a liaison sees their own unit's only."""
    stmt = (
        select(Decision)
        .join(Meeting, Decision.meeting_id == Meeting.id)
        .options(joinedload(Decision.meeting), joinedload(Decision.department), joinedload(Decision.done_by))
        # Decisions of a meeting whose minutes were never issued are still being drafted.
        .where(Decision.meeting_id.in_(select(MinutesVersion.meeting_id).where(MinutesVersion.status == ISSUED)))
        .order_by(Decision.deadline.is_(None), Decision.deadline, Meeting.start_at, Decision.number)
    )
    if user.role == Role.LIAISON:
        stmt = stmt.where(Decision.department_id == user.department_id)
    elif user.role not in STAFF_ROLES:
        stmt = stmt.where(Decision.id.is_(None))
    if status:
        stmt = stmt.where(Decision.status == status)
    if department_id:
        stmt = stmt.where(Decision.department_id == department_id)
    if overdue_only:
        stmt = stmt.where(Decision.status == OPEN, Decision.deadline < clock.today())
    return stmt


def decision_counts(user) -> dict[str, int]:
    """Open decisions that are overdue and that fall due within a week, for the home panel."""
    today = clock.today()
    base = decisions_query(user).order_by(None).subquery()
    overdue = db.session.scalar(select(func.count()).select_from(base).where(base.c.deadline < today))
    soon = db.session.scalar(
        select(func.count())
        .select_from(base)
        .where(base.c.deadline >= today, base.c.deadline <= today + timedelta(days=DUE_SOON_DAYS))
    )
    return {"overdue": overdue or 0, "due_soon": soon or 0}


# --- in the meeting's draft ----------------------------------------------------------------


def _check_decision(meeting: Meeting, text: str, department_id: int | None, unit_text: str | None, deadline) -> None:
    if deadline is not None and deadline < meeting.start_at.date():
        raise RuleError("完成时限不能早于会议日期。", "deadline")
    if not clean(text):
        raise RuleError("请填写议定事项内容。", "text")
    if department_id:
        if department_id not in {d.id for d in directory.departments()}:
            raise RuleError("请选择责任单位。", "department_id")
    elif not clean(unit_text):
        raise RuleError("请选择责任单位，或填写其他责任单位。", "department_id")


def add_decision(
    actor, meeting: Meeting, text: str, department_id: int | None, unit_text: str | None, deadline: date | None
) -> Decision:
    require_editable(meeting)
    _check_decision(meeting, text, department_id, unit_text, deadline)
    decision = Decision(
        number=max((d.number for d in meeting.decisions), default=0) + 1,
        text=text.strip(),
        department_id=department_id or None,
        unit_text=None if department_id else clean(unit_text),
        deadline=deadline,
        status=OPEN,
    )
    meeting.decisions.append(decision)
    db.session.flush()
    audit.record(
        audit.actor_id(actor),
        "decision.create",
        "decision",
        decision.id,
        None,
        OPEN,
        meeting=meeting.id,
        number=decision.number,
    )
    return decision


def update_decision(
    actor, decision: Decision, text: str, department_id: int | None, unit_text: str | None, deadline: date | None
) -> Decision:
    require_editable(decision.meeting)
    _check_decision(decision.meeting, text, department_id, unit_text, deadline)
    decision.text = text.strip()
    decision.department_id = department_id or None
    decision.unit_text = None if department_id else clean(unit_text)
    decision.deadline = deadline
    audit.record(audit.actor_id(actor), "decision.update", "decision", decision.id, meeting=decision.meeting_id)
    db.session.flush()
    return decision


def remove_decision(actor, decision: Decision) -> None:
    """Remove a decision from a draft; the ones after it move up so the numbers stay 1, 2, 3 …"""
    meeting = decision.meeting
    require_editable(meeting)
    audit.record(
        audit.actor_id(actor), "decision.delete", "decision", decision.id, decision.status, None, meeting=meeting.id,
        record=audit.snapshot(decision),
    )
    meeting.decisions.remove(decision)
    db.session.flush()
    # One at a time: the numbers are unique within the meeting at every step.
    for number, remaining in enumerate(sorted(meeting.decisions, key=lambda d: d.number), start=1):
        if remaining.number != number:
            remaining.number = number
            db.session.flush()


# --- follow-up -----------------------------------------------------------------------------


def _move(actor, decision: Decision, old: str, new: str, action: str, values: dict, **detail) -> Decision:
    """Move ``decision`` from ``old`` to ``new`` (setting ``values`` with it) by one conditional
    UPDATE, and audit it; someone who moved it first makes this a ``Conflict``."""
    moved = db.session.execute(
        update(Decision).where(Decision.id == decision.id, Decision.status == old).values(status=new, **values)
    )
    if moved.rowcount != 1:
        current = db.session.scalar(select(Decision.status).where(Decision.id == decision.id))
        raise Conflict(f"该事项刚刚已被他人更新，当前为“{DECISION_STATES.get(current, current)}”，请刷新后查看。")
    audit.record(audit.actor_id(actor), f"decision.{action}", "decision", decision.id, old, new, **detail)
    return decision


def _require_follow_up(actor, decision: Decision) -> None:
    if not may_follow_up(actor, decision):
        raise NotAllowed("只有责任单位的联络员或中心工作人员可以更新该事项。")


def complete_decision(actor, decision: Decision, note: str | None, done_at: datetime | None = None) -> Decision:
    """Mark the decision done. ``done_at`` is for work finished before it was entered here (demo data)."""
    _require_follow_up(actor, decision)
    if decision.status == DONE:
        raise Conflict("该事项已办结。")
    if decision.meeting.latest_issued is None:
        # Until the minutes are issued the decision may still be reworded or removed.
        raise Conflict("该会议纪要尚未印发，议定事项印发后才能办理。")
    if not clean(note):
        raise RuleError("请填写办理情况。", "note")
    if len(note.strip()) > NOTE_MAX:
        raise RuleError(f"办理情况不超过{NOTE_MAX}字。", "note")
    done = {"done_note": note.strip(), "done_at": done_at or clock.now(), "done_by_id": audit.actor_id(actor)}
    return _move(actor, decision, OPEN, DONE, "done", done, note=note.strip())


def reopen_decision(actor, decision: Decision, reason: str | None) -> Decision:
    _require_follow_up(actor, decision)
    if decision.status == OPEN:
        raise Conflict("该事项尚未办结。")
    if not clean(reason):
        raise RuleError("请填写重新打开的原因。", "note")
    if len(reason.strip()) > NOTE_MAX:
        raise RuleError(f"原因不超过{NOTE_MAX}字。", "note")
    # The old note described work now found unfinished; the audit row of "done" keeps it.
    cleared = {"done_note": None, "done_at": None, "done_by_id": None}
    return _move(actor, decision, DONE, OPEN, "reopen", cleared, reason=reason.strip())
