"""The booking rules, tested on the service functions."""

from datetime import date, time, timedelta

import pytest
from factories.facilities import at
from factories.facilities import booking as book
from factories.facilities import room as make_room
from sqlalchemy import func, select
from sqlalchemy.orm.attributes import set_committed_value

from hubapp import clock
from hubapp.audit import AuditEntry
from hubapp.blueprints.facilities import bookings, opening, reports, rooms, schedule, series
from hubapp.blueprints.facilities.bookings import BookingDetails, SlotTaken
from hubapp.blueprints.facilities.models import (
    CANCELLED,
    CHECKED_IN,
    CONFIRMED,
    MONTHLY,
    NO_SHOW,
    PENDING,
    REJECTED,
    SHARED,
    WEEKLY,
    Booking,
)
from hubapp.extensions import db
from hubapp.rules import Conflict, RuleError


@pytest.fixture
def room(app):
    return make_room()


@pytest.fixture
def gym(app):
    return make_room("健身房", SHARED, capacity=3)


@pytest.fixture
def day():
    return clock.today() + timedelta(days=7)


def details(title="兴趣课堂", **extra) -> BookingDetails:
    return BookingDetails(title=title, **extra)


def test_booking_ending_at_ten_and_one_starting_at_ten_do_not_collide(room, day):
    book(room, day, "09:00", "10:00")
    second = book(room, day, "10:00", "11:00")
    assert second.status == CONFIRMED


def test_overlapping_booking_is_refused_naming_the_holder(room, day):
    book(room, day, "09:00", "10:30", title="书法课", contact_name="王老师")
    with pytest.raises(SlotTaken) as refused:
        book(room, day, "10:00", "11:00")
    assert "书法课" in refused.value.message and "王老师" in refused.value.message
    assert refused.value.holder is not None


def test_database_refuses_an_overlap_even_when_python_checks_are_skipped(room, day, monkeypatch):
    book(room, day, "09:00", "10:30", title="书法课")
    monkeypatch.setattr(bookings, "overlapping", lambda *a, **k: [])
    with pytest.raises(SlotTaken):
        book(room, day, "10:00", "11:00")
    assert db.session.scalar(select(func.count(Booking.id))) == 1


def test_pending_requests_may_overlap_but_approval_rejects_the_others(room, day):
    first = book(room, day, "14:00", "16:00", status=PENDING, title="企业沙龙")
    second = book(room, day, "15:00", "17:00", status=PENDING, title="读书会")
    apart = book(room, day, "17:00", "18:00", status=PENDING, title="合唱排练")
    assert [b.id for b in bookings.pending_overlaps(first)] == [second.id]
    rejected = bookings.approve_booking(None, first)
    assert first.status == CONFIRMED
    assert [b.id for b in rejected] == [second.id]
    assert second.status == REJECTED and "企业沙龙" in second.status_reason
    assert apart.status == PENDING


def test_approving_a_request_whose_slot_staff_gave_away_names_the_holder(room, day):
    request = book(room, day, "10:00", "11:00", status=PENDING, title="企业沙龙")
    book(room, day, "10:30", "11:30", title="党课")
    with pytest.raises(SlotTaken) as refused:
        bookings.approve_booking(None, request)
    assert "党课" in refused.value.message
    assert request.status == PENDING
    later = book(room, day, "12:00", "13:00", title="读书会")  # the transaction is still usable
    assert later.status == CONFIRMED


def test_a_move_refused_by_the_database_leaves_the_booking_and_the_session_usable(room, day, monkeypatch):
    book(room, day, "09:00", "10:30", title="书法课")
    moving = book(room, day, "14:00", "15:00", title="读书会")
    monkeypatch.setattr(bookings, "overlapping", lambda *a, **k: [])
    with pytest.raises(SlotTaken):
        bookings.move_booking(None, moving, at(day, "10:00"), at(day, "11:00"))
    db.session.expire_all()
    assert moving.start_at == at(day, "14:00")
    assert book(room, day, "16:00", "17:00", title="合唱").status == CONFIRMED


def test_shared_room_never_exceeds_capacity(gym, day):
    book(gym, day, "18:00", "19:00", headcount=2)
    book(gym, day, "18:30", "19:30", headcount=1)
    with pytest.raises(SlotTaken) as refused:
        book(gym, day, "18:45", "19:15", headcount=1)
    assert "人数已满" in refused.value.message
    assert book(gym, day, "19:00", "20:00", headcount=2).status == CONFIRMED


