"""Grids (网格): staff add, rename and remove them, place enterprises in them and give them grid
workers, one worker possibly covering several grids; every change is audited; a grid's page shows
its workers, its enterprises and this month's visits. Grid workers and liaisons cannot keep grids."""

import pytest
from factories import demands, directory
from factories.accounts import account
from sqlalchemy import func, select, update

from hubapp.audit import AuditEntry
from hubapp.blueprints.auth import services as accounts
from hubapp.blueprints.directory import grids
from hubapp.blueprints.directory.grids import GridDetails
from hubapp.blueprints.directory.models import Enterprise, Grid
from hubapp.database import atomic
from hubapp.extensions import db
from hubapp.rules import Conflict, NotAllowed, RuleError


def audit_rows(action: str) -> list[AuditEntry]:
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)).all()


@pytest.fixture
def register(users):
    """Grid 1 (the test grid worker's) holds 汇科工控; grid 2 holds 鸿锐金属; 蓝海新材料 is in none."""
    grid1 = users["grid_worker"].grids[0]
    grid2 = directory.grid(2, "二号网格")
    return {
        "grid1": grid1,
        "grid2": grid2,
        "huike": directory.enterprise("威海汇科工控技术有限公司", "汇科工控", grid_id=grid1.id),
        "hongrui": directory.enterprise("威海鸿锐金属制品有限公司", "鸿锐金属", grid_id=grid2.id),
        "lanhai": directory.enterprise("威海蓝海新材料有限公司", "蓝海新材料"),
    }


# --- services ----------------------------------------------------------------------------------


def test_a_grid_gets_a_default_name_and_a_number_of_its_own(users):
    with atomic():
        grid = grids.create_grid(users["staff"], GridDetails(7, "  ", "创业谷4号楼"))
    assert (grid.number, grid.name, grid.label) == (7, "第7网格", "第7网格")
    with pytest.raises(RuleError, match="第7网格已存在") as refused, atomic():
        grids.create_grid(users["staff"], GridDetails(7, "东区", None))
    assert refused.value.field == "number"
    assert db.session.scalar(select(func.count()).select_from(Grid)) == 2  # grid 1 of the fixture, and 7
    entry = audit_rows("grid.create")[-1]
    assert entry.actor_id == users["staff"].id and entry.object_id == str(grid.id)


def test_renaming_a_grid_is_audited_from_and_to(users):
    grid = users["grid_worker"].grids[0]
    with atomic():
        grids.update_grid(users["staff"], grid, GridDetails(1, "创业谷东区", "1号楼"))
    entry = audit_rows("grid.update")[-1]
    assert (entry.from_state, entry.to_state) == ("第1网格 · 一号网格", "第1网格 · 创业谷东区")
    assert entry.detail_dict["changed"] == "名称、范围"


@pytest.mark.parametrize("role", ["grid_worker", "liaison"])
def test_only_staff_keep_grids(users, register, role):
    with pytest.raises(NotAllowed), atomic():
        grids.create_grid(users[role], GridDetails(9, None, None))
    with pytest.raises(NotAllowed), atomic():
        grids.set_enterprises(users[role], register["grid2"], [register["huike"].id], [])
    with pytest.raises(NotAllowed), atomic():
        accounts.assign_grid_workers(users[role], register["grid2"], [users["grid_worker"].id], [])


def test_setting_a_grids_enterprises_moves_them_and_audits_each_move(users, register):
    grid2 = register["grid2"]
    shown = [register["hongrui"].id]
    with atomic():
        moved = grids.set_enterprises(users["staff"], grid2, [register["huike"].id, register["lanhai"].id], shown)
    assert moved == (2, 1)
    for name, expected in [("huike", grid2.id), ("lanhai", grid2.id), ("hongrui", None)]:
        db.session.refresh(register[name])
        assert register[name].grid_id == expected, name
    moves = {(e.object_id, e.from_state, e.to_state) for e in audit_rows("enterprise.grid")}
    assert moves == {
        (str(register["huike"].id), "第1网格 · 一号网格", "第2网格 · 二号网格"),
        (str(register["lanhai"].id), "未划分网格", "第2网格 · 二号网格"),
        (str(register["hongrui"].id), "第2网格 · 二号网格", "未划分网格"),
    }


def test_an_enterprise_placed_meanwhile_by_someone_else_stays(users, register):
    """The page showed grid 2 with 鸿锐金属 only; meanwhile 蓝海新材料 was placed there. Saving
    the page unchanged must not take 蓝海新材料 out again."""
    grid2 = register["grid2"]
    shown = [register["hongrui"].id]
    with atomic():
        grids.move_enterprise(users["admin"], register["lanhai"], grid2)
    with atomic():
        assert grids.set_enterprises(users["staff"], grid2, shown, shown) == (0, 0)
    db.session.refresh(register["lanhai"])
    assert register["lanhai"].grid_id == grid2.id



