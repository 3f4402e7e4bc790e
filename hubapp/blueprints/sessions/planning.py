"""Planning sessions: host organisations, the year's theme plan (一月一主题), each session with its
room, and the questions staff add to a session's sign-up form.

A session holds its room through a facilities booking made with ``holds``. Like every service
these only flush: the caller's ``atomic()`` writes a session and its booking together or not at
all, so a taken room creates nothing and a session that cannot be written leaves no booking.
"""

from calendar import monthrange
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from hubapp import audit, clock, concurrency
from hubapp.blueprints.facilities import holds
from hubapp.blueprints.sessions import notices, signup
from hubapp.blueprints.sessions.models import (
    CANCELLED,
    HOST_KINDS,
    KINDS,
    SCHEDULED,
    CustomQuestion,
    HostOrganisation,
    Registration,
    Session,
    ThemePlan,
)
from hubapp.extensions import db
from hubapp.rules import Conflict, RuleError

#: The session form's names for what a refusal of its room booking can be about.
ROOM_FIELDS = holds.FormFields({"start_at": "start_at", "end_at": "end_at", "room_id": "room_id", "headcount": "capacity"})


# --- host organisations -----------------------------------------------------------------------


def hosts(active_only: bool = False) -> list[HostOrganisation]:
    stmt = select(HostOrganisation).order_by(HostOrganisation.kind, HostOrganisation.name)
    if active_only:
        stmt = stmt.where(HostOrganisation.active.is_(True))
    return list(db.session.scalars(stmt))


def banks() -> list[HostOrganisation]:
    return [host for host in hosts(active_only=True) if host.kind == "bank"]


@dataclass
class HostData:
    """What staff fill in for a host organisation."""

    name: str
    kind: str
    department_id: int | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    active: bool = True


def save_host(actor, host: HostOrganisation | None, data: HostData) -> HostOrganisation:
    """Add a host organisation (``host`` None) or change one. Names are unique: staff pick the
    existing one instead of typing it again."""
    name = (data.name or "").strip()
    if not name:
        raise RuleError("请填写机构名称。", "name")
    if data.kind not in HOST_KINDS:
        raise RuleError("请选择机构类型。", "kind")
    clash = db.session.scalar(select(HostOrganisation).where(HostOrganisation.name == name))
    if clash is not None and clash is not host:
        raise RuleError("已有同名机构，请直接选用。", "name")
    created = host is None
    if created:
        host = HostOrganisation()
        db.session.add(host)
    host.name, host.kind, host.department_id = name, data.kind, data.department_id or None
    host.contact_name, host.contact_phone = data.contact_name or None, data.contact_phone or None
    host.active = data.active
    try:
        db.session.flush()
    except IntegrityError:
        # Someone saved the same name since the check above; the unique constraint refused it.
        raise RuleError("已有同名机构，请直接选用。", "name") from None
    audit.record(audit.actor_id(actor), "session_host.create" if created else "session_host.update", "session_host", host.id,
                 name=name)  # fmt: skip
    return host


# --- theme plan -------------------------------------------------------------------------------


def theme_plan(year: int) -> dict[int, ThemePlan]:
    return {plan.month: plan for plan in db.session.scalars(select(ThemePlan).where(ThemePlan.year == year))}


def theme_for(day: date) -> str | None:
    plan = db.session.scalar(select(ThemePlan).where(ThemePlan.year == day.year, ThemePlan.month == day.month))
    return plan.theme if plan else None


def save_theme_plan(actor, year: int, themes: dict[int, str]) -> None:
    """Set the year's plan at once (``themes`` by month number): a blank month removes that
    month's theme."""
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
        audit.record(audit.actor_id(actor), "session_theme.set", "session_theme", f"{year}-{month:02d}", old, text or None)
    db.session.flush()


# --- sessions ---------------------------------------------------------------------------------


def month_sessions(month: date) -> list[Session]:
    """The sessions starting in the month of ``month`` (its first day)."""
    first = datetime.combine(month.replace(day=1), time())
    last = first + timedelta(days=monthrange(month.year, month.month)[1])
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


def open_for_signup() -> list[Session]:
    """What the public list /s/ offers: scheduled sessions yet to start whose sign-up has not
    closed (a session whose sign-up opens later is listed, so enterprises can plan for it)."""
    now = clock.now()
    stmt = (
        select(Session)
        .where(
            Session.status == SCHEDULED,
            Session.start_at > now,
            (Session.signup_closes_at.is_(None)) | (Session.signup_closes_at > now),
        )
        .order_by(Session.start_at, Session.id)
    )
    return list(db.session.scalars(stmt))


def held_query(start: date, end: date):
    """The sessions held (not cancelled) starting from ``start`` up to ``end``: what a report's
    period counts, for the list its figure links to."""
    first, last = datetime.combine(start, time()), datetime.combine(end, time())
    return (
        select(Session)
        .where(Session.start_at >= first, Session.start_at < last, Session.status == SCHEDULED)
        .order_by(Session.start_at, Session.id)
    )


