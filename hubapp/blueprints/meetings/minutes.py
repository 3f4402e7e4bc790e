"""The minutes (纪要) workflow: draft → approved → issued, and corrections as new versions.

Approving locks the meeting's content; issuing gives the version its document number 〔年〕N号 and
freezes what it prints (a snapshot); an issued version never changes — a correction opens a new
draft version and the old one stays readable. Each step is one conditional UPDATE of the
version's status (``_move``): when someone else moved the minutes first, the step is a
``Conflict`` and nothing of it is written. The minutes' state is not what this button expects
(not yet held, nothing to approve) is a ``Conflict`` too: the page that offered it is out of date.
"""

import json
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from hubapp import audit, clock
from hubapp.blueprints.auth.roles import STAFF_ROLES, Role
from hubapp.blueprints.meetings import notices
from hubapp.blueprints.meetings.models import (
    APPROVED,
    DRAFT,
    GROUPS,
    ISSUED,
    MINUTES_STATES,
    PRESENT,
    Meeting,
    MinutesVersion,
)
from hubapp.blueprints.meetings.planning import with_fresh_number
from hubapp.extensions import db
from hubapp.formatting import chinese_date, quoted
from hubapp.rules import Conflict, NotAllowed, RuleError, clean_text

CHINESE_NUMERALS = "一二三四五六七八九十"


def may_approve(user, meeting: Meeting) -> bool:
    """The meeting's chair (when the chair has an account) or an admin."""
    if user is None:
        return False
    return user.role == Role.ADMIN or (meeting.chair_user_id is not None and meeting.chair_user_id == user.id)


def awaiting_issue() -> list[Meeting]:
    """Meetings whose minutes are approved and not yet issued, the oldest first."""
    stmt = (
        select(Meeting)
        .join(MinutesVersion, MinutesVersion.meeting_id == Meeting.id)
        .where(MinutesVersion.status == APPROVED)
        .order_by(Meeting.start_at)
    )
    return list(db.session.scalars(stmt))


def _require_staff(actor, message: str) -> None:
    if actor is None or actor.role not in STAFF_ROLES:
        raise NotAllowed(message)


def next_doc_seq(year: int) -> int:
    current = db.session.scalar(select(func.max(MinutesVersion.doc_seq)).where(MinutesVersion.doc_year == year))
    return (current or 0) + 1


# --- the workflow --------------------------------------------------------------------------


def _current(meeting: Meeting) -> MinutesVersion:
    current = meeting.current_minutes
    if current is None:  # meetings are created with a draft; this only guards old rows
        current = MinutesVersion(version=1, status=DRAFT)
        meeting.minutes_versions.append(current)
        db.session.flush()
    return current


def _move(actor, version: MinutesVersion, old: str, new: str, action: str, values: dict, **detail) -> MinutesVersion:
    """Move ``version`` from ``old`` to ``new`` (setting ``values`` with it) by one conditional
    UPDATE, and audit it; someone who moved it first makes this a ``Conflict``."""
    moved = db.session.execute(
        update(MinutesVersion)
        .where(MinutesVersion.id == version.id, MinutesVersion.status == old)
        .values(status=new, **values)
    )
    if moved.rowcount != 1:
        current = db.session.scalar(select(MinutesVersion.status).where(MinutesVersion.id == version.id))
        raise Conflict(f"纪要刚刚已被他人处理，当前为“{MINUTES_STATES.get(current, current)}”，请刷新后查看。")
    audit.record(
        audit.actor_id(actor),
        f"minutes.{action}",
        "meeting",
        version.meeting_id,
        old,
        new,
        version=version.version,
        **detail,
    )
    return version


def approve_minutes(actor, meeting: Meeting, approved_at: datetime | None = None) -> MinutesVersion:
    """``approved_at`` is for minutes approved on paper before they were entered here (demo data)."""
    if not may_approve(actor, meeting):
        raise NotAllowed("纪要只能由会议主持人或管理员审定。")
    current = _current(meeting)
    if current.status != DRAFT:
        raise Conflict(f"纪要当前为“{current.status_label}”，不能审定。")
    if meeting.start_at > clock.now():
        raise Conflict(f"会议定于{chinese_date(meeting.start_at)}召开，会议召开后才能审定纪要。")
    if not meeting.group(PRESENT):
        raise Conflict("请先填写出席人员。")
    if not meeting.agenda_items and not meeting.decisions:
        raise Conflict("请先填写会议议题或议定事项。")
    approved = {"approved_by_id": audit.actor_id(actor), "approved_at": approved_at or clock.now()}
    return _move(actor, current, DRAFT, APPROVED, "approve", approved)


