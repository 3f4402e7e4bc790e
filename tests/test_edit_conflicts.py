"""Edits that never silently overwrite (hubapp/concurrency.py): two people open the same edit
form, both save; the second gets 409, a table of what the record says now beside what they typed,
and their text still in the form; the first one's change stays."""

import re
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from conftest import AuthActions
from factories import directory, facilities, guides, meetings, sessions
from test_guides_pages import form_fields as guide_fields

from hubapp import audit
from hubapp.blueprints.directory.models import Enterprise
from hubapp.blueprints.facilities.models import Booking, Room
from hubapp.blueprints.guides import reading
from hubapp.blueprints.meetings import planning
from hubapp.blueprints.meetings.models import AgendaItem, Meeting
from hubapp.blueprints.sessions.models import Session
from hubapp.database import atomic
from hubapp.extensions import db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def colleagues(app, users):
    """Two staff members, each in a browser of their own."""
    first, second = app.test_client(), app.test_client()
    AuthActions(first).login("staff")
    AuthActions(second).login("admin")
    return first, second


def version_in(html: str) -> str:
    """The version the form on the page was drawn from."""
    found = re.search(r'name="version"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="version"', html)
    assert found, "the edit form carries no version"
    return found.group(1) or found.group(2)


class _FormValues(HTMLParser):
    """What a browser would submit from the form that carries ``version`` (the edit form)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict[str, str]] = []
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "option" and self._select and ("selected" in attrs or self._select not in self.forms[-1]):
            self.forms[-1][self._select] = attrs.get("value", "")
        if tag == "form":
            self.forms.append({})
        elif not self.forms or "name" not in attrs:
            return
        elif tag == "input" and attrs.get("type") not in ("checkbox", "radio", "submit") or (
            tag == "input" and "checked" in attrs
        ):
            self.forms[-1][attrs["name"]] = attrs.get("value", "y" if attrs.get("type") == "checkbox" else "")
        elif tag == "select":
            self._select = attrs["name"]
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self.forms[-1][self._textarea] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            # Like a browser, drop the newline that opens a textarea's content.
            text = self.forms[-1][self._textarea] + data
            self.forms[-1][self._textarea] = text.removeprefix("\r\n").removeprefix("\n")


def edit_form(client, url: str) -> dict[str, str]:
    parser = _FormValues()
    parser.feed(client.get(url).get_data(as_text=True))
    return next(form for form in parser.forms if "version" in form)


def conflict_rows(html: str) -> list[str]:
    table = html.split('class="conflict-table"', 1)[1].split("</table>", 1)[0]
    return [re.sub(r"<[^>]+>", "|", row) for row in table.split("<tr>")[2:]]


def test_a_guide_saved_by_someone_else_first_is_not_overwritten(colleagues, users):
    first, second = colleagues
    guides.matter("qy-bg", actor=users["staff"])
    version = version_in(first.get("/guides/qy-bg/edit").get_data(as_text=True))
    assert version_in(second.get("/guides/qy-bg/edit").get_data(as_text=True)) == version

    saved = first.post("/guides/qy-bg/edit", data=guide_fields(version=version, office_hours="周一至周六 8:30–17:00"))
    assert saved.status_code == 303
    late = second.post("/guides/qy-bg/edit", data=guide_fields(version=version, place="便民服务大厅3号窗口"))

    assert late.status_code == 409
    html = late.get_data(as_text=True)
    assert "已有人修改并保存了这条记录" in html
    rows = conflict_rows(html)
    assert any("办理时间" in row and "周一至周六 8:30–17:00" in row and "周一至周五 9:00–17:00" in row for row in rows)
    assert any("办理地点" in row and "便民服务大厅3号窗口" in row for row in rows)
    assert 'value="便民服务大厅3号窗口"' in html  # what the second user typed is still in the form
    matter = reading.get_by_code("qy-bg")
    assert (matter.office_hours, matter.place) == ("周一至周六 8:30–17:00", "便民服务大厅1号窗口")

    # Having looked, saving again from the conflict page is the second user's deliberate choice.
    again = second.post("/guides/qy-bg/edit", data=guide_fields(version=version_in(html), place="便民服务大厅3号窗口"))
    assert again.status_code == 303
    db.session.expire_all()
    assert reading.get_by_code("qy-bg").place == "便民服务大厅3号窗口"


def test_restoring_an_old_guide_version_does_not_overwrite_edits_saved_since(colleagues, users):
    first, second = colleagues
    guides.matter("qy-bg", actor=users["staff"], published=True)
    detail = second.get("/guides/qy-bg").get_data(as_text=True)
    edit = first.get("/guides/qy-bg/edit").get_data(as_text=True)
    first.post("/guides/qy-bg/edit", data=guide_fields(version=version_in(edit), tips="来前请核对营业执照副本"))

    refused = second.post("/guides/qy-bg/versions/1/restore", data={"version": version_in(detail)}, follow_redirects=True)
    assert "编辑稿已被他人修改，未恢复旧版本" in refused.get_data(as_text=True)
    assert reading.get_by_code("qy-bg").tips == "来前请核对营业执照副本"

    fresh = second.get("/guides/qy-bg").get_data(as_text=True)
    restored = second.post("/guides/qy-bg/versions/1/restore", data={"version": version_in(fresh)}, follow_redirects=True)
    assert "已将第1版内容恢复到编辑稿" in restored.get_data(as_text=True)
    db.session.expire_all()
    assert reading.get_by_code("qy-bg").tips != "来前请核对营业执照副本"


def second_save_refused(colleagues, url: str, post_url: str, mine: dict, theirs: dict) -> str:
    """Both open ``url``; the first saves ``mine``, then the second ``theirs`` on the same version:
    the page the second gets, a refusal."""
    first, second = colleagues
    first_form, second_form = edit_form(first, url), edit_form(second, url)
    assert first_form["version"] == second_form["version"]
    assert first.post(post_url, data=first_form | mine).status_code in (200, 303)
    late = second.post(post_url, data=second_form | theirs)
    assert late.status_code == 409
    html = late.get_data(as_text=True)
    assert "已有人修改并保存了这条记录" in html
    return html


def assert_second_save_refused(colleagues, url: str, post_url: str, mine: dict, theirs: dict, shown: str, typed: str):
    """Both open ``url``; the first saves ``mine``, the second ``theirs`` on the same version: the
    second is refused with the first's change (``shown``) and their own (``typed``) in the table."""
    html = second_save_refused(colleagues, url, post_url, mine, theirs)
    rows = conflict_rows(html)
    assert any(shown in row for row in rows) and any(typed in row for row in rows), rows
    assert typed in html.split('class="conflict-table"')[1].split("</table>")[1]  # still in the form
    db.session.expire_all()
    return html


