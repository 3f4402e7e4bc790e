"""Meeting rules on the service functions: numbering, room booking, freezing on issue, corrections,
decisions follow-up and who may do what."""

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from hubapp import audit, clock
from hubapp.blueprints.directory.models import Department
from hubapp.blueprints.facilities.models import CANCELLED, EXCLUSIVE, OpeningHours, Room
from hubapp.blueprints.meetings import services
from hubapp.blueprints.meetings.models import DONE, ISSUED, MONTHLY, OPEN, QUARTERLY
from hubapp.blueprints.meetings.services import MeetingError, NotAllowed
from hubapp.extensions import db


@pytest.fixture
def room(app):
    room = Room(name="会议室", kind="会议室", capacity=24, booking_mode=EXCLUSIVE, min_minutes=30, max_minutes=480)
    room.opening_hours = [OpeningHours(weekday=d, opens=time(8, 30), closes=time(21, 0)) for d in range(7)]
    db.session.add(room)
    db.session.commit()
    return room


def future(days: int, hour: int = 9) -> datetime:
    return datetime.combine(clock.today() + timedelta(days=days), time(hour, 0))


def past(days: int) -> datetime:
    return datetime.combine(clock.today() - timedelta(days=days), time(9, 0))


def make_meeting(users, room=None, kind=MONTHLY, start=None, **overrides):
    start = start or past(3)
    values = dict(
        kind=kind,
        theme="企业用工与社保政策",
        start=start,
        end=start + timedelta(hours=2),
        room_id=room.id if room else None,
        place=None if room else "南海新区管委会三楼会议室",
        chair_name="孙晓梅",
        chair_user_id=users["staff"].id,
        recorder_name="李建国",
        actor_id=users["staff"].id,
    )
    values.update(overrides)
    return services.create_meeting(**values)


def fill(meeting, users, department):
    actor = users["staff"].id
    services.add_attendee(meeting, "present", department.name, "王强，刘敏", actor)
    services.add_agenda_item(meeting, "通报社保政策调整", "人社局", actor)
    return services.add_decision(meeting, "开展社保政策进企业宣讲", department.id, None, clock.today() + timedelta(days=10), actor)


def issue(meeting, users):
    services.approve_minutes(meeting, users["admin"])
    return services.issue_minutes(meeting, users["staff"])


def tax() -> Department:
    return db.session.scalar(db.select(Department).where(Department.short_name == "税务分局"))


def test_meetings_are_numbered_per_kind_and_year(users, room):
    first = make_meeting(users, room, start=future(3))
    second = make_meeting(users, None, start=future(4))
    quarterly = make_meeting(users, None, kind=QUARTERLY, start=future(5))
    next_year = make_meeting(users, None, start=datetime(clock.today().year + 1, 1, 15, 9, 0))
    assert (first.number, second.number, quarterly.number, next_year.number) == (1, 2, 1, 1)
    assert second.title == f"{second.year}年第2次月度恳谈会"


def test_the_database_refuses_a_duplicate_number(users):
    meeting = make_meeting(users)
    duplicate = make_meeting(users, start=future(6))
    duplicate.number = meeting.number
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_a_meeting_books_its_room_and_a_clash_leaves_no_meeting(users, room):
    meeting = make_meeting(users, room)
    assert meeting.booking.room_id == room.id and meeting.booking.status == "confirmed"
    assert meeting.location == "会议室"
    with pytest.raises(MeetingError) as error:
        make_meeting(users, room, start=meeting.start_at + timedelta(minutes=30))
    assert "已被" in error.value.message
    assert db.session.scalar(db.select(db.func.count()).select_from(services.Meeting)) == 1


