"""The audit log as staff read it (/admin/audit) and export it: filters, Chinese for every value,
the acting users by name, and a link to each object that has a page of its own.

The log only reads ``audit_entry`` and ``app_user``; a domain's objects are reached by the address
of their page, never by their tables.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from flask import url_for
from openpyxl import Workbook
from sqlalchemy import Select, or_, select

from hubapp import audit
from hubapp.audit import AuditEntry
from hubapp.blueprints.auth import services
from hubapp.blueprints.auth.models import User
from hubapp.extensions import db
from hubapp.spreadsheets import workbook_bytes

#: The staff page of each object type whose page takes the object's id: endpoint and argument.
OBJECT_PAGES: dict[str, tuple[str, str]] = {
    "booking": ("facilities.booking", "booking_id"),
    "booking_series": ("facilities.series", "series_id"),
    "room": ("facilities.edit_room", "room_id"),
    "session": ("sessions.detail", "session_id"),
    "meeting": ("meetings.detail", "meeting_id"),
    "demand": ("demands.detail", "demand_id"),
    "enterprise": ("directory.enterprise", "enterprise_id"),
    "department": ("directory.department", "department_id"),
    "grid": ("directory.grid", "grid_id"),
    "party_activity": ("party.activity", "activity_id"),
    "user": ("auth.edit_user", "user_id"),
}
#: Detail keys that hold the id of another object, and that object's type: shown as a link too.
DETAIL_OBJECTS = {"session": "session", "meeting": "meeting", "booking": "booking", "room": "room"}
#: The most rows one export holds; the page asks for a narrower filter beyond it.
EXPORT_LIMIT = 20000
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?$")


@dataclass
class LogFilters:
    object_type: str = ""
    object_id: str = ""
    action: str = ""
    actor: str = ""
    since: date | None = None
    until: date | None = None

    def query(self) -> Select:
        stmt = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        if self.object_type:
            stmt = stmt.where(AuditEntry.object_type == self.object_type)
        if self.action:
            labelled = audit.actions_labelled(self.action)
            stmt = stmt.where(or_(AuditEntry.action.contains(self.action), AuditEntry.action.in_(labelled)))
        if self.object_id:
            stmt = stmt.where(AuditEntry.object_id == self.object_id)
        if self.actor:
            actor = services.find_by_username(self.actor)
            stmt = stmt.where(AuditEntry.actor_id == (actor.id if actor else -1))
        if self.since:
            stmt = stmt.where(AuditEntry.at >= datetime.combine(self.since, time()))
        if self.until:
            stmt = stmt.where(AuditEntry.at < datetime.combine(self.until + timedelta(days=1), time()))
        return stmt

    def args(self) -> dict[str, str]:
        """The filters as query arguments, for the export link that follows them."""
        values = {**self.__dict__, "since": self.since.isoformat() if self.since else "",
                  "until": self.until.isoformat() if self.until else ""}  # fmt: skip
        return {key: value for key, value in values.items() if value}


def actors_of(entries: list[AuditEntry]) -> dict[int, User]:
    ids = {entry.actor_id for entry in entries if entry.actor_id}
    return {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}


def actor_name(entry: AuditEntry, actors: dict[int, User]) -> str:
    if entry.actor_id is None:
        return "系统或公众"
    user = actors.get(entry.actor_id)
    return f"{user.display_name}（{user.username}）" if user else f"已删除的用户（编号{entry.actor_id}）"


def object_url(object_type: str, object_id: Any) -> str | None:
    page = OBJECT_PAGES.get(object_type)
    if page is None or not str(object_id).isdigit():
        return None
    endpoint, argument = page
    return url_for(endpoint, **{argument: int(object_id)})


def _written_name(entry: AuditEntry) -> str | None:
    detail = entry.detail_dict
    name = detail.get("title") or detail.get("name") or detail.get("username")
    return name if isinstance(name, str) and name else None


def names_of(entries: list[AuditEntry]) -> dict[tuple[str, str], str]:
    """Each object's name as the latest change that wrote one down (its creation, a rename), so
    that a cancellation reads "场地预约 #12 书法课" though it only wrote a reason."""
    if not entries:
        return {}
    wanted = {(entry.object_type, entry.object_id) for entry in entries}
    stmt = (
        select(AuditEntry)
        .where(AuditEntry.object_type.in_({t for t, _ in wanted}), AuditEntry.object_id.in_({i for _, i in wanted}))
        .order_by(AuditEntry.at, AuditEntry.id)
    )
    names = {}
    for entry in db.session.scalars(stmt):
        name = _written_name(entry)
        if name and (entry.object_type, entry.object_id) in wanted:
            names[(entry.object_type, entry.object_id)] = name
    return names


def object_title(entry: AuditEntry, names: dict[tuple[str, str], str]) -> str:
    label = f"{audit.object_name(entry.object_type)} #{entry.object_id}"
    name = names.get((entry.object_type, entry.object_id)) or _written_name(entry)
    return f"{label} {name}" if name else label


def value_text(value: Any) -> str:
    """A detail value in words: 是/否 for flags, — for nothing, dates in Chinese, lists joined,
    nested records as 标签：值."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(value_text(item) for item in value)
    if isinstance(value, dict):
        return "；".join(f"{audit.detail_label(key)}：{value_text(item)}" for key, item in value.items())
    text = str(value)
    if ISO_DAY.match(text):
        day = date.fromisoformat(text)
        return f"{day.year}年{day.month}月{day.day}日"
    if ISO_MOMENT.match(text):
        moment = datetime.fromisoformat(text)
        return f"{moment.year}年{moment.month}月{moment.day}日 {moment:%H:%M}"
    return text


@dataclass
class DetailItem:
    key: str
    label: str
    text: str
    url: str | None = None


def detail_items(entry: AuditEntry) -> list[DetailItem]:
    items = []
    for key, value in entry.detail_dict.items():
        linked = DETAIL_OBJECTS.get(key)
        url = object_url(linked, value) if linked and not isinstance(value, bool) else None
        if url:
            text = f"{audit.object_name(linked)} #{value}"
        elif isinstance(value, str) and audit.value_label(key, value) != value:
            text = audit.value_label(key, value)
        else:
            text = value_text(value)
        items.append(DetailItem(key, audit.detail_label(key, entry.object_type), text, url))
    return items


def change_text(entry: AuditEntry) -> str:
    if not (entry.from_state or entry.to_state):
        return ""
    return f"{audit.state_label(entry.from_state, entry.object_type)} → {audit.state_label(entry.to_state, entry.object_type)}"


HEADERS = ["时间", "操作人", "操作", "对象", "变更", "说明"]


def export(filters: LogFilters) -> bytes:
    entries = list(db.session.scalars(filters.query().limit(EXPORT_LIMIT)))
    actors, names = actors_of(entries), names_of(entries)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "操作日志"
    sheet.append(HEADERS)
    for entry in entries:
        sheet.append([
            entry.at, actor_name(entry, actors), audit.action_label(entry.action), object_title(entry, names), change_text(entry),
            "；".join(f"{item.label}：{item.text}" for item in detail_items(entry)),
        ])  # fmt: skip
        sheet.cell(sheet.max_row, 1).number_format = "yyyy-mm-dd hh:mm:ss"
    for column, width in zip("ABCDEF", (20, 22, 18, 30, 20, 60), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    return workbook_bytes(workbook)
