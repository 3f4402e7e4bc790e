"""A randomized year (seeded) for the reports' tests, built through the domains' services over last
year: a few hundred demands, grid visits (some to an enterprise deactivated since), room bookings in
every state (some running past midnight into the next month), sessions with check-ins, joint
activities, placements (some imported, one list twice), training courses and meetings with decisions."""

import io
import random
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from openpyxl import Workbook

from factories import demands as demand_factory
from factories import directory, party
from factories import meetings as meeting_factory
from factories.accounts import account
from factories.facilities import booking as make_booking
from factories.facilities import room as make_room
from factories.sessions import signup_data
from hubapp import clock
from hubapp.blueprints.cooperation import placement_import
from hubapp.blueprints.cooperation import services as cooperation
from hubapp.blueprints.demands import moves, outcomes
from hubapp.blueprints.demands.models import TOPICS
from hubapp.blueprints.demands.moves import DemandDraft
from hubapp.blueprints.facilities import bookings
from hubapp.blueprints.facilities.models import CANCELLED, CHECKED_IN, CONFIRMED, NO_SHOW, SHARED
from hubapp.blueprints.meetings import decisions
from hubapp.blueprints.party import organisations
from hubapp.blueprints.sessions import door, planning, signup
from hubapp.blueprints.sessions.planning import SessionPlan
from hubapp.database import atomic

YEAR = date.today().year - 1
KINDS = ("problem", "tech", "funding", "support")


@contextmanager
def clock_at(monkeypatch, moment: datetime):
    """The services read the centre's clock; a past session's sign-up and check-in happen then."""
    with monkeypatch.context() as patch:
        patch.setattr(clock, "now", lambda: moment)
        yield


def day_of(rng: random.Random) -> date:
    return date(YEAR, 1, 1) + timedelta(days=rng.randrange(365 if YEAR % 4 else 366))


def at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour))


def _demands(rng, staff, firms) -> None:
    for index in range(220):
        received = day_of(rng)
        kind = rng.choice(KINDS)
        firm = rng.choice(firms)
        with atomic():
            demand = moves.create_demand(staff, DemandDraft(
                enterprise_id=firm.id, kind=kind, title=f"随机诉求{index}", description="测试数据。",
                contact_name="王先生", contact_mobile="13985263751", source="visit", received_on=received,
            ), at=at(received))  # fmt: skip
            fate = rng.random()
            if fate < 0.08:
                moves.decline(staff, demand, "不属于受理范围。", at=at(received, 15))
                continue
            if fate < 0.25:
                continue
            moves.accept(staff, demand, staff.id, "中心直办。", at=at(received + timedelta(days=1)))
            if fate < 0.4:
                continue
            answered = received + timedelta(days=rng.randint(2, 40))
            moves.answer(staff, demand, "已办理。", at=at(answered, 16))
            if kind == "funding":
                amount = Decimal(rng.choice(["50", "120.5", "300", "0.25"]))
                outcomes.record(staff, demand, outcomes.Outcome(funding_amount=amount, funding_instrument="loan"))
            elif rng.random() < 0.3:
                outcomes.record(staff, demand, outcomes.Outcome(jobs_filled=rng.randint(1, 9)))
            if fate < 0.55:
                continue
            moves.close(staff, demand, rng.choice(["satisfied", "basic"]), at=at(answered + timedelta(days=2), 11))


def _visits(rng, grids, firms) -> None:
    """Visits all year by one grid worker of every grid; the last enterprise is visited in March
    only (it is deactivated later, and still counts in the periods it was visited)."""
    worker = account("random_grid_worker", "grid_worker", name="随机网格员", grids=grids)
    planned = [(rng.choice(firms[:-1]), day_of(rng)) for _ in range(150)]
    planned += [(firms[-1], date(YEAR, 3, 3)), (firms[-1], date(YEAR, 3, 27))]
    for firm, day in planned:
        demand_factory.visit(worker, firm, day, rng.sample(list(TOPICS), 2), at=at(day, 18))


def _bookings(rng, staff) -> None:
    """Bookings of an exclusive and a shared room, open from 8:00 to 2:00, in every state a booking
    ends in; the late ones start on a month's last day and end the next month."""
    exclusive = make_room("随机路演厅", opens=time(8), closes=time(2))
    shared = make_room("随机共享工位", mode=SHARED, capacity=12, opens=time(8), closes=time(2))
    planned = [(exclusive, date(YEAR, 1, 1) + timedelta(days=offset), "10:00", "12:30", 1)
               for offset in rng.sample(range(365), 30)]  # fmt: skip
    planned += [(exclusive, date(YEAR, month + 1, 1) - timedelta(days=1), "22:00", "01:00", 1) for month in (3, 6, 9)]
    planned += [(shared, day_of(rng), "14:00", "16:30", rng.randint(1, 6)) for _ in range(25)]
    for room, day, start, end, headcount in planned:
        made = make_booking(room, day, start, end, headcount=headcount, allow_past=True)
        fate = rng.choice((CONFIRMED, CHECKED_IN, NO_SHOW, CANCELLED))
        if fate != CONFIRMED:
            with atomic():
                bookings.change_status(staff, made, fate, "临时取消。" if fate == CANCELLED else None)


