"""The audit trail: who changed what, when, from which state to which.

Every state change in a service calls ``record`` inside the same transaction as the change, so
that a change and its audit row are committed together or not at all. Users are known by id
only, so that ``auth`` can audit its own changes without an import circle.
"""

import json
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, Integer, String, Text, inspect, select
from sqlalchemy.orm import Mapped, mapped_column

from hubapp import clock
from hubapp.extensions import db


class AuditEntry(db.Model):
    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    #: The user who made the change; None for the system (cron, public visitors).
    actor_id: Mapped[int | None] = mapped_column(Integer, index=True)
    #: A short English verb, e.g. "booking.confirmed"; the log page shows its label from ``describe``.
    action: Mapped[str] = mapped_column(String(60), index=True)
    object_type: Mapped[str] = mapped_column(String(40), index=True)
    object_id: Mapped[str] = mapped_column(String(40), index=True)
    #: A state code, or a short description of what changed ("2026-12-07 14:00 会议室 名额30", a theme).
    from_state: Mapped[str | None] = mapped_column(Text)
    to_state: Mapped[str | None] = mapped_column(Text)
    #: JSON with whatever else explains the change (a reason, changed fields).
    detail: Mapped[str | None] = mapped_column(Text)

    @property
    def detail_dict(self) -> dict[str, Any]:
        return json.loads(self.detail) if self.detail else {}


#: What the log page shows instead of codes, registered by each domain with ``describe``, so that
#: a row reads "预约 #12 · 审核通过 · 待审核 → 已确认", not "booking #12 booking.confirmed pending →
#: confirmed". States per type, because the same code means different things ("approved" minutes
#: are 已审定, an "approved" loan is 审批通过).
OBJECT_NAMES: dict[str, str] = {}
ACTION_LABELS: dict[str, str] = {}
STATE_LABELS: dict[tuple[str, str], str] = {}
#: The keys of ``detail`` that several domains use; a domain adds its own through ``describe``.
DETAIL_LABELS: dict[str, str] = {
    "reason": "原因",
    "note": "说明",
    "title": "标题",
    "name": "名称",
    "version": "版本",
    "number": "编号",
    "changed": "修改项",
    "record": "删除前的完整记录",
}


#: A domain's own label of a detail key, by (object type, key): the same key means different
#: things to different records ("partner" of a demand's outcome is 对接院校或机构, of a cooperation
#: project 合作单位), and a domain registered later must not relabel another's rows.
OWN_DETAIL_LABELS: dict[tuple[str, str], str] = {}


#: Codes written as a detail's value ("source": "public"), by detail key: what the log shows.
VALUE_LABELS: dict[tuple[str, str], str] = {}


def describe(
    object_type: str,
    name: str,
    *,
    states: dict[str, str] | None = None,
    actions: dict[str, str] | None = None,
    details: dict[str, str] | None = None,
    values: dict[str, dict[str, str]] | None = None,
) -> None:
    """Give an object type, its states, its actions, its detail keys and the codes some of those
    keys hold their Chinese labels."""
    OBJECT_NAMES[object_type] = name
    STATE_LABELS.update({(object_type, str(code)): label for code, label in (states or {}).items()})
    ACTION_LABELS.update(actions or {})
    for key, label in (details or {}).items():
        OWN_DETAIL_LABELS[(object_type, key)] = label
        DETAIL_LABELS.setdefault(key, label)
    for key, labels in (values or {}).items():
        VALUE_LABELS.update({(key, code): label for code, label in labels.items()})


def value_label(key: str, code: str) -> str:
    return VALUE_LABELS.get((key, code), code)


def object_name(object_type: str) -> str:
    return OBJECT_NAMES.get(object_type, object_type)


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


def actions_labelled(text: str) -> list[str]:
    """The action codes whose Chinese label contains ``text``, so the log can be searched in Chinese."""
    return [code for code, label in ACTION_LABELS.items() if text in label]


def detail_label(key: str, object_type: str | None = None) -> str:
    """The label of a detail key: the record type's own if it gave one, else the shared one."""
    return OWN_DETAIL_LABELS.get((object_type, key)) or DETAIL_LABELS.get(key, key)


def state_label(code: str | None, object_type: str) -> str:
    if code is None:
        return "—"
    return STATE_LABELS.get((object_type, code), code)


def actor_id(actor: Any) -> int | None:
    """The id of the acting user, None for the system and for visitors without an account."""
    if isinstance(actor, int):
        raise TypeError("services take the acting User, not its id")
    return getattr(actor, "id", None) if actor is not None else None


def snapshot(item: Any, **children: list) -> dict[str, Any]:
    """Every column of ``item`` (and of the rows in ``children``, by name): what the audit keeps
    of a record that is deleted, so that a deletion can be read back, and undone by hand."""
    kept = {column.key: getattr(item, column.key) for column in inspect(item).mapper.column_attrs}
    for name, rows in children.items():
        kept[name] = [snapshot(row) for row in rows]
    return kept


def record(
    actor_id: int | None,
    action: str,
    object_type: str,
    object_id: Any,
    from_state: str | None = None,
    to_state: str | None = None,
    **detail: Any,
) -> AuditEntry:
    entry = AuditEntry(
        at=clock.now(),
        actor_id=actor_id,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        from_state=from_state,
        to_state=to_state,
        detail=json.dumps(detail, ensure_ascii=False, default=str) if detail else None,
    )
    db.session.add(entry)
    return entry


def entries_for(object_type: str, object_id: Any) -> list[AuditEntry]:
    stmt = (
        select(AuditEntry)
        .where(AuditEntry.object_type == object_type, AuditEntry.object_id == str(object_id))
        .order_by(AuditEntry.at, AuditEntry.id)
    )
    return list(db.session.scalars(stmt))
