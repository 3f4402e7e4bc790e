"""Demand rules on the service functions: numbering, working-day deadlines, every move and the
refused ones, supervision, who may act for which enterprise or department, the timeline and
audit rows, the database's own checks, and the statistics."""

from datetime import date, timedelta

import pytest
from factories import demands, directory
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from hubapp import audit, clock
from hubapp.blueprints.demands import moves, reading, statistics, visits
from hubapp.blueprints.demands.models import Demand, DemandEvent
from hubapp.blueprints.directory.models import Department
from hubapp.database import atomic
from hubapp.extensions import db
from hubapp.rules import Conflict, NotAllowed, RuleError
from hubapp.workdays import add_working_days


@pytest.fixture
def firms(users):
    """One enterprise in the grid worker's grid, one in another grid."""
    other = directory.grid(2, "二号网格")
    home = directory.enterprise(
        "威海汇科工控技术有限公司", "汇科工控", grid_id=users["grid_worker"].grids[0].id,
        contact_name="杨先生", contact_phone="13985263751",
    )  # fmt: skip
    away = directory.enterprise("威海鸿锐金属制品有限公司", "鸿锐金属", grid_id=other.id)
    return {"home": home, "away": away}


def department(short: str) -> Department:
    return db.session.scalar(select(Department).where(Department.short_name == short))


def raise_demand(users, enterprise, who="staff", **draft) -> Demand:
    """A demand raised by the user of role ``who`` (staff by default)."""
    return demands.demand(users[who], enterprise, **draft)


def transferred(users, firms, short="税务分局", **draft) -> Demand:
    """A demand of the home enterprise that staff transferred to the department ``short``."""
    return demands.transferred(users["staff"], firms["home"], department(short), **draft)


def timeline(demand) -> list[tuple]:
    events = db.session.scalars(select(DemandEvent).where(DemandEvent.demand_id == demand.id).order_by(DemandEvent.id))
    return [(e.action, e.from_status, e.to_status) for e in events]


# --- numbering and deadlines ---------------------------------------------------------------


def test_numbers_run_per_year_and_a_declined_number_is_not_reused(users, firms):
    year = clock.today().year
    first = raise_demand(users, firms["home"])
    second = raise_demand(users, firms["home"])
    assert (first.number, second.number) == (f"ZTC-{year}-001", f"ZTC-{year}-002")
    moves.decline(users["staff"], second, "不属于受理范围。")
    assert raise_demand(users, firms["home"]).number == f"ZTC-{year}-003"
    last_year = raise_demand(users, firms["home"], received_on=date(year - 1, 12, 30))
    assert last_year.number == f"ZTC-{year - 1}-001"


def test_the_deadline_skips_national_day_and_counts_the_make_up_saturday(app):
    # 2026: 10月1日—7日 holidays, 10月10日 (Saturday) a make-up workday; 9月25日 Mid-Autumn.
    assert add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert add_working_days(date(2026, 9, 30), 3) == date(2026, 10, 10)
    # 9月20日 is a Sunday worked in lieu.
    assert add_working_days(date(2026, 9, 18), 1) == date(2026, 9, 20)
    assert add_working_days(date(2026, 9, 24), 1) == date(2026, 9, 28)


def test_a_problem_gets_ten_working_days_from_the_day_received(users, firms):
    demand = raise_demand(users, firms["home"], received_on=date(2026, 9, 30))
    assert demand.deadline == date(2026, 10, 20)
    funding = raise_demand(users, firms["home"], kind="funding", received_on=date(2026, 9, 30))
    assert funding.deadline == add_working_days(date(2026, 9, 30), 20)


def test_beyond_the_calendar_data_monday_to_friday_count(app):
    # 2027年1月1日 is a Friday; the package has no 2027 notice yet.
    assert add_working_days(date(2027, 1, 1), 1) == date(2027, 1, 4)
    assert add_working_days(date(2026, 12, 31), 5) == date(2027, 1, 7)


