"""The enterprise register's services: what a record must be (a valid and unique credit code, a
unique name, a known kind and party organisation, a mobile number), how typed text is cleaned,
that an edit made from an older reading is refused, that deactivating keeps the history and takes
the enterprise out of every picker, and that each change leaves its audit row."""

from dataclasses import fields

import pytest
from factories import demands, directory
from sqlalchemy import func, select, text, update

from hubapp import audit, clock
from hubapp.blueprints.demands import reading, visits
from hubapp.blueprints.demands.models import Demand, Visit
from hubapp.blueprints.directory import register, services
from hubapp.blueprints.directory.models import Enterprise
from hubapp.blueprints.directory.register import EnterpriseData
from hubapp.blueprints.directory.uscc import make_code
from hubapp.database import atomic
from hubapp.extensions import db
from hubapp.params import shift_month
from hubapp.rules import Conflict, RuleError

CODE = make_code("371000", 4242)


def data(**changes) -> EnterpriseData:
    values = dict(name="威海汇科工控技术有限公司", uscc=CODE, kind="accelerator", short_name="汇科工控")
    return EnterpriseData(**(values | changes))


def create(actor=None, **changes) -> Enterprise:
    with atomic():
        return register.create_enterprise(actor, data(**changes))


def refused(change) -> RuleError:
    with pytest.raises(RuleError) as caught, atomic():
        change()
    return caught.value


def test_every_field_has_its_label():
    assert set(register.FIELD_LABELS) == {f.name for f in fields(EnterpriseData)}


def test_an_enterprise_is_written_with_its_audit_row(app, users):
    grid = directory.grid(3)
    made = create(users["staff"], grid_id=grid.id, above_designated_size=True,
                  contact_name="杨先生", contact_phone="13985263751")  # fmt: skip
    stored = db.session.get(Enterprise, made.id)
    assert (stored.kind_label, stored.grid.number_label) == ("加速器", "第3网格")
    assert stored.active and stored.version == 1
    [entry] = audit.entries_for("enterprise", made.id)
    assert (entry.action, entry.actor_id, entry.to_state) == ("enterprise.create", users["staff"].id, "active")
    assert entry.detail_dict["uscc"] == CODE


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": "  "}, "name", "请填写企业名称"),
        ({"uscc": ""}, "uscc", "请填写统一社会信用代码"),
        ({"uscc": CODE[:17] + ("0" if CODE[17] != "0" else "1")}, "uscc", "校验位不正确"),
        ({"uscc": "91371000MA3C0OO1X"}, "uscc", "应为18位"),
        ({"kind": "企业"}, "kind", "请选择企业类型"),
        ({"contact_phone": "0631-3981001"}, "contact_phone", "请填写11位手机号码"),
        ({"short_name": "汇" * 31}, "short_name", "简称不能超过30个字"),
        ({"grid_id": 999}, "grid_id", "所选网格不存在"),
    ],
)
def test_a_broken_rule_names_its_field_and_writes_nothing(app, changes, field, message):
    error = refused(lambda: register.create_enterprise(None, data(**changes)))
    assert error.field == field and message in error.message
    assert db.session.scalar(select(func.count()).select_from(Enterprise)) == 0


def test_typed_text_is_cleaned_before_it_is_checked(app):
    full_width = CODE.translate(str.maketrans("0123456789ABCDEFGHJKLMNPQRTUWXY", "０１２３４５６７８９ＡＢＣＤＥＦＧＨＪＫＬＭＮＰＱＲＴＵＷＸＹ"))
    made = create(uscc=f" {full_width[:6]} {full_width[6:]}\u200b ", name=" 威海汇科(集团)有限公司 ",
                  contact_phone="139 8526-3751", address="  ", short_name="")  # fmt: skip
    assert made.uscc == CODE and made.name == "威海汇科（集团）有限公司"
    assert made.contact_phone == "13985263751" and made.address is None and made.short_name is None


