"""What an activity keeps besides its facts: up to nine photos (re-encoded, no EXIF location) and
the sign-in list by branch; both on the A4 record sheet."""

import io
import subprocess
from datetime import timedelta

import pytest
from factories import directory, party
from factories.facilities import at
from PIL import Image
from sqlalchemy import func, select, text

from hubapp import audit, clock
from hubapp.blueprints.party import activities
from hubapp.blueprints.party.models import ActivityAttendee, ActivityPhoto, PartyActivity
from hubapp.database import atomic
from hubapp.extensions import db
from hubapp.rules import RuleError

GPS_IFD = 0x8825


def photo_bytes(kind: str = "JPEG", colour=(200, 30, 30), with_location: bool = False) -> bytes:
    image = Image.new("RGB", (640, 480), colour)
    out = io.BytesIO()
    if with_location:
        exif = Image.Exif()
        exif[0x010F] = "PhoneMaker"
        exif[GPS_IFD] = {1: "N", 2: (37.0, 30.0, 0.0), 3: "E", 4: (122.0, 7.0, 0.0)}
        image.save(out, kind, exif=exif)
    else:
        image.save(out, kind)
    return out.getvalue()


@pytest.fixture
def branches(app):
    names = ["汇科工控", "鸿锐金属", "海纳数据"]
    firms = [directory.enterprise(f"威海{name}有限公司", name) for name in names]
    return [party.organisation(f"{name}党支部", [firm]) for name, firm in zip(names, firms, strict=True)]


@pytest.fixture
def made(branches):
    day = clock.today() - timedelta(days=3)
    return party.activity("重温入党誓词", branches, at(day, "09:00"), at(day, "11:00"), attendance=3)


def photos_of(activity_id: int) -> list[ActivityPhoto]:
    return list(db.session.scalars(select(ActivityPhoto).where(ActivityPhoto.activity_id == activity_id)))


def upload(client, activity_id: int, *files: tuple[bytes, str]):
    data = {"photos": [(io.BytesIO(content), name) for content, name in files]}
    return client.post(f"/party/activities/{activity_id}/photos", data=data, content_type="multipart/form-data")


def test_photos_are_kept_without_their_location_and_shown_on_the_activity(client, auth, users, made):
    auth.login("staff")
    page = client.get(f"/party/activities/{made.id}").get_data(as_text=True)
    assert "还没有照片" in page and "活动照片（0/9）" in page
    original = photo_bytes(with_location=True)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)
    response = upload(client, made.id, (original, "IMG_0001.jpg"), (photo_bytes("PNG", (20, 90, 200)), "合影.png"))
    assert response.status_code == 303
    kept = photos_of(made.id)
    assert [p.position for p in kept] == [1, 2]
    page = client.get(f"/party/activities/{made.id}").get_data(as_text=True)
    assert "已上传2张照片" in page and "活动照片（2/9）" in page
    served = client.get(f"/party/activities/{made.id}/photos/{kept[0].id}.jpg")
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    image = Image.open(io.BytesIO(served.data))
    assert image.format == "JPEG" and not image.getexif() and image.size == (640, 480)
    assert client.get(f"/party/activities/{made.id}/photos/999999.jpg").status_code == 404
    entry = db.session.scalars(select(audit.AuditEntry).where(audit.AuditEntry.action == "party_activity.photos.add")).one()
    assert entry.actor_id == users["staff"].id and entry.detail_dict["photos"] == 2


