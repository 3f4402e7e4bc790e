"""Meeting rules: numbering, room booking, content editing, decisions follow-up and the minutes
workflow (draft → approved → issued, corrections as new versions). Every state change writes an
audit row in the same transaction.
"""

import json
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from flask import current_app
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from hubapp import audit, clock
from hubapp.blueprints.auth.models import User
from hubapp.blueprints.auth.roles import Role
from hubapp.blueprints.directory.models import Department, Enterprise
from hubapp.blueprints.facilities import holds
from hubapp.blueprints.meetings.models import (
    APPROVED,
    DONE,
    DRAFT,
    GROUPS,
    ISSUED,
    KINDS,
    OPEN,
    AgendaItem,
    Attendee,
    Decision,
    Meeting,
    MinutesVersion,
)
from hubapp.database import NumberTaken, write_numbered
from hubapp.extensions import db
from hubapp.formatting import chinese_date

#: Open decisions due within this many days count as "due soon" on the home panel.
DUE_SOON_DAYS = 7
#: The longest note of marking a decision done or reason of reopening it.
NOTE_MAX = 2000
CHINESE_NUMERALS = "一二三四五六七八九十"

T = TypeVar("T")


class MeetingError(ValueError):
    """A rule was broken; ``field`` names the form field the Chinese message belongs to."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(MeetingError):
    """The user may not do this (the view answers 403)."""


def chinese_ordinal(n: int) -> str:
    """一、二 … 九十九 for heading numbers."""
    if n <= 10:
        return CHINESE_NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else CHINESE_NUMERALS[tens - 1]
    return head + "十" + (CHINESE_NUMERALS[ones - 1] if ones else "")


# --- reading -------------------------------------------------------------------------------


def get_meeting(meeting_id: int) -> Meeting | None:
    return db.session.get(Meeting, meeting_id)


def meetings_query(kind: str | None = None, year: int | None = None, search: str = ""):
    stmt = (
        select(Meeting)
        .options(selectinload(Meeting.minutes_versions), holds.with_room(Meeting.booking))
        .order_by(Meeting.start_at.desc(), Meeting.id.desc())
    )
    if kind:
        stmt = stmt.where(Meeting.kind == kind)
    if year:
        stmt = stmt.where(Meeting.year == year)
    if search.strip():
        stmt = stmt.where(Meeting.theme.ilike(f"%{search.strip()}%"))
    return stmt


def meeting_years() -> list[int]:
    return list(db.session.scalars(select(Meeting.year).distinct().order_by(Meeting.year.desc())))


def staff_users() -> list[User]:
    stmt = select(User).where(User.active.is_(True), User.role.in_([Role.ADMIN, Role.STAFF])).order_by(User.id)
    return list(db.session.scalars(stmt))


def may_follow_up(user, decision: Decision) -> bool:
    """Staff follow every decision; a liaison those of their own department."""
    if user.role in (Role.ADMIN, Role.STAFF):
        return True
    return user.role == Role.LIAISON and user.department_id is not None and decision.department_id == user.department_id


def may_approve(user, meeting: Meeting) -> bool:
    return user.role == Role.ADMIN or (meeting.chair_user_id is not None and meeting.chair_user_id == user.id)


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
    elif user.role not in (Role.ADMIN, Role.STAFF):
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


# --- numbering -----------------------------------------------------------------------------


def _with_fresh_number(write: Callable[[], T]) -> T:
    """Run ``write`` (which computes a 第N次 or 〔年〕N号 as max+1 and flushes) with a number no one else holds."""
    try:
        return write_numbered(db.session, "meetings.numbering", write)
    except NumberTaken:
        raise MeetingError("编号被同时占用，请重试。") from None


def next_meeting_number(kind: str, year: int) -> int:
    current = db.session.scalar(select(func.max(Meeting.number)).where(Meeting.kind == kind, Meeting.year == year))
    return (current or 0) + 1


def next_doc_seq(year: int) -> int:
    current = db.session.scalar(select(func.max(MinutesVersion.doc_seq)).where(MinutesVersion.doc_year == year))
    return (current or 0) + 1


# --- meetings ------------------------------------------------------------------------------


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _check_meeting(kind: str, theme: str, start: datetime, end: datetime, room_id, place, chair_name, recorder_name, headcount):
    if kind not in KINDS:
        raise MeetingError("请选择会议类型。", "kind")
    if not _clean(theme):
        raise MeetingError("请填写会议主题。", "theme")
    if end <= start:
        raise MeetingError("结束时间必须晚于开始时间。", "end_time")
    if not room_id and not _clean(place):
        raise MeetingError("请选择会议室，或填写会议地点。", "room_id")
    if not _clean(chair_name):
        raise MeetingError("请填写主持人。", "chair_name")
    if not _clean(recorder_name):
        raise MeetingError("请填写记录人。", "recorder_name")
    if headcount < 1:
        raise MeetingError("参会人数至少为1人。", "headcount")


#: The meeting form's names for what a refusal of its room booking can be about; the rest is the room's.
ROOM_FIELDS = holds.FormFields({"headcount": "headcount", "end_at": "end_time", "start_at": "start_time"}, other="room_id")


def _room_use(title: str, room_id: int, start: datetime, end: datetime, headcount: int) -> holds.RoomUse:
    return holds.RoomUse(room_id=room_id, start=start, end=end, title=title, headcount=headcount, purpose="会议")


def _book(meeting_title: str, room_id: int, start: datetime, end: datetime, headcount: int, actor_id):
    # A meeting entered after it took place records the room it used.
    use = _room_use(meeting_title, room_id, start, end, headcount)
    return holds.hold(actor_id, use, ROOM_FIELDS, source="meeting", allow_past=start < clock.now())


def create_meeting(
    *,
    kind: str,
    theme: str,
    start: datetime,
    end: datetime,
    room_id: int | None,
    place: str | None,
    chair_name: str,
    recorder_name: str,
    actor_id: int | None,
    chair_user_id: int | None = None,
    headcount: int = 10,
) -> Meeting:
    """Create a meeting with its number, its room booking and an empty draft of its minutes."""
    _check_meeting(kind, theme, start, end, room_id, place, chair_name, recorder_name, headcount)
    booking = None
    if room_id:
        booking = _book(f"{KINDS[kind]}：{theme.strip()}", room_id, start, end, headcount, actor_id)

    def write() -> Meeting:
        meeting = Meeting(
            kind=kind,
            year=start.year,
            number=next_meeting_number(kind, start.year),
            theme=theme.strip(),
            start_at=start,
            end_at=end,
            booking_id=booking,
            place=None if booking else _clean(place),
            headcount=headcount,
            chair_name=chair_name.strip(),
            chair_user_id=chair_user_id,
            recorder_name=recorder_name.strip(),
            created_by_id=actor_id,
            created_at=clock.now(),
        )
        meeting.minutes_versions.append(MinutesVersion(version=1, status=DRAFT))
        db.session.add(meeting)
        db.session.flush()
        return meeting

    try:
        meeting = _with_fresh_number(write)
    except MeetingError:
        db.session.rollback()
        raise
    audit.record(actor_id, "meeting.create", "meeting", meeting.id, None, DRAFT, title=meeting.title, theme=meeting.theme)
    db.session.commit()
    return meeting


def require_editable(meeting: Meeting) -> None:
    if not meeting.editable:
        current = meeting.current_minutes
        raise MeetingError(f"纪要已{current.status_label}，内容已锁定；如需修改，请先退回草稿或发起更正。")


def update_meeting(
    meeting: Meeting,
    *,
    kind: str,
    theme: str,
    start: datetime,
    end: datetime,
    room_id: int | None,
    place: str | None,
    chair_name: str,
    recorder_name: str,
    actor_id: int | None,
    chair_user_id: int | None = None,
    headcount: int = 10,
) -> Meeting:
    require_editable(meeting)
    _check_meeting(kind, theme, start, end, room_id, place, chair_name, recorder_name, headcount)
    renumber = kind != meeting.kind or start.year != meeting.year
    if renumber and meeting.latest_issued is not None:
        # 第N次 is printed on the issued 纪要; a correction must not leave it naming another meeting.
        raise MeetingError(
            f"已印发的纪要载明“{meeting.title}”，更正时不能更改会议类型或年度。",
            "kind" if kind != meeting.kind else "day",
        )
    try:
        _rebook(meeting, room_id, start, end, headcount, f"{KINDS[kind]}：{theme.strip()}", actor_id)
    except MeetingError:
        db.session.rollback()
        raise
    before = {"title": meeting.title, "start": meeting.start_at, "location": meeting.location}
    meeting.theme = theme.strip()
    meeting.start_at, meeting.end_at = start, end
    meeting.place = None if room_id else _clean(place)
    meeting.headcount = headcount
    meeting.chair_name, meeting.chair_user_id = chair_name.strip(), chair_user_id
    meeting.recorder_name = recorder_name.strip()
    if renumber:
        # Flush the other changes first: a refused number rolls back only its own savepoint.
        db.session.flush()

        def write() -> Meeting:
            # Computed before assigning: the query would otherwise autoflush the old number.
            number = next_meeting_number(kind, start.year)
            meeting.kind, meeting.year, meeting.number = kind, start.year, number
            db.session.flush()
            return meeting

        try:
            _with_fresh_number(write)
        except MeetingError:
            db.session.rollback()
            raise
    audit.record(actor_id, "meeting.update", "meeting", meeting.id, before=before, after=meeting.title)
    db.session.commit()
    return meeting


def _rebook(meeting: Meeting, room_id: int | None, start: datetime, end: datetime, headcount: int, title: str, actor_id):
    """Keep the room booking in step with the meeting's room and time, in the same transaction."""
    if not room_id:
        holds.release(actor_id, meeting.booking_id, "会议改在其他地点")
        meeting.booking_id = None
        return
    if holds.holds_room(meeting.booking):
        holds.update(actor_id, meeting.booking_id, _room_use(title, room_id, start, end, headcount), ROOM_FIELDS)
        return
    meeting.booking_id = _book(title, room_id, start, end, headcount, actor_id)


