"""Benchmark rows of the sessions module: the public sign-up page a poster's QR opens, and the
sign-in sheet PDF of a full hall (100 people)."""

from datetime import datetime, time, timedelta

from sqlalchemy import select

from bench.api import HttpRow, Prepare, TimedRow
from hubapp import clock
from hubapp.blueprints.facilities import services as facilities
from hubapp.blueprints.sessions import exports, services
from hubapp.blueprints.sessions.models import SCHEDULED, Session
from hubapp.blueprints.sessions.services import SessionError, SessionPlan, SignupData
from hubapp.extensions import db

ROOM = "办事大厅洽谈区"


def _upcoming() -> Session:
    stmt = (
        select(Session)
        .where(Session.status == SCHEDULED, Session.start_at > clock.now())
        .order_by(Session.start_at)
        .limit(1)
    )
    return db.session.scalar(stmt)


def _full_hall() -> Session:
    """A session with 100 people expected: 50 signed up (the hall's seats) and 50 walk-ins."""
    room = next(r for r in facilities.rooms() if r.name == ROOM)
    for offset in range(30, 80):
        start = datetime.combine(clock.today() + timedelta(days=offset), time(9))
        plan = SessionPlan(
            kind="policy", title="基准测试：百人政策宣讲会", start=start, end=start + timedelta(hours=2),
            room_id=room.id, capacity=room.capacity,
        )  # fmt: skip
        try:
            session = services.create_session(plan, actor_id=None)
            break
        except SessionError:
            continue
    else:
        raise RuntimeError("no free morning for the benchmark session")
    for n in range(100):
        data = SignupData(
            enterprise_name=f"威海基准测试企业{n:03d}有限公司", attendee_name=f"参会人{n:03d}",
            phone=f"137{n:08d}", position="财务经理",
        )  # fmt: skip
        if n < room.capacity:
            services.register(session.id, data)
        else:
            services.add_walk_in(session, data, actor_id=None)
    db.session.commit()
    return session


def rows(app) -> list:
    upcoming = _upcoming()
    hall: dict[str, int] = {}

    def prepare():
        hall["id"] = _full_hall().id

    def signin_sheet():
        with app.test_request_context():
            return exports.signin_sheet_pdf(services.get_session(hall["id"]))

    return [
        HttpRow("主题活动：公开报名页 /s/<id>", f"/s/{upcoming.id}"),
        HttpRow("主题活动：报名名单（工作人员）", f"/sessions/{upcoming.id}", user="staff"),
        Prepare("主题活动：准备100人到场的活动", prepare),
        TimedRow("主题活动：签到表 PDF（100人）", signin_sheet),
    ]
