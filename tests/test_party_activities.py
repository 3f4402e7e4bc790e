"""The 党建联建 ledger: activities with their branches, the room held through facilities, the
record sheet."""

import subprocess
from datetime import timedelta

import pytest
from factories import directory, party
from factories.facilities import at
from factories.facilities import room as make_room
from sqlalchemy import func, select

from hubapp import audit, clock
from hubapp.blueprints.facilities.models import Booking
from hubapp.blueprints.party import activities
from hubapp.blueprints.party.models import PartyActivity
from hubapp.database import atomic
from hubapp.extensions import db
from hubapp.rules import RuleError


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def branches(app):
    names = ["汇科工控", "鸿锐金属", "海纳数据", "蓝创软件"]
    firms = [directory.enterprise(f"威海{name}有限公司", name) for name in names]
    return [party.organisation(f"{name}党支部", [firm]) for name, firm in zip(names, firms, strict=True)]


def activity_form(branches, room, **extra):
    day = clock.today() + timedelta(days=5)
    form = {"kind": "theme_day", "theme": "重温入党誓词", "start_at": f"{day}T14:30", "end_at": f"{day}T16:30",
            "organiser": "产业社区综合党委", "organisation_ids": [str(b.id) for b in branches], "attendance": "36",
            "room_id": str(room.id), "place": "", "summary": "四个支部联合开展主题党日。", "version": ""}  # fmt: skip
    return form | extra


def test_staff_record_a_joint_theme_day_of_four_branches_and_its_room_is_booked(client, auth, users, branches):
    hall = make_room("党员组织生活教育馆")
    auth.login("staff")
    empty = client.get("/party/activities").get_data(as_text=True)
    assert "还没有符合条件的联建活动" in empty and "/party/activities/new" in empty

    response = client.post("/party/activities/new", data=activity_form(branches, hall))
    assert response.status_code == 303
    made = db.session.scalars(select(PartyActivity)).one()
    assert [o.name for o in made.organisations] == sorted(b.name for b in branches)
    booking = db.session.get(Booking, made.booking_id)
    assert booking.room_id == hall.id and "重温入党誓词" in booking.title and booking.status == "confirmed"
    page = client.get(f"/party/activities/{made.id}").get_data(as_text=True)
    assert "党员组织生活教育馆" in page and "汇科工控党支部" in page and "36人" in page
    listed = client.get(f"/party/activities?organisation={branches[0].id}").get_data(as_text=True)
    assert "重温入党誓词" in listed and "4个" in listed
    entry = db.session.scalars(select(audit.AuditEntry).where(audit.AuditEntry.action == "party_activity.create")).one()
    assert entry.actor_id == users["staff"].id


def test_a_taken_room_is_said_next_to_the_room_and_nothing_is_written(client, auth, users, branches):
    hall = make_room("党员组织生活教育馆")
    party.activity("先到的活动", branches[:2], *_afternoon(), room=hall)
    auth.login("staff")
    start, end = _afternoon()
    response = client.post(
        "/party/activities/new",
        data=activity_form(branches, hall, start_at=start.isoformat(timespec="minutes"), end_at=end.isoformat(timespec="minutes"), theme="后到的活动"),
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="start_at-error"' in page and "已被“联合主题党日：先到的活动”" in page
    assert 'value="后到的活动"' in page and "四个支部联合开展主题党日。" in page
    assert count(PartyActivity) == 1 and count(Booking) == 1


def _afternoon():
    day = clock.today() + timedelta(days=5)
    return at(day, "14:30"), at(day, "16:30")


def test_an_activity_needs_a_branch_and_an_end_after_its_start(client, auth, branches):
    hall = make_room()
    auth.login("staff")
    none_chosen = client.post("/party/activities/new", data=activity_form([], hall))
    assert none_chosen.status_code == 422 and "请至少选择一个参加支部" in none_chosen.get_data(as_text=True)
    start, _ = _afternoon()
    backwards = client.post(
        "/party/activities/new", data=activity_form(branches, hall, end_at=(start - timedelta(hours=1)).isoformat(timespec="minutes"))
    )
    assert backwards.status_code == 422 and "结束时间必须晚于开始时间" in backwards.get_data(as_text=True)
    assert count(PartyActivity) == 0 and count(Booking) == 0


def test_an_activity_whose_write_fails_leaves_no_booking(app, branches, monkeypatch):
    hall = make_room()

    def refuse(*args, **kwargs):
        raise RuleError("活动未能保存。")

    monkeypatch.setattr(activities, "_apply", refuse)
    with pytest.raises(RuleError), atomic():
        activities.create_activity(None, activities.ActivityPlan("theme_day", "主题党日", *_afternoon(), "综合党委", [branches[0].id], 20, hall.id))
    assert count(Booking) == 0 and count(PartyActivity) == 0


def test_moving_elsewhere_gives_the_room_back_and_deleting_keeps_the_record(client, auth, branches):
    hall = make_room()
    made = party.activity("交流会", branches[:2], *_afternoon(), kind="exchange", room=hall)
    auth.login("staff")
    moved = client.post(
        f"/party/activities/{made.id}/edit",
        data=activity_form(branches[:2], hall, room_id="0", place="汇科工控三楼会议室", kind="exchange", theme="交流会",
                           start_at=_afternoon()[0].isoformat(timespec="minutes"), end_at=_afternoon()[1].isoformat(timespec="minutes"),
                           version=str(made.version)),
    )  # fmt: skip
    assert moved.status_code == 303
    assert db.session.scalars(select(Booking)).one().status == "cancelled"
    assert "汇科工控三楼会议室" in client.get(f"/party/activities/{made.id}").get_data(as_text=True)
    assert client.post(f"/party/activities/{made.id}/delete").status_code == 303
    assert count(PartyActivity) == 0
    entry = db.session.scalars(select(audit.AuditEntry).where(audit.AuditEntry.action == "party_activity.delete")).one()
    assert entry.detail_dict["record"]["theme"] == "交流会"


def test_the_record_sheet_is_an_a4_pdf_with_the_activity(client, auth, branches, tmp_path):
    made = party.activity("重温入党誓词", branches, *_afternoon(), attendance=36)
    auth.login("staff")
    response = client.get(f"/party/activities/{made.id}/record.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pdf = tmp_path / "record.pdf"
    pdf.write_bytes(response.data)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "党建联建活动记录" in text and "重温入党誓词" in text and "36人" in text and "蓝创软件党支部" in text
    size = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "595.276 x 841.89" in size or "595.28 x 841.89" in size