def delete_meeting(meeting: Meeting, actor_id: int | None) -> None:
    """A meeting may be deleted until minutes of it were issued; its room booking is released."""
    if any(v.status == ISSUED for v in meeting.minutes_versions):
        raise MeetingError("该会议已印发纪要，不能删除。")
    holds.release(actor_id, meeting.booking_id, "会议已删除")
    state = meeting.current_minutes.status if meeting.current_minutes else None
    audit.record(actor_id, "meeting.delete", "meeting", meeting.id, state, None, title=meeting.title, theme=meeting.theme)
    db.session.delete(meeting)
    db.session.commit()


# --- attendance ----------------------------------------------------------------------------


def _link_unit(unit: str) -> tuple[int | None, int | None]:
    """A typed unit that names a department or an enterprise of the register is linked to it."""
    department = db.session.scalar(
        select(Department).where(or_(Department.name == unit, Department.short_name == unit))
    )
    if department:
        return department.id, None
    enterprise = db.session.scalar(select(Enterprise).where(or_(Enterprise.name == unit, Enterprise.short_name == unit)))
    return None, enterprise.id if enterprise else None


def add_attendee(meeting: Meeting, group: str, unit: str, names: str | None, actor_id: int | None) -> Attendee:
    require_editable(meeting)
    if group not in GROUPS:
        raise MeetingError("请选择出席、列席或请假。", "group")
    unit = (unit or "").strip()
    if not unit:
        raise MeetingError("请填写单位。", "unit")
    # Names are printed joined by the Chinese enumeration comma, whatever the typist used.
    parts = [p.strip() for p in (names or "").replace("，", "、").replace(",", "、").replace(" ", "、").split("、")]
    joined = "、".join(p for p in parts if p)
    department_id, enterprise_id = _link_unit(unit)
    position = max((a.position for a in meeting.attendees), default=0) + 1
    attendee = Attendee(
        group=group,
        unit=unit,
        names=joined or None,
        department_id=department_id,
        enterprise_id=enterprise_id,
        position=position,
    )
    meeting.attendees.append(attendee)
    db.session.flush()
    audit.record(actor_id, "meeting.attendee.add", "meeting", meeting.id, group=GROUPS[group], unit=unit, names=joined)
    db.session.commit()
    return attendee


