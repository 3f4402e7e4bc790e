"""The audit log an administrator reads: every value in Chinese, who acted by name, a link to the
object changed, a date range, and the same rows as an Excel file."""

import io
from datetime import datetime, timedelta

import openpyxl
from factories.facilities import booking as book
from factories.facilities import room as make_room
from sqlalchemy import update

from hubapp import audit, clock
from hubapp.audit import AuditEntry
from hubapp.blueprints.auth import audit_log
from hubapp.blueprints.facilities import bookings
from hubapp.database import atomic
from hubapp.extensions import db


def cancelled_booking(users):
    room = make_room("文化活动室")
    booking = book(room, clock.today() + timedelta(days=3), title="书法兴趣课")
    with atomic():
        bookings.cancel_booking(users["staff"], booking, "讲师出差")
    return booking


def test_a_row_reads_in_chinese_with_the_actor_by_name_and_a_link_to_the_object(auth, client, users):
    booking = cancelled_booking(users)
    auth.login("admin")
    page = client.get("/admin/audit", query_string={"object_type": "booking", "action": "取消"}).get_data(as_text=True)
    assert "工作人员乙（staff）" in page
    assert f'<a href="/facilities/bookings/{booking.id}">场地预约 #{booking.id} 书法兴趣课</a>' in page
    assert "已确认 → 已取消" in page and "原因：讲师出差" in page
    created = client.get("/admin/audit", query_string={"object_type": "booking", "action": "新建"}).get_data(as_text=True)
    assert "来源：工作人员预约" in created and "标题：书法兴趣课" in created
    accounts = client.get("/admin/audit", query_string={"object_type": "user", "action": "新建"}).get_data(as_text=True)
    assert "用户名：staff" in accounts, "a user name is not taken for a role code"
    assert f'<a href="/admin/users/{users["staff"].id}">用户 #{users["staff"].id} staff</a>' in accounts
    for raw in ("None", "False", "True", "booking.cancelled", "{'"):
        assert raw not in page.split("<tbody>")[1], raw


def test_values_are_put_into_words():
    assert audit_log.value_text(None) == "—"
    assert (audit_log.value_text(True), audit_log.value_text(False)) == ("是", "否")
    assert audit_log.value_text(["2026-03-08", "2026-03-15"]) == "2026年3月8日、2026年3月15日"
    assert audit_log.value_text("2026-03-08T14:30:00") == "2026年3月8日 14:30"
    assert audit_log.value_text({"reason": "改期", "note": None}) == "原因：改期；说明：—"


def test_a_change_made_by_a_visitor_names_no_user(app):
    entry = AuditEntry(actor_id=None, action="registration.create", object_type="registration", object_id="1")
    assert audit_log.actor_name(entry, {}) == "系统或公众"


def test_the_date_range_keeps_the_days_asked_for(auth, client, users):
    cancelled_booking(users)
    long_ago = datetime(2025, 1, 10, 9, 30)
    with atomic():
        db.session.execute(update(AuditEntry).where(AuditEntry.action == "booking.create").values(at=long_ago))
    auth.login("admin")
    january = client.get("/admin/audit", query_string={"since": "2025-01-10", "until": "2025-01-10"}).get_data(as_text=True)
    assert "2025-01-10 09:30:00" in january and "取消" not in january.split("<tbody>")[1]
    later = client.get("/admin/audit", query_string={"since": "2025-01-11"}).get_data(as_text=True)
    assert "2025-01-10 09:30:00" not in later and "已确认 → 已取消" in later
    assert 'href="/admin/audit.xlsx?since=2025-01-11"' in later


def test_a_date_that_is_not_a_date_is_a_400_in_chinese(auth, client, users):
    auth.login("admin")
    response = client.get("/admin/audit", query_string={"since": "yesterday"})
    assert response.status_code == 400 and "日期格式" in response.get_data(as_text=True)


def test_the_export_holds_the_filtered_rows_in_chinese(auth, client, users):
    booking = cancelled_booking(users)
    with atomic():
        audit.record(users["admin"].id, "booking.edit", "booking", booking.id, note="=HYPERLINK(\"http://x\")")
    auth.login("admin")
    response = client.get("/admin/audit.xlsx", query_string={"object_type": "booking", "action": "取消"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("时间", "操作人", "操作", "对象", "变更", "说明")
    assert len(rows) == 2
    assert rows[1][1:5] == ("工作人员乙（staff）", audit.action_label("booking.cancelled"), f"场地预约 #{booking.id} 书法兴趣课", "已确认 → 已取消")
    assert isinstance(rows[1][0], datetime) and rows[1][5] == "原因：讲师出差"
    everything = openpyxl.load_workbook(io.BytesIO(client.get("/admin/audit.xlsx").data)).active
    typed = [cell for row in everything.iter_rows() for cell in row if "HYPERLINK" in str(cell.value)]
    assert typed and all(cell.data_type == "s" for cell in typed), "text stays text, not a formula"


def test_staff_cannot_read_or_export_the_log(auth, client, users):
    auth.login("staff")
    assert client.get("/admin/audit").status_code == 403
    assert client.get("/admin/audit.xlsx").status_code == 403


def test_a_detail_key_reads_as_its_own_record_type_names_it():
    """Two domains label "partner" differently: each row reads with its own type's label, and a
    domain registered later does not relabel the rows of another."""
    assert audit.detail_label("partner", "coop_project") == "合作单位"
    assert audit.detail_label("partner", "demand") == "对接院校或机构"
    assert audit.detail_label("title", "booking") == "标题"