def test_outside_opening_hours_is_refused(room, day):
    with pytest.raises(RuleError) as refused:
        book(room, day, "20:30", "21:30")
    assert "开放时间" in refused.value.message
    with pytest.raises(RuleError):
        book(room, day, "08:00", "09:00")


def test_end_must_follow_start_and_past_is_refused(room, day):
    with pytest.raises(RuleError) as refused:
        book(room, day, "10:00", "10:00")
    assert refused.value.field == "end_at"
    yesterday = clock.today() - timedelta(days=1)
    with pytest.raises(RuleError) as refused:
        book(room, yesterday, "10:00", "11:00")
    assert "过去" in refused.value.message


def test_across_midnight_only_where_the_hours_allow_it(app, day):
    late = make_room("通宵自习室", opens=time(18, 0), closes=time(2, 0))
    booking = bookings.create_booking(None, late.id, at(day, "23:00"), at(day + timedelta(days=1), "01:00"), details("夜读"))
    assert booking.end_at.date() == day + timedelta(days=1)
    normal = make_room("会客室")
    with pytest.raises(RuleError):
        bookings.create_booking(None, normal.id, at(day, "20:00"), at(day + timedelta(days=1), "00:30"), details("夜读"))


def test_closure_refuses_bookings_and_a_make_up_day_opens_it(room, day):
    rooms.add_closure(None, None, day, day + timedelta(days=2), "国庆节")
    with pytest.raises(RuleError) as refused:
        book(room, day + timedelta(days=1), "10:00", "11:00")
    assert "国庆节" in refused.value.message
    rooms.add_special_opening(None, None, day + timedelta(days=1), time(9), time(17), "调休上班")
    assert book(room, day + timedelta(days=1), "10:00", "11:00").status == CONFIRMED
    with pytest.raises(RuleError):
        book(room, day + timedelta(days=1), "17:00", "18:00")  # the make-up day keeps its own hours


def test_closure_of_another_room_does_not_apply(room, day):
    other = make_room("健身房", SHARED, capacity=20)
    rooms.add_closure(None, other.id, day, day, "器械检修")
    assert book(room, day, "10:00", "11:00").status == CONFIRMED


def test_length_and_horizon_rules(app, day):
    strict = make_room("教育馆", min_minutes=60, max_minutes=120, max_days_ahead=10)
    with pytest.raises(RuleError, match="至少60分钟"):
        book(strict, day, "10:00", "10:30")
    with pytest.raises(RuleError, match="最长120分钟"):
        book(strict, day, "10:00", "13:00")
    with pytest.raises(RuleError, match="提前10天"):
        book(strict, day + timedelta(days=7), "10:00", "11:00")


def test_every_state_change_is_audited(room, day):
    booking = book(room, day, "10:00", "11:00")
    bookings.cancel_booking(None, booking, "活动改期")
    actions = [e.action for e in db.session.scalars(select(AuditEntry).where(AuditEntry.object_type == "booking"))]
    assert actions == ["booking.create", "booking.cancelled"]
    assert booking.status == CANCELLED and booking.status_reason == "活动改期"


def test_cancelling_needs_a_reason(room, day):
    booking = book(room, day, "10:00", "11:00")
    with pytest.raises(RuleError) as refused:
        bookings.cancel_booking(None, booking, "  ")
    assert refused.value.field == "reason"


def test_no_show_frees_the_rest_of_the_slot(room):
    yesterday = clock.today() - timedelta(days=1)
    booking = book(room, yesterday, "10:00", "12:00", title="沙龙", allow_past=True)
    recent = book(make_room("会客室"), yesterday, "10:10", "11:00", title="座谈", allow_past=True)
    lapsed = bookings.mark_no_shows(now=at(yesterday, "10:20"))
    assert [b.id for b in lapsed] == [booking.id]
    assert booking.status == NO_SHOW and recent.status == CONFIRMED
    assert "15分钟未签到" in booking.status_reason
    assert bookings.overlapping(room.id, at(yesterday, "10:20"), at(yesterday, "12:00")) == []


def test_bookings_of_sessions_do_not_lapse(room):
    yesterday = clock.today() - timedelta(days=1)
    booking = book(room, yesterday, "10:00", "12:00", title="银企对接会", allow_past=True, source="session")
    assert bookings.mark_no_shows() == []
    assert booking.status == CONFIRMED