def remove_attendee(meeting: Meeting, attendee_id: int, actor_id: int | None) -> None:
    require_editable(meeting)
    attendee = next((a for a in meeting.attendees if a.id == attendee_id), None)
    if attendee is None:
        raise MeetingError("该参会记录不存在。")
    audit.record(actor_id, "meeting.attendee.remove", "meeting", meeting.id, group=GROUPS[attendee.group], unit=attendee.unit)
    meeting.attendees.remove(attendee)
    db.session.commit()


# --- agenda --------------------------------------------------------------------------------


def add_agenda_item(meeting: Meeting, title: str, presenter: str | None, actor_id: int | None) -> AgendaItem:
    require_editable(meeting)
    if not _clean(title):
        raise MeetingError("请填写议题。", "title")
    item = AgendaItem(
        title=title.strip(),
        presenter=_clean(presenter),
        position=max((i.position for i in meeting.agenda_items), default=0) + 1,
        updated_at=clock.now(),
    )
    meeting.agenda_items.append(item)
    db.session.flush()
    audit.record(actor_id, "meeting.agenda.add", "meeting", meeting.id, item=item.id, title=item.title)
    db.session.commit()
    return item


def get_agenda_item(meeting: Meeting, item_id: int) -> AgendaItem | None:
    return next((i for i in meeting.agenda_items if i.id == item_id), None)


