"""Going live, in real browsers: from an empty database to a closed demand through the pages only.
The admin ``hub create-admin`` made sets up a department and a grid, imports the register from the
centre's spreadsheet (the preview names the mistyped credit code and the duplicate), and opens
accounts for a grid worker and a liaison; the grid worker, on a phone, records a visit (picking the
enterprise by typing) and the demand it raised; staff transfer it, the liaison answers, staff close it."""

import re

import pytest

from tests.test_core_go_live import register_file

pytestmark = [pytest.mark.e2e, pytest.mark.server]


def log_in(page, server, username: str, password: str, new_password: str | None = None) -> None:
    page.context.clear_cookies()
    page.goto(server.url + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    if new_password:
        page.wait_for_url(server.url + "/account/password")
        page.fill("input[name=current_password]", password)
        page.fill("input[name=new_password]", new_password)
        page.fill("input[name=confirm]", new_password)
        page.click("button:has-text('保存')")
    page.wait_for_url(server.url + "/")


def test_from_an_empty_database_to_a_closed_demand_in_the_browser(app, live_server, page, phone_page, tmp_path):
    output = app.test_cli_runner().invoke(args=["hub", "create-admin", "--if-no-users"]).output
    printed = re.search(r"密码：\s*(\S+)", output).group(1)
    spreadsheet = tmp_path / "企业底数.xlsx"
    spreadsheet.write_bytes(register_file())
    server = live_server(workers=2)

    log_in(page, server, "admin", printed, "centre-2026")
    page.locator("section.setup li", has_text="登记部门与单位").locator("a").click()
    page.fill("input[name=name]", "威海市住房和城乡建设局")
    page.fill("input[name=short_name]", "住建局")
    page.click("button:has-text('保存')")
    page.locator("h1", has_text="威海市住房和城乡建设局").wait_for()
    page.goto(server.url + "/directory/grids/new")
    page.fill("input[name=name]", "创业谷东区")
    page.click("button:has-text('保存')")
    page.locator("h1", has_text="创业谷东区").wait_for()

    page.goto(server.url + "/directory/enterprises/import")
    page.set_input_files("input[type=file]", str(spreadsheet))
    page.click("button:has-text('上传')")
    preview = page.locator("main")
    preview.locator("text=校验位不正确").first.wait_for()
    assert "第5行“统一社会信用代码”：与第3行重复" in preview.inner_text()
    page.check("input[name=skip_errors]")
    page.click("button:has-text('确认导入')")
    page.locator(".flash-success").wait_for()

    for username, name, role, choose in [
        ("zhou", "周海涛", "grid_worker", lambda: page.get_by_label("第1网格 · 创业谷东区").check()),
        ("sun", "孙立", "liaison", lambda: page.select_option("select[name=department_id]", label="威海市住房和城乡建设局")),
    ]:
        page.goto(server.url + "/admin/users/new")
        page.fill("input[name=username]", username)
        page.fill("input[name=display_name]", name)
        page.select_option("select[name=role]", role)
        choose()
        page.fill("input[name=password]", "first-2026")
        page.click("button:has-text('保存')")
        page.locator("td", has_text=name).wait_for()

    # The grid worker, on a phone: the enterprise is picked by typing, from the suggestions.
    log_in(phone_page, server, "zhou", "first-2026", "grid-2026a")
    phone_page.goto(server.url + "/demands/visits/new")
    phone_page.fill("input[name=enterprise]", "汇科")
    phone_page.locator("#enterprise-options option[value='威海汇科工控技术有限公司']").wait_for(state="attached")
    phone_page.fill("input[name=enterprise]", "威海汇科工控技术有限公司")
    phone_page.check("input[name=topics][value=industry]")
    phone_page.click("button:has-text('保存走访')")
    phone_page.select_option("select[name=kind]", "support")
    phone_page.fill("input[name=title]", "厂区门前路灯损坏")
    phone_page.fill("textarea[name=description]", "夜间下班职工出行不便。")
    phone_page.fill("input[name=contact_name]", "杨先生")
    phone_page.fill("input[name=contact_mobile]", "13985263751")
    phone_page.click("button:has-text('登记')")
    phone_page.wait_for_url(server.url + "/demands/grid")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    phone_page.locator(".my-demands li", has_text="厂区门前路灯损坏").locator("a").click()
    demand_url = phone_page.url

    log_in(page, server, "admin", "centre-2026")
    page.goto(demand_url)
    transfer = page.locator("#form-transfer")
    transfer.locator("select[name=department_id]").select_option(label="威海市住房和城乡建设局")
    transfer.locator("textarea[name=note]").fill("请修复厂区门前路灯。")
    transfer.locator("button[type=submit]").click()
    page.locator("#demand-body .demand-meta .status-transferred").wait_for()

    log_in(page, server, "sun", "first-2026", "sun-2026ab")
    page.click("nav.mainnav >> text=转办诉求")
    page.click("text=厂区门前路灯损坏")
    page.fill("#form-answer textarea[name=answer]", "已更换灯具，恢复照明。")
    page.click("#form-answer button[type=submit]")
    page.locator("#demand-body .status-answered").wait_for()

    log_in(page, server, "admin", "centre-2026")
    page.goto(demand_url)
    page.check("#form-close input[value=satisfied]")
    page.click("#form-close button[type=submit]")
    page.locator("#demand-body .demand-meta .status-closed").wait_for()
    steps = page.locator(".timeline li strong").all_inner_texts()
    assert steps == ["登记诉求", "转办（吹哨）", "办理反馈", "回访销号"]
