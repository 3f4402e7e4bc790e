"""Session rules: planning (with the room booked through facilities in the same transaction),
sign-up with capacity and waitlist, check-in, and outcomes. Every state change writes an audit row.

Capacity is held by the database. A seat is taken with one conditional UPDATE
(``registered_count < capacity``) and the CHECK constraint ``registered_count <= capacity`` refuses
anything else; on PostgreSQL the UPDATE row-locks the session, on SQLite every writing request
runs under BEGIN IMMEDIATE (hubapp/database.py). Registration state changes are conditional
UPDATEs as well, so that a double-clicked cancel cannot free two seats.
"""

import json
import re
import secrets
from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError

from hubapp import audit, clock
from hubapp.blueprints.directory import services as directory
from hubapp.blueprints.directory import uscc as uscc_rules
from hubapp.blueprints.facilities import holds
from hubapp.blueprints.sessions.models import (
    ATTENDING_STATES,
    BANK,
    CANCELLED,
    FINANCING_ORDER,
    FINANCING_STATES,
    GRANTED,
    HOST_KINDS,
    KINDS,
    PENDING,
    REG_CANCELLED,
    REGISTERED,
    REJECTED,
    SCHEDULED,
    WAITLISTED,
    WALK_IN,
    CustomQuestion,
    FinancingMatch,
    HostOrganisation,
    Registration,
    Session,
    ThemePlan,
)
from hubapp.extensions import db

MOBILE = re.compile(r"^1[3-9]\d{9}$")
#: The largest amount in 万元 a form takes; the columns (Numeric(12, 2)) hold a little more.
MAX_WAN = 9999999
AMOUNT_MESSAGE = f"请填写0.01至{MAX_WAN}之间的金额（万元）。"
#: The session form's names for what a refusal of its room booking can be about.
ROOM_FIELDS = holds.FormFields({"start_at": "start_at", "end_at": "end_at", "room_id": "room_id", "headcount": "capacity"})


