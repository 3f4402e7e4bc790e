"""In a real browser: an enterprise reads a guide on a phone and says whether it helped; a staff
member writes a guide with htmx row buttons, publishes it, and the public page shows it."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.server]


def test_a_guide_reads_on_a_phone_and_takes_feedback(demo, live_server, phone_page):
    server = live_server(workers=1)
    phone_page.goto(server.url + "/g/")
    phone_page.click("text=发票领用及数电发票开票额度调整")
    phone_page.wait_for_url(server.url + "/g/fp-sl")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone: {width}px"
    assert phone_page.locator("a[href^='tel:']").first.inner_text() == "0631-3981005"
    first = phone_page.locator(".checklist input[type=checkbox]").first
    first.check()
    assert first.is_checked()
    phone_page.check("input[name=helpful][value=yes]")
    phone_page.fill("textarea[name=comment]", "清楚明白")
    phone_page.click("text=提交")
    phone_page.wait_for_url(server.url + "/g/fp-sl?feedback=thanks#feedback")
    assert "感谢反馈" in phone_page.locator("#feedback").inner_text()


def test_staff_write_a_guide_with_row_buttons_and_publish_it(demo, live_server, page):
    server = live_server(workers=1)
    page.goto(server.url + "/login")
    page.fill("input[name=username]", "staff")
    page.fill("input[name=password]", "demo-2026")
    page.click("button[type=submit]")
    page.wait_for_url(server.url + "/")
    page.goto(server.url + "/guides/new")
    page.fill("input[name=code]", "ce-shi")
    page.fill("input[name=name]", "测试事项登记")
    page.select_option("select[name=category]", "talent")
    page.fill("input[name=department]", "南海新区人力资源和社会保障局")
    page.fill("input[name=window]", "人才服务窗口")
    page.fill("input[name=materials-0-name]", "申请表")
    page.click("button[value='materials:add']")  # htmx swaps the form; what was typed stays
    page.wait_for_selector("input[name=materials-1-name]")
    assert page.input_value("input[name=materials-0-name]") == "申请表"
    assert page.input_value("input[name=code]") == "ce-shi"
    page.fill("input[name=materials-1-name]", "身份证件")
    page.click("button[value='materials:up:1']")
    expect(page.locator("input[name=materials-0-name]")).to_have_value("身份证件")
    page.fill("input[name=steps-0-title]", "窗口受理")
    page.fill("input[name=place]", "便民服务大厅9号窗口")
    page.fill("input[name=office_hours]", "周一至周五 9:00–17:00")
    page.fill("input[name=consult_phone]", "0631-3981001")
    page.click("button:has-text('保存')")
    page.wait_for_url(server.url + "/guides/ce-shi")
    page.click("button:has-text('发布')")  # the confirmation dialog is accepted by the fixture
    page.wait_for_selector("text=已发布，公开页面已更新。")
    page.goto(server.url + "/g/ce-shi")
    assert page.locator("h1").inner_text() == "测试事项登记"
    assert [t.split()[0] for t in page.locator(".checklist b").all_inner_texts()] == ["身份证件", "申请表"]
