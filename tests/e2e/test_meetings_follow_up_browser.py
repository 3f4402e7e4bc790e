"""On a phone, staff add a decision with a supporting unit: ticking the responsible unit too is
said next to the checkboxes with the text kept; the saved row names the supporter. The next
meeting of the kind then opens with 上次会议议定事项落实情况."""

from factories import meetings
from test_meetings_browser import log_in

from hubapp.blueprints.meetings.decisions import FOLLOW_UP_TITLE
from hubapp.database import atomic
from hubapp.extensions import db


def test_staff_add_a_supported_decision_on_a_phone(users, live_server, phone_page, page_watch, tmp_path):
    staff = users["staff"]
    meeting = meetings.meeting(staff)
    tax, economy = meetings.department("税务分局"), meetings.department("经济发展局")
    meeting_id, tax_name, economy_name = meeting.id, tax.name, economy.name
    db.session.commit()
    server = live_server(workers=1)
    page_watch.allow("status of 422")
    log_in(phone_page, server, "staff")
    phone_page.goto(f"{server.url}/meetings/{meeting_id}#decisions")
    form = phone_page.locator("form.add-decision")
    form.locator("textarea[name=text]").fill("联合走访重点外贸企业")
    form.locator("select[name=department_id]").select_option(label=tax_name)
    form.locator(".supporter-choices label", has_text=tax_name).click()
    form.locator("button:has-text('添加')").click()
    error = phone_page.locator(".supporter-choices .error")
    error.wait_for()
    assert "责任单位不能同时作为协办单位" in error.inner_text()
    form = phone_page.locator("form.add-decision")
    assert form.locator("textarea[name=text]").input_value() == "联合走访重点外贸企业"
    form.locator(".supporter-choices label", has_text=tax_name).click()
    form.locator(".supporter-choices label", has_text=economy_name).click()
    form.locator("button:has-text('添加')").click()
    phone_page.locator(f"#decisions td:has-text('协办：{economy_name}')").wait_for()
    phone_page.locator("#decisions").screenshot(path=str(tmp_path / "decisions.png"))
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390

    meetings.fill(staff, db.session.get(type(meeting), meeting_id), tax)
    meetings.issue(db.session.get(type(meeting), meeting_id), users["admin"], staff)
    with atomic():
        db.session.expire_all()
    phone_page.goto(f"{server.url}/meetings/new")
    phone_page.fill("input[name=theme]", "外贸企业服务")
    phone_page.fill("input[name=day]", meetings.future(7).date().isoformat())
    phone_page.fill("input[name=start_time]", "09:00")
    phone_page.fill("input[name=end_time]", "11:00")
    phone_page.select_option("select[name=room_id]", "0")
    phone_page.fill("input[name=place]", "管委会三楼会议室")
    phone_page.fill("input[name=chair_name]", "孙晓梅")
    phone_page.click("form button[type=submit].primary")
    first_item = phone_page.locator("#agenda article.agenda-item").first
    assert first_item.locator("input[name=title]").input_value() == FOLLOW_UP_TITLE
    carried = first_item.locator("textarea[name=discussion]").input_value()
    assert "联合走访重点外贸企业" in carried and f"协办单位：{economy_name}" in carried
    phone_page.screenshot(path=str(tmp_path / "next-meeting.png"), full_page=True)
