"""The leaders' dashboard (工作概览): a period chosen by slug, the figures as links to their lists,
zeros and the way to add things on an empty database, and a bad period refused with a message."""

import re

import pytest

from hubapp import clock
from hubapp.blueprints.reports.periods import Period


def test_the_dashboard_shows_this_year_by_default_with_every_figure_linked(client, users, auth):
    auth.login("staff")
    page = client.get("/reports/").get_data(as_text=True)
    year = clock.today().year
    assert f"工作概览 · {year}年" in page
    assert f'href="/demands/?since={year}-01-01&amp;until=' in page
    assert "/cooperation/placements?since=" in page and "/party/activities?since=" in page
    # An empty centre: zeros, and where each kind of record is added.
    assert re.search(
        r'<span class="figure-value">0<small>个</small></span>\s*<span class="figure-label">收集诉求', page
    )
    for where in (
        "/demands/new",
        "/sessions/new",
        "/party/organisations/new",
        "/cooperation/placements/new",
        "/meetings/new",
    ):
        assert f'href="{where}"' in page
    assert '<svg class="chart"' in page


@pytest.mark.parametrize("slug", ["2026-q4", "2026-11", "2025"])
def test_a_quarter_a_month_or_a_year_can_be_chosen(client, users, auth, slug):
    auth.login("staff")
    period = Period.parse(slug)
    response = client.get(f"/reports/?period={slug}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and f"工作概览 · {period.label}" in page
    assert f'<option value="{slug}" selected>' in page
    assert f"/demands/?since={period.start.isoformat()}&amp;until=" in page


def test_the_dashboard_leads_to_a_briefing_of_the_period_it_shows(client, users, auth):
    auth.login("staff")
    page = client.get("/reports/?period=2026-q3").get_data(as_text=True)
    assert 'href="/reports/briefings/new?period=2026-q3">编写2026年第三季度工作简报</a>' in page
    chooser = client.get("/reports/briefings/new?period=2026-q3").get_data(as_text=True)
    assert '<option selected value="2026-q3">' in chooser or '<option value="2026-q3" selected>' in chooser


@pytest.mark.parametrize("slug", ["2026-13", "2026-q5", "x", "1999", "2026-11-01", "２０２６", "99999999999999999999"])
def test_a_period_that_is_not_one_is_a_400_that_says_why(client, users, auth, slug):
    auth.login("staff")
    response = client.get("/reports/", query_string={"period": slug})
    assert response.status_code == 400
    assert "统计期间格式不正确" in response.get_data(as_text=True)


def test_htmx_changing_the_period_gets_the_overview_alone(client, users, auth):
    auth.login("staff")
    response = client.get("/reports/?period=2026-q1", headers={"HX-Request": "true"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "工作概览 · 2026年第一季度" in page and "<html" not in page
    assert "HX-Request" in response.headers["Vary"]


def test_only_staff_see_the_dashboard(client, users, auth):
    auth.login("grid_worker")
    assert client.get("/reports/").status_code == 403
    auth.logout()
    auth.login("admin")
    assert client.get("/reports/").status_code == 200


@pytest.mark.parametrize(
    "path", ["/demands/", "/sessions/", "/party/activities", "/cooperation/placements", "/cooperation/projects",
             "/meetings/", "/meetings/decisions"],
)  # fmt: skip
def test_a_list_asked_for_a_period_that_is_not_one_says_what_a_day_looks_like(client, users, auth, path):
    auth.login("staff")
    for query in ({"since": "2026-02-30"}, {"until": "yesterday"}, {"since": "1999-12-31"}):
        response = client.get(path, query_string=query)
        assert response.status_code == 400, (path, query)
        assert "日期" in response.get_data(as_text=True)
