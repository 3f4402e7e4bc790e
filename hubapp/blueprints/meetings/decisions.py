"""议定事项: written into a meeting's draft with its responsible unit and deadline, then followed up
across meetings once the minutes are issued: the unit's liaison or centre staff report dated
progress (推进中), a later deadline (已延期), the end of the work (已完成, or 无法完成 with the
reason); a closed decision can be reopened with a reason. Active decisions carry the 三色 flag
(``Decision.colour``), which the 督办 list filters by.

A follow-up is a move between ``DECISION_STATES`` made by one conditional UPDATE; whoever moved
the decision first wins and the other is told (``Conflict``).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from hubapp import audit, clock, concurrency
from hubapp.blueprints.auth.roles import STAFF_ROLES, Role
from hubapp.blueprints.directory import services as directory
from hubapp.blueprints.meetings.models import (
    ACTIVE_STATES,
    BLUE,
    CLOSED_STATES,
    DECISION_STATES,
    DONE,
    EXTENDED,
    FOLLOW_UP_TITLE,
    ISSUED,
    OPEN,
    PROGRESS,
    RED,
    UNABLE,
    YELLOW,
    AgendaItem,
    Decision,
    DecisionProgress,
    DecisionSupporter,
    Meeting,
    MinutesVersion,
    due_soon_limit,
)
from hubapp.blueprints.meetings.planning import MeetingPlan, create_meeting, held_between, require_editable
from hubapp.extensions import db
from hubapp.formatting import chinese_date, quoted
from hubapp.rules import Conflict, NotAllowed, RuleError, clean_text

#: The longest note of marking a decision done or reason of reopening it.
NOTE_MAX = 2000


# --- reading -------------------------------------------------------------------------------


def may_follow_up(user, decision: Decision) -> bool:
    """Staff follow every decision; a liaison those their department leads or supports (协办)."""
    if user is None:
        return False
    if user.role in STAFF_ROLES:
        return True
    if user.role != Role.LIAISON or user.department_id is None:
        return False
    return user.department_id == decision.department_id or any(
        s.department_id == user.department_id for s in decision.supporters
    )


def concerns_department(department_id: int):
    """The SQL condition "``department_id`` is the decision's responsible or a supporting unit"."""
    return or_(
        Decision.department_id == department_id,
        Decision.supporters.any(DecisionSupporter.department_id == department_id),
    )


#: The status filter meaning every state still being worked on (the 督办 list's default).
ACTIVE = "active"
#: The deadline in force, in SQL: the extended one, else the meeting's.
DUE_ON = func.coalesce(Decision.extended_to, Decision.deadline)


def colour_condition(colour: str, today: date, active=None):
    """The SQL condition of the 三色 flag ``colour`` on ``today``, as ``Decision.colour`` reads it;
    ``active`` replaces "still being worked on now" (a report on a past day asks "then")."""
    active = Decision.status.in_(ACTIVE_STATES) if active is None else active
    limit = due_soon_limit(today)
    if colour == RED:
        return active & (DUE_ON < today)
    if colour == YELLOW:
        return active & (DUE_ON >= today) & (DUE_ON <= limit)
    return active & or_(DUE_ON.is_(None), DUE_ON > limit)


def issued():
    """Decisions of a meeting whose minutes were never issued are still being drafted: no list
    or count shows them."""
    return Decision.meeting_id.in_(select(MinutesVersion.meeting_id).where(MinutesVersion.status == ISSUED))


def decisions_query(
    user,
    status: str | None = ACTIVE,
    department_id: int | None = None,
    colour: str | None = None,
    between: tuple[date, date] | None = None,
):
    """Decisions across meetings, the earliest deadline in force first; a liaison sees their own
    unit's only. ``status`` is one of ``DECISION_STATES``, ``ACTIVE`` or None for all;
    ``between`` keeps the decisions of the meetings held from a day up to another (exclusive)."""
    stmt = (
        select(Decision)
        .join(Meeting, Decision.meeting_id == Meeting.id)
        .options(
            joinedload(Decision.meeting),
            joinedload(Decision.department),
            joinedload(Decision.done_by),
            selectinload(Decision.supporters).joinedload(DecisionSupporter.department),
            selectinload(Decision.progress).joinedload(DecisionProgress.entered_by),
        )
        .where(issued())
        .order_by(DUE_ON.is_(None), DUE_ON, Meeting.start_at, Decision.number)
    )
    if user.role == Role.LIAISON:
        stmt = stmt.where(concerns_department(user.department_id))
    elif user.role not in STAFF_ROLES:
        stmt = stmt.where(Decision.id.is_(None))
    if status == ACTIVE:
        stmt = stmt.where(Decision.status.in_(ACTIVE_STATES))
    elif status:
        stmt = stmt.where(Decision.status == status)
    if department_id:
        stmt = stmt.where(Decision.department_id == department_id)
    if colour:
        stmt = stmt.where(colour_condition(colour, clock.today()))
    if between:
        stmt = stmt.where(*held_between(*between))
    return stmt


def decision_totals(start: date, end: date) -> tuple[int, int]:
    """(decisions done, decisions still in force) of the meetings held from ``start`` up to
    ``end``, as staff's 督办 list filtered to them shows."""
    done, active = db.session.execute(
        select(
            func.count().filter(Decision.status == DONE),
            func.count().filter(Decision.status.in_(ACTIVE_STATES)),
        )
        .join(Meeting, Decision.meeting_id == Meeting.id)
        .where(issued(), *held_between(start, end))
    ).one()
    return done, active


