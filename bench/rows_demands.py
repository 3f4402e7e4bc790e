"""Demands: the staff list (first page of the newest, with the four-list tab counts), the
statistics page and the monthly 通报 PDF — first with 2,000 demands received this year (the
issue's bar: the PDF in under 2 s), then when the database holds 20,000 demands."""

from datetime import date, timedelta

from sqlalchemy import func, insert, select

from bench.api import HttpRow, Prepare, TimedRow
from hubapp import clock
from hubapp.blueprints.demands.models import CLOSED, KINDS, SUBMITTED, Demand
from hubapp.blueprints.demands.report_views import bulletin_pdf
from hubapp.blueprints.directory.models import Enterprise
from hubapp.extensions import db
from hubapp.params import shift_month

TARGET = 20_000
THIS_YEAR = 2_000
BATCH = 2_000


def _fill(target: int, days: int, first_seq: int) -> None:
    """Grow the table to ``target`` demands received over the last ``days`` days, with one
    multi-row INSERT per batch: going through ``create_demand`` would time 20,000 rounds of rules
    and audit rows, not the pages."""
    have = db.session.scalar(select(func.count()).select_from(Demand)) or 0
    enterprises = list(db.session.execute(select(Enterprise.id, Enterprise.grid_id)))
    today = clock.today()
    kinds = list(KINDS)
    for start in range(have, target, BATCH):
        rows = []
        for n in range(start, min(start + BATCH, target)):
            enterprise_id, grid_id = enterprises[n % len(enterprises)]
            received = today - timedelta(days=n % days)
            closed = n % 3 != 0
            rows.append(
                dict(
                    year=received.year, seq=first_seq + n, kind=kinds[n % 4], enterprise_id=enterprise_id, grid_id=grid_id,
                    title=f"基准测试诉求{n}", description="企业反映的问题。", contact_name="王经理",
                    contact_mobile="13900000000", source="phone", received_on=received, created_at=clock.now(),
                    deadline=received + timedelta(days=14), supervision_count=0,
                    **({"status": CLOSED, "route": "direct", "answer": "已办结。", "satisfaction": "satisfied",
                        "closed_at": clock.now()} if closed else {"status": SUBMITTED}),
                )
            )  # fmt: skip
        db.session.execute(insert(Demand), rows)


def _this_year() -> None:
    """2,000 demands, all received since 1 January (or over the last 60 days in January)."""
    today = clock.today()
    _fill(THIS_YEAR, max((today - date(today.year, 1, 1)).days, 60), 100_000)


def _twenty_thousand() -> None:
    _fill(TARGET, 700, 200_000)


def _last_months_pdf() -> None:
    bulletin_pdf(shift_month(clock.today().replace(day=1), -1))


def rows(app):
    # The PDF is timed in-process, not loaded with wrk: at seconds per page, wrk's connections
    # time out and its table reads 0 req/s, which says nothing about the time one print takes.
    return [
        Prepare("准备本年度2,000条企业诉求", _this_year),
        HttpRow("诉求统计页（本年2,000条）/demands/statistics", "/demands/statistics", user="staff"),
        TimedRow("月度通报 PDF（本年2,000条，进程内生成，ms）", _last_months_pdf),
        Prepare("准备20,000条企业诉求", _twenty_thousand),
        HttpRow("企业诉求列表（20,000条）/demands/", "/demands/", user="staff"),
        HttpRow("诉求统计页（20,000条）/demands/statistics", "/demands/statistics", user="staff"),
        HttpRow("诉求统计页·按承办部门（20,000条）", "/demands/statistics?by=department", user="staff"),
        TimedRow("月度通报 PDF（20,000条，进程内生成，ms）", _last_months_pdf),
    ]
