"""The facilities pages, through HTTP as a browser would use them."""

import io
import re
from datetime import date, datetime, time, timedelta
from urllib.parse import quote, urlsplit

import icalendar
import openpyxl
import pdfmeasure
import pytest
from factories.facilities import booking as book
from factories.facilities import room as make_room
from sqlalchemy import func, select

from hubapp import clock
from hubapp.blueprints.facilities import bookings, feeds, schedule, series, sweeper
from hubapp.blueprints.facilities.bookings import BookingDetails
from hubapp.blueprints.facilities.models import (
    CHECKED_IN,
    CONFIRMED,
    NO_SHOW,
    PENDING,
    REJECTED,
    SHARED,
    Booking,
    Closure,
    Room,
)
from hubapp.database import atomic
from hubapp.extensions import db
from hubapp.formatting import weekday


@pytest.fixture
def room(app):
    return make_room("文化活动室", needs_approval=True)


@pytest.fixture
def day():
    return clock.today() + timedelta(days=3)


def form(room, day, start="10:00", end="11:00", **extra):
    data = {"room_id": room.id, "day": day.isoformat(), "start": start, "end": end, "title": "企业沙龙", "headcount": 10,
            "enterprise": ""}  # fmt: skip
    data.update(extra)
    return data


def count(**where):
    stmt = select(func.count(Booking.id))
    for name, value in where.items():
        stmt = stmt.where(getattr(Booking, name) == value)
    return db.session.scalar(stmt)


STAFF_PAGES = ["/facilities/", "/facilities/rooms/{room}/week", "/facilities/bookings/new", "/facilities/requests",
               "/facilities/rooms", "/facilities/rooms/{room}/edit", "/facilities/utilisation",
               "/facilities/utilisation.xlsx"]  # fmt: skip


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_staff_pages_need_staff(client, auth, room, path):
    url = path.format(room=room.id)
    assert client.get(url).status_code == 302
    auth.login("grid_worker")
    assert client.get(url).status_code == 403
    auth.logout()
    auth.login("staff")
    assert client.get(url).status_code == 200


def test_every_logged_in_user_sees_my_bookings(client, auth, room):
    auth.login("liaison")
    page = client.get("/facilities/mine")
    assert page.status_code == 200
    assert "没有即将进行的预约" in page.get_data(as_text=True)


def test_booking_from_the_form_shows_on_the_day_timeline(client, auth, room, day):
    auth.login("staff")
    response = client.post("/facilities/bookings/new", data=form(room, day))
    assert response.status_code == 303
    timeline = client.get(f"/facilities/?date={day.isoformat()}").get_data(as_text=True)
    assert "企业沙龙" in timeline and "10:00–11:00" in timeline


