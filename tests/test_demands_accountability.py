"""Accountability of the demand loop (issue 14): deadline warnings counted in working days, and a
department's 签收, 退单 and 延期 with staff re-routing and deciding; on the services, the pages and the
database's own checks."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from hubapp import clock
from hubapp.audit import AuditEntry
from hubapp.blueprints.demands import liaison, moves, outcomes, reading, statistics
from hubapp.blueprints.demands.models import DUE_SOON, OVERDUE, Demand, DemandEvent
from hubapp.database import atomic
from hubapp.extensions import db
from hubapp.rules import Conflict, NotAllowed, RuleError
from tests.test_demands_services import department, firms, raise_demand, transferred  # noqa: F401  (fixture)

HTMX = {"HX-Request": "true"}


def on_day(monkeypatch, day: date) -> None:
    """The centre's clock reads ``day``, 10:00."""
    monkeypatch.setattr(clock, "now", lambda: datetime(day.year, day.month, day.day, 10, 0))


# --- warnings --------------------------------------------------------------------------------
# 2026: 10月1日—7日 National Day holidays, 10月10日 (Saturday) a make-up working day. From
# 9月30日 the third working day is 10月10日: a demand due then is 即将到期, one due 10月12日 not.


@pytest.fixture
def national_day(monkeypatch, users, firms):
    on_day(monkeypatch, date(2026, 9, 29))
    demands = {
        "makeup_day": raise_demand(users, firms["home"], title="补班日到期", deadline=date(2026, 10, 10)),
        "after": raise_demand(users, firms["home"], title="节后周一到期", deadline=date(2026, 10, 12)),
        "closed_early": raise_demand(users, firms["home"], title="已不予受理", deadline=date(2026, 10, 9)),
    }
    with atomic():
        moves.decline(users["staff"], demands["closed_early"], "不属于受理范围。")
    on_day(monkeypatch, date(2026, 9, 30))
    return demands


def test_due_soon_counts_working_days_across_the_holiday_and_the_make_up_day(national_day):
    today = date(2026, 9, 30)
    assert national_day["makeup_day"].warning(today) == DUE_SOON
    assert national_day["after"].warning(today) is None
    assert national_day["closed_early"].warning(today) is None  # nobody owes an answer any more
    assert national_day["after"].warning(date(2026, 10, 9)) == DUE_SOON
    assert national_day["after"].warning(date(2026, 10, 13)) == OVERDUE


def test_the_list_shows_yellow_and_red_and_filters_the_due_soon(auth, client, national_day, monkeypatch):
    auth.login("staff")
    page = client.get("/demands/").get_data(as_text=True)
    assert page.count("warning-due-soon") == 1 and 'class="due_soon"' in page
    soon = client.get("/demands/?due=soon").get_data(as_text=True)
    assert "补班日到期" in soon and "节后周一到期" not in soon
    on_day(monkeypatch, date(2026, 10, 14))
    late = client.get(f"/demands/{national_day['after'].id}").get_data(as_text=True)
    assert "已超期2天" in late


def test_the_home_panels_count_the_due_soon(auth, client, users, firms, national_day):
    auth.login("staff")
    assert "即将到期 1 件" in client.get("/").get_data(as_text=True)
    transferred(users, firms, deadline=date(2026, 10, 8))
    auth.logout()
    auth.login("liaison")
    home = client.get("/").get_data(as_text=True)
    assert "即将到期 1 件" in home
    assert "warning-due-soon" in client.get("/demands/department").get_data(as_text=True)
    assert reading.home_counts(users["liaison"])["due_soon"] == 1


# --- 签收 ----------------------------------------------------------------------------------------


def timeline(demand) -> list[str]:
    events = db.session.scalars(select(DemandEvent).where(DemandEvent.demand_id == demand.id).order_by(DemandEvent.id))
    return [e.action for e in events]


def audited(action: str, demand) -> int:
    return db.session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action, AuditEntry.object_id == str(demand.id))
    )