def update_agenda_item(
    meeting: Meeting, item: AgendaItem, title: str, presenter: str | None, discussion: str | None, actor_id: int | None
) -> AgendaItem:
    """Save an agenda item; called by the plain save button and by the editor as the user types.

    The audit row records only that the item changed, not each keystroke's text."""
    require_editable(meeting)
    if not _clean(title):
        raise MeetingError("请填写议题。", "title")
    changed = (item.title, item.presenter, item.discussion) != (title.strip(), _clean(presenter), _clean(discussion))
    item.title, item.presenter = title.strip(), _clean(presenter)
    item.discussion = (discussion or "").strip() or None
    if changed:
        item.updated_at = clock.now()
        audit.record(actor_id, "meeting.agenda.update", "meeting", meeting.id, item=item.id)
    db.session.commit()
    return item


def remove_agenda_item(meeting: Meeting, item_id: int, actor_id: int | None) -> None:
    require_editable(meeting)
    item = get_agenda_item(meeting, item_id)
    if item is None:
        raise MeetingError("该议题不存在。")
    audit.record(actor_id, "meeting.agenda.remove", "meeting", meeting.id, item=item.id, title=item.title)
    meeting.agenda_items.remove(item)
    db.session.commit()


# --- decisions -----------------------------------------------------------------------------


def _check_decision(meeting: Meeting, text: str, department_id: int | None, unit_text: str | None, deadline) -> None:
    if deadline is not None and deadline < meeting.start_at.date():
        raise MeetingError("完成时限不能早于会议日期。", "deadline")
    if not _clean(text):
        raise MeetingError("请填写议定事项内容。", "text")
    if department_id:
        if db.session.get(Department, department_id) is None:
            raise MeetingError("请选择责任单位。", "department_id")
    elif not _clean(unit_text):
        raise MeetingError("请选择责任单位，或填写其他责任单位。", "department_id")


def add_decision(
    meeting: Meeting, text: str, department_id: int | None, unit_text: str | None, deadline: date | None, actor_id: int | None
) -> Decision:
    require_editable(meeting)
    _check_decision(meeting, text, department_id, unit_text, deadline)
    decision = Decision(
        number=max((d.number for d in meeting.decisions), default=0) + 1,
        text=text.strip(),
        department_id=department_id or None,
        unit_text=None if department_id else _clean(unit_text),
        deadline=deadline,
        status=OPEN,
    )
    meeting.decisions.append(decision)
    db.session.flush()
    audit.record(actor_id, "decision.create", "decision", decision.id, None, OPEN, meeting=meeting.id, number=decision.number)
    db.session.commit()
    return decision


def get_decision(decision_id: int) -> Decision | None:
    return db.session.get(Decision, decision_id)


def update_decision(
    decision: Decision, text: str, department_id: int | None, unit_text: str | None, deadline: date | None, actor_id
) -> Decision:
    require_editable(decision.meeting)
    _check_decision(decision.meeting, text, department_id, unit_text, deadline)
    decision.text = text.strip()
    decision.department_id = department_id or None
    decision.unit_text = None if department_id else _clean(unit_text)
    decision.deadline = deadline
    audit.record(actor_id, "decision.update", "decision", decision.id, meeting=decision.meeting_id)
    db.session.commit()
    return decision


def remove_decision(decision: Decision, actor_id: int | None) -> None:
    """Remove a decision from a draft; the ones after it move up so the numbers stay 1, 2, 3 …"""
    meeting = decision.meeting
    require_editable(meeting)
    audit.record(actor_id, "decision.delete", "decision", decision.id, decision.status, None, meeting=meeting.id)
    meeting.decisions.remove(decision)
    db.session.flush()
    for number, remaining in enumerate(sorted(meeting.decisions, key=lambda d: d.number), start=1):
        if remaining.number != number:
            remaining.number = number
            db.session.flush()
    db.session.commit()