# --- moves ---------------------------------------------------------------------------------


def test_direct_handling_to_closure_writes_timeline_and_audit(users, firms):
    staff = users["staff"]
    demand = raise_demand(users, firms["home"])
    moves.accept(staff, demand, users["admin"].id, "联系公交集团")
    assert demand.status == "handling" and demand.handler_id == users["admin"].id and demand.route == "direct"
    moves.answer(staff, demand, "K2路早班提前至6:40。")
    moves.close(staff, demand, "satisfied", "电话回访")
    assert demand.status == "closed" and demand.satisfaction == "satisfied" and demand.closed_at is not None
    assert timeline(demand) == [
        ("create", None, "submitted"),
        ("accept", "submitted", "handling"),
        ("answer", "handling", "answered"),
        ("close", "answered", "closed"),
    ]
    rows = [(e.action, e.from_state, e.to_state) for e in audit.entries_for("demand", demand.id)]
    assert rows == [
        ("demand.create", None, "submitted"),
        ("demand.accept", "submitted", "handling"),
        ("demand.answer", "handling", "answered"),
        ("demand.close", "answered", "closed"),
    ]


def test_a_transfer_is_answered_by_the_departments_liaison(users, firms):
    demand = transferred(users, firms)
    assert demand.status == "transferred" and demand.department.short_name == "税务分局"
    assert demand.deadline == clock.today() + timedelta(days=10)
    moves.answer(users["liaison"], demand, "已告知企业所缺材料。")
    assert demand.status == "answered" and demand.answered_by_id == users["liaison"].id
    assert timeline(demand)[-1] == ("answer", "transferred", "answered")


def test_moves_from_the_wrong_state_are_refused(users, firms):
    staff = users["staff"]
    demand = raise_demand(users, firms["home"])
    with pytest.raises(Conflict, match="待受理"):
        moves.answer(staff, demand, "已办")
    with pytest.raises(Conflict):
        moves.close(staff, demand, "satisfied")
    moves.accept(staff, demand)
    with pytest.raises(Conflict, match="办理中"):
        moves.accept(staff, demand)
    with pytest.raises(Conflict):
        moves.transfer(staff, demand, department("税务分局").id, "请办理", clock.today())
    assert demand.status == "handling" and len(timeline(demand)) == 2


def test_a_transfer_needs_a_department_a_note_and_a_deadline(users, firms):
    demand = raise_demand(users, firms["home"])
    with pytest.raises(RuleError) as error:
        moves.transfer(users["staff"], demand, None, "请办理", clock.today())
    assert error.value.field == "department_id"
    with pytest.raises(RuleError) as error:
        moves.transfer(users["staff"], demand, department("税务分局").id, "  ", clock.today())
    assert error.value.field == "note"
    with pytest.raises(RuleError) as error:
        moves.transfer(users["staff"], demand, department("税务分局").id, "请办理", clock.today() - timedelta(days=1))
    assert error.value.field == "deadline"
    assert demand.status == "submitted"


def test_decline_needs_a_reason(users, firms):
    demand = raise_demand(users, firms["home"])
    with pytest.raises(RuleError, match="不予受理的原因"):
        moves.decline(users["staff"], demand, "")
    moves.decline(users["staff"], demand, "属于企业之间的合同纠纷。")
    assert demand.status == "declined" and demand.decline_reason == "属于企业之间的合同纠纷。"
    with pytest.raises(Conflict):
        moves.accept(users["staff"], demand)


