"""People: a grid worker picks their grids (one or more) and then sees and acts for the
enterprises of those grids and no others; a liaison their department; ``hub create-user`` refuses
an unknown grid or department in Chinese with exit status 1; an admin resets a password and may
force a change at the next login, after which every page leads to the password page."""

import html
import re

import pytest
from factories import demands, directory
from factories.accounts import account
from sqlalchemy import select

from hubapp.audit import AuditEntry
from hubapp.blueprints.auth import services
from hubapp.blueprints.auth.models import User
from hubapp.blueprints.demands import reading, visits
from hubapp.database import atomic
from hubapp.extensions import db
from hubapp.rules import NotAllowed, RuleError


@pytest.fixture
def three_grids(users):
    """Grids 1 (the fixture's), 2 and 3, an enterprise in each; 周海涛 covers grids 1 and 2."""
    grid1 = users["grid_worker"].grids[0]
    grid2, grid3 = directory.grid(2, "二号网格"), directory.grid(3, "三号网格")
    firms = {
        1: directory.enterprise("威海汇科工控技术有限公司", "汇科工控", grid_id=grid1.id),
        2: directory.enterprise("威海鸿锐金属制品有限公司", "鸿锐金属", grid_id=grid2.id),
        3: directory.enterprise("威海蓝海新材料有限公司", "蓝海新材料", grid_id=grid3.id),
    }
    zhou = account("zhou", "grid_worker", name="周海涛", grids=[grid1, grid2])
    return {"grids": {1: grid1, 2: grid2, 3: grid3}, "firms": firms, "zhou": zhou}


# --- a grid worker with two grids -----------------------------------------------------------------


def test_a_grid_worker_with_two_grids_acts_for_both_and_no_others(users, three_grids):
    zhou, firms = three_grids["zhou"], three_grids["firms"]
    assert [e.short_name for e in reading.grid_enterprises(zhou)] == ["汇科工控", "鸿锐金属"]
    for number in (1, 2):
        visit = demands.visit(zhou, firms[number])
        assert visit.grid_id == three_grids["grids"][number].id
    with pytest.raises(NotAllowed, match="不在您负责的网格"), atomic():
        visits.log_visit(zhou, firms[3].id, None, ["party"], None)
    with pytest.raises(NotAllowed), atomic():
        demands.demand(zhou, firms[3])
    # Demands other people raised: those of grids 1 and 2 are zhou's to see, grid 3's are not.
    seen = {number: demands.demand(users["staff"], firms[number], title=f"第{number}网格的诉求") for number in (1, 2, 3)}
    assert [reading.may_view(zhou, seen[n]) for n in (1, 2, 3)] == [True, True, False]
    assert reading.home_counts(zhou)["visits"] == 2


def test_the_grid_workers_pages_cover_both_grids(auth, client, three_grids):
    firms = three_grids["firms"]
    auth.login("zhou")
    mine = client.get("/demands/grid").get_data(as_text=True)
    assert "第1网格 · 一号网格" in mine and "第2网格 · 二号网格" in mine
    assert "威海汇科工控技术有限公司" in mine and "威海鸿锐金属制品有限公司" in mine
    assert "威海蓝海新材料有限公司" not in mine
    visit_form = client.get("/demands/visits/new").get_data(as_text=True)
    suggest_url = html.unescape(re.search(r'hx-get="([^"]+)"', visit_form).group(1))
    offered = client.get(suggest_url).get_data(as_text=True)  # what the field offers when touched
    assert f'value="{firms[2].name}"' in offered and f'value="{firms[3].name}"' not in offered
    refused = client.post(
        "/demands/visits/new", data={"enterprise": firms[3].name, "visited_on": "2026-01-05", "topics": ["party"]}
    )
    assert refused.status_code in (403, 422)  # not among the choices, or refused by the rule
    assert not db.session.scalars(select(AuditEntry).where(AuditEntry.action == "visit.create")).all()