def form_in(html: str) -> dict[str, str]:
    """What a browser would submit from the edit form on ``html`` (the 409 page, say)."""
    parser = _FormValues()
    parser.feed(html)
    return next(form for form in parser.forms if "version" in form)


def assert_both_changes_kept(colleagues, url: str, mine: dict, theirs: dict, label: str):
    """Both open ``url``; the first saves ``mine``, the second ``theirs`` (other fields) on the same
    version: the second is refused, the field only the first changed (``label``) already shows the
    first's value, and saving again from that page keeps both changes."""
    html = second_save_refused(colleagues, url, url, mine, theirs)
    assert f"表单中已改为他人保存的内容：{label}" in html
    assert 'class="conflict-table"' not in html, "fields only one person changed are no conflict"
    shown = form_in(html)
    assert shown | mine | theirs == shown, "the form shows the first's change and keeps the second's"
    assert colleagues[1].post(url, data=shown).status_code in (200, 303)
    db.session.expire_all()


def test_a_room_saved_by_someone_else_first_is_not_overwritten(colleagues):
    room = facilities.room("文化活动室", capacity=40)
    url = f"/facilities/rooms/{room.id}/edit"
    assert_both_changes_kept(colleagues, url, {"capacity": "60"}, {"equipment": "投影仪、音响"}, "容量（人）")
    saved = db.session.get(Room, room.id)
    assert (saved.capacity, saved.equipment) == (60, "投影仪、音响")


def test_a_booking_saved_by_someone_else_first_is_not_overwritten(colleagues):
    room = facilities.room("文化活动室", capacity=40)
    day = date.today() + timedelta(days=3)
    booking = facilities.booking(room, day, "10:00", "11:00", title="企业沙龙")
    url = f"/facilities/bookings/{booking.id}/edit"
    html = assert_second_save_refused(
        colleagues, url, url, {"title": "企业沙龙（第二场）"}, {"title": "银企对接会", "headcount": "20"}, "企业沙龙（第二场）", "银企对接会"
    )
    assert not any("人数" in row for row in conflict_rows(html)), "only the title was changed by both"
    saved = db.session.get(Booking, booking.id)
    assert (saved.title, saved.headcount) == ("企业沙龙（第二场）", 1)


def test_a_session_saved_by_someone_else_first_is_not_overwritten(colleagues):
    made = sessions.session(sessions.hall(), capacity=10, start=sessions.day(5, 9))
    url = f"/sessions/{made.id}/edit"
    assert_both_changes_kept(colleagues, url, {"capacity": "30"}, {"speakers": "王科长（纳税服务科）"}, "名额")
    saved = db.session.get(Session, made.id)
    assert (saved.capacity, saved.speakers) == (30, "王科长（纳税服务科）")


