"""Deleting never loses the centre's record: a meeting whose minutes were approved or issued is
refused with the reason; what may be deleted leaves its whole
record (every column, and a meeting's attendance, agenda and decisions) in the audit row."""

from datetime import time, timedelta

from factories import directory, facilities, meetings, sessions

from hubapp import audit, clock
from hubapp.blueprints.directory import departments, grids
from hubapp.blueprints.facilities import rooms
from hubapp.blueprints.meetings import decisions, minutes, planning
from hubapp.blueprints.meetings.models import Meeting
from hubapp.blueprints.sessions import outcomes
from hubapp.blueprints.sessions import planning as session_planning
from hubapp.blueprints.sessions.models import BANK
from hubapp.database import atomic
from hubapp.extensions import db


def kept(action: str, object_type: str, object_id) -> dict:
    """The record the audit kept of a deleted ``object_type`` #``object_id``."""
    entry = [e for e in audit.entries_for(object_type, object_id) if e.action == action][-1]
    return entry.detail_dict["record"]


def test_a_meeting_with_approved_minutes_is_not_deleted_through_the_page(auth, client, users):
    meeting = meetings.meeting(users["staff"])
    meetings.fill(users["staff"], meeting, meetings.department())
    with atomic():
        minutes.approve_minutes(users["admin"], meeting)
    auth.login("staff")
    assert "删除会议" not in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    response = client.post(f"/meetings/{meeting.id}/delete", follow_redirects=True)
    assert "纪要已审定或印发，是中心的正式记录，不能删除" in response.get_data(as_text=True)
    assert db.session.get(Meeting, meeting.id) is not None


def test_a_meeting_entered_by_mistake_leaves_its_whole_record_in_the_audit(auth, client, users):
    staff = users["staff"]
    meeting = meetings.meeting(staff, theme="企业用工与社保政策")
    meetings.fill(staff, meeting, meetings.department())
    meeting_id = meeting.id
    auth.login("staff")
    assert client.post(f"/meetings/{meeting_id}/delete").status_code == 303
    assert db.session.get(Meeting, meeting_id) is None
    record = kept("meeting.delete", "meeting", meeting_id)
    assert record["theme"] == "企业用工与社保政策" and record["chair_name"] == "孙晓梅"
    assert [a["names"] for a in record["attendees"]] == ["王强、刘敏"]
    assert [i["title"] for i in record["agenda_items"]] == ["通报社保政策调整"]
    assert [d["text"] for d in record["decisions"]] == ["开展社保政策进企业宣讲"]


def test_removed_attendance_agenda_and_decisions_are_kept_in_the_audit(users):
    staff = users["staff"]
    meeting = meetings.meeting(staff)
    decision = meetings.fill(staff, meeting, meetings.department())
    attendee, item = meeting.attendees[0], meeting.agenda_items[0]
    with atomic():
        planning.update_agenda_item(staff, item, item.title, item.presenter, "在岗职工增加6.2%。")
        planning.remove_attendee(staff, meeting, attendee.id)
        planning.remove_agenda_item(staff, meeting, item.id)
        decisions.remove_decision(staff, decision)
    removed = [e.detail_dict["record"] for e in audit.entries_for("meeting", meeting.id) if "record" in e.detail_dict]
    assert [r.get("unit") for r in removed] == ["国家税务总局威海南海新区税务局", None]
    assert removed[1]["discussion"] == "在岗职工增加6.2%。"
    assert kept("decision.delete", "decision", decision.id)["text"] == "开展社保政策进企业宣讲"


def test_a_deleted_question_and_financing_match_are_kept_in_the_audit(users):
    made = sessions.session(sessions.hall(), kind=BANK, start=sessions.day(-3, 9), allow_past=True)
    question = sessions.question(made, "贵企业员工人数")
    with atomic():
        session_planning.delete_question(users["staff"], made, question)
    [record] = [e.detail_dict["record"] for e in audit.entries_for("session", made.id) if "record" in e.detail_dict]
    assert record["label"] == "贵企业员工人数" and record["required"] is True
    bank = sessions.host("中国建设银行威海南海新区支行", "bank")
    match = sessions.financing(made, bank, "汇科工控", "450")
    match_id = match.id
    with atomic():
        outcomes.delete_financing(users["staff"], match)
    record = kept("financing.delete", "financing", match_id)
    assert record["enterprise_name"] == "汇科工控" and record["amount"] == "450.00"


def test_deleted_departments_grids_closures_and_special_openings_are_kept_in_the_audit(users):
    staff = users["staff"]
    housing = directory.department("南海新区住房和城乡建设局", "住建局", sort_order=9)
    grid = directory.grid(9, "九号网格", area="创业谷东区")
    room = facilities.room("文化活动室")
    with atomic():
        closure = rooms.add_closure(staff, room.id, clock.today() + timedelta(days=3), clock.today() + timedelta(days=4), "设备检修")
        special = rooms.add_special_opening(staff, None, clock.today() + timedelta(days=5), time(9), time(12), "调休上班")
    ids = housing.id, grid.id, closure.id, special.id
    with atomic():
        departments.delete_department(staff, housing)
        grids.delete_grid(staff, grid)
        rooms.delete_closure(staff, closure)
        rooms.delete_special_opening(staff, special)
    assert kept("department.delete", "department", ids[0])["short_name"] == "住建局"
    assert kept("grid.delete", "grid", ids[1])["area"] == "创业谷东区"
    assert kept("closure.delete", "closure", ids[2])["reason"] == "设备检修"
    assert kept("special_opening.delete", "special_opening", ids[3])["reason"] == "调休上班"
