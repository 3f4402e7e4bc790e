"""Going live on an empty database: ``HUB_DEMO=0 make run`` leaves one admin whose random password
is printed once and must be changed at the first login; the home page then shows staff a 开始使用
checklist (rooms, departments, grids, enterprises, accounts) that ticks as things are added and
goes away once everything is there."""

import re
import subprocess
from pathlib import Path

from factories import directory, facilities
from factories.accounts import account
from sqlalchemy import select

from hubapp.blueprints.auth.models import User
from hubapp.extensions import db

ROOT = Path(__file__).resolve().parent.parent
STEPS = ["登记活动场地", "登记部门与单位", "划分网格", "录入企业名录", "创建工作人员、网格员和联络员账号"]


def ticked(page: str) -> list[str]:
    """The labels of the checklist's steps marked done, in order."""
    return re.findall(r'<li class="done">.*?<strong>(.*?)</strong>', page, re.S)


def test_create_admin_on_an_empty_database_then_log_in_and_change_the_password(app, client):
    result = app.test_cli_runner().invoke(args=["hub", "create-admin", "--if-no-users"])
    assert result.exit_code == 0, result.output
    assert "只显示这一次" in result.output
    password = re.search(r"密码：\s*(\S+)", result.output).group(1)
    admin = db.session.scalar(select(User).where(User.username == "admin"))
    assert admin.role == "admin" and admin.must_change_password

    login = client.post("/login", data={"username": "admin", "password": password})
    assert login.status_code == 303
    assert client.get("/").headers["Location"] == "/account/password"
    changed = client.post(
        "/account/password", data={"current_password": password, "new_password": "centre-2026", "confirm": "centre-2026"}
    )
    assert changed.status_code == 303
    home = client.get("/").get_data(as_text=True)
    assert "开始使用" in home and "已完成 0 / 5 项" in home
    for step in STEPS:
        assert step in home

    again = app.test_cli_runner().invoke(args=["hub", "create-admin", "--if-no-users"])
    assert again.exit_code == 0 and "未创建管理员" in again.output
    assert db.session.scalar(select(db.func.count()).select_from(User)) == 1


def test_create_admin_refuses_a_username_that_exists(app):
    account("admin", "admin")
    result = app.test_cli_runner().invoke(args=["hub", "create-admin"])
    assert result.exit_code == 1 and "该用户名已被使用" in result.output


def test_the_checklist_ticks_as_the_centre_sets_itself_up_and_then_goes(client):
    account("boss", "admin", name="管理员")
    client.post("/login", data={"username": "boss", "password": "pass-word-1"})

    def page() -> str:
        return client.get("/").get_data(as_text=True)

    assert ticked(page()) == []
    assert 'href="/facilities/rooms/new"' in page() and 'href="/directory/grids/new"' in page()
    facilities.room("会议室")
    assert ticked(page()) == ["登记活动场地"]
    directory.department()
    grid = directory.grid(1)
    directory.enterprise(grid_id=grid.id)
    assert ticked(page()) == STEPS[:4] and "已完成 4 / 5 项" in page()
    account("wang", "staff")
    assert "开始使用" not in page()


def test_staff_see_the_checklist_without_a_link_to_accounts_and_others_not_at_all(client):
    account("boss", "admin")
    account("wang", "staff", name="王")
    worker_grid = directory.grid(1)
    account("zhou", "grid_worker", grids=[worker_grid])
    client.post("/login", data={"username": "wang", "password": "pass-word-1"})
    page = client.get("/").get_data(as_text=True)
    assert "开始使用" in page and "请管理员完成" not in page  # accounts exist besides the admin: done
    assert 'href="/admin/users/new"' not in page
    client.post("/logout")
    client.post("/login", data={"username": "zhou", "password": "pass-word-1"})
    assert "开始使用" not in client.get("/").get_data(as_text=True)


def test_the_demo_database_needs_no_checklist(demo, client):
    client.post("/login", data={"username": "staff", "password": "demo-2026"})
    assert "开始使用" not in client.get("/").get_data(as_text=True)


def test_make_run_seeds_the_demo_unless_hub_demo_is_0():
    """What ``make run`` would do for the database, printed by make without running it."""

    def recipe(*variables: str) -> str:
        dry = subprocess.run(
            ["make", "-n", "db", *variables], cwd=ROOT, capture_output=True, text=True, check=True
        )
        return dry.stdout

    assert "hub seed-demo" in recipe() and "create-admin" not in recipe()
    empty = recipe("HUB_DEMO=0")
    assert "hub create-admin --if-no-users" in empty and "seed-demo" not in empty
