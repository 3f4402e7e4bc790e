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


def test_a_briefing_is_written_edited_issued_and_a_mistaken_one_deleted(users, live_server, page):
    server = live_server(workers=1)
    log_in(page, server, "staff")
    page.goto(server.url + "/reports/briefings/")
    page.click("a:has-text('编写简报')")
    page.click("button:has-text('生成简报')")  # the current month, chosen by default
    page.locator("text=请核对正文后印发").wait_for()
    issue = f"{clock.today().year}年第1期"
    assert page.locator("h1").inner_text() == f"工作简报 {issue}"
    page.fill("textarea[name=text]", "一、本月工作\n本月中心走访企业，逐一登记诉求。")
    page.click("button:has-text('保存正文')")
    page.locator("text=正文已保存。").wait_for()
    page.click("button:has-text('印发')")
    page.locator("text=已印发（第1次）").wait_for()
    kept = page.request.get(server.url + page.get_attribute("a:has-text('下载印发稿')", "href"))
    assert kept.status == 200 and kept.body().startswith(b"%PDF")
    # Issued: it stays. A second one made by mistake goes, after the confirmation (accepted by the fixture).
    assert page.locator("button:has-text('删除本期')").count() == 0
    page.goto(server.url + "/reports/briefings/new")
    page.click("button:has-text('生成简报')")
    page.locator("text=请核对正文后印发").wait_for()
    page.click("button:has-text('删除本期')")
    page.locator(f"text=已删除工作简报{clock.today().year}年第2期。").wait_for()
    assert page.url == server.url + "/reports/briefings/"
    page.reload()
    listing = page.locator("main").inner_text()
    assert issue in listing and "第2期" not in listing