def test_the_liaison_signs_once_and_others_may_not(users, firms):
    demand = transferred(users, firms)
    for who in ("staff", "grid_worker"):
        with pytest.raises(NotAllowed, match="只有承办部门的联络员可以签收"), atomic():
            liaison.acknowledge(users[who], demand)
    with atomic():
        liaison.acknowledge(users["liaison"], demand)
    assert demand.acknowledged_at is not None and demand.status == "transferred"
    assert timeline(demand)[-1] == "acknowledge" and audited("demand.acknowledge", demand) == 1
    with pytest.raises(Conflict, match="已于"), atomic():
        liaison.acknowledge(users["liaison"], demand)
    set_committed_value(demand, "acknowledged_at", None)  # what a second tab read before the first signed
    with pytest.raises(Conflict, match="刚刚已被他人处理"), atomic():
        liaison.acknowledge(users["liaison"], demand)
    assert timeline(demand).count("acknowledge") == 1


def test_a_transfer_not_signed_for_within_a_working_day_is_flagged(users, firms, monkeypatch):
    # Transferred on 9月30日, the last working day before National Day: the next working day is
    # 10月8日, so it is flagged from 10月9日, not during the holiday.
    on_day(monkeypatch, date(2026, 9, 30))
    demand = raise_demand(users, firms["home"])
    with atomic():
        moves.transfer(users["staff"], demand, department("税务分局").id, "请解答。", date(2026, 10, 20))
    for day, flagged in [(date(2026, 10, 5), False), (date(2026, 10, 8), False), (date(2026, 10, 9), True)]:
        assert demand.is_unacknowledged(day) is flagged, day
    on_day(monkeypatch, date(2026, 10, 9))
    assert reading.home_counts(users["staff"])["unacknowledged"] == 1
    with atomic():
        liaison.acknowledge(users["liaison"], demand)
    assert not demand.is_unacknowledged(date(2026, 10, 9))
    assert reading.home_counts(users["staff"])["unacknowledged"] == 0


# --- 退单 ----------------------------------------------------------------------------------------


def test_a_handed_back_demand_is_routed_again_to_another_department(users, firms):
    demand = transferred(users, firms)
    with pytest.raises(RuleError, match="请写明退单原因") as refused, atomic():
        liaison.hand_back(users["liaison"], demand, "  ", None)
    assert refused.value.field == "reason"
    with pytest.raises(NotAllowed, match="只有承办部门的联络员可以退单"), atomic():
        liaison.hand_back(users["staff"], demand, "不属于职责范围。", None)
    with atomic():
        liaison.acknowledge(users["liaison"], demand)
        liaison.hand_back(users["liaison"], demand, "不属于本部门职责范围。", "经济发展局")
    assert demand.status == "handed_back" and demand.suggested_unit == "经济发展局"
    assert demand.is_open and audited("demand.hand_back", demand) == 1
    with atomic():
        moves.transfer(users["staff"], demand, department("经济发展局").id, "请协调。", clock.today() + timedelta(days=5))
    assert demand.status == "transferred" and demand.department.short_name == "经济发展局"
    assert demand.acknowledged_at is None  # the new department signs afresh
    assert not reading.may_view(users["liaison"], demand)
    assert timeline(demand) == ["create", "transfer", "acknowledge", "hand_back", "transfer"]


def test_a_hand_back_waits_until_the_liaison_has_read_a_new_supervision(users, firms):
    """The 退单 form carries the 督办 count the liaison saw; staff pushing meanwhile makes it a 409,
    and a demand handed back is nobody's to push until it is routed again."""
    demand = transferred(users, firms)
    with atomic():
        moves.supervise(users["staff"], demand, "请本周内反馈。")
    with pytest.raises(Conflict, match="中心刚刚督办了该诉求，请先查看督办意见"), atomic():
        liaison.hand_back(users["liaison"], demand, "不属于本部门职责范围。", None, supervisions_seen=0)
    assert demand.status == "transferred"
    with atomic():
        liaison.hand_back(users["liaison"], demand, "不属于本部门职责范围。", None, supervisions_seen=1)
    with pytest.raises(Conflict, match="该诉求已被部门退单，请重新转办或由中心直办，无需督办"), atomic():
        moves.supervise(users["staff"], demand, "再催。")
    assert demand.supervision_count == 1
    assert timeline(demand) == ["create", "transfer", "supervise", "hand_back"]