def test_a_move_raises_the_version_so_an_edit_form_opened_before_it_conflicts(users, register):
    huike = register["huike"]
    assert huike.version == 1
    with atomic():
        grids.move_enterprise(users["staff"], huike, register["grid2"])
    assert (huike.grid_id, huike.version) == (register["grid2"].id, 2)


def test_moving_an_enterprise_someone_else_just_moved_is_a_conflict(users, register):
    huike = register["huike"]
    assert huike.grid_id == register["grid1"].id  # what this page read
    # Someone else moves it to grid 2; the copy in hand still says grid 1.
    db.session.execute(
        update(Enterprise).where(Enterprise.id == huike.id).values(grid_id=register["grid2"].id)
        .execution_options(synchronize_session=False)
    )  # fmt: skip
    with pytest.raises(Conflict, match="刚刚已被他人调整"):
        grids.move_enterprise(users["staff"], huike, None)
    db.session.rollback()


def test_a_grid_with_enterprises_workers_or_history_is_not_deleted(users, register):
    with pytest.raises(RuleError, match="还有企业"), atomic():
        grids.delete_grid(users["staff"], register["grid1"])
    grid3 = directory.grid(3)
    worker = account("zhou", "grid_worker", grids=[grid3, register["grid2"]])
    with pytest.raises(RuleError, match="还有网格员"), atomic():
        grids.delete_grid(users["staff"], grid3)
    # A visit in grid 3 is history: once its enterprise and worker are gone, the database still refuses.
    firm = directory.enterprise("威海海纳数据有限公司", "海纳数据", grid_id=grid3.id)
    demands.visit(worker, firm)
    with atomic():
        grids.move_enterprise(users["staff"], firm, None)
        accounts.assign_grid_workers(users["staff"], grid3, [], [worker.id])
    with pytest.raises(RuleError, match="已有诉求或走访记录"), atomic():
        grids.delete_grid(users["staff"], grid3)
    assert db.session.get(Grid, grid3.id) is not None
    grid4 = directory.grid(4)
    with atomic():
        grids.delete_grid(users["staff"], grid4)
    assert db.session.get(Grid, grid4.id) is None
    assert audit_rows("grid.delete")[-1].from_state == "第4网格 · 4号网格"


# --- grid workers --------------------------------------------------------------------------------


def test_a_grid_worker_covers_a_second_grid_from_its_page(users, register):
    worker = users["grid_worker"]
    with atomic():
        changed = accounts.assign_grid_workers(users["staff"], register["grid2"], [worker.id], [])
    assert changed == [worker]
    assert [g.number for g in worker.grids] == [1, 2]
    entry = audit_rows("user.grids")[-1]
    assert entry.object_id == str(worker.id) and entry.detail_dict["grids"] == "第1网格 → 第1、2网格"


def test_a_grid_worker_keeps_at_least_one_grid(users, register):
    worker = users["grid_worker"]
    grid1 = register["grid1"]
    with pytest.raises(RuleError, match="只负责这一个网格") as refused, atomic():
        accounts.assign_grid_workers(users["staff"], grid1, [], [worker.id])
    assert refused.value.field == "workers"
    db.session.refresh(worker)
    assert [g.id for g in worker.grids] == [grid1.id]


def test_only_grid_workers_in_service_are_assigned(users, register):
    with pytest.raises(RuleError, match="不是在岗的网格员"), atomic():
        accounts.assign_grid_workers(users["staff"], register["grid2"], [users["liaison"].id], [])


def test_a_worker_the_page_did_not_show_keeps_the_grid(users, register):
    """Someone gave grid 1 a second worker meanwhile; saving a page that showed only the first
    worker, unchanged, does not take it away from the second."""
    second = account("zhou", "grid_worker", grids=[register["grid2"]])
    with atomic():
        accounts.assign_grid_workers(users["admin"], register["grid1"], [second.id], [])
    with atomic():
        accounts.assign_grid_workers(users["staff"], register["grid1"], [users["grid_worker"].id], [users["grid_worker"].id])
    db.session.refresh(second)
    assert [g.number for g in second.grids] == [1, 2]


# --- pages ---------------------------------------------------------------------------------------


