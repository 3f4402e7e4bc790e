"""Meetings before their minutes: reading lists, numbering, a meeting with its room held through
facilities' ``holds``, attendance and agenda.

A meeting's content may change only while its newest minutes version is a draft
(``require_editable``); ``decisions`` and ``minutes`` build on what is here. Like every service
these only flush: the caller's ``atomic()`` writes a meeting and its room booking together or not
at all.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from hubapp import audit, clock, concurrency
from hubapp.blueprints.auth import services as accounts
from hubapp.blueprints.auth.roles import STAFF_ROLES
from hubapp.blueprints.directory import services as directory
from hubapp.blueprints.facilities import holds
from hubapp.blueprints.meetings.models import (
    APPROVED,
    DRAFT,
    GROUPS,
    ISSUED,
    KINDS,
    AgendaItem,
    Attendee,
    Meeting,
    MinutesVersion,
)
from hubapp.database import NumberTaken, write_numbered
from hubapp.extensions import db
from hubapp.formatting import quoted
from hubapp.rules import Conflict, RuleError, clean_text

T = TypeVar("T")


# --- reading -------------------------------------------------------------------------------


def held_between(start: date, end: date) -> tuple:
    """Meetings starting from ``start`` up to ``end``: how a report's period counts them."""
    return Meeting.start_at >= datetime.combine(start, time()), Meeting.start_at < datetime.combine(end, time())


def meetings_query(
    kind: str | None = None, year: int | None = None, search: str = "", between: tuple[date, date] | None = None
):
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
    if between:
        stmt = stmt.where(*held_between(*between))
    return stmt


def meeting_years() -> list[int]:
    return list(db.session.scalars(select(Meeting.year).distinct().order_by(Meeting.year.desc())))


def staff_users() -> list:
    """The active staff accounts, who may chair a meeting or record it."""
    return sorted((u for u in accounts.list_users() if u.active and u.role in STAFF_ROLES), key=lambda u: u.id)


def lock_reason(meeting: Meeting) -> str | None:
    """Why the meeting's content may not change now; None while its minutes are a draft."""
    if meeting.editable:
        return None
    return f"纪要已{meeting.current_minutes.status_label}，内容已锁定；如需修改，请先退回草稿或发起更正。"


def require_editable(meeting: Meeting) -> None:
    reason = lock_reason(meeting)
    if reason:
        raise RuleError(reason)


# --- numbering -----------------------------------------------------------------------------


def with_fresh_number(write: Callable[[], T]) -> T:
    """Run ``write`` (which computes a 第N次 or 〔年〕N号 as max+1 and flushes) with a number no one else holds."""
    try:
        return write_numbered(db.session, "meetings.numbering", write)
    except NumberTaken:
        raise RuleError("编号被同时占用，请重试。") from None


def next_meeting_number(kind: str, year: int) -> int:
    current = db.session.scalar(select(func.max(Meeting.number)).where(Meeting.kind == kind, Meeting.year == year))
    return (current or 0) + 1


# --- meetings ------------------------------------------------------------------------------


@dataclass
class MeetingPlan:
    """What staff fill in for a meeting: a room of the centre (``room_id``) or another ``place``."""

    kind: str
    theme: str
    start: datetime
    end: datetime
    chair_name: str
    recorder_name: str
    room_id: int | None = None
    place: str | None = None
    #: The chair's account, when the chair has one: that user may approve the minutes.
    chair_user_id: int | None = None
    headcount: int = 10

    @property
    def title(self) -> str:
        """What the room's calendar shows for the meeting."""
        return f"{KINDS[self.kind]}：{self.theme.strip()}"


def _check_plan(plan: MeetingPlan) -> None:
    if plan.kind not in KINDS:
        raise RuleError("请选择会议类型。", "kind")
    if not clean_text(plan.theme):
        raise RuleError("请填写会议主题。", "theme")
    if plan.end <= plan.start:
        raise RuleError("结束时间必须晚于开始时间。", "end_time")
    if not plan.room_id and not clean_text(plan.place):
        raise RuleError("请选择会议室，或填写会议地点。", "room_id")
    if not clean_text(plan.chair_name):
        raise RuleError("请填写主持人。", "chair_name")
    if not clean_text(plan.recorder_name):
        raise RuleError("请填写记录人。", "recorder_name")
    if plan.headcount < 1:
        raise RuleError("参会人数至少为1人。", "headcount")


#: The meeting form's names for what a refusal of its room booking can be about; the rest is the room's.
ROOM_FIELDS = holds.FormFields(
    {"headcount": "headcount", "end_at": "end_time", "start_at": "start_time"}, other="room_id"
)