def held_between(start: date, end: date) -> tuple[int, int]:
    """(sessions held, people checked in at them) from ``start`` up to ``end``: a session is held
    unless cancelled, as ``sessions_per_month`` counts them."""
    held = held_query(start, end).order_by(None)
    sessions = db.session.scalar(held.with_only_columns(func.count(Session.id)))
    # Joined from the sessions (found by their start's index), not an IN over every registration.
    checked_in = db.session.scalar(
        held.with_only_columns(func.count(Registration.id))
        .select_from(Session)
        .join(Registration, Registration.session_id == Session.id)
        .where(Registration.checked_in_at.is_not(None))
    )
    return sessions, checked_in


def checked_in_by_month(start: date, end: date) -> dict[tuple[int, int], int]:
    """People checked in at the sessions held from ``start`` up to ``end``, by (year, month) of
    the session, as ``held_between`` counts them: one query for a chart's every month."""
    year, month = func.extract("year", Session.start_at), func.extract("month", Session.start_at)
    rows = db.session.execute(
        held_query(start, end)
        .order_by(None)
        .with_only_columns(year, month, func.count(Registration.id))
        .select_from(Session)
        .join(Registration, Registration.session_id == Session.id)
        .where(Registration.checked_in_at.is_not(None))
        .group_by(year, month)
    )
    return {(int(y), int(m)): n for y, m, n in rows}


def sessions_per_month(year: int) -> dict[int, int]:
    first, last = datetime(year, 1, 1), datetime(year + 1, 1, 1)
    month = func.extract("month", Session.start_at)
    stmt = (
        select(month, func.count())
        .where(Session.start_at >= first, Session.start_at < last, Session.status == SCHEDULED)
        .group_by(month)
    )
    return {int(m): n for m, n in db.session.execute(stmt)}


#: Check-in opens at most a day before the start (the database's check says the same).
MAX_CHECK_IN_OPENS_MINUTES = 1440


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
    #: None: the centre's default (``SESSION_CHECK_IN_OPENS_MINUTES``).
    check_in_opens_minutes: int | None = None


def _check_plan(plan: SessionPlan) -> None:
    if plan.kind not in KINDS:
        raise RuleError("请选择活动类型。", "kind")
    if not (plan.title or "").strip():
        raise RuleError("请填写活动名称。", "title")
    if plan.end <= plan.start:
        raise RuleError("结束时间必须晚于开始时间。", "end_at")
    room = holds.room(plan.room_id)
    if room is None:
        raise RuleError("请选择场地。", "room_id")
    if plan.capacity is None or plan.capacity < 1:
        raise RuleError("名额至少为1人。", "capacity")
    if plan.capacity > room.capacity:
        raise RuleError(f"名额不能超过{room.name}的容量（{room.capacity}人）。", "capacity")
    if plan.signup_closes_at and plan.signup_closes_at > plan.start:
        raise RuleError("报名截止时间不能晚于活动开始时间。", "signup_closes_at")
    if plan.signup_opens_at and plan.signup_opens_at >= plan.start:
        raise RuleError("报名开始时间必须早于活动开始时间。", "signup_opens_at")
    if plan.signup_opens_at and plan.signup_closes_at and plan.signup_opens_at >= plan.signup_closes_at:
        raise RuleError("报名开始时间必须早于报名截止时间。", "signup_opens_at")
    if plan.host_id and db.session.get(HostOrganisation, plan.host_id) is None:
        raise RuleError("请选择主办机构。", "host_id")
    if plan.check_in_opens_minutes is not None and not 0 <= plan.check_in_opens_minutes <= MAX_CHECK_IN_OPENS_MINUTES:
        raise RuleError(f"签到提前开放时间应在0到{MAX_CHECK_IN_OPENS_MINUTES}分钟之间。", "check_in_opens_minutes")


def _booking_title(plan: SessionPlan) -> str:
    return f"{KINDS[plan.kind]}：{plan.title.strip()}"[:100]


def _booking_holder(plan: SessionPlan) -> str:
    """Who the room's calendar, and a refused booking's message, name as holding the room."""
    host = db.session.get(HostOrganisation, plan.host_id) if plan.host_id else None
    return host.name if host else "本中心主题活动"


def _room_use(plan: SessionPlan) -> holds.RoomUse:
    return holds.RoomUse(
        room_id=plan.room_id, start=plan.start, end=plan.end, title=_booking_title(plan), headcount=plan.capacity,
        holder=_booking_holder(plan), purpose=plan.description or None,
    )  # fmt: skip


