from conftest import PASSWORD


def test_log_in_see_the_home_page_and_log_out(users, live_server, page):
    server = live_server(workers=1)
    page.goto(server.url + "/")
    assert page.url.startswith(server.url + "/login")
    page.fill("input[name=username]", "staff")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(server.url + "/")
    assert page.locator("h1").inner_text().startswith("20")
    assert "工作人员乙" in page.locator(".account").inner_text()
    page.click("text=退出")
    page.wait_for_url(server.url + "/login")
    assert "您已退出登录" in page.content()


def test_wrong_password_shows_the_message_next_to_the_field(users, live_server, page, page_watch):
    page_watch.allow("status of 401")
    server = live_server(workers=1)
    page.goto(server.url + "/login")
    page.fill("input[name=username]", "staff")
    page.fill("input[name=password]", "wrong-one")
    page.click("button[type=submit]")
    error = page.locator(".field.has-error .error")
    assert "用户名或密码不正确" in error.inner_text()
    assert page.input_value("input[name=username]") == "staff"