def test_moving_and_removing_the_room_keeps_the_booking_in_step(users, room):
    meeting = make_meeting(users, room)
    booking = meeting.booking
    later = future(8, 14)
    services.update_meeting(
        meeting, kind=MONTHLY, theme=meeting.theme, start=later, end=later + timedelta(hours=1), room_id=room.id,
        place=None, chair_name="孙晓梅", recorder_name="李建国", actor_id=users["staff"].id,
    )  # fmt: skip
    assert (booking.start_at, booking.end_at) == (later, later + timedelta(hours=1))
    services.update_meeting(
        meeting, kind=MONTHLY, theme=meeting.theme, start=later, end=later + timedelta(hours=1), room_id=None,
        place="企业现场", chair_name="孙晓梅", recorder_name="李建国", actor_id=users["staff"].id,
    )  # fmt: skip
    assert booking.status == CANCELLED and meeting.booking_id is None and meeting.location == "企业现场"


def test_changing_the_kind_gives_a_new_number(users):
    make_meeting(users, start=future(3))
    meeting = make_meeting(users, kind=QUARTERLY, start=future(4))
    services.update_meeting(
        meeting, kind=MONTHLY, theme="改为月度", start=meeting.start_at, end=meeting.end_at, room_id=None,
        place="企业现场", chair_name="孙晓梅", recorder_name="李建国", actor_id=users["staff"].id,
    )  # fmt: skip
    assert (meeting.kind, meeting.number, meeting.theme) == (MONTHLY, 2, "改为月度")


def test_a_correction_keeps_the_number_printed_on_the_issued_minutes(users):
    meeting = make_meeting(users, start=past(3))
    fill(meeting, users, tax())
    issue(meeting, users)
    services.start_correction(meeting, users["staff"], "主题有误")
    values = dict(
        theme="企业用工与社保政策（更正）", end=meeting.end_at, room_id=None, place="企业现场",
        chair_name="孙晓梅", recorder_name="李建国", actor_id=users["staff"].id,
    )  # fmt: skip
    with pytest.raises(MeetingError) as error:
        services.update_meeting(meeting, kind=QUARTERLY, start=meeting.start_at, **values)
    assert error.value.field == "kind" and (meeting.kind, meeting.number) == (MONTHLY, 1)
    services.update_meeting(meeting, kind=MONTHLY, start=meeting.start_at, **values)
    assert meeting.title == f"{meeting.year}年第1次月度恳谈会" and meeting.theme.endswith("（更正）")

def test_validation_names_the_field(users, room):
    with pytest.raises(MeetingError) as error:
        make_meeting(users, None, place="")
    assert error.value.field == "room_id"
    with pytest.raises(MeetingError) as error:
        make_meeting(users, room, end=future(3, 8))
    assert error.value.field == "end_time"


def test_attendees_are_linked_to_the_register_and_names_joined(users):
    meeting = make_meeting(users)
    present = services.add_attendee(meeting, "present", "税务分局", "张三, 李四 王五", users["staff"].id)
    guest = services.add_attendee(meeting, "attending", "山东大学威海校区", "赵教授", users["staff"].id)
    assert present.department_id == tax().id and present.names == "张三、李四、王五"
    assert guest.department_id is None and guest.enterprise_id is None


def test_issuing_numbers_per_year_and_freezes_the_content(users, room):
    department = tax()
    first = make_meeting(users, room)
    fill(first, users, department)
    version = issue(first, users)
    assert version.status == ISSUED and version.doc_number == f"〔{clock.today().year}〕1号"
    assert version.content["decisions"][0]["unit"] == department.name
    second = make_meeting(users, start=past(5))
    fill(second, users, department)
    assert issue(second, users).doc_number == f"〔{clock.today().year}〕2号"

    with pytest.raises(MeetingError):
        services.add_decision(first, "不应写入", department.id, None, None, users["staff"].id)
    with pytest.raises(MeetingError):
        services.add_attendee(first, "present", "经济发展局", "某某", users["staff"].id)