class SessionError(ValueError):
    """A rule was broken; ``field`` names the form field the Chinese message belongs to."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def mobile_error(phone: str) -> str | None:
    if not MOBILE.match(phone or ""):
        return "请输入11位手机号码（1开头）。"
    return None


# --- host organisations -----------------------------------------------------------------------


def hosts(active_only: bool = False) -> list[HostOrganisation]:
    stmt = select(HostOrganisation).order_by(HostOrganisation.kind, HostOrganisation.name)
    if active_only:
        stmt = stmt.where(HostOrganisation.active.is_(True))
    return list(db.session.scalars(stmt))


def banks() -> list[HostOrganisation]:
    return [host for host in hosts(active_only=True) if host.kind == "bank"]


def save_host(
    actor_id: int | None,
    *,
    name: str,
    kind: str,
    department_id: int | None = None,
    contact_name: str | None = None,
    contact_phone: str | None = None,
    active: bool = True,
    host: HostOrganisation | None = None,
) -> HostOrganisation:
    name = (name or "").strip()
    if not name:
        raise SessionError("请填写机构名称。", "name")
    if kind not in HOST_KINDS:
        raise SessionError("请选择机构类型。", "kind")
    clash = db.session.scalar(select(HostOrganisation).where(HostOrganisation.name == name))
    if clash is not None and clash is not host:
        raise SessionError("已有同名机构，请直接选用。", "name")
    created = host is None
    if created:
        host = HostOrganisation()
        db.session.add(host)
    host.name, host.kind, host.department_id = name, kind, department_id or None
    host.contact_name, host.contact_phone, host.active = contact_name or None, contact_phone or None, active
    db.session.flush()
    audit.record(actor_id, "session_host.create" if created else "session_host.update", "session_host", host.id, name=name)
    db.session.commit()
    return host


# --- theme plan -------------------------------------------------------------------------------


def theme_plan(year: int) -> dict[int, ThemePlan]:
    return {plan.month: plan for plan in db.session.scalars(select(ThemePlan).where(ThemePlan.year == year))}


def theme_for(day: date) -> str | None:
    plan = db.session.scalar(select(ThemePlan).where(ThemePlan.year == day.year, ThemePlan.month == day.month))
    return plan.theme if plan else None


def save_theme_plan(actor_id: int | None, year: int, themes: dict[int, str]) -> None:
    """Set the year's plan at once: a blank month removes that month's theme."""
    existing = theme_plan(year)
    for month in range(1, 13):
        text = (themes.get(month) or "").strip()
        plan = existing.get(month)
        old = plan.theme if plan else None
        if text == (old or ""):
            continue
        if not text:
            db.session.delete(plan)
        elif plan is None:
            db.session.add(ThemePlan(year=year, month=month, theme=text))
        else:
            plan.theme = text
        audit.record(actor_id, "session_theme.set", "session_theme", f"{year}-{month:02d}", old, text or None)
    db.session.commit()


# --- planning ---------------------------------------------------------------------------------


def get_session(session_id: int) -> Session | None:
    return db.session.get(Session, session_id)


def month_sessions(year: int, month: int) -> list[Session]:
    first = datetime(year, month, 1)
    last = first + timedelta(days=monthrange(year, month)[1])
    stmt = select(Session).where(Session.start_at >= first, Session.start_at < last).order_by(Session.start_at)
    return list(db.session.scalars(stmt))


def upcoming_sessions(limit: int = 5) -> list[Session]:
    stmt = (
        select(Session)
        .where(Session.start_at >= clock.now(), Session.status == SCHEDULED)
        .order_by(Session.start_at)
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


def sessions_per_month(year: int) -> dict[int, int]:
    first, last = datetime(year, 1, 1), datetime(year + 1, 1, 1)
    month = func.extract("month", Session.start_at)
    stmt = (
        select(month, func.count())
        .where(Session.start_at >= first, Session.start_at < last, Session.status == SCHEDULED)
        .group_by(month)
    )
    return {int(m): n for m, n in db.session.execute(stmt)}


@dataclass
class SessionPlan:
    """What staff fill in for a session."""

    kind: str
    title: str
    start: datetime
    end: datetime
    room_id: int
    capacity: int
    theme: str | None = None
    host_id: int | None = None
    speakers: str | None = None
    description: str | None = None
    signup_opens_at: datetime | None = None
    signup_closes_at: datetime | None = None
    needs_approval: bool = False


def _check_plan(plan: SessionPlan) -> None:
    if plan.kind not in KINDS:
        raise SessionError("请选择活动类型。", "kind")
    if not (plan.title or "").strip():
        raise SessionError("请填写活动名称。", "title")
    if plan.end <= plan.start:
        raise SessionError("结束时间必须晚于开始时间。", "end_at")
    room = holds.room(plan.room_id)
    if room is None:
        raise SessionError("请选择场地。", "room_id")
    if plan.capacity is None or plan.capacity < 1:
        raise SessionError("名额至少为1人。", "capacity")
    if plan.capacity > room.capacity:
        raise SessionError(f"名额不能超过{room.name}的容量（{room.capacity}人）。", "capacity")
    if plan.signup_closes_at and plan.signup_closes_at > plan.start:
        raise SessionError("报名截止时间不能晚于活动开始时间。", "signup_closes_at")
    if plan.signup_opens_at and plan.signup_opens_at >= plan.start:
        raise SessionError("报名开始时间必须早于活动开始时间。", "signup_opens_at")
    if plan.signup_opens_at and plan.signup_closes_at and plan.signup_opens_at >= plan.signup_closes_at:
        raise SessionError("报名开始时间必须早于报名截止时间。", "signup_opens_at")
    if plan.host_id and db.session.get(HostOrganisation, plan.host_id) is None:
        raise SessionError("请选择主办机构。", "host_id")


def _booking_title(plan: SessionPlan | Session) -> str:
    return f"{KINDS[plan.kind]}：{plan.title.strip()}"[:100]


def _booking_holder(plan: SessionPlan) -> str:
    """Who the room's calendar, and a refused booking's message, name as holding the room."""
    host = db.session.get(HostOrganisation, plan.host_id) if plan.host_id else None
    return host.name if host else "本中心主题活动"


def _room_use(plan: SessionPlan) -> holds.RoomUse:
    return holds.RoomUse(
        room_id=plan.room_id, start=plan.start, end=plan.end, title=_booking_title(plan), headcount=plan.capacity,
        holder=_booking_holder(plan), purpose=plan.description or None,
    )


def create_session(plan: SessionPlan, actor_id: int | None, allow_past: bool = False) -> Session:
    """Create the session and book its room in one transaction: a taken room creates nothing."""
    _check_plan(plan)
    booking_id = holds.hold(actor_id, _room_use(plan), ROOM_FIELDS, source="session", allow_past=allow_past)
    session = Session(
        kind=plan.kind,
        title=plan.title.strip(),
        theme=(plan.theme or "").strip() or theme_for(plan.start.date()),
        host_id=plan.host_id or None,
        speakers=plan.speakers or None,
        description=plan.description or None,
        start_at=plan.start,
        end_at=plan.end,
        room_id=plan.room_id,
        booking_id=booking_id,
        capacity=plan.capacity,
        registered_count=0,
        signup_opens_at=plan.signup_opens_at,
        signup_closes_at=plan.signup_closes_at,
        needs_approval=plan.needs_approval,
        status=SCHEDULED,
        created_by_id=actor_id,
        created_at=clock.now(),
    )
    db.session.add(session)
    db.session.flush()
    audit.record(actor_id, "session.create", "session", session.id, None, SCHEDULED, booking=booking_id)
    db.session.commit()
    return session


def update_session(session: Session, plan: SessionPlan, actor_id: int | None) -> Session:
    """Change a session; a new time or room moves its booking in the same transaction."""
    if session.is_cancelled:
        raise SessionError("活动已取消，不能修改。")
    _check_plan(plan)
    if plan.capacity < session.registered_count:
        raise SessionError(f"已有{session.registered_count}人报名，名额不能少于已报名人数。", "capacity")
    holds.update(actor_id, session.booking_id, _room_use(plan), ROOM_FIELDS)
    before = f"{session.start_at:%Y-%m-%d %H:%M} {session.room.name} 名额{session.capacity}"
    session.kind, session.title = plan.kind, plan.title.strip()
    session.theme = (plan.theme or "").strip() or theme_for(plan.start.date())
    session.host_id, session.speakers, session.description = plan.host_id or None, plan.speakers or None, plan.description or None
    session.start_at, session.end_at, session.room_id = plan.start, plan.end, plan.room_id
    session.capacity = plan.capacity
    session.signup_opens_at, session.signup_closes_at = plan.signup_opens_at, plan.signup_closes_at
    session.needs_approval = plan.needs_approval
    try:
        db.session.flush()
    except IntegrityError:
        # Sign-ups taken since the check above: the CHECK on registered_count refused the smaller capacity.
        db.session.rollback()
        raise SessionError("刚刚又有人报名，名额不能少于已报名人数，请刷新后重新填写名额。", "capacity") from None
    promoted = _promote_waitlist(session.id, actor_id)
    after = f"{session.start_at:%Y-%m-%d %H:%M} {holds.room(session.room_id).name} 名额{session.capacity}"
    audit.record(actor_id, "session.update", "session", session.id, before, after, promoted=len(promoted))
    db.session.commit()
    return session


def cancel_session(session: Session, actor_id: int | None, reason: str) -> Session:
    reason = (reason or "").strip()
    if not reason:
        raise SessionError("请填写取消原因。", "reason")
    if session.is_cancelled:
        raise SessionError("活动已经取消。")
    holds.release(actor_id, session.booking_id, f"活动取消：{reason}")
    session.status, session.cancel_reason = CANCELLED, reason[:200]
    audit.record(actor_id, "session.cancel", "session", session.id, SCHEDULED, CANCELLED, reason=reason)
    db.session.commit()
    return session


# --- custom questions -------------------------------------------------------------------------


def add_question(session: Session, label: str, required: bool, actor_id: int | None) -> CustomQuestion:
    label = (label or "").strip()
    if not label:
        raise SessionError("请填写问题。", "label")
    question = CustomQuestion(session_id=session.id, label=label[:200], required=required, sort_order=len(session.questions))
    db.session.add(question)
    db.session.flush()
    audit.record(actor_id, "session.question_add", "session", session.id, None, None, question=label)
    db.session.commit()
    return question


def delete_question(question: CustomQuestion, actor_id: int | None) -> None:
    audit.record(actor_id, "session.question_delete", "session", question.session_id, None, None, question=question.label)
    db.session.delete(question)
    db.session.commit()


# --- sign-up ----------------------------------------------------------------------------------


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


@dataclass
class SignupData:
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


def _resolve_enterprise(data: SignupData):
    """The register's enterprise for a typed code or exact name, else None (a typed newcomer)."""
    if data.uscc:
        found = directory.enterprise_by_uscc(data.uscc)
        if found is not None:
            return found
    name = data.enterprise_name.strip()
    if not name:
        return None
    from hubapp.blueprints.directory.models import Enterprise

    return db.session.scalar(select(Enterprise).where(or_(Enterprise.name == name, Enterprise.short_name == name)))


