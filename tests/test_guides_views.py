"""指南查看统计 (/guides/views): how often each guide was read over any days, the list the dashboard's
指南查看 opens, adding up to its figure; a guide withdrawn since keeps the views it had."""

from datetime import date

import pytest
from factories import guides

from hubapp.blueprints.guides import visitors, writing
from hubapp.blueprints.guides.models import GuideViewCount
from hubapp.blueprints.reports.figures import centre_figures
from hubapp.blueprints.reports.periods import Period
from hubapp.database import atomic
from hubapp.extensions import db
from hubapp.rules import RuleError


def _viewed(matter, day: date, count: int) -> None:
    with atomic():
        db.session.add(GuideViewCount(matter_id=matter.id, day=day, count=count))


def test_each_guide_with_its_views_in_the_days_asked_the_most_read_first(client, auth, users):
    change = guides.matter("qy-bg", actor=users["staff"], published=True)
    loan = guides.matter("rz-db", actor=users["staff"], name="创业担保贷款", category="finance", published=True)
    _viewed(change, date(2026, 2, 27), 5)
    _viewed(change, date(2026, 3, 1), 7)
    _viewed(loan, date(2026, 3, 2), 9)
    _viewed(loan, date(2026, 4, 1), 100)  # outside March
    with atomic():
        writing.archive(users["staff"], change)
    auth.login("staff")
    page = client.get("/guides/views?since=2026-03-01&until=2026-03-31").get_data(as_text=True)
    assert "指南查看统计 · 2026年3月1日至2026年3月31日" in page
    assert "指南共被查看 16 次，涉及 2 个事项" in page
    assert page.index("创业担保贷款") < page.index("企业变更登记")  # 9 before 7
    assert '<td class="num">9</td>' in page and '<td class="num">7</td>' in page and "已归档" in page
    assert visitors.views_between(date(2026, 3, 1), date(2026, 4, 1)) == 16
    february = client.get("/guides/views?since=2026-02-01&until=2026-02-28").get_data(as_text=True)
    assert "指南共被查看 5 次，涉及 1 个事项" in february


def test_no_views_says_so_and_leads_to_the_guides(client, auth):
    auth.login("staff")
    page = client.get("/guides/views?since=2001-01-01&until=2001-12-31").get_data(as_text=True)
    assert "2001年1月1日至2001年12月31日还没有指南被查看" in page and 'href="/guides/"' in page
    this_year = client.get("/guides/views")
    assert this_year.status_code == 200 and "还没有指南被查看" in this_year.get_data(as_text=True)


def test_a_day_that_is_not_one_is_a_400(client, auth):
    auth.login("staff")
    response = client.get("/guides/views?since=2026-02-30")
    assert response.status_code == 400 and "日期格式应为" in response.get_data(as_text=True)


def test_grid_workers_may_not_look(client, auth):
    auth.login("grid_worker")
    assert client.get("/guides/views").status_code == 403


def test_the_dashboards_figure_opens_this_list_with_its_total(app, client, auth, users):
    matter = guides.matter("qy-bg", actor=users["staff"], published=True)
    _viewed(matter, date(2026, 3, 5), 12)
    with app.test_request_context():
        figures = centre_figures(Period.parse("2026-q1"))
    assert figures.guide_views.value == 12
    assert figures.guide_views.link == "/guides/views?since=2026-01-01&until=2026-03-31"
    auth.login("staff")
    assert "指南共被查看 12 次" in client.get(figures.guide_views.link).get_data(as_text=True)


@pytest.mark.parametrize("code", ["views", "searches"])
def test_the_statistics_addresses_are_reserved_so_no_guide_can_take_them(users, code):
    with pytest.raises(RuleError, match="系统保留"):
        guides.matter(code, actor=users["staff"])
