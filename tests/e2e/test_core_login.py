import re
from datetime import timedelta

from conftest import PASSWORD

from hubapp import clock
from hubapp.blueprints.meetings.models import Meeting
from hubapp.extensions import db


def test_log_in_see_the_home_page_and_log_out(users, live_server, page):
    server = live_server(workers=1)
    page.goto(server.url + "/")
    assert page.url.startswith(server.url + "/login")
    page.fill("input[name=username]", "staff")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(server.url + "/")
    assert page.locator("h1").inner_text().startswith("20")
    assert "工作人员乙" in page.locator(".account").inner_text()
    page.click("text=退出")
    page.wait_for_url(server.url + "/login")
    assert "您已退出登录" in page.content()


def test_wrong_password_shows_the_message_next_to_the_field(users, live_server, page, page_watch):
    page_watch.allow("status of 401")
    server = live_server(workers=1)
    page.goto(server.url + "/login")
    page.fill("input[name=username]", "staff")
    page.fill("input[name=password]", "wrong-one")
    page.click("button[type=submit]")
    error = page.locator(".field.has-error .error")
    assert "用户名或密码不正确" in error.inner_text()
    assert page.input_value("input[name=username]") == "staff"


def test_a_second_click_while_the_form_is_posting_sends_nothing(users, live_server, page):
    """An impatient second click on a slow page must not create a second meeting."""
    server = live_server(workers=2)
    page.goto(server.url + "/login")
    page.fill("input[name=username]", "staff")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(server.url + "/")
    page.goto(server.url + "/meetings/new")
    page.select_option("select[name=room_id]", "0")
    page.fill("input[name=place]", "管委会三楼会议室")
    page.fill("input[name=theme]", "企业用工与社会保险政策")
    page.fill("input[name=day]", (clock.today() + timedelta(days=3)).isoformat())
    page.fill("input[name=start_time]", "09:00")
    page.fill("input[name=end_time]", "10:00")
    page.fill("input[name=chair_name]", "刘志强")
    # Hold the POSTs, as a slow server would, while the user clicks a second time.
    held = []
    page.route(re.compile(r".*/meetings/new$"), lambda route: held.append(route) if route.request.method == "POST" else route.continue_())
    # The mouse itself, as Playwright's click() would wait for the pending navigation; a user does not.
    box = page.locator("button:has-text('保存')").bounding_box()
    page.mouse.click(box["x"] + 5, box["y"] + 5)
    page.wait_for_timeout(300)
    page.mouse.click(box["x"] + 5, box["y"] + 5)
    page.wait_for_timeout(300)
    assert len(held) == 1
    held[0].continue_()
    page.wait_for_url(re.compile(r".*/meetings/\d+$"))
    db.session.rollback()
    assert db.session.query(Meeting).count() == 1