def _check_signup(session: Session, data: SignupData) -> None:
    if not data.enterprise_name.strip():
        raise SessionError("请填写企业名称。", "enterprise_name")
    if not data.attendee_name.strip():
        raise SessionError("请填写参会人姓名。", "attendee_name")
    error = mobile_error(data.phone)
    if error:
        raise SessionError(error, "phone")
    if data.uscc:
        error = uscc_rules.validation_error(data.uscc)
        if error:
            raise SessionError(error, "uscc")
    if session.kind == BANK:
        if data.financing_amount is None:
            raise SessionError("请填写融资需求金额（万元）。", "financing_amount")
        if not 0 < data.financing_amount <= MAX_WAN:
            raise SessionError(AMOUNT_MESSAGE, "financing_amount")
        if data.financing_term is not None and data.financing_term < 1:
            raise SessionError("融资期限至少为1个月。", "financing_term")
    for question in session.questions:
        if question.required and not (data.answers.get(question.id) or "").strip():
            raise SessionError("此问题必须填写。", f"q_{question.id}")


def _duplicate_message(existing: Registration) -> str:
    if existing.status == REG_CANCELLED:
        return "该手机号的报名已取消；如需重新报名，请联系中心工作人员。"
    return "该手机号已报名本场活动，同一手机号不能重复报名。找不到报名链接也不要紧：到场后报手机号，工作人员即可为您签到。"


