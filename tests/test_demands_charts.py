"""Charts of the statistics (issue 14): inline SVG drawn on the server, with every figure written
on its bar, shown on the statistics page without anything fetched from elsewhere."""

import re

from hubapp import clock
from hubapp.blueprints.demands import moves
from hubapp.charts import Series, bar_chart, rate_chart
from tests.test_demands_services import firms, raise_demand, transferred  # noqa: F401  (fixture)


def _texts(svg: str) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


def test_a_bar_chart_writes_each_figure_and_category():
    svg = str(bar_chart("每月诉求", ["1月", "2月"], [Series("收集", [12, 0]), Series("销号", [7, 3])], unit="个"))
    texts = _texts(svg)
    assert {"1月", "2月", "收集", "销号", "12", "7", "3", "单位：个"} <= set(texts)
    # A month without demands has no bar label "0" above the axis, only the axis tick.
    assert texts.count("0") == 1
    assert svg.count("<rect") == 2 + 4  # two legend keys, four bars
    assert "http://" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_a_rate_chart_says_when_there_is_nothing_to_count():
    svg = str(rate_chart("各部门", ["税务分局", "经济发展局"], [Series("按期办结率", [87.5, None])]))
    texts = _texts(svg)
    assert "87.5%" in texts and "按期办结率：无数据" in texts and "经济发展局" in texts


def test_the_statistics_page_shows_the_charts_with_this_years_figures(auth, client, users, firms):
    demand = transferred(users, firms)
    moves.answer(users["liaison"], demand, "已办结。")
    moves.close(users["staff"], demand, "satisfied")
    raise_demand(users, firms["home"], kind="tech")
    auth.login("staff")
    page = client.get(f"/demands/statistics?year={clock.today().year}").get_data(as_text=True)
    charts = re.findall(r'<svg class="chart".*?</svg>', page, re.S)
    assert len(charts) == 3
    month_chart = charts[0]
    assert f"{clock.today().month}月 收集：2" in month_chart and f"{clock.today().month}月 销号：1" in month_chart
    assert "国家税务总局威海南海新区税务局 按期办结率：100.0%" in charts[2]
    assert "<script" not in "".join(charts)