def test_closing_needs_satisfaction_and_an_unsatisfied_enterprise_sends_it_back(users, firms):
    staff = users["staff"]
    demand = transferred(users, firms)
    moves.answer(users["liaison"], demand, "已电话答复。")
    with pytest.raises(RuleError) as error:
        moves.close(staff, demand, None)
    assert error.value.field == "satisfaction"
    with pytest.raises(RuleError, match="不满意的诉求不能销号"):
        moves.close(staff, demand, "unsatisfied")
    assert demand.status == "answered"
    with pytest.raises(RuleError, match="退回原因"):
        moves.send_back(staff, demand, "transferred", "")
    moves.send_back(staff, demand, "transferred", "企业不满意：仍不清楚缺哪些材料。")
    assert demand.status == "transferred" and demand.answer is None and demand.department.short_name == "税务分局"
    moves.answer(users["liaison"], demand, "已上门逐项说明所缺材料。")
    moves.send_back(staff, demand, "handling", "由中心跟进。")
    assert demand.status == "handling" and demand.route == "direct"
    moves.answer(staff, demand, "中心陪同企业到税务窗口办结。")
    moves.close(staff, demand, "basic")
    assert demand.status == "closed" and demand.satisfaction_label == "基本满意"


def test_a_demand_never_transferred_cannot_go_back_to_a_department(users, firms):
    demand = raise_demand(users, firms["home"])
    moves.accept(users["staff"], demand)
    moves.answer(users["staff"], demand, "已办")
    with pytest.raises(RuleError, match="未曾转办"):
        moves.send_back(users["staff"], demand, "transferred", "不够")


def test_supervision_counts_keeps_the_state_and_is_in_timeline_and_audit(users, firms):
    demand = transferred(users, firms)
    moves.supervise(users["staff"], demand, "请于本周五前反馈。")
    moves.supervise(users["admin"], demand, "已逾期，请加快。")
    assert demand.status == "transferred"
    assert demand.supervision_count == 2 and demand.last_supervision_note == "已逾期，请加快。"
    assert timeline(demand)[-1] == ("supervise", "transferred", "transferred")
    assert [e.action for e in audit.entries_for("demand", demand.id)].count("demand.supervise") == 2
    with pytest.raises(RuleError, match="督办意见"):
        moves.supervise(users["staff"], demand, "")
    moves.answer(users["liaison"], demand, "已答复。")
    moves.close(users["staff"], demand, "satisfied")
    with pytest.raises(Conflict, match="无需督办"):
        moves.supervise(users["staff"], demand, "再催")


def test_a_stale_read_loses_to_the_move_made_meanwhile(users, firms):
    """The UPDATE is conditional on the old state: a writer that read "answered" before another
    closed it gets a conflict, not a second closure; its unit of work rolls back, the first stays."""
    demand = transferred(users, firms)
    with atomic():
        moves.answer(users["liaison"], demand, "已答复。")
        moves.close(users["staff"], demand, "satisfied")
    set_committed_value(demand, "status", "answered")  # what a second request read earlier
    with pytest.raises(Conflict, match="刚刚已被他人处理"), atomic():
        moves.close(users["admin"], demand, "basic")
    db.session.expire_all()
    assert demand.status == "closed" and demand.satisfaction == "satisfied"
    assert [a for a, _, _ in timeline(demand)].count("close") == 1


# --- who may act ---------------------------------------------------------------------------


def test_a_grid_worker_raises_and_visits_only_in_their_own_grid(users, firms):
    worker = users["grid_worker"]
    with pytest.raises(NotAllowed, match="不在您负责的网格"):
        raise_demand(users, firms["away"], who="grid_worker")
    with pytest.raises(NotAllowed):
        visits.log_visit(worker, firms["away"].id, clock.today(), ["safety"], None)
    visit = visits.log_visit(worker, firms["home"].id, clock.today(), ["party", "safety", "bogus"], "查看消防通道")
    assert visit.topic_labels == ["党的建设", "安全生产"]
    demand = raise_demand(users, firms["home"], who="grid_worker", visit_id=visit.id)
    assert demand.grid_id == firms["home"].grid_id and demand.visit_id == visit.id
    with pytest.raises(RuleError, match="至少选择一项"):
        visits.log_visit(worker, firms["home"].id, clock.today(), [], None)
    with pytest.raises(NotAllowed):
        moves.accept(worker, demand)


