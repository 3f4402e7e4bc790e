"""Session rules, tested on the service functions: room booking in the same transaction, capacity
and waitlist, duplicate phones, the sign-up window, check-in, and outcomes."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from hubapp import audit, clock
from hubapp.blueprints.facilities import services as facilities
from hubapp.blueprints.facilities.models import CANCELLED as BOOKING_CANCELLED
from hubapp.blueprints.facilities.models import OpeningHours, Room
from hubapp.blueprints.sessions import services
from hubapp.blueprints.sessions.models import (
    BANK,
    GRANTED,
    PENDING,
    REG_CANCELLED,
    REGISTERED,
    TAX,
    WAITLISTED,
    WALK_IN,
    HostOrganisation,
    Registration,
    Session,
)
from hubapp.blueprints.sessions.services import SessionError, SessionPlan, SignupData
from hubapp.extensions import db


def make_room(name="办事大厅洽谈区", capacity=50):
    room = Room(name=name, kind="办事大厅", capacity=capacity, booking_mode="exclusive", active=True)
    room.opening_hours = [OpeningHours(weekday=d, opens=time(8, 30), closes=time(21, 0)) for d in range(7)]
    db.session.add(room)
    db.session.commit()
    return room


@pytest.fixture
def room(app):
    return make_room()


@pytest.fixture
def tax_branch(app):
    host = HostOrganisation(name="国家税务总局威海南海新区税务局", kind="tax", active=True)
    db.session.add(host)
    db.session.commit()
    return host


def day(offset: int, hour: int) -> datetime:
    return datetime.combine(clock.today() + timedelta(days=offset), time(hour))


def plan(room, kind=TAX, capacity=10, start=None, **extra) -> SessionPlan:
    start = start or day(7, 14)
    return SessionPlan(
        kind=kind,
        title="个人所得税综合所得年度汇算清缴政策解读",
        start=start,
        end=start + timedelta(hours=2),
        room_id=room.id,
        capacity=capacity,
        **extra,
    )


def signup(phone: str, name="王敏", enterprise="威海汇科工控技术有限公司", **extra) -> SignupData:
    return SignupData(enterprise_name=enterprise, attendee_name=name, phone=phone, **extra)


def phone(n: int) -> str:
    return f"139{n:08d}"


# --- planning and the room ----------------------------------------------------------------------


def test_creating_a_session_books_its_room(room, tax_branch):
    session = services.create_session(plan(room, host_id=tax_branch.id), actor_id=None)
    assert session.booking.room_id == room.id
    assert session.booking.status == "confirmed"
    assert session.booking.source == "session"
    assert [e.action for e in audit.entries_for("session", session.id)] == ["session.create"]


def test_a_taken_room_creates_no_session_and_names_the_holder(room):
    facilities.create_booking(
        room_id=room.id, start=day(7, 13), end=day(7, 15), title="企业座谈", contact_name="鸿锐金属", actor_id=None
    )
    with pytest.raises(SessionError) as error:
        services.create_session(plan(room), actor_id=None)
    assert "企业座谈" in error.value.message
    assert error.value.field == "start_at"
    assert db.session.scalar(select(func.count()).select_from(Session)) == 0


def test_capacity_may_not_exceed_the_room(room):
    with pytest.raises(SessionError) as error:
        services.create_session(plan(room, capacity=51), actor_id=None)
    assert error.value.field == "capacity"
    assert "50" in error.value.message


def test_moving_a_session_moves_its_booking_and_a_conflict_keeps_both(room):
    session = services.create_session(plan(room), actor_id=None)
    other = services.create_session(plan(room, start=day(8, 9)), actor_id=None)
    moved = plan(room, start=day(9, 9))
    services.update_session(session, moved, actor_id=None)
    assert session.booking.start_at == day(9, 9)

    clash = plan(room, start=day(8, 10))
    with pytest.raises(SessionError) as error:
        services.update_session(session, clash, actor_id=None)
    assert error.value.field == "start_at"
    db.session.expire_all()
    assert session.start_at == day(9, 9)
    assert session.booking.start_at == day(9, 9)
    assert other.booking.start_at == day(8, 9)


def test_cancelling_a_session_frees_its_room(room):
    session = services.create_session(plan(room), actor_id=None)
    with pytest.raises(SessionError):
        services.cancel_session(session, None, "")
    services.cancel_session(session, None, "主讲人临时有事")
    assert session.booking.status == BOOKING_CANCELLED
    again = services.create_session(plan(room), actor_id=None)
    assert again.booking.status == "confirmed"


def test_capacity_cannot_drop_below_those_registered(room):
    session = services.create_session(plan(room, capacity=3), actor_id=None)
    for n in range(3):
        services.register(session.id, signup(phone(n)))
    with pytest.raises(SessionError) as error:
        services.update_session(session, plan(room, capacity=2), actor_id=None)
    assert error.value.field == "capacity"


def test_sign_ups_taken_while_staff_lower_the_capacity_keep_their_seats(room):
    session = services.create_session(plan(room, capacity=3), actor_id=None)
    services.register(session.id, signup(phone(1)))
    # Two more sign-ups commit between the staff page's read and its save.
    db.session.execute(
        update(Session).where(Session.id == session.id).values(registered_count=3).execution_options(synchronize_session=False)
    )
    with pytest.raises(SessionError) as error:
        services.update_session(session, plan(room, capacity=2), actor_id=None)
    assert error.value.field == "capacity"
    db.session.expire_all()
    assert db.session.get(Session, session.id).capacity == 3


def test_raising_capacity_promotes_the_waitlist(room):
    session = services.create_session(plan(room, capacity=1), actor_id=None)
    services.register(session.id, signup(phone(1)))
    second = services.register(session.id, signup(phone(2)))
    assert second.status == WAITLISTED
    services.update_session(session, plan(room, capacity=2), actor_id=None)
    db.session.refresh(second)
    assert second.status == REGISTERED


# --- sign-up ------------------------------------------------------------------------------------


def test_full_session_waitlists_in_order_and_a_cancellation_promotes_the_first(room):
    session = services.create_session(plan(room, capacity=2), actor_id=None)
    first = services.register(session.id, signup(phone(1)))
    services.register(session.id, signup(phone(2)))
    third = services.register(session.id, signup(phone(3)))
    fourth = services.register(session.id, signup(phone(4)))
    assert (third.status, fourth.status) == (WAITLISTED, WAITLISTED)
    assert services.waitlist_position(fourth) == 2

    promoted = services.cancel_registration(first, actor_id=None)
    assert promoted == [third.id]
    db.session.refresh(session)
    assert session.registered_count == 2
    assert db.session.get(Registration, third.id).status == REGISTERED
    assert db.session.get(Registration, fourth.id).status == WAITLISTED
    assert services.waitlist_position(db.session.get(Registration, fourth.id)) == 1
    actions = [e.action for e in audit.entries_for("registration", third.id)]
    assert actions == ["registration.create", "registration.promote"]


def test_cancelling_twice_frees_only_one_seat(room):
    session = services.create_session(plan(room, capacity=1), actor_id=None)
    first = services.register(session.id, signup(phone(1)))
    services.cancel_registration(first, actor_id=None)
    with pytest.raises(SessionError):
        services.cancel_registration(first, actor_id=None)
    db.session.refresh(session)
    assert session.registered_count == 0


def test_the_database_refuses_more_registered_than_capacity(room):
    session = services.create_session(plan(room, capacity=1), actor_id=None)
    session.registered_count = 2
    with pytest.raises(Exception, match="(?i)check"):
        db.session.commit()
    db.session.rollback()


def test_the_same_phone_cannot_sign_up_twice(room):
    session = services.create_session(plan(room), actor_id=None)
    services.register(session.id, signup("13900000001"))
    with pytest.raises(SessionError) as error:
        services.register(session.id, signup("13900000001", name="另一人"))
    assert error.value.field == "phone"
    assert "重复报名" in error.value.message
    db.session.refresh(session)
    assert session.registered_count == 1


def test_the_unique_constraint_backs_the_duplicate_rule(room):
    session = services.create_session(plan(room), actor_id=None)
    services.register(session.id, signup("13900000001"))
    db.session.add(
        Registration(
            session_id=session.id, status=REGISTERED, enterprise_name="x", attendee_name="y", phone="13900000001",
            token="t" * 22, created_at=clock.now(),
        )
    )  # fmt: skip
    with pytest.raises(Exception, match="(?i)unique"):
        db.session.commit()
    db.session.rollback()


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("91371000MA3C8XYZ1", "18位"),
        ("91371000MA3C8XYZ1O", "不允许的字符"),
        ("913710002018000001", "校验位"),
    ],
)
def test_a_typed_credit_code_must_pass_the_check_digit(room, code, message):
    session = services.create_session(plan(room), actor_id=None)
    with pytest.raises(SessionError) as error:
        services.register(session.id, signup(phone(1), enterprise="新注册的企业", uscc=code))
    assert error.value.field == "uscc"
    assert message in error.value.message


def test_a_valid_credit_code_of_a_registered_enterprise_links_it(room, app):
    from hubapp.blueprints.directory.models import Enterprise
    from hubapp.blueprints.directory.uscc import make_code

    code = make_code("371000", 20180000)
    enterprise = Enterprise(name="威海汇科工控技术有限公司", short_name="汇科工控", uscc=code)
    db.session.add(enterprise)
    db.session.commit()
    session = services.create_session(plan(room), actor_id=None)
    registration = services.register(session.id, signup(phone(1), enterprise="汇科", uscc=code.lower()))
    assert registration.enterprise_id == enterprise.id
    assert registration.enterprise_name == "威海汇科工控技术有限公司"
    by_name = services.register(session.id, signup(phone(2), enterprise="汇科工控"))
    assert by_name.enterprise_id == enterprise.id


@pytest.mark.parametrize("bad", ["1390000000", "23900000000", "139000000001", "139-0000-000"])
def test_mobile_numbers_are_validated(room, bad):
    session = services.create_session(plan(room), actor_id=None)
    with pytest.raises(SessionError) as error:
        services.register(session.id, signup(bad))
    assert error.value.field == "phone"


def test_sign_up_outside_the_window_is_refused(room):
    later = services.create_session(plan(room, signup_opens_at=day(3, 9)), actor_id=None)
    with pytest.raises(SessionError, match="报名将于"):
        services.register(later.id, signup(phone(1)))
    closed = services.create_session(
        plan(room, start=day(9, 9), signup_opens_at=day(-3, 9), signup_closes_at=day(-1, 9)), actor_id=None
    )
    with pytest.raises(SessionError, match="报名已截止"):
        services.register(closed.id, signup(phone(1)))
    past = services.create_session(plan(room, start=day(-2, 9)), actor_id=None, allow_past=True)
    with pytest.raises(SessionError, match="已开始或已结束"):
        services.register(past.id, signup(phone(1)))
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 0


def test_sign_up_cannot_open_after_the_session_starts(room):
    with pytest.raises(SessionError) as error:
        services.create_session(plan(room, start=day(7, 14), signup_opens_at=day(8, 9)), actor_id=None)
    assert error.value.field == "signup_opens_at"
    assert db.session.scalar(select(func.count()).select_from(Session)) == 0


def test_a_coming_sign_up_window_is_told_in_chinese_date_form():
    session = Session(status="scheduled", start_at=datetime(2026, 3, 9, 14), signup_opens_at=datetime(2026, 3, 5, 9))
    assert services.signup_closed_reason(session, now=datetime(2026, 3, 1, 8)) == "报名将于 3月5日 09:00 开始。"


def test_a_cancelled_session_takes_no_sign_ups(room):
    session = services.create_session(plan(room), actor_id=None)
    services.cancel_session(session, None, "天气原因")
    with pytest.raises(SessionError, match="已取消"):
        services.register(session.id, signup(phone(1)))


def test_bank_sessions_ask_for_the_financing_need(room):
    session = services.create_session(plan(room, kind=BANK), actor_id=None)
    with pytest.raises(SessionError) as error:
        services.register(session.id, signup(phone(1)))
    assert error.value.field == "financing_amount"
    registration = services.register(
        session.id,
        signup(phone(1), financing_amount=Decimal("450"), financing_purpose="购置设备", financing_term=36,
               financing_collateral=True),
    )  # fmt: skip
    assert registration.financing_amount == Decimal("450")
    assert registration.financing_collateral is True


def test_required_custom_questions_must_be_answered(room):
    session = services.create_session(plan(room), actor_id=None)
    question = services.add_question(session, "贵企业员工人数", True, actor_id=None)
    with pytest.raises(SessionError) as error:
        services.register(session.id, signup(phone(1)))
    assert error.value.field == f"q_{question.id}"
    registration = services.register(session.id, signup(phone(1), answers={question.id: "120"}))
    assert registration.answers_dict == {str(question.id): "120"}


def test_sign_ups_needing_approval_take_a_seat_when_approved(room):
    session = services.create_session(plan(room, capacity=1, needs_approval=True), actor_id=None)
    first = services.register(session.id, signup(phone(1)))
    second = services.register(session.id, signup(phone(2)))
    assert (first.status, second.status) == (PENDING, PENDING)
    assert services.approve_registration(first, None) == REGISTERED
    assert services.approve_registration(second, None) == WAITLISTED
    db.session.refresh(session)
    assert session.registered_count == 1


# --- at the door --------------------------------------------------------------------------------


def test_check_in_is_idempotent_and_says_when(room):
    session = services.create_session(plan(room), actor_id=None)
    registration = services.register(session.id, signup(phone(1)))
    first = services.check_in(registration, actor_id=None)
    assert not first.already
    second = services.check_in(registration, actor_id=None)
    assert second.already
    assert f"已于 {registration.checked_in_at:%H:%M} 签到" in second.message
    actions = [e.action for e in audit.entries_for("registration", registration.id)]
    assert actions.count("registration.check_in") == 1


def test_waitlisted_and_cancelled_people_are_not_checked_in(room):
    session = services.create_session(plan(room, capacity=1), actor_id=None)
    services.register(session.id, signup(phone(1)))
    waiting = services.register(session.id, signup(phone(2)))
    with pytest.raises(SessionError, match="候补"):
        services.check_in(waiting, actor_id=None)


def test_a_waitlisted_person_who_comes_is_let_in_as_a_walk_in(room):
    session = services.create_session(plan(room, capacity=1), actor_id=None)
    services.register(session.id, signup(phone(1)))
    waiting = services.register(session.id, signup(phone(2), name="周颖"))
    later = services.register(session.id, signup(phone(3)))
    result = services.admit_at_door(waiting, actor_id=None)
    assert result.registration.status == WALK_IN
    assert result.registration.checked_in_at is not None
    db.session.expire_all()
    assert db.session.get(Session, session.id).registered_count == 1
    assert services.waitlist_position(db.session.get(Registration, later.id)) == 1
    assert [e.action for e in audit.entries_for("registration", waiting.id)][-1] == "registration.walk_in"
    with pytest.raises(SessionError, match="不能按现场登记签到"):
        services.admit_at_door(db.session.get(Registration, waiting.id), actor_id=None)


def test_nobody_is_checked_in_to_a_cancelled_session(room):
    session = services.create_session(plan(room), actor_id=None)
    registration = services.register(session.id, signup(phone(1)))
    services.cancel_session(session, None, "主讲人临时有事")
    with pytest.raises(SessionError, match="已取消"):
        services.check_in(registration, None)
    assert db.session.get(Registration, registration.id).checked_in_at is None


def test_scanned_codes_and_typed_tokens_give_the_token():
    assert services.token_from_scan("http://hub.example.cn/sessions/3/checkin/abc_DEF-123") == "abc_DEF-123"
    assert services.token_from_scan("  abc_DEF-123 ") == "abc_DEF-123"


def test_walk_ins_are_checked_in_outside_the_seats(room):
    session = services.create_session(plan(room, capacity=1), actor_id=None)
    services.register(session.id, signup(phone(1)))
    walk_in = services.add_walk_in(session, signup(phone(2), name="现场来宾"), actor_id=None)
    assert walk_in.status == WALK_IN and walk_in.checked_in_at is not None
    with pytest.raises(SessionError, match="已有报名"):
        services.add_walk_in(session, signup(phone(1)), actor_id=None)
    counts = services.attendance(session.id)
    assert (counts.registered, counts.checked_in, counts.walk_in) == (1, 1, 1)


# --- outcomes -----------------------------------------------------------------------------------


def test_financing_matches_move_forward_and_feed_the_report(room):
    bank = HostOrganisation(name="中国建设银行威海南海支行", kind="bank", active=True)
    db.session.add(bank)
    db.session.commit()
    session = services.create_session(plan(room, kind=BANK), actor_id=None)
    match = services.add_financing(
        session, None, enterprise_name="汇科工控", bank_id=bank.id, amount=Decimal("450"), status="intention"
    )
    assert services.financing_report([match]) == []
    services.advance_financing(match, "approved", None)
    with pytest.raises(SessionError):
        services.advance_financing(match, "intention", None)
    services.advance_financing(match, GRANTED, None)
    assert services.financing_report([match]) == ["协助汇科工控获得融资450万元"]
    assert [e.to_state for e in audit.entries_for("financing", match.id)] == ["intention", "approved", "granted"]


def test_only_bank_sessions_record_financing(room):
    bank = HostOrganisation(name="威海市商业银行", kind="bank", active=True)
    db.session.add(bank)
    db.session.commit()
    session = services.create_session(plan(room, kind=TAX), actor_id=None)
    with pytest.raises(SessionError):
        services.add_financing(session, None, enterprise_name="x", bank_id=bank.id, amount=Decimal(1), status="intention")


def test_financing_amounts_stay_within_what_the_column_holds(room):
    bank = HostOrganisation(name="威海市商业银行", kind="bank", active=True)
    db.session.add(bank)
    db.session.commit()
    session = services.create_session(plan(room, kind=BANK), actor_id=None)
    with pytest.raises(SessionError) as error:
        services.add_financing(session, None, enterprise_name="x", bank_id=bank.id, amount=Decimal("1e12"), status="intention")
    assert error.value.field == "amount"
    with pytest.raises(SessionError) as error:
        services.register(session.id, signup(phone(1), financing_amount=Decimal("1e12")))
    assert error.value.field == "financing_amount"


def test_cancelled_registrations_keep_their_phone(room):
    session = services.create_session(plan(room), actor_id=None)
    registration = services.register(session.id, signup(phone(1)))
    services.cancel_registration(registration, None)
    assert db.session.get(Registration, registration.id).status == REG_CANCELLED
    with pytest.raises(SessionError, match="已取消"):
        services.register(session.id, signup(phone(1)))


def test_after_the_session_a_registration_can_no_longer_be_cancelled(room, monkeypatch):
    session = services.create_session(plan(room, capacity=1), actor_id=None)
    seated = services.register(session.id, signup(phone(1)))
    waiting = services.register(session.id, signup(phone(2)))
    after_the_end = session.end_at + timedelta(minutes=1)
    monkeypatch.setattr(clock, "now", lambda: after_the_end)
    with pytest.raises(SessionError, match="活动已结束"):
        services.cancel_registration(seated, actor_id=None)
    assert db.session.get(Registration, seated.id).status == REGISTERED
    assert db.session.get(Registration, waiting.id).status == WAITLISTED


def test_the_room_booking_follows_the_session_title_host_and_headcount(room, tax_branch):
    session = services.create_session(plan(room, capacity=10, host_id=tax_branch.id), actor_id=None)
    assert session.booking.holder_name == "国家税务总局威海南海新区税务局"
    changed = plan(room, capacity=30, host_id=None)
    changed.title = "个税汇算答疑会（加场）"
    services.update_session(session, changed, actor_id=None)
    db.session.expire_all()
    assert session.booking.title == "税企联动：个税汇算答疑会（加场）"
    assert session.booking.headcount == 30
    assert session.booking.holder_name == "本中心主题活动"


def test_a_refused_room_names_the_session_holding_it(room, tax_branch):
    services.create_session(plan(room, host_id=tax_branch.id), actor_id=None)
    with pytest.raises(SessionError) as error:
        services.create_session(plan(room, start=day(7, 15)), actor_id=None)
    assert "（国家税务总局威海南海新区税务局）" in error.value.message


def test_demo_sign_ups_of_past_sessions_were_made_in_the_day(demo):
    today = datetime.combine(clock.today(), time(0))
    past = list(db.session.scalars(select(Registration.created_at).where(Registration.created_at < today)))
    assert past and all(8 <= at.hour <= 20 for at in past)
