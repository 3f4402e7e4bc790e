"""What the clock makes due in meetings, asked for by the sender before each round (``notices_due``).

Minutes that wait for approval: once a meeting has been held and its draft holds what approval
needs (who was present, the agenda or the decisions), the chair (by SMS, when the chair has an
account with a mobile) and the admins (through the centre's 企业微信 robot) are told, once per
version: a correction opens a new draft, which waits again.

No change causes it — the clock does (the meeting's time passes).

Decisions of issued minutes: the responsible member department's robot, @-mentioning its liaisons,
is told when it turns yellow (due within ``DUE_SOON_WORKING_DAYS`` working days) and again red,
@-mentioning the liaisons of its supporting units (协办单位) too, who also read it in their inbox; an
overdue decision, whoever its unit, also goes to the centre's staff robot, who follow it up. Each
once per deadline in force (an extension is a new one)."""

from datetime import datetime, timedelta

from sqlalchemy import or_, select

from hubapp.blueprints.auth.services import liaisons
from hubapp.blueprints.meetings.decisions import colour_condition
from hubapp.blueprints.meetings.models import DRAFT, ISSUED, PRESENT, RED, YELLOW, Decision, Meeting, MinutesVersion
from hubapp.blueprints.notify.inbox import admin_ids
from hubapp.blueprints.notify.outbox import Message, queue, tell_staff
from hubapp.extensions import db
from hubapp.formatting import chinese_date, quoted

#: Older drafts were left on purpose (a meeting entered long after): nobody is told of them again.
LOOK_BACK = timedelta(days=30)


def approvable_drafts(now: datetime) -> list[Meeting]:
    held = db.session.scalars(
        select(Meeting).where(Meeting.start_at <= now, Meeting.start_at > now - LOOK_BACK).order_by(Meeting.start_at)
    )
    return [
        meeting
        for meeting in held
        if meeting.current_minutes is not None
        and meeting.current_minutes.status == DRAFT
        and meeting.group(PRESENT)
        and (meeting.agenda_items or meeting.decisions)
    ]


def minutes_waiting(now: datetime) -> None:
    for meeting in approvable_drafts(now):
        version = meeting.current_minutes.version
        text = f"{meeting.title}纪要待审定，请会议主持人{meeting.chair_name}或管理员审定。"
        common = dict(event="minutes.waiting", object_type="meeting", object_id=meeting.id,
                      link_path=f"/meetings/{meeting.id}", occasion=f"v{version}")  # fmt: skip
        chair = meeting.chair_user
        approvers = admin_ids() + ((chair.id,) if chair is not None and chair.active else ())
        tell_staff(text, users=approvers, **common)
        if chair is not None and chair.active:
            queue(Message("sms", chair.phone or "", text, **common))


def decisions_due(now: datetime) -> None:
    today = now.date()
    due = db.session.scalars(
        select(Decision)
        .where(
            or_(colour_condition(RED, today), colour_condition(YELLOW, today)),
            # A decision is assigned once its minutes are issued; a draft's may still change.
            Decision.meeting_id.in_(select(MinutesVersion.meeting_id).where(MinutesVersion.status == ISSUED)),
        )
        .order_by(Decision.deadline, Decision.id)
    )
    for decision in due.all():
        _tell_unit(decision, overdue=decision.is_overdue(today))


def decisions_assigned(meeting: Meeting) -> None:
    """Minutes issued: each member department with a decision is told it is now theirs, by its
    robot @-mentioning its liaisons and in their app; again only when a correction changes the
    deadline (a reissue that changes nothing for them tells nobody twice)."""
    for decision in meeting.decisions:
        department = decision.department
        if department is None or not decision.active:
            continue
        in_service = [user for user in liaisons(department.id) if user.active]
        text = (
            f"{meeting.title}议定事项{decision.number}{quoted(decision.text)}由{department.short_name}负责"
            + (f"，完成时限{chinese_date(decision.due_on)}。" if decision.due_on else "。")
        )
        queue(
            Message(
                "wecom", department.robot_webhook or "", text, "decision.assigned", "decision", decision.id,
                "/meetings/decisions", tuple(user.phone for user in in_service if user.phone),
                occasion=decision.due_on.isoformat() if decision.due_on else "",
                users=tuple(user.id for user in in_service),
            )
        )  # fmt: skip


def _tell_unit(decision: Decision, *, overdue: bool) -> None:
    """A unit outside the joint meeting (its name typed in) has no robot: only staff hear, once overdue."""
    department = decision.department
    unit = department.short_name if department else decision.unit_text
    helpers = "、".join(d.short_name for d in decision.supporting_departments)
    helped = f"，{helpers}协办" if helpers else ""
    what = f"{decision.meeting.title}议定事项{decision.number}{quoted(decision.text)}"
    deadline = chinese_date(decision.due_on)
    common = dict(object_type="decision", object_id=decision.id, link_path="/meetings/decisions",
                  occasion=decision.due_on.isoformat())  # fmt: skip
    robot = (department.robot_webhook or "") if department else ""
    # The supporting units' liaisons are @-mentioned with the responsible unit's: the work is theirs too.
    units = ([department] if department else []) + decision.supporting_departments
    in_service = [user for unit_ in units for user in liaisons(unit_.id) if user.active]
    mobiles = tuple(user.phone for user in in_service if user.phone)
    readers = tuple(user.id for user in in_service)
    if not overdue:
        text = f"{what}由{unit}负责{helped}，完成时限{deadline}，即将到期，请按时办结。"
        queue(Message("wecom", robot, text, "decision.due_soon", mentions=mobiles, users=readers, **common))
        return
    text = f"{what}已超期：责任单位{unit}{helped}，完成时限{deadline}。"
    queue(Message("wecom", robot, text + "请尽快办结。", "decision.overdue", mentions=mobiles, users=readers, **common))
    tell_staff(text + "请督办。", "decision.overdue", **common)