def _take_seat(session_id: int) -> bool:
    """Take one seat if one is free: one statement, so that no two sign-ups get the last seat."""
    result = db.session.execute(
        update(Session)
        .where(Session.id == session_id, Session.registered_count < Session.capacity)
        .values(registered_count=Session.registered_count + 1)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def _release_seat(session_id: int) -> None:
    db.session.execute(
        update(Session)
        .where(Session.id == session_id, Session.registered_count > 0)
        .values(registered_count=Session.registered_count - 1)
        .execution_options(synchronize_session=False)
    )


def _move(registration_id: int, old: str, new: str, **values) -> bool:
    """Change a registration's state only if it is still ``old``: the loser of a race gets False."""
    result = db.session.execute(
        update(Registration)
        .where(Registration.id == registration_id, Registration.status == old)
        .values(status=new, **values)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def _promote_waitlist(session_id: int, actor_id: int | None) -> list[int]:
    """Fill free seats from the waitlist, first come first served (by sign-up order)."""
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
        if not _move(first, WAITLISTED, REGISTERED):
            # They cancelled while we looked: give the seat back and try the next in line.
            _release_seat(session_id)
            continue
        audit.record(actor_id, "registration.promote", "registration", first, WAITLISTED, REGISTERED)
        promoted.append(first)
    return promoted


def register(session_id: int, data: SignupData, actor_id: int | None = None) -> Registration:
    """Sign up: a seat if one is free, else the waitlist (or pending when staff approve sign-ups)."""
    session = get_session(session_id)
    if session is None:
        raise SessionError("活动不存在。")
    closed = signup_closed_reason(session)
    if closed:
        raise SessionError(closed)
    _check_signup(session, data)
    existing = db.session.scalar(
        select(Registration).where(Registration.session_id == session.id, Registration.phone == data.phone)
    )
    if existing is not None:
        raise SessionError(_duplicate_message(existing), "phone")
    enterprise = _resolve_enterprise(data)
    if session.needs_approval:
        status = PENDING
    else:
        status = REGISTERED if _take_seat(session.id) else WAITLISTED
    registration = Registration(
        session_id=session.id,
        status=status,
        enterprise_id=enterprise.id if enterprise else None,
        enterprise_name=enterprise.name if enterprise else data.enterprise_name.strip(),
        uscc=enterprise.uscc if enterprise else (uscc_rules.normalise(data.uscc) if data.uscc else None),
        attendee_name=data.attendee_name.strip(),
        phone=data.phone,
        position=(data.position or "").strip() or None,
        questions=(data.questions or "").strip() or None,
        financing_amount=data.financing_amount if session.kind == BANK else None,
        financing_purpose=((data.financing_purpose or "").strip() or None) if session.kind == BANK else None,
        financing_term=data.financing_term if session.kind == BANK else None,
        financing_collateral=data.financing_collateral if session.kind == BANK else None,
        answers=_answers_json(data.answers),
        token=secrets.token_urlsafe(16),
        created_at=clock.now(),
    )
    _insert_registration(registration, "该手机号已报名本场活动，同一手机号不能重复报名。")
    audit.record(actor_id, "registration.create", "registration", registration.id, None, status, session=session.id)
    db.session.commit()
    return registration


def _insert_registration(registration: Registration, duplicate_message: str) -> None:
    """Write a new registration. The unique (session, phone) constraint refuses a duplicate even
    when it won a race with the check before it; the whole transaction is rolled back then, so a
    seat taken for this registration is given back too."""
    db.session.add(registration)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise SessionError(duplicate_message, "phone") from None


def _answers_json(answers: dict[int, str]) -> str | None:
    given = {str(key): value.strip() for key, value in answers.items() if value and value.strip()}
    return json.dumps(given, ensure_ascii=False) if given else None


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


def cancel_registration(registration: Registration, actor_id: int | None, reason: str | None = None) -> list[int]:
    """Cancel a sign-up; a freed seat goes to the first on the waitlist in the same transaction.

    Returns the ids of promoted registrations.
    """
    old = registration.status
    if old not in (PENDING, REGISTERED, WAITLISTED):
        raise SessionError(f"该报名当前为“{registration.status_label}”，不能取消。")
    if registration.checked_in_at:
        raise SessionError("已签到的报名不能取消。")
    # After the session a seat freed would promote someone to an event that is over.
    if registration.session.has_ended:
        raise SessionError("活动已结束，不能再取消报名。")
    if not _move(registration.id, old, REG_CANCELLED, cancelled_at=clock.now()):
        db.session.rollback()
        raise SessionError("该报名已被处理，请刷新后查看。")
    promoted = []
    if old == REGISTERED:
        _release_seat(registration.session_id)
        promoted = _promote_waitlist(registration.session_id, actor_id)
    audit.record(actor_id, "registration.cancel", "registration", registration.id, old, REG_CANCELLED, reason=reason)
    db.session.commit()
    db.session.expire_all()
    return promoted


def approve_registration(registration: Registration, actor_id: int | None) -> str:
    """A pending sign-up takes a seat, or joins the waitlist when none is left. Returns the new state."""
    if registration.status != PENDING:
        raise SessionError(f"该报名当前为“{registration.status_label}”，无需审核。")
    # The registration row first, then the session row: the same lock order as a cancellation.
    if not _move(registration.id, PENDING, REGISTERED):
        db.session.rollback()
        raise SessionError("该报名已被处理，请刷新后查看。")
    new = REGISTERED
    if not _take_seat(registration.session_id):
        _move(registration.id, REGISTERED, WAITLISTED)
        new = WAITLISTED
    audit.record(actor_id, "registration.approve", "registration", registration.id, PENDING, new)
    db.session.commit()
    db.session.expire_all()
    return new


def reject_registration(registration: Registration, actor_id: int | None, reason: str | None = None) -> None:
    if registration.status != PENDING:
        raise SessionError(f"该报名当前为“{registration.status_label}”，不能驳回。")
    if not _move(registration.id, PENDING, REJECTED):
        db.session.rollback()
        raise SessionError("该报名已被处理，请刷新后查看。")
    audit.record(actor_id, "registration.reject", "registration", registration.id, PENDING, REJECTED, reason=reason)
    db.session.commit()
    db.session.expire_all()


# --- at the door ------------------------------------------------------------------------------


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


def token_from_scan(text: str) -> str:
    """A scanned check-in code is a URL ending in the token; a typed one may be the token alone."""
    text = (text or "").strip().rstrip("/")
    return text.rsplit("/", 1)[-1]


def check_in(registration: Registration, actor_id: int | None) -> CheckIn:
    """Idempotent: a second scan reports the time of the first."""
    if registration.session.is_cancelled:
        raise SessionError("本场活动已取消，不能签到。")
    if registration.status not in ATTENDING_STATES:
        raise SessionError(f"{registration.attendee_name}的报名状态为“{registration.status_label}”，不能签到。")
    now = clock.now()
    result = db.session.execute(
        update(Registration)
        .where(Registration.id == registration.id, Registration.checked_in_at.is_(None))
        .values(checked_in_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount == 0:
        db.session.rollback()
        db.session.refresh(registration)
        return CheckIn(registration, already=True)
    audit.record(actor_id, "registration.check_in", "registration", registration.id, registration.status, "checked_in")
    db.session.commit()
    db.session.refresh(registration)
    return CheckIn(registration, already=False)


#: Sign-ups without a seat whom staff may still let in at the door.
ADMISSIBLE_STATES = (WAITLISTED, PENDING)


def admit_at_door(registration: Registration, actor_id: int | None) -> CheckIn:
    """Someone on the waitlist (or not yet approved) came anyway and there is room: they are let in
    as a walk-in, outside the sign-up seats, so the capacity count and the waitlist order stay as
    they were."""
    if registration.session.is_cancelled:
        raise SessionError("本场活动已取消，不能签到。")
    old = registration.status
    if old not in ADMISSIBLE_STATES:
        raise SessionError(f"{registration.attendee_name}的报名状态为“{registration.status_label}”，不能按现场登记签到。")
    if not _move(registration.id, old, WALK_IN, checked_in_at=clock.now()):
        db.session.rollback()
        raise SessionError("该报名已被处理，请刷新后查看。")
    audit.record(actor_id, "registration.walk_in", "registration", registration.id, old, WALK_IN, session=registration.session_id)
    db.session.commit()
    db.session.refresh(registration)
    return CheckIn(registration, already=False)


def add_walk_in(session: Session, data: SignupData, actor_id: int | None) -> Registration:
    """Someone who came without signing up: recorded and checked in at once, outside the sign-up seats."""
    if session.is_cancelled:
        raise SessionError("本场活动已取消。")
    if not data.enterprise_name.strip():
        raise SessionError("请填写企业名称。", "enterprise_name")
    if not data.attendee_name.strip():
        raise SessionError("请填写姓名。", "attendee_name")
    error = mobile_error(data.phone)
    if error:
        raise SessionError(error, "phone")
    existing = db.session.scalar(
        select(Registration).where(Registration.session_id == session.id, Registration.phone == data.phone)
    )
    if existing is not None:
        raise SessionError(f"该手机号已有报名（{existing.attendee_name}，{existing.status_label}），请在名单中签到。", "phone")
    enterprise = _resolve_enterprise(data)
    now = clock.now()
    registration = Registration(
        session_id=session.id,
        status=WALK_IN,
        enterprise_id=enterprise.id if enterprise else None,
        enterprise_name=enterprise.name if enterprise else data.enterprise_name.strip(),
        uscc=enterprise.uscc if enterprise else None,
        attendee_name=data.attendee_name.strip(),
        phone=data.phone,
        position=(data.position or "").strip() or None,
        token=secrets.token_urlsafe(16),
        created_at=now,
        checked_in_at=now,
    )
    _insert_registration(registration, "该手机号已报名本场活动，请在名单中签到。")
    audit.record(actor_id, "registration.walk_in", "registration", registration.id, None, WALK_IN, session=session.id)
    db.session.commit()
    return registration


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


def attendees(session_id: int) -> list[Registration]:
    """Who is expected at the door, in sign-up order (the sign-in sheet)."""
    stmt = (
        select(Registration)
        .where(Registration.session_id == session_id, Registration.status.in_(ATTENDING_STATES))
        .order_by(Registration.id)
    )
    return list(db.session.scalars(stmt))


# --- outcomes ---------------------------------------------------------------------------------


@dataclass
class Attendance:
    registered: int
    waitlisted: int
    pending: int
    cancelled: int
    checked_in: int
    walk_in: int

    @property
    def rate(self) -> int | None:
        """Checked-in share of those registered, in percent (walk-ins not counted)."""
        if not self.registered:
            return None
        return round(100 * (self.checked_in - self.walk_in) / self.registered)


def attendance(session_id: int) -> Attendance:
    counts = dict(
        db.session.execute(
            select(Registration.status, func.count()).where(Registration.session_id == session_id).group_by(Registration.status)
        ).all()
    )
    checked_in = db.session.scalar(
        select(func.count()).where(Registration.session_id == session_id, Registration.checked_in_at.is_not(None))
    )
    return Attendance(
        registered=counts.get(REGISTERED, 0),
        waitlisted=counts.get(WAITLISTED, 0),
        pending=counts.get(PENDING, 0),
        cancelled=counts.get(REG_CANCELLED, 0),
        checked_in=checked_in,
        walk_in=counts.get(WALK_IN, 0),
    )


def collected_questions(session_id: int) -> list[Registration]:
    """Registrations that asked something (tax sessions ask; anyone may)."""
    stmt = (
        select(Registration)
        .where(
            Registration.session_id == session_id,
            Registration.questions.is_not(None),
            Registration.status != REJECTED,
        )
        .order_by(Registration.id)
    )
    return list(db.session.scalars(stmt))


def financing_needs(session_id: int) -> list[Registration]:
    stmt = (
        select(Registration)
        .where(Registration.session_id == session_id, Registration.financing_amount.is_not(None))
        .order_by(Registration.id)
    )
    return list(db.session.scalars(stmt))


def financing_matches(session_id: int) -> list[FinancingMatch]:
    stmt = select(FinancingMatch).where(FinancingMatch.session_id == session_id).order_by(FinancingMatch.id)
    return list(db.session.scalars(stmt))


def save_outcome_summary(session: Session, summary: str, actor_id: int | None) -> None:
    session.outcome_summary = (summary or "").strip() or None
    audit.record(actor_id, "session.outcome", "session", session.id, None, None)
    db.session.commit()


def add_financing(
    session: Session,
    actor_id: int | None,
    *,
    enterprise_name: str,
    bank_id: int,
    amount: Decimal,
    status: str,
    notes: str | None = None,
) -> FinancingMatch:
    if session.kind != BANK:
        raise SessionError("只有银企对接活动记录融资对接成果。")
    enterprise_name = (enterprise_name or "").strip()
    if not enterprise_name:
        raise SessionError("请填写企业。", "enterprise_name")
    bank = db.session.get(HostOrganisation, bank_id) if bank_id else None
    if bank is None:
        raise SessionError("请选择银行。", "bank_id")
    if amount is None or not 0 < amount <= MAX_WAN:
        raise SessionError(AMOUNT_MESSAGE, "amount")
    if status not in FINANCING_STATES:
        raise SessionError("请选择进展。", "status")
    enterprise = _resolve_enterprise(SignupData(enterprise_name=enterprise_name, attendee_name="", phone=""))
    match = FinancingMatch(
        session_id=session.id,
        enterprise_id=enterprise.id if enterprise else None,
        enterprise_name=enterprise.name if enterprise else enterprise_name,
        bank_id=bank.id,
        amount=amount,
        status=status,
        notes=(notes or "").strip() or None,
        updated_at=clock.now(),
    )
    db.session.add(match)
    db.session.flush()
    audit.record(actor_id, "financing.create", "financing", match.id, None, status, amount=str(amount), bank=bank.name)
    db.session.commit()
    return match


def advance_financing(match: FinancingMatch, new_status: str, actor_id: int | None) -> FinancingMatch:
    """意向 → 审批通过 → 已放款, forwards only (a step may be skipped)."""
    if new_status not in FINANCING_STATES:
        raise SessionError("请选择进展。", "status")
    if FINANCING_ORDER.index(new_status) <= FINANCING_ORDER.index(match.status):
        raise SessionError(f"融资进展只能向前推进（当前为“{match.status_label}”）。", "status")
    old = match.status
    match.status, match.updated_at = new_status, clock.now()
    audit.record(actor_id, "financing.advance", "financing", match.id, old, new_status)
    db.session.commit()
    return match


def delete_financing(match: FinancingMatch, actor_id: int | None) -> None:
    """A match recorded by mistake (wrong enterprise, bank or amount) is removed and entered again;
    the audit row keeps what it said."""
    audit.record(
        actor_id, "financing.delete", "financing", match.id, match.status, None,
        enterprise=match.enterprise_name, amount=str(match.amount), bank=match.bank.name,
    )  # fmt: skip
    db.session.delete(match)
    db.session.commit()


def financing_report(matches: list[FinancingMatch]) -> list[str]:
    """The sentences the centre puts in its report, e.g. 协助汇科工控获得融资450万元 (granted loans only)."""
    return [f"协助{m.short_enterprise_name}获得融资{wan(m.amount)}万元" for m in matches if m.status == GRANTED]


def wan(amount: Decimal | None) -> str:
    """450.00 → 450, 12.50 → 12.5."""
    if amount is None:
        return ""
    text = f"{Decimal(amount):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
