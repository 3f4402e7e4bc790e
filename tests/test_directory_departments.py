"""Departments (部门单位): the member units of the joint meeting and the other units a demand can
be transferred to. Staff add and edit them; one with history is deactivated, not deleted, and then
leaves every picker (demand transfer, meeting decisions, the user form) while its history stays;
its page lists its liaison accounts. Everyone may read the list."""

from datetime import timedelta

import pytest
from factories import demands, directory
from factories.accounts import account
from sqlalchemy import select

from hubapp import clock
from hubapp.audit import AuditEntry
from hubapp.blueprints.demands import moves
from hubapp.blueprints.directory import departments, services
from hubapp.blueprints.directory.departments import DepartmentDetails
from hubapp.blueprints.directory.models import Department
from hubapp.database import atomic
from hubapp.extensions import db
from hubapp.rules import NotAllowed, RuleError


def details(name="南海新区住房和城乡建设局", short="住建局", member=True, contact=None, phone=None, order=None):
    return DepartmentDetails(name, short, member, contact, phone, order)


@pytest.fixture
def housing(users) -> Department:
    return directory.department("南海新区住房和城乡建设局", "住建局", 3, contact_name="王主任", phone="0631-3981009")


def test_a_department_outside_the_joint_meeting_can_be_added(users):
    with atomic():
        bus = departments.create_department(users["staff"], details("威海市公共交通集团有限公司", "", member=False))
    assert bus.short_name == "威海市公共交通集团有限公司"[:20] and not bus.joint_meeting_member and bus.active
    assert bus.sort_order == 3  # after the two of the users fixture
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "department.create").order_by(AuditEntry.id.desc()))
    assert entry.actor_id == users["staff"].id and entry.object_id == str(bus.id)


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        (dict(name=" "), "name", "请填写单位名称"),
        (dict(name="国家税务总局威海南海新区税务局"), "name", "已有同名"),
        (dict(phone="12345"), "phone", "带区号的固定电话"),
        (dict(short="一" * 21), "short_name", "简称不超过20字"),
    ],
)
def test_a_department_that_breaks_a_rule_is_refused_next_to_its_field(users, values, field, message):
    with pytest.raises(RuleError, match=message) as refused, atomic():
        departments.create_department(users["staff"], details(**values))
    assert refused.value.field == field


def test_grid_workers_and_liaisons_do_not_keep_departments(users, housing):
    for role in ("grid_worker", "liaison"):
        with pytest.raises(NotAllowed), atomic():
            departments.set_active(users[role], housing, False)


def test_a_deactivated_department_leaves_the_pickers_and_keeps_its_history(users, housing):
    firm = directory.enterprise(grid_id=users["grid_worker"].grids[0].id)
    demand = demands.transferred(users["staff"], firm, housing)
    with atomic():
        departments.set_active(users["staff"], housing, False)
    assert housing not in services.departments()
    assert housing in services.departments(include_inactive=True)
    # The demand keeps its department; a new transfer to it is refused with a message.
    db.session.refresh(demand)
    assert demand.department_id == housing.id
    second = demands.demand(users["staff"], firm, title="道路破损")
    with pytest.raises(RuleError, match="已停用") as refused, atomic():
        moves.transfer(users["staff"], second, housing.id, "请修复。", clock.today() + timedelta(days=5))
    assert refused.value.field == "department_id"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "department.deactivate"))
    assert (entry.from_state, entry.to_state) == ("active", "inactive")


def test_a_second_click_on_deactivate_is_a_conflict_not_a_second_change(users, housing):
    with atomic():
        departments.set_active(users["staff"], housing, False)
    stale = db.session.get(Department, housing.id)
    stale.active = True  # the page the other person still looks at
    db.session.expunge(stale)
    with pytest.raises(RuleError, match="刚刚已被他人修改"), atomic():
        departments.set_active(users["admin"], stale, False)
    assert len(db.session.scalars(select(AuditEntry).where(AuditEntry.action == "department.deactivate")).all()) == 1


def test_a_department_with_a_liaison_is_not_deleted(users):
    tax = users["liaison"].department
    with pytest.raises(RuleError, match="请改为停用"), atomic():
        departments.delete_department(users["staff"], tax)
    assert db.session.get(Department, tax.id) is not None


