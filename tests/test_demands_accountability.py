"""Accountability of the demand loop (issue 14): deadline warnings counted in working days."""

from datetime import date, datetime

import pytest

from hubapp import clock
from hubapp.blueprints.demands import moves, reading
from hubapp.blueprints.demands.models import DUE_SOON, OVERDUE
from hubapp.database import atomic
from tests.test_demands_services import firms, raise_demand, transferred  # noqa: F401  (fixture)


def on_day(monkeypatch, day: date) -> None:
    """The centre's clock reads ``day``, 10:00."""
    monkeypatch.setattr(clock, "now", lambda: datetime(day.year, day.month, day.day, 10, 0))


# --- warnings --------------------------------------------------------------------------------
# 2026: 10月1日—7日 National Day holidays, 10月10日 (Saturday) a make-up working day. From
# 9月30日 the third working day is 10月10日: a demand due then is 即将到期, one due 10月12日 not.


@pytest.fixture
def national_day(monkeypatch, users, firms):
    on_day(monkeypatch, date(2026, 9, 29))
    demands = {
        "makeup_day": raise_demand(users, firms["home"], title="补班日到期", deadline=date(2026, 10, 10)),
        "after": raise_demand(users, firms["home"], title="节后周一到期", deadline=date(2026, 10, 12)),
        "closed_early": raise_demand(users, firms["home"], title="已不予受理", deadline=date(2026, 10, 9)),
    }
    with atomic():
        moves.decline(users["staff"], demands["closed_early"], "不属于受理范围。")
    on_day(monkeypatch, date(2026, 9, 30))
    return demands


def test_due_soon_counts_working_days_across_the_holiday_and_the_make_up_day(national_day):
    today = date(2026, 9, 30)
    assert national_day["makeup_day"].warning(today) == DUE_SOON
    assert national_day["after"].warning(today) is None
    assert national_day["closed_early"].warning(today) is None  # nobody owes an answer any more
    assert national_day["after"].warning(date(2026, 10, 9)) == DUE_SOON
    assert national_day["after"].warning(date(2026, 10, 13)) == OVERDUE


def test_the_list_shows_yellow_and_red_and_filters_the_due_soon(auth, client, national_day, monkeypatch):
    auth.login("staff")
    page = client.get("/demands/").get_data(as_text=True)
    assert page.count("warning-due-soon") == 1 and 'class="due_soon"' in page
    soon = client.get("/demands/?due=soon").get_data(as_text=True)
    assert "补班日到期" in soon and "节后周一到期" not in soon
    on_day(monkeypatch, date(2026, 10, 14))
    late = client.get(f"/demands/{national_day['after'].id}").get_data(as_text=True)
    assert "已超期2天" in late


def test_the_home_panels_count_the_due_soon(auth, client, users, firms, national_day):
    auth.login("staff")
    assert "即将到期 1 件" in client.get("/").get_data(as_text=True)
    transferred(users, firms, deadline=date(2026, 10, 8))
    auth.logout()
    auth.login("liaison")
    home = client.get("/").get_data(as_text=True)
    assert "即将到期 1 件" in home
    assert "warning-due-soon" in client.get("/demands/department").get_data(as_text=True)
    assert reading.home_counts(users["liaison"])["due_soon"] == 1
