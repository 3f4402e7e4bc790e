"""At the door: check-in by code or from the list, waitlisted people let in when there is room,
and walk-ins who came without signing up.

A check-in refused because of the state a registration or its session is in is a ``Conflict``:
staff at the door look again at what the list says (the row offers letting a waitlisted person in
instead) rather than correct a form.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from hubapp import audit, clock
from hubapp.blueprints.sessions import signup
from hubapp.blueprints.sessions.models import ATTENDING_STATES, PENDING, WAITLISTED, WALK_IN, Registration, Session
from hubapp.blueprints.sessions.signup import SignupData
from hubapp.extensions import db
from hubapp.forms import MOBILE_MESSAGE, is_mobile
from hubapp.rules import Conflict, RuleError, clean_text

#: Sign-ups without a seat whom staff may still let in at the door.
ADMISSIBLE_STATES = (WAITLISTED, PENDING)


@dataclass
class CheckIn:
    registration: Registration
    #: False when this call checked them in; True when they had been checked in before.
    already: bool

    @property
    def message(self) -> str:
        reg = self.registration
        if self.already:
            return f"{reg.attendee_name}（{reg.enterprise_name}）已于 {reg.checked_in_at:%H:%M} 签到。"
        return f"{reg.attendee_name}（{reg.enterprise_name}）签到成功。"


def check_in_opens_at(session: Session) -> datetime:
    """When the door opens for this session: its own number of minutes before its start, or the
    centre's ``SESSION_CHECK_IN_OPENS_MINUTES``."""
    minutes = session.check_in_opens_minutes
    if minutes is None:
        minutes = current_app.config["SESSION_CHECK_IN_OPENS_MINUTES"]
    return session.start_at - timedelta(minutes=minutes)


def check_in_not_open_message(session: Session) -> str | None:
    """Why nobody can check in yet, with the date and time it opens; None once it is open."""
    opens = check_in_opens_at(session)
    if clock.now() >= opens:
        return None
    return (
        f"签到尚未开放：将于{opens.month}月{opens.day}日 {opens:%H:%M}开放"
        f"（活动{session.start_at.month}月{session.start_at.day}日 {session.start_at:%H:%M}开始）。"
    )


def _refuse_until_open(session: Session) -> None:
    too_early = check_in_not_open_message(session)
    if too_early:
        raise RuleError(too_early)


def token_from_scan(text: str) -> str:
    """A scanned check-in code is a URL ending in the token; a typed one may be the token alone."""
    text = (text or "").strip().rstrip("/")
    return text.rsplit("/", 1)[-1]


def attendees(session_id: int) -> list[Registration]:
    """Who is expected at the door, in sign-up order (the sign-in sheet)."""
    stmt = (
        select(Registration)
        .where(Registration.session_id == session_id, Registration.status.in_(ATTENDING_STATES))
        .order_by(Registration.id)
    )
    return list(db.session.scalars(stmt))


def check_in(actor, registration: Registration) -> CheckIn:
    """Idempotent: a second scan reports the time of the first."""
    if registration.session.is_cancelled:
        raise Conflict("本场活动已取消，不能签到。")
    _refuse_until_open(registration.session)
    if registration.status not in ATTENDING_STATES:
        raise Conflict(f"{registration.attendee_name}的报名状态为“{registration.status_label}”，不能签到。")
    result = db.session.execute(
        update(Registration)
        .where(Registration.id == registration.id, Registration.checked_in_at.is_(None))
        .values(checked_in_at=clock.now())
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(registration)
    if result.rowcount == 0:
        return CheckIn(registration, already=True)
    audit.record(audit.actor_id(actor), "registration.check_in", "registration", registration.id, registration.status, "checked_in")
    return CheckIn(registration, already=False)


def admit_at_door(actor, registration: Registration) -> CheckIn:
    """Someone on the waitlist (or not yet approved) came anyway and there is room: they are let in
    as a walk-in, outside the sign-up seats, so the capacity count and the waitlist order stay as
    they were."""
    if registration.session.is_cancelled:
        raise Conflict("本场活动已取消，不能签到。")
    _refuse_until_open(registration.session)
    old = registration.status
    if old not in ADMISSIBLE_STATES:
        raise Conflict(f"{registration.attendee_name}的报名状态为“{registration.status_label}”，不能按现场登记签到。")
    if not signup.move(registration.id, old, WALK_IN, checked_in_at=clock.now()):
        raise Conflict(signup.ALREADY_HANDLED)
    audit.record(audit.actor_id(actor), "registration.walk_in", "registration", registration.id, old, WALK_IN,
                 session=registration.session_id)  # fmt: skip
    db.session.refresh(registration)
    return CheckIn(registration, already=False)


def add_walk_in(actor, session: Session, data: SignupData) -> Registration:
    """Someone who came without signing up: recorded and checked in at once, outside the sign-up seats."""
    if session.is_cancelled:
        raise RuleError("本场活动已取消。")
    _refuse_until_open(session)
    if not data.enterprise_name.strip():
        raise RuleError("请填写企业名称。", "enterprise_name")
    if not data.attendee_name.strip():
        raise RuleError("请填写姓名。", "attendee_name")
    if not is_mobile(data.phone):
        raise RuleError(MOBILE_MESSAGE, "phone")
    existing = signup.existing_registration(session.id, data.phone)
    if existing is not None:
        raise RuleError(f"该手机号已有报名（{existing.attendee_name}，{existing.status_label}），请在名单中签到。", "phone")
    enterprise = signup.resolve_enterprise(data.enterprise_name, data.uscc)
    now = clock.now()
    registration = Registration(
        session_id=session.id,
        status=WALK_IN,
        enterprise_id=enterprise.id if enterprise else None,
        enterprise_name=enterprise.name if enterprise else data.enterprise_name.strip(),
        uscc=enterprise.uscc if enterprise else None,
        attendee_name=data.attendee_name.strip(),
        phone=data.phone,
        position=clean_text(data.position),
        token=secrets.token_urlsafe(16),
        created_at=now,
        checked_in_at=now,
    )
    signup.insert_registration(registration, "该手机号已报名本场活动，请在名单中签到。")
    audit.record(audit.actor_id(actor), "registration.walk_in", "registration", registration.id, None, WALK_IN, session=session.id)
    return registration
