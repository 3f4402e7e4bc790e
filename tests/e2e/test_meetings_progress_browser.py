"""A liaison reports a decision's progress on a phone from the 督办 list: choosing the state leaves
the list where it is, a missing new deadline is said next to its field with the note kept, and the
extension then turns the row blue."""

from datetime import timedelta

from factories import meetings
from test_meetings_browser import log_in

from hubapp import clock
from hubapp.database import atomic
from hubapp.extensions import db


def test_a_liaison_extends_a_decision_from_the_list_on_a_phone(users, live_server, phone_page, page_watch):
    staff = users["staff"]
    meeting = meetings.meeting(staff)
    decision = meetings.fill(staff, meeting, meetings.department())
    with atomic():
        decision.deadline = clock.today() + timedelta(days=1)
    meetings.issue(meeting, users["admin"], staff)
    decision_id = decision.id  # read now: a later read would hold SQLite's write lock
    db.session.commit()
    server = live_server(workers=1)
    page_watch.allow("status of 422")
    log_in(phone_page, server, "liaison")
    phone_page.goto(server.url + "/meetings/decisions")
    row = phone_page.locator(f"#decision-{decision_id}")
    row.locator(".colour-yellow").wait_for()
    row.locator("select[name=status]").select_option("extended")
    row.locator("textarea[name=note]").fill("等待银行审批")
    row.locator("button:has-text('报告进展')").click()
    row.locator(".error:has-text('申请延期请填写新的完成时限')").wait_for()
    assert row.locator("textarea[name=note]").input_value() == "等待银行审批"
    assert row.locator("select[name=status]").input_value() == "extended"
    row.locator("input[name=new_deadline]").fill((clock.today() + timedelta(days=40)).isoformat())
    row.locator("button:has-text('报告进展')").click()
    row.locator(".colour-blue").wait_for()
    assert "已延期" in row.inner_text() and "等待银行审批" in row.inner_text()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