def complete_decision(decision: Decision, user, note: str | None) -> Decision:
    if not may_follow_up(user, decision):
        raise NotAllowed("只有责任单位的联络员或中心工作人员可以更新该事项。")
    if decision.status == DONE:
        raise MeetingError("该事项已办结。")
    if decision.meeting.latest_issued is None:
        # Until the minutes are issued the decision may still be reworded or removed.
        raise MeetingError("该会议纪要尚未印发，议定事项印发后才能办理。")
    if not _clean(note):
        raise MeetingError("请填写办理情况。", "note")
    if len(note.strip()) > NOTE_MAX:
        raise MeetingError(f"办理情况不超过{NOTE_MAX}字。", "note")
    decision.status = DONE
    decision.done_note = note.strip()
    decision.done_at = clock.now()
    decision.done_by_id = user.id
    audit.record(user.id, "decision.done", "decision", decision.id, OPEN, DONE, note=decision.done_note)
    db.session.commit()
    return decision


def reopen_decision(decision: Decision, user, reason: str | None) -> Decision:
    if not may_follow_up(user, decision):
        raise NotAllowed("只有责任单位的联络员或中心工作人员可以更新该事项。")
    if decision.status == OPEN:
        raise MeetingError("该事项尚未办结。")
    if not _clean(reason):
        raise MeetingError("请填写重新打开的原因。", "note")
    if len(reason.strip()) > NOTE_MAX:
        raise MeetingError(f"原因不超过{NOTE_MAX}字。", "note")
    # The old note described work now found unfinished; the audit row of "done" keeps it.
    decision.status = OPEN
    decision.done_note = decision.done_at = decision.done_by_id = None
    audit.record(user.id, "decision.reopen", "decision", decision.id, DONE, OPEN, reason=reason.strip())
    db.session.commit()
    return decision


# --- minutes workflow ----------------------------------------------------------------------


def _current(meeting: Meeting) -> MinutesVersion:
    current = meeting.current_minutes
    if current is None:  # meetings are created with a draft; this only guards old rows
        current = MinutesVersion(version=1, status=DRAFT)
        meeting.minutes_versions.append(current)
        db.session.flush()
    return current


def approve_minutes(meeting: Meeting, user, approved_at: datetime | None = None) -> MinutesVersion:
    if not may_approve(user, meeting):
        raise NotAllowed("纪要只能由会议主持人或管理员审定。")
    current = _current(meeting)
    if current.status != DRAFT:
        raise MeetingError(f"纪要当前为“{current.status_label}”，不能审定。")
    if meeting.start_at > clock.now():
        raise MeetingError(f"会议定于{chinese_date(meeting.start_at)}召开，会议召开后才能审定纪要。")
    if not meeting.group("present"):
        raise MeetingError("请先填写出席人员。")
    if not meeting.agenda_items and not meeting.decisions:
        raise MeetingError("请先填写会议议题或议定事项。")
    current.status = APPROVED
    current.approved_by_id, current.approved_at = user.id, approved_at or clock.now()
    audit.record(user.id, "minutes.approve", "meeting", meeting.id, DRAFT, APPROVED, version=current.version)
    db.session.commit()
    return current


def return_to_draft(meeting: Meeting, user, reason: str | None) -> MinutesVersion:
    if not may_approve(user, meeting):
        raise NotAllowed("只有会议主持人或管理员可以退回纪要。")
    current = _current(meeting)
    if current.status != APPROVED:
        raise MeetingError("只有已审定、尚未印发的纪要可以退回草稿。")
    if not _clean(reason):
        raise MeetingError("请填写退回原因。", "reason")
    current.status = DRAFT
    current.approved_by_id = current.approved_at = None
    audit.record(user.id, "minutes.return", "meeting", meeting.id, APPROVED, DRAFT, version=current.version, reason=reason.strip())
    db.session.commit()
    return current