def test_an_answered_demand_cannot_be_handed_back(users, firms):
    demand = transferred(users, firms)
    with atomic():
        moves.answer(users["liaison"], demand, "已办结。")
    with pytest.raises(Conflict, match="该诉求当前为“已反馈”，不能退单"), atomic():
        liaison.hand_back(users["liaison"], demand, "不属于职责范围。", None)
    assert demand.status == "answered"


# --- 延期 ----------------------------------------------------------------------------------------


def test_an_extension_is_asked_once_and_granted_moves_the_deadline(users, firms):
    demand = transferred(users, firms)
    before = demand.deadline
    with pytest.raises(RuleError, match="应晚于现办理时限") as refused, atomic():
        liaison.ask_extension(users["liaison"], demand, before, "需要现场核查。")
    assert refused.value.field == "new_deadline"
    with pytest.raises(NotAllowed), atomic():
        liaison.ask_extension(users["staff"], demand, before + timedelta(days=7), "需要现场核查。")
    with atomic():
        liaison.ask_extension(users["liaison"], demand, before + timedelta(days=7), "需要现场核查。")
    assert demand.deadline == before  # until staff grant it
    with pytest.raises(Conflict, match="已有一份延期申请"), atomic():
        liaison.ask_extension(users["liaison"], demand, before + timedelta(days=9), "再延两天。")
    with pytest.raises(NotAllowed, match="只有中心工作人员可以审批"), atomic():
        liaison.grant_extension(users["liaison"], demand)
    with atomic():
        liaison.grant_extension(users["staff"], demand, "同意。")
    assert demand.deadline == before + timedelta(days=7)
    assert [e.status for e in demand.extensions] == ["granted"]
    assert timeline(demand)[-2:] == ["extend_ask", "extend_grant"]
    assert audited("demand.extend_ask", demand) == 1 and audited("demand.extend_grant", demand) == 1


def test_a_refused_extension_keeps_the_deadline_and_needs_a_reason(users, firms):
    demand = transferred(users, firms)
    before = demand.deadline
    with atomic():
        liaison.ask_extension(users["liaison"], demand, before + timedelta(days=3), "材料未齐。")
    with pytest.raises(RuleError, match="请写明不同意延期的理由"), atomic():
        liaison.refuse_extension(users["staff"], demand, "")
    with atomic():
        liaison.refuse_extension(users["staff"], demand, "企业急需，请按原时限办结。")
    assert demand.deadline == before and [e.status for e in demand.extensions] == ["refused"]
    with pytest.raises(Conflict, match="没有等待审批的延期申请"), atomic():
        liaison.grant_extension(users["staff"], demand)
    # Refused, the department may ask again.
    with atomic():
        liaison.ask_extension(users["liaison"], demand, before + timedelta(days=2), "材料仍未齐。")
    assert audited("demand.extend_deny", demand) == 1


# --- what the database refuses ---------------------------------------------------------------


@pytest.mark.parametrize(
    "assignment",
    [
        "status = 'handed_back', hand_back_reason = NULL",
        "acknowledged_at = '2026-10-09 10:00:00', route = 'direct', status = 'handling'",
    ],
)
def test_the_database_refuses_an_inconsistent_hand_back_or_signature(users, firms, assignment):
    demand_id = transferred(users, firms).id
    with pytest.raises(IntegrityError):
        db.session.execute(text(f"UPDATE demand SET {assignment} WHERE id = :id"), {"id": demand_id})
        db.session.flush()
    db.session.rollback()


def test_the_database_keeps_one_pending_extension_and_a_reason_for_refusing(users, firms):
    demand = transferred(users, firms)
    with atomic():
        extension = liaison.ask_extension(users["liaison"], demand, demand.deadline + timedelta(days=3), "材料未齐。")
    row = {"d": demand.id, "o": demand.deadline, "n": demand.deadline + timedelta(days=5), "at": clock.now()}
    with pytest.raises(IntegrityError):
        db.session.execute(
            text(
                "INSERT INTO demand_extension (demand_id, status, old_deadline, new_deadline, reason, asked_at) "
                "VALUES (:d, 'pending', :o, :n, '再延', :at)"
            ),
            row,
        )
    db.session.rollback()
    with pytest.raises(IntegrityError):
        db.session.execute(
            text("UPDATE demand_extension SET status = 'refused', decided_at = :at, decided_by_id = :u WHERE id = :id"),
            {"at": clock.now(), "u": users["staff"].id, "id": extension.id},
        )
    db.session.rollback()


