"""工作简报: the yearly 简报 PDF (its figures counted by ``centre_figures``, its text written, the 公文
laid out twice) with a year of data: 20,000 demands received this year, 2,000 themed sessions and
2,000 party joint activities. Last of the modules (``ORDER``): it grows tables the others time."""

from datetime import date, datetime, time, timedelta

from sqlalchemy import func, insert, select

from bench.api import Prepare, TimedRow
from hubapp import clock
from hubapp.blueprints.demands.models import CLOSED, KINDS, SUBMITTED, Demand
from hubapp.blueprints.directory.models import Enterprise
from hubapp.blueprints.facilities.models import Room
from hubapp.blueprints.party.models import ACTIVITY_KINDS, PartyActivity
from hubapp.blueprints.reports import briefing_printing, briefing_text
from hubapp.blueprints.reports.figures import centre_figures
from hubapp.blueprints.reports.models import Briefing
from hubapp.blueprints.reports.periods import YEAR, Period
from hubapp.blueprints.sessions.models import KINDS as SESSION_KINDS
from hubapp.blueprints.sessions.models import SCHEDULED, Session
from hubapp.extensions import db

ORDER = 96
DEMANDS = 20_000
SESSIONS = ACTIVITIES = 2_000
BATCH = 2_000
#: Above every number the demo and the other bench modules give a demand.
FIRST_SEQ = 500_000


def _days_this_year() -> list[date]:
    today = clock.today()
    first = date(today.year, 1, 1)
    return [first + timedelta(days=n) for n in range((today - first).days + 1)]


def _count(stmt) -> int:
    return db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0


def _demands() -> None:
    """Demands received this year up to ``DEMANDS``, one multi-row INSERT per batch."""
    days = _days_this_year()
    have = _count(select(Demand.id).where(Demand.received_on >= days[0]))
    enterprises = list(db.session.execute(select(Enterprise.id, Enterprise.grid_id)))
    kinds = list(KINDS)
    now = clock.now()
    for start in range(have, DEMANDS, BATCH):
        rows = []
        for n in range(start, min(start + BATCH, DEMANDS)):
            enterprise_id, grid_id = enterprises[n % len(enterprises)]
            received = days[n % len(days)]
            closed = {"status": CLOSED, "route": "direct", "answer": "已办结。", "satisfaction": "satisfied",
                      "closed_at": now} if n % 3 else {"status": SUBMITTED}  # fmt: skip
            rows.append(
                dict(
                    year=received.year, seq=FIRST_SEQ + n, kind=kinds[n % 4], enterprise_id=enterprise_id,
                    grid_id=grid_id, title=f"简报基准诉求{n}", description="企业反映的问题。", contact_name="王经理",
                    contact_mobile="13900000000", source="visit", received_on=received, created_at=now,
                    deadline=received + timedelta(days=14), supervision_count=0, **closed,
                )
            )  # fmt: skip
        db.session.execute(insert(Demand), rows)


def _sessions_and_activities() -> None:
    days = _days_this_year()
    room_id = db.session.scalar(select(Room.id).order_by(Room.id))
    now = clock.now()
    kinds = list(SESSION_KINDS)
    have = _count(select(Session.id).where(Session.start_at >= datetime.combine(days[0], time())))
    rows = []
    for n in range(have, SESSIONS):
        start = datetime.combine(days[n % len(days)], time(9 + n % 8))
        rows.append(
            dict(
                kind=kinds[n % len(kinds)], title=f"简报基准活动{n}", start_at=start, end_at=start + timedelta(hours=1),
                room_id=room_id, capacity=50, registered_count=0, needs_approval=False, status=SCHEDULED,
                created_at=now,
            )
        )  # fmt: skip
    if rows:
        db.session.execute(insert(Session), rows)
    activity_kinds = list(ACTIVITY_KINDS)
    have = _count(select(PartyActivity.id).where(PartyActivity.start_at >= datetime.combine(days[0], time())))
    rows = []
    for n in range(have, ACTIVITIES):
        start = datetime.combine(days[n % len(days)], time(14))
        rows.append(
            dict(
                kind=activity_kinds[n % len(activity_kinds)], theme=f"简报基准联建活动{n}", start_at=start,
                end_at=start + timedelta(hours=2), organiser="产业社区综合党委", attendance=20 + n % 30,
                place="党员组织生活教育馆", created_at=now,
            )
        )  # fmt: skip
    if rows:
        db.session.execute(insert(PartyActivity), rows)


def _prepare() -> None:
    _demands()
    _sessions_and_activities()


def _yearly_pdf() -> None:
    """What 印发 does for a yearly 简报: count the figures, write the text, lay the PDF out twice."""
    period = Period.containing(YEAR, clock.today())
    text = briefing_text.text(centre_figures(period))
    issue = Briefing(year=period.year, number=1, period_slug=period.slug, text=text)
    briefing_printing.briefing_pdf(issue, issued_on=clock.today())


def rows(app):
    return [
        Prepare("准备本年度20,000条诉求、2,000场主题活动和2,000次党建联建活动", _prepare),
        TimedRow("年度工作简报 PDF（统计、成文、排版，进程内生成，ms）", _yearly_pdf),
    ]