def test_htmx_booking_answers_with_the_detail_and_a_refresh_trigger(client, auth, room, day):
    auth.login("staff")
    response = client.post("/facilities/bookings/new", data=form(room, day), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.headers["HX-Trigger"] == "bookingsChanged"
    assert "已预约" in response.get_data(as_text=True)


def test_conflict_is_a_409_naming_the_holder_and_keeps_what_was_typed(client, auth, room, day):
    auth.login("staff")
    client.post("/facilities/bookings/new", data=form(room, day, title="书法课", contact_name="王老师"))
    response = client.post("/facilities/bookings/new", data=form(room, day, "10:30", "11:30", title="读书会"))
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "书法课" in page and "王老师" in page
    assert f"{day.month}月{day.day}日 10:00–11:00 已被" in page
    assert 'value="读书会"' in page
    assert count() == 1


def test_invalid_times_are_a_422_next_to_the_field(client, auth, room, day):
    auth.login("staff")
    response = client.post("/facilities/bookings/new", data=form(room, day, "20:00", "22:00", title="晚会"))
    assert response.status_code == 422
    assert "开放时间" in response.get_data(as_text=True)
    response = client.post("/facilities/bookings/new", data=form(room, day, title=""))
    assert response.status_code == 422 and "请填写活动名称" in response.get_data(as_text=True)
    assert count() == 0


def test_series_is_previewed_then_booked_without_the_colliding_date(client, auth, room):
    auth.login("staff")
    monday = schedule.week_of(clock.today()) + timedelta(days=7)
    book(room, monday + timedelta(days=7), "19:00", "20:00", title="合唱排练")
    data = form(room, monday, "18:30", "20:00", title="书法课", repeat="weekly", interval=1, weekdays=["0"], count=3)
    preview = client.post("/facilities/bookings/new", data=data)
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "合唱排练" in page and "预约选中的日期" in page
    assert count() == 1
    chosen = [monday.isoformat(), (monday + timedelta(days=14)).isoformat()]
    done = client.post("/facilities/bookings/new", data={**data, "confirm": "1", "chosen": chosen})
    assert done.status_code == 303 and "/facilities/series/" in done.headers["Location"]
    assert count(title="书法课") == 2
    series_page = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "加回这一次" in series_page


def test_approving_a_request_rejects_the_overlapping_ones(client, auth, room, day):
    auth.login("staff")
    first = book(room, day, "14:00", "16:00", title="入职培训", status=PENDING)
    second = book(room, day, "15:00", "17:00", title="读书沙龙", status=PENDING)
    detail = client.get(f"/facilities/bookings/{first.id}").get_data(as_text=True)
    assert "将同时驳回" in detail and "读书沙龙" in detail
    response = client.post(f"/facilities/bookings/{first.id}/approve")
    assert response.status_code == 303
    db.session.expire_all()
    assert (first.status, second.status) == (CONFIRMED, REJECTED)


def test_the_pending_count_in_the_tabs_follows_an_approval_in_the_side_panel(client, auth, room, day):
    auth.login("staff")
    first = book(room, day, "14:00", "16:00", title="入职培训", status=PENDING)
    book(room, day, "15:00", "17:00", title="读书沙龙", status=PENDING)
    book(room, day, "09:00", "10:00", title="党课", status=PENDING)
    tabs = client.get("/facilities/requests").get_data(as_text=True)
    assert 'title="3 个申请待审核"' in tabs
    answer = client.post(f"/facilities/bookings/{first.id}/approve", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert 'id="fac-pending-badge" hx-swap-oob="true"' in answer and 'title="1 个申请待审核"' in answer
    full = client.get(f"/facilities/bookings/{first.id}").get_data(as_text=True)
    assert "hx-swap-oob" not in full and 'title="1 个申请待审核"' in full


def test_approving_a_request_for_a_slot_taken_meanwhile_is_a_409_naming_the_holder(client, auth, room, day):
    auth.login("staff")
    request = book(room, day, "10:00", "11:00", title="企业沙龙", status=PENDING)
    book(room, day, "10:30", "11:30", title="党课")
    response = client.post(f"/facilities/bookings/{request.id}/approve", headers={"HX-Request": "true"})
    assert response.status_code == 409 and "已被“党课”" in response.get_data(as_text=True)
    db.session.expire_all()
    assert request.status == PENDING


def test_the_check_in_button_shows_only_while_check_in_is_open(client, auth, room, day, monkeypatch):
    booking = book(room, day, "10:00", "11:00", title="党课")
    auth.login("staff")
    ahead = client.get(f"/facilities/bookings/{booking.id}").get_data(as_text=True)
    assert "登记到场" not in ahead and "开始前30分钟起可签到" in ahead
    monkeypatch.setattr(clock, "now", lambda: datetime.combine(day, time(9, 40)))
    due = client.get(f"/facilities/bookings/{booking.id}").get_data(as_text=True)
    assert "登记到场" in due and "起可签到" not in due


def test_cancel_without_a_reason_is_refused(client, auth, room, day):
    auth.login("staff")
    booking = book(room, day, "09:00", "10:00", title="党课")
    response = client.post(f"/facilities/bookings/{booking.id}/cancel", data={"reason": ""}, headers={"HX-Request": "true"})
    assert response.status_code == 422 and "请填写原因" in response.get_data(as_text=True)
    assert booking.status == CONFIRMED


def test_public_request_lands_as_pending(client, room, day):
    response = client.post("/book", data={
        "room_id": room.id, "day": day.isoformat(), "start": "14:00", "end": "16:00", "title": "季度培训",
        "headcount": 20, "enterprise_name": "威海某某科技有限公司", "contact_name": "刘经理", "contact_phone": "13912345678",
    })  # fmt: skip
    assert response.status_code == 200
    assert "等待审核" in response.get_data(as_text=True)
    booking = db.session.scalar(select(Booking))
    assert booking.status == PENDING and booking.source == "public"


def test_a_refreshed_or_double_tapped_request_is_not_filed_twice(client, day):
    gym = make_room("健身房", SHARED, capacity=20, needs_approval=False)
    request = {"room_id": gym.id, "day": day.isoformat(), "start": "18:00", "end": "19:00", "title": "健身",
               "headcount": 2, "enterprise_name": "威海某某科技有限公司", "contact_name": "刘经理",
               "contact_phone": "13912345678"}  # fmt: skip
    assert client.post("/book", data=request).status_code == 200
    again = client.post("/book", data=request)
    assert again.status_code == 422 and "已有相同的预约（已确认），请勿重复提交" in again.get_data(as_text=True)
    assert count() == 1
    assert client.post("/book", data=request | {"contact_name": "王工", "contact_phone": "13912340000"}).status_code == 200
    assert count() == 2


def test_public_request_rejects_a_bad_phone_and_keeps_the_form(client, room, day):
    response = client.post("/book", data={
        "room_id": room.id, "day": day.isoformat(), "start": "14:00", "end": "16:00", "title": "季度培训",
        "headcount": 20, "enterprise_name": "威海某某科技有限公司", "contact_name": "刘经理", "contact_phone": "12345",
    })  # fmt: skip
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "11位手机号" in page and 'value="季度培训"' in page


def test_door_page_is_public_and_checks_in_the_current_booking(client, app):
    now = clock.now()
    # Open round the clock from two hours ago, so that the test does not depend on the hour.
    opens = (now - timedelta(hours=2)).time().replace(second=0)
    door_room = make_room("门牌测试室", capacity=10, opens=opens, closes=opens)
    with atomic():
        booking = bookings.create_booking(
            None, door_room.id, now - timedelta(minutes=5), now + timedelta(minutes=40),
            BookingDetails("企业沙龙", contact_phone="13900001234"), allow_past=True,
        )  # fmt: skip
    page = client.get(f"/r/{door_room.id}").get_data(as_text=True)
    assert "企业沙龙" in page and "签到" in page
    wrong = client.post(f"/r/{door_room.id}/check-in", data={"phone_tail": "9999"})
    assert wrong.status_code == 422 and "手机号后四位" in wrong.get_data(as_text=True)
    response = client.post(f"/r/{door_room.id}/check-in", data={"phone_tail": "1234"})
    assert response.status_code == 303
    assert booking.status == CHECKED_IN


def test_door_page_of_unknown_room_is_404(client):
    assert client.get("/r/999").status_code == 404


def test_room_feed_needs_its_token(client, auth, room, day):
    book(room, day, "09:00", "10:00", title="党课")
    with atomic():
        token = feeds.feed_token(None, room_id=room.id).token
    assert client.get(f"/facilities/{room.id}/calendar.ics").status_code == 404
    assert client.get(f"/facilities/{room.id}/calendar.ics?token=wrong").status_code == 404
    response = client.get(f"/facilities/{room.id}/calendar.ics?token={token}")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = icalendar.Calendar.from_ical(response.data)
    [event] = calendar.walk("VEVENT")
    assert str(event["summary"]) == "党课"
    assert event.decoded("dtstart").utcoffset() == timedelta(hours=8)


def test_a_feed_reached_by_two_host_names_names_each_booking_once(app, client, room, day):
    booking = book(room, day, "09:00", "10:00", title="党课")
    with atomic():
        token = feeds.feed_token(None, room_id=room.id).token
    address = f"/facilities/{room.id}/calendar.ics?token={token}"
    uids = set()
    for host in ("127.0.0.1:5000", "hub.nanhai.local"):
        [event] = icalendar.Calendar.from_ical(client.get(address, headers={"Host": host}).data).walk("VEVENT")
        uids.add(str(event["uid"]))
    assert uids == {f"booking-{booking.id}@{urlsplit(app.config['PUBLIC_BASE_URL']).hostname}"}


def test_user_feed_lists_the_users_own_bookings(client, auth, users, room, day):
    book(room, day, "09:00", "10:00", title="我的党课", actor=users["staff"])
    with atomic():
        token = feeds.feed_token(users["staff"], user_id=users["staff"].id).token
    response = client.get(f"/facilities/me/calendar.ics?token={token}")
    assert response.status_code == 200 and "我的党课".encode() in icalendar.Calendar.from_ical(response.data).to_ical()
    assert client.get("/facilities/me/calendar.ics?token=nope").status_code == 404


def test_utilisation_exports_to_excel(client, auth, room):
    book(room, date(2026, 2, 3), "09:00", "11:30", title="培训", allow_past=True)
    auth.login("staff")
    response = client.get("/facilities/utilisation.xlsx?month=2026-02")
    assert response.status_code == 200
    assert "%E5%9C%BA%E5%9C%B0%E5%88%A9%E7%94%A8%E7%8E%87-2026%E5%B9%B42%E6%9C%88.xlsx" in response.headers["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    assert sheet.title == "2026年2月"
    assert sheet["A1"].value == "场地" and sheet["E1"].value == "利用率"
    assert sheet["A2"].value == "文化活动室" and sheet["C2"].value == 28 * 12.5
    assert sheet["D2"].value == 2.5 and sheet["E2"].value == pytest.approx(2.5 / 350)


def test_a_month_that_is_not_one_shows_this_month_and_says_why(client, auth, room):
    auth.login("staff")
    today = clock.today()
    page = client.get("/facilities/utilisation?month=2026-13")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "月份“2026-13”无法识别" in text and f"场地利用率 · {today.year}年{today.month}月" in text
    download = client.get("/facilities/utilisation.xlsx?month=2026-13")
    assert download.status_code == 400 and "月份格式不正确" in download.get_data(as_text=True)


def test_utilisation_shows_any_range_of_days_with_the_bookings_that_held_a_room(client, auth, users, room):
    """The dashboard's 场地使用 links here with ?since=&until=: a booking counts whole in the range
    it starts in; a cancelled one not at all."""
    book(room, date(2026, 2, 3), "09:00", "11:30", title="培训", allow_past=True)
    march = book(room, date(2026, 3, 5), "14:00", "15:00", title="沙龙", allow_past=True)
    cancelled = book(room, date(2026, 2, 10), "14:00", "16:00", title="取消的会", allow_past=True)
    with atomic():
        bookings.change_status(users["staff"], march, CHECKED_IN)
        bookings.cancel_booking(users["staff"], cancelled, "改期。")
    auth.login("staff")
    page = client.get("/facilities/utilisation?since=2026-02-01&until=2026-03-31").get_data(as_text=True)
    assert "场地利用率 · 2026年2月1日至2026年3月31日" in page
    assert "场地使用 2 次，共 3.5 小时" in page and '<td class="held">2</td>' in page
    assert "按月查看" in page and 'href="/facilities/utilisation.xlsx?since=2026-02-01&amp;until=2026-03-31"' in page
    export = client.get("/facilities/utilisation.xlsx?since=2026-02-01&until=2026-03-31")
    assert quote("场地利用率-2026年2月1日至2026年3月31日.xlsx") in export.headers["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(export.data)).active
    assert sheet.title == "2026年2月1日至2026年3月31日"
    # February's 28 days and March's 31, 12.5 open hours each; 2.5 + 1 hours held.
    assert sheet["A2"].value == "文化活动室" and sheet["C2"].value == 59 * 12.5 and sheet["D2"].value == 3.5
    february = client.get("/facilities/utilisation?month=2026-02").get_data(as_text=True)
    assert "场地利用率 · 2026年2月" in february and "场地使用 1 次，共 2.5 小时" in february
    assert 'href="/facilities/utilisation?month=2026-03">3月 ›' in february
    leap_year = client.get("/facilities/utilisation?since=2024-01-01&until=2024-12-31")
    assert leap_year.status_code == 200 and "2024年12月31日场地使用 0 次" in leap_year.get_data(as_text=True)
    empty = client.get("/facilities/utilisation?since=2001-01-01&until=2001-01-31").get_data(as_text=True)
    assert "场地使用 0 次，共 0.0 小时" in empty and "文化活动室" in empty


def test_utilisation_answers_a_day_that_is_not_one_or_a_range_over_a_year_with_400(client, auth, room):
    auth.login("staff")
    for query, reason in (("since=2026-02-30", "日期格式应为"), ("until=1999-12-31", "日期超出范围"),
                          ("since=2026-01-01", "最多统计366天"), ("since=2023-01-01&until=2024-01-02", "最多统计366天")):  # fmt: skip
        for page in ("/facilities/utilisation", "/facilities/utilisation.xlsx"):
            response = client.get(f"{page}?{query}")
            assert response.status_code == 400 and reason in response.get_data(as_text=True), page


def test_no_show_rule_applies_when_a_page_is_viewed(client, auth, room):
    yesterday = clock.today() - timedelta(days=1)
    booking = book(room, yesterday, "10:00", "11:00", title="沙龙", allow_past=True)
    auth.login("staff")
    client.get("/facilities/")
    sweeper.sweeper().wait()
    db.session.rollback()  # end the page's reading transaction, to read what the sweeper wrote
    assert booking.status == NO_SHOW


def test_requests_list_drops_a_request_whose_time_has_come(client, auth, users, room):
    yesterday = clock.today() - timedelta(days=1)
    book(room, yesterday, "10:00", "11:00", title="过期的沙龙", status=PENDING, allow_past=True, actor=users["liaison"])
    auth.login("staff")
    page = client.get("/facilities/requests").get_data(as_text=True)
    assert "过期的沙龙" not in page and "没有待审核的申请" in page
    sweeper.sweeper().wait()
    auth.logout()
    auth.login("liaison")
    mine = client.get("/facilities/mine?past=1").get_data(as_text=True)
    assert "过期的沙龙" in mine and bookings.EXPIRED_REASON in mine


def test_mark_no_shows_command(app, room):
    yesterday = clock.today() - timedelta(days=1)
    book(room, yesterday, "10:00", "11:00", title="沙龙", allow_past=True)
    result = app.test_cli_runner().invoke(args=["facilities", "mark-no-shows"])
    assert result.exit_code == 0 and "共标记 1 个" in result.output


def test_home_panel_lists_today(client, auth, room):
    today = clock.today()
    book(room, today, "20:00", "21:00", title="今晚合唱", allow_past=True)
    auth.login("staff")
    page = client.get("/").get_data(as_text=True)
    assert "今日场地安排" in page and "今晚合唱" in page


def test_bad_date_is_a_400(client, auth, room):
    auth.login("staff")
    assert client.get("/facilities/?date=2026-02-30").status_code == 400


def test_closure_added_from_the_rooms_page_blocks_booking(client, auth, room, day):
    auth.login("staff")
    response = client.post("/facilities/closures", data={"room_id": 0, "start_date": day.isoformat(),
                                                         "end_date": day.isoformat(), "reason": "设备检修"})  # fmt: skip
    assert response.status_code == 303
    refused = client.post("/facilities/bookings/new", data=form(room, day))
    assert refused.status_code == 422 and "设备检修" in refused.get_data(as_text=True)


def test_gym_week_view_shows_people_per_slot(client, auth, day):
    gym = make_room("健身房", SHARED, capacity=20, needs_approval=False)
    for _ in range(3):
        book(gym, day, "18:00", "19:00", title="健身")
    auth.login("staff")
    page = client.get(f"/facilities/rooms/{gym.id}/week?date={day.isoformat()}").get_data(as_text=True)
    assert "3/20" in page
    assert f"周{'一二三四五六日'[day.weekday()]} {day.month}月{day.day}日" in page  # the day's column head


def test_gym_calendars_still_count_people_in_past_slots(client, auth):
    gym = make_room("健身房", SHARED, capacity=20, needs_approval=False)
    yesterday = clock.today() - timedelta(days=1)
    for _ in range(2):
        booking = book(gym, yesterday, "12:00", "13:00", title="健身", allow_past=True)
        with atomic():
            bookings.change_status(None, booking, CHECKED_IN)
    auth.login("staff")
    assert "2/20" in client.get(f"/facilities/rooms/{gym.id}/week?date={yesterday.isoformat()}").get_data(as_text=True)
    assert "2/20" in client.get(f"/facilities/?date={yesterday.isoformat()}").get_data(as_text=True)


def test_public_request_from_a_registered_enterprise_is_linked_to_it(client, demo):
    from hubapp.blueprints.directory.models import Enterprise

    room = db.session.scalar(select(Room).where(Room.name == "文化活动室"))
    day = clock.today() + timedelta(days=20)
    response = client.post("/book", data={
        "room_id": room.id, "day": day.isoformat(), "start": "09:00", "end": "10:00", "title": "安全生产培训",
        "headcount": 15, "enterprise_name": "威海汇科工控技术有限公司", "contact_name": "王经理",
        "contact_phone": "13912345678",
    })  # fmt: skip
    assert response.status_code == 200
    booking = db.session.scalar(select(Booking).where(Booking.title == "安全生产培训"))
    assert booking.enterprise == db.session.scalar(select(Enterprise).where(Enterprise.short_name == "汇科工控"))


def test_editing_all_occurrences_moves_their_times_and_keeps_their_dates(client, auth, room):
    auth.login("staff")
    monday = schedule.week_of(clock.today()) + timedelta(days=7)
    with atomic():
        _, created, _ = series.create_series(
            None, room.id, series.Recurrence("weekly", monday, [0], count=3), time(9), time(10), BookingDetails("党课")
        )
    edit_page = client.get(f"/facilities/bookings/{created[1].id}/edit").get_data(as_text=True)
    assert 'value="党课"' in edit_page and "全部各次" in edit_page
    response = client.post(f"/facilities/bookings/{created[1].id}/edit", data={
        "room_id": room.id, "day": created[1].start_at.date().isoformat(), "start": "14:00", "end": "15:30",
        "title": "党课（下午）",
        "headcount": 30, "enterprise": "", "scope": "all", "version": 1,
    })  # fmt: skip
    assert response.status_code == 303
    db.session.expire_all()
    assert [(b.start_at.date(), b.start_at.time(), b.title) for b in created] == [
        (monday + timedelta(days=7 * i), time(14), "党课（下午）") for i in range(3)
    ]


def test_edit_into_a_taken_slot_is_a_409_and_changes_nothing(client, auth, room, day):
    auth.login("staff")
    book(room, day, "14:00", "15:00", title="企业沙龙")
    mine = book(room, day, "09:00", "10:00", title="党课")
    response = client.post(f"/facilities/bookings/{mine.id}/edit", data={
        "room_id": room.id, "day": day.isoformat(), "start": "14:30", "end": "15:30", "title": "党课改名", "headcount": 5,
        "enterprise": "",
        "scope": "this", "version": 1,
    })  # fmt: skip
    assert response.status_code == 409 and "企业沙龙" in response.get_data(as_text=True)
    db.session.expire_all()
    assert (mine.start_at.time(), mine.title) == (time(9), "党课")


def test_door_sign_is_an_a4_pdf_pointing_at_the_door_page(client, auth, room):
    auth.login("staff")
    response = client.get(f"/facilities/rooms/{room.id}/sign.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    settings = client.get(f"/facilities/rooms/{room.id}/edit").get_data(as_text=True)
    assert f"http://hub.example.cn/r/{room.id}" in settings and "<svg" in settings


def test_staff_add_a_shared_room_and_change_its_hours(client, auth):
    auth.login("staff")
    fields = {"name": "乒乓球室", "kind": "活动室", "capacity": 8, "booking_mode": "shared", "active": "y",
              "min_minutes": 30, "max_minutes": 120, "max_days_ahead": 14, "no_show_minutes": 10}  # fmt: skip
    response = client.post("/facilities/rooms/new", data=fields)
    assert response.status_code == 303
    room = db.session.scalar(select(Room).where(Room.name == "乒乓球室"))
    assert room.booking_mode == SHARED and len(room.opening_hours) == 7
    assert client.post("/facilities/rooms/new", data=fields).status_code == 422  # same name
    hours = {f"opens_{d}": "09:00" for d in range(7)} | {f"closes_{d}": "18:00" for d in range(7)}
    edit = {k: v for k, v in fields.items() if k != "booking_mode"} | hours | {"closed_6": "1", "version": 1}
    assert client.post(f"/facilities/rooms/{room.id}/edit", data=edit).status_code == 303
    db.session.expire_all()
    assert [h.weekday for h in room.opening_hours] == [0, 1, 2, 3, 4, 5]
    assert room.opening_hours[0].opens == time(9)
    bad = edit | {"opens_2": ""}
    response = client.post(f"/facilities/rooms/{room.id}/edit", data=bad)
    assert response.status_code == 422 and "请填写开放和关闭时间" in response.get_data(as_text=True)


def test_shortening_the_hours_or_deactivating_names_the_bookings_left_out(client, auth, room, day):
    book(room, day, "19:00", "20:00", title="合唱排练")
    book(room, day, "09:00", "10:00", title="党课")
    auth.login("staff")
    hours = {f"opens_{d}": "08:30" for d in range(7)} | {f"closes_{d}": "18:00" for d in range(7)}
    data = {"name": room.name, "kind": "活动室", "capacity": 40, "active": "y", "needs_approval": "y", "min_minutes": 30,
            "max_minutes": 480, "max_days_ahead": 90, "no_show_minutes": 15, "version": 1} | hours  # fmt: skip
    page = client.post(f"/facilities/rooms/{room.id}/edit", data=data, follow_redirects=True).get_data(as_text=True)
    assert "新的开放时间外还有1个预约" in page
    assert f"{day.month}月{day.day}日 19:00–20:00 合唱排练" in page and "党课" not in page
    deactivated = data | {"active": "", "version": 2}
    page = client.post(f"/facilities/rooms/{room.id}/edit", data=deactivated, follow_redirects=True).get_data(as_text=True)
    assert "停用的场地还有2个预约" in page and "党课" in page


def test_a_liaison_requests_a_room_and_withdraws_it_from_my_bookings(client, auth, users, room, day):
    auth.login("liaison")
    client.post("/book", data={
        "room_id": room.id, "day": day.isoformat(), "start": "14:00", "end": "15:00", "title": "税务政策宣讲",
        "headcount": 20, "enterprise_name": "税务分局", "contact_name": "联络员丁", "contact_phone": "13900005678",
    })  # fmt: skip
    booking = db.session.scalar(select(Booking).where(Booking.title == "税务政策宣讲"))
    assert booking.created_by_id == users["liaison"].id
    page = client.get("/facilities/mine").get_data(as_text=True)
    assert "税务政策宣讲" in page and "撤回" in page
    other = book(room, day, "09:00", "10:00", title="别人的", actor=users["staff"])
    client.post(f"/facilities/mine/{other.id}/withdraw")
    assert other.status == CONFIRMED
    assert client.post(f"/facilities/mine/{booking.id}/withdraw").status_code == 303
    db.session.expire_all()
    assert booking.status == "cancelled" and booking.status_reason == "预约人撤回"


def test_a_booking_moves_to_another_room_that_holds_it(client, auth, room, day):
    auth.login("staff")
    hall = make_room("党员组织生活教育馆", capacity=60)
    booking = book(hall, day, "09:00", "10:00", title="党课", headcount=30)
    data = {"room_id": room.id, "day": day.isoformat(), "start": "09:00", "end": "10:00", "title": "党课",
            "headcount": 30, "enterprise": "", "scope": "this", "version": 1}  # fmt: skip
    assert client.post(f"/facilities/bookings/{booking.id}/edit", data=data).status_code == 303
    db.session.expire_all()
    assert booking.room_id == room.id
    crowd = book(hall, day, "11:00", "12:00", title="大会", headcount=55)
    refused = client.post(f"/facilities/bookings/{crowd.id}/edit", data=data | {"start": "11:00", "end": "12:00",
                                                                               "title": "大会", "headcount": 55})  # fmt: skip
    assert refused.status_code == 422 and "最多容纳40人" in refused.get_data(as_text=True)


def test_a_group_that_shrinks_fits_a_smaller_room_in_one_edit(client, auth, room, day):
    auth.login("staff")
    hall = make_room("党员组织生活教育馆", capacity=60)
    booking = book(hall, day, "09:00", "10:00", title="党课", headcount=55)
    data = {"room_id": room.id, "day": day.isoformat(), "start": "09:00", "end": "10:00", "title": "党课",
            "headcount": 35, "enterprise": "", "scope": "this", "version": 1}  # fmt: skip
    assert client.post(f"/facilities/bookings/{booking.id}/edit", data=data).status_code == 303
    db.session.expire_all()
    assert (booking.room_id, booking.headcount) == (room.id, 35)
    back = data | {"room_id": hall.id, "headcount": 58, "version": 2}
    assert client.post(f"/facilities/bookings/{booking.id}/edit", data=back).status_code == 303
    db.session.expire_all()
    assert (booking.room_id, booking.headcount) == (hall.id, 58)


def test_a_room_photo_is_re_encoded_and_shown_on_the_door_page(app, client, auth, room, tmp_path):
    from PIL import Image

    app.config["FACILITIES_PHOTO_DIR"] = str(tmp_path)
    auth.login("staff")
    upload = io.BytesIO()
    Image.new("RGB", (3000, 2000), (200, 30, 30)).save(upload, "PNG")
    upload.seek(0)
    response = client.post(f"/facilities/rooms/{room.id}/photo", data={"photo": (upload, "活动室.png")},
                           content_type="multipart/form-data")  # fmt: skip
    assert response.status_code == 303
    db.session.expire_all()
    assert room.photo.endswith(".jpg") and (tmp_path / room.photo).exists()
    photo = client.get(f"/r/{room.id}/photo.jpg")
    assert photo.status_code == 200 and photo.mimetype == "image/jpeg"
    assert max(Image.open(io.BytesIO(photo.data)).size) == 1600
    assert f"/r/{room.id}/photo.jpg" in client.get(f"/r/{room.id}").get_data(as_text=True)
    fake = client.post(f"/facilities/rooms/{room.id}/photo", data={"photo": (io.BytesIO(b"<script>"), "x.png")},
                       content_type="multipart/form-data", follow_redirects=True)  # fmt: skip
    assert "无法识别的图片" in fake.get_data(as_text=True)
    client.post(f"/facilities/rooms/{room.id}/photo/delete")
    assert client.get(f"/r/{room.id}/photo.jpg").status_code == 404


@pytest.mark.parametrize("path", ["/facilities/?date=9999-12-31", "/facilities/rooms/{room}/week?date=0001-01-01",
                                  "/facilities/rooms/{room}/week?date=9999-12-31"])  # fmt: skip
def test_a_date_off_the_calendar_is_a_400_with_a_message(client, auth, room, path):
    auth.login("staff")
    response = client.get(path.format(room=room.id))
    assert response.status_code == 400 and "日期超出范围" in response.get_data(as_text=True)


def test_a_booking_or_closure_far_off_the_calendar_is_refused_next_to_the_field(client, auth, room):
    auth.login("staff")
    response = client.post("/facilities/bookings/new", data=form(room, date(9999, 12, 31), "10:00", "09:00"))
    assert response.status_code == 422 and "日期超出范围" in response.get_data(as_text=True)
    response = client.post("/facilities/closures", data={"room_id": 0, "start_date": "2026-12-01",
                                                          "end_date": "9999-12-31", "reason": "装修"})  # fmt: skip
    assert response.status_code == 422 and "日期超出范围" in response.get_data(as_text=True)
    assert count() == 0 and db.session.scalar(select(func.count(Closure.id))) == 0


def test_a_tampered_series_date_is_a_422_not_a_500(client, auth, room):
    auth.login("staff")
    monday = schedule.week_of(clock.today()) + timedelta(days=7)
    data = form(room, monday, "18:30", "20:00", repeat="weekly", weekdays=["0"], count=2, confirm="1", chosen=["x"])
    response = client.post("/facilities/bookings/new", data=data)
    assert response.status_code == 422 and "请至少选择一个日期" in response.get_data(as_text=True)
    assert count() == 0


def test_a_room_capacity_beyond_any_hall_is_refused(client, auth, room):
    auth.login("staff")
    hours = {f"opens_{d}": "08:30" for d in range(7)} | {f"closes_{d}": "21:00" for d in range(7)}
    data = {"name": room.name, "kind": "活动室", "capacity": 10**11, "active": "y", "min_minutes": 30,
            "max_minutes": 480, "max_days_ahead": 90, "no_show_minutes": 15} | hours  # fmt: skip
    response = client.post(f"/facilities/rooms/{room.id}/edit", data=data)
    assert response.status_code == 422 and "容量应在1到10000人之间" in response.get_data(as_text=True)
    db.session.expire_all()
    assert room.capacity == 40


def test_a_calendar_feed_address_is_made_when_asked_for_not_when_a_page_is_read(client, auth, users, room):
    from hubapp.blueprints.facilities.models import CalendarToken

    auth.login("staff")
    first = client.get("/facilities/mine").get_data(as_text=True)
    assert "生成订阅地址" in first and "fac-feed-url" not in first
    assert client.get(f"/facilities/rooms/{room.id}/edit").status_code == 200
    assert db.session.scalar(select(func.count(CalendarToken.id))) == 0  # reading made none
    made = client.post("/facilities/mine/feed/renew", follow_redirects=True).get_data(as_text=True)
    assert "已生成订阅地址" in made and "/facilities/me/calendar.ics?token=" in made
    token = db.session.scalar(select(CalendarToken.token).where(CalendarToken.user_id == users["staff"].id))
    assert client.get(f"/facilities/me/calendar.ics?token={token}").status_code == 200
    renewed = client.post("/facilities/mine/feed/renew", follow_redirects=True).get_data(as_text=True)
    assert "已更换订阅地址" in renewed and token not in renewed
    assert client.get(f"/facilities/me/calendar.ics?token={token}").status_code == 404


@pytest.mark.parametrize("minutes", [10, 15, 30, 45])
def test_the_door_sign_breaks_its_lines_between_words(client, auth, minutes):
    room = make_room("党群服务中心多功能报告厅政策宣讲室", no_show_minutes=minutes)
    auth.login("staff")
    data = client.get(f"/facilities/rooms/{room.id}/sign.pdf").data
    vocabulary = ["党群", "服务", "中心", "多功能", "报告厅", "政策", "宣讲室", "预约", "到场", "扫码", "输入", "手机号", "四位", "即可", "签到", "分钟", "爽约"]
    assert pdfmeasure.broken_words(data, vocabulary) == []


def test_the_centre_phone_is_shown_after_a_room_request(app, client, room, day):
    app.config["CENTRE_PHONE"] = "0631-5288001"
    response = client.post("/book", data={
        "room_id": room.id, "day": day.isoformat(), "start": "14:00", "end": "16:00", "title": "季度培训",
        "headcount": 20, "enterprise_name": "威海某某科技有限公司", "contact_name": "刘经理", "contact_phone": "13912345678",
    })  # fmt: skip
    page = response.get_data(as_text=True)
    assert "等待审核" in page and '<a href="tel:0631-5288001">0631-5288001</a>' in page


def test_a_part_booked_gym_slot_is_announced_with_the_places_left(client, auth, day):
    gym = make_room("健身房", SHARED, capacity=20, needs_approval=False)
    book(gym, day, "18:00", "19:00", headcount=3)
    auth.login("staff")
    page = client.get(f"/facilities/rooms/{gym.id}/week?date={day.isoformat()}").get_data(as_text=True)
    slot = f"{weekday(day)} 18:00"
    assert f"{slot} 已约3人，还可预约17人，新建预约" in page and f"{slot} 空闲" not in page


def test_a_series_whose_weekdays_miss_its_start_date_is_refused_at_the_weekdays(client, auth, room):
    auth.login("staff")
    monday = schedule.week_of(clock.today()) + timedelta(days=7)
    data = form(room, monday, "18:30", "20:00", title="书法课", repeat="weekly", interval=1, weekdays=["2"], count=3)
    response = client.post("/facilities/bookings/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="weekdays-error"' in page and f"开始日期{monday.month}月{monday.day}日是周一" in page
    assert 'value="书法课"' in page
    assert count() == 0


def test_the_booking_form_starts_on_the_weekday_of_the_chosen_date(client, auth, room):
    auth.login("staff")
    thursday = schedule.week_of(clock.today()) + timedelta(days=10)
    page = client.get(f"/facilities/bookings/new?date={thursday.isoformat()}").get_data(as_text=True)
    ticked = [re.search(r'value="(\d)"', box).group(1) for box in re.findall(r'<input[^>]*name="weekdays"[^>]*>', page) if "checked" in box]
    assert ticked == ["3"], "周四 is ticked, and only it"


def test_an_existing_booking_is_turned_into_a_weekly_series_from_its_page(client, auth, room):
    auth.login("staff")
    monday = schedule.week_of(clock.today()) + timedelta(days=7)
    first = book(room, monday, "18:30", "20:00", title="书法课")
    detail = client.get(f"/facilities/bookings/{first.id}").get_data(as_text=True)
    assert f"/facilities/bookings/{first.id}/repeat" in detail
    page = client.get(f"/facilities/bookings/{first.id}/repeat").get_data(as_text=True)
    assert "“书法课”" in page and "本次预约保留不变" in page
    refused = client.post(f"/facilities/bookings/{first.id}/repeat", data={"repeat": "weekly", "weekdays": ["0"], "interval": 1})
    assert refused.status_code == 422 and "请填写结束日期或重复次数" in refused.get_data(as_text=True)
    done = client.post(f"/facilities/bookings/{first.id}/repeat", data={"repeat": "weekly", "weekdays": ["0"], "interval": 1, "count": 3})
    assert done.status_code == 303 and "/facilities/series/" in done.headers["Location"]
    assert count(title="书法课") == 3
    assert "已将“书法课”设为重复预约，另预约了2次" in client.get(done.headers["Location"]).get_data(as_text=True)
    again = client.get(f"/facilities/bookings/{first.id}/repeat")
    assert again.status_code == 303
