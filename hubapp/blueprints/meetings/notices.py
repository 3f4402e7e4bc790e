"""Minutes that wait for approval: once a meeting has been held and its draft holds what approval
needs (who was present, the agenda or the decisions), the chair (by SMS, when the chair has an
account with a mobile) and the admins (through the centre's 企业微信 robot) are told, once per
version: a correction opens a new draft, which waits again.

No change causes it — the clock does (the meeting's time passes) — so the sender asks for it
before each round (``notices_due``)."""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from hubapp.blueprints.meetings.models import DRAFT, PRESENT, Meeting
from hubapp.blueprints.notify.inbox import admin_ids
from hubapp.blueprints.notify.outbox import Message, queue
from hubapp.extensions import db

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
        queue(Message("wecom", current_app.config["NOTIFY_STAFF_WEBHOOK"], text, users=approvers, **common))
        if chair is not None and chair.active:
            queue(Message("sms", chair.phone or "", text, **common))
