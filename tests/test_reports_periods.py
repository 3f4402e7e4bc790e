"""The periods reports count over: slugs, labels, bounds, and what "up to today" means."""

from datetime import date

import pytest

from hubapp.blueprints.reports.periods import Period


@pytest.mark.parametrize(
    ("slug", "label", "start", "end"),
    [
        ("2026-11", "2026年11月", date(2026, 11, 1), date(2026, 12, 1)),
        ("2026-12", "2026年12月", date(2026, 12, 1), date(2027, 1, 1)),
        ("2026-q4", "2026年第四季度", date(2026, 10, 1), date(2027, 1, 1)),
        ("2026-q1", "2026年第一季度", date(2026, 1, 1), date(2026, 4, 1)),
        ("2026", "2026年", date(2026, 1, 1), date(2027, 1, 1)),
    ],
)
def test_a_slug_names_a_period_with_its_label_and_half_open_bounds(slug, label, start, end):
    period = Period.parse(slug)
    assert (period.label, period.start, period.end, period.slug) == (label, start, end, slug)


@pytest.mark.parametrize(
    "slug",
    [
        "",
        "2026-13",
        "2026-00",
        "2026-1",
        "2026-q5",
        "2026-q0",
        "1999",
        "2100-01",
        "２０２６",
        "2026-11 ",
        "x",
        "2026-Q4",
    ],
)
def test_anything_else_is_refused(slug):
    with pytest.raises(ValueError):
        Period.parse(slug)


def test_the_period_containing_a_day_and_its_neighbours():
    day = date(2026, 11, 30)
    assert Period.containing("month", day) == Period("month", 2026, 11)
    assert Period.containing("quarter", day) == Period("quarter", 2026, 4)
    assert Period.containing("year", day) == Period("year", 2026, 1)
    assert Period.parse("2026-q1").previous().slug == "2025-q4"
    assert Period.parse("2026-12").following().slug == "2027-01"
    with pytest.raises(ValueError):
        Period.containing("week", day)


def test_a_running_period_counts_up_to_today_and_a_past_one_to_its_end():
    today = date(2026, 11, 30)
    assert Period.parse("2026").until(today) == date(2026, 12, 1)
    assert Period.parse("2026-11").until(today) == date(2026, 12, 1)
    assert Period.parse("2026-q3").until(today) == date(2026, 10, 1)
    assert Period.parse("2026-q4").until(date(2026, 10, 15)) == date(2026, 10, 16)
