"""Working days of mainland China: Monday to Friday, except the statutory holidays and with the
make-up working days (调休上班) that staff keep in the working-day calendar (``calendar_day``,
pages in ``blueprints/workcalendar``), from the State Council's yearly notice.

Demand deadlines count working days here; the facilities' holiday import closes rooms on the same
holidays and opens them on the same make-up days: one calendar, not two.

Several hosts share the database, so nothing outlives a database session: the first count in a
session reads the year's exceptions into the session's ``info``; a session lasts one request (or
one round of the notification sender, which removes its session between rounds), and a change to
the calendar clears it (``forget``), so that the session that made the change sees it too.
"""

from datetime import date, timedelta

from sqlalchemy import select

from hubapp.blueprints.workcalendar.models import HOLIDAY, WORKDAY, CalendarDay
from hubapp.extensions import db

CACHE_KEY = "calendar_days"


def _exceptions(year: int) -> dict[date, str]:
    """The listed days of ``year``: day → kind, read once per database session."""
    cache = db.session.info.setdefault(CACHE_KEY, {})
    if year not in cache:
        rows = db.session.execute(
            select(CalendarDay.day, CalendarDay.kind).where(
                CalendarDay.day >= date(year, 1, 1), CalendarDay.day <= date(year, 12, 31)
            )
        )
        cache[year] = {day: kind for day, kind in rows}
    return cache[year]


def forget() -> None:
    """Drop what this session read of the calendar (after it changed, or as a request begins)."""
    db.session.info.pop(CACHE_KEY, None)


def is_working_day(day: date) -> bool:
    kind = _exceptions(day.year).get(day)
    if kind is not None:
        return kind == WORKDAY
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


def year_is_listed(year: int) -> bool:
    """Whether staff (or the initial data) entered any holiday of ``year`` yet."""
    return HOLIDAY in _exceptions(year).values()


def holiday_runs(year: int) -> list[tuple[date, date, str]]:
    """The statutory holidays of ``year`` as runs: (first day, last day, name), in date order. A
    run is the whole break, weekends included, as the notice gives it (春节 2月15日至23日)."""
    names = dict(
        db.session.execute(
            select(CalendarDay.day, CalendarDay.name)
            .where(
                CalendarDay.kind == HOLIDAY, CalendarDay.day >= date(year, 1, 1), CalendarDay.day <= date(year, 12, 31)
            )
            .order_by(CalendarDay.day)
        ).all()
    )
    runs: list[tuple[date, date, str]] = []
    for day, name in names.items():
        if runs and runs[-1][2] == name and _only_weekend_between(runs[-1][1], day):
            runs[-1] = (runs[-1][0], day, name)
        else:
            runs.append((day, day, name))
    return runs


def _only_weekend_between(earlier: date, later: date) -> bool:
    """Whether the days strictly between are all Saturdays and Sundays (or there are none)."""
    day = earlier + timedelta(days=1)
    while day < later:
        if day.weekday() < 5:
            return False
        day += timedelta(days=1)
    return True


def makeup_working_days(year: int) -> list[date]:
    """Saturdays and Sundays of ``year`` that are working days (调休上班)."""
    return sorted(d for d, kind in _exceptions(year).items() if kind == WORKDAY and d.weekday() >= 5)



def working_days_between(start: date, end: date) -> int:
    """How many working days after ``start`` up to and including ``end`` (0 when ``end`` is not
    later): a demand received on Friday and closed on Monday took one working day."""
    return WorkingDayCounter(start, end).between(start, end)


class WorkingDayCounter:
    """``working_days_between`` for many pairs of days within ``first``–``last``: each day of the
    span is looked up once, so a year of demands costs a year of days, not a day per demand-day."""

    def __init__(self, first: date, last: date):
        self.first = first
        #: running[i]: working days from ``first`` (excluded) up to ``first + i`` (included).
        self.running = [0]
        for offset in range(1, (last - first).days + 1):
            self.running.append(self.running[-1] + is_working_day(first + timedelta(days=offset)))

    def between(self, start: date, end: date) -> int:
        if end <= start:
            return 0
        return self.running[(end - self.first).days] - self.running[(start - self.first).days]