def test_a_correction_is_a_new_version_and_the_old_stays_readable(users):
    meeting = make_meeting(users)
    decision = fill(meeting, users, tax())
    issue(meeting, users)
    with pytest.raises(MeetingError) as error:
        services.start_correction(meeting, users["staff"], "")
    assert error.value.field == "reason"
    correction = services.start_correction(meeting, users["staff"], "责任单位有误")
    assert correction.version == 2 and meeting.editable
    services.update_decision(decision, "开展社保政策进企业宣讲（更正）", None, "人社局", None, users["staff"].id)
    old = services.minutes_version(meeting, 1)
    assert services.printed_minutes(meeting, old)["decisions"][0]["text"] == "开展社保政策进企业宣讲"
    assert services.printed_minutes(meeting, correction)["decisions"][0]["text"].endswith("（更正）")
    new = issue(meeting, users)
    assert new.doc_seq == old.doc_seq + 1 and new.content["correction"] == "责任单位有误"


def test_only_the_chair_or_an_admin_approves(users):
    meeting = make_meeting(users, chair_user_id=users["admin"].id)
    fill(meeting, users, tax())
    with pytest.raises(NotAllowed):
        services.approve_minutes(meeting, users["staff"])
    chaired = make_meeting(users, start=past(9))
    fill(chaired, users, tax())
    assert services.approve_minutes(chaired, users["staff"]).status == "approved"
    with pytest.raises(MeetingError):
        services.add_agenda_item(chaired, "审定后不能加议题", None, users["staff"].id)
    services.return_to_draft(chaired, users["staff"], "补充议题")
    services.add_agenda_item(chaired, "补充议题", None, users["staff"].id)


def test_minutes_need_attendance_and_content_before_approval(users):
    meeting = make_meeting(users)
    with pytest.raises(MeetingError, match="出席"):
        services.approve_minutes(meeting, users["admin"])


def test_issue_needs_approval(users):
    meeting = make_meeting(users)
    fill(meeting, users, tax())
    with pytest.raises(MeetingError, match="审定"):
        services.issue_minutes(meeting, users["staff"])


def test_open_decisions_across_meetings_and_the_liaison_sees_their_own(users):
    department = tax()
    other = db.session.scalar(db.select(Department).where(Department.short_name == "经济发展局"))
    meeting = make_meeting(users, start=past(20))
    mine = fill(meeting, users, department)
    theirs = services.add_decision(meeting, "梳理规上企业名单", other.id, None, clock.today() - timedelta(days=1), users["staff"].id)
    draft = make_meeting(users, start=future(6))
    fill(draft, users, department)  # never issued: not on the list yet
    issue(meeting, users)

    staff_list = list(db.session.scalars(services.decisions_query(users["staff"])))
    assert staff_list == [theirs, mine]  # the earliest deadline first
    assert theirs.is_overdue(clock.today()) and not mine.is_overdue(clock.today())
    assert list(db.session.scalars(services.decisions_query(users["liaison"]))) == [mine]
    assert list(db.session.scalars(services.decisions_query(users["staff"], department_id=other.id))) == [theirs]
    assert list(db.session.scalars(services.decisions_query(users["staff"], overdue_only=True))) == [theirs]
    assert services.decision_counts(users["staff"]) == {"overdue": 1, "due_soon": 0}


def test_a_liaison_updates_only_their_own_units_decisions(users):
    department = tax()
    other = db.session.scalar(db.select(Department).where(Department.short_name == "经济发展局"))
    meeting = make_meeting(users)
    mine = fill(meeting, users, department)
    theirs = services.add_decision(meeting, "梳理规上企业名单", other.id, None, None, users["staff"].id)
    issue(meeting, users)

    with pytest.raises(NotAllowed):
        services.complete_decision(theirs, users["liaison"], "已完成")
    with pytest.raises(MeetingError) as error:
        services.complete_decision(mine, users["liaison"], " ")
    assert error.value.field == "note"
    services.complete_decision(mine, users["liaison"], "已于本月完成三场宣讲")
    assert mine.status == DONE and mine.done_by_id == users["liaison"].id
    assert [e.action for e in audit.entries_for("decision", mine.id)][-1] == "decision.done"
    services.reopen_decision(mine, users["staff"], "企业反映仍有疑问")
    assert mine.status == OPEN


