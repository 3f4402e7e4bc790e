"""Meeting pages through HTTP: forms that keep what was typed, htmx sections and autosave, the
minutes workflow buttons, the decisions list and who may see and update what."""

from datetime import timedelta

import pytest
from factories import meetings
from factories.meetings import past

from hubapp import audit, clock
from hubapp.blueprints.meetings import decisions, planning
from hubapp.blueprints.meetings.models import Meeting
from hubapp.database import atomic
from hubapp.extensions import db
from tests.test_meetings_services import room  # noqa: F401  (a fixture)

HTMX = {"HX-Request": "true"}


def meeting_form(**overrides):
    day = clock.today() + timedelta(days=5)
    data = {
        "kind": "monthly",
        "theme": "企业用工与社保政策",
        "day": day.isoformat(),
        "start_time": "14:30",
        "end_time": "16:30",
        "room_id": "0",
        "place": "南海新区管委会三楼会议室",
        "headcount": "16",
        "chair_name": "刘志强",
        "chair_user_id": "0",
        "recorder_name": "李建国",
    }
    data.update(overrides)
    return data


def test_staff_creates_a_meeting_with_its_room_booked(auth, client, room):
    auth.login("staff")
    response = client.post("/meetings/new", data=meeting_form(room_id=str(room.id), place=""))
    assert response.status_code == 303
    meeting = db.session.scalar(db.select(Meeting))
    assert meeting.number == 1 and meeting.booking.room_id == room.id
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"{meeting.year}年第1次月度恳谈会" in page and "会议室" in page


def test_a_refused_form_keeps_what_was_typed(auth, client, room):
    auth.login("staff")
    client.post("/meetings/new", data=meeting_form(room_id=str(room.id), place=""))
    response = client.post(
        "/meetings/new", data=meeting_form(room_id=str(room.id), place="", theme="第二场：研发费用加计扣除")
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "已被" in page and "第二场：研发费用加计扣除" in page
    missing = client.post("/meetings/new", data=meeting_form(theme="", end_time="13:00"))
    assert missing.status_code == 422
    assert "请填写会议主题。" in missing.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(Meeting)) == 1


def test_sections_answer_htmx_with_their_fragment(auth, client, users):
    meeting = meetings.meeting(users["staff"])
    auth.login("staff")
    response = client.post(
        f"/meetings/{meeting.id}/attendees", data={"group": "present", "unit": "税务分局", "names": "张三，李四"}, headers=HTMX
    )
    assert response.status_code == 200
    fragment = response.get_data(as_text=True)
    assert fragment.lstrip().startswith('<section id="attendance"') and "张三、李四" in fragment
    assert "<html" not in fragment
    refused = client.post(f"/meetings/{meeting.id}/attendees", data={"group": "present", "unit": ""}, headers=HTMX)
    assert refused.status_code == 422 and "请填写单位。" in refused.get_data(as_text=True)


def test_the_discussion_editor_saves_as_you_type(auth, client, users):
    meeting = meetings.meeting(users["staff"])
    with atomic():
        item = planning.add_agenda_item(users["staff"], meeting, "通报用工情况", "人社局")
    auth.login("staff")
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert 'hx-trigger="input changed delay:800ms' in page
    response = client.post(
        f"/meetings/{meeting.id}/agenda/{item.id}",
        data={"title": "通报用工情况", "presenter": "人社局", "discussion": "在岗职工增加6.2%。", "version": 1},
        headers=HTMX,
    )
    assert response.status_code == 200 and "已自动保存" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(type(item), item.id).discussion == "在岗职工增加6.2%。"
    blank = client.post(
        f"/meetings/{meeting.id}/agenda/{item.id}", data={"title": "", "discussion": "x", "version": 2}, headers=HTMX
    )
    assert blank.status_code == 422 and "未保存" in blank.get_data(as_text=True)
    plain = client.post(
        f"/meetings/{meeting.id}/agenda/{item.id}", data={"title": "通报用工情况", "discussion": "第二段。", "version": 2}
    )
    assert plain.status_code == 303 and plain.headers["Location"].endswith(f"#item-{item.id}")


