"""Working days of mainland China: statutory holidays and make-up working days (调休) from the
State Council's notices, through ``chinese_calendar``.

Demand deadlines count working days; the facilities' holiday import closes rooms on the same
holidays and opens them on the same make-up days.
"""

from datetime import date, timedelta

import chinese_calendar


def is_working_day(day: date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        # chinese_calendar knows the notices only up to the last year published (2026 in the
        # pinned version); beyond it we count Monday to Friday until the package is updated.
        return day.weekday() < 5


def add_working_days(start: date, days: int) -> date:
    """The ``days``-th working day after ``start`` (``start`` itself is not counted)."""
    day = start
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def previous_working_day(day: date) -> date:
    """The last working day before ``day``."""
    day -= timedelta(days=1)
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def holiday_runs(year: int) -> list[tuple[date, date, str]]:
    """The statutory holidays of ``year`` falling on weekdays, as runs of consecutive days:
    (first day, last day, Chinese name), in date order.

    Raises ``NotImplementedError`` for a year the package does not know yet."""
    holidays = chinese_calendar.get_holidays(date(year, 1, 1), date(year, 12, 31), include_weekends=False)
    runs: list[tuple[date, date, str]] = []
    for day in sorted(holidays):
        _on_holiday, name = chinese_calendar.get_holiday_detail(day)
        if not name:
            continue
        label = chinese_calendar.Holiday(name).chinese
        if runs and runs[-1][2] == label and runs[-1][1] + timedelta(days=1) == day:
            runs[-1] = (runs[-1][0], day, label)
        else:
            runs.append((day, day, label))
    return runs


def makeup_working_days(year: int) -> list[date]:
    """Saturdays and Sundays of ``year`` that are working days (调休上班)."""
    return [d for d in chinese_calendar.get_workdays(date(year, 1, 1), date(year, 12, 31)) if d.weekday() >= 5]