def colour_counts(user, department_id: int | None = None) -> dict[str, int]:
    """How many active decisions are blue, yellow and red today."""
    counts = {}
    for colour in (BLUE, YELLOW, RED):
        matching = decisions_query(user, department_id=department_id, colour=colour).order_by(None).subquery()
        counts[colour] = db.session.scalar(select(func.count()).select_from(matching)) or 0
    return counts


def decision_counts(user) -> dict[str, int]:
    """Active decisions that are overdue (red) and due soon (yellow), for the home panel."""
    counts = colour_counts(user)
    return {"overdue": counts[RED], "due_soon": counts[YELLOW]}


@dataclass
class ColourReport:
    """The 三色 of all active decisions on ``today``, for reports outside this module (the monthly
    通报): counts by colour, the red ones named, and how many were closed in the period."""

    today: date
    counts: dict[str, int]
    overdue: list[Decision]
    done_in_period: int


def colour_report(today: date, period_start: date, period_end: date) -> ColourReport:
    """Every issued decision's colour as it stood at the end of ``today`` (which may be past: a
    decision closed since then still counts as open then), whatever unit; and those closed
    (已完成) from ``period_start`` to ``period_end`` inclusive."""
    day_after = datetime.combine(today + timedelta(days=1), datetime.min.time())
    issued = Decision.meeting_id.in_(
        select(MinutesVersion.meeting_id).where(MinutesVersion.status == ISSUED, MinutesVersion.issued_at < day_after)
    )
    active_then = or_(
        Decision.status.in_(ACTIVE_STATES), Decision.status.in_(CLOSED_STATES) & (Decision.done_at >= day_after)
    )
    counts = {
        colour: db.session.scalar(
            select(func.count(Decision.id)).where(issued, colour_condition(colour, today, active_then))
        )
        or 0
        for colour in (BLUE, YELLOW, RED)
    }
    overdue = list(
        db.session.scalars(
            select(Decision)
            .options(joinedload(Decision.meeting), joinedload(Decision.department))
            .where(issued, colour_condition(RED, today, active_then))
            .order_by(DUE_ON, Decision.id)
        )
    )
    done = db.session.scalar(
        select(func.count(Decision.id)).where(
            issued,
            Decision.status == DONE,
            Decision.done_at >= datetime.combine(period_start, datetime.min.time()),
            Decision.done_at < datetime.combine(period_end + timedelta(days=1), datetime.min.time()),
        )
    )
    return ColourReport(today, counts, overdue, done or 0)


# --- in the meeting's draft ----------------------------------------------------------------


def _check_decision(
    meeting: Meeting,
    text: str,
    department_id: int | None,
    unit_text: str | None,
    deadline,
    supporter_ids: Sequence[int],
) -> None:
    if deadline is not None and deadline < meeting.start_at.date():
        raise RuleError("完成时限不能早于会议日期。", "deadline")
    if not clean_text(text):
        raise RuleError("请填写议定事项内容。", "text")
    known = {d.id for d in directory.departments()}
    if department_id:
        if department_id not in known:
            raise RuleError("请选择责任单位。", "department_id")
    elif not clean_text(unit_text):
        raise RuleError("请选择责任单位，或填写其他责任单位。", "department_id")
    if any(supporter not in known for supporter in supporter_ids):
        raise RuleError("协办单位须从联席会议成员单位中选择。", "supporter_ids")
    if department_id and department_id in supporter_ids:
        raise RuleError("责任单位不能同时作为协办单位。", "supporter_ids")


