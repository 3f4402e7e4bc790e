"""A refused save on a phone: the reason is on screen and the cursor is in the field to correct,
not somewhere above the fold with the page scrolled back to its top."""

from datetime import date, time, timedelta

from factories import facilities
from playwright.sync_api import expect

from hubapp import clock

IN_VIEW = """e => { const r = e.getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight; }"""


def test_a_booking_clash_puts_the_start_field_in_view_with_focus(app, users, live_server, phone_page, page_watch):
    room = facilities.room("文化活动室", opens=time(8, 30), closes=time(21, 0))
    day: date = clock.today() + timedelta(days=3)
    facilities.booking(room, day, "14:00", "16:00", title="书法兴趣课")
    # Read before the server starts: a read here later would open a transaction holding SQLite's write lock.
    room_id = room.id
    server = live_server(workers=1)

    phone_page.goto(f"{server.url}/book?room_id={room_id}")
    phone_page.get_by_label("日期").fill(day.isoformat())
    phone_page.get_by_label("开始时间").fill("15:00")
    phone_page.get_by_label("结束时间").fill("17:00")
    phone_page.get_by_label("活动名称").fill("公司季度培训")
    phone_page.get_by_label("单位名称").fill("威海鸿锐金属制品有限公司")
    phone_page.get_by_label("联系人").fill("杨经理")
    phone_page.get_by_label("手机号").fill("13985263751")
    page_watch.allow("status of 409")  # the clash comes back as 409, on purpose
    phone_page.get_by_role("button", name="提交申请").click()

    message = phone_page.get_by_role("alert")
    expect(message).to_contain_text("已被“书法兴趣课”")
    expect(message).to_be_focused()
    assert message.evaluate(IN_VIEW), "the reason is on screen, not above the fold"
    expect(phone_page.get_by_label("活动名称")).to_have_value("公司季度培训")


def test_a_field_in_error_gets_the_focus(app, users, live_server, phone_page, page_watch):
    room_id = facilities.room("文化活动室").id
    server = live_server(workers=1)

    phone_page.goto(f"{server.url}/book?room_id={room_id}")
    phone_page.get_by_label("活动名称").fill("公司季度培训")
    page_watch.allow("status of 422")
    phone_page.get_by_role("button", name="提交申请").click()

    day = phone_page.get_by_label("日期")
    expect(day).to_be_focused()
    expect(day).to_have_attribute("aria-invalid", "true")
    expect(day).to_have_attribute("aria-describedby", "day-error")
    assert phone_page.locator("#day-error").evaluate(IN_VIEW)
    expect(phone_page.get_by_label("活动名称")).to_have_value("公司季度培训")


def test_the_skip_link_is_the_first_stop_and_leads_to_the_content(app, users, live_server, page):
    room_id = facilities.room("文化活动室").id
    server = live_server(workers=1)

    page.goto(f"{server.url}/r/{room_id}")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="跳到主要内容")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_a_demand_without_its_kind_puts_the_cursor_on_the_first_kind(app, users, live_server, phone_page, page_watch):
    server = live_server(workers=1)

    phone_page.goto(f"{server.url}/e/demands/new")
    phone_page.get_by_label("需要解决什么问题").fill("厂区门口路灯损坏，夜间下班不安全。")
    page_watch.allow("status of 422")
    phone_page.get_by_role("button", name="提交").click()

    kinds = phone_page.get_by_role("radiogroup")
    expect(kinds).to_have_attribute("aria-invalid", "true")
    expect(kinds.get_by_role("radio").first).to_be_focused()
    assert phone_page.locator("#kind-error").evaluate(IN_VIEW)
    expect(phone_page.get_by_label("需要解决什么问题")).to_have_value("厂区门口路灯损坏，夜间下班不安全。")
