"""工作简报 created at the same moment through a real multi-worker server get the numbers 第1期,
第2期 … of the year, each once (numbering writers take turns; a unique constraint behind them)."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from conftest import csrf_token_from

from hubapp import clock
from hubapp.blueprints.reports.models import Briefing
from hubapp.extensions import db

pytestmark = pytest.mark.server


def test_concurrent_briefings_get_distinct_numbers(users, live_server):
    server = live_server(workers=4)
    sessions = [server.session("staff") for _ in range(6)]
    tokens = [csrf_token_from(s.get(server.url + "/reports/briefings/new").text) for s in sessions]
    periods = ["year", "q", "month"]
    today = clock.today()
    slugs = {"year": str(today.year), "q": f"{today.year}-q{(today.month - 1) // 3 + 1}", "month": f"{today:%Y-%m}"}

    def create(index: int) -> int:
        return (
            sessions[index]
            .post(
                server.url + "/reports/briefings/new",
                data={"csrf_token": tokens[index], "period": slugs[periods[index % 3]]},
                allow_redirects=False,
            )
            .status_code
        )

    with ThreadPoolExecutor(max_workers=6) as pool:
        codes = list(pool.map(create, range(6)))
    assert codes == [303] * 6
    db.session.rollback()
    numbers = sorted(db.session.scalars(db.select(Briefing.number).where(Briefing.year == today.year)))
    assert numbers == [1, 2, 3, 4, 5, 6]
