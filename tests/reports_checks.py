"""What the reports tests check on any data set: every figure that counts rows equals the rows of
the list its link opens, the visits' and the rooms' figures equal what the visit ledger and the
utilisation page show, and every sum equals what the owning domain's own page sums."""

import re
from datetime import date
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import distinct, func, select

from hubapp.blueprints.cooperation import services as cooperation
from hubapp.blueprints.demands import reading, statistics
from hubapp.blueprints.demands.models import Demand, DemandOutcome
from hubapp.blueprints.reports.figures import CentreFigures
from hubapp.extensions import db

#: The figures that count the rows of their list ("共N条" under it).
ROW_COUNTS = (
    "enterprises", "regulated_enterprises", "demands_collected", "demands_solved", "demands_on_time",
    "sessions_held", "joint_activities", "meetings_held", "decisions_done", "decisions_open",
)  # fmt: skip
TOTAL = re.compile(r"共 (\d+) 条")
#: The ledger's headline: "2026年1月1日至2026年3月31日走访覆盖 12/29 家企业（41%）".
COVERAGE = re.compile(r"走访覆盖 (\d+)/(\d+) 家企业")
#: The utilisation page's headline, and each room's 使用次数 cell.
ROOMS_USED = re.compile(r"场地使用 (\d+) 次，共 ([\d.]+) 小时")
ROOM_HELD = re.compile(r'<td class="held">(\d+)</td>')
#: The cells of the statistics breakdown's 合计 row: 收集, 已销号, 按期销号, 按期办结率, 平均用时, 满意率 ….
BREAKDOWN_TOTAL = re.compile(r'<tfoot><tr><th scope="row">合计</th>((?:<td>[^<]*</td>)+)</tr></tfoot>')
#: The guide views page's headline, and each guide's count.
GUIDES_VIEWED = re.compile(r"指南共被查看 (\d+) 次")
GUIDE_COUNT = re.compile(r'<td class="num">(\d+)</td>')


def listed(client, link: str) -> int:
    """How many rows the list at ``link`` holds: its "共N条", or none when it shows its empty state."""
    response = client.get(link)
    assert response.status_code == 200, link
    found = TOTAL.search(response.get_data(as_text=True))
    return int(found.group(1)) if found else 0


def check_against_lists(client, figures: CentreFigures) -> None:
    for name in ROW_COUNTS:
        figure = getattr(figures, name)
        assert figure.link, name
        assert listed(client, figure.link) == figure.value, (figures.period.slug, name, figure.link)
    check_visits_against_ledger(client, figures)
    check_rooms_against_utilisation(client, figures)
    check_guide_views_against_list(client, figures)
    check_satisfaction_against_breakdown(client, figures)
    check_sums_against_lists(figures)


def _page(client, link: str) -> str:
    response = client.get(link)
    assert response.status_code == 200, link
    return response.get_data(as_text=True)


def check_visits_against_ledger(client, figures: CentreFigures) -> None:
    """走访企业 and 走访覆盖率 are the ledger's coverage headline for the same days."""
    visited, coverage = figures.visited_enterprises, figures.visit_coverage
    assert visited.link and coverage.link == visited.link
    shown, total = map(int, COVERAGE.search(_page(client, visited.link)).groups())
    assert (shown, total) == (visited.value, coverage.base), (figures.period.slug, visited.link)
    assert coverage.value == ((Decimal(shown) * 100 / total).quantize(Decimal("0.1")) if total else 0)


def check_rooms_against_utilisation(client, figures: CentreFigures) -> None:
    """场地使用 and its hours are the utilisation page's totals, and the count its rooms' rows add up to."""
    bookings, hours = figures.rooms_bookings, figures.room_hours
    assert bookings.link and hours.link == bookings.link
    page = _page(client, bookings.link)
    count, total = ROOMS_USED.search(page).groups()
    assert (int(count), Decimal(total)) == (bookings.value, hours.value), (figures.period.slug, bookings.link)
    assert sum(int(cell) for cell in ROOM_HELD.findall(page)) == bookings.value


def check_guide_views_against_list(client, figures: CentreFigures) -> None:
    """指南查看 is the guide views page's total for the same days, and its guides' rows add up to it."""
    views = figures.guide_views
    page = _page(client, views.link)
    found = GUIDES_VIEWED.search(page)
    assert (int(found.group(1)) if found else 0) == views.value, (figures.period.slug, views.link)
    assert sum(int(cell) for cell in GUIDE_COUNT.findall(page)) == views.value


def check_satisfaction_against_breakdown(client, figures: CentreFigures) -> None:
    """满意率 is the 合计 of the statistics breakdown it opens: the demands received on the same days."""
    satisfaction, collected = figures.satisfaction, figures.demands_collected
    page = _page(client, satisfaction.link)
    found = BREAKDOWN_TOTAL.search(page)
    if not collected.value:
        assert found is None and "这些日期没有收到诉求" in page, (figures.period.slug, satisfaction.link)
        return
    cells = re.findall(r"<td>([^<]*)</td>", found.group(1))
    assert int(cells[0]) == collected.value, (figures.period.slug, satisfaction.link)
    assert cells[5] == (f"{satisfaction.value}%" if satisfaction.base else "—"), (figures.period.slug, cells)


def _listed_demands(link: str):
    """The ids of the demands the list at ``link`` shows, read with the list's own query."""
    args = {name: values[0] for name, values in parse_qs(urlsplit(link).query).items()}
    filters = reading.Filters(
        since=date.fromisoformat(args["since"]), until=date.fromisoformat(args["until"]),
        funded=args.get("funded") == "1", hired=args.get("hired") == "1",
    )  # fmt: skip
    return reading.demands_query(filters).with_only_columns(Demand.id).order_by(None)


def check_sums_against_lists(figures: CentreFigures) -> None:
    """The 融资 and 就业 figures are the sums over the demands their lists show."""
    funded = _listed_demands(figures.financing.link)
    amount = db.session.scalar(
        select(func.coalesce(func.sum(DemandOutcome.funding_amount), 0)).where(DemandOutcome.demand_id.in_(funded))
    )
    assert amount == figures.financing.value
    firms = db.session.scalar(select(func.count(distinct(Demand.enterprise_id))).where(Demand.id.in_(funded)))
    assert firms == figures.financed_enterprises.value == len(figures.financed_names)
    hired = _listed_demands(figures.jobs.link)
    jobs = db.session.scalar(
        select(func.coalesce(func.sum(DemandOutcome.jobs_filled), 0)).where(DemandOutcome.demand_id.in_(hired))
    )
    assert jobs == figures.jobs.value


def check_year_against_domains(figures: CentreFigures) -> None:
    """A year's figures are the ones the domains' own yearly pages show."""
    year = figures.period.year
    stats = statistics.statistics(year)
    assert (figures.demands_collected.value, figures.demands_solved.value) == (stats.total, stats.closed)
    assert (figures.financing.value, figures.jobs.value) == (stats.funding, stats.jobs)
    coop = cooperation.year_figures(year)
    assert (figures.placement_person_times.value, figures.trained.value) == (coop.person_times, coop.qualified)