def _room_use(plan: MeetingPlan) -> holds.RoomUse:
    return holds.RoomUse(
        room_id=plan.room_id, start=plan.start, end=plan.end, title=plan.title, headcount=plan.headcount, purpose="会议"
    )


def _hold(actor, plan: MeetingPlan) -> int:
    # A meeting entered after it took place records the room it used.
    return holds.hold(actor, _room_use(plan), ROOM_FIELDS, source="meeting", allow_past=plan.start < clock.now())


def create_meeting(actor, plan: MeetingPlan) -> Meeting:
    """Create a meeting with its number, its room booking and an empty draft of its minutes."""
    _check_plan(plan)
    booking_id = _hold(actor, plan) if plan.room_id else None

    def write() -> Meeting:
        meeting = Meeting(
            kind=plan.kind,
            year=plan.start.year,
            number=next_meeting_number(plan.kind, plan.start.year),
            theme=plan.theme.strip(),
            start_at=plan.start,
            end_at=plan.end,
            booking_id=booking_id,
            place=None if booking_id else clean_text(plan.place),
            headcount=plan.headcount,
            chair_name=plan.chair_name.strip(),
            chair_user_id=plan.chair_user_id,
            recorder_name=plan.recorder_name.strip(),
            created_by_id=audit.actor_id(actor),
            created_at=clock.now(),
        )
        meeting.minutes_versions.append(MinutesVersion(version=1, status=DRAFT))
        db.session.add(meeting)
        db.session.flush()
        return meeting

    meeting = with_fresh_number(write)
    audit.record(
        audit.actor_id(actor),
        "meeting.create",
        "meeting",
        meeting.id,
        None,
        DRAFT,
        title=meeting.title,
        theme=meeting.theme,
    )
    return meeting


def update_meeting(actor, meeting: Meeting, plan: MeetingPlan, based_on: int | None = None) -> Meeting:
    """Change a meeting; another room or time moves its booking in the same transaction.
    ``based_on`` is the version the edit form was drawn from (``hubapp.concurrency``)."""
    require_editable(meeting)
    concurrency.claim(meeting, based_on)
    _check_plan(plan)
    renumber = plan.kind != meeting.kind or plan.start.year != meeting.year
    if renumber and meeting.latest_issued is not None:
        # 第N次 is printed on the issued 纪要; a correction must not leave it naming another meeting.
        raise RuleError(
            f"已印发的纪要载明{quoted(meeting.title)}，更正时不能更改会议类型或年度。",
            "kind" if plan.kind != meeting.kind else "day",
        )
    _rehold(actor, meeting, plan)
    before = {"title": meeting.title, "start": meeting.start_at, "location": meeting.location}
    meeting.theme = plan.theme.strip()
    meeting.start_at, meeting.end_at = plan.start, plan.end
    meeting.place = None if plan.room_id else clean_text(plan.place)
    meeting.headcount = plan.headcount
    meeting.chair_name, meeting.chair_user_id = plan.chair_name.strip(), plan.chair_user_id
    meeting.recorder_name = plan.recorder_name.strip()
    if renumber:
        # Flush the other changes first: a refused number rolls back only its own savepoint.
        db.session.flush()

        def write() -> Meeting:
            # Computed before assigning: the query would otherwise autoflush the old number.
            number = next_meeting_number(plan.kind, plan.start.year)
            meeting.kind, meeting.year, meeting.number = plan.kind, plan.start.year, number
            db.session.flush()
            return meeting

        with_fresh_number(write)
    audit.record(audit.actor_id(actor), "meeting.update", "meeting", meeting.id, before=before, after=meeting.title)
    return meeting


def _rehold(actor, meeting: Meeting, plan: MeetingPlan) -> None:
    """Keep the room booking in step with the meeting's room and time."""
    if not plan.room_id:
        holds.release(actor, meeting.booking_id, "会议改在其他地点")
        meeting.booking_id = None
        return
    if holds.holds_room(meeting.booking):
        holds.update(actor, meeting.booking_id, _room_use(plan), ROOM_FIELDS)
        return
    meeting.booking_id = _hold(actor, plan)


def delete_refusal(meeting: Meeting) -> str | None:
    """Why the meeting may not be deleted; None for one entered by mistake. Minutes once approved
    or issued are the centre's record (and decisions are followed up only once issued)."""
    if any(v.status in (APPROVED, ISSUED) or v.approved_at is not None for v in meeting.minutes_versions):
        return "该会议的纪要已审定或印发，是中心的正式记录，不能删除；如内容有误，请退回草稿或发起更正。"
    return None


