"""Meeting rules on the service functions: numbering, room booking, freezing on issue, corrections,
decisions follow-up, who may do what, and one unit of work for a meeting and its room."""

from datetime import date, datetime, timedelta

import pytest
from factories import facilities, meetings
from factories.meetings import future, past
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from hubapp import audit, clock
from hubapp.blueprints.facilities.models import CANCELLED, Booking
from hubapp.blueprints.meetings import decisions, minutes, planning
from hubapp.blueprints.meetings.models import (
    APPROVED,
    DONE,
    DRAFT,
    ISSUED,
    MONTHLY,
    OPEN,
    PROGRESS,
    QUARTERLY,
    RED,
    Decision,
    Meeting,
    MinutesVersion,
)
from hubapp.database import atomic
from hubapp.extensions import db
from hubapp.rules import Conflict, NotAllowed, RuleError


@pytest.fixture
def room(app):
    return facilities.room("会议室", capacity=24, kind="会议室")


def count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def test_meetings_are_numbered_per_kind_and_year(users, room):
    staff = users["staff"]
    first = meetings.meeting(staff, room, start=future(3))
    second = meetings.meeting(staff, None, start=future(4))
    quarterly = meetings.meeting(staff, None, kind=QUARTERLY, start=future(5))
    next_year = meetings.meeting(staff, None, start=datetime(clock.today().year + 1, 1, 15, 9, 0))
    assert (first.number, second.number, quarterly.number, next_year.number) == (1, 2, 1, 1)
    assert second.title == f"{second.year}年第2次月度恳谈会"


def test_the_database_refuses_a_duplicate_number(users):
    meeting = meetings.meeting(users["staff"])
    duplicate = meetings.meeting(users["staff"], start=future(6))
    with pytest.raises(IntegrityError), atomic():
        duplicate.number = meeting.number


def test_a_meeting_books_its_room_and_a_clash_leaves_no_meeting(users, room):
    meeting = meetings.meeting(users["staff"], room)
    assert meeting.booking.room_id == room.id and meeting.booking.status == "confirmed"
    assert meeting.location == "会议室"
    with pytest.raises(RuleError) as error:
        meetings.meeting(users["staff"], room, start=meeting.start_at + timedelta(minutes=30))
    assert "已被" in error.value.message
    assert count(Meeting) == 1


def test_a_meeting_and_its_room_booking_are_written_together_or_not_at_all(users, room, monkeypatch):
    """The room is held first; when the meeting's own write then fails (every number it computes is
    taken), neither row is left, and what the caller wrote before in the same unit of work stays."""
    staff = users["staff"]
    first = meetings.meeting(staff, None, start=future(5, 14))
    monkeypatch.setattr(planning, "next_meeting_number", lambda kind, year: 1)
    with atomic():
        first.theme = "企业用工与社保政策（改）"  # the caller's own earlier step
        with pytest.raises(RuleError, match="编号被同时占用"), atomic():
            planning.create_meeting(staff, meetings.plan(room, start=future(5)))
    assert count(Booking) == 0 and count(Meeting) == 1
    assert first.theme == "企业用工与社保政策（改）"


def test_a_meeting_made_in_a_unit_of_work_that_fails_leaves_nothing(users, room):
    """Services never commit: the caller's unit of work decides for the meeting and its booking."""
    with pytest.raises(RuntimeError), atomic():
        planning.create_meeting(users["staff"], meetings.plan(room, start=future(5)))
        raise RuntimeError("the caller's next step fails")
    assert count(Booking) == 0 and count(Meeting) == 0


def test_moving_and_removing_the_room_keeps_the_booking_in_step(users, room):
    staff = users["staff"]
    meeting = meetings.meeting(staff, room)
    booking = meeting.booking
    later = future(8, 14)
    with atomic():
        planning.update_meeting(staff, meeting, meetings.plan(room, start=later, end=later + timedelta(hours=1)))
    assert (booking.start_at, booking.end_at) == (later, later + timedelta(hours=1))
    with atomic():
        planning.update_meeting(
            staff, meeting, meetings.plan(None, start=later, end=later + timedelta(hours=1), place="企业现场")
        )
    assert booking.status == CANCELLED and meeting.booking_id is None and meeting.location == "企业现场"


def test_changing_the_kind_gives_a_new_number(users):
    staff = users["staff"]
    meetings.meeting(staff, start=future(3))
    meeting = meetings.meeting(staff, kind=QUARTERLY, start=future(4))
    with atomic():
        planning.update_meeting(
            staff, meeting, meetings.plan(start=meeting.start_at, end=meeting.end_at, theme="改为月度", place="企业现场")
        )
    assert (meeting.kind, meeting.number, meeting.theme) == (MONTHLY, 2, "改为月度")


