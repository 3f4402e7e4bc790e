"""The visit ledger (走访台账) staff read: coverage per grid for a month or any range of days, the
enterprises not yet visited, the visits filtered by grid and topic and paginated, the Excel export,
bad months, bad days and unknown grids, and that grid workers and liaisons cannot read it."""

import io
from datetime import timedelta
from urllib.parse import quote

import pytest
from factories import demands, directory
from factories.accounts import account
from openpyxl import load_workbook

from hubapp import clock
from hubapp.blueprints.demands import visits
from hubapp.extensions import db
from hubapp.params import shift_month
from tests.test_demands_services import raise_demand

HTMX = {"HX-Request": "true"}


def month_text(month) -> str:
    return f"{month:%Y-%m}"


@pytest.fixture
def ledger(users):
    """Grid 1 (the test grid worker's) with three enterprises, grid 2 with two and its own grid
    worker; visits last month to two of grid 1's (one of them twice) and to both of grid 2's, and
    one visit two months ago to grid 1's third enterprise."""
    worker1 = users["grid_worker"]
    grid1 = worker1.grids[0]
    grid2 = directory.grid(2, "二号网格")
    names = [("威海汇科工控技术有限公司", "汇科工控", grid1), ("威海蓝海新材料有限公司", "蓝海新材料", grid1),
             ("威海星海电子科技有限公司", "星海电子科技", grid1), ("威海鸿锐金属制品有限公司", "鸿锐金属", grid2),
             ("威海海纳数据有限公司", "海纳数据", grid2)]  # fmt: skip
    firms = {short: directory.enterprise(name, short, grid_id=grid.id) for name, short, grid in names}
    worker2 = account("grid_two", "grid_worker", name="网格员戊", grids=[grid2])
    month = shift_month(clock.today().replace(day=1), -1)
    earlier = shift_month(month, -1)
    planned = [
        (worker1, "汇科工控", month + timedelta(days=2), ["party", "industry"], "宣传技改贴息政策。"),
        (worker1, "汇科工控", month + timedelta(days=20), ["safety"], "复查消防通道。"),
        (worker1, "蓝海新材料", month + timedelta(days=5), ["government"], "企业咨询高企认定。"),
        (worker1, "星海电子科技", earlier + timedelta(days=3), ["industry"], "上上月走访。"),
        (worker2, "鸿锐金属", month + timedelta(days=4), ["industry", "safety"], "企业招聘技能工人。"),
        (worker2, "海纳数据", month + timedelta(days=9), ["party"], "指导党支部换届。"),
    ]
    made = {}
    for worker, short, day, topics, notes in planned:
        made[notes] = demands.visit(worker, firms[short], day, topics, notes, at=clock.now())
    return {"month": month, "earlier": earlier, "grid1": grid1, "grid2": grid2, "firms": firms,
            "worker2": worker2, "visits": made}  # fmt: skip


def test_coverage_counts_each_enterprise_once_and_only_in_its_month(ledger):
    rows = {row.grid.number: row for row in visits.visit_coverage(ledger["month"])}
    one, two = rows[1], rows[2]
    assert (one.visited_count, one.total, one.percent, one.full) == (2, 3, 66, False)
    assert [e.short_name for e in one.missing] == ["星海电子科技"]  # visited, but the month before
    assert (two.visited_count, two.total, two.percent, two.full) == (2, 2, 100, True)
    assert [u.display_name for u in one.workers] == ["网格员丙"] and [u.display_name for u in two.workers] == ["网格员戊"]
    assert visits.coverage_totals(ledger["month"]) == (4, 5)
    earlier = {row.grid.number: row for row in visits.visit_coverage(ledger["earlier"])}
    assert earlier[1].visited_count == 1 and earlier[2].visited_count == 0