def _sessions(rng, monkeypatch, staff) -> None:
    hall = make_room("办事大厅洽谈区", capacity=60)
    # One session a day at most: the hall is exclusive.
    for index, offset in enumerate(rng.sample(range(365), 24)):
        start = at(date(YEAR, 1, 1) + timedelta(days=offset), 14)
        with atomic():
            session = planning.create_session(staff, SessionPlan(
                kind="tax", title=f"随机活动{index}", start=start, end=start + timedelta(hours=2), room_id=hall.id,
                capacity=20,
            ), allow_past=True)  # fmt: skip
        people = rng.randint(0, 8)
        with clock_at(monkeypatch, start - timedelta(days=2)), atomic():
            registrations = [
                signup.register(None, session, signup_data(f"1398526{index:02d}{n:02d}")) for n in range(people)
            ]
        with clock_at(monkeypatch, start), atomic():
            for registration in registrations:
                if rng.random() < 0.7:
                    door.check_in(staff, registration)
        if index % 9 == 4:
            with atomic():
                planning.cancel_session(staff, session, "主讲人临时有事。")


def _party(rng, firms) -> None:
    branches = [party.organisation(f"随机联合党支部{i}", firms[i * 3 : i * 3 + 3]) for i in range(3)]
    branches += [party.organisation(f"随机党支部{i}", [firms[10 + i]]) for i in range(4)]
    with atomic():
        organisations.set_active(None, branches[2], False, "企业迁出")
    active = [b for b in branches if b.active]
    for index in range(30):
        start = at(day_of(rng), 14)
        party.activity(
            f"随机主题党日{index}", rng.sample(active, rng.randint(2, 4)), start, start + timedelta(hours=2),
            attendance=rng.randint(5, 60),
        )  # fmt: skip


def _placement_list(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["企业名称", "开始日期", "结束日期", "人数"])
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cooperation(rng, staff, firms) -> None:
    with atomic():
        partners = [
            cooperation.create_partner(staff, cooperation.PartnerDetails(name, "college"))
            for name in ("吉林大学威海仿生研究院", "山东铝业职业学院")
        ]
        for _ in range(45):
            start = day_of(rng)
            # Many run across a month's or a quarter's end: they count in the period they start in.
            cooperation.create_placement(staff, cooperation.PlacementDetails(
                rng.choice(partners).id, rng.choice(firms).id, start, start + timedelta(days=rng.randint(5, 120)),
                rng.randint(1, 80),
            ))  # fmt: skip
        for index in range(10):
            cooperation.create_project(staff, cooperation.ProjectDetails(
                "training", rng.choice(partners).id, f"随机技能培训{index}", "done", day_of(rng),
                qualified=rng.randint(0, 30),
            ))  # fmt: skip
    rows = []
    for _ in range(12):
        start = day_of(rng)
        rows.append((rng.choice(firms).name, start, start + timedelta(days=30), rng.randint(1, 40)))
    data = _placement_list(rows)
    for _ in range(2):  # the same list imported twice counts once
        with atomic():
            placement_import.import_placements(staff, partners[1].id, data)


def _meetings(rng, staff, admin) -> None:
    tax = meeting_factory.department("税务分局")
    for index in range(8):
        start = at(day_of(rng), 9)
        meeting = meeting_factory.meeting(staff, start=start, theme=f"随机恳谈会{index}")
        with atomic():
            made = [
                decisions.add_decision(
                    staff, meeting, f"随机议定事项{index}-{n}", tax.id, None, start.date() + timedelta(days=30)
                )
                for n in range(rng.randint(1, 3))
            ]
            meeting_factory.planning.add_attendee(staff, meeting, "present", tax.name, "王强")
            meeting_factory.planning.add_agenda_item(staff, meeting, "通报", "人社局")
        if index == 7:
            continue  # minutes never issued: its decisions are still a draft and count nowhere
        meeting_factory.issue(meeting, admin, staff)
        with atomic():
            for decision in made:
                if rng.random() < 0.5:
                    decisions.complete_decision(staff, decision, "已完成。", done_at=start + timedelta(days=5))


def random_year(users, monkeypatch) -> list:
    """The year's data; returns its enterprises, the last one deactivated."""
    rng = random.Random(20261130)
    staff, admin = users["staff"], users["admin"]
    grids = [directory.grid(n, f"{n}号网格") for n in range(2, 6)]
    firms = [
        directory.enterprise(
            f"威海随机企业{i:02d}有限公司",
            f"随机{i:02d}",
            grid_id=rng.choice(grids).id,
            above_designated_size=i % 3 == 0,
        )
        for i in range(30)
    ]
    _visits(rng, grids, firms)
    directory.deactivated(firms[-1])
    _demands(rng, staff, firms[:-1])
    _bookings(rng, staff)
    _sessions(rng, monkeypatch, staff)
    _party(rng, firms)
    _cooperation(rng, staff, firms[:-1])
    _meetings(rng, staff, admin)
    return firms