def test_a_correction_keeps_the_number_printed_on_the_issued_minutes(users):
    staff = users["staff"]
    meeting = meetings.meeting(staff, start=past(3))
    meetings.fill(staff, meeting, meetings.department())
    meetings.issue(meeting, users["admin"], staff)
    with atomic():
        minutes.start_correction(staff, meeting, "主题有误")
    values = dict(start=meeting.start_at, end=meeting.end_at, theme="企业用工与社保政策（更正）", place="企业现场")
    with pytest.raises(RuleError) as error, atomic():
        planning.update_meeting(staff, meeting, meetings.plan(kind=QUARTERLY, **values))
    assert error.value.field == "kind" and (meeting.kind, meeting.number) == (MONTHLY, 1)
    with atomic():
        planning.update_meeting(staff, meeting, meetings.plan(kind=MONTHLY, **values))
    assert meeting.title == f"{meeting.year}年第1次月度恳谈会" and meeting.theme.endswith("（更正）")


def test_validation_names_the_field(users, room):
    with pytest.raises(RuleError) as error:
        meetings.meeting(users["staff"], None, place="")
    assert error.value.field == "room_id"
    with pytest.raises(RuleError) as error:
        meetings.meeting(users["staff"], room, end=future(3, 8))
    assert error.value.field == "end_time"


def test_attendees_are_linked_to_the_register_and_names_joined(users):
    staff = users["staff"]
    meeting = meetings.meeting(staff)
    with atomic():
        present = planning.add_attendee(staff, meeting, "present", "税务分局", "张三, 李四 王五")
        guest = planning.add_attendee(staff, meeting, "attending", "山东大学威海校区", "赵教授")
    assert present.department_id == meetings.department().id and present.names == "张三、李四、王五"
    assert guest.department_id is None and guest.enterprise_id is None


def test_issuing_numbers_per_year_and_freezes_the_content(users, room):
    staff, department = users["staff"], meetings.department()
    first = meetings.meeting(staff, room)
    meetings.fill(staff, first, department)
    version = meetings.issue(first, users["admin"], staff)
    assert version.status == ISSUED and version.doc_number == f"〔{clock.today().year}〕1号"
    assert version.content["decisions"][0]["unit"] == department.name
    second = meetings.meeting(staff, start=past(5))
    meetings.fill(staff, second, department)
    assert meetings.issue(second, users["admin"], staff).doc_number == f"〔{clock.today().year}〕2号"

    with pytest.raises(RuleError), atomic():
        decisions.add_decision(staff, first, "不应写入", department.id, None, None)
    with pytest.raises(RuleError), atomic():
        planning.add_attendee(staff, first, "present", "经济发展局", "某某")


def test_a_correction_is_a_new_version_and_the_old_stays_readable(users):
    staff = users["staff"]
    meeting = meetings.meeting(staff)
    decision = meetings.fill(staff, meeting, meetings.department())
    meetings.issue(meeting, users["admin"], staff)
    with pytest.raises(RuleError) as error, atomic():
        minutes.start_correction(staff, meeting, "")
    assert error.value.field == "reason"
    with atomic():
        correction = minutes.start_correction(staff, meeting, "责任单位有误")
    assert correction.version == 2 and meeting.editable
    with atomic():
        decisions.update_decision(staff, decision, "开展社保政策进企业宣讲（更正）", None, "人社局", None)
    old = minutes.minutes_version(meeting, 1)
    assert minutes.printed_minutes(meeting, old)["decisions"][0]["text"] == "开展社保政策进企业宣讲"
    assert minutes.printed_minutes(meeting, correction)["decisions"][0]["text"].endswith("（更正）")
    new = meetings.issue(meeting, users["admin"], staff)
    assert new.doc_seq == old.doc_seq + 1 and new.content["correction"] == "责任单位有误"


def test_only_the_chair_or_an_admin_approves(users):
    staff = users["staff"]
    meeting = meetings.meeting(staff, chair_user_id=users["admin"].id)
    meetings.fill(staff, meeting, meetings.department())
    with pytest.raises(NotAllowed), atomic():
        minutes.approve_minutes(staff, meeting)
    chaired = meetings.meeting(staff, start=past(9))
    meetings.fill(staff, chaired, meetings.department())
    with atomic():
        assert minutes.approve_minutes(staff, chaired).status == "approved"
    with pytest.raises(RuleError), atomic():
        planning.add_agenda_item(staff, chaired, "审定后不能加议题", None)
    with atomic():
        minutes.return_to_draft(staff, chaired, "补充议题")
        planning.add_agenda_item(staff, chaired, "补充议题", None)