#: Said when the database refused units that the checks above found apart: another edit, made at
#: the same moment, made a supporting unit responsible (``DecisionSupporter``).
UNITS_CHANGED = "该事项的责任单位或协办单位刚刚已被他人修改，请刷新后重试。"


def _units_written(write) -> None:
    """Run ``write`` (which flushes units) in a savepoint; the database's refusal is a ``Conflict``."""
    try:
        with db.session.begin_nested():
            write()
    except IntegrityError:
        raise Conflict(UNITS_CHANGED) from None


def _drop_supporters(decision: Decision, keep: Sequence[int]) -> None:
    """Remove the supporters not in ``keep``, flushed before the responsible unit changes: the
    database refuses, at once, a supporter that is the responsible unit (``DecisionSupporter``)."""
    for supporter in [s for s in decision.supporters if s.department_id not in keep]:
        decision.supporters.remove(supporter)
    db.session.flush()


def _add_supporters(decision: Decision, wanted: Sequence[int]) -> None:
    present = {s.department_id for s in decision.supporters}
    for department_id in wanted:
        if department_id not in present:
            decision.supporters.append(
                DecisionSupporter(department_id=department_id, responsible_department_id=decision.department_id)
            )
    db.session.flush()


def add_decision(
    actor,
    meeting: Meeting,
    text: str,
    department_id: int | None,
    unit_text: str | None,
    deadline: date | None,
    supporter_ids: Sequence[int] = (),
) -> Decision:
    supporter_ids = list(dict.fromkeys(supporter_ids))
    require_editable(meeting)
    _check_decision(meeting, text, department_id, unit_text, deadline, supporter_ids)
    decision = Decision(
        number=max((d.number for d in meeting.decisions), default=0) + 1,
        text=text.strip(),
        department_id=department_id or None,
        unit_text=None if department_id else clean_text(unit_text),
        deadline=deadline,
        status=OPEN,
    )
    meeting.decisions.append(decision)
    db.session.flush()
    _units_written(lambda: _add_supporters(decision, supporter_ids))
    audit.record(
        audit.actor_id(actor),
        "decision.create",
        "decision",
        decision.id,
        None,
        OPEN,
        meeting=meeting.id,
        number=decision.number,
        supporters=decision.supporting_names,
    )
    return decision


def update_decision(
    actor,
    decision: Decision,
    text: str,
    department_id: int | None,
    unit_text: str | None,
    deadline: date | None,
    supporter_ids: Sequence[int] = (),
) -> Decision:
    supporter_ids = list(dict.fromkeys(supporter_ids))
    require_editable(decision.meeting)
    _check_decision(decision.meeting, text, department_id, unit_text, deadline, supporter_ids)
    supporters_before = decision.supporting_names

    def write() -> None:
        _drop_supporters(decision, supporter_ids)
        decision.text = text.strip()
        decision.department_id = department_id or None
        decision.unit_text = None if department_id else clean_text(unit_text)
        decision.deadline = deadline
        db.session.flush()
        _add_supporters(decision, supporter_ids)

    _units_written(write)
    detail = {"meeting": decision.meeting_id}
    if decision.supporting_names != supporters_before:
        detail |= {"supporters_before": supporters_before, "supporters": decision.supporting_names}
    audit.record(audit.actor_id(actor), "decision.update", "decision", decision.id, **detail)
    return decision


def remove_decision(actor, decision: Decision) -> None:
    """Remove a decision from a draft; the ones after it move up so the numbers stay 1, 2, 3 …"""
    meeting = decision.meeting
    require_editable(meeting)
    audit.record(
        audit.actor_id(actor), "decision.delete", "decision", decision.id, decision.status, None, meeting=meeting.id,
        supporters=decision.supporting_names, record=audit.snapshot(decision),
    )
    meeting.decisions.remove(decision)
    db.session.flush()
    # One at a time: the numbers are unique within the meeting at every step.
    for number, remaining in enumerate(sorted(meeting.decisions, key=lambda d: d.number), start=1):
        if remaining.number != number:
            remaining.number = number
            db.session.flush()


# --- follow-up -----------------------------------------------------------------------------

#: What a progress report may say the decision's state now is.
REPORT_STATES = {PROGRESS: "推进中", EXTENDED: "申请延期（已延期）", DONE: "已完成", UNABLE: "无法完成"}


@dataclass(frozen=True)
class ProgressReport:
    """A unit's progress report: the state it leaves the decision in, what was done (or, for
    无法完成, why not), and for 已延期 the new deadline."""

    status: str
    note: str | None
    new_deadline: date | None = None


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
        raise NotAllowed("只有责任单位、协办单位的联络员或中心工作人员可以更新该事项。")