def test_a_request_nobody_answered_before_its_start_is_rejected_with_a_reason(room):
    yesterday = clock.today() - timedelta(days=1)
    stale = book(room, yesterday, "10:00", "11:00", title="沙龙", status=PENDING, allow_past=True)
    ahead = book(room, clock.today() + timedelta(days=2), "10:00", "11:00", status=PENDING)
    assert bookings.expire_requests() == [stale]
    assert (stale.status, ahead.status) == (REJECTED, PENDING)
    assert stale.status_reason == bookings.EXPIRED_REASON
    assert bookings.pending_count() == 1
    trail = db.session.scalars(select(AuditEntry).where(AuditEntry.object_type == "booking", AuditEntry.object_id == str(stale.id))).all()
    assert [e.to_state for e in trail] == [PENDING, REJECTED]


def test_check_in_window_and_door_check_in_needs_the_phone(room, day):
    booking = book(room, day, "10:00", "11:00", contact_name="李女士", contact_phone="13912345678")
    with pytest.raises(RuleError, match="开始前30分钟"):
        bookings.check_in(None, booking, now=at(day, "09:00"))
    with pytest.raises(RuleError) as refused:
        bookings.door_check_in(None, room, "0000", now=at(day, "09:50"))
    assert refused.value.field == "phone_tail"
    bookings.door_check_in(None, room, "5678", now=at(day, "09:50"))
    assert booking.status == CHECKED_IN


def test_the_check_in_window_follows_the_configured_minutes(app, room, day):
    app.config["ROOM_CHECK_IN_OPENS_MINUTES"] = 45
    booking = book(room, day, "10:00", "11:00", contact_phone="13912345678")
    with pytest.raises(RuleError, match="开始前45分钟起开放：09:15起可签到（10:00开始）"):
        bookings.check_in(None, booking, now=at(day, "09:10"))
    assert bookings.current_bookings(room, now=at(day, "09:10")) == []
    assert bookings.current_bookings(room, now=at(day, "09:20")) == [booking]
    bookings.check_in(None, booking, now=at(day, "09:20"))
    assert booking.status == CHECKED_IN


def test_door_check_in_picks_the_bookers_own_gym_slot(gym, day):
    first = book(gym, day, "18:00", "19:00", contact_phone="13900001111")
    second = book(gym, day, "18:00", "19:00", contact_phone="13900002222")
    bookings.door_check_in(None, gym, "2222", now=at(day, "18:05"))
    assert (first.status, second.status) == (CONFIRMED, CHECKED_IN)


def test_weekly_series_reports_collisions_and_closures_and_keeps_the_rest(room):
    monday = schedule.week_of(clock.today()) + timedelta(days=14)
    book(room, monday + timedelta(days=7), "18:30", "19:30", title="合唱排练")
    rooms.add_closure(None, None, monday + timedelta(days=16), monday + timedelta(days=16), "元旦")
    rule = series.Recurrence(WEEKLY, monday, [0, 2], interval=1, count=6)
    plan = series.plan_series(room.id, rule, time(18), time(20))
    assert [p.day for p in plan] == [monday + timedelta(days=d) for d in (0, 2, 7, 9, 14, 16)]
    assert [p.kind for p in plan] == [None, None, "conflict", None, None, "closure"]
    made, created, skipped = series.create_series(None, room.id, rule, time(18), time(20), details("瑜伽课"))
    assert len(created) == 4 and [s.day for s in skipped] == [monday + timedelta(days=7), monday + timedelta(days=16)]
    assert all(b.series_id == made.id for b in created)
    assert "每周周一、周三" in made.description


def test_every_other_week_and_monthly_nth_weekday(room):
    first = date(2027, 1, 1)
    weekly = series.Recurrence(WEEKLY, first, [4], interval=2, until=date(2027, 2, 28))
    assert weekly.dates()[:3] == [date(2027, 1, 1), date(2027, 1, 15), date(2027, 1, 29)]
    monthly = series.Recurrence(MONTHLY, first, [2], nth=-1, count=3)
    assert monthly.dates() == [date(2027, 1, 27), date(2027, 2, 24), date(2027, 3, 31)]
    second_tuesday = series.Recurrence(MONTHLY, first, [1], nth=2, count=2)
    assert second_tuesday.dates() == [date(2027, 1, 12), date(2027, 2, 9)]