def test_minutes_need_attendance_and_content_before_approval(users):
    meeting = meetings.meeting(users["staff"])
    with pytest.raises(RuleError, match="出席"), atomic():
        minutes.approve_minutes(users["admin"], meeting)


def test_issue_needs_approval(users):
    meeting = meetings.meeting(users["staff"])
    meetings.fill(users["staff"], meeting, meetings.department())
    with pytest.raises(RuleError, match="审定"), atomic():
        minutes.issue_minutes(users["staff"], meeting)


def test_open_decisions_across_meetings_and_the_liaison_sees_their_own(users):
    staff, department, other = users["staff"], meetings.department(), meetings.department("经济发展局")
    meeting = meetings.meeting(staff, start=past(20))
    mine = meetings.fill(staff, meeting, department)
    with atomic():
        theirs = decisions.add_decision(staff, meeting, "梳理规上企业名单", other.id, None, clock.today() - timedelta(days=1))
    draft = meetings.meeting(staff, start=future(6))
    meetings.fill(staff, draft, department)  # never issued: not on the list yet
    meetings.issue(meeting, users["admin"], staff)

    staff_list = list(db.session.scalars(decisions.decisions_query(staff)))
    assert staff_list == [theirs, mine]  # the earliest deadline first
    assert theirs.is_overdue(clock.today()) and not mine.is_overdue(clock.today())
    assert list(db.session.scalars(decisions.decisions_query(users["liaison"]))) == [mine]
    assert list(db.session.scalars(decisions.decisions_query(staff, department_id=other.id))) == [theirs]
    assert list(db.session.scalars(decisions.decisions_query(staff, colour=RED))) == [theirs]
    assert decisions.decision_counts(staff) == {"overdue": 1, "due_soon": 0}


def test_a_liaison_updates_only_their_own_units_decisions(users):
    staff, liaison = users["staff"], users["liaison"]
    meeting = meetings.meeting(staff)
    mine = meetings.fill(staff, meeting, meetings.department())
    with atomic():
        theirs = decisions.add_decision(staff, meeting, "梳理规上企业名单", meetings.department("经济发展局").id, None, None)
    meetings.issue(meeting, users["admin"], staff)

    with pytest.raises(NotAllowed), atomic():
        decisions.complete_decision(liaison, theirs, "已完成")
    with pytest.raises(RuleError) as error, atomic():
        decisions.complete_decision(liaison, mine, " ")
    assert error.value.field == "note"
    with atomic():
        decisions.complete_decision(liaison, mine, "已于本月完成三场宣讲")
    assert mine.status == DONE and mine.done_by_id == liaison.id
    assert [e.action for e in audit.entries_for("decision", mine.id)][-1] == "decision.done"
    with atomic():
        decisions.reopen_decision(staff, mine, "企业反映仍有疑问")
    assert mine.status == PROGRESS


def test_a_decision_moved_by_someone_else_meanwhile_is_a_conflict(users):
    """Marking done is one conditional UPDATE: a decision whose row another request marked done
    after this one read it is refused, and the other's note is not written over."""
    staff = users["staff"]
    meeting = meetings.meeting(staff)
    decision = meetings.fill(staff, meeting, meetings.department())
    meetings.issue(meeting, users["admin"], staff)
    with atomic():
        assert decision.status == OPEN
        db.session.execute(
            update(Decision).where(Decision.id == decision.id).values(status=DONE, done_note="他人已办结", done_at=clock.now()),
            execution_options={"synchronize_session": False},
        )
        with pytest.raises(Conflict, match="刚刚已被他人更新"):
            decisions.complete_decision(users["liaison"], decision, "已完成")
    assert decision.status == DONE and decision.done_note == "他人已办结"
    assert "decision.done" not in [e.action for e in audit.entries_for("decision", decision.id)]