def test_code_and_name_are_unique_even_against_a_deactivated_enterprise(app):
    first = create()
    directory.deactivated(first)
    same_code = refused(lambda: register.create_enterprise(None, data(name="另一家公司")))
    assert same_code.field == "uscc" and "威海汇科工控技术有限公司" in same_code.message and "已停用" in same_code.message
    same_name = refused(lambda: register.create_enterprise(None, data(name="威海汇科工控技术有限公司", uscc=make_code("371000", 77))))
    assert same_name.field == "name" and CODE in same_name.message


def test_the_database_refuses_a_second_enterprise_with_the_same_code(app):
    create()
    with pytest.raises(Exception), atomic():  # noqa: B017 — the constraint, whatever the driver calls its error
        db.session.execute(
            text("INSERT INTO enterprise (name, uscc, kind, above_designated_size, active, version) "
                 "VALUES ('别的公司', :code, 'nearby', false, true, 1)"),
            {"code": CODE},
        )  # fmt: skip


def test_the_database_refuses_an_unknown_kind(app):
    made = create()
    with pytest.raises(Exception), atomic():  # noqa: B017
        db.session.execute(update(Enterprise).where(Enterprise.id == made.id).values(kind="企业"))


def test_an_edit_records_what_changed_from_what_to_what(app, users):
    grid = directory.grid(5)
    made = create(contact_phone="13985263751")
    with atomic():
        register.update_enterprise(users["staff"], made, data(contact_phone="13800001111", grid_id=grid.id), made.version)
    entry = audit.entries_for("enterprise", made.id)[-1]
    assert entry.action == "enterprise.update" and entry.actor_id == users["staff"].id
    assert entry.detail_dict["changes"] == "所属网格：（空） → 第5网格；联系人手机：13985263751 → 13800001111"
    assert db.session.get(Enterprise, made.id).version == 2


def test_an_edit_that_changes_nothing_writes_no_audit_row(app):
    made = create()
    with atomic():
        register.update_enterprise(None, made, data(short_name=" 汇科工控 "), made.version)
    assert len(audit.entries_for("enterprise", made.id)) == 1
    assert made.version == 1


def test_an_edit_begun_before_a_colleagues_save_is_refused(app):
    made = create()
    with atomic():
        register.update_enterprise(None, made, data(address="创业谷1号楼"), made.version)
    with pytest.raises(Conflict), atomic():
        register.update_enterprise(None, made, data(address="创业谷2号楼"), 1)
    assert db.session.get(Enterprise, made.id).address == "创业谷1号楼"


def test_a_save_that_meets_a_newer_row_is_a_conflict_not_an_overwrite(app):
    """Between reading the record and writing it, another writer committed (possible on
    PostgreSQL, where writers do not queue): the version the update names is no longer there."""
    made = create()
    made_id = made.id
    db.session.expunge(made)
    db.session.rollback()
    with db.engine.begin() as other:
        other.execute(text("UPDATE enterprise SET address = '对方写的', version = version + 1 WHERE id = :id"), {"id": made_id})
    db.session.add(made)
    assert made.version == 1
    with pytest.raises(Conflict), atomic():
        register.update_enterprise(None, made, data(address="我写的"), 1)
    db.session.expire_all()
    assert db.session.get(Enterprise, made_id).address == "对方写的"



def test_deactivating_what_someone_else_just_deactivated_is_a_conflict_not_a_second_deactivation(app):
    """The copy in hand still reads it as in the register; the status moves only from what was
    read. Neither moves the version: an edit form open meanwhile stays saveable."""
    made = create()
    assert made.active  # what this page read; someone else then deactivates it
    db.session.execute(
        update(Enterprise).where(Enterprise.id == made.id).values(active=False)
        .execution_options(synchronize_session=False)
    )  # fmt: skip
    with pytest.raises(Conflict, match="刚刚已被他人停用"):
        register.deactivate(None, made, "已迁出园区")
    assert [e.action for e in audit.entries_for("enterprise", made.id)] == ["enterprise.create"]
    assert not made.active  # refreshed to what it is now
    with atomic():
        register.reactivate(None, made)
    assert db.session.get(Enterprise, made.id).active and made.version == 1


