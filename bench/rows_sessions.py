"""Benchmark rows of the sessions module: the public sign-up page a poster's QR opens, and the
sign-in sheet PDF of a full hall (100 people)."""

from datetime import timedelta

from sqlalchemy import select

from bench.api import HttpRow, Prepare, TimedRow
from hubapp import clock
from hubapp.blueprints.facilities import holds
from hubapp.blueprints.sessions import door, printing, signup
from hubapp.blueprints.sessions.models import SCHEDULED, Session
from hubapp.blueprints.sessions.planning import SessionPlan, create_session
from hubapp.blueprints.sessions.signup import SignupData
from hubapp.database import atomic
from hubapp.extensions import db
from hubapp.rules import RuleError

ROOM = "办事大厅洽谈区"
MINUTES_IN_A_DAY = 24 * 60


def _upcoming() -> Session:
    stmt = (
        select(Session)
        .where(Session.status == SCHEDULED, Session.start_at > clock.now())
        .order_by(Session.start_at)
        .limit(1)
    )
    return db.session.scalar(stmt)


def _full_hall() -> Session:
    """A session with 100 people expected: 50 signed up (the hall's seats) and 50 walk-ins. It
    starts within the next day and opens its door a day ahead, since walk-ins are added only
    once the door is open (sessions/door.py)."""
    room = next(holds.room(choice.value) for choice in holds.room_choices() if choice.label.startswith(ROOM))
    next_hour = clock.now().replace(minute=0, second=0) + timedelta(hours=1)
    for offset in range(23):
        start = next_hour + timedelta(hours=offset)
        plan = SessionPlan(
            kind="policy", title="基准测试：百人政策宣讲会", start=start, end=start + timedelta(hours=1),
            room_id=room.id, capacity=room.capacity, check_in_opens_minutes=MINUTES_IN_A_DAY,
        )  # fmt: skip
        try:
            with atomic():
                session = create_session(None, plan)
            break
        except RuleError:
            continue
    else:
        raise RuntimeError("no free hour in the next day for the benchmark session")
    for n in range(100):
        data = SignupData(
            enterprise_name=f"威海基准测试企业{n:03d}有限公司", attendee_name=f"参会人{n:03d}",
            phone=f"137{n:08d}", position="财务经理",
        )  # fmt: skip
        with atomic():
            if n < room.capacity:
                signup.register(None, session, data)
            else:
                door.add_walk_in(None, session, data)
    return session


def rows(app) -> list:
    upcoming = _upcoming()
    hall: dict[str, int] = {}

    def prepare():
        hall["id"] = _full_hall().id

    def signin_sheet():
        with app.test_request_context():
            return printing.signin_sheet_pdf(db.session.get(Session, hall["id"]))

    return [
        HttpRow("主题活动：公开报名页 /s/<id>", f"/s/{upcoming.id}"),
        HttpRow("主题活动：公开报名页 /s/<id>（回访者，带会话 cookie）", f"/s/{upcoming.id}", returning=True),
        HttpRow("主题活动：公开报名页 /s/<id>（已登录的工作人员，由 Flask 作答）", f"/s/{upcoming.id}", user="staff"),
        HttpRow("主题活动：可报名活动列表 /s/", "/s/"),
        HttpRow("主题活动：报名名单（工作人员）", f"/sessions/{upcoming.id}", user="staff"),
        Prepare("主题活动：准备100人到场的活动", prepare),
        TimedRow("主题活动：签到表 PDF（100人）", signin_sheet),
    ]
