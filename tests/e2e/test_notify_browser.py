"""The waitlist told by SMS: an enterprise on a phone signs up for a full session and is put on the
waitlist; a confirmed attendee cancels on their own page; the sender runs, the fake SMS gateway
receives the promotion text, and its link opens the enterprise's registration, now confirmed."""

import re
from datetime import timedelta

import pytest
from factories import sessions as make
from factories.sessions import phone
from fake_gateways import FakeGateway
from playwright.sync_api import expect

from hubapp import clock
from hubapp.blueprints.notify.sender import Sender


@pytest.fixture
def gateway(app):
    with FakeGateway() as server:
        server.default_answer = {"code": "0", "msg": "ok"}
        app.config.update(NOTIFY_SMS_SEND=True, NOTIFY_SMS_URL=server.url("/sms/send"))
        yield server


def test_a_waitlisted_enterprise_is_promoted_by_sms_and_its_link_shows_the_seat(
    app, live_server, phone_page, gateway
):
    session = make.session(make.hall(), capacity=1)
    session_id = session.id
    seated = make.registration(session, phone(1), name="刘洋", enterprise="威海蓝创软件有限公司")
    seated_link = f"/s/{session_id}/r/{seated.token}"
    server = live_server(workers=2)

    phone_page.goto(f"{server.url}/s/{session_id}")
    phone_page.get_by_label("企业名称").fill("威海鸿锐金属制品有限公司")
    phone_page.get_by_label("参会人姓名").fill("王敏")
    phone_page.get_by_label("手机号码").fill("13806310001")
    phone_page.get_by_role("button", name="报名候补").click()  # the page says the session is full
    expect(phone_page.get_by_text("名额已满，您在候补名单第 1 位")).to_be_visible()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390, "no sideways scrolling"

    phone_page.goto(server.url + seated_link)
    phone_page.get_by_label("我确认取消本次报名").check()
    phone_page.get_by_role("button", name="取消报名").click()
    expect(phone_page.get_by_text("您的报名已取消。感谢告知，名额将顺延给候补的企业。")).to_be_visible()

    # Past any quiet hours: the SMS queued now may wait for 08:00.
    Sender(now=lambda: clock.now() + timedelta(hours=12)).send_due()
    promoted = [sms for sms in gateway.received if sms["mobile"] == "13806310001" and "由候补转为报名成功" in sms["content"]]
    assert len(promoted) == 1, gateway.received
    text = promoted[0]["content"]
    assert text.startswith("【蓝色创业谷党群服务中心】“")
    link = re.search(r"http://127\.0\.0\.1:\d+/s/\d+/r/\S+", text).group(0)

    phone_page.goto(link)
    expect(phone_page.get_by_text("王敏，您已报名成功。")).to_be_visible()
    expect(phone_page.locator("dd", has_text="已报名")).to_be_visible()