def test_renaming_to_another_enterprises_name_is_refused(app):
    create()
    other = create(name="威海鸿锐金属制品有限公司", uscc=make_code("371000", 99), short_name="鸿锐金属")
    error = refused(lambda: register.update_enterprise(None, other, data(uscc=other.uscc, name="威海汇科工控技术有限公司")))
    assert error.field == "name"


@pytest.fixture
def history(users):
    """An enterprise in the grid worker's grid with a visit and a demand, and a neighbour."""
    grid_id = users["grid_worker"].grids[0].id
    leaving = directory.enterprise("威海鸿锐金属制品有限公司", "鸿锐金属", grid_id=grid_id)
    staying = directory.enterprise("威海汇科工控技术有限公司", "汇科工控", grid_id=grid_id)
    visit = demands.visit(users["grid_worker"], leaving, clock.today(), ["industry"], "了解招聘需求。", at=clock.now())
    demand = demands.demand(users["staff"], leaving, title="招聘技能型人才")
    return {"leaving": leaving, "staying": staying, "visit": visit, "demand": demand}


def test_deactivating_keeps_the_history_and_leaves_every_picker(app, users, history):
    leaving, staying = history["leaving"], history["staying"]
    directory.deactivated(leaving, "已迁出园区", actor=users["staff"])
    assert db.session.get(Demand, history["demand"].id).enterprise_id == leaving.id
    assert db.session.get(Visit, history["visit"].id).enterprise_id == leaving.id
    assert services.search_enterprises("") == [staying]
    assert services.search_enterprises("鸿锐") == []
    assert list(db.session.scalars(services.enterprise_query())) == [staying]
    assert reading.grid_enterprises(users["grid_worker"]) == [staying]
    assert services.enterprise_by_uscc(leaving.uscc) == leaving
    listed = list(db.session.scalars(services.enterprise_query(status=services.ALL)))
    assert listed == [staying, leaving]
    assert list(db.session.scalars(services.enterprise_query(status=services.INACTIVE))) == [leaving]
    entry = audit.entries_for("enterprise", leaving.id)[-1]
    assert (entry.action, entry.from_state, entry.to_state, entry.actor_id) == (
        "enterprise.deactivate", "active", "inactive", users["staff"].id,
    )  # fmt: skip
    assert entry.detail_dict["reason"] == "已迁出园区"


def test_a_picker_keeps_the_deactivated_enterprise_a_record_already_names(app, history):
    directory.deactivated(history["leaving"])
    kept = services.search_enterprises("", including=history["leaving"].id)
    assert kept == [history["leaving"], history["staying"]]


def test_coverage_counts_a_deactivated_enterprise_only_in_a_month_it_was_visited(app, users, history):
    directory.deactivated(history["leaving"])
    month = clock.today().replace(day=1)
    [row] = [r for r in visits.visit_coverage(month) if r.grid.id == users["grid_worker"].grids[0].id]
    assert {e.id for e in row.enterprises} == {history["leaving"].id, history["staying"].id}
    [later] = [r for r in visits.visit_coverage(shift_month(month, 1)) if r.grid.id == users["grid_worker"].grids[0].id]
    assert [e.id for e in later.enterprises] == [history["staying"].id]


def test_deactivating_needs_a_reason_and_an_active_enterprise(app):
    made = create()
    assert refused(lambda: register.deactivate(None, made, "  ")).field == "reason"
    directory.deactivated(made)
    with pytest.raises(Conflict), atomic():
        register.deactivate(None, made, "再次停用")


def test_reactivating_brings_it_back_to_the_pickers_with_an_audit_row(app, users):
    made = create()
    directory.deactivated(made)
    with atomic():
        register.reactivate(users["admin"], made)
    assert services.search_enterprises("汇科") == [made]
    entry = audit.entries_for("enterprise", made.id)[-1]
    assert (entry.action, entry.from_state, entry.to_state) == ("enterprise.reactivate", "inactive", "active")
    with pytest.raises(Conflict), atomic():
        register.reactivate(None, made)


def test_search_finds_a_part_of_the_code_typed_full_width(app):
    made = create()
    assert services.search_enterprises(CODE[-6:].translate(str.maketrans("0123456789", "０１２３４５６７８９"))) == [made]
    assert services.search_enterprises("汇科") == [made]