def _checked_note(note: str | None, missing: str, label: str) -> str:
    if not clean_text(note):
        raise RuleError(missing, "note")
    if len(note.strip()) > NOTE_MAX:
        raise RuleError(f"{label}不超过{NOTE_MAX}字。", "note")
    return note.strip()


#: The audit action of each state a report leaves the decision in.
_REPORT_ACTIONS = {PROGRESS: "progress", EXTENDED: "extend", DONE: "done", UNABLE: "unable"}


def report_progress(actor, decision: Decision, report: ProgressReport, at: datetime | None = None) -> DecisionProgress:
    """Write a dated progress report and move the decision to the state it names. ``at`` is for
    work reported before it was entered here (demo data)."""
    _require_follow_up(actor, decision)
    if decision.meeting.latest_issued is None:
        # Until the minutes are issued the decision may still be reworded or removed.
        raise Conflict("该会议纪要尚未印发，议定事项印发后才能办理。")
    if decision.status in CLOSED_STATES:
        raise Conflict(f"该事项已{'办结' if decision.status == DONE else '标记为无法完成'}，如需继续请先重新打开。")
    if report.status not in REPORT_STATES:
        raise RuleError("请选择办理状态。", "status")
    labels = {
        PROGRESS: ("请填写进展情况。", "进展情况"),
        EXTENDED: ("请填写延期原因和目前进展。", "延期原因"),
        DONE: ("请填写办理情况。", "办理情况"),
        UNABLE: ("请填写无法完成的原因。", "原因"),
    }
    note = _checked_note(report.note, *labels[report.status])
    values: dict = {}
    detail: dict = {"note": note}
    if report.status == EXTENDED:
        if report.new_deadline is None:
            raise RuleError("申请延期请填写新的完成时限。", "new_deadline")
        if decision.due_on is not None and report.new_deadline <= decision.due_on:
            raise RuleError(f"新的完成时限应晚于现在的时限（{decision.due_on.year}年{decision.due_on.month}月{decision.due_on.day}日）。", "new_deadline")
        if report.new_deadline < clock.today():
            raise RuleError("新的完成时限不能早于今天。", "new_deadline")
        values["extended_to"] = report.new_deadline
        detail["new_deadline"] = report.new_deadline.isoformat()
    moment = at or clock.now()
    if report.status in CLOSED_STATES:
        values |= {"done_note": note, "done_at": moment, "done_by_id": audit.actor_id(actor)}
    _move(actor, decision, decision.status, report.status, _REPORT_ACTIONS[report.status], values, **detail)
    entry = DecisionProgress(
        decision_id=decision.id,
        entered_at=moment,
        entered_by_id=audit.actor_id(actor),
        note=note,
        status=report.status,
        new_deadline=report.new_deadline if report.status == EXTENDED else None,
    )
    db.session.add(entry)
    db.session.flush()
    db.session.expire(decision, ["progress"])
    return entry


def complete_decision(actor, decision: Decision, note: str | None, done_at: datetime | None = None) -> Decision:
    """Mark the decision done with what was done: a progress report of 已完成."""
    report_progress(actor, decision, ProgressReport(DONE, note), at=done_at)
    return decision


def reopen_decision(actor, decision: Decision, reason: str | None) -> Decision:
    """Put a done (or given-up) decision back to 推进中, with the reason as a progress report."""
    _require_follow_up(actor, decision)
    if decision.status not in CLOSED_STATES:
        raise Conflict("该事项尚未办结。")
    reason = _checked_note(reason, "请填写重新打开的原因。", "原因")
    # The old note described work now found unfinished; the audit row of "done" keeps it.
    cleared = {"done_note": None, "done_at": None, "done_by_id": None}
    _move(actor, decision, decision.status, PROGRESS, "reopen", cleared, reason=reason)
    db.session.add(
        DecisionProgress(
            decision_id=decision.id,
            entered_at=clock.now(),
            entered_by_id=audit.actor_id(actor),
            note=f"重新打开：{reason}",
            status=PROGRESS,
        )
    )
    db.session.flush()
    db.session.expire(decision, ["progress"])
    return decision


# --- 上次会议议定事项落实情况 ----------------------------------------------------------------

