"""The dashboard's charts, by month: demands collected and solved, and the person-times of the
centre's activities. Each month is counted with the same domain functions as the figures, so the
bars of a period add up to its figures."""

from dataclasses import dataclass
from datetime import date

from markupsafe import Markup

from hubapp.blueprints.cooperation import services as cooperation
from hubapp.blueprints.demands import breakdown
from hubapp.blueprints.party import activities
from hubapp.blueprints.reports.figures import CentreFigures
from hubapp.blueprints.reports.periods import MONTH, Period
from hubapp.blueprints.sessions import planning as sessions
from hubapp.charts import Series, bar_chart
from hubapp.params import shift_month


@dataclass(frozen=True)
class Month:
    first: date
    end: date

    @property
    def label(self) -> str:
        return f"{self.first.month}月"


def chart_months(period: Period, today: date) -> list[Month]:
    """The months a period's charts show, up to today: a year's and a quarter's own months; for a
    month, its year's months up to it, so that one bar has a context (今年以来 by month)."""
    first = date(period.year, 1, 1) if period.kind == MONTH else period.start
    last = period.until(today)
    months, month = [], first
    while month < last:
        months.append(Month(month, min(shift_month(month, 1), last)))
        month = shift_month(month, 1)
    return months


def demands_by_month(figures: CentreFigures, today: date) -> Markup:
    """Collected and solved by month of receipt, as the demands statistics break them down: the
    figures' own lines, except for a month, whose chart shows its year so far."""
    period = figures.period
    months = chart_months(period, today)
    counted = figures.demands_by_month
    if period.kind == MONTH and months:
        table = breakdown.breakdown(
            "month", period.year, today, received=(months[0].first, months[-1].end), working_days=False
        )
        counted = {line.label: (line.collected, line.closed) for line in table.lines}
    shown = [counted.get(month.label, (0, 0)) for month in months]
    return bar_chart(
        f"{period.year}年每月收集与办结的诉求",
        [month.label for month in months],
        [Series("收集", [collected for collected, _ in shown]), Series("办结销号", [solved for _, solved in shown])],
        unit="个",
    )


def person_times_by_month(period: Period, today: date) -> Markup:
    months = chart_months(period, today)
    first, end = (months[0].first, months[-1].end) if months else (period.start, period.start)
    keys = [(month.first.year, month.first.month) for month in months]
    by_month = (
        cooperation.person_times_by_month(first, end),
        sessions.checked_in_by_month(first, end),
        activities.attendance_by_month(first, end),
    )
    placed, checked_in, joint = ([counted.get(key, 0) for key in keys] for counted in by_month)
    return bar_chart(
        f"{period.year}年每月服务人次",
        [month.label for month in months],
        # 党建联建 third: the palette's red, the party's colour.
        [Series("实习实训", placed), Series("主题活动签到", checked_in), Series("党建联建参加", joint)],
        unit="人次",
    )