def test_minutes_moved_by_someone_else_meanwhile_are_a_conflict(users):
    """Issuing is one conditional UPDATE of the approved version: minutes another request returned
    to draft after this one read them are not issued, and no document number is used up."""
    staff = users["staff"]
    meeting = meetings.meeting(staff)
    meetings.fill(staff, meeting, meetings.department())
    with atomic():
        version = minutes.approve_minutes(users["admin"], meeting)
    with atomic():
        assert version.status == APPROVED
        db.session.execute(
            update(MinutesVersion).where(MinutesVersion.id == version.id).values(status=DRAFT),
            execution_options={"synchronize_session": False},
        )
        with pytest.raises(Conflict, match="纪要刚刚已被他人处理"):
            minutes.issue_minutes(staff, meeting)
    assert version.status == DRAFT and version.doc_seq is None and version.snapshot is None
    assert "minutes.issue" not in [e.action for e in audit.entries_for("meeting", meeting.id)]


def test_removing_a_decision_renumbers_the_rest(users):
    staff = users["staff"]
    meeting = meetings.meeting(staff)
    with atomic():
        first = decisions.add_decision(staff, meeting, "一", None, "甲单位", None)
        decisions.add_decision(staff, meeting, "二", None, "乙单位", None)
        third = decisions.add_decision(staff, meeting, "三", None, "丙单位", None)
    with atomic():
        decisions.remove_decision(staff, first)
    assert [d.text for d in meeting.decisions] == ["二", "三"] and third.number == 2


def test_a_meeting_with_issued_minutes_cannot_be_deleted(users, room):
    staff = users["staff"]
    meeting = meetings.meeting(staff, room)
    booking = meeting.booking
    meetings.fill(staff, meeting, meetings.department())
    meetings.issue(meeting, users["admin"], staff)
    with pytest.raises(RuleError), atomic():
        planning.delete_meeting(staff, meeting)
    draft = meetings.meeting(staff, room, start=future(10))
    draft_booking = draft.booking
    with atomic():
        planning.delete_meeting(staff, draft)
    assert draft_booking.status == CANCELLED and booking.status == "confirmed"


def test_every_state_change_is_audited(users):
    staff = users["staff"]
    meeting = meetings.meeting(staff)
    meetings.fill(staff, meeting, meetings.department())
    meetings.issue(meeting, users["admin"], staff)
    with atomic():
        minutes.start_correction(staff, meeting, "更正日期")
    actions = [e.action for e in audit.entries_for("meeting", meeting.id)]
    for action in ("meeting.create", "minutes.approve", "minutes.issue", "minutes.correct"):
        assert action in actions


def test_chinese_ordinals():
    assert [minutes.chinese_ordinal(n) for n in (1, 10, 11, 20, 23)] == ["一", "十", "十一", "二十", "二十三"]


def test_deadline_formats_without_leading_zeros(users):
    meeting = meetings.meeting(users["staff"], start=datetime(2026, 3, 2, 9, 0))
    with atomic():
        decisions.add_decision(users["staff"], meeting, "事项", None, "甲单位", date(2026, 3, 8))
    assert minutes.minutes_content(meeting)["decisions"][0]["deadline"] == "2026年3月8日前"


def test_a_number_taken_in_between_is_computed_again(users, monkeypatch):
    meetings.meeting(users["staff"])
    real = planning.next_meeting_number
    calls = []

    def stale_then_real(kind, year):
        calls.append(kind)
        return 1 if len(calls) == 1 else real(kind, year)  # as if another writer took 1 meanwhile

    monkeypatch.setattr(planning, "next_meeting_number", stale_then_real)
    assert meetings.meeting(users["staff"], start=future(4)).number == 2 and len(calls) == 2


def test_a_deadline_cannot_precede_the_meeting(users):
    meeting = meetings.meeting(users["staff"])
    with pytest.raises(RuleError) as error, atomic():
        decisions.add_decision(users["staff"], meeting, "事项", None, "甲单位", meeting.start_at.date() - timedelta(days=1))
    assert error.value.field == "deadline"


def test_minutes_of_a_meeting_not_yet_held_cannot_be_approved(users):
    meeting = meetings.meeting(users["staff"], start=future(3))
    meetings.fill(users["staff"], meeting, meetings.department())
    with pytest.raises(RuleError, match="会议召开后才能审定"), atomic():
        minutes.approve_minutes(users["admin"], meeting)
    assert meeting.current_minutes.status == "draft"


def test_a_decision_is_followed_up_only_once_its_minutes_are_issued(users):
    meeting = meetings.meeting(users["staff"])
    decision = meetings.fill(users["staff"], meeting, meetings.department())
    with pytest.raises(RuleError, match="印发后才能办理"), atomic():
        decisions.complete_decision(users["staff"], decision, "已完成")
    assert decision.status == OPEN
    meetings.issue(meeting, users["admin"], users["staff"])
    with atomic():
        assert decisions.complete_decision(users["staff"], decision, "已完成").status == DONE
