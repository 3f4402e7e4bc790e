"""协办 (issue 14): a transferred demand with co-handling departments beside the lead — chosen at
the transfer, told through the outbox, each signing and giving one opinion the lead reads before
answering, on the timeline, and counted apart from the lead in the statistics."""

from datetime import date, timedelta

import pytest
from factories import directory
from factories.accounts import account
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from hubapp import clock
from hubapp.blueprints.demands import cohandling, liaison, moves, reading, statistics
from hubapp.blueprints.demands.models import DemandCohandler
from hubapp.blueprints.notify.models import OutboxMessage
from hubapp.database import atomic
from hubapp.extensions import db
from hubapp.rules import Conflict, NotAllowed, RuleError
from tests.test_demands_services import department, firms, raise_demand, timeline  # noqa: F401  (fixture)

HTMX = {"HX-Request": "true"}
ECON_ROBOT = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=econ"


@pytest.fixture
def econ_liaison(users):
    econ = department("经济发展局")
    econ.robot_webhook = ECON_ROBOT
    db.session.commit()
    return account("econ", "liaison", name="联络员戊", department=econ, phone="13700000008")


def transfer_with_help(users, firms, helpers=("经济发展局",), lead="税务分局"):  # noqa: F811
    demand = raise_demand(users, firms["home"], title="出口退税与技改补贴")
    with atomic():
        moves.transfer(
            users["staff"], demand, department(lead).id, "请解答退税进度，经发局协助补贴政策。",
            clock.today() + timedelta(days=10), cohandler_ids=[department(h).id for h in helpers],
        )  # fmt: skip
    return demand


def test_a_transfer_names_its_co_handlers_and_tells_them(users, firms, econ_liaison):  # noqa: F811
    demand = transfer_with_help(users, firms)
    assert [(c.department.short_name, c.lead_department_id) for c in demand.cohandlers] == [
        ("经济发展局", department("税务分局").id)
    ]
    assert timeline(demand)[-1] == ("transfer", "submitted", "transferred")
    assert "转税务分局主办，经济发展局协办" in demand.events[-1].note
    told = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == ECON_ROBOT)).all()
    assert len(told) == 1 and "经济发展局协办" in told[0].text and told[0].mentions == "13700000008"


def test_the_lead_cannot_also_co_handle(users, firms):  # noqa: F811
    demand = raise_demand(users, firms["home"])
    with pytest.raises(RuleError, match="税务分局已是主办部门") as refused, atomic():
        moves.transfer(
            users["staff"], demand, department("税务分局").id, "请办理。", clock.today(),
            cohandler_ids=[department("税务分局").id],
        )  # fmt: skip
    assert refused.value.field == "cohandler_ids"
    db.session.refresh(demand)
    assert demand.status == "submitted" and demand.cohandlers == []


def test_the_database_refuses_the_lead_as_co_handler_and_a_co_handler_twice(users, firms):  # noqa: F811
    demand = transfer_with_help(users, firms)
    tax, econ = department("税务分局").id, department("经济发展局").id
    with pytest.raises(IntegrityError), atomic():
        db.session.add(DemandCohandler(demand_id=demand.id, department_id=tax, lead_department_id=tax))
        db.session.flush()
    with pytest.raises(IntegrityError), atomic():
        db.session.add(DemandCohandler(demand_id=demand.id, department_id=econ, lead_department_id=tax))
        db.session.flush()


def test_the_co_handler_signs_and_gives_one_opinion_the_lead_reads(users, firms, econ_liaison):  # noqa: F811
    demand = transfer_with_help(users, firms)
    assert reading.may_view(econ_liaison, demand) and not reading.may_answer(econ_liaison, demand)
    with atomic():
        cohandling.sign(econ_liaison, demand)
    with pytest.raises(Conflict, match="已于"), atomic():
        cohandling.sign(econ_liaison, demand)
    with pytest.raises(RuleError, match="请填写协办意见"), atomic():
        cohandling.give_opinion(econ_liaison, demand, "  ")
    with atomic():
        cohandling.give_opinion(econ_liaison, demand, "企业符合技改补贴条件，可于下月申报。")
    with pytest.raises(Conflict, match="不能重复提交"), atomic():
        cohandling.give_opinion(econ_liaison, demand, "补充一句。")
    db.session.refresh(demand)
    [row] = demand.cohandlers
    assert row.opinion == "企业符合技改补贴条件，可于下月申报。" and row.opinion_by_id == econ_liaison.id
    assert [a for a, _old, _new in timeline(demand)][-2:] == ["co_sign", "co_opinion"]
    # The lead's own liaison is no co-handler.
    with pytest.raises(NotAllowed), atomic():
        cohandling.sign(users["liaison"], demand)


def test_once_the_lead_answered_the_co_handling_is_over(users, firms, econ_liaison):  # noqa: F811
    demand = transfer_with_help(users, firms)
    with atomic():
        moves.answer(users["liaison"], demand, "已告知退税进度。")
    with pytest.raises(Conflict, match="协办已结束"), atomic():
        cohandling.give_opinion(econ_liaison, demand, "迟到的意见。")


