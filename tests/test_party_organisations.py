"""Enterprise party organisations: the staff pages that keep them, the rules they follow and the
coverage (党组织覆盖) they give."""

import pytest
from factories import directory, party
from sqlalchemy import select

from hubapp import audit
from hubapp.blueprints.party import organisations
from hubapp.blueprints.party.models import PartyOrganisation
from hubapp.database import atomic
from hubapp.extensions import db


@pytest.fixture
def firms(app):
    grid_one = directory.grid(3, "三号网格")
    grid_two = directory.grid(4, "四号网格")
    return {
        "huike": directory.enterprise("威海汇科工控技术有限公司", "汇科工控", grid_id=grid_one.id, above_designated_size=True),
        "hongrui": directory.enterprise("威海鸿锐金属制品有限公司", "鸿锐金属", grid_id=grid_one.id, above_designated_size=True),
        "haina": directory.enterprise("威海海纳数据科技有限公司", "海纳数据", grid_id=grid_two.id),
        "lanchuang": directory.enterprise("威海蓝创软件有限公司", "蓝创软件", grid_id=grid_two.id),
        "yunfan": directory.enterprise("威海云帆信息有限公司", "云帆信息", grid_id=grid_two.id),
    }


def organisation_form(**extra):
    form = {"name": "威海汇科工控技术有限公司党支部", "kind": "single", "secretary": "刘红", "members": "12",
            "established_on": "2019-07-01", "instructor_id": "0", "version": ""}  # fmt: skip
    form.update({f"enterprises-{index}": "" for index in range(8)})
    return form | extra


def test_staff_add_a_branch_from_the_page_and_it_counts_towards_coverage(client, auth, users, firms):
    auth.login("staff")
    empty = client.get("/party/").get_data(as_text=True)
    assert "还没有登记企业党组织" in empty and "/party/organisations/new" in empty
    assert "0" in empty and "规上企业" in empty

    response = client.post(
        "/party/organisations/new",
        data=organisation_form(**{"enterprises-0": "汇科工控", "instructor_id": str(users["grid_worker"].id)}),
    )
    assert response.status_code == 303
    page = client.get("/party/").get_data(as_text=True)
    assert "威海汇科工控技术有限公司党支部" in page and "单独党支部" in page and "网格员丙" in page
    share = organisations.coverage().above_size
    assert (share.covered, share.total) == (1, 2)
    entry = db.session.scalars(select(audit.AuditEntry).where(audit.AuditEntry.action == "party_organisation.create")).one()
    assert entry.actor_id == users["staff"].id and "汇科工控" in entry.detail_dict["enterprises"]


def test_a_joint_branch_covers_each_of_its_enterprises_and_a_dissolved_one_none(app, users, firms):
    joint = party.organisation("蓝色创业谷联合党支部", [firms["haina"], firms["lanchuang"], firms["yunfan"]])
    party.organisation("汇科工控党支部", [firms["huike"]])
    found = organisations.coverage()
    assert (found.all.covered, found.all.total) == (4, 5)
    assert (found.above_size.covered, found.above_size.total) == (1, 2)
    assert [e.name for grid, listed in found.uncovered_by_grid.items() for e in listed] == ["威海鸿锐金属制品有限公司"]

    with atomic():
        organisations.set_active(users["staff"], joint, False, "企业迁出")
    found = organisations.coverage()
    assert (found.all.covered, found.all.total) == (1, 5)
    assert [grid.number for grid in found.uncovered_by_grid] == [3, 4]


def test_the_form_says_what_is_wrong_next_to_the_field_and_keeps_what_was_typed(client, auth, firms):
    auth.login("staff")
    party.organisation("汇科工控党支部", [firms["huike"]])
    joint_of_one = client.post(
        "/party/organisations/new",
        data=organisation_form(name="海纳联合党支部", kind="joint", **{"enterprises-0": "海纳数据"}),
    )
    assert joint_of_one.status_code == 422
    page = joint_of_one.get_data(as_text=True)
    assert "联合党支部至少覆盖两家企业" in page and 'value="海纳联合党支部"' in page and 'value="海纳数据"' in page

    taken = client.post(
        "/party/organisations/new",
        data=organisation_form(name="第二个支部", **{"enterprises-0": "汇科工控"}),
    )
    assert taken.status_code == 422
    assert "已由汇科工控党支部覆盖" in taken.get_data(as_text=True)

    unknown = client.post("/party/organisations/new", data=organisation_form(**{"enterprises-0": "不存在的公司"}))
    assert unknown.status_code == 422 and "企业名录中没有“不存在的公司”" in unknown.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count()).select_from(PartyOrganisation)) == 1


def test_the_instructor_must_be_a_grid_worker(app, users, firms):
    details = organisations.OrganisationDetails("汇科工控党支部", "single", [firms["huike"].id], instructor_id=users["staff"].id)
    with pytest.raises(organisations.RuleError) as refused:
        with atomic():
            organisations.create_organisation(users["staff"], details)
    assert refused.value.field == "instructor_id"


def test_an_edit_from_an_older_reading_is_refused_and_shows_both(client, auth, users, firms):
    made = party.organisation("汇科工控党支部", [firms["huike"]])
    auth.login("staff")
    form = client.get(f"/party/organisations/{made.id}/edit").get_data(as_text=True)
    assert 'value="威海汇科工控技术有限公司"' in form
    first = client.post(
        f"/party/organisations/{made.id}/edit",
        data=organisation_form(name="汇科工控党支部", members="20", version="1", **{"enterprises-0": "威海汇科工控技术有限公司"}),
    )
    assert first.status_code == 303
    second = client.post(
        f"/party/organisations/{made.id}/edit",
        data=organisation_form(name="汇科工控党支部", members="30", version="1", **{"enterprises-0": "汇科工控"}),
    )
    assert second.status_code == 409
    assert 'value="30"' in second.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(PartyOrganisation, made.id).members == 20
    entry = db.session.scalars(select(audit.AuditEntry).where(audit.AuditEntry.action == "party_organisation.update")).one()
    assert "党员人数：5 → 20" in entry.detail_dict["changes"]


def test_dissolving_needs_a_reason_and_frees_its_enterprises(client, auth, firms):
    made = party.organisation("汇科工控党支部", [firms["huike"]])
    auth.login("staff")
    refused = client.post(f"/party/organisations/{made.id}/deactivate", data={"reason": ""})
    assert refused.status_code == 303
    db.session.expire_all()
    assert db.session.get(PartyOrganisation, made.id).active
    assert client.post(f"/party/organisations/{made.id}/deactivate", data={"reason": "企业注销"}).status_code == 303
    again = party.organisation("汇科工控新党支部", [firms["huike"]])
    assert again.active


def test_the_home_page_shows_staff_the_above_size_coverage(client, auth, firms):
    party.organisation("汇科工控党支部", [firms["huike"]])
    auth.login("staff")
    home = client.get("/").get_data(as_text=True)
    assert "规上企业 1 / 2 家（50.0%）" in home and "1 家规上企业尚未建立党组织" in home
    auth.logout()
    auth.login("grid_worker")
    assert "党组织覆盖" not in client.get("/").get_data(as_text=True)