def test_the_ledger_page_shows_coverage_and_the_names_not_yet_visited(auth, client, ledger):
    auth.login("staff")
    month = ledger["month"]
    page = client.get(f"/demands/visits?month={month_text(month)}").get_data(as_text=True)
    assert f"网格走访台账 · {month.year}年{month.month}月" in page
    assert "走访覆盖 4/5 家企业" in page and "1 个网格尚未全覆盖" in page
    assert '<tr class="under">' in page and '<tr class="full">' in page
    assert "66%" in page and "100%" in page and "星海电子科技" in page and "网格员戊" in page
    # The visits: newest first, with the grid, the grid worker, the topics and the notes.
    assert page.index("复查消防通道。") < page.index("指导党支部换届。") < page.index("宣传技改贴息政策。")
    assert "上上月走访。" not in page and f"{month.year}年{month.month}月21日" in page and "安全生产" in page
    previous = shift_month(month, -1)
    assert f'href="/demands/visits?month={month_text(previous)}">← {previous.year}年{previous.month}月' in page


def test_this_month_is_the_default_and_an_empty_month_says_so(auth, client, ledger):
    auth.login("staff")
    today = clock.today()
    page = client.get("/demands/visits").get_data(as_text=True)
    assert f"{today.year}年{today.month}月" in page and "本月走访覆盖 0/5 家企业" in page
    assert "还没有走访记录。" in page and "复查消防通道。" not in page


def test_a_visit_links_to_the_demands_raised_from_it(auth, client, users, ledger):
    visit = ledger["visits"]["宣传技改贴息政策。"]
    demand = raise_demand(users, ledger["firms"]["汇科工控"], who="grid_worker", title="技改项目贴息申报指导",
                          received_on=visit.visited_on, visit_id=visit.id)  # fmt: skip
    auth.login("staff")
    page = client.get(f"/demands/visits?month={month_text(ledger['month'])}").get_data(as_text=True)
    assert f'href="/demands/{demand.id}">{demand.number}</a> 技改项目贴息申报指导' in page


def test_the_visits_filter_by_grid_and_topic(auth, client, ledger):
    auth.login("staff")
    base = f"/demands/visits?month={month_text(ledger['month'])}"
    grid2 = client.get(f"{base}&grid={ledger['grid2'].id}", headers=HTMX)
    body = grid2.get_data(as_text=True)
    assert "企业招聘技能工人。" in body and "指导党支部换届。" in body and "复查消防通道。" not in body
    assert "各网格走访覆盖" not in body  # htmx gets the rows only
    safety = client.get(f"{base}&topic=safety").get_data(as_text=True)
    assert "复查消防通道。" in safety and "企业招聘技能工人。" in safety and "宣传技改贴息政策。" not in safety
    both = client.get(f"{base}&topic=party&grid={ledger['grid1'].id}").get_data(as_text=True)
    assert "宣传技改贴息政策。" in both and "指导党支部换届。" not in both
    first_topic = client.get(f"{base}&topic=safety&grid={ledger['grid1'].id}&topic=government", headers=HTMX)
    assert "复查消防通道。" in first_topic.get_data(as_text=True)  # a repeated topic: the first counts
    empty = client.get(f"{base}&topic=government&grid={ledger['grid2'].id}", headers=HTMX).get_data(as_text=True)
    assert "没有符合筛选条件的走访记录。" in empty


def test_the_visits_are_paginated(auth, client, app, users, ledger):
    month = ledger["month"]
    for n in range(app.config["PAGE_SIZE"]):
        demands.visit(users["grid_worker"], ledger["firms"]["蓝海新材料"], month + timedelta(days=1), ["industry"],
                      f"补记走访{n:02d}。")  # fmt: skip
    auth.login("staff")
    first = client.get(f"/demands/visits?month={month_text(month)}").get_data(as_text=True)
    assert "第 1 / 2 页" in first and "复查消防通道。" in first and "补记走访00。" not in first
    second = client.get(f"/demands/visits?month={month_text(month)}&page=2").get_data(as_text=True)
    assert "补记走访00。" in second and "复查消防通道。" not in second


