"""A liaison on a phone: the home page says what waits (待我处理) and the header counts the unread
message of the demand transferred to their department; the message opens the demand, and once
answered, the line and the count are gone."""

from factories import demands, directory, meetings

from tests.e2e.test_demands_browser import log_in


def test_a_liaison_follows_the_to_do_and_the_message_to_a_transferred_demand(users, live_server, phone_page, page):
    enterprise = directory.enterprise(grid_id=users["grid_worker"].grids[0].id)
    demand = demands.transferred(users["staff"], enterprise, meetings.department("税务分局"), title="出口退税进度")
    # Read before the server starts: the test's session must not hold SQLite while gunicorn writes.
    demand_page = f"/demands/{demand.id}"
    server = live_server(workers=2)

    log_in(phone_page, server, "liaison")
    todo = phone_page.locator(".todo-list")
    assert "件转办诉求待反馈办理结果" in todo.inner_text()
    assert phone_page.locator(".account .nav-count").inner_text() == "1"
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390

    phone_page.click(".account >> text=消息")
    phone_page.locator(".message-list li.unread", has_text="出口退税进度").locator("button", has_text="查看").click()
    phone_page.wait_for_url(server.url + demand_page)
    assert phone_page.locator(".account .nav-count").count() == 0

    phone_page.fill("#form-answer textarea[name=answer]", "已联系企业说明退税进度。")
    phone_page.click("#form-answer button[type=submit]")
    phone_page.locator("#demand-body .status-answered").wait_for()
    phone_page.goto(server.url + "/")
    assert "暂无待办" in phone_page.locator(".todo").inner_text()

    # Staff, at a desk: the answered demand now waits for their 回访.
    log_in(page, server, "staff")
    page.locator(".todo-list", has_text="件诉求已反馈，待回访销号").wait_for()
    page.click(".todo-list >> text=件诉求已反馈，待回访销号")
    assert "出口退税进度" in page.locator("#demand-rows").inner_text()