def return_to_draft(actor, meeting: Meeting, reason: str | None) -> MinutesVersion:
    if not may_approve(actor, meeting):
        raise NotAllowed("只有会议主持人或管理员可以退回纪要。")
    current = _current(meeting)
    if current.status != APPROVED:
        raise Conflict("只有已审定、尚未印发的纪要可以退回草稿。")
    if not clean_text(reason):
        raise RuleError("请填写退回原因。", "reason")
    cleared = {"approved_by_id": None, "approved_at": None}
    return _move(actor, current, APPROVED, DRAFT, "return", cleared, reason=reason.strip())


def issue_minutes(
    actor, meeting: Meeting, copy_to: str | None = None, issued_at: datetime | None = None
) -> MinutesVersion:
    """Give the approved version its document number and freeze what it prints.

    ``issued_at`` is for minutes issued on paper before they were entered here (demo data)."""
    _require_staff(actor, "只有中心工作人员可以印发纪要。")
    current = _current(meeting)
    if current.status != APPROVED:
        raise Conflict("纪要须先经主持人或管理员审定，才能印发。")
    issued_at = issued_at or clock.now()

    def write() -> MinutesVersion:
        seq = next_doc_seq(issued_at.year)
        current.copy_to = clean_text(copy_to)
        current.doc_year, current.doc_seq = issued_at.year, seq
        current.issued_by_id, current.issued_at = audit.actor_id(actor), issued_at
        # The snapshot prints the number, so it is taken before the status says "issued".
        current.snapshot = json.dumps(minutes_content(meeting, current), ensure_ascii=False, default=str)
        db.session.flush()
        return _move(actor, current, APPROVED, ISSUED, "issue", {}, number=current.doc_number)

    issued = with_fresh_number(write)
    notices.decisions_assigned(meeting)
    return issued


def start_correction(actor, meeting: Meeting, reason: str | None) -> MinutesVersion:
    """An issued 纪要 is never changed: a correction is a new draft version; the old stays readable."""
    _require_staff(actor, "只有中心工作人员可以发起更正。")
    current = _current(meeting)
    if current.status != ISSUED:
        raise Conflict("只有已印发的纪要需要更正；草稿可直接修改。")
    if not clean_text(reason):
        raise RuleError("请填写更正原因。", "reason")
    version = MinutesVersion(version=current.version + 1, status=DRAFT, reason=reason.strip(), copy_to=current.copy_to)
    try:
        with db.session.begin_nested():
            meeting.minutes_versions.append(version)
            db.session.flush()
    except IntegrityError:
        # The version number is unique per meeting: someone else opened this correction first.
        raise Conflict("更正稿刚刚已由他人发起，请刷新后查看。") from None
    audit.record(
        audit.actor_id(actor),
        "minutes.correct",
        "meeting",
        meeting.id,
        ISSUED,
        DRAFT,
        version=version.version,
        reason=version.reason,
    )
    return version


# --- what the 纪要 prints ------------------------------------------------------------------


def chinese_ordinal(n: int) -> str:
    """一、二 … 九十九 for heading numbers."""
    if n <= 10:
        return CHINESE_NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else CHINESE_NUMERALS[tens - 1]
    return head + "十" + (CHINESE_NUMERALS[ones - 1] if ones else "")


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
    present_units = [a.unit for a in meeting.group(PRESENT)]
    location = meeting.location
    opening = (
        f"{chinese_date(meeting.start_at)}，{meeting.chair_name}在{location}主持召开{meeting.title}，"
        f"围绕{quoted(meeting.theme)}进行了专题研究"
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
            "supporters": d.supporting_names,
            "deadline": f"{chinese_date(d.deadline)}前" if d.deadline else "",
        }
        for d in meeting.decisions
    ]
    attendance = {
        label: [{"unit": a.unit, "names": a.names or ""} for a in meeting.group(group)]
        for group, label in GROUPS.items()
    }
    issued_at = version.issued_at if version and version.issued_at else None
    issuer = current_app.config["CENTRE_SHORT_NAME"]
    return {
        # 纪要标志 "××××纪要": the issuing organisation's name, then the kind of meeting.
        "banner": f"{issuer}{meeting.kind_label}纪要",
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
        "issuer": issuer,
        "issue_date": chinese_date(issued_at) if issued_at else "",
    }
