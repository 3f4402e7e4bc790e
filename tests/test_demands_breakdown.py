"""Statistics per month, year, list, topic, grid and department (issue 14): exact figures for a
hand-built year of demands moved through the services on chosen days, on the service and on the
statistics page; and the article's sentence written from the data."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from hubapp import clock
from hubapp.blueprints.demands import breakdown, liaison, moves, outcomes, statistics
from hubapp.blueprints.demands.models import Demand, DemandTopic
from hubapp.database import atomic
from hubapp.extensions import db
from hubapp.workdays import working_days_between
from tests.test_demands_services import department, firms, raise_demand  # noqa: F401  (fixture)

YEAR = 2025


def at(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(YEAR, month, day, hour)


def topic(name: str) -> int:
    return db.session.scalar(select(DemandTopic.id).where(DemandTopic.name == name))


def with_topic(demand: Demand, name: str) -> None:
    with atomic():
        db.session.execute(update(Demand).where(Demand.id == demand.id).values(topic_id=topic(name)))


@pytest.fixture
def year_of_demands(users, firms):
    """Five demands of 2025 and one of 2024, each moved on the day written beside it.

    D1 问题诉求, 一号网格, 就业创业: received Mon 3 March, closed Fri 7 March (4 working days, on
    time), 满意, 3 jobs. D2 资金需求, 二号网格: transferred to 税务分局 on 10 March due 14 March,
    延期 granted to 21 March, closed Tue 25 March (11 working days, late), 基本满意, 450.5 万元.
    D3 技术需求, 一号网格, 项目申报: 税务分局 hands it back (退单), staff re-route it to 经济发展局.
    D4 问题诉求, 二号网格, 就业创业: the enterprise rates the first answer 不满意, the second 满意;
    closed Mon 14 July (5 working days, on time). D5 配套需求, 一号网格: declined. D6: 2024."""
    staff, liaison_user = users["staff"], users["liaison"]
    home, away = firms["home"], firms["away"]
    d1 = raise_demand(users, home, received_on=date(YEAR, 3, 3))
    with_topic(d1, "就业创业")
    with atomic():
        moves.accept(staff, d1, at=at(3, 3))
        outcomes.record(staff, d1, outcomes.Outcome(resolution="resolved", jobs_filled=3))
        moves.answer(staff, d1, "已对接人社局招聘会。", at=at(3, 5))
        moves.close(staff, d1, "satisfied", at=at(3, 7))

    d2 = raise_demand(users, away, kind="funding", received_on=date(YEAR, 3, 10))
    with atomic():
        moves.transfer(staff, d2, department("税务分局").id, "请对接贷款。", date(YEAR, 3, 14), at=at(3, 10))
        liaison.ask_extension(liaison_user, d2, date(YEAR, 3, 21), "银行审批需要时间。", at=at(3, 12))
        liaison.grant_extension(staff, d2, at=at(3, 12, 15))
        outcomes.record(liaison_user, d2, outcomes.Outcome(funding_amount=Decimal("450.50"), funding_instrument="loan"))
        moves.answer(liaison_user, d2, "贷款已到位。", at=at(3, 24))
        moves.close(staff, d2, "basic", at=at(3, 25))

    d3 = raise_demand(users, home, kind="tech", received_on=date(YEAR, 7, 1))
    with_topic(d3, "项目申报")
    with atomic():
        moves.transfer(staff, d3, department("税务分局").id, "请对接高校。", date(YEAR, 7, 15), at=at(7, 1))
        liaison.hand_back(liaison_user, d3, "不属于本部门职责范围。", "经济发展局", at=at(7, 2))
        moves.transfer(staff, d3, department("经济发展局").id, "请对接高校。", date(YEAR, 7, 16), at=at(7, 2, 15))

    d4 = raise_demand(users, away, received_on=date(YEAR, 7, 7))
    with_topic(d4, "就业创业")
    with atomic():
        moves.accept(staff, d4, at=at(7, 7))
        moves.answer(staff, d4, "已答复。", at=at(7, 8))
        moves.rate_by_enterprise(d4, "unsatisfied", "还没解决。", at=at(7, 9))
        moves.answer(staff, d4, "已再次协调解决。", at=at(7, 10))
        moves.close(staff, d4, "satisfied", at=at(7, 14))

    d5 = raise_demand(users, home, kind="support", received_on=date(YEAR, 7, 8))
    with atomic():
        moves.decline(staff, d5, "不属于服务范围。", at=at(7, 8))

    d6 = raise_demand(users, home, received_on=date(YEAR - 1, 12, 16))
    with_topic(d6, "就业创业")


COLUMNS = ("collected", "closed", "closed_on_time", "on_time_rate", "average_days", "satisfaction_rate",
           "unsatisfied", "returned", "extended", "funding_text", "jobs")  # fmt: skip


def figures(line) -> tuple:
    return tuple(getattr(line, name) for name in COLUMNS)


def table(dimension: str) -> dict[str, tuple]:
    result = breakdown.breakdown(dimension, YEAR)
    return {line.label: figures(line) for line in result.lines} | {"合计": figures(result.total)}


EMPTY = (0, 0, 0, "—", "—", "—", 0, 0, 0, "0", 0)
MARCH = (2, 2, 1, "50.0%", "7.5", "100.0%", 0, 0, 1, "450.5", 3)
JULY = (3, 1, 1, "100.0%", "5.0", "50.0%", 1, 1, 0, "0", 0)
YEAR_TOTAL = (5, 3, 2, "66.7%", "6.7", "75.0%", 1, 1, 1, "450.5", 3)


def test_per_month_counts_each_demand_in_the_month_it_was_received(year_of_demands):
    months = table("month")
    assert list(months) == [f"{m}月" for m in range(1, 13)] + ["合计"]
    assert months["3月"] == MARCH and months["7月"] == JULY
    assert all(months[f"{m}月"] == EMPTY for m in (1, 2, 4, 5, 6, 8, 9, 10, 11, 12))
    assert months["合计"] == YEAR_TOTAL


def test_per_year_lists_every_year_with_demands(year_of_demands):
    years = table("year")
    assert years == {
        f"{YEAR - 1}年": (1, 0, 0, "—", "—", "—", 0, 0, 0, "0", 0),
        f"{YEAR}年": YEAR_TOTAL,
        "合计": (6, 3, 2, "66.7%", "6.7", "75.0%", 1, 1, 1, "450.5", 3),
    }


def test_per_list(year_of_demands):
    assert table("kind") == {
        "问题诉求": (2, 2, 2, "100.0%", "4.5", "66.7%", 1, 0, 0, "0", 3),
        "技术需求": (1, 0, 0, "—", "—", "—", 0, 1, 0, "0", 0),
        "资金需求": (1, 1, 0, "0.0%", "11.0", "100.0%", 0, 0, 1, "450.5", 0),
        "配套需求": (1, 0, 0, "—", "—", "—", 0, 0, 0, "0", 0),
        "合计": YEAR_TOTAL,
    }


def test_per_topic_with_the_demands_without_one_apart(year_of_demands):
    topics = table("topic")
    assert topics["就业创业"] == (2, 2, 2, "100.0%", "4.5", "66.7%", 1, 0, 0, "0", 3)
    assert topics["项目申报"] == (1, 0, 0, "—", "—", "—", 0, 1, 0, "0", 0)
    assert topics["未选主题"] == (2, 1, 0, "0.0%", "11.0", "100.0%", 0, 0, 1, "450.5", 0)
    assert topics["融资贷款"] == EMPTY  # an active topic nobody chose still has its line
    assert list(topics)[-2:] == ["未选主题", "合计"] and topics["合计"] == YEAR_TOTAL


def test_per_grid(year_of_demands):
    assert table("grid") == {
        "一号网格": (3, 1, 1, "100.0%", "4.0", "100.0%", 0, 1, 0, "0", 3),
        "二号网格": (2, 2, 1, "50.0%", "8.0", "66.7%", 1, 0, 1, "450.5", 0),
        "合计": YEAR_TOTAL,
    }


def test_per_department_counts_a_hand_back_against_the_department_that_returned_it(year_of_demands):
    assert table("department") == {
        "税务分局": (1, 1, 0, "0.0%", "11.0", "100.0%", 0, 1, 1, "450.5", 0),
        "经济发展局": (1, 0, 0, "—", "—", "—", 0, 0, 0, "0", 0),
        "未转办（中心直办或待分办）": (3, 2, 2, "100.0%", "4.5", "66.7%", 1, 0, 0, "0", 3),
        "合计": YEAR_TOTAL,
    }


def test_the_article_sentence_is_written_from_the_data(year_of_demands):
    assert statistics.statistics(YEAR).article_sentence == f"{YEAR}年共收集各类问题诉求5个，已推动解决3个，协助企业完成融资450.5万元。"
    this_year = statistics.statistics(clock.today().year)
    assert this_year.article_sentence == "今年以来共收集各类问题诉求0个，已推动解决0个。"


def test_the_statistics_page_shows_the_dimension_chosen(auth, client, year_of_demands):
    auth.login("staff")
    page = client.get(f"/demands/statistics?year={YEAR}&by=grid").get_data(as_text=True)
    assert "按网格（2025年收集的诉求）" in page and '<option value="grid" selected>' in page
    assert "<th scope=\"row\">二号网格</th><td>2</td><td>2</td><td>1</td><td>50.0%</td><td>8.0</td>" in page
    assert "2025年共收集各类问题诉求5个，已推动解决3个，协助企业完成融资450.5万元。" in page
    # The year form keeps the dimension, so choosing another year does not lose it.
    assert '<input type="hidden" name="by" value="grid">' in page


def test_the_selector_swaps_only_the_table_for_htmx(auth, client, year_of_demands):
    auth.login("staff")
    response = client.get(f"/demands/statistics?year={YEAR}&by=kind", headers={"HX-Request": "true"})
    fragment = response.get_data(as_text=True)
    assert fragment.lstrip().startswith('<section class="card" id="breakdown">') and "<html" not in fragment
    assert "<th scope=\"row\">资金需求</th><td>1</td><td>1</td><td>0</td><td>0.0%</td><td>11.0</td>" in fragment


def test_days_chosen_count_only_the_demands_received_on_them_and_the_selector_keeps_them(auth, client, year_of_demands):
    auth.login("staff")
    july = f"year={YEAR}&since={YEAR}-07-01&until={YEAR}-07-31"
    page = client.get(f"/demands/statistics?{july}&by=kind").get_data(as_text=True)
    assert "（2025年7月1日至2025年7月31日收集的诉求）" in page
    assert '<tfoot><tr><th scope="row">合计</th><td>3</td><td>1</td><td>1</td><td>100.0%</td><td>5.0</td><td>50.0%</td>' in page
    assert f'<input type="hidden" name="since" value="{YEAR}-07-01">' in page
    assert f'<input type="hidden" name="until" value="{YEAR}-07-31">' in page
    assert f'href="/demands/statistics?year={YEAR}&amp;by=kind#breakdown">看2025年全年' in page
    fragment = client.get(f"/demands/statistics?{july}&by=grid", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert '<th scope="row">合计</th><td>3</td>' in fragment and "2025年7月1日至2025年7月31日" in fragment
    empty = client.get(f"/demands/statistics?year={YEAR}&since={YEAR}-05-01&until={YEAR}-05-31").get_data(as_text=True)
    assert "这些日期没有收到诉求。" in empty and 'href="/demands/new"' in empty


def test_an_unknown_dimension_shows_the_months_with_a_notice(auth, client, users):
    auth.login("staff")
    response = client.get("/demands/statistics?by=%3Cscript%3E")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "统计口径“&lt;script&gt;”无法识别，已显示按月份。" in page and '<option value="month" selected>' in page


def test_a_year_without_demands_links_to_where_they_are_registered(auth, client, users):
    auth.login("staff")
    page = client.get("/demands/statistics?by=topic").get_data(as_text=True)
    assert f"{clock.today().year}年还没有收集到诉求。" in page and 'href="/demands/new"' in page


def test_working_days_to_close_skip_the_national_day_holiday_and_count_its_make_up_days(app):
    # 2025: 1–8 October off; Sunday 28 September and Saturday 11 October worked instead.
    assert working_days_between(date(2025, 9, 26), date(2025, 10, 13)) == 7
    assert working_days_between(date(2025, 10, 1), date(2025, 10, 8)) == 0
    assert working_days_between(date(2025, 10, 13), date(2025, 10, 13)) == 0