def test_the_visit_ledger_lists_a_worker_under_each_of_their_grids(users, three_grids):
    from hubapp import clock

    rows = {row.grid.number: [w.display_name for w in row.workers] for row in visits.visit_coverage(clock.today())}
    assert rows == {1: ["网格员丙", "周海涛"], 2: ["周海涛"], 3: []}


# --- accounts ------------------------------------------------------------------------------------


def test_an_admin_creates_a_grid_worker_with_two_grids(auth, client, users, three_grids):
    grids = three_grids["grids"]
    auth.login("admin")
    form = client.get(f"/admin/users/new?role=grid_worker&grid={grids[2].id}").get_data(as_text=True)
    assert f'checked id="grid_ids-1" name="grid_ids" type="checkbox" value="{grids[2].id}"' in form
    data = {"username": "liu", "display_name": "刘晓燕", "role": "grid_worker", "password": "abc-12345",
            "must_change_password": "y"}  # fmt: skip
    missing = client.post("/admin/users/new", data=data)
    assert missing.status_code == 422
    page = missing.get_data(as_text=True)
    assert "网格员必须选择所属网格" in page and 'value="刘晓燕"' in page and 'value="abc-12345"' in page
    made = client.post("/admin/users/new", data=data | {"grid_ids": [str(grids[2].id), str(grids[3].id)]})
    assert made.status_code == 303
    liu = services.find_by_username("liu")
    assert [g.number for g in liu.grids] == [2, 3] and liu.must_change_password
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.create", AuditEntry.object_id == str(liu.id)))
    assert entry.detail_dict["grids"] == "第2、3网格"
    listed = client.get("/admin/users", query_string={"q": "刘"}).get_data(as_text=True)
    assert "第2网格 · 二号网格、第3网格 · 三号网格" in listed and "待改密码" in listed and "周海涛" not in listed


def test_an_unknown_grid_is_refused_next_to_the_grids(auth, client, users):
    auth.login("admin")
    response = client.post(
        "/admin/users/new",
        data={"username": "liu", "display_name": "刘", "role": "grid_worker", "password": "abc-12345", "grid_ids": "999"},
    )
    assert response.status_code == 422 and "所选网格不存在" in response.get_data(as_text=True)
    assert services.find_by_username("liu") is None


def test_editing_a_grid_worker_changes_their_grids_and_audits_it(users, three_grids):
    zhou, grids = three_grids["zhou"], three_grids["grids"]
    profile = services.Profile(display_name="周海涛", role="grid_worker", grid_ids=(grids[3].id,))
    with atomic():
        services.update_user(users["admin"], zhou, profile)
    assert [g.number for g in zhou.grids] == [3]
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "user.update")).all()[-1]
    assert entry.detail_dict["grids"] == "第1、2网格 → 第3网格"
    # Made staff: the grids go with the role.
    with atomic():
        services.update_user(users["admin"], zhou, services.Profile(display_name="周海涛", role="staff"))
    assert zhou.grids == []


def test_a_grid_worker_without_grids_is_not_reactivated(users, three_grids):
    zhou = three_grids["zhou"]
    with atomic():
        services.set_active(users["admin"], zhou, False)
        zhou.grids = []
    with pytest.raises(RuleError, match="没有所属网格"), atomic():
        services.set_active(users["admin"], zhou, True)


# --- a password an admin gave ---------------------------------------------------------------------