def test_the_export_has_the_months_visits_and_the_coverage(auth, client, ledger):
    auth.login("staff")
    month = ledger["month"]
    response = client.get(f"/demands/visits.xlsx?month={month_text(month)}")
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["走访记录", "网格覆盖"]
    visits = list(book["走访记录"].values)
    assert visits[0] == ("走访日期", "企业", "网格", "网格员", "走访内容", "走访情况", "提出诉求")
    assert len(visits) == 1 + 5
    assert visits[1][0] == f"{month.year}年{month.month}月21日" and visits[1][5] == "复查消防通道。"
    assert ("党的建设、产业发展", "一号网格", "网格员丙") == (visits[-1][4], visits[-1][2], visits[-1][3])
    coverage = list(book["网格覆盖"].values)
    assert coverage[0] == ("网格", "网格员", "企业数", "本月已走访", "覆盖率", "尚未走访的企业")
    assert coverage[1][:5] == ("一号网格", "网格员丙", 3, 2, "66%") and coverage[1][5] == "威海星海电子科技有限公司"
    assert coverage[2][:5] == ("二号网格", "网格员戊", 2, 2, "100%")


def test_bad_months_and_unknown_grids_are_explained_not_500(auth, client, ledger):
    auth.login("staff")
    today = clock.today()
    for bad in ("2026-13", "abc", "2026-00", "99999-01"):
        page = client.get(f"/demands/visits?month={bad}")
        assert page.status_code == 200
        text = page.get_data(as_text=True)
        assert "无法识别" in text and "已显示本月" in text and f"{today.year}年{today.month}月" in text
        export = client.get(f"/demands/visits.xlsx?month={bad}")
        assert export.status_code == 400 and "月份格式不正确" in export.get_data(as_text=True)
    for grid in ("9999", "x"):
        unknown = client.get(f"/demands/visits?month={month_text(ledger['month'])}&grid={grid}")
        text = unknown.get_data(as_text=True)
        assert unknown.status_code == 200 and "没有该网格" in text and "指导党支部换届。" in text


def days(start, end) -> str:
    return f"since={start.isoformat()}&until={end.isoformat()}"


def test_the_ledger_shows_any_range_of_days(auth, client, ledger):
    """The dashboard's 走访企业 links here with ?since=&until=: coverage, visits and heading are the range's."""
    auth.login("staff")
    start, last = ledger["earlier"], shift_month(ledger["month"], 1) - timedelta(days=1)
    page = client.get(f"/demands/visits?{days(start, last)}").get_data(as_text=True)
    period = f"{start.year}年{start.month}月1日至{last.year}年{last.month}月{last.day}日"
    assert f"网格走访台账 · {period}" in page and f"{period}走访覆盖 5/5 家企业（100%）" in page
    assert "上上月走访。" in page and "复查消防通道。" in page
    # No month to step from: the picker goes back to a month. The export is of the range.
    assert "按月查看" in page and 'href="/demands/visits?month=' not in page
    export_link = f'href="/demands/visits.xlsx?since={start.isoformat()}&amp;until={last.isoformat()}"'
    assert export_link in page and f"导出 Excel（{period}）" in page
    grid_link = f'href="/demands/visits?grid={ledger["grid1"].id}&amp;since={start.isoformat()}&amp;until={last.isoformat()}#visit-rows"'
    assert grid_link in page
    one_day = ledger["month"] + timedelta(days=2)
    narrow = client.get(f"/demands/visits?{days(one_day, one_day)}").get_data(as_text=True)
    assert "走访覆盖 1/5 家企业（20%）" in narrow and "宣传技改贴息政策。" in narrow and "复查消防通道。" not in narrow


def test_the_export_of_a_range_has_the_visits_and_the_coverage_the_ledger_shows(auth, client, ledger):
    auth.login("staff")
    start, last = ledger["earlier"], shift_month(ledger["month"], 1) - timedelta(days=1)
    response = client.get(f"/demands/visits.xlsx?{days(start, last)}")
    assert response.status_code == 200
    period = f"{start.year}年{start.month}月1日至{last.year}年{last.month}月{last.day}日"
    assert quote(f"走访台账-{period}.xlsx") in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    visits_rows = list(book["走访记录"].values)[1:]
    in_range = db.session.scalars(visits.visits_between_query(start, last + timedelta(days=1))).unique().all()
    assert [row[5] for row in visits_rows] == [visit.notes for visit in in_range]
    assert "上上月走访。" in {row[5] for row in visits_rows} and "复查消防通道。" in {row[5] for row in visits_rows}
    coverage = list(book["网格覆盖"].values)
    assert coverage[0][3] == "期间已走访"
    assert sum(row[2] for row in coverage[1:]) == 5 and sum(row[3] for row in coverage[1:]) == 5
    one_day = ledger["month"] + timedelta(days=2)
    narrow = load_workbook(io.BytesIO(client.get(f"/demands/visits.xlsx?{days(one_day, one_day)}").data))
    assert [row[5] for row in list(narrow["走访记录"].values)[1:]] == ["宣传技改贴息政策。"]
    assert client.get("/demands/visits.xlsx?since=2026-02-30").status_code == 400