def test_a_file_that_is_no_photo_is_refused_next_to_the_field_and_nothing_is_kept(client, auth, made):
    auth.login("staff")
    response = upload(client, made.id, (photo_bytes(), "a.jpg"), (b"%PDF-1.4 not a picture", "通知.pdf"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'class="error"' in page and "只能上传照片" in page
    assert photos_of(made.id) == []
    nothing = client.post(f"/party/activities/{made.id}/photos", data={}, content_type="multipart/form-data")
    assert nothing.status_code == 422 and "请选择要上传的照片" in nothing.get_data(as_text=True)


def test_an_activity_keeps_nine_photos_at_most_and_the_database_refuses_a_tenth(app, made):
    with atomic():
        activities.add_photos(None, made, [photo_bytes(colour=(n * 20, 0, 0)) for n in range(8)])
    with pytest.raises(RuleError, match="已有8张，还可上传1张"), atomic():
        activities.add_photos(None, made, [photo_bytes(), photo_bytes()])
    assert len(photos_of(made.id)) == 8
    with pytest.raises(Exception), atomic():  # noqa: B017 — the CHECK, whatever the driver calls its error
        db.session.execute(
            text("INSERT INTO party_activity_photo (activity_id, position, content, width, height, created_at) "
                 "VALUES (:id, 10, :content, 1, 1, :now)"),
            {"id": made.id, "content": b"x", "now": clock.now()},
        )  # fmt: skip


def test_removing_a_photo_asks_first_and_frees_its_place(client, auth, made):
    with atomic():
        first, second = activities.add_photos(None, made, [photo_bytes(), photo_bytes(colour=(0, 0, 0))])
    auth.login("staff")
    page = client.get(f"/party/activities/{made.id}").get_data(as_text=True)
    assert 'data-confirm="确定删除第1张照片吗？' in page
    assert client.post(f"/party/activities/{made.id}/photos/{first.id}/delete").status_code == 303
    assert [p.id for p in photos_of(made.id)] == [second.id]
    again = client.post(f"/party/activities/{made.id}/photos/{first.id}/delete", follow_redirects=True)
    assert "这张照片已被他人删除" in again.get_data(as_text=True)
    upload(client, made.id, (photo_bytes(), "new.jpg"))
    assert sorted(p.position for p in photos_of(made.id)) == [1, 2]


def attendee_form(branches, made, **names) -> dict:
    return {f"names_{b.id}": names.get(f"b{i}", "") for i, b in enumerate(branches)} | {"version": str(made.version)}


def test_staff_enter_the_sign_in_list_by_branch_and_the_count_follows(client, auth, branches, made):
    auth.login("staff")
    page = client.get(f"/party/activities/{made.id}").get_data(as_text=True)
    assert "还没有签到名单" in page and f"/party/activities/{made.id}/attendees" in page
    form = attendee_form(branches, made, b0="张三、李四\n王五，张三", b1="赵六")
    assert client.post(f"/party/activities/{made.id}/attendees", data=form).status_code == 303
    db.session.refresh(made)
    signed = [(a.organisation.name, a.name) for a in made.attendees]
    assert signed == [("汇科工控党支部", "张三"), ("汇科工控党支部", "李四"), ("汇科工控党支部", "王五"), ("鸿锐金属党支部", "赵六")]
    # Three were counted before the names came; the list has four.
    assert made.attendance == 4
    page = client.get(f"/party/activities/{made.id}").get_data(as_text=True)
    assert "汇科工控党支部</strong>（3人）：张三、李四、王五" in page and "4人（签到4人）" in page
    edit = client.get(f"/party/activities/{made.id}/attendees").get_data(as_text=True)
    assert "张三、李四、王五" in edit and "赵六" in edit


def test_a_sign_in_list_is_corrected_keeping_the_names_already_there(client, auth, branches, made):
    auth.login("staff")
    assert client.post(f"/party/activities/{made.id}/attendees", data=attendee_form(branches, made, b0="张三、李四")).status_code == 303
    db.session.refresh(made)
    corrected = attendee_form(branches, made, b0="张三、孙七", b1="赵六")
    assert client.post(f"/party/activities/{made.id}/attendees", data=corrected).status_code == 303
    db.session.refresh(made)
    assert sorted((a.organisation.name, a.name) for a in made.attendees) == [
        ("汇科工控党支部", "孙七"), ("汇科工控党支部", "张三"), ("鸿锐金属党支部", "赵六"),
    ]


def test_a_sign_in_list_saved_meanwhile_is_not_overwritten(client, auth, branches, made):
    auth.login("staff")
    stale = attendee_form(branches, made, b0="张三")
    with atomic():
        activities.set_attendees(None, made, {branches[1].id: ["赵六"]}, made.version)
    response = client.post(f"/party/activities/{made.id}/attendees", data=stale)
    assert response.status_code == 409
    assert "张三" in response.get_data(as_text=True)  # what the user typed is still there
    db.session.refresh(made)
    assert [a.name for a in made.attendees] == ["赵六"]


def test_the_activity_form_keeps_to_the_sign_in_list(client, auth, branches, made):
    with atomic():
        activities.set_attendees(None, made, {branches[0].id: ["张三", "李四", "王五", "赵六"]}, made.version)
    plan = activities.ActivityPlan(
        kind=made.kind, theme=made.theme, start=made.start_at, end=made.end_at, organiser=made.organiser,
        organisation_ids=[b.id for b in branches], attendance=2, place="企业会议室",
    )  # fmt: skip
    with pytest.raises(RuleError, match="签到名单已有4人"), atomic():
        activities.update_activity(None, made, plan, made.version)
    plan.attendance, plan.organisation_ids = 30, [branches[1].id]
    with pytest.raises(RuleError, match="汇科工控党支部在签到名单中有人"), atomic():
        activities.update_activity(None, made, plan, db.session.get(PartyActivity, made.id).version)


def test_the_database_refuses_the_same_name_twice_for_one_branch(app, branches, made):
    with atomic():
        activities.set_attendees(None, made, {branches[0].id: ["张三"]}, made.version)
    with pytest.raises(Exception), atomic():  # noqa: B017
        db.session.add(ActivityAttendee(activity_id=made.id, organisation_id=branches[0].id, name="张三"))
        db.session.flush()
    assert db.session.scalar(select(func.count()).select_from(ActivityAttendee)) == 1


def test_the_record_sheet_prints_the_names_and_the_photos_on_a4(client, auth, branches, made, tmp_path):
    with atomic():
        activities.set_attendees(None, made, {branches[0].id: ["张三", "李四"], branches[2].id: ["王五"]}, made.version)
        activities.add_photos(None, made, [photo_bytes(colour=(n * 25, 120, 60)) for n in range(9)])
    auth.login("staff")
    response = client.get(f"/party/activities/{made.id}/record.pdf")
    assert response.status_code == 200
    pdf = tmp_path / "record.pdf"
    pdf.write_bytes(response.data)
    text_ = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    first, *rest = text_.split("\f")
    assert "参加人员" in first and "汇科工控党支部（2人）：张三、李四" in first and "海纳数据党支部（1人）：王五" in first
    assert "活动照片（9张）" in rest[0] and "照片9" in rest[0]
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "Pages:           2" in info and ("595.276 x 841.89" in info or "595.28 x 841.89" in info)
    images = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert sum(1 for line in images.splitlines()[2:] if line.split()[0] == "2") == 9
