"""The first day of a real centre, in real browsers: the admin ``hub create-admin`` made logs in
with the printed password and must choose their own; the 开始使用 checklist leads to adding a
department and two grids, placing enterprises in them and creating a grid worker who covers both
grids; the grid worker, on a phone, must change the password the admin gave and then finds the
enterprises of both grids on 我的网格."""

import re

import pytest
from factories import directory
from factories.facilities import room

pytestmark = [pytest.mark.e2e, pytest.mark.server]


def test_from_an_empty_database_to_a_grid_worker_with_two_grids(app, live_server, page, phone_page):
    output = app.test_cli_runner().invoke(args=["hub", "create-admin", "--if-no-users"]).output
    printed = re.search(r"密码：\s*(\S+)", output).group(1)
    room("会议室")
    for name in ["威海汇科工控技术有限公司", "威海鸿锐金属制品有限公司", "威海蓝海新材料有限公司"]:
        directory.enterprise(name, name[2:6])
    server = live_server(workers=2)

    page.goto(server.url + "/login")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", printed)
    page.click("button[type=submit]")
    page.wait_for_url(server.url + "/account/password")
    page.fill("input[name=current_password]", printed)
    page.fill("input[name=new_password]", "centre-2026")
    page.fill("input[name=confirm]", "centre-2026")
    page.click("button:has-text('保存')")
    page.wait_for_url(server.url + "/")
    checklist = page.locator("section.setup")
    assert "已完成 2 / 5 项" in checklist.inner_text()  # the room and the enterprises are there

    checklist.locator("li", has_text="登记部门与单位").locator("a").click()
    page.fill("input[name=name]", "南海新区住房和城乡建设局")
    page.fill("input[name=short_name]", "住建局")
    page.click("button:has-text('保存')")
    page.locator("h1", has_text="南海新区住房和城乡建设局").wait_for()

    for number, name in [(1, "创业谷东区"), (2, "创业谷西区")]:
        page.goto(server.url + "/directory/grids/new")
        assert page.input_value("input[name=number]") == str(number)
        page.fill("input[name=name]", name)
        page.click("button:has-text('保存')")
        page.locator("h1", has_text=name).wait_for()
        page.click("a.button:has-text('设置网格内企业')")
        page.locator("label", has_text="汇科工控" if number == 1 else "鸿锐金属").click()
        page.click("button:has-text('保存')")
        page.locator(".flash-success", has_text="移入1家").wait_for()

    page.goto(server.url + "/")
    page.locator("section.setup li", has_text="创建工作人员").locator("a").click()
    page.fill("input[name=username]", "zhou")
    page.fill("input[name=display_name]", "周海涛")
    page.select_option("select[name=role]", "grid_worker")
    page.get_by_label("第1网格 · 创业谷东区").check()
    page.get_by_label("第2网格 · 创业谷西区").check()
    page.fill("input[name=password]", "start-2026")
    page.click("button:has-text('保存')")
    page.locator("td", has_text="第1网格 · 创业谷东区、第2网格 · 创业谷西区").wait_for()
    page.goto(server.url + "/")
    assert page.locator("section.setup").count() == 0  # everything is set up

    phone_page.goto(server.url + "/login")
    phone_page.fill("input[name=username]", "zhou")
    phone_page.fill("input[name=password]", "start-2026")
    phone_page.click("button[type=submit]")
    phone_page.wait_for_url(server.url + "/account/password")
    phone_page.fill("input[name=current_password]", "start-2026")
    phone_page.fill("input[name=new_password]", "zhou-2026a")
    phone_page.fill("input[name=confirm]", "zhou-2026a")
    phone_page.click("button:has-text('保存')")
    phone_page.wait_for_url(server.url + "/")
    phone_page.click("nav.mainnav >> text=我的网格")
    mine = phone_page.locator("main").inner_text()
    assert "汇科工控技术" in mine and "鸿锐金属制品" in mine and "蓝海新材料" not in mine
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