def test_cancel_this_and_following_then_add_a_skipped_date_back(room):
    monday = schedule.week_of(clock.today()) + timedelta(days=14)
    rule = series.Recurrence(WEEKLY, monday, [0], count=4)
    made, created, _ = series.create_series(None, room.id, rule, time(9), time(10), details("党课"))
    series.cancel_scope(None, created[1], series.THIS, "讲师出差")
    assert [b.status for b in created] == [CONFIRMED, CANCELLED, CONFIRMED, CONFIRMED]
    series.cancel_scope(None, created[2], series.FOLLOWING, "课程结束")
    assert [b.status for b in created] == [CONFIRMED, CANCELLED, CANCELLED, CANCELLED]
    dates = series.series_dates(made)
    assert [d.skipped for d in dates] == [False, True, True, True]
    again = series.add_back(None, made, created[1].start_at.date())
    assert again.series_id == made.id and again.start_at == created[1].start_at
    with pytest.raises(RuleError):
        series.add_back(None, made, created[1].start_at.date())


def test_moving_all_occurrences_is_all_or_nothing(room):
    monday = schedule.week_of(clock.today()) + timedelta(days=14)
    rule = series.Recurrence(WEEKLY, monday, [0], count=3)
    _, created, _ = series.create_series(None, room.id, rule, time(9), time(10), details("党课"))
    book(room, monday + timedelta(days=14), "15:00", "16:00", title="企业沙龙")
    with pytest.raises(RuleError) as refused:
        series.reschedule_scope(None, created[0], series.ALL, monday, time(15), time(16))
    assert "企业沙龙" in refused.value.message
    assert [b.start_at.time() for b in created] == [time(9)] * 3
    series.reschedule_scope(None, created[0], series.ALL, monday, time(14), time(15))
    assert [b.start_at.time() for b in created] == [time(14)] * 3


def test_utilisation_divides_by_real_open_hours_minus_closures(room):
    first = date(2026, 2, 1)  # 28 days of 12.5 open hours
    rooms.add_closure(None, None, date(2026, 2, 16), date(2026, 2, 17), "春节")
    for d in (2, 3):
        book(room, first.replace(day=d), "09:00", "11:30", title="培训", allow_past=True)
    [row] = reports.utilisation_between(first, date(2026, 3, 1))
    assert row.open_hours == 26 * 12.5
    assert row.booked_hours == 5
    assert row.rate == pytest.approx(5 / 325)


def test_timeline_places_bookings_on_quarter_hour_steps(room, day):
    book(room, day, "09:00", "10:15")
    origin, end, lanes = schedule.day_timeline(day)
    assert origin == at(day, "08:30") and end == at(day, "21:00")
    [placed] = lanes[0].placed
    assert (placed.first, placed.span) == (3, 5)
    assert lanes[0].cells[0].closed is None


def test_hours_are_summarised_for_signs_and_lists(app):
    assert opening.hours_summary(make_room()) == "周一至周日 08:30–21:00"
    assert opening.hours_summary(make_room("自习室", opens=time(0), closes=time(0))) == "周一至周日 全天"
    late = make_room("夜读室", opens=time(18), closes=time(2))
    rooms.set_opening_hours(None, late, {6: None})
    assert opening.hours_summary(late).startswith("周一 18:00–次日02:00；")
    assert "周日" not in opening.hours_summary(late)


def test_public_holidays_import_as_closures_and_make_up_days_as_openings(room):
    closures, openings = rooms.import_public_holidays(None, 2026)
    reasons = {c.reason for c in closures}
    assert {"春节", "国庆节"} <= reasons
    spring = next(c for c in closures if c.reason == "春节")
    assert spring.room_id is None and spring.end_date > spring.start_date
    assert openings and all(o.day.weekday() >= 5 and o.reason == "调休上班" for o in openings)
    with pytest.raises(RuleError, match="春节"):
        opening.check_slot_rules(room, at(spring.start_date, "10:00"), at(spring.start_date, "11:00"), allow_past=True)
    assert rooms.import_public_holidays(None, 2026) == ([], [])