def test_an_empty_range_counts_no_visit(auth, client, ledger):
    auth.login("staff")
    page = client.get("/demands/visits?since=2001-01-01&until=2001-03-31").get_data(as_text=True)
    assert "2001年1月1日至2001年3月31日走访覆盖 0/5 家企业（0%）" in page
    assert "2001年1月1日至2001年3月31日还没有走访记录。" in page


def test_a_deactivated_enterprise_counts_in_the_ranges_it_was_visited(auth, client, ledger):
    directory.deactivated(ledger["firms"]["星海电子科技"])
    auth.login("staff")
    earlier, month = ledger["earlier"], ledger["month"]
    visited_then = client.get(f"/demands/visits?{days(earlier, month - timedelta(days=1))}").get_data(as_text=True)
    assert "走访覆盖 1/5 家企业" in visited_then and "星海电子科技" in visited_then
    until = shift_month(month, 1) - timedelta(days=1)
    both = client.get(f"/demands/visits?{days(earlier, until)}").get_data(as_text=True)
    assert "走访覆盖 5/5 家企业" in both
    # Not visited in the month, it is no longer to be visited: out of the month's count.
    assert "走访覆盖 4/4 家企业" in client.get(f"/demands/visits?month={month_text(month)}").get_data(as_text=True)
    assert visits.coverage_between(earlier, month) == (1, 5)


def test_the_range_of_visits_is_paginated(auth, client, app, users, ledger):
    month = ledger["month"]
    for n in range(app.config["PAGE_SIZE"]):
        demands.visit(users["grid_worker"], ledger["firms"]["蓝海新材料"], month + timedelta(days=1), ["industry"],
                      f"补记走访{n:02d}。")  # fmt: skip
    auth.login("staff")
    query = days(ledger["earlier"], month + timedelta(days=27))
    first = client.get(f"/demands/visits?{query}").get_data(as_text=True)
    assert "第 1 / 2 页" in first and f"/demands/visits?{query.replace('&', '&amp;')}&amp;page=2" in first
    second = client.get(f"/demands/visits?{query}&page=2").get_data(as_text=True)
    assert "上上月走访。" in second and "复查消防通道。" not in second


def test_a_day_that_is_not_one_is_a_400_with_the_reason(auth, client, ledger):
    auth.login("staff")
    for query, reason in (("since=2026-02-30", "日期格式应为"), ("until=1999-12-31", "日期超出范围")):
        response = client.get(f"/demands/visits?{query}")
        assert response.status_code == 400 and reason in response.get_data(as_text=True)


def test_the_demands_list_and_statistics_link_to_the_ledger(auth, client, ledger):
    demands.visit(ledger["worker2"], ledger["firms"]["海纳数据"], clock.today(), ["party"], "本月走访。")
    auth.login("staff")
    assert 'href="/demands/visits">走访台账</a>' in client.get("/demands/").get_data(as_text=True)
    stats = client.get("/demands/statistics").get_data(as_text=True)
    assert "本月走访覆盖 <strong>1/5</strong> 家企业" in stats and 'href="/demands/visits"' in stats


@pytest.mark.parametrize("role", ["grid_worker", "liaison"])
def test_grid_workers_and_liaisons_cannot_read_the_ledger(auth, client, role):
    auth.login(role)
    assert client.get("/demands/visits").status_code == 403
    assert client.get("/demands/visits.xlsx").status_code == 403
