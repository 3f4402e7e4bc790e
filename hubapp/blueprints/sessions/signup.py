"""Signing up for a session: a seat while one is free, else the waitlist (or pending, when staff
approve sign-ups first); approval; cancellation, which hands a freed seat to the first on the
waitlist; and reading the registrations.

Capacity is held by the database. A seat is taken with one conditional UPDATE
(``registered_count < capacity``) and the CHECK constraint ``registered_count <= capacity`` refuses
anything else; on PostgreSQL the UPDATE row-locks the session, on SQLite every writing request
runs under BEGIN IMMEDIATE (hubapp/database.py). Registration state changes are conditional
UPDATEs as well, so that a double-clicked cancel cannot free two seats: the loser of such a race
gets a ``Conflict``. Nothing here commits or rolls back: a refused write raises, and the caller's
``atomic()`` undoes the whole unit, a seat taken for a refused sign-up included.
"""

import json
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.util import identity_key

from hubapp import audit, clock
from hubapp.blueprints.directory import services as directory
from hubapp.blueprints.directory import uscc as uscc_rules
from hubapp.blueprints.sessions import notices
from hubapp.blueprints.sessions.models import (
    AMOUNT_MESSAGE,
    BANK,
    MAX_WAN,
    PENDING,
    REG_CANCELLED,
    REGISTERED,
    REJECTED,
    WAITLISTED,
    Registration,
    Session,
)
from hubapp.extensions import db
from hubapp.forms import MOBILE_MESSAGE, is_mobile
from hubapp.rules import Conflict, RuleError, clean_text

#: What the loser of a race over one registration is told.
ALREADY_HANDLED = "该报名已被处理，请刷新后查看。"


def signup_closed_reason(session: Session, now: datetime | None = None) -> str | None:
    """Why the public cannot sign up now, in Chinese; None while sign-up is open."""
    now = now or clock.now()
    if session.is_cancelled:
        return "本场活动已取消。"
    if now >= session.start_at:
        return "活动已开始或已结束，报名已截止。"
    if session.signup_opens_at and now < session.signup_opens_at:
        opens = session.signup_opens_at
        return f"报名将于 {opens.month}月{opens.day}日 {opens:%H:%M} 开始。"
    if session.signup_closes_at and now >= session.signup_closes_at:
        return "报名已截止。"
    return None


def next_signup_change(sessions: list[Session], now: datetime) -> datetime | None:
    """The first moment after ``now`` at which ``signup_closed_reason`` of one of ``sessions`` can
    change with no change to the data (its sign-up opens or closes, it starts); None: never."""
    moments = [m for s in sessions for m in (s.signup_opens_at, s.signup_closes_at, s.start_at) if m and m > now]
    return min(moments, default=None)


@dataclass
class SignupData:
    """What someone fills in to sign up (or staff, for a walk-in at the door)."""

    enterprise_name: str
    attendee_name: str
    phone: str
    position: str | None = None
    uscc: str | None = None
    questions: str | None = None
    financing_amount: Decimal | None = None
    financing_purpose: str | None = None
    financing_term: int | None = None
    financing_collateral: bool | None = None
    answers: dict[int, str] = field(default_factory=dict)


def resolve_enterprise(name: str, code: str | None = None):
    """The register's enterprise for a typed credit code, else for the exact name or short name;
    None for a newcomer the register does not know yet."""
    if code:
        found = directory.enterprise_by_uscc(code)
        if found is not None:
            return found
    name = (name or "").strip()
    if not name:
        return None
    register = directory.enterprise_query()
    return db.session.scalar(register.filter_by(name=name).limit(1)) or db.session.scalar(
        register.filter_by(short_name=name).limit(1)
    )


def _check_signup(session: Session, data: SignupData) -> None:
    if not data.enterprise_name.strip():
        raise RuleError("请填写企业名称。", "enterprise_name")
    if not data.attendee_name.strip():
        raise RuleError("请填写参会人姓名。", "attendee_name")
    if not is_mobile(data.phone):
        raise RuleError(MOBILE_MESSAGE, "phone")
    if data.uscc:
        error = uscc_rules.validation_error(data.uscc)
        if error:
            raise RuleError(error, "uscc")
    if session.kind == BANK:
        if data.financing_amount is None:
            raise RuleError("请填写融资需求金额（万元）。", "financing_amount")
        if not 0 < data.financing_amount <= MAX_WAN:
            raise RuleError(AMOUNT_MESSAGE, "financing_amount")
        if data.financing_term is not None and data.financing_term < 1:
            raise RuleError("融资期限至少为1个月。", "financing_term")
    for question in session.questions:
        if question.required and not (data.answers.get(question.id) or "").strip():
            raise RuleError("此问题必须填写。", f"q_{question.id}")


