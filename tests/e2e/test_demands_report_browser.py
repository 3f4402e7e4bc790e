"""The monthly 通报's preview on a phone: the month is chosen, the tables scroll inside their card
and the page itself never scrolls sideways."""

from test_meetings_browser import log_in

from hubapp import clock
from hubapp.extensions import db
from tests.test_demands_services import firms, transferred  # noqa: F401  (fixture)


def test_the_bulletin_preview_fits_a_phone(users, firms, live_server, phone_page):
    transferred(users, firms, title="出口退税进度")
    db.session.commit()
    server = live_server(workers=1)
    log_in(phone_page, server, "staff")
    phone_page.goto(server.url + "/demands/report")
    phone_page.fill("input[name=month]", f"{clock.today():%Y-%m}")
    phone_page.click("button:has-text('预览')")
    phone_page.locator(f"text=（{clock.today().year}年{clock.today().month}月）").wait_for()
    assert "出口退税进度" not in phone_page.inner_text("body")  # not overdue yet: not named
    assert phone_page.locator("svg.chart").count() == 2
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