def test_a_liaison_sees_and_answers_only_their_departments_demands(users, firms):
    ours = transferred(users, firms, "税务分局")
    theirs = transferred(users, firms, "经济发展局")
    liaison = users["liaison"]
    assert reading.may_view(liaison, ours) and not reading.may_view(liaison, theirs)
    with pytest.raises(NotAllowed):
        moves.answer(liaison, theirs, "已办")
    listed = db.session.scalars(reading.department_query(liaison)).all()
    assert listed == [ours]
    with pytest.raises(NotAllowed):
        moves.supervise(liaison, ours, "催办")
    direct = raise_demand(users, firms["home"])
    moves.accept(users["staff"], direct)
    assert not reading.may_view(liaison, direct)
    with pytest.raises(NotAllowed):
        moves.answer(liaison, direct, "已办")


def test_a_contact_mobile_must_be_a_mobile_number(users, firms):
    with pytest.raises(RuleError) as error:
        raise_demand(users, firms["home"], contact_mobile="0631-3981001")
    assert error.value.field == "contact_mobile"


# --- the database's own checks -------------------------------------------------------------


@pytest.mark.parametrize(
    ("assignment", "why"),
    [
        ("status = 'lost'", "unknown state"),
        ("kind = 'wish'", "unknown list"),
        ("status = 'transferred'", "transferred without route and department"),
        ("status = 'closed', answer = 'x', route = 'direct'", "closed without satisfaction"),
        ("status = 'declined'", "declined without a reason"),
    ],
)
def test_the_database_refuses_an_inconsistent_demand(users, firms, assignment, why):
    demand_id = raise_demand(users, firms["home"]).id
    with pytest.raises(IntegrityError):
        db.session.execute(text(f"UPDATE demand SET {assignment} WHERE id = :id"), {"id": demand_id})
        db.session.flush()
    db.session.rollback()


def test_the_database_refuses_a_duplicate_number(users, firms):
    demand = raise_demand(users, firms["home"])
    twin = raise_demand(users, firms["home"])
    with pytest.raises(IntegrityError):
        db.session.execute(text("UPDATE demand SET seq = :seq WHERE id = :id"), {"seq": demand.seq, "id": twin.id})
    db.session.rollback()


# --- statistics ----------------------------------------------------------------------------


def test_statistics_count_per_list_department_and_month(users, firms):
    staff, today = users["staff"], clock.today()
    closed = transferred(users, firms)
    moves.answer(users["liaison"], closed, "已办结。")
    moves.close(staff, closed, "satisfied")
    late = raise_demand(users, firms["home"], kind="funding", received_on=today - timedelta(days=60))
    moves.supervise(staff, late, "已逾期。")
    raise_demand(users, firms["home"], kind="tech")
    stats = statistics.statistics(today.year)
    assert stats.headline == f"{today.year}年共收集各类诉求3个，已推动解决1个。"
    kinds = {k["kind"]: k for k in stats.kinds}
    assert (kinds["problem"]["total"], kinds["problem"]["closed"]) == (1, 1)
    assert (kinds["funding"]["progress"], kinds["funding"]["overdue"]) == (1, 1)
    assert kinds["tech"]["overdue"] == 0
    assert stats.departments == [
        {
            "id": department("税务分局").id, "name": "国家税务总局威海南海新区税务局", "transferred": 1, "answered": 1,
            "on_time": 1, "waiting": 0, "on_time_rate": "100.0%", "satisfaction_rate": "100.0%", "unsatisfied": 0,
            "signing_rate": "—", "cohandled": 0, "co_opinions": 0, "on_time_percent": 100.0, "satisfaction_percent": 100.0,
        }
    ]  # fmt: skip
    this_month = next(m for m in stats.months if m["month"] == today.month)
    assert this_month["closed"] == 1
