"""The statistics as charts (``hubapp.charts``): demands per month collected and closed, per list,
and each department's 按期办结率 and 满意率; the statistics page and the monthly 通报 draw the same."""

from markupsafe import Markup

from hubapp.blueprints.demands.statistics import Statistics
from hubapp.charts import Series, bar_chart, rate_chart


def per_month(stats: Statistics) -> Markup:
    return bar_chart(
        f"{stats.year}年每月收集与销号的诉求",
        [f"{m['month']}月" for m in stats.months],
        [Series("收集", [m["received"] for m in stats.months]), Series("销号", [m["closed"] for m in stats.months])],
        unit="个",
    )


def per_list(stats: Statistics) -> Markup:
    return bar_chart(
        f"{stats.year}年各清单诉求",
        [k["label"] for k in stats.kinds],
        [
            Series("收集", [k["total"] for k in stats.kinds]),
            Series("已销号", [k["closed"] for k in stats.kinds]),
            Series("逾期", [k["overdue"] for k in stats.kinds]),
        ],
        unit="个",
    )


def department_rates(departments: list[dict], title: str) -> Markup | None:
    """按期办结率 and 满意率 per department of ``departments`` (rows of the statistics, by their
    short name when they carry one), or None when no demand was transferred."""
    if not departments:
        return None
    return rate_chart(
        title,
        [d.get("short_name") or d["name"] for d in departments],
        [
            Series("按期办结率", [d.get("on_time_percent") for d in departments]),
            Series("满意率", [d.get("satisfaction_percent") for d in departments]),
        ],
    )