def test_a_department_entered_by_mistake_is_deleted(users, housing):
    with atomic():
        departments.delete_department(users["staff"], housing)
    assert db.session.get(Department, housing.id) is None


# --- pages ---------------------------------------------------------------------------------------


def test_the_list_says_how_to_begin_on_an_empty_register(client):
    account("boss", "admin")
    client.post("/login", data={"username": "boss", "password": "pass-word-1"})
    page = client.get("/directory/departments").get_data(as_text=True)
    assert "还没有登记部门或单位" in page and 'href="/directory/departments/new"' in page


def test_staff_add_a_department_and_a_bad_phone_keeps_what_was_typed(auth, client, users):
    auth.login("staff")
    data = {"name": "威海市公共交通集团有限公司", "short_name": "公交公司", "contact_name": "李站长", "phone": "12345"}
    refused = client.post("/directory/departments/new", data=data)
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "请填写手机号码或带区号的固定电话" in page and 'value="李站长"' in page and 'value="公交公司"' in page
    made = client.post("/directory/departments/new", data=data | {"phone": "13906310001"})
    assert made.status_code == 303
    bus = db.session.scalar(select(Department).where(Department.short_name == "公交公司"))
    assert not bus.joint_meeting_member  # the box was not ticked
    listed = client.get("/directory/departments").get_data(as_text=True)
    assert "威海市公共交通集团有限公司" in listed and "13906310001" in listed


def test_a_departments_page_lists_its_liaisons(auth, client, users):
    tax = users["liaison"].department
    auth.login("admin")
    page = client.get(f"/directory/departments/{tax.id}").get_data(as_text=True)
    assert "联络员丁" in page and f'href="/admin/users/{users["liaison"].id}"' in page
    assert "删除（仅限误建）" not in page  # it has a liaison: only deactivation is offered
    assert f'href="/admin/users/new?role=liaison&amp;department={tax.id}"' in page


def test_deactivating_from_the_page_asks_first_and_takes_it_out_of_the_transfer_form(auth, client, users, housing):
    firm = directory.enterprise(grid_id=users["grid_worker"].grids[0].id)
    demand = demands.demand(users["staff"], firm)
    auth.login("staff")
    page = client.get(f"/directory/departments/{housing.id}").get_data(as_text=True)
    assert 'data-confirm="确定停用南海新区住房和城乡建设局吗？"' in page
    done = client.post(f"/directory/departments/{housing.id}/active", data={"active": "0"}, follow_redirects=True)
    assert "已停用南海新区住房和城乡建设局" in done.get_data(as_text=True)
    transfer_form = client.get(f"/demands/{demand.id}").get_data(as_text=True)
    assert "税务局" in transfer_form and "南海新区住房和城乡建设局" not in transfer_form
    listed = client.get("/directory/departments").get_data(as_text=True)
    assert "已停用" in listed and "南海新区住房和城乡建设局" in listed
    # Still in the demand list's filter: its history can be looked up.
    assert f'<option value="{housing.id}" >住建局</option>' in client.get("/demands/").get_data(as_text=True)


def test_the_user_form_offers_departments_in_use_only(auth, client, users, housing):
    with atomic():
        departments.set_active(users["staff"], housing, False)
    auth.login("admin")
    assert "南海新区住房和城乡建设局" not in client.get("/admin/users/new").get_data(as_text=True)
    refused = client.post(
        "/admin/users/new",
        data={"username": "wang", "display_name": "王", "role": "liaison", "department_id": str(housing.id),
              "password": "abc-12345"},
    )  # fmt: skip
    assert refused.status_code == 422 and "已停用，请选择其他部门" in refused.get_data(as_text=True)


def test_a_liaison_reads_the_list_but_does_not_keep_it(auth, client, users, housing):
    auth.login("liaison")
    page = client.get("/directory/departments").get_data(as_text=True)
    assert "南海新区住房和城乡建设局" in page and "新增部门或单位" not in page
    assert client.get(f"/directory/departments/{housing.id}").status_code == 403
    assert client.post(f"/directory/departments/{housing.id}/active", data={"active": "0"}).status_code == 403
