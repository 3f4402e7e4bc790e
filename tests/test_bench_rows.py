"""`make bench` keeps working as the domains change: every module's rows are built, and each of its
preparations and timed steps runs once, at full size, on the demo data (the pages it loads with
wrk are the app's own, which the rest of the suite covers). Twice a rule of a domain (check-in
opening times, the minutes' justified lines) had stopped the bench without any test noticing."""

import pytest

from bench import run
from bench.api import HttpRow, Prepare, TimedRow


@pytest.mark.bench
def test_every_bench_preparation_and_timed_step_runs_on_the_demo_data(app, demo):
    ran = []
    # As bench/run.py runs them: a POST request context, since rows write and build URLs.
    with app.test_request_context(method="POST"):
        for module in run.row_modules():
            for item in module.rows(app):
                assert isinstance(item, HttpRow | Prepare | TimedRow), (module.__name__, item)
                if isinstance(item, Prepare | TimedRow):
                    item.func()
                    ran.append(item.label)
    assert any("纪要 PDF" in label for label in ran) and any("签到表 PDF" in label for label in ran)
