"""Session rules, tested on the service functions: room booking in the same unit of work, capacity
and waitlist, duplicate phones, the sign-up window, check-in, and outcomes."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from factories import directory, facilities
from factories import sessions as make
from factories.sessions import day, phone, plan, signup_data
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from hubapp import audit, clock
from hubapp.blueprints.facilities.models import CANCELLED as BOOKING_CANCELLED
from hubapp.blueprints.facilities.models import Booking
from hubapp.blueprints.sessions import door, outcomes, planning, signup
from hubapp.blueprints.sessions.models import (
    BANK,
    GRANTED,
    PENDING,
    REG_CANCELLED,
    REGISTERED,
    TAX,
    WAITLISTED,
    WALK_IN,
    Registration,
    Session,
)
from hubapp.blueprints.sessions.outcomes import FinancingData
from hubapp.database import atomic
from hubapp.extensions import db
from hubapp.rules import Conflict, RuleError


@pytest.fixture
def room(app):
    return make.hall()


@pytest.fixture
def tax_branch(app):
    return make.host("国家税务总局威海南海新区税务局", "tax")


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def register(session, data):
    with atomic():
        return signup.register(None, session, data)


# --- planning and the room ----------------------------------------------------------------------


def test_creating_a_session_books_its_room(room, tax_branch):
    session = make.session(room, host_id=tax_branch.id)
    assert session.booking.room_id == room.id
    assert session.booking.status == "confirmed"
    assert session.booking.source == "session"
    assert [e.action for e in audit.entries_for("session", session.id)] == ["session.create"]


def test_a_taken_room_creates_no_session_and_names_the_holder(room):
    facilities.booking(room, day(7, 0).date(), "13:00", "15:00", title="企业座谈", contact_name="鸿锐金属")
    with pytest.raises(RuleError) as error, atomic():
        planning.create_session(None, plan(room))
    assert "企业座谈" in error.value.message
    assert error.value.field == "start_at"
    assert count(Session) == 0


def test_a_session_that_cannot_be_written_leaves_no_booking(room, monkeypatch):
    """The room is booked first; when the session's own write fails after that, the unit of work
    takes the booking back with it: neither row remains."""
    written = []

    def refuse(*args, **kwargs):
        written.append(count(Booking))
        raise RuleError("活动未能保存。")

    monkeypatch.setattr(planning, "theme_for", refuse)
    with pytest.raises(RuleError, match="活动未能保存"), atomic():
        planning.create_session(None, plan(room))
    assert written == [1], "the booking was made before the session failed"
    assert (count(Booking), count(Session)) == (0, 0)


def test_a_session_whose_audit_row_fails_leaves_neither_row(room, monkeypatch):
    """Both rows flushed, then the last step fails: both go."""
    record = audit.record

    def refuse(actor_id, action, *args, **kwargs):
        if action == "session.create":
            assert (count(Booking), count(Session)) == (1, 1)
            raise RuleError("活动未能保存。")
        return record(actor_id, action, *args, **kwargs)

    monkeypatch.setattr(planning.audit, "record", refuse)
    with pytest.raises(RuleError), atomic():
        planning.create_session(None, plan(room))
    assert (count(Booking), count(Session)) == (0, 0)


def test_capacity_may_not_exceed_the_room(room):
    with pytest.raises(RuleError) as error, atomic():
        planning.create_session(None, plan(room, capacity=51))
    assert error.value.field == "capacity"
    assert "50" in error.value.message


def test_moving_a_session_moves_its_booking_and_a_conflict_keeps_both(room):
    session = make.session(room)
    other = make.session(room, start=day(8, 9))
    with atomic():
        planning.update_session(None, session, plan(room, start=day(9, 9)))
    assert session.booking.start_at == day(9, 9)

    clash = plan(room, start=day(8, 10))
    with pytest.raises(RuleError) as error, atomic():
        planning.update_session(None, session, clash)
    assert error.value.field == "start_at"
    db.session.expire_all()
    assert session.start_at == day(9, 9)
    assert session.booking.start_at == day(9, 9)
    assert other.booking.start_at == day(8, 9)


def test_cancelling_a_session_frees_its_room(room):
    session = make.session(room)
    with pytest.raises(RuleError), atomic():
        planning.cancel_session(None, session, "")
    with atomic():
        planning.cancel_session(None, session, "主讲人临时有事")
    assert session.booking.status == BOOKING_CANCELLED
    again = make.session(room)
    assert again.booking.status == "confirmed"


def test_a_session_cancelled_by_someone_else_meanwhile_is_a_conflict(room):
    session = make.session(room)
    assert not session.is_cancelled  # what this member of staff's page read
    with pytest.raises(Conflict), atomic():
        # Another member of staff cancels it meanwhile.
        db.session.execute(
            update(Session).where(Session.id == session.id).values(status="cancelled").execution_options(synchronize_session=False)
        )
        planning.cancel_session(None, session, "主讲人临时有事")
    db.session.expire_all()
    assert session.booking.status == "confirmed"
    assert [e.action for e in audit.entries_for("session", session.id)] == ["session.create"]


def test_capacity_cannot_drop_below_those_registered(room):
    session = make.session(room, capacity=3)
    for n in range(3):
        make.registration(session, phone(n))
    with pytest.raises(RuleError) as error, atomic():
        planning.update_session(None, session, plan(room, capacity=2))
    assert error.value.field == "capacity"


def test_sign_ups_taken_while_staff_lower_the_capacity_keep_their_seats(room):
    session = make.session(room, capacity=3)
    make.registration(session, phone(1))
    assert session.registered_count == 1  # what the staff page read
    with pytest.raises(RuleError) as error, atomic():
        # Two more sign-ups commit between the staff page's read and its save.
        db.session.execute(
            update(Session).where(Session.id == session.id).values(registered_count=3).execution_options(synchronize_session=False)
        )
        planning.update_session(None, session, plan(room, capacity=2))
    assert error.value.field == "capacity"
    assert "刚刚又有人报名" in error.value.message  # the database's CHECK refused it, not the check before
    db.session.expire_all()
    assert db.session.get(Session, session.id).capacity == 3


def test_raising_capacity_promotes_the_waitlist(room):
    session = make.session(room, capacity=1)
    make.registration(session, phone(1))
    second = make.registration(session, phone(2))
    assert second.status == WAITLISTED
    with atomic():
        planning.update_session(None, session, plan(room, capacity=2))
    db.session.refresh(second)
    assert second.status == REGISTERED


# --- sign-up ------------------------------------------------------------------------------------


def test_full_session_waitlists_in_order_and_a_cancellation_promotes_the_first(room):
    session = make.session(room, capacity=2)
    first = make.registration(session, phone(1))
    make.registration(session, phone(2))
    third = make.registration(session, phone(3))
    fourth = make.registration(session, phone(4))
    assert (third.status, fourth.status) == (WAITLISTED, WAITLISTED)
    assert signup.waitlist_position(fourth) == 2

    with atomic():
        promoted = signup.cancel_registration(None, first)
    assert promoted == [third.id]
    db.session.refresh(session)
    assert session.registered_count == 2
    assert db.session.get(Registration, third.id).status == REGISTERED
    assert db.session.get(Registration, fourth.id).status == WAITLISTED
    assert signup.waitlist_position(db.session.get(Registration, fourth.id)) == 1
    actions = [e.action for e in audit.entries_for("registration", third.id)]
    assert actions == ["registration.create", "registration.promote"]


def test_cancelling_twice_frees_only_one_seat(room):
    session = make.session(room, capacity=1)
    first = make.registration(session, phone(1))
    with atomic():
        signup.cancel_registration(None, first)
    with pytest.raises(RuleError), atomic():
        signup.cancel_registration(None, first)
    db.session.refresh(session)
    assert session.registered_count == 0


def test_a_cancellation_that_lost_a_race_is_a_conflict_and_frees_nothing(room):
    session = make.session(room, capacity=1)
    first = make.registration(session, phone(1))
    waiting = make.registration(session, phone(2))
    assert first.status == REGISTERED  # what the staff list read
    with pytest.raises(Conflict), atomic():
        # The attendee's own cancellation commits after staff loaded the list.
        db.session.execute(
            update(Registration).where(Registration.id == first.id).values(status=REG_CANCELLED)
            .execution_options(synchronize_session=False)
        )  # fmt: skip
        signup.cancel_registration(None, first)
    db.session.expire_all()
    assert db.session.get(Session, session.id).registered_count == 1
    assert db.session.get(Registration, waiting.id).status == WAITLISTED


def test_the_database_refuses_more_registered_than_capacity(room):
    session = make.session(room, capacity=1)
    session.registered_count = 2
    with pytest.raises(Exception, match="(?i)check"):
        db.session.commit()
    db.session.rollback()


def test_the_same_phone_cannot_sign_up_twice(room):
    session = make.session(room)
    make.registration(session, "13900000001")
    with pytest.raises(RuleError) as error:
        register(session, signup_data("13900000001", name="另一人"))
    assert error.value.field == "phone"
    assert "重复报名" in error.value.message
    db.session.refresh(session)
    assert session.registered_count == 1


def test_a_duplicate_that_slips_past_the_check_gives_its_seat_back(room, monkeypatch):
    """Two sign-ups with one phone in a race: both pass the check, the unique constraint refuses
    the second, and the seat it had taken goes back with the rest of its unit of work."""
    session = make.session(room)
    make.registration(session, "13900000001")
    monkeypatch.setattr(signup, "existing_registration", lambda session_id, phone: None)
    with pytest.raises(RuleError) as error:
        register(session, signup_data("13900000001", name="另一人"))
    assert error.value.field == "phone"
    assert "同一手机号不能重复报名" in error.value.message
    db.session.refresh(session)
    assert session.registered_count == 1
    assert count(Registration) == 1


def test_the_unique_constraint_backs_the_duplicate_rule(room):
    session = make.session(room)
    make.registration(session, "13900000001")
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
    session = make.session(room)
    with pytest.raises(RuleError) as error:
        register(session, signup_data(phone(1), enterprise="新注册的企业", uscc=code))
    assert error.value.field == "uscc"
    assert message in error.value.message


def test_a_valid_credit_code_of_a_registered_enterprise_links_it(room, app):
    from hubapp.blueprints.directory.uscc import make_code

    code = make_code("371000", 20180000)
    enterprise = directory.enterprise("威海汇科工控技术有限公司", "汇科工控", uscc=code)
    session = make.session(room)
    registration = make.registration(session, phone(1), enterprise="汇科", uscc=code.lower())
    assert registration.enterprise_id == enterprise.id
    assert registration.enterprise_name == "威海汇科工控技术有限公司"
    by_name = make.registration(session, phone(2), enterprise="汇科工控")
    assert by_name.enterprise_id == enterprise.id


@pytest.mark.parametrize("bad", ["1390000000", "23900000000", "139000000001", "139-0000-000"])
def test_mobile_numbers_are_validated(room, bad):
    session = make.session(room)
    with pytest.raises(RuleError) as error:
        register(session, signup_data(bad))
    assert error.value.field == "phone"
    assert error.value.message == "请填写11位手机号码。"


def test_sign_up_outside_the_window_is_refused(room):
    later = make.session(room, signup_opens_at=day(3, 9))
    with pytest.raises(RuleError, match="报名将于"):
        register(later, signup_data(phone(1)))
    closed = make.session(room, start=day(9, 9), signup_opens_at=day(-3, 9), signup_closes_at=day(-1, 9))
    with pytest.raises(RuleError, match="报名已截止"):
        register(closed, signup_data(phone(1)))
    past = make.session(room, start=day(-2, 9), allow_past=True)
    with pytest.raises(RuleError, match="已开始或已结束"):
        register(past, signup_data(phone(1)))
    assert count(Registration) == 0


def test_sign_up_cannot_open_after_the_session_starts(room):
    with pytest.raises(RuleError) as error, atomic():
        planning.create_session(None, plan(room, start=day(7, 14), signup_opens_at=day(8, 9)))
    assert error.value.field == "signup_opens_at"
    assert count(Session) == 0


def test_a_coming_sign_up_window_is_told_in_chinese_date_form():
    session = Session(status="scheduled", start_at=datetime(2026, 3, 9, 14), signup_opens_at=datetime(2026, 3, 5, 9))
    assert signup.signup_closed_reason(session, now=datetime(2026, 3, 1, 8)) == "报名将于 3月5日 09:00 开始。"


def test_a_cancelled_session_takes_no_sign_ups(room):
    session = make.session(room)
    with atomic():
        planning.cancel_session(None, session, "天气原因")
    with pytest.raises(RuleError, match="已取消"):
        register(session, signup_data(phone(1)))


def test_bank_sessions_ask_for_the_financing_need(room):
    session = make.session(room, kind=BANK)
    with pytest.raises(RuleError) as error:
        register(session, signup_data(phone(1)))
    assert error.value.field == "financing_amount"
    registration = make.registration(
        session, phone(1), financing_amount=Decimal("450"), financing_purpose="购置设备", financing_term=36,
        financing_collateral=True,
    )  # fmt: skip
    assert registration.financing_amount == Decimal("450")
    assert registration.financing_collateral is True


def test_required_custom_questions_must_be_answered(room):
    session = make.session(room)
    question = make.question(session, "贵企业员工人数", True)
    with pytest.raises(RuleError) as error:
        register(session, signup_data(phone(1)))
    assert error.value.field == f"q_{question.id}"
    registration = make.registration(session, phone(1), answers={question.id: "120"})
    assert registration.answers_dict == {str(question.id): "120"}


def test_sign_ups_needing_approval_take_a_seat_when_approved(room):
    session = make.session(room, capacity=1, needs_approval=True)
    first = make.registration(session, phone(1))
    second = make.registration(session, phone(2))
    assert (first.status, second.status) == (PENDING, PENDING)
    with atomic():
        assert signup.approve_registration(None, first) == REGISTERED
        assert signup.approve_registration(None, second) == WAITLISTED
    db.session.refresh(session)
    assert session.registered_count == 1


# --- at the door --------------------------------------------------------------------------------


def test_check_in_is_idempotent_and_says_when(room, monkeypatch):
    session = make.session(room)
    registration = make.registration(session, phone(1))
    make.doors_open(monkeypatch, session)
    with atomic():
        first = door.check_in(None, registration)
    assert not first.already
    with atomic():
        second = door.check_in(None, registration)
    assert second.already
    assert f"已于 {registration.checked_in_at:%H:%M} 签到" in second.message
    actions = [e.action for e in audit.entries_for("registration", registration.id)]
    assert actions.count("registration.check_in") == 1


def test_waitlisted_and_cancelled_people_are_not_checked_in(room, monkeypatch):
    session = make.session(room, capacity=1)
    make.registration(session, phone(1))
    waiting = make.registration(session, phone(2))
    make.doors_open(monkeypatch, session)
    with pytest.raises(RuleError, match="候补"), atomic():
        door.check_in(None, waiting)


def test_a_waitlisted_person_who_comes_is_let_in_as_a_walk_in(room, monkeypatch):
    session = make.session(room, capacity=1)
    make.registration(session, phone(1))
    waiting = make.registration(session, phone(2), name="周颖")
    later = make.registration(session, phone(3))
    make.doors_open(monkeypatch, session)
    with atomic():
        result = door.admit_at_door(None, waiting)
    assert result.registration.status == WALK_IN
    assert result.registration.checked_in_at is not None
    db.session.expire_all()
    assert db.session.get(Session, session.id).registered_count == 1
    assert signup.waitlist_position(db.session.get(Registration, later.id)) == 1
    assert [e.action for e in audit.entries_for("registration", waiting.id)][-1] == "registration.walk_in"
    with pytest.raises(RuleError, match="不能按现场登记签到"), atomic():
        door.admit_at_door(None, db.session.get(Registration, waiting.id))


def test_nobody_is_checked_in_to_a_cancelled_session(room):
    session = make.session(room)
    registration = make.registration(session, phone(1))
    with atomic():
        planning.cancel_session(None, session, "主讲人临时有事")
    with pytest.raises(RuleError, match="已取消"), atomic():
        door.check_in(None, registration)
    assert db.session.get(Registration, registration.id).checked_in_at is None


def test_scanned_codes_and_typed_tokens_give_the_token():
    assert door.token_from_scan("http://hub.example.cn/sessions/3/checkin/abc_DEF-123") == "abc_DEF-123"
    assert door.token_from_scan("  abc_DEF-123 ") == "abc_DEF-123"


def test_walk_ins_are_checked_in_outside_the_seats(room, monkeypatch):
    session = make.session(room, capacity=1)
    make.registration(session, phone(1))
    make.doors_open(monkeypatch, session)
    with atomic():
        walk_in = door.add_walk_in(None, session, signup_data(phone(2), name="现场来宾"))
    assert walk_in.status == WALK_IN and walk_in.checked_in_at is not None
    with pytest.raises(RuleError, match="已有报名"), atomic():
        door.add_walk_in(None, session, signup_data(phone(1)))
    counts = outcomes.attendance(session.id)
    assert (counts.registered, counts.checked_in, counts.walk_in) == (1, 1, 1)


# --- outcomes -----------------------------------------------------------------------------------


def test_financing_matches_move_forward_and_feed_the_report(room):
    bank = make.host("中国建设银行威海南海支行", "bank")
    session = make.session(room, kind=BANK)
    match = make.financing(session, bank, "汇科工控", "450", "intention")
    assert outcomes.financing_report([match]) == []
    with atomic():
        outcomes.advance_financing(None, match, "approved")
    with pytest.raises(RuleError), atomic():
        outcomes.advance_financing(None, match, "intention")
    with atomic():
        outcomes.advance_financing(None, match, GRANTED)
    assert outcomes.financing_report([match]) == ["协助汇科工控获得融资450万元"]
    assert [e.to_state for e in audit.entries_for("financing", match.id)] == ["intention", "approved", "granted"]


def test_only_bank_sessions_record_financing(room):
    bank = make.host("威海市商业银行", "bank")
    session = make.session(room, kind=TAX)
    with pytest.raises(RuleError), atomic():
        outcomes.add_financing(None, session, FinancingData("x", bank.id, Decimal(1), "intention"))


def test_financing_amounts_stay_within_what_the_column_holds(room):
    bank = make.host("威海市商业银行", "bank")
    session = make.session(room, kind=BANK)
    with pytest.raises(RuleError) as error, atomic():
        outcomes.add_financing(None, session, FinancingData("x", bank.id, Decimal("1e12"), "intention"))
    assert error.value.field == "amount"
    with pytest.raises(RuleError) as error:
        register(session, signup_data(phone(1), financing_amount=Decimal("1e12")))
    assert error.value.field == "financing_amount"


def test_cancelled_registrations_keep_their_phone(room):
    session = make.session(room)
    registration = make.registration(session, phone(1))
    with atomic():
        signup.cancel_registration(None, registration)
    assert db.session.get(Registration, registration.id).status == REG_CANCELLED
    with pytest.raises(RuleError, match="已取消"):
        register(session, signup_data(phone(1)))


def test_after_the_session_a_registration_can_no_longer_be_cancelled(room, monkeypatch):
    session = make.session(room, capacity=1)
    seated = make.registration(session, phone(1))
    waiting = make.registration(session, phone(2))
    after_the_end = session.end_at + timedelta(minutes=1)
    monkeypatch.setattr(clock, "now", lambda: after_the_end)
    with pytest.raises(RuleError, match="活动已结束"), atomic():
        signup.cancel_registration(None, seated)
    assert db.session.get(Registration, seated.id).status == REGISTERED
    assert db.session.get(Registration, waiting.id).status == WAITLISTED


def test_the_room_booking_follows_the_session_title_host_and_headcount(room, tax_branch):
    session = make.session(room, capacity=10, host_id=tax_branch.id)
    assert session.booking.holder_name == "国家税务总局威海南海新区税务局"
    changed = plan(room, capacity=30, host_id=None)
    changed.title = "个税汇算答疑会（加场）"
    with atomic():
        planning.update_session(None, session, changed)
    db.session.expire_all()
    assert session.booking.title == "税企联动：个税汇算答疑会（加场）"
    assert session.booking.headcount == 30
    assert session.booking.holder_name == "本中心主题活动"


def test_a_refused_room_names_the_session_holding_it(room, tax_branch):
    make.session(room, host_id=tax_branch.id)
    with pytest.raises(RuleError) as error, atomic():
        planning.create_session(None, plan(room, start=day(7, 15)))
    assert "（国家税务总局威海南海新区税务局）" in error.value.message


def test_demo_sign_ups_of_past_sessions_were_made_in_the_day(demo):
    today = datetime.combine(clock.today(), time(0))
    past = list(db.session.scalars(select(Registration.created_at).where(Registration.created_at < today)))
    assert past and all(8 <= at.hour <= 20 for at in past)


def test_check_in_opens_a_set_time_before_the_start_and_says_when(app, room, monkeypatch):
    session = make.session(room, start=make.day(7, 14))
    registration = make.registration(session, phone(1))
    opens = session.start_at - timedelta(minutes=app.config["SESSION_CHECK_IN_OPENS_MINUTES"])
    make.doors_open(monkeypatch, session, before_start=timedelta(minutes=app.config["SESSION_CHECK_IN_OPENS_MINUTES"] + 1))
    with pytest.raises(RuleError) as refused, atomic():
        door.check_in(None, registration)
    assert refused.value.message.startswith(f"签到尚未开放：将于{opens.month}月{opens.day}日 {opens:%H:%M}开放")
    with pytest.raises(RuleError, match="签到尚未开放"), atomic():
        door.add_walk_in(None, session, signup_data(phone(2), name="现场来宾"))
    assert db.session.get(Registration, registration.id).checked_in_at is None

    make.doors_open(monkeypatch, session, before_start=timedelta(minutes=app.config["SESSION_CHECK_IN_OPENS_MINUTES"]))
    with atomic():
        assert not door.check_in(None, registration).already


def test_a_session_can_open_its_check_in_earlier_than_the_centre_does(app, room, monkeypatch):
    with atomic():
        early = planning.create_session(None, plan(room, start=day(7, 14), check_in_opens_minutes=150))
        usual = planning.create_session(None, plan(room, start=day(8, 14)))
    make.doors_open(monkeypatch, early, before_start=timedelta(minutes=140))
    with atomic():
        assert not door.check_in(None, make.registration(early, phone(1))).already
    make.doors_open(monkeypatch, usual, before_start=timedelta(minutes=app.config["SESSION_CHECK_IN_OPENS_MINUTES"] + 1))
    with pytest.raises(RuleError, match="签到尚未开放"), atomic():
        door.check_in(None, make.registration(usual, phone(2)))

    with atomic():
        planning.update_session(None, early, plan(room, start=day(7, 14), check_in_opens_minutes=None))
    assert door.check_in_opens_at(early) == early.start_at - timedelta(minutes=app.config["SESSION_CHECK_IN_OPENS_MINUTES"])
    assert "提前150分钟 → 按默认" in audit.entries_for("session", early.id)[-1].detail


def test_check_in_opens_at_most_a_day_ahead(room):
    with pytest.raises(RuleError, match="0到1440分钟") as refused, atomic():
        planning.create_session(None, plan(room, check_in_opens_minutes=1441))
    assert refused.value.field == "check_in_opens_minutes"
    made = make.session(room)
    with pytest.raises(IntegrityError), atomic():
        db.session.execute(update(Session).where(Session.id == made.id).values(check_in_opens_minutes=-5))


def test_how_early_check_in_opens_is_configured(app, room, monkeypatch):
    app.config["SESSION_CHECK_IN_OPENS_MINUTES"] = 180
    session = make.session(room, start=make.day(7, 14))
    registration = make.registration(session, phone(1))
    make.doors_open(monkeypatch, session, before_start=timedelta(hours=2))
    with atomic():
        assert not door.check_in(None, registration).already


def test_a_long_monthly_theme_is_saved_and_audited_whole(users):
    # The audit's states were 60 characters: on PostgreSQL a longer theme failed the whole save.
    theme = "“政策进企业”系列：高新技术企业认定、研发费用加计扣除与科技型中小企业评价入库政策解读及申报辅导，兼谈知识产权质押融资、银企对接与人才引进政策"
    assert 60 < len(theme) <= 100
    with atomic():
        planning.save_theme_plan(users["staff"], 2026, {5: theme})
    assert planning.theme_plan(2026)[5].theme == theme
    assert audit.entries_for("session_theme", "2026-05")[-1].to_state == theme
