"""Demands: the staff list (first page of the newest, with the four-list tab counts) when the
database holds 20,000 demands."""

from datetime import timedelta

from sqlalchemy import func, insert, select

from bench.api import HttpRow, Prepare
from hubapp import clock
from hubapp.blueprints.demands.models import CLOSED, KINDS, SUBMITTED, Demand
from hubapp.blueprints.directory.models import Enterprise
from hubapp.extensions import db

TARGET = 20_000
BATCH = 2_000


def _fill() -> None:
    """Grow the table to 20,000 demands with one multi-row INSERT per batch: going through
    ``create_demand`` would time 20,000 rounds of rules and audit rows, not the list page."""
    have = db.session.scalar(select(func.count()).select_from(Demand)) or 0
    enterprises = list(db.session.execute(select(Enterprise.id, Enterprise.grid_id)))
    today = clock.today()
    kinds = list(KINDS)
    for start in range(have, TARGET, BATCH):
        rows = []
        for n in range(start, min(start + BATCH, TARGET)):
            enterprise_id, grid_id = enterprises[n % len(enterprises)]
            received = today - timedelta(days=n % 700)
            closed = n % 3 != 0
            rows.append(
                dict(
                    year=received.year, seq=100_000 + n, kind=kinds[n % 4], enterprise_id=enterprise_id, grid_id=grid_id,
                    title=f"基准测试诉求{n}", description="企业反映的问题。", contact_name="王经理",
                    contact_mobile="13900000000", source="phone", received_on=received, created_at=clock.now(),
                    deadline=received + timedelta(days=14), supervision_count=0,
                    **({"status": CLOSED, "route": "direct", "answer": "已办结。", "satisfaction": "satisfied",
                        "closed_at": clock.now()} if closed else {"status": SUBMITTED}),
                )
            )  # fmt: skip
        db.session.execute(insert(Demand), rows)


def rows(app):
    return [
        Prepare("准备20,000条企业诉求", _fill),
        HttpRow("企业诉求列表（20,000条）/demands/", "/demands/", user="staff"),
    ]
