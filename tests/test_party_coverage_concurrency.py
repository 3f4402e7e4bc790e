"""An enterprise belongs to one party organisation in the register at a time, and the database
holds to it (party.models.organisation_enterprise): two staff adding the same enterprise to two
branches at once get one branch and a clear refusal next to the field, never two branches
counting the same enterprise."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from conftest import csrf_token_from
from factories import directory, party
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from test_party_organisations import organisation_form

from hubapp.blueprints.party import organisations
from hubapp.blueprints.party.models import PartyOrganisation, organisation_enterprise
from hubapp.database import atomic
from hubapp.extensions import db

REQUESTS = 12


@pytest.fixture
def huike(app):
    grid = directory.grid(3, "三号网格")
    return directory.enterprise("威海汇科工控技术有限公司", "汇科工控", grid_id=grid.id, above_designated_size=True)


def _organisations_covering(enterprise) -> list[str]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(PartyOrganisation.name)
            .join(organisation_enterprise, organisation_enterprise.c.organisation_id == PartyOrganisation.id)
            .where(organisation_enterprise.c.enterprise_id == enterprise.id, PartyOrganisation.active.is_(True))
        )
    )


def test_the_database_refuses_a_second_branch_in_the_register_for_one_enterprise(app, huike):
    first = party.organisation("汇科工控党支部", [huike])
    with pytest.raises(IntegrityError), atomic():
        db.session.add(PartyOrganisation(name="第二个支部", kind="single", members=3, enterprises=[huike]))
    with atomic():
        organisations.set_active(None, db.session.get(PartyOrganisation, first.id), False, "企业党员转出")
    second = party.organisation("汇科工控新党支部", [huike])
    assert _organisations_covering(huike) == ["汇科工控新党支部"]
    # The dissolved branch still lists the enterprise it covered: its history stays.
    assert [e.name for e in db.session.get(PartyOrganisation, first.id).enterprises] == [huike.name]
    with pytest.raises(IntegrityError), atomic():
        db.session.get(PartyOrganisation, first.id).active = True
    assert _organisations_covering(huike) == [second.name]


def test_a_branch_saved_by_someone_else_after_the_check_is_named_next_to_the_field(client, auth, huike, monkeypatch):
    party.organisation("汇科工控党支部", [huike])
    auth.login("staff")
    checked = []

    def covering_as_before_the_other_saved(exclude=None):
        """The first look sees the register as it was before the other branch was saved."""
        checked.append(exclude)
        return {} if len(checked) == 1 else covering(exclude=exclude)

    covering = organisations.covering
    monkeypatch.setattr(organisations, "covering", covering_as_before_the_other_saved)
    response = client.post(
        "/party/organisations/new", data=organisation_form(name="第二个支部", **{"enterprises-0": "汇科工控"})
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "威海汇科工控技术有限公司刚由汇科工控党支部覆盖；一家企业只属于一个党组织。" in page
    assert 'value="第二个支部"' in page
    assert _organisations_covering(huike) == ["汇科工控党支部"]


@pytest.mark.server
def test_twelve_staff_adding_one_enterprise_to_twelve_branches_at_once_make_one(app, users, huike, live_server):
    server = live_server(workers=4)
    staff = server.session("staff")
    form_url = server.url + "/party/organisations/new"
    sessions = []
    for _ in range(REQUESTS):
        http = requests.Session()
        http.cookies.update(staff.cookies)
        sessions.append(http)
    tokens = [csrf_token_from(s.get(form_url, headers={"Connection": "close"}).text) for s in sessions]
    start_line = threading.Barrier(REQUESTS)

    def post(index):
        data = organisation_form(name=f"并发支部{index}", csrf_token=tokens[index], **{"enterprises-0": "汇科工控"})
        start_line.wait()
        response = sessions[index].post(form_url, data=data, allow_redirects=False)
        return response.status_code, response.text

    with ThreadPoolExecutor(max_workers=REQUESTS) as pool:
        results = list(pool.map(post, range(REQUESTS)))
    codes = sorted(code for code, _ in results)
    assert codes.count(303) == 1 and codes.count(422) == REQUESTS - 1, codes
    assert all("一家企业只属于一个党组织" in text for code, text in results if code == 422)
    assert len(_organisations_covering(huike)) == 1
    assert db.session.scalar(select(func.count()).select_from(PartyOrganisation)) == 1