# --- through the pages -----------------------------------------------------------------------


def test_the_liaison_signs_and_asks_for_more_time_on_the_page(auth, client, users, firms):
    demand = transferred(users, firms)
    auth.login("liaison")
    assert "待签收" in client.get("/demands/department").get_data(as_text=True)
    page = client.get(f"/demands/{demand.id}").get_data(as_text=True)
    assert 'id="form-acknowledge"' in page and 'id="form-hand_back"' in page and "尚未签收" in page
    signed = client.post(f"/demands/{demand.id}/acknowledge", headers=HTMX)
    assert signed.status_code == 200 and "已签收。" in signed.get_data(as_text=True)
    assert 'id="form-acknowledge"' not in signed.get_data(as_text=True)
    again = client.post(f"/demands/{demand.id}/acknowledge")
    assert again.status_code == 409 and "签收" in again.get_data(as_text=True)
    too_early = client.post(
        f"/demands/{demand.id}/extension", data={"new_deadline": demand.deadline.isoformat(), "reason": "需现场核查。"}
    )
    page = too_early.get_data(as_text=True)
    assert too_early.status_code == 422 and "应晚于现办理时限" in page and "需现场核查。" in page
    later = (demand.deadline + timedelta(days=7)).isoformat()
    asked = client.post(f"/demands/{demand.id}/extension", data={"new_deadline": later, "reason": "需现场核查。"})
    assert asked.status_code == 303
    page = client.get(f"/demands/{demand.id}").get_data(as_text=True)
    assert "延期待审批" in page and 'id="form-extension"' not in page
    assert client.post(f"/demands/{demand.id}/extension/grant", data={}).status_code == 403
    auth.logout()
    auth.login("staff")
    page = client.get(f"/demands/{demand.id}").get_data(as_text=True)
    assert 'id="form-grant_extension"' in page and 'id="form-refuse_extension"' in page
    refused = client.post(f"/demands/{demand.id}/extension/refuse", data={"note": ""})
    assert refused.status_code == 422 and "请写明不同意延期的理由。" in refused.get_data(as_text=True)
    granted = client.post(f"/demands/{demand.id}/extension/grant", data={"note": "同意。"}, headers=HTMX)
    assert granted.status_code == 200 and "已同意延期。" in granted.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Demand, demand.id).deadline.isoformat() == later


def test_staff_may_not_sign_or_hand_back_for_a_department(auth, client, users, firms):
    demand = transferred(users, firms)
    auth.login("staff")
    page = client.get(f"/demands/{demand.id}").get_data(as_text=True)
    assert 'id="form-acknowledge"' not in page and 'id="form-hand_back"' not in page
    response = client.post(f"/demands/{demand.id}/hand-back", data={"reason": "不属于职责范围。"})
    assert response.status_code == 403 and "只有承办部门的联络员可以退单" in response.get_data(as_text=True)
    assert client.post(f"/demands/{demand.id}/acknowledge").status_code == 403


def test_a_handed_back_demand_reaches_staff_with_the_reason_and_is_transferred_again(auth, client, users, firms):
    demand = transferred(users, firms)
    auth.login("liaison")
    missing = client.post(f"/demands/{demand.id}/hand-back", data={"reason": "", "suggested_unit": "经济发展局"})
    assert missing.status_code == 422 and "请写明退单原因。" in missing.get_data(as_text=True)
    assert "经济发展局" in missing.get_data(as_text=True)
    done = client.post(f"/demands/{demand.id}/hand-back", data={"reason": "不属于本部门职责。", "suggested_unit": "经济发展局"})
    assert done.status_code == 303
    assert "没有待本部门反馈的诉求" in client.get("/demands/department").get_data(as_text=True)
    auth.logout()
    auth.login("staff")
    assert "已退单" in client.get("/demands/?status=handed_back").get_data(as_text=True)
    page = client.get(f"/demands/{demand.id}").get_data(as_text=True)
    assert "不属于本部门职责。" in page and "建议承办单位" in page and "重新转办" in page
    deadline = (clock.today() + timedelta(days=5)).isoformat()
    moved = client.post(
        f"/demands/{demand.id}/transfer",
        data={"department_id": department("经济发展局").id, "note": "请协调。", "deadline": deadline},
    )
    assert moved.status_code == 303
    page = client.get(f"/demands/{demand.id}").get_data(as_text=True)
    assert "已转办" in page and "部门退单" in page and "转办 南海新区经济发展局" in page