def issue_minutes(meeting: Meeting, user, copy_to: str | None = None, issued_at: datetime | None = None) -> MinutesVersion:
    """Give the approved version its document number and freeze what it prints.

    ``issued_at`` is for minutes issued on paper before they were entered here (demo data)."""
    if user.role not in (Role.ADMIN, Role.STAFF):
        raise NotAllowed("只有中心工作人员可以印发纪要。")
    current = _current(meeting)
    if current.status != APPROVED:
        raise MeetingError("纪要须先经主持人或管理员审定，才能印发。")
    issued_at = issued_at or clock.now()
    current.copy_to = _clean(copy_to)

    def write() -> MinutesVersion:
        seq = next_doc_seq(issued_at.year)
        current.doc_year, current.doc_seq = issued_at.year, seq
        current.issued_by_id, current.issued_at = user.id, issued_at
        # The snapshot prints the number, so it is taken before the status says "issued".
        current.snapshot = json.dumps(minutes_content(meeting, current), ensure_ascii=False, default=str)
        current.status = ISSUED
        db.session.flush()
        return current

    try:
        _with_fresh_number(write)
    except MeetingError:
        db.session.rollback()
        raise
    audit.record(user.id, "minutes.issue", "meeting", meeting.id, APPROVED, ISSUED, version=current.version, number=current.doc_number)
    db.session.commit()
    return current


def start_correction(meeting: Meeting, user, reason: str | None) -> MinutesVersion:
    """An issued 纪要 is never changed: a correction is a new draft version; the old stays readable."""
    if user.role not in (Role.ADMIN, Role.STAFF):
        raise NotAllowed("只有中心工作人员可以发起更正。")
    current = _current(meeting)
    if current.status != ISSUED:
        raise MeetingError("只有已印发的纪要需要更正；草稿可直接修改。")
    if not _clean(reason):
        raise MeetingError("请填写更正原因。", "reason")
    version = MinutesVersion(version=current.version + 1, status=DRAFT, reason=reason.strip(), copy_to=current.copy_to)
    meeting.minutes_versions.append(version)
    db.session.flush()
    audit.record(user.id, "minutes.correct", "meeting", meeting.id, ISSUED, DRAFT, version=version.version, reason=version.reason)
    db.session.commit()
    return version


def minutes_version(meeting: Meeting, number: int | None) -> MinutesVersion | None:
    if number is None:
        return meeting.current_minutes
    return next((v for v in meeting.minutes_versions if v.version == number), None)


def printed_minutes(meeting: Meeting, version: MinutesVersion | None) -> dict[str, Any]:
    """What the PDF prints: the frozen snapshot of an issued version, else the live content."""
    if version is not None and version.status == ISSUED:
        return version.content
    return minutes_content(meeting, version)


def minutes_content(meeting: Meeting, version: MinutesVersion | None = None) -> dict[str, Any]:
    """Everything the 纪要 prints, as plain data (this is what an issued version freezes)."""
    present_units = [a.unit for a in meeting.group("present")]
    location = meeting.location
    opening = (
        f"{chinese_date(meeting.start_at)}，{meeting.chair_name}在{location}主持召开{meeting.title}，"
        f"围绕“{meeting.theme}”进行了专题研究"
        + (f"，{len(present_units)}家单位参加会议" if present_units else "")
        + "。现将会议议定事项纪要如下："
    )
    agenda = [
        {
            "heading": f"（{chinese_ordinal(index)}）{item.title}",
            "presenter": item.presenter,
            "paragraphs": [p.strip() for p in (item.discussion or "").split("\n") if p.strip()],
        }
        for index, item in enumerate(meeting.agenda_items, start=1)
    ]
    decisions = [
        {
            "number": d.number,
            "text": d.text,
            "unit": d.unit_name,
            "deadline": f"{chinese_date(d.deadline)}前" if d.deadline else "",
        }
        for d in meeting.decisions
    ]
    attendance = {
        label: [{"unit": a.unit, "names": a.names or ""} for a in meeting.group(group)]
        for group, label in GROUPS.items()
    }
    issued_at = version.issued_at if version and version.issued_at else None
    return {
        "banner": f"{meeting.kind_label}纪要",
        "subtitle": f"{meeting.year}年第{meeting.number}次",
        "title": meeting.title,
        "doc_number": version.doc_number if version else "",
        "version": version.version if version else 1,
        "correction": version.reason if version and version.version > 1 else None,
        "theme": meeting.theme,
        "date": chinese_date(meeting.start_at),
        "time": f"{meeting.start_at:%H:%M}—{meeting.end_at:%H:%M}",
        "location": location,
        "chair": meeting.chair_name,
        "recorder": meeting.recorder_name,
        "opening": opening,
        "agenda": agenda,
        "decisions": decisions,
        "attendance": attendance,
        "copy_to": version.copy_to if version else None,
        "issuer": current_app.config["CENTRE_SHORT_NAME"],
        "issue_date": chinese_date(issued_at) if issued_at else "",
    }
