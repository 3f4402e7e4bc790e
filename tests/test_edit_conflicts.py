"""Edits that never silently overwrite (hubapp/concurrency.py): two people open the same edit
form, both save; the second gets 409, a table of what the record says now beside what they typed,
and their text still in the form; the first one's change stays."""

import re

import pytest
from conftest import AuthActions
from factories import guides
from test_guides_pages import form_fields as guide_fields

from hubapp.blueprints.guides import reading
from hubapp.extensions import db


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