def test_the_grid_list_says_how_to_begin_when_there_is_no_grid(app, client):
    account("boss", "admin")
    client.post("/login", data={"username": "boss", "password": "pass-word-1"})
    page = client.get("/directory/grids").get_data(as_text=True)
    assert "还没有划分网格" in page and 'href="/directory/grids/new"' in page


def test_staff_add_a_grid_and_a_taken_number_keeps_what_was_typed(auth, client, users):
    auth.login("staff")
    form = client.get("/directory/grids/new").get_data(as_text=True)
    assert 'value="2"' in form  # the next free number is offered
    taken = client.post("/directory/grids/new", data={"number": "1", "name": "东区", "area": "创业谷1号楼"})
    assert taken.status_code == 422
    page = taken.get_data(as_text=True)
    assert "第1网格已存在" in page and 'value="东区"' in page and 'value="创业谷1号楼"' in page
    not_a_number = client.post("/directory/grids/new", data={"number": "二", "name": "东区"})
    assert not_a_number.status_code == 422 and "不是有效的整数" in not_a_number.get_data(as_text=True)
    made = client.post("/directory/grids/new", data={"number": "2", "name": "东区", "area": ""})
    assert made.status_code == 303
    grid = db.session.scalar(select(Grid).where(Grid.number == 2))
    assert made.headers["Location"] == f"/directory/grids/{grid.id}"


def test_a_grids_page_shows_its_workers_enterprises_and_this_months_visits(auth, client, users, register):
    worker = users["grid_worker"]
    demands.visit(worker, register["huike"])
    directory.enterprise("威海星海电子科技有限公司", "星海电子科技", grid_id=register["grid1"].id)
    auth.login("staff")
    page = client.get(f"/directory/grids/{register['grid1'].id}").get_data(as_text=True)
    assert "网格员丙" in page and "威海汇科工控技术有限公司" in page and "威海鸿锐金属制品有限公司" not in page
    assert "本月走访" in page and "已走访 <strong>1</strong> / 2 家" in page and "尚未走访：星海电子科技" in page
    # Workers and enterprises in it: nothing offers to delete it.
    assert "删除网格" not in page


def test_staff_set_a_grids_enterprises_on_its_page(auth, client, users, register):
    auth.login("staff")
    url = f"/directory/grids/{register['grid2'].id}/enterprises"
    form = client.get(url).get_data(as_text=True)
    assert "未划分网格" in form and "现属第1网格 · 一号网格" in form
    response = client.post(url, data={"enterprises": [str(register["lanhai"].id)], "shown": str(register["hongrui"].id)})
    assert response.status_code == 303
    db.session.refresh(register["lanhai"])
    db.session.refresh(register["hongrui"])
    assert register["lanhai"].grid_id == register["grid2"].id and register["hongrui"].grid_id is None
    gone = client.post(url, data={"enterprises": ["99999"], "shown": ""})
    assert gone.status_code == 409 and "刷新页面" in gone.get_data(as_text=True)


def test_staff_give_a_grid_its_workers_and_a_refusal_is_shown_on_the_form(auth, client, users, register):
    worker = users["grid_worker"]
    auth.login("staff")
    url = f"/directory/grids/{register['grid1'].id}/workers"
    assert "网格员丙" in client.get(url).get_data(as_text=True)
    refused = client.post(url, data={"shown": str(worker.id)})
    assert refused.status_code == 422 and "只负责这一个网格" in refused.get_data(as_text=True)
    url2 = f"/directory/grids/{register['grid2'].id}/workers"
    assert client.post(url2, data={"workers": [str(worker.id)], "shown": ""}).status_code == 303
    page = client.get(f"/directory/grids/{register['grid2'].id}").get_data(as_text=True)
    assert "网格员丙" in page and "同时负责：第1网格 · 一号网格" in page


def test_an_empty_grid_is_deleted_after_confirming(auth, client, users):
    grid = directory.grid(5)
    auth.login("staff")
    page = client.get(f"/directory/grids/{grid.id}").get_data(as_text=True)
    assert "删除网格" in page and 'data-confirm="确定删除第5网格 · 5号网格吗？"' in page
    response = client.post(f"/directory/grids/{grid.id}/delete")
    assert response.status_code == 303 and response.headers["Location"] == "/directory/grids"
    assert db.session.get(Grid, grid.id) is None


def test_a_refused_delete_says_why_on_the_grids_page(auth, client, users):
    grid = users["grid_worker"].grids[0]
    auth.login("staff")
    response = client.post(f"/directory/grids/{grid.id}/delete", follow_redirects=True)
    assert "还有网格员" in response.get_data(as_text=True)
    assert db.session.get(Grid, grid.id) is not None
