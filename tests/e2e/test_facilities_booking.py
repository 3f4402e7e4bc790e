"""A member of staff books a room from the week view, sees it appear without a reload, and
cancels it again; a grid worker reads their bookings on a phone."""

from datetime import timedelta

from factories import facilities as make

from hubapp import clock
from hubapp.blueprints.facilities.models import PENDING
from hubapp.extensions import db


def test_book_from_the_week_view_then_cancel(app, users, live_server, page):
    room_id = make.room("文化活动室").id
    db.session.rollback()
    server = live_server(workers=2)
    day = clock.today() + timedelta(days=7)

    page.goto(server.url + "/login")
    page.fill("input[name=username]", "staff")
    page.fill("input[name=password]", "pass-word-1")
    page.click("button[type=submit]")
    page.goto(f"{server.url}/facilities/rooms/{room_id}/week?date={day.isoformat()}")
    page.evaluate("window.notReloaded = true")

    page.click(f"a.wk-cell[data-slot='{day.isoformat()}T10:00']")
    page.wait_for_selector("#booking-panel form")
    assert page.input_value("#start") == "10:00"
    page.fill("#title", "企业读书沙龙")
    page.fill("#headcount", "12")
    page.click("#booking-panel button.primary")

    booking = page.locator("a.wk-booking", has_text="企业读书沙龙")
    booking.wait_for()
    assert "10:00" in booking.inner_text()
    assert page.evaluate("window.notReloaded") is True
    assert "已预约" in page.inner_text("#booking-panel")

    # The panel already shows this booking (the answer to the save): wait for the click's own
    # answer, or the form filled below could be replaced under the test's hands.
    with page.expect_response(lambda r: r.request.method == "GET" and "/facilities/bookings/" in r.url):
        booking.click()
    page.locator("#booking-panel .flash-success").wait_for(state="detached")
    page.fill("#booking-panel form.fac-reason input[name=reason]", "活动改期")
    page.click("#booking-panel form.fac-reason button.danger")  # the confirm dialog is accepted
    page.locator("#booking-panel", has_text="已取消").wait_for()
    page.locator("a.wk-booking", has_text="企业读书沙龙").wait_for(state="detached")
    assert page.evaluate("window.notReloaded") is True


def test_my_bookings_fit_a_phone(app, users, live_server, phone_page):
    hall = make.room("党员组织生活教育馆", capacity=60, kind="教育馆")
    day = clock.today() + timedelta(days=3)
    make.booking(hall, day, "14:00", "15:30", title="网格议事会", actor=users["grid_worker"], headcount=15,
                 contact_name="李网格", contact_phone="13911112222", status=PENDING, source="public")  # fmt: skip
    db.session.rollback()
    server = live_server(workers=1)

    phone_page.goto(server.url + "/login")
    phone_page.fill("input[name=username]", "grid_worker")
    phone_page.fill("input[name=password]", "pass-word-1")
    phone_page.click("button[type=submit]")
    phone_page.goto(server.url + "/facilities/mine")
    assert "网格议事会" in phone_page.inner_text("table")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    withdraw = phone_page.locator("button", has_text="撤回").bounding_box()
    assert withdraw["x"] + withdraw["width"] <= 390 and withdraw["height"] < 50  # one line, on screen


def test_the_repeat_weekday_follows_the_date_chosen(app, users, live_server, page):
    make.room("文化活动室")
    db.session.rollback()
    server = live_server(workers=1)
    monday = clock.today() - timedelta(days=clock.today().weekday()) + timedelta(days=14)

    page.goto(server.url + "/login")
    page.fill("input[name=username]", "staff")
    page.fill("input[name=password]", "pass-word-1")
    page.click("button[type=submit]")
    page.goto(f"{server.url}/facilities/bookings/new?date={monday.isoformat()}")
    page.get_by_text("重复预约（每周课程、每月主题活动）").click()
    ticked = "[...document.querySelectorAll('input[name=weekdays]:checked')].map(box => box.value)"
    assert page.evaluate(ticked) == ["0"]
    page.fill("#day", (monday + timedelta(days=3)).isoformat())
    page.dispatch_event("#day", "change")
    assert page.evaluate(ticked) == ["3"], "周四 follows the date"
    page.check("#weekdays-5")
    page.fill("#day", (monday + timedelta(days=1)).isoformat())
    page.dispatch_event("#day", "change")
    assert page.evaluate(ticked) == ["3", "5"], "a rule chosen by hand is left as it is"
