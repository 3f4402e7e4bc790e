"""The figures on a randomized data set (seeded, ``factories.reports``): every figure of the year,
its quarters and some of its months equals the list its link opens, the periods add up to the year,
and the year agrees with the domains' own yearly figures."""

import re

import pytest
from factories.reports import YEAR, random_year
from reports_checks import check_against_lists, check_year_against_domains

from hubapp import clock
from hubapp.blueprints.cooperation import services as cooperation
from hubapp.blueprints.reports.charts import demands_by_month, person_times_by_month
from hubapp.blueprints.reports.figures import centre_figures
from hubapp.blueprints.reports.periods import Period

SUMMED = (
    "demands_collected", "demands_solved", "demands_on_time", "financing", "jobs", "sessions_held",
    "session_attendance", "joint_activities", "activity_attendance", "trained", "placement_person_times",
    "meetings_held", "decisions_done", "decisions_open", "rooms_bookings", "room_hours", "guide_views",
)  # fmt: skip


@pytest.fixture
def world(app, users, monkeypatch):
    return random_year(users, monkeypatch)


def figures_of(app, period: Period):
    with app.test_request_context():
        return centre_figures(period)


def test_every_figure_of_the_year_its_quarters_and_months_equals_its_list(app, client, auth, world):
    auth.login("staff")
    year = figures_of(app, Period("year", YEAR, 1))
    assert year.demands_collected.value == 220 and year.sessions_held.value > 15
    assert year.party_coverage_all.text == "10/29" and year.party_coverage_regulated.of == 10
    check_year_against_domains(year)
    check_against_lists(client, year)
    quarters = [figures_of(app, Period("quarter", YEAR, q)) for q in range(1, 5)]
    months = [figures_of(app, Period("month", YEAR, m)) for m in range(1, 13)]
    for figures in quarters + [months[0], months[5], months[11]]:
        check_against_lists(client, figures)
    for name in SUMMED:
        whole = year.figures()[name].value
        assert whole or name == "guide_views", f"the data set leaves {name} empty"
        assert sum(q.figures()[name].value for q in quarters) == whole, name
        assert sum(m.figures()[name].value for m in months) == whole, name
    assert year.placement_person_times.value == cooperation.year_figures(YEAR).person_times


def test_the_charts_bars_add_up_to_the_figures(app, world):
    period = Period("year", YEAR, 1)
    year = figures_of(app, period)
    with app.test_request_context():
        demands_chart = str(demands_by_month(year, clock.today()))
        people_chart = str(person_times_by_month(period, clock.today()))
    # Each bar's tooltip carries its figure: "3月 收集：12".
    assert _bars(demands_chart, "收集") == year.demands_collected.value
    assert _bars(demands_chart, "办结销号") == year.demands_solved.value
    assert _bars(people_chart, "实习实训") == year.placement_person_times.value
    assert _bars(people_chart, "主题活动签到") == year.session_attendance.value
    assert _bars(people_chart, "党建联建参加") == year.activity_attendance.value


def _bars(svg: str, series: str) -> int:
    return sum(int(n) for n in re.findall(rf"<title>\d+月 {series}：(\d+)</title>", svg))
