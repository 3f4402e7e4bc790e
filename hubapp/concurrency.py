"""Edits that never silently overwrite: optimistic concurrency for records staff edit in a form.

A record that staff edit carries a ``version`` column (1 when created). Its edit form carries the
version it was drawn from in a hidden field (``Versioned``). The service, before it changes
anything, calls ``claim(record, based_on)``: one conditional ``UPDATE … SET version = version + 1
WHERE id = :id AND version = :based_on``. When someone else saved first no row matches and the
service raises ``EditConflict``; the caller's unit of work writes nothing. On PostgreSQL the
second writer's UPDATE waits for the first's row lock and then finds the version moved on; on
SQLite writers take turns (``BEGIN IMMEDIATE``).

The view answers 409 with the form as the user typed it, the version field moved to the record's
current one (a second save, after looking, is then the user's deliberate choice) and a table of
the fields where the record now differs from what they typed (``conflict_table`` and the partial
``_conflict.html``). The form also carries what each field showed when it was drawn (``drawn``):
a field the user left alone but someone else changed takes the other's value into the form, so
that saving again keeps both people's changes; only fields both changed are left to the user.

A service called without a form (demo data, commands, tests of the rules) passes
``based_on=None``: it edits the record it has just read itself, and nothing is checked.
"""

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value
from wtforms import FieldList, FileField, Form, FormField, HiddenField

from hubapp.extensions import db
from hubapp.rules import Conflict

CHANGED_MEANWHILE = (
    "您打开此页后，已有人修改并保存了这条记录。下表列出现在的内容与您填写的内容；"
    "您填写的内容仍在表单中，核对后再次保存即以您的内容为准。"
)
#: The version a form without a readable version is taken to be based on: no record has it, so
#: such a save is a conflict (shown with the table) rather than a blind overwrite.
UNKNOWN = 0


class EditConflict(Conflict):
    """Someone saved the record after the user opened the form; ``record`` is as it is now."""

    def __init__(self, record, message: str = CHANGED_MEANWHILE):
        super().__init__(message)
        self.record = record


class DrawnField(HiddenField):
    """What each field of ``source`` shows, as short digests, written when the form is rendered:
    views fill an edit form's fields after stamping it. Without a source (a refused form shown
    again) it renders what was submitted, so it goes on naming the state the user started from."""

    source: Form | None = None

    def _value(self) -> str:
        if self.source is not None:
            return json.dumps(_drawn(self.source), separators=(",", ":"))
        return super()._value()


class Versioned:
    """Mixin for an edit form: the version of the record the form was drawn from, and what its
    fields showed then."""

    version = HiddenField()
    drawn = DrawnField()


def based_on(raw: str | None) -> int:
    """The version a submitted form was drawn from, from its hidden field (``form.version.data``,
    or ``request.form["version"]`` for a button): ``UNKNOWN`` when missing or unreadable."""
    try:
        number = int((raw or "").strip())
    except ValueError:
        return UNKNOWN
    return number if 0 < number < 2**31 else UNKNOWN


def submitted(form) -> int:
    """The version the submitted ``form`` was drawn from: what the request carried, never a value
    the form took from a record (``obj=``) when the field was missing."""
    raw = form.version.raw_data
    return based_on(raw[0] if raw else None)


def stamp(form, record, drawn_from: Form | None = None) -> None:
    """Put the record's current version into the form's hidden field, and what the fields of
    ``drawn_from`` (by default the form itself, drawn from the record) show into ``drawn``."""
    form.version.data = str(record.version)
    form.version.raw_data = [str(record.version)]
    if isinstance(form._fields.get("drawn"), DrawnField):
        form.drawn.source = drawn_from or form