def test_a_meeting_saved_by_someone_else_first_is_not_overwritten(colleagues, users):
    made = meetings.meeting(users["staff"], start=meetings.future(5))
    url = f"/meetings/{made.id}/edit"
    assert_both_changes_kept(colleagues, url, {"theme": "企业融资需求对接"}, {"recorder_name": "周敏"}, "会议主题")
    saved = db.session.get(Meeting, made.id)
    assert (saved.theme, saved.recorder_name) == ("企业融资需求对接", "周敏")


def test_an_enterprise_saved_by_someone_else_first_is_not_overwritten(colleagues):
    made = directory.enterprise(contact_phone="13985263751", address="创业谷1号楼")
    url = f"/directory/enterprises/{made.id}/edit"
    html = assert_second_save_refused(
        colleagues, url, url, {"contact_phone": "13700002222"}, {"contact_phone": "13811113333", "notes": "新联系人"},
        "13700002222", "13811113333",
    )
    assert any("联系人手机" in row for row in conflict_rows(html))
    assert not any("备注" in row or "地址" in row for row in conflict_rows(html)), "only the phone was changed by both"
    assert form_in(html)["notes"] == "新联系人"
    saved = db.session.get(Enterprise, made.id)
    assert (saved.contact_phone, saved.notes, saved.version) == ("13700002222", None, 2)
    assert [e.action for e in audit.entries_for("enterprise", made.id)] == ["enterprise.create", "enterprise.update"]


def test_an_enterprise_field_only_a_colleague_changed_is_taken_into_the_form(colleagues):
    made = directory.enterprise(contact_phone="13985263751", address="创业谷1号楼")
    url = f"/directory/enterprises/{made.id}/edit"
    assert_both_changes_kept(colleagues, url, {"address": "创业谷2号楼"}, {"contact_name": "王经理"}, "地址")
    saved = db.session.get(Enterprise, made.id)
    assert (saved.address, saved.contact_name, saved.contact_phone) == ("创业谷2号楼", "王经理", "13985263751")
    assert saved.version == 3


def test_a_field_both_changed_is_left_to_the_second_to_decide(colleagues):
    room = facilities.room("文化活动室", capacity=40)
    url = f"/facilities/rooms/{room.id}/edit"
    html = assert_second_save_refused(
        colleagues, url, url, {"capacity": "60", "equipment": "音响"}, {"capacity": "50"}, "60", "50"
    )
    assert "表单中已改为他人保存的内容：设施设备" in html
    assert form_in(html)["capacity"] == "50" and form_in(html)["equipment"] == "音响"


def test_minutes_typed_by_two_people_into_one_agenda_item_never_replace_each_other(colleagues, users):
    first, second = colleagues
    made = meetings.meeting(users["staff"])
    with atomic():
        item = planning.add_agenda_item(users["staff"], made, "通报用工情况", "人社局")
    url, post_url = f"/meetings/{made.id}", f"/meetings/{made.id}/agenda/{item.id}"
    first_form, second_form = edit_form(first, url), edit_form(second, url)

    # The first writer's editor saves as they type: each answer carries the version it saved.
    typed = first.post(post_url, data=first_form | {"discussion": "在岗职工增加6.2%。"}, headers=HTMX)
    assert typed.status_code == 200
    next_version = re.search(r'id="agenda-version-\d+" value="(\d+)" hx-swap-oob="true"', typed.get_data(as_text=True))
    more = first_form | {"discussion": "在岗职工增加6.2%。\n社保转移手续多。", "version": next_version.group(1)}
    assert first.post(post_url, data=more, headers=HTMX).status_code == 200

    late = second.post(post_url, data=second_form | {"discussion": "企业反映招工难。"}, headers=HTMX)
    assert late.status_code == 409
    assert late.headers["HX-Retarget"] == "#agenda"
    html = late.get_data(as_text=True)
    assert any("在岗职工增加6.2%。" in row and "企业反映招工难。" in row for row in conflict_rows(html))
    assert "企业反映招工难。</textarea>" in html
    db.session.expire_all()
    assert db.session.get(AgendaItem, item.id).discussion == "在岗职工增加6.2%。\n社保转移手续多。"


@pytest.mark.parametrize("version", [None, "", "abc", "9" * 5000])
def test_a_save_without_a_readable_version_overwrites_nothing(colleagues, version):
    first, _ = colleagues
    room = facilities.room("文化活动室", capacity=40)
    url = f"/facilities/rooms/{room.id}/edit"
    data = edit_form(first, url) | {"capacity": "60"}
    if version is None:
        del data["version"]
    else:
        data["version"] = version
    response = first.post(url, data=data)
    assert response.status_code == 409 and "容量（人）" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Room, room.id).capacity == 40