def test_after_a_reset_every_page_leads_to_the_password_page_until_it_is_changed(auth, client, users):
    target = users["grid_worker"]
    auth.login("admin")
    reset = client.post(
        f"/admin/users/{target.id}/password", data={"reset-new_password": "temp-2026a", "reset-must_change": "y"}
    )
    assert reset.status_code == 303
    auth.logout()
    login = client.post("/login", data={"username": "grid_worker", "password": "temp-2026a"})
    assert login.status_code == 303
    for url in ("/", "/demands/grid", "/directory/enterprises", "/demands/visits/new"):
        response = client.get(url)
        assert (response.status_code, response.headers["Location"]) == (303, "/account/password"), url
    assert client.post("/demands/visits/new", data={}).headers["Location"] == "/account/password"
    htmx = client.get("/demands/grid", headers={"HX-Request": "true"})
    assert htmx.headers["HX-Redirect"] == "/account/password"
    page = client.get("/account/password").get_data(as_text=True)
    assert "请先设置一个只有您自己知道的新密码" in page and "主导航" not in page
    same = client.post(
        "/account/password", data={"current_password": "temp-2026a", "new_password": "temp-2026a", "confirm": "temp-2026a"}
    )
    assert same.status_code == 422 and "不能与当前密码相同" in same.get_data(as_text=True)
    changed = client.post(
        "/account/password", data={"current_password": "temp-2026a", "new_password": "mine-2026b", "confirm": "mine-2026b"}
    )
    assert changed.status_code == 303
    assert client.get("/demands/grid").status_code == 200
    db.session.refresh(target)
    assert not target.must_change_password


def test_logout_still_works_while_a_change_is_due(auth, client, users):
    with atomic():
        services.reset_password(users["admin"], users["staff"], "temp-2026a", must_change=True)
    client.post("/login", data={"username": "staff", "password": "temp-2026a"})
    response = client.post("/logout")
    assert response.status_code == 303 and response.headers["Location"] == "/login"
    assert client.get("/").headers["Location"].startswith("/login")


def test_a_reset_without_the_tick_lets_the_user_straight_in(auth, client, users):
    auth.login("admin")
    client.post(f"/admin/users/{users['staff'].id}/password", data={"reset-new_password": "temp-2026a"})
    auth.logout()
    client.post("/login", data={"username": "staff", "password": "temp-2026a"})
    assert client.get("/").status_code == 200
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "user.reset_password")).all()[-1]
    assert entry.detail_dict == {"must_change": "否"} and entry.actor_id == users["admin"].id


# --- the command line ------------------------------------------------------------------------------


def test_create_user_picks_grids_by_number_and_a_department_by_name(app, users):
    directory.grid(2, "二号网格")
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["hub", "create-user", "zhou", "--role", "grid_worker", "--grid", "1", "--grid", "2"],
        input="abc-12345\nabc-12345\n",
    )
    assert result.exit_code == 0, result.output
    assert [g.number for g in services.find_by_username("zhou").grids] == [1, 2]
    result = runner.invoke(
        args=["hub", "create-user", "chen", "--role", "liaison", "--department", "经济发展局"], input="abc-12345\nabc-12345\n"
    )
    assert result.exit_code == 0, result.output
    assert services.find_by_username("chen").department.short_name == "经济发展局"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--role", "grid_worker", "--grid", "9"], "没有第9网格。现有网格：第1网格 · 一号网格。"),
        (["--role", "grid_worker"], "网格员必须选择所属网格"),
        (["--role", "liaison", "--department", "住建局"], "没有名为“住建局”的部门。现有部门：税务分局、经济发展局。"),
        (["--role", "liaison"], "部门联络员必须选择所属部门"),
    ],
)
def test_create_user_refuses_an_unknown_grid_or_department_in_chinese(app, users, options, message):
    result = app.test_cli_runner().invoke(args=["hub", "create-user", "x1", *options], input="abc-12345\nabc-12345\n")
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)  # click's own exit, not an error escaping
    assert db.session.scalar(select(User).where(User.username == "x1")) is None


def test_reset_password_prints_a_password_that_must_be_changed(app, users):
    result = app.test_cli_runner().invoke(args=["hub", "reset-password", "staff"])
    assert result.exit_code == 0, result.output
    password = result.output.split("密码：")[1].split()[0]
    db.session.refresh(users["staff"])
    assert users["staff"].check_password(password) and users["staff"].must_change_password
    unknown = app.test_cli_runner().invoke(args=["hub", "reset-password", "nobody"])
    assert unknown.exit_code == 1 and "没有用户名为 nobody 的账号" in unknown.output


def test_a_random_password_passes_the_strength_rule():
    for _ in range(200):
        services.check_password_strength(services.random_password())