def test_the_staff_list_flags_a_transfer_not_signed_for(auth, client, users, firms, monkeypatch):
    on_day(monkeypatch, date(2026, 9, 28))
    demand = raise_demand(users, firms["home"], title="出口退税进度")
    with atomic():
        moves.transfer(users["staff"], demand, department("税务分局").id, "请解答。", date(2026, 10, 20))
    on_day(monkeypatch, date(2026, 9, 30))
    auth.login("staff")
    assert "warning-unacknowledged" in client.get("/demands/").get_data(as_text=True)
    assert "出口退税进度" in client.get("/demands/?unack=1").get_data(as_text=True)
    assert "超时未签收 1 件" in client.get("/").get_data(as_text=True)


# --- 办理成效 ------------------------------------------------------------------------------------


def test_outcomes_add_up_in_the_statistics(users, firms):
    first = raise_demand(users, firms["home"], kind="funding", title="设备升级流动资金")
    second = raise_demand(users, firms["away"], kind="funding", title="厂房扩建贷款")
    hires = raise_demand(users, firms["home"], kind="support", title="招聘技术工人")
    unanswered = raise_demand(users, firms["home"], kind="funding", title="尚未办结")
    with atomic():
        for demand in (first, second, hires, unanswered):
            moves.accept(users["staff"], demand)
        outcomes.record(users["staff"], first, outcomes.Outcome(Decimal("300"), "loan", "威海市商业银行"))
        moves.answer(users["staff"], first, "已放款。")
        outcomes.record(users["staff"], second, outcomes.Outcome(Decimal("150.5"), "guarantee", jobs_filled=3))
        moves.answer(users["staff"], second, "已担保放款。")
        outcomes.record(users["staff"], hires, outcomes.Outcome(resolution="resolved", jobs_filled=5))
        moves.answer(users["staff"], hires, "已招到5人。")
        # Entered but not yet answered: not counted until it is.
        outcomes.record(users["staff"], unanswered, outcomes.Outcome(Decimal("1000"), "subsidy"))
    with atomic():
        # Corrected at closing: the last word counts, once.
        outcomes.record(users["staff"], second, outcomes.Outcome(Decimal("150"), "guarantee", jobs_filled=3))
        moves.close(users["staff"], second, "satisfied")
    stats = statistics.statistics(clock.today().year)
    assert stats.funding == Decimal("450") and stats.jobs == 8 and stats.resolved == 1
    assert stats.outcome_line == "融资到位 450 万元，解决就业 8 人。"
    month = next(m for m in stats.months if m["month"] == clock.today().month)
    assert (month["funding"], month["jobs"]) == ("450", 8)


def test_an_outcome_follows_the_rules_of_its_list(users, firms):
    funding = raise_demand(users, firms["home"], kind="funding")
    with atomic():
        moves.accept(users["staff"], funding)
    with pytest.raises(RuleError, match="请选择融资方式") as refused, atomic():
        outcomes.record(users["staff"], funding, outcomes.Outcome(Decimal("50")))
    assert refused.value.field == "funding_instrument"
    with pytest.raises(RuleError, match="解决就业人数") as refused, atomic():
        outcomes.record(users["staff"], funding, outcomes.Outcome(jobs_filled=-1))
    assert refused.value.field == "jobs_filled"
    with pytest.raises(NotAllowed), atomic():
        outcomes.record(users["grid_worker"], funding, outcomes.Outcome(jobs_filled=1))
    with atomic():
        moves.answer(users["staff"], funding, "已放款。")
        moves.close(users["staff"], funding, "satisfied")
    with pytest.raises(Conflict, match="不能填写办理成效"), atomic():
        outcomes.record(users["staff"], funding, outcomes.Outcome(jobs_filled=1))