def claim(record, based_on: int | None, message: str = CHANGED_MEANWHILE) -> None:
    """Raise the record's version, or ``EditConflict`` when it is no longer ``based_on``.

    Call it before changing the record: it flushes what is pending, and the record is refreshed
    to its current state when the claim fails."""
    if based_on is None:
        return
    model = type(record)
    result = db.session.execute(
        update(model)
        .where(model.id == record.id, model.version == based_on)
        .values(version=based_on + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.refresh(record)
        raise EditConflict(record, message)
    set_committed_value(record, "version", based_on + 1)


@dataclass
class ConflictRow:
    label: str
    now: str
    yours: str


@dataclass
class ConflictTable:
    message: str
    rows: list[ConflictRow] = field(default_factory=list)
    #: Labels of the fields this user left alone and someone else changed: the form now shows the
    #: other's value, so that saving again keeps it.
    taken: list[str] = field(default_factory=list)


#: Fields that are not the record's content.
_NOT_CONTENT = {"csrf_token", "version", "drawn", "submit"}


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _drawn(form: Form) -> dict[str, str]:
    return {
        name: _digest(_text(form_field, form_field.data))
        for name, form_field in form._fields.items()
        if name not in _NOT_CONTENT
    }


def _submitted_drawn(form: Form) -> dict[str, str]:
    """The digests the submitted form carried; none when missing or unreadable (a form from an
    older page, a script): then every difference is left to the user, as before."""
    raw = form.drawn.raw_data if "drawn" in form._fields else None
    try:
        found = json.loads(raw[0]) if raw else {}
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def _takes_a_value(form_field) -> bool:
    """A field whose value can be copied from another form's: not rows, sub-forms or uploads."""
    return not isinstance(form_field, FieldList | FormField | FileField)


def _take(form_field, source) -> None:
    form_field.data = source.data
    form_field.raw_data = []


def _text(form_field, value) -> str:
    """A field's value as the user reads it: a choice's label, 是/否, rows one per line."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    choices = getattr(form_field, "choices", None)
    if choices and not isinstance(value, list | tuple):
        for choice in choices:
            code, label = (choice.value, choice.label) if hasattr(choice, "value") else choice[:2]
            if str(code) == str(value):
                return str(label)
    if isinstance(value, list | tuple):
        lines = []
        for row in value:
            if isinstance(row, Mapping):
                parts = [str(v) for v in row.values() if v not in (None, "") and not isinstance(v, bool)]
                lines.append(" / ".join(parts))
            else:
                lines.append(_text(form_field, row))
        return "\n".join(line for line in lines if line) or "（空）"
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, date | time):
        return value.isoformat(timespec="minutes") if isinstance(value, time) else value.isoformat()
    return str(value)


def conflict_table(error: EditConflict, yours: Form, now: Form) -> ConflictTable:
    """The fields that both the user (``yours``) and someone else (the record, drawn into ``now``,
    a form of the same class) changed, differently. A field only the other changed takes the
    record's value; one only the user changed is theirs. Without the digests of what the form
    showed when drawn, every difference is listed. ``yours`` is moved to the record's current
    version and to what it now shows."""
    drawn = _submitted_drawn(yours)
    table = ConflictTable(error.message)
    for name, typed in yours._fields.items():
        if name in _NOT_CONTENT or name not in now._fields:
            continue
        current, mine = _text(now[name], now[name].data), _text(typed, typed.data)
        if current == mine or drawn.get(name) == _digest(current):
            continue  # no difference, or only this user's own change
        if drawn.get(name) == _digest(mine) and _takes_a_value(typed):
            _take(typed, now[name])
            table.taken.append(str(typed.label.text))
        else:
            table.rows.append(ConflictRow(str(typed.label.text), current, mine))
    stamp(yours, error.record, drawn_from=now)
    return table


def table_for(outcome, yours: Form, now: Callable[[], Form]) -> ConflictTable | None:
    """The conflict table when ``outcome`` (``hubapp.actions``) lost to someone's earlier save,
    else None; ``now`` draws the same form from the record as it is saved now."""
    if not isinstance(outcome.error, EditConflict):
        return None
    return conflict_table(outcome.error, yours, now())
