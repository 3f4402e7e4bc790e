"""Meetings, their content and their minutes, through the meetings services."""

from datetime import datetime, time, timedelta

from hubapp import clock
from hubapp.blueprints.directory.models import Department
from hubapp.blueprints.meetings import decisions, minutes, planning
from hubapp.blueprints.meetings.models import MONTHLY, Decision, Meeting, MinutesVersion
from hubapp.blueprints.meetings.planning import MeetingPlan
from hubapp.database import atomic
from hubapp.extensions import db


def future(days: int, hour: int = 9) -> datetime:
    return datetime.combine(clock.today() + timedelta(days=days), time(hour, 0))


def past(days: int) -> datetime:
    return datetime.combine(clock.today() - timedelta(days=days), time(9, 0))


def plan(room=None, *, start: datetime | None = None, **values) -> MeetingPlan:
    """A monthly talk meeting of two hours, three days ago unless ``start`` says otherwise, in
    ``room`` or, without one, at the new area's offices."""
    start = start or past(3)
    fields = dict(
        kind=MONTHLY,
        theme="企业用工与社保政策",
        start=start,
        end=start + timedelta(hours=2),
        chair_name="孙晓梅",
        recorder_name="李建国",
        room_id=room.id if room else None,
        place=None if room else "南海新区管委会三楼会议室",
    )
    fields.update(values)
    return MeetingPlan(**fields)


def meeting(actor, room=None, **values) -> Meeting:
    """A meeting made by ``actor`` as ``plan`` describes it, chaired by ``actor``'s account unless
    ``chair_user_id`` says otherwise."""
    values.setdefault("chair_user_id", actor.id if actor else None)
    with atomic():
        made = planning.create_meeting(actor, plan(room, **values))
    return made


def department(short_name: str = "税务分局") -> Department:
    """A department the ``users`` fixture made (税务分局, 经济发展局), by its short name."""
    return db.session.scalar(db.select(Department).where(Department.short_name == short_name))


def fill(actor, meeting: Meeting, department: Department) -> Decision:
    """What approval needs: a unit present, an agenda item, and one decision of ``department``
    due in ten days (returned)."""
    with atomic():
        planning.add_attendee(actor, meeting, "present", department.name, "王强，刘敏")
        planning.add_agenda_item(actor, meeting, "通报社保政策调整", "人社局")
        made = decisions.add_decision(
            actor, meeting, "开展社保政策进企业宣讲", department.id, None, clock.today() + timedelta(days=10)
        )
    return made


def issue(meeting: Meeting, approver, issuer) -> MinutesVersion:
    """The minutes approved by ``approver`` and issued by ``issuer``."""
    with atomic():
        minutes.approve_minutes(approver, meeting)
        issued = minutes.issue_minutes(issuer, meeting)
    return issued
