"""A recorder writes the discussion in the browser and it is saved as they type; a liaison closes
a decision of their unit from the open-decisions list without leaving the page."""

from conftest import PASSWORD
from factories import meetings

from hubapp.blueprints.meetings import decisions, planning
from hubapp.database import atomic


def log_in(page, server, username):
    page.goto(server.url + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(server.url + "/")


def test_the_discussion_is_saved_as_you_type(users, live_server, page):
    meeting = meetings.meeting(users["staff"])
    with atomic():
        item = planning.add_agenda_item(users["staff"], meeting, "通报本季度企业用工情况", "人社局")
    meeting_id, item_id = meeting.id, item.id  # read now: a later read would hold SQLite's write lock
    server = live_server(workers=1)
    log_in(page, server, "staff")
    page.goto(f"{server.url}/meetings/{meeting_id}")
    editor = page.locator(f"#item-{item_id} textarea[name=discussion]")
    editor.click()
    editor.press_sequentially("在岗职工较年初增加6.2%。", delay=20)
    page.locator(f"#item-{item_id} .save-status .saved").wait_for(timeout=10000)
    page.reload()
    assert page.locator(f"#item-{item_id} textarea[name=discussion]").input_value() == "在岗职工较年初增加6.2%。"


def test_adding_an_attendee_swaps_only_the_section(users, live_server, page):
    meeting_id = meetings.meeting(users["staff"]).id
    server = live_server(workers=1)
    log_in(page, server, "staff")
    page.goto(f"{server.url}/meetings/{meeting_id}")
    page.select_option("#attendance select[name=group]", "present")
    page.fill("#attendance input[name=unit]", "税务分局")
    page.fill("#attendance input[name=names]", "张三，李四")
    page.click("#attendance button:has-text('添加')")
    page.locator("#attendance .roster li:has-text('张三、李四')").wait_for()
    assert page.input_value("#attendance input[name=unit]") == ""


def test_a_liaison_closes_a_decision_from_the_list(users, live_server, page):
    meeting = meetings.meeting(users["staff"])
    decision_id = meetings.fill(users["staff"], meeting, meetings.department()).id
    meetings.issue(meeting, users["admin"], users["staff"])
    server = live_server(workers=1)
    log_in(page, server, "liaison")
    page.click("nav.mainnav >> text=议定事项")
    row = page.locator(f"#decision-{decision_id}")
    row.locator("select[name=status]").select_option("done")
    row.locator("textarea[name=note]").fill("已开展三场宣讲")
    row.locator("button:has-text('报告进展')").click()
    page.locator(f"#decision-{decision_id} .decision-done").wait_for()
    assert "已开展三场宣讲" in page.locator(f"#decision-{decision_id}").inner_text()


def test_editing_the_title_is_saved_as_you_type_too(users, live_server, page):
    meeting = meetings.meeting(users["staff"])
    with atomic():
        item = planning.add_agenda_item(users["staff"], meeting, "通报用工情况", None)
    meeting_id, item_id = meeting.id, item.id
    server = live_server(workers=1)
    log_in(page, server, "staff")
    page.goto(f"{server.url}/meetings/{meeting_id}")
    page.locator(f"#item-{item_id} input[name=presenter]").press_sequentially("人社局", delay=20)
    page.locator(f"#item-{item_id} .save-status .saved").wait_for(timeout=10000)
    page.reload()
    assert page.locator(f"#item-{item_id} input[name=presenter]").input_value() == "人社局"


def test_a_liaison_reads_the_decisions_on_a_phone_without_scrolling_sideways(users, live_server, phone_page):
    meeting = meetings.meeting(users["staff"])
    decision = meetings.fill(users["staff"], meeting, meetings.department())
    meetings.issue(meeting, users["admin"], users["staff"])
    with atomic():
        decisions.complete_decision(users["liaison"], decision, "已于本月在创业谷开展三场社保政策宣讲，覆盖企业三十余家，相关材料已归档备查。")
    server = live_server(workers=1)
    log_in(phone_page, server, "liaison")
    phone_page.goto(f"{server.url}/meetings/decisions?status=all")
    row = phone_page.locator(f"#decision-{decision.id}")
    assert "已完成" in row.inner_text()
    # Each cell on a line of its own, labelled, and nothing wider than the screen.
    assert row.locator("td[data-label=事项]").bounding_box()["y"] > row.locator("td[data-label=会议]").bounding_box()["y"]
    assert phone_page.evaluate("document.querySelector('table.decisions').getBoundingClientRect().right") <= 390
    assert row.bounding_box()["width"] <= 390
