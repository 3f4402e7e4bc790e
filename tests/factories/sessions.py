"""Sessions, their host organisations, sign-ups and financing matches, through the sessions
services; and the plain inputs (a plan, a sign-up) the tests hand to those services themselves."""

from datetime import datetime, time, timedelta
from decimal import Decimal

from factories import facilities
from hubapp import clock
from hubapp.blueprints.facilities.models import Room
from hubapp.blueprints.sessions import outcomes, planning, signup
from hubapp.blueprints.sessions.models import (
    TAX,
    CustomQuestion,
    FinancingMatch,
    HostOrganisation,
    Registration,
    Session,
)
from hubapp.blueprints.sessions.outcomes import FinancingData
from hubapp.blueprints.sessions.planning import HostData, SessionPlan
from hubapp.blueprints.sessions.signup import SignupData
from hubapp.database import atomic

TITLE = "个人所得税综合所得年度汇算清缴政策解读"


def day(offset: int, hour: int) -> datetime:
    """``hour`` o'clock, ``offset`` days from today."""
    return datetime.combine(clock.today() + timedelta(days=offset), time(hour))


def phone(n: int) -> str:
    """A distinct valid mobile number for each ``n``."""
    return f"139{n:08d}"


def hall(name: str = "办事大厅洽谈区", capacity: int = 50, **extra) -> Room:
    """The room the centre keeps for sessions, open every day 08:30–21:00."""
    return facilities.room(name, capacity=capacity, kind="办事大厅", **extra)


def door_open_now() -> dict:
    """``start`` (and ``check_in_opens_minutes``) of a two-hour session whose door is open now, at
    any time of day, in a hall open round the clock: within the hour; or, late in the evening,
    when two hours would run past midnight (no room is booked across it), just after midnight,
    with the door open a day ahead."""
    start = clock.now().replace(second=0) + timedelta(minutes=30)
    if (start + timedelta(hours=2)).date() == start.date():
        return {"start": start}
    return {"start": datetime.combine(start.date() + timedelta(days=1), time(0, 5)), "check_in_opens_minutes": 24 * 60}


def plan(room: Room, kind: str = TAX, capacity: int = 10, start: datetime | None = None, **extra) -> SessionPlan:
    """Two hours from ``start`` (a week from today at 14:00 unless given)."""
    start = start or day(7, 14)
    extra.setdefault("title", TITLE)
    return SessionPlan(kind=kind, start=start, end=start + timedelta(hours=2), room_id=room.id,
                       capacity=capacity, **extra)  # fmt: skip


def signup_data(number: str, name: str = "王敏", enterprise: str = "威海汇科工控技术有限公司", **extra) -> SignupData:
    return SignupData(enterprise_name=enterprise, attendee_name=name, phone=number, **extra)


def session(room: Room, kind: str = TAX, capacity: int = 10, start: datetime | None = None, *, actor=None,
            allow_past: bool = False, **extra) -> Session:  # fmt: skip
    """A session of ``plan(...)`` with its room booked."""
    with atomic():
        return planning.create_session(actor, plan(room, kind, capacity, start, **extra), allow_past=allow_past)


def registration(of: Session, number: str, name: str = "王敏", enterprise: str = "威海汇科工控技术有限公司", *,
                 actor=None, **extra) -> Registration:  # fmt: skip
    """A sign-up as the public makes it: a seat while one is free, else the waitlist."""
    with atomic():
        return signup.register(actor, of, signup_data(number, name, enterprise, **extra))


def host(name: str = "国家税务总局威海南海新区税务局", kind: str = "tax", *, actor=None, **extra) -> HostOrganisation:
    with atomic():
        return planning.save_host(actor, None, HostData(name=name, kind=kind, **extra))


def question(of: Session, label: str = "贵企业员工人数", required: bool = True, *, actor=None) -> CustomQuestion:
    with atomic():
        return planning.add_question(actor, of, label, required)


def financing(of: Session, bank: HostOrganisation, enterprise_name: str = "汇科工控", amount: str = "450",
              status: str = "intention", *, actor=None) -> FinancingMatch:  # fmt: skip
    with atomic():
        data = FinancingData(enterprise_name=enterprise_name, bank_id=bank.id, amount=Decimal(amount), status=status)
        return outcomes.add_financing(actor, of, data)


def doors_open(monkeypatch, of: Session, before_start: timedelta = timedelta(minutes=10)) -> datetime:
    """Move the clock to ``before_start`` before the session begins, when check-in is open."""
    at_the_door = of.start_at - before_start
    monkeypatch.setattr(clock, "now", lambda: at_the_door)
    return at_the_door