def delete_meeting(actor, meeting: Meeting) -> None:
    """Delete a meeting entered by mistake (``delete_refusal``); its room booking is released and
    the audit keeps the whole record, with its attendance, agenda, decisions and minutes."""
    refusal = delete_refusal(meeting)
    if refusal:
        raise Conflict(refusal)
    holds.release(actor, meeting.booking_id, "会议已删除")
    state = meeting.current_minutes.status if meeting.current_minutes else None
    kept = audit.snapshot(
        meeting, attendees=meeting.attendees, agenda_items=meeting.agenda_items, decisions=meeting.decisions,
        minutes_versions=meeting.minutes_versions,
    )  # fmt: skip
    audit.record(
        audit.actor_id(actor),
        "meeting.delete",
        "meeting",
        meeting.id,
        state,
        None,
        title=meeting.title,
        theme=meeting.theme,
        record=kept,
    )
    db.session.delete(meeting)
    db.session.flush()


# --- attendance ----------------------------------------------------------------------------


def _link_unit(unit: str) -> tuple[int | None, int | None]:
    """A typed unit that names a department or an enterprise of the register is linked to it."""
    department = next((d for d in directory.departments() if unit in (d.name, d.short_name)), None)
    if department:
        return department.id, None
    enterprise = next(
        (e for e in db.session.scalars(directory.enterprise_query(unit)) if unit in (e.name, e.short_name)), None
    )
    return None, enterprise.id if enterprise else None


def add_attendee(actor, meeting: Meeting, group: str, unit: str, names: str | None) -> Attendee:
    require_editable(meeting)
    if group not in GROUPS:
        raise RuleError("请选择出席、列席或请假。", "group")
    unit = (unit or "").strip()
    if not unit:
        raise RuleError("请填写单位。", "unit")
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
    audit.record(
        audit.actor_id(actor),
        "meeting.attendee.add",
        "meeting",
        meeting.id,
        group=GROUPS[group],
        unit=unit,
        names=joined,
    )
    return attendee


def remove_attendee(actor, meeting: Meeting, attendee_id: int) -> None:
    require_editable(meeting)
    attendee = next((a for a in meeting.attendees if a.id == attendee_id), None)
    if attendee is None:
        raise Conflict("该参会记录不存在。")
    audit.record(
        audit.actor_id(actor),
        "meeting.attendee.remove",
        "meeting",
        meeting.id,
        group=GROUPS[attendee.group],
        unit=attendee.unit,
        record=audit.snapshot(attendee),
    )
    meeting.attendees.remove(attendee)
    db.session.flush()


# --- agenda --------------------------------------------------------------------------------


def add_agenda_item(actor, meeting: Meeting, title: str, presenter: str | None) -> AgendaItem:
    require_editable(meeting)
    if not clean_text(title):
        raise RuleError("请填写议题。", "title")
    item = AgendaItem(
        title=title.strip(),
        presenter=clean_text(presenter),
        position=max((i.position for i in meeting.agenda_items), default=0) + 1,
        updated_at=clock.now(),
    )
    meeting.agenda_items.append(item)
    db.session.flush()
    audit.record(audit.actor_id(actor), "meeting.agenda.add", "meeting", meeting.id, item=item.id, title=item.title)
    return item


def update_agenda_item(
    actor, item: AgendaItem, title: str, presenter: str | None, discussion: str | None, based_on: int | None = None
) -> AgendaItem:
    """Save an agenda item; called by the plain save button and by the editor as the user types.
    ``based_on`` is the version the editor was drawn from (``hubapp.concurrency``): two people
    writing the minutes of one item never silently replace each other's text.

    The audit row records only that the item changed, not each keystroke's text."""
    require_editable(item.meeting)
    if not clean_text(title):
        raise RuleError("请填写议题。", "title")
    changed = (item.title, item.presenter, item.discussion) != (title.strip(), clean_text(presenter), clean_text(discussion))
    if changed:
        concurrency.claim(item, based_on)
    item.title, item.presenter = title.strip(), clean_text(presenter)
    item.discussion = clean_text(discussion)
    if changed:
        item.updated_at = clock.now()
        audit.record(audit.actor_id(actor), "meeting.agenda.update", "meeting", item.meeting_id, item=item.id)
    db.session.flush()
    return item


def remove_agenda_item(actor, meeting: Meeting, item_id: int) -> None:
    require_editable(meeting)
    item = next((i for i in meeting.agenda_items if i.id == item_id), None)
    if item is None:
        raise Conflict("该议题不存在。")
    audit.record(
        audit.actor_id(actor), "meeting.agenda.remove", "meeting", meeting.id, item=item.id, title=item.title,
        record=audit.snapshot(item),
    )  # fmt: skip
    meeting.agenda_items.remove(item)
    db.session.flush()