def test_the_database_refuses_a_negative_or_unexplained_amount(users, firms):
    demand = raise_demand(users, firms["home"], kind="funding")
    for values in ("50, NULL, NULL", "-1, 'loan', NULL", "NULL, NULL, -2"):
        with pytest.raises(IntegrityError):
            db.session.execute(
                text(
                    "INSERT INTO demand_outcome (demand_id, funding_amount, funding_instrument, jobs_filled, updated_at) "
                    f"VALUES (:d, {values}, :at)"
                ),
                {"d": demand.id, "at": clock.now()},
            )
        db.session.rollback()


def test_the_liaison_reports_the_outcome_with_the_answer_and_the_statistics_page_adds_it_up(auth, client, users, firms):
    demand = transferred(users, firms, kind="funding", title="出口企业融资")
    auth.login("liaison")
    page = client.get(f"/demands/{demand.id}").get_data(as_text=True)
    assert "融资到位金额（万元）" in page and "解决情况" not in page
    refused = client.post(
        f"/demands/{demand.id}/answer", data={"answer": "已协调银行放款。", "funding_amount": "450", "funding_instrument": ""}
    )
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "填写了融资金额，请选择融资方式。" in page and "已协调银行放款。" in page
    done = client.post(
        f"/demands/{demand.id}/answer",
        data={"answer": "已协调银行放款。", "funding_amount": "450", "funding_instrument": "loan",
              "funding_source": "威海市商业银行", "jobs_filled": "8"},
    )  # fmt: skip
    assert done.status_code == 303
    page = client.get(f"/demands/{demand.id}").get_data(as_text=True)
    assert "融资到位 450.00 万元（贷款，威海市商业银行）" in page and "解决就业 8 人" in page
    auth.logout()
    auth.login("staff")
    stats = client.get("/demands/statistics").get_data(as_text=True)
    assert "融资到位 450 万元，解决就业 8 人。" in stats
    closing = client.get(f"/demands/{demand.id}").get_data(as_text=True)
    assert 'id="form-close"' in closing and 'value="威海市商业银行"' in closing  # shown again to confirm


# --- rates -----------------------------------------------------------------------------------


def test_department_rates_count_on_time_satisfaction_and_signing(auth, client, users, firms, monkeypatch):
    on_day(monkeypatch, date(2026, 9, 28))
    tax = department("税务分局").id
    signed, forgotten, unhappy = (raise_demand(users, firms["home"], title=t) for t in ("按时办结", "无人签收", "企业不满意"))
    with atomic():
        for demand in (signed, forgotten, unhappy):
            moves.transfer(users["staff"], demand, tax, "请办理。", date(2026, 10, 9))
        liaison.acknowledge(users["liaison"], signed)
    on_day(monkeypatch, date(2026, 9, 29))
    with atomic():
        moves.answer(users["liaison"], signed, "已办结。")
        moves.close(users["staff"], signed, "satisfied")
        moves.answer(users["liaison"], unhappy, "已答复。")
        moves.rate_by_enterprise(unhappy, "unsatisfied", "没解决。")
    on_day(monkeypatch, date(2026, 10, 12))
    row = statistics.statistics(2026).departments[0]
    # Due: all three (one answered in time; two open past 10月9日); rated: one 满意, one 不满意;
    # to sign: one signed the same day, two never signed.
    assert (row["on_time_rate"], row["satisfaction_rate"], row["unsatisfied"], row["signing_rate"]) == (
        "33.3%", "50.0%", 1, "33.3%"
    )
    auth.login("staff")
    page = client.get("/demands/statistics?year=2026").get_data(as_text=True)
    table = page.split("<h2>按承办部门")[1]  # the charts above repeat the rates
    assert "按期办结率" in table and "签收及时率" in table and table.count("33.3%") == 2 and "50.0%" in table
