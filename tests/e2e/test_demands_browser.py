"""The whole way of one demand in real browsers: a grid worker on a phone logs a visit and raises
a demand from it; staff transfer it to the tax branch; the branch's liaison answers; staff ask the
enterprise and close it."""

from conftest import PASSWORD

from tests.test_demands_services import firms  # noqa: F401  (fixture)


def log_in(page, server, username):
    page.context.clear_cookies()
    page.goto(server.url + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(server.url + "/")


def test_a_demand_from_a_phone_visit_to_closure(users, firms, live_server, phone_page, page):
    server = live_server(workers=2)

    # The grid worker, on a phone.
    log_in(phone_page, server, "grid_worker")
    phone_page.click("nav.mainnav >> text=我的网格")
    phone_page.locator(".enterprise-list li", has_text="汇科工控").locator("text=记走访").click()
    phone_page.check("input[name=topics][value=industry]")
    phone_page.check("input[name=topics][value=safety]")
    phone_page.fill("textarea[name=notes]", "二期厂房在建，消防通道畅通。")
    phone_page.click("button:has-text('保存走访')")
    phone_page.locator("text=产业发展、安全生产").wait_for()
    phone_page.select_option("select[name=kind]", "funding")
    phone_page.fill("input[name=title]", "设备升级流动资金需求")
    phone_page.fill("textarea[name=description]", "需采购数控加工设备，流动资金缺口约450万元。")
    assert phone_page.input_value("input[name=contact_mobile]") == "13985263751"
    phone_page.click("button:has-text('登记')")
    phone_page.wait_for_url(server.url + "/demands/grid")
    mine = phone_page.locator(".my-demands li", has_text="设备升级流动资金需求")
    assert "待受理" in mine.inner_text()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    mine.locator("a").click()
    demand_url = phone_page.url

    # Staff transfer it to the tax branch (吹哨).
    log_in(page, server, "staff")
    page.goto(demand_url)
    transfer = page.locator("#form-transfer")
    transfer.locator("select[name=department_id]").select_option(label="国家税务总局威海南海新区税务局")
    transfer.locator("textarea[name=note]").fill("请对接银行信贷产品，协助企业融资。")
    transfer.locator("button[type=submit]").click()
    page.locator("#demand-body .demand-meta .status-transferred").wait_for()
    assert "转办 国家税务总局威海南海新区税务局" in page.locator("#demand-body").inner_text()

    # The branch's liaison answers.
    log_in(page, server, "liaison")
    page.click("nav.mainnav >> text=转办诉求")
    page.click("text=设备升级流动资金需求")
    page.fill("#form-answer textarea[name=answer]", "已协调银行完成授信，放款450万元。")
    page.click("#form-answer button[type=submit]")
    page.locator("#demand-body .status-answered").wait_for()

    # Staff ask the enterprise and close it (the confirmation is accepted).
    log_in(page, server, "staff")
    page.goto(demand_url)
    page.check("#form-close input[value=satisfied]")
    page.click("#form-close button[type=submit]")
    page.locator("#demand-body .demand-meta .status-closed").wait_for()
    steps = page.locator(".timeline li strong").all_inner_texts()
    assert steps == ["登记诉求", "转办（吹哨）", "办理反馈", "回访销号"]