def carried_over(meeting: Meeting) -> tuple[bool, list[Decision]]:
    """Whether earlier meetings of ``meeting``'s kind issued decisions at all, and those of them
    still being worked on (``ACTIVE_STATES``), the oldest meeting first."""
    earlier = (
        select(Decision)
        .join(Meeting, Decision.meeting_id == Meeting.id)
        .where(
            Meeting.kind == meeting.kind,
            Meeting.start_at < meeting.start_at,
            Meeting.id != meeting.id,
            Decision.meeting_id.in_(select(MinutesVersion.meeting_id).where(MinutesVersion.status == ISSUED)),
        )
    )
    any_issued = db.session.scalar(select(earlier.exists()))
    still_open = db.session.scalars(
        earlier.where(Decision.status.in_(ACTIVE_STATES))
        .options(
            joinedload(Decision.meeting),
            joinedload(Decision.department),
            selectinload(Decision.supporters).joinedload(DecisionSupporter.department),
            selectinload(Decision.progress),
        )
        .order_by(Meeting.start_at, Decision.number)
    )
    return bool(any_issued), list(still_open)


def follow_up_paragraph(decision: Decision) -> str:
    """One open decision as the 纪要 reports it: what, who, by when, where it stands."""
    units = f"责任单位：{decision.unit_name}"
    if decision.supporters:
        units += f"；协办单位：{decision.supporting_names}"
    if decision.due_on:
        units += f"；完成时限：{chinese_date(decision.due_on)}"
    state = decision.status_label
    if decision.extended_to:
        state += f"（延期至{chinese_date(decision.extended_to)}）"
    latest = decision.latest_progress
    progress = f"最新进展（{chinese_date(latest.entered_at)}）：{latest.note}" if latest else "尚未报送进展"
    paragraph = f"{decision.meeting.title}议定事项第{decision.number}项：{decision.text}（{units}）。目前{state}，{progress}"
    return paragraph if paragraph.endswith(("。", "！", "？", "；")) else paragraph + "。"


def follow_up(meeting: Meeting) -> tuple[str | None, list[Decision]]:
    """What 上次会议议定事项落实情况 says for ``meeting`` today — one paragraph per decision of
    earlier meetings of its kind still open, with its latest progress — and those decisions; no
    text when no earlier meeting of its kind issued decisions."""
    any_issued, still_open = carried_over(meeting)
    if not any_issued:
        return None, []
    if not still_open:
        return "此前会议议定事项均已办结。", []
    return "\n".join(follow_up_paragraph(d) for d in still_open), still_open


def open_meeting(actor, plan: MeetingPlan) -> Meeting:
    """Create a meeting (``planning.create_meeting``); when earlier meetings of its kind issued
    decisions, its agenda starts with 上次会议议定事项落实情况, one paragraph per decision still
    open, each with its latest progress. The item is ordinary agenda text: staff bring it up to
    date at the meeting (or rewrite it from the progress reported since, ``refresh_follow_up``),
    and the 纪要 prints and freezes it as it then reads."""
    meeting = create_meeting(actor, plan)
    discussion, still_open = follow_up(meeting)
    if discussion is None:
        return meeting
    item = AgendaItem(title=FOLLOW_UP_TITLE, discussion=discussion, position=1, updated_at=clock.now())
    meeting.agenda_items.append(item)
    db.session.flush()
    audit.record(
        audit.actor_id(actor), "meeting.agenda.add", "meeting", meeting.id, item=item.id, title=item.title,
        decisions=[d.id for d in still_open],
    )  # fmt: skip
    return meeting


def refresh_follow_up(actor, meeting: Meeting, item_id: int, based_on: int | None) -> AgendaItem:
    """Rewrite the 上次会议议定事项落实情况 item from the decisions' progress as it stands now
    (reports often arrive between the meeting's creation and the meeting). It replaces what was
    typed into the item, which the page confirms first; ``based_on`` refuses it when someone saved
    the item since the page was drawn, so that nobody's typing is lost unseen."""
    require_editable(meeting)
    item = next((i for i in meeting.agenda_items if i.id == item_id), None)
    if item is None or not item.follows_up:
        raise Conflict(f"只有议题{quoted(FOLLOW_UP_TITLE)}可以按议定事项的进展重新生成。")
    concurrency.claim(item, based_on, "您打开此页后，已有人修改了该议题，未重新生成；请核对后再试。")
    discussion, still_open = follow_up(meeting)
    item.discussion = discussion or "此前会议未形成议定事项。"
    item.updated_at = clock.now()
    db.session.flush()
    audit.record(
        audit.actor_id(actor), "meeting.agenda.refresh", "meeting", meeting.id, item=item.id,
        decisions=[d.id for d in still_open],
    )  # fmt: skip
    return item
