"""The door pages are used standing at a door with a phone: at 390 px nothing scrolls sideways and
every button and field is at least 44 px tall, so a thumb hits it first time."""

from datetime import datetime, time, timedelta

from factories import facilities
from factories import sessions as make
from factories.sessions import phone
from playwright.sync_api import expect

from hubapp import clock
from tests.conftest import PASSWORD

#: The smallest touch target WCAG 2.5.5 and the platform guidelines accept, in CSS pixels.
TOUCH = 44

SMALL_TARGETS = """() => [...document.querySelectorAll('main button, main input:not([type=hidden]), main select, main .door-links a')]
  .filter(e => e.offsetParent !== null)
  .map(e => ({what: e.outerHTML.slice(0, 80), height: e.getBoundingClientRect().height}))
  .filter(e => e.height < 44)"""


def assert_phone_sized(page, name):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, f"{name} scrolls sideways"
    assert page.evaluate(SMALL_TARGETS) == [], f"{name} has targets under {TOUCH} px"


def log_in(page, url):
    page.goto(f"{url}/login")
    page.get_by_label("用户名").fill("staff")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_the_room_door_page_fits_a_phone(app, users, live_server, phone_page):
    room = facilities.room("党员组织生活教育馆", opens=time(0), closes=time(0))
    # Under way from the next minute, so that the door is open; a booking does not run past
    # midnight, so in the last quarter hour before it the booking starts just after.
    start = clock.now().replace(second=0) + timedelta(minutes=1)
    end = min(start + timedelta(minutes=50), datetime.combine(start.date(), time(23, 59)))
    if end - start < timedelta(minutes=15):
        start = datetime.combine(start.date() + timedelta(days=1), time(0, 5))
        end = start + timedelta(minutes=50)
    facilities.booking(room, start.date(), start.strftime("%H:%M"), end.strftime("%H:%M"),
                       title="威海蓝创软件有限公司主题党日活动", contact_phone="13806310001")  # fmt: skip
    room_id = room.id
    server = live_server(workers=1)

    phone_page.goto(f"{server.url}/r/{room_id}")
    expect(phone_page.get_by_role("button", name="我已到场，签到")).to_be_visible()
    assert_phone_sized(phone_page, "room-door")


def test_the_session_door_pages_fit_a_phone(app, users, live_server, phone_page):
    session = make.session(make.hall(opens=time(0), closes=time(0)), capacity=30, **make.door_open_now())
    registration = make.registration(session, phone(7), name="刘洋", enterprise="威海蓝创软件有限公司")
    session_id, token = session.id, registration.token
    server = live_server(workers=1)

    log_in(phone_page, server.url)
    phone_page.goto(f"{server.url}/sessions/{session_id}/checkin")
    expect(phone_page.get_by_role("button", name="登记并签到")).to_be_visible()
    assert_phone_sized(phone_page, "session-door")

    phone_page.goto(f"{server.url}/sessions/{session_id}/checkin/{token}")
    phone_page.get_by_role("button", name="确认签到").click()
    expect(phone_page.get_by_text("刘洋（威海蓝创软件有限公司）签到成功")).to_be_visible()
    assert_phone_sized(phone_page, "session-door-scanned")


#: What a thumb taps on the public pages: links standing in lists or alone, phone links, tick boxes
#: (measured by their label, which is what takes the tap).
PUBLIC_TARGETS = """() => [...document.querySelectorAll('main li > a, main p > a:only-child, main a[href^="tel:"], main input[type=checkbox], main input[type=radio]')]
  .filter(e => e.offsetParent !== null)
  .map(e => e.closest('label') || e)
  .map(e => ({what: e.outerHTML.slice(0, 80), height: e.getBoundingClientRect().height}))
  .filter(e => e.height < 44)"""


def test_the_public_pages_give_every_list_link_and_tick_box_a_thumbs_height(demo, live_server, phone_page):
    server = live_server()
    for path in ("/e/", "/s/", "/g/", "/g/qy-bg", "/book", "/e/mine"):
        phone_page.goto(server.url + path)
        assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390, f"{path} scrolls sideways"
        assert phone_page.evaluate(PUBLIC_TARGETS) == [], f"{path} has targets under {TOUCH} px"