def test_a_new_transfer_replaces_the_co_handlers(users, firms, econ_liaison):  # noqa: F811
    demand = transfer_with_help(users, firms)
    with atomic():
        liaison.hand_back(users["liaison"], demand, "不属于本部门职责。", "经济发展局")
    with atomic():
        moves.transfer(
            users["staff"], demand, department("经济发展局").id, "请办理补贴。", clock.today() + timedelta(days=5)
        )
    db.session.refresh(demand)
    assert demand.cohandlers == [] and demand.department.short_name == "经济发展局"


def test_statistics_count_co_handling_apart_from_leading(users, firms, econ_liaison):  # noqa: F811
    first = transfer_with_help(users, firms)
    transfer_with_help(users, firms)
    with atomic():
        cohandling.give_opinion(econ_liaison, first, "可申报补贴。")
    stats = statistics.statistics(clock.today().year)
    rows = {d["name"]: d for d in stats.departments}
    tax, econ = rows["国家税务总局威海南海新区税务局"], rows["南海新区经济发展局"]
    assert (tax["transferred"], tax["cohandled"]) == (2, 0)
    assert (econ["transferred"], econ["cohandled"], econ["co_opinions"]) == (0, 2, 1)


# --- pages ---------------------------------------------------------------------------------------


def test_staff_choose_co_handlers_on_the_transfer_form(auth, client, users, firms, econ_liaison):  # noqa: F811
    demand = raise_demand(users, firms["home"])
    auth.login("staff")
    page = client.get(f"/demands/{demand.id}").get_data(as_text=True)
    assert "协办单位" in page and 'name="cohandler_ids"' in page
    tax, econ = department("税务分局").id, department("经济发展局").id
    form = {
        "department_id": tax,
        "note": "请解答退税进度。",
        "deadline": (date.today() + timedelta(days=10)).isoformat(),
    }
    refused = client.post(f"/demands/{demand.id}/transfer", data={**form, "cohandler_ids": [tax, econ]})
    body = refused.get_data(as_text=True)
    assert (
        refused.status_code == 422
        and "税务分局已是主办部门，不能同时作为协办单位。" in body
        and "请解答退税进度。" in body
    )
    done = client.post(f"/demands/{demand.id}/transfer", data={**form, "cohandler_ids": [econ]})
    assert done.status_code == 303
    assert [c.department_id for c in db.session.scalars(select(DemandCohandler))] == [econ]


def test_the_co_handler_works_from_its_list_and_the_lead_sees_the_opinion(auth, client, users, firms, econ_liaison):  # noqa: F811
    demand = transfer_with_help(users, firms)
    auth.login("econ")
    listed = client.get("/demands/department?show=cohandling").get_data(as_text=True)
    assert (
        "出口退税与技改补贴" in listed
        and "<th>主办部门</th>" in listed
        and '<td data-label="主办部门">税务分局</td>' in listed
    )
    assert f'href="/demands/{demand.id}#form-co_sign">待签收</a>' in listed
    assert "出口退税与技改补贴" not in client.get("/demands/department").get_data(as_text=True)
    assert client.post(f"/demands/{demand.id}/answer", data={"answer": "越权反馈"}).status_code == 403
    assert client.post(f"/demands/{demand.id}/co-sign").status_code == 303
    assert "已签收，待提意见" in client.get("/demands/department?show=cohandling").get_data(as_text=True)
    empty = client.post(f"/demands/{demand.id}/co-opinion", data={"opinion": ""}, headers=HTMX)
    assert empty.status_code == 422 and "请填写协办意见。" in empty.get_data(as_text=True)
    given = client.post(f"/demands/{demand.id}/co-opinion", data={"opinion": "可申报技改补贴。"}, headers=HTMX)
    assert given.status_code == 200 and "已提交协办意见" in given.get_data(as_text=True)
    again = client.post(f"/demands/{demand.id}/co-opinion", data={"opinion": "再说一次。"}, headers=HTMX)
    assert again.status_code == 409
    auth.logout()
    auth.login("liaison")
    lead_page = client.get(f"/demands/{demand.id}").get_data(as_text=True)
    assert "协办意见：可申报技改补贴。" in lead_page and "协办签收" in lead_page and 'id="form-answer"' in lead_page
    assert client.post(f"/demands/{demand.id}/co-sign").status_code == 403


def test_a_liaison_of_neither_department_sees_nothing(auth, client, users, firms, econ_liaison):  # noqa: F811
    demand = transfer_with_help(users, firms)
    account("third", "liaison", department=directory.department("南海新区财政局", "财政局", 3))
    auth.login("third")
    assert client.get(f"/demands/{demand.id}").status_code in (403, 404)
    assert client.post(f"/demands/{demand.id}/co-opinion", data={"opinion": "x"}).status_code in (403, 404)
