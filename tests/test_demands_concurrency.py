"""Through a real multi-worker server: staff acting on the same demand at the same moment move
it once, the others are told in Chinese that someone was quicker (409), nobody gets a 500; a
liaison's 退单 and staff's 督办 at the same moment: one wins, the other gets 409; and demands
registered at the same moment get distinct numbers."""

import re
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from conftest import csrf_token_from
from sqlalchemy import select

from hubapp import clock
from hubapp.blueprints.demands import moves
from hubapp.blueprints.demands.models import HANDED_BACK, TRANSFERRED, Demand, DemandEvent
from hubapp.database import atomic
from hubapp.extensions import db
from tests.test_demands_services import department, firms, raise_demand, transferred  # noqa: F401  (fixture)

pytestmark = pytest.mark.server


def _events(demand_id: int, action: str) -> int:
    db.session.rollback()
    return len(db.session.scalars(select(DemandEvent).where(DemandEvent.demand_id == demand_id, DemandEvent.action == action)).all())


def _logged_in(server, count: int, path: str):
    sessions = [server.session("staff") for _ in range(count)]
    tokens = [csrf_token_from(s.get(server.url + path).text) for s in sessions]
    return sessions, tokens


def test_eight_staff_closing_the_same_demand_close_it_once(users, firms, live_server):
    demand = transferred(users, firms)
    with atomic():
        moves.answer(users["liaison"], demand, "已答复企业。")
    demand_id = demand.id
    server = live_server(workers=4)
    sessions, tokens = _logged_in(server, 8, f"/demands/{demand_id}")

    def close(i: int):
        response = sessions[i].post(
            f"{server.url}/demands/{demand_id}/close",
            data={"csrf_token": tokens[i], "satisfaction": "satisfied", "note": f"回访{i}"},
            allow_redirects=False,
        )
        return response.status_code, response.text

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(close, range(8)))
    codes = sorted(code for code, _ in results)
    assert codes == [303] + [409] * 7, codes
    assert all("该诉求" in body for code, body in results if code == 409)
    assert _events(demand_id, "close") == 1


def test_accepting_and_transferring_at_once_moves_the_demand_once(users, firms, live_server):
    demand_id = raise_demand(users, firms["home"]).id
    tax_id, staff_id = department("税务分局").id, users["staff"].id
    deadline = (clock.today() + timedelta(days=10)).isoformat()
    server = live_server(workers=4)
    sessions, tokens = _logged_in(server, 8, f"/demands/{demand_id}")

    def act(i: int) -> int:
        if i % 2:
            url, data = "transfer", {"department_id": tax_id, "note": "请办理", "deadline": deadline}
        else:
            url, data = "accept", {"handler_id": staff_id, "note": ""}
        data["csrf_token"] = tokens[i]
        return sessions[i].post(f"{server.url}/demands/{demand_id}/{url}", data=data, allow_redirects=False).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = sorted(pool.map(act, range(8)))
    assert codes == [303] + [409] * 7, codes
    assert _events(demand_id, "accept") + _events(demand_id, "transfer") == 1


def test_twenty_demands_registered_at_once_get_twenty_numbers(users, firms, live_server):
    enterprise = firms["home"].name
    server = live_server(workers=4)
    sessions, tokens = _logged_in(server, 20, "/demands/new")

    def create(i: int) -> int:
        return sessions[i].post(
            f"{server.url}/demands/new",
            data={
                "csrf_token": tokens[i], "enterprise": enterprise, "kind": "problem", "title": f"诉求{i}",
                "description": "企业反映的问题", "contact_name": "杨先生", "contact_mobile": "13985263751",
                "source": "phone", "received_on": clock.today().isoformat(), "deadline": "",
            },  # fmt: skip
            allow_redirects=False,
        ).status_code

    with ThreadPoolExecutor(max_workers=20) as pool:
        codes = list(pool.map(create, range(20)))
    assert codes == [303] * 20
    db.session.rollback()
    seqs = sorted(db.session.scalars(select(Demand.seq).where(Demand.year == clock.today().year)))
    assert seqs == list(range(1, 21))


def _timeline(demand_id: int) -> list[tuple[str, str | None, str | None]]:
    db.session.rollback()
    events = db.session.scalars(select(DemandEvent).where(DemandEvent.demand_id == demand_id).order_by(DemandEvent.id))
    return [(e.action, e.from_status, e.to_status) for e in events]


def test_a_hand_back_and_a_supervision_at_once_one_wins_the_other_is_409(users, firms, live_server):
    """Six demands, each with the liaison's 退单 and staff's 督办 sent together from pages opened
    before either: whichever lands first wins; the 督办 loses to a 退单 (the demand is nobody's to
    push any more), the 退单 loses to a 督办 the liaison has not read. The timeline never shows a
    move from a state the demand was not in."""
    demand_ids = [transferred(users, firms).id for _ in range(6)]
    server = live_server(workers=4)
    liaison_session, staff_session = server.session("liaison"), server.session("staff")
    forms = {}
    for demand_id in demand_ids:
        liaison_page = liaison_session.get(f"{server.url}/demands/{demand_id}").text
        seen = re.search(r'name="supervisions_seen" value="(\d+)"', liaison_page).group(1)
        staff_page = staff_session.get(f"{server.url}/demands/{demand_id}").text
        forms[demand_id] = (
            ("hand-back", liaison_session, {"csrf_token": csrf_token_from(liaison_page), "reason": "不属于本部门职责范围。",
                                            "suggested_unit": "", "supervisions_seen": seen}),
            ("supervise", staff_session, {"csrf_token": csrf_token_from(staff_page), "note": "请本周内反馈。"}),
        )  # fmt: skip

    def send(job) -> tuple[int, str, int, str]:
        demand_id, (path, session, data) = job
        response = session.post(f"{server.url}/demands/{demand_id}/{path}", data=data, allow_redirects=False)
        return demand_id, path, response.status_code, response.text

    jobs = [(demand_id, form) for demand_id in demand_ids for form in forms[demand_id]]
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        results = list(pool.map(send, jobs))

    for demand_id in demand_ids:
        mine = {path: (code, body) for d, path, code, body in results if d == demand_id}
        codes = sorted(code for code, _ in mine.values())
        assert codes == [303, 409], (demand_id, codes)
        timeline = _timeline(demand_id)
        assert [action for action, _, _ in timeline].count("hand_back") + [a for a, _, _ in timeline].count("supervise") == 1
        for (_, _, before), (_, after_from, _) in zip(timeline, timeline[1:], strict=False):
            assert after_from == before, timeline
        demand = db.session.get(Demand, demand_id)
        if mine["hand-back"][0] == 303:
            assert demand.status == HANDED_BACK and demand.supervision_count == 0
            assert "该诉求" in mine["supervise"][1]
        else:
            assert demand.status == TRANSFERRED and demand.supervision_count == 1
            assert "中心刚刚督办了该诉求" in mine["hand-back"][1]
