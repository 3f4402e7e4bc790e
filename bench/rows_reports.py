"""Reports: the leaders' dashboard (工作概览) of this year, its quarter and its month, and the
yearly 工作简报 PDF, once the database holds a year of data — 20,000 demands received this year, 2,000 joint activities and
2,000 sessions with 10 check-ins each, and 2,000 实习实训 placements."""

import secrets
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, insert, select

from bench.api import HttpRow, Prepare, TimedRow
from hubapp import clock
from hubapp.blueprints.cooperation.models import Partner, Placement
from hubapp.blueprints.demands.models import CLOSED, KINDS, SUBMITTED, Demand
from hubapp.blueprints.directory.models import Enterprise
from hubapp.blueprints.facilities.models import Room
from hubapp.blueprints.party.models import PartyActivity
from hubapp.blueprints.reports import briefing_printing, briefing_text
from hubapp.blueprints.reports.figures import centre_figures
from hubapp.blueprints.reports.models import Briefing
from hubapp.blueprints.reports.periods import Period
from hubapp.blueprints.sessions.models import REGISTERED, SCHEDULED, Registration, Session
from hubapp.extensions import db

DEMANDS = 20_000
ACTIVITIES = 2_000
SESSIONS = 2_000
PLACEMENTS = 2_000
CHECK_INS = 10
BATCH = 2_000


def _days_so_far() -> int:
    """The days of this year up to today (at least 60, so that January still spreads the rows)."""
    today = clock.today()
    return max((today - date(today.year, 1, 1)).days + 1, 60)


def _day(n: int) -> date:
    """The ``n``-th row's day: spread over this year up to today, the latest first."""
    return clock.today() - timedelta(days=n % _days_so_far())


def _insert(model, rows) -> None:
    for start in range(0, len(rows), BATCH):
        db.session.execute(insert(model), rows[start : start + BATCH])


def _demands() -> None:
    """Grow this year's demands to 20,000 with multi-row INSERTs (rows_demands.py's way: the
    services would time 20,000 rounds of rules and audit rows, not the dashboard)."""
    first = date(clock.today().year, 1, 1)
    have = db.session.scalar(select(func.count()).select_from(Demand).where(Demand.received_on >= first)) or 0
    enterprises = list(db.session.execute(select(Enterprise.id, Enterprise.grid_id)))
    kinds, now = list(KINDS), clock.now()
    rows = []
    for n in range(have, DEMANDS):
        enterprise_id, grid_id = enterprises[n % len(enterprises)]
        received = _day(n)
        closed = n % 3 != 0
        rows.append(dict(
            year=received.year, seq=300_000 + n, kind=kinds[n % 4], enterprise_id=enterprise_id, grid_id=grid_id,
            title=f"看板基准诉求{n}", description="企业反映的问题。", contact_name="王经理", contact_mobile="13900000000",
            source="phone", received_on=received, created_at=now, deadline=received + timedelta(days=14),
            supervision_count=0,
            **({"status": CLOSED, "route": "direct", "answer": "已办结。", "satisfaction": "satisfied",
                "closed_at": datetime.combine(min(received + timedelta(days=n % 20), clock.today()), time(10))}
               if closed else {"status": SUBMITTED}),
        ))  # fmt: skip
    _insert(Demand, rows)


def _activities() -> None:
    now = clock.now()
    rows = []
    for n in range(ACTIVITIES):
        start = datetime.combine(_day(n), time(14))
        rows.append(dict(
            kind="theme_day", theme=f"看板基准主题党日{n}", start_at=start, end_at=start + timedelta(hours=2),
            organiser="产业社区综合党委", attendance=20 + n % 40, place="企业会议室", created_at=now, version=1,
        ))  # fmt: skip
    _insert(PartyActivity, rows)


def _sessions() -> None:
    """Sessions with their rows only (no room bookings: the dashboard reads sessions and their
    check-ins, and 2,000 bookings of one room would all overlap)."""
    room_id = db.session.scalar(select(Room.id).order_by(Room.id).limit(1))
    now = clock.now()
    sessions = []
    for n in range(SESSIONS):
        start = datetime.combine(_day(n), time(9))
        sessions.append(dict(
            kind="policy", title=f"看板基准活动{n}", start_at=start, end_at=start + timedelta(hours=2), room_id=room_id,
            capacity=50, registered_count=CHECK_INS, status=SCHEDULED, created_at=now, version=1, needs_approval=False,
        ))  # fmt: skip
    _insert(Session, sessions)
    ids = list(db.session.scalars(select(Session.id).where(Session.title.like("看板基准活动%"))))
    registrations = [
        dict(
            session_id=session_id, status=REGISTERED, enterprise_name="威海基准测试企业有限公司", attendee_name=f"参会人{k}",
            phone=f"136{k:08d}", token=secrets.token_hex(16), created_at=now, checked_in_at=now,
        )
        for session_id in ids
        for k in range(CHECK_INS)
    ]  # fmt: skip
    _insert(Registration, registrations)


def _placements() -> None:
    partner_id = db.session.scalar(select(Partner.id).order_by(Partner.id).limit(1))
    enterprises = list(db.session.scalars(select(Enterprise.id)))
    rows = [
        dict(partner_id=partner_id, enterprise_id=enterprises[n % len(enterprises)], start_on=_day(n),
             end_on=_day(n) + timedelta(days=30), students=1 + n % 30, note="基准测试")
        for n in range(PLACEMENTS)
    ]  # fmt: skip
    _insert(Placement, rows)


def _year_of_data() -> None:
    _demands()
    _activities()
    _sessions()
    _placements()


def _yearly_briefing_pdf() -> None:
    """What 印发 does for a yearly 简报: count the figures, write the text, lay the 公文 out twice."""
    period = Period.containing("year", clock.today())
    text = briefing_text.text(centre_figures(period))
    briefing_printing.briefing_pdf(Briefing(year=period.year, number=1, period_slug=period.slug, text=text), clock.today())


def rows(app):
    today = clock.today()
    quarter, month = Period.containing("quarter", today), Period.containing("month", today)
    return [
        Prepare(
            "准备本年度数据：20,000条诉求、2,000次联建活动、2,000场主题活动（各10人签到）、2,000条实习实训",
            _year_of_data,
        ),
        HttpRow("工作概览（本年度）/reports/", "/reports/", user="staff"),
        HttpRow(f"工作概览（本季度）/reports/?period={quarter.slug}", f"/reports/?period={quarter.slug}", user="staff"),
        HttpRow(f"工作概览（本月）/reports/?period={month.slug}", f"/reports/?period={month.slug}", user="staff"),
        # Timed in-process, as the other PDFs: at a fraction of a second each, wrk would time out.
        TimedRow("年度工作简报 PDF（统计、成文、排版，进程内生成，ms）", _yearly_briefing_pdf),
    ]
