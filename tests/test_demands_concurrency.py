"""Through a real multi-worker server: staff acting on the same demand at the same moment move
it once, the others are told in Chinese that someone was quicker (409), nobody gets a 500; and
demands registered at the same moment get distinct numbers."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from conftest import csrf_token_from
from sqlalchemy import select

from hubapp import clock
from hubapp.blueprints.demands import moves
from hubapp.blueprints.demands.models import Demand, DemandEvent
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