def create_session(actor, plan: SessionPlan, *, allow_past: bool = False) -> Session:
    """Plan a session and book its room. ``allow_past`` records a session held before it was entered."""
    _check_plan(plan)
    booking_id = holds.hold(actor, _room_use(plan), ROOM_FIELDS, source="session", allow_past=allow_past)
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
        check_in_opens_minutes=plan.check_in_opens_minutes,
        status=SCHEDULED,
        created_by_id=audit.actor_id(actor),
        created_at=clock.now(),
    )
    db.session.add(session)
    db.session.flush()
    audit.record(audit.actor_id(actor), "session.create", "session", session.id, None, SCHEDULED, booking=booking_id)
    return session


def _check_in_opening(minutes: int | None) -> str:
    return "按默认" if minutes is None else f"提前{minutes}分钟"


def update_session(actor, session: Session, plan: SessionPlan, based_on: int | None = None) -> Session:
    """Change a session; a new time or room moves its booking, more seats promote the waitlist.
    ``based_on`` is the version the edit form was drawn from (``hubapp.concurrency``)."""
    concurrency.claim(session, based_on)
    if session.is_cancelled:
        raise RuleError("活动已取消，不能修改。")
    _check_plan(plan)
    if plan.capacity < session.registered_count:
        raise RuleError(f"已有{session.registered_count}人报名，名额不能少于已报名人数。", "capacity")
    holds.update(actor, session.booking_id, _room_use(plan), ROOM_FIELDS)
    before = f"{session.start_at:%Y-%m-%d %H:%M} {session.room.name} 名额{session.capacity}"
    check_in_before = session.check_in_opens_minutes
    slot_before = (session.start_at, session.room_id)
    session.kind, session.title = plan.kind, plan.title.strip()
    session.theme = (plan.theme or "").strip() or theme_for(plan.start.date())
    session.host_id, session.speakers, session.description = plan.host_id or None, plan.speakers or None, plan.description or None
    session.start_at, session.end_at, session.room_id = plan.start, plan.end, plan.room_id
    session.capacity = plan.capacity
    session.signup_opens_at, session.signup_closes_at = plan.signup_opens_at, plan.signup_closes_at
    session.needs_approval = plan.needs_approval
    session.check_in_opens_minutes = plan.check_in_opens_minutes
    try:
        db.session.flush()
    except IntegrityError:
        # Sign-ups taken since the check above: the CHECK on registered_count refused the smaller
        # capacity. The caller's unit of work undoes the booking's move with it.
        raise RuleError("刚刚又有人报名，名额不能少于已报名人数，请刷新后重新填写名额。", "capacity") from None
    promoted = signup.promote_waitlist(actor, session.id)
    after = f"{session.start_at:%Y-%m-%d %H:%M} {holds.room(session.room_id).name} 名额{session.capacity}"
    changed = {}
    if session.check_in_opens_minutes != check_in_before:
        changed["check_in_opens"] = f"{_check_in_opening(check_in_before)} → {_check_in_opening(session.check_in_opens_minutes)}"
    audit.record(
        audit.actor_id(actor), "session.update", "session", session.id, before, after, promoted=len(promoted), **changed
    )
    if (session.start_at, session.room_id) != slot_before:
        notices.session_moved(session, holds.room(session.room_id).name)
    return session


def cancel_session(actor, session: Session, reason: str) -> Session:
    """Cancel a session and give its room back; its sign-ups stay as they are, for the record."""
    reason = (reason or "").strip()
    if not reason:
        raise RuleError("请填写取消原因。", "reason")
    if session.is_cancelled:
        raise RuleError("活动已经取消。")
    # The booking first, then the session row: the same lock order as an update.
    holds.release(actor, session.booking_id, f"活动取消：{reason}")
    moved = db.session.execute(
        update(Session)
        .where(Session.id == session.id, Session.status == SCHEDULED)
        .values(status=CANCELLED, cancel_reason=reason[:200])
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:
        raise Conflict("活动已被他人取消，请刷新后查看。")
    db.session.expire(session)
    audit.record(audit.actor_id(actor), "session.cancel", "session", session.id, SCHEDULED, CANCELLED, reason=reason)
    notices.session_cancelled(session, reason)
    return session


# --- custom questions -------------------------------------------------------------------------


def add_question(actor, session: Session, label: str, required: bool) -> CustomQuestion:
    label = (label or "").strip()
    if not label:
        raise RuleError("请填写问题。", "label")
    question = CustomQuestion(label=label[:200], required=required, sort_order=len(session.questions))
    session.questions.append(question)
    db.session.flush()
    audit.record(audit.actor_id(actor), "session.question_add", "session", session.id, None, None, question=label)
    return question


def delete_question(actor, session: Session, question: CustomQuestion) -> None:
    """Answers already given stay in the registrations; the form no longer asks."""
    audit.record(
        audit.actor_id(actor), "session.question_delete", "session", session.id, None, None, question=question.label,
        record=audit.snapshot(question),
    )  # fmt: skip
    session.questions.remove(question)
    db.session.flush()