def test_removing_a_decision_renumbers_the_rest(users):
    meeting = make_meeting(users)
    first = services.add_decision(meeting, "一", None, "甲单位", None, users["staff"].id)
    services.add_decision(meeting, "二", None, "乙单位", None, users["staff"].id)
    third = services.add_decision(meeting, "三", None, "丙单位", None, users["staff"].id)
    services.remove_decision(first, users["staff"].id)
    assert [d.text for d in meeting.decisions] == ["二", "三"] and third.number == 2


def test_a_meeting_with_issued_minutes_cannot_be_deleted(users, room):
    meeting = make_meeting(users, room)
    booking = meeting.booking
    fill(meeting, users, tax())
    issue(meeting, users)
    with pytest.raises(MeetingError):
        services.delete_meeting(meeting, users["staff"].id)
    draft = make_meeting(users, room, start=future(10))
    draft_booking = draft.booking
    services.delete_meeting(draft, users["staff"].id)
    assert draft_booking.status == CANCELLED and booking.status == "confirmed"


def test_every_state_change_is_audited(users):
    meeting = make_meeting(users)
    fill(meeting, users, tax())
    issue(meeting, users)
    services.start_correction(meeting, users["staff"], "更正日期")
    actions = [e.action for e in audit.entries_for("meeting", meeting.id)]
    for action in ("meeting.create", "minutes.approve", "minutes.issue", "minutes.correct"):
        assert action in actions


def test_chinese_ordinals():
    assert [services.chinese_ordinal(n) for n in (1, 10, 11, 20, 23)] == ["一", "十", "十一", "二十", "二十三"]


def test_deadline_formats_without_leading_zeros(users):
    meeting = make_meeting(users, start=datetime(2026, 3, 2, 9, 0))
    services.add_decision(meeting, "事项", None, "甲单位", date(2026, 3, 8), users["staff"].id)
    assert services.minutes_content(meeting)["decisions"][0]["deadline"] == "2026年3月8日前"


def test_a_number_taken_in_between_is_computed_again(users, monkeypatch):
    make_meeting(users)
    real = services.next_meeting_number
    calls = []

    def stale_then_real(kind, year):
        calls.append(kind)
        return 1 if len(calls) == 1 else real(kind, year)  # as if another writer took 1 meanwhile

    monkeypatch.setattr(services, "next_meeting_number", stale_then_real)
    assert make_meeting(users, start=future(4)).number == 2 and len(calls) == 2


def test_a_deadline_cannot_precede_the_meeting(users):
    meeting = make_meeting(users)
    with pytest.raises(MeetingError) as error:
        services.add_decision(meeting, "事项", None, "甲单位", meeting.start_at.date() - timedelta(days=1), users["staff"].id)
    assert error.value.field == "deadline"


def test_minutes_of_a_meeting_not_yet_held_cannot_be_approved(users):
    meeting = make_meeting(users, start=future(3))
    fill(meeting, users, tax())
    with pytest.raises(MeetingError, match="会议召开后才能审定"):
        services.approve_minutes(meeting, users["admin"])
    assert meeting.current_minutes.status == "draft"


def test_a_decision_is_followed_up_only_once_its_minutes_are_issued(users):
    meeting = make_meeting(users)
    decision = fill(meeting, users, tax())
    with pytest.raises(MeetingError, match="印发后才能办理"):
        services.complete_decision(decision, users["staff"], "已完成")
    assert decision.status == OPEN
    issue(meeting, users)
    assert services.complete_decision(decision, users["staff"], "已完成").status == DONE