def _duplicate_message(existing: Registration) -> str:
    if existing.status == REG_CANCELLED:
        return "该手机号的报名已取消；如需重新报名，请联系中心工作人员。"
    return "该手机号已报名本场活动，同一手机号不能重复报名。找不到报名链接也不要紧：到场后报手机号，工作人员即可为您签到。"


def _expire(model, ident: int) -> None:
    """The conditional UPDATEs here bypass the ORM: an instance already loaded reads its row again."""
    instance = db.session.identity_map.get(identity_key(model, ident))
    if instance is not None:
        db.session.expire(instance)


def _take_seat(session_id: int) -> bool:
    """Take one seat if one is free: one statement, so that no two sign-ups get the last seat."""
    result = db.session.execute(
        update(Session)
        .where(Session.id == session_id, Session.registered_count < Session.capacity)
        .values(registered_count=Session.registered_count + 1)
        .execution_options(synchronize_session=False)
    )
    _expire(Session, session_id)
    return result.rowcount == 1


def _release_seat(session_id: int) -> None:
    db.session.execute(
        update(Session)
        .where(Session.id == session_id, Session.registered_count > 0)
        .values(registered_count=Session.registered_count - 1)
        .execution_options(synchronize_session=False)
    )
    _expire(Session, session_id)


def move(registration_id: int, old: str, new: str, **values) -> bool:
    """Change a registration's state only if it is still ``old``: the loser of a race gets False."""
    result = db.session.execute(
        update(Registration)
        .where(Registration.id == registration_id, Registration.status == old)
        .values(status=new, **values)
        .execution_options(synchronize_session=False)
    )
    _expire(Registration, registration_id)
    return result.rowcount == 1


def promote_waitlist(actor, session_id: int) -> list[int]:
    """Fill free seats from the waitlist, first come first served (by sign-up order); returns the
    ids of those promoted."""
    promoted = []
    while True:
        first = db.session.scalar(
            select(Registration.id)
            .where(Registration.session_id == session_id, Registration.status == WAITLISTED)
            .order_by(Registration.id)
            .limit(1)
        )
        if first is None or not _take_seat(session_id):
            break
        if not move(first, WAITLISTED, REGISTERED):
            # They cancelled while we looked: give the seat back and try the next in line.
            _release_seat(session_id)
            continue
        audit.record(audit.actor_id(actor), "registration.promote", "registration", first, WAITLISTED, REGISTERED)
        notices.tell(first, "promoted")
        promoted.append(first)
    return promoted


def register(actor, session: Session, data: SignupData) -> Registration:
    """Sign up: a seat if one is free, else the waitlist (or pending when staff approve sign-ups).
    ``actor`` is None for the public."""
    closed = signup_closed_reason(session)
    if closed:
        raise RuleError(closed)
    _check_signup(session, data)
    existing = existing_registration(session.id, data.phone)
    if existing is not None:
        raise RuleError(_duplicate_message(existing), "phone")
    enterprise = resolve_enterprise(data.enterprise_name, data.uscc)
    # Read before the seat is taken: taking it expires the session's loaded row.
    session_id, bank = session.id, session.kind == BANK
    if session.needs_approval:
        status = PENDING
    else:
        status = REGISTERED if _take_seat(session_id) else WAITLISTED
    registration = Registration(
        session_id=session_id,
        status=status,
        enterprise_id=enterprise.id if enterprise else None,
        enterprise_name=enterprise.name if enterprise else data.enterprise_name.strip(),
        uscc=enterprise.uscc if enterprise else (uscc_rules.normalise(data.uscc) if data.uscc else None),
        attendee_name=data.attendee_name.strip(),
        phone=data.phone,
        position=clean_text(data.position),
        questions=clean_text(data.questions),
        financing_amount=data.financing_amount if bank else None,
        financing_purpose=clean_text(data.financing_purpose) if bank else None,
        financing_term=data.financing_term if bank else None,
        financing_collateral=data.financing_collateral if bank else None,
        answers=_answers_json(data.answers),
        token=secrets.token_urlsafe(16),
        created_at=clock.now(),
    )
    insert_registration(registration, "该手机号已报名本场活动，同一手机号不能重复报名。")
    audit.record(audit.actor_id(actor), "registration.create", "registration", registration.id, None, status, session=session_id)
    event = {PENDING: "received", REGISTERED: "confirmed", WAITLISTED: "waitlisted"}[status]
    notices.tell(registration.id, event, position=waitlist_position(registration))
    return registration


def existing_registration(session_id: int, phone: str) -> Registration | None:
    """The session's registration of this phone, in whatever state: one phone signs up once."""
    return db.session.scalar(select(Registration).where(Registration.session_id == session_id, Registration.phone == phone))


