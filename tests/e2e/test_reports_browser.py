"""The dashboard in a browser: it fits a desktop and a phone without sideways scrolling, choosing a
period swaps the overview in place (htmx), and a figure opens the list it counts."""

import re

from factories import directory
from test_meetings_browser import log_in

from hubapp import clock
from hubapp.blueprints.demands import moves
from hubapp.blueprints.demands.moves import DemandDraft
from hubapp.database import atomic


def _demands(users, count: int) -> None:
    firm = directory.enterprise()
    with atomic():
        for n in range(count):
            moves.create_demand(users["staff"], DemandDraft(
                enterprise_id=firm.id, kind="problem", title=f"看板测试诉求{n}", description="测试。",
                contact_name="王先生", contact_mobile="13985263751", source="phone", received_on=clock.today(),
            ))  # fmt: skip


def test_the_dashboard_fits_both_screens_and_a_figure_opens_its_list(users, live_server, page, phone_page):
    _demands(users, 3)
    server = live_server(workers=1)
    for shown, width in ((page, 1366), (phone_page, 390)):
        log_in(shown, server, "staff")
        shown.goto(server.url + "/reports/")
        shown.locator("h1:has-text('工作概览')").wait_for()
        assert shown.evaluate("document.documentElement.scrollWidth") <= width
        assert shown.locator("svg.chart").count() == 2
    month = f"{clock.today().year}年{clock.today().month}月"
    page.click("a:has-text('月度')")
    page.locator(f"h1:has-text('{month}')").wait_for()
    page.select_option("select[name=period]", index=1)  # the month before, swapped in by htmx
    page.locator("h1:has-text('工作概览')").filter(has_not_text=month).wait_for()
    assert re.search(r"period=\d{4}-\d{2}$", page.url)
    page.goto(server.url + "/reports/")
    page.click("a.figure:has-text('收集诉求')")
    page.locator("text=看板测试诉求0").wait_for()
    assert page.locator("table.demands tbody tr").count() == 3