def test_the_minutes_workflow_through_the_page(auth, client, users):
    meeting = meetings.meeting(users["staff"], chair_user_id=users["admin"].id)
    meetings.fill(users["staff"], meeting, meetings.department())
    auth.login("staff")
    assert client.post(f"/meetings/{meeting.id}/minutes/approve").status_code == 403
    auth.logout()
    auth.login("admin")
    assert client.post(f"/meetings/{meeting.id}/minutes/approve").status_code == 303
    response = client.post(f"/meetings/{meeting.id}/minutes/issue", data={"copy_to": "党工委办公室"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert f"〔{clock.today().year}〕1号" in page and "发起更正" in page
    locked = client.post(f"/meetings/{meeting.id}/attendees", data={"group": "present", "unit": "人社局"})
    assert locked.status_code == 422 and "内容已锁定" in locked.get_data(as_text=True)
    no_reason = client.post(f"/meetings/{meeting.id}/minutes/correct", data={"reason": ""})
    assert no_reason.status_code == 422
    assert client.post(f"/meetings/{meeting.id}/minutes/correct", data={"reason": "日期有误"}).status_code == 303
    assert "第2版" in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)


def test_a_meeting_with_issued_minutes_offers_no_delete(auth, client, users):
    meeting = meetings.meeting(users["staff"])
    meetings.fill(users["staff"], meeting, meetings.department())
    meetings.issue(meeting, users["admin"], users["staff"])
    auth.login("staff")
    response = client.post(f"/meetings/{meeting.id}/delete", follow_redirects=True)
    assert "不能删除" in response.get_data(as_text=True)
    assert db.session.get(Meeting, meeting.id) is not None


def _two_units_decisions(users):
    staff, other = users["staff"], meetings.department("经济发展局")
    meeting = meetings.meeting(staff, start=past(20))
    mine = meetings.fill(staff, meeting, meetings.department())
    with atomic():
        theirs = decisions.add_decision(
            staff, meeting, "梳理规上企业名单", other.id, None, clock.today() - timedelta(days=2)
        )
    meetings.issue(meeting, users["admin"], staff)
    return mine, theirs


def test_the_decisions_list_highlights_overdue_and_filters_by_unit(auth, client, users):
    mine, theirs = _two_units_decisions(users)
    auth.login("staff")
    page = client.get("/meetings/decisions").get_data(as_text=True)
    assert "梳理规上企业名单" in page and "开展社保政策进企业宣讲" in page
    assert 'class="colour-row-red"' in page and "红 · 逾期2天" in page
    filtered = client.get(f"/meetings/decisions?unit={theirs.department_id}", headers=HTMX).get_data(as_text=True)
    assert "梳理规上企业名单" in filtered and "开展社保政策进企业宣讲" not in filtered


def _done(note: str) -> dict:
    return {"status": "done", "note": note}


def test_a_liaison_sees_and_closes_their_own_units_decisions(auth, client, users):
    mine, theirs = _two_units_decisions(users)
    auth.login("liaison")
    page = client.get("/meetings/decisions").get_data(as_text=True)
    assert "开展社保政策进企业宣讲" in page and "梳理规上企业名单" not in page
    assert client.post(f"/meetings/decisions/{theirs.id}/progress", data=_done("完成")).status_code == 403
    refused = client.post(f"/meetings/decisions/{mine.id}/progress", data=_done(""), headers=HTMX)
    assert refused.status_code == 422 and "请填写办理情况" in refused.get_data(as_text=True)
    done = client.post(f"/meetings/decisions/{mine.id}/progress", data=_done("已开展三场宣讲"), headers=HTMX)
    assert done.status_code == 200 and "已完成" in done.get_data(as_text=True)
    assert client.get("/meetings/").status_code == 403
    assert client.get(f"/meetings/{mine.meeting_id}/minutes.pdf").status_code == 403


def test_the_home_panel_counts_overdue_decisions(auth, client, users):
    _two_units_decisions(users)
    auth.login("staff")
    assert "已逾期 1 项" in client.get("/").get_data(as_text=True)
    auth.logout()
    auth.login("liaison")
    home = client.get("/").get_data(as_text=True)
    assert "议定事项" in home and "已逾期" not in home


@pytest.mark.parametrize("path", ["/meetings/", "/meetings/new", "/meetings/decisions"])
def test_empty_pages_say_so(auth, client, users, path):
    auth.login("staff")
    response = client.get(path)
    assert response.status_code == 200
    if path != "/meetings/new":
        assert 'class="empty"' in response.get_data(as_text=True)


def test_unknown_meeting_and_decision_are_404(auth, client, users):
    auth.login("staff")
    assert client.get("/meetings/999").status_code == 404
    assert client.post("/meetings/decisions/999/progress", data=_done("x")).status_code == 404
    meeting = meetings.meeting(users["staff"])
    assert client.get(f"/meetings/{meeting.id}/minutes.pdf?version=7").status_code == 404


def test_a_follow_up_note_too_long_is_refused_and_kept(auth, client, users):
    mine, _ = _two_units_decisions(users)
    auth.login("liaison")
    note = "已开展宣讲。" * 400
    refused = client.post(f"/meetings/decisions/{mine.id}/progress", data=_done(note), headers=HTMX)
    row = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "不超过2000字" in row and note in row
    db.session.refresh(mine)
    assert mine.status == "open" and mine.done_note is None


def test_a_reopened_decision_no_longer_shows_its_old_note(auth, client, users):
    mine, _ = _two_units_decisions(users)
    auth.login("liaison")
    client.post(f"/meetings/decisions/{mine.id}/progress", data=_done("已开展三场宣讲"), headers=HTMX)
    reopened = client.post(f"/meetings/decisions/{mine.id}/reopen", data={"note": "企业反映仍有疑问"}, headers=HTMX)
    row = reopened.get_data(as_text=True)
    assert reopened.status_code == 200 and "推进中" in row and "已开展三场宣讲" not in row
    assert "已开展三场宣讲" in [e.detail_dict.get("note") for e in audit.entries_for("decision", mine.id)]


def test_edit_forms_of_locked_minutes_send_the_user_back_with_the_reason(auth, client, users):
    meeting = meetings.meeting(users["staff"])
    decision = meetings.fill(users["staff"], meeting, meetings.department())
    meetings.issue(meeting, users["admin"], users["staff"])
    auth.login("staff")
    for path in (f"/meetings/{meeting.id}/edit", f"/meetings/{meeting.id}/decisions/{decision.id}/edit"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].endswith(f"/meetings/{meeting.id}")
        assert "内容已锁定" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_meeting_not_yet_held_offers_no_approval(auth, client, users):
    meeting = meetings.meeting(users["staff"], start=clock.now() + timedelta(days=3), chair_user_id=users["admin"].id)
    meetings.fill(users["staff"], meeting, meetings.department())
    auth.login("admin")
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "会议召开后可审定纪要" in page and "审定纪要</button>" not in page
    refused = client.post(f"/meetings/{meeting.id}/minutes/approve")
    assert refused.status_code == 409 and "会议召开后才能审定纪要" in refused.get_data(as_text=True)