def insert_registration(registration: Registration, duplicate_message: str) -> None:
    """Write a new registration. The unique (session, phone) constraint refuses a duplicate even
    when it won a race with the check before it; the caller's unit of work is then rolled back
    whole, so a seat taken for this registration is given back too."""
    db.session.add(registration)
    try:
        db.session.flush()
    except IntegrityError:
        raise RuleError(duplicate_message, "phone") from None


def _answers_json(answers: dict[int, str]) -> str | None:
    given = {str(key): value.strip() for key, value in answers.items() if value and value.strip()}
    return json.dumps(given, ensure_ascii=False) if given else None


# --- registrations ----------------------------------------------------------------------------


def registration_by_token(session_id: int, token: str) -> Registration | None:
    return db.session.scalar(
        select(Registration).where(Registration.session_id == session_id, Registration.token == token)
    )


def get_registration(session_id: int, registration_id: int) -> Registration | None:
    registration = db.session.get(Registration, registration_id)
    return registration if registration and registration.session_id == session_id else None


def waitlist_position(registration: Registration) -> int | None:
    if registration.status != WAITLISTED:
        return None
    ahead = db.session.scalar(
        select(func.count()).where(
            Registration.session_id == registration.session_id,
            Registration.status == WAITLISTED,
            Registration.id < registration.id,
        )
    )
    return ahead + 1


def registrations_query(session_id: int, search: str = "", status: str = ""):
    stmt = select(Registration).where(Registration.session_id == session_id)
    search = (search or "").strip()
    if search:
        pattern = f"%{search}%"
        stmt = stmt.where(
            or_(
                Registration.attendee_name.ilike(pattern),
                Registration.enterprise_name.ilike(pattern),
                Registration.phone.like(pattern),
            )
        )
    if status:
        stmt = stmt.where(Registration.status == status)
    return stmt.order_by(Registration.id)


def cancel_registration(actor, registration: Registration, reason: str | None = None) -> list[int]:
    """Cancel a sign-up; a freed seat goes to the first on the waitlist in the same unit of work.

    Returns the ids of promoted registrations.
    """
    old = registration.status
    if old not in (PENDING, REGISTERED, WAITLISTED):
        raise RuleError(f"该报名当前为“{registration.status_label}”，不能取消。")
    if registration.checked_in_at:
        raise RuleError("已签到的报名不能取消。")
    # After the session a seat freed would promote someone to an event that is over.
    if registration.session.has_ended:
        raise RuleError("活动已结束，不能再取消报名。")
    registration_id, session_id = registration.id, registration.session_id
    if not move(registration_id, old, REG_CANCELLED, cancelled_at=clock.now()):
        raise Conflict(ALREADY_HANDLED)
    promoted = []
    if old == REGISTERED:
        _release_seat(session_id)
        promoted = promote_waitlist(actor, session_id)
    audit.record(audit.actor_id(actor), "registration.cancel", "registration", registration_id, old, REG_CANCELLED, reason=reason)
    notices.tell(registration_id, "cancelled", reason=reason)
    return promoted


def cancel_own_registration(registration: Registration, confirmed: bool) -> list[int]:
    """The attendee cancels through their personal link, once they tick the confirmation, and only
    until the session begins: seats freed once it has begun would promote people who are not coming."""
    if clock.now() >= registration.session.start_at:
        raise RuleError("活动已开始，不能再取消报名。")
    if not confirmed:
        raise RuleError("请勾选“我确认取消本次报名”后再提交。", "confirm")
    return cancel_registration(None, registration, reason="本人通过报名链接取消")


def approve_registration(actor, registration: Registration) -> str:
    """A pending sign-up takes a seat, or joins the waitlist when none is left. Returns the new state."""
    if registration.status != PENDING:
        raise RuleError(f"该报名当前为“{registration.status_label}”，无需审核。")
    registration_id, session_id = registration.id, registration.session_id
    # The registration row first, then the session row: the same lock order as a cancellation.
    if not move(registration_id, PENDING, REGISTERED):
        raise Conflict(ALREADY_HANDLED)
    new = REGISTERED
    if not _take_seat(session_id):
        move(registration_id, REGISTERED, WAITLISTED)
        new = WAITLISTED
    audit.record(audit.actor_id(actor), "registration.approve", "registration", registration_id, PENDING, new)
    if new == REGISTERED:
        notices.tell(registration_id, "confirmed")
    else:
        notices.tell(registration_id, "waitlisted", position=waitlist_position(db.session.get(Registration, registration_id)))
    return new


def reject_registration(actor, registration: Registration, reason: str | None = None) -> None:
    if registration.status != PENDING:
        raise RuleError(f"该报名当前为“{registration.status_label}”，不能驳回。")
    registration_id = registration.id
    if not move(registration_id, PENDING, REJECTED):
        raise Conflict(ALREADY_HANDLED)
    audit.record(audit.actor_id(actor), "registration.reject", "registration", registration_id, PENDING, REJECTED, reason=reason)
    notices.tell(registration_id, "rejected", reason=reason)