def test_an_end_typed_before_the_start_is_named_as_such_not_as_too_long(room, day):
    with pytest.raises(RuleError) as refused:
        bookings.create_booking(None, room.id, at(day, "10:00"), at(day + timedelta(days=1), "09:00"), details("沙龙"))
    assert refused.value.field == "end_at"
    assert "结束时间必须晚于开始时间" in refused.value.message and "最长" not in refused.value.message
    late = make_room("通宵自习室", opens=time(18, 0), closes=time(2, 0))
    with pytest.raises(RuleError) as refused:
        bookings.create_booking(None, late.id, at(day, "23:00"), at(day + timedelta(days=1), "03:00"), details("夜读"))
    assert "开放时间" in refused.value.message


def test_an_unknown_scope_cancels_nothing(room):
    monday = schedule.week_of(clock.today()) + timedelta(days=14)
    rule = series.Recurrence(WEEKLY, monday, [0], count=3)
    _, created, _ = series.create_series(None, room.id, rule, time(9), time(10), details("党课"))
    with pytest.raises(RuleError):
        series.cancel_scope(None, created[1], "everything", "讲师出差")
    assert [b.status for b in created] == [CONFIRMED, CONFIRMED, CONFIRMED]


def test_a_refusal_in_the_gym_names_the_places_left(app, day):
    gym = make_room("健身房", SHARED, capacity=20)
    book(gym, day, "18:00", "19:00", headcount=3)
    with pytest.raises(SlotTaken) as refused:
        book(gym, day, "18:00", "19:00", headcount=18)
    assert "健身房在该时段还可预约17人（容量20人）" in refused.value.message


def test_a_weekly_series_never_leaves_out_its_own_start_date(room):
    monday = schedule.week_of(clock.today()) + timedelta(days=14)
    rule = series.Recurrence(WEEKLY, monday, [2], count=3, first_day_booked=True)
    with pytest.raises(RuleError) as refused:
        series.create_series(None, room.id, rule, time(18), time(20), details("瑜伽课"))
    assert refused.value.field == "weekdays"
    assert f"{monday.month}月{monday.day}日是周一" in refused.value.message
    assert db.session.scalar(select(func.count()).select_from(Booking)) == 0


def test_a_booking_becomes_the_first_date_of_a_weekly_series_and_stays_as_it_was(room):
    monday = schedule.week_of(clock.today()) + timedelta(days=14)
    first = book(room, monday, "18:30", "20:00", title="书法课", contact_name="王老师", headcount=12)
    book(room, monday + timedelta(days=14), "19:00", "20:00", title="合唱排练")
    first_id, start = first.id, first.start_at
    made, created, skipped = series.repeat_booking(None, first, series.Recurrence(WEEKLY, monday, [0], count=4))
    assert first.id == first_id and first.status == CONFIRMED and first.start_at == start
    assert first.series_id == made.id
    assert [b.start_at.date() for b in created] == [monday + timedelta(days=7), monday + timedelta(days=21)]
    assert all((b.title, b.contact_name, b.headcount, b.series_id) == ("书法课", "王老师", 12, made.id) for b in created)
    assert [s.day for s in skipped] == [monday + timedelta(days=14)]
    assert "每周周一" in made.description and "18:30–20:00" in made.description
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "series.from_booking")).one()
    assert entry.detail_dict["booking"] == first_id
    with pytest.raises(RuleError, match="已属于重复预约"):
        series.repeat_booking(None, first, series.Recurrence(WEEKLY, monday, [0], count=4))


def test_a_cancelled_booking_cannot_become_a_series(room):
    monday = schedule.week_of(clock.today()) + timedelta(days=14)
    gone = book(room, monday, "18:30", "20:00", title="书法课")
    bookings.cancel_booking(None, gone, "改期")
    with pytest.raises(RuleError, match="已取消"):
        series.repeat_booking(None, gone, series.Recurrence(WEEKLY, monday, [0], count=4))


def test_a_booking_made_a_series_by_a_colleague_meanwhile_is_a_conflict(room):
    monday = schedule.week_of(clock.today()) + timedelta(days=14)
    first = book(room, monday, "18:30", "20:00", title="书法课")
    series.repeat_booking(None, first, series.Recurrence(WEEKLY, monday, [0], count=3))
    # The second colleague's copy, read before the first one's change.
    set_committed_value(first, "series_id", None)
    with pytest.raises(Conflict, match="刚被他人设为重复预约"):
        series.repeat_booking(None, first, series.Recurrence(WEEKLY, monday, [0], count=3))
