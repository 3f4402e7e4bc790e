"""Keeping the enterprise register: adding, editing, deactivating and reactivating an enterprise,
each change with its audit row in the caller's unit of work. Reads stay in ``services``; the Excel
import (``imports``) plans its rows with the same checks and writes them through ``add_imported``
and ``apply_imported``.

An enterprise is never deleted: its demands, sign-ups, visits and bookings refer to it. A
deactivated one keeps all of that and leaves the pickers.
"""

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, fields, replace

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from hubapp import audit, concurrency
from hubapp.blueprints.directory import uscc
from hubapp.blueprints.directory.models import ENTERPRISE_KINDS, Enterprise, Grid
from hubapp.extensions import db
from hubapp.formatting import quoted
from hubapp.forms import MOBILE_MESSAGE, is_mobile
from hubapp.rules import Conflict, RuleError

#: The fields staff keep, in the order the form and the Excel files show them.
FIELD_LABELS = {
    "name": "企业名称",
    "uscc": "统一社会信用代码",
    "short_name": "简称",
    "kind": "企业类型",
    "grid_id": "所属网格",
    "address": "地址",
    "industry": "所属行业",
    "above_designated_size": "规上企业",
    "contact_name": "联系人",
    "contact_phone": "联系人手机",
    "notes": "备注",
}
MAX_LENGTHS = {"name": 100, "short_name": 30, "address": 200, "industry": 40, "contact_name": 40, "notes": 2000}
#: What the audit trail shows for an empty value.
EMPTY = "（空）"


@dataclass
class EnterpriseData:
    """What staff fill in for an enterprise, from the form or from a row of an Excel file."""

    name: str
    uscc: str
    kind: str
    short_name: str | None = None
    grid_id: int | None = None
    address: str | None = None
    industry: str | None = None
    above_designated_size: bool = False
    contact_name: str | None = None
    contact_phone: str | None = None
    notes: str | None = None

    @classmethod
    def of(cls, enterprise: Enterprise) -> "EnterpriseData":
        return cls(**{f.name: getattr(enterprise, f.name) for f in fields(cls)})


#: The fields in the order staff read them.
FIELDS = list(FIELD_LABELS)


def clean_text(value: str | None) -> str | None:
    """Text as typed or pasted, without the spaces, zero-width characters and line ends around it
    that copying from web pages and chat windows leaves; None when nothing is left."""
    if value is None:
        return None
    text = str(value).replace("\u200b", "").replace("\ufeff", "").strip()
    return text or None


def normalise_name(value: str | None) -> str:
    """Registered Chinese enterprise names use full-width parentheses; typing half-width ones must
    not make a second enterprise of the same name."""
    return (clean_text(value) or "").replace("(", "（").replace(")", "）")


def normalise_mobile(value: str | None) -> str | None:
    """Digits typed full-width, or grouped with spaces or dashes, as the 11 digits they are."""
    text = clean_text(value)
    if text is None:
        return None
    return "".join(unicodedata.normalize("NFKC", text).split()).replace("-", "")


def normalised(data: EnterpriseData) -> EnterpriseData:
    return replace(
        data,
        name=normalise_name(data.name),
        uscc=uscc.normalise(data.uscc or ""),
        short_name=clean_text(data.short_name),
        address=clean_text(data.address),
        industry=clean_text(data.industry),
        contact_name=clean_text(data.contact_name),
        contact_phone=normalise_mobile(data.contact_phone),
        notes=clean_text(data.notes),
        grid_id=data.grid_id or None,
    )


def problems(data: EnterpriseData) -> list[tuple[str, str]]:
    """Every rule a (normalised) record breaks on its own, as (field, Chinese message); the
    register-wide rules (unique name and code, the grid exists) are checked by the callers."""
    found = []
    if not data.name:
        found.append(("name", "请填写企业名称。"))
    problem = uscc.validation_error(data.uscc) if data.uscc else "请填写统一社会信用代码。"
    if problem:
        found.append(("uscc", problem))
    if data.kind not in ENTERPRISE_KINDS:
        found.append(("kind", f"请选择企业类型（{'、'.join(ENTERPRISE_KINDS.values())}）。"))
    for name, limit in MAX_LENGTHS.items():
        value = getattr(data, name)
        if value and len(value) > limit:
            found.append((name, f"{FIELD_LABELS[name]}不能超过{limit}个字（现为{len(value)}个）。"))
    if data.contact_phone and not is_mobile(data.contact_phone):
        found.append(("contact_phone", MOBILE_MESSAGE))
    return sorted(found, key=lambda pair: FIELDS.index(pair[0]))


def _checked(data: EnterpriseData, enterprise: Enterprise | None) -> EnterpriseData:
    data = normalised(data)
    found = problems(data)
    if found:
        raise RuleError(found[0][1], found[0][0])
    if data.grid_id and db.session.get(Grid, data.grid_id) is None:
        raise RuleError("所选网格不存在，请刷新页面后重新选择。", "grid_id")
    others = select(Enterprise).where(Enterprise.id != enterprise.id) if enterprise else select(Enterprise)
    same_code = db.session.scalar(others.where(Enterprise.uscc == data.uscc))
    if same_code is not None:
        raise RuleError(f"该统一社会信用代码已登记为{quoted(same_code.name)}{_inactive_note(same_code)}。", "uscc")
    same_name = db.session.scalar(others.where(Enterprise.name == data.name))
    if same_name is not None:
        raise RuleError(
            f"名录中已有同名企业（统一社会信用代码 {same_name.uscc}{_inactive_note(same_name)}），请核对。", "name"
        )
    return data


def _inactive_note(enterprise: Enterprise) -> str:
    return "，已停用，可重新启用" if not enterprise.active else ""


def _written(change: Callable[[], None], clash: Callable[[IntegrityError], RuleError]) -> None:
    """Make ``change`` and flush it inside a savepoint, so that a unique name or code another
    writer committed since our check becomes a rule error (``clash``) instead of a 500. A newer
    version of the record is the callers' to find first (``concurrency.claim``)."""
    try:
        with db.session.begin_nested():
            change()
            db.session.flush()
    except IntegrityError as error:
        raise clash(error) from None


def _set_active(enterprise: Enterprise, active: bool, message: str) -> None:
    """Move the enterprise into or out of the register with one conditional UPDATE from the state
    this request read, so that two people doing it at once do not both do it (the second is told
    ``message``). The version is left alone: the status is not in the edit form, and an edit
    saved after a deactivation writes only the form's fields, so the deactivation stays."""
    result = db.session.execute(
        update(Enterprise)
        .where(Enterprise.id == enterprise.id, Enterprise.active == (not active))
        .values(active=active)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.refresh(enterprise)
        raise Conflict(message)
    set_committed_value(enterprise, "active", active)


def _unique_clash(error: IntegrityError) -> RuleError:
    message = str(error.orig)
    if "uscc" in message:
        return RuleError("该统一社会信用代码刚被他人登记，请核对。", "uscc")
    if "name" in message:
        return RuleError("刚有他人登记了同名企业，请核对。", "name")
    return RuleError("保存失败：数据不符合名录的约束，请核对后重试。")


def display_value(name: str, value, grids: dict[int, Grid] | None = None) -> str:
    """A field's value as staff read it (labels for codes, 是/否, the grid's number)."""
    if name == "above_designated_size":
        return "是" if value else "否"
    if value in (None, ""):
        return EMPTY
    if name == "kind":
        return ENTERPRISE_KINDS.get(value, value)
    if name == "grid_id":
        grid = grids.get(value) if grids is not None else db.session.get(Grid, value)
        return grid.number_label if grid else f"网格#{value}"
    return str(value)


def differences(enterprise: Enterprise, data: EnterpriseData) -> list[str]:
    """The fields ``data`` would change, by name."""
    return [name for name in FIELDS if getattr(enterprise, name) != getattr(data, name)]


def change_summary(enterprise: Enterprise, data: EnterpriseData, grids: dict[int, Grid] | None = None) -> str:
    """``联系人手机：139… → 138…；地址：（空） → …`` for the audit trail."""
    return "；".join(
        f"{FIELD_LABELS[name]}：{display_value(name, getattr(enterprise, name), grids)} → "
        f"{display_value(name, getattr(data, name), grids)}"
        for name in differences(enterprise, data)
    )


def _assign(enterprise: Enterprise, data: EnterpriseData) -> None:
    for name in FIELDS:
        setattr(enterprise, name, getattr(data, name))


def create_enterprise(actor, data: EnterpriseData) -> Enterprise:
    data = _checked(data, None)
    enterprise = Enterprise(active=True, version=1)
    _assign(enterprise, data)
    _written(lambda: db.session.add(enterprise), _unique_clash)
    audit.record(audit.actor_id(actor), "enterprise.create", "enterprise", enterprise.id, None, "active",
                 name=enterprise.name, uscc=enterprise.uscc)  # fmt: skip
    return enterprise


def update_enterprise(actor, enterprise: Enterprise, data: EnterpriseData, based_on: int | None = None) -> Enterprise:
    """Save an edit made in a form drawn from version ``based_on`` (``hubapp.concurrency``): an
    edit begun before someone else's change is refused (``EditConflict``), never written over it.

    A save that leaves every field as the record has it now writes nothing, the version included
    (as ``guides.writing.update_matter``): it overwrites nobody, and raising the version would
    only make colleagues' open forms conflict over nothing."""
    data = _checked(data, enterprise)
    summary = change_summary(enterprise, data)
    if not summary:
        return enterprise
    concurrency.claim(enterprise, based_on)
    _written(lambda: _assign(enterprise, data), _unique_clash)
    audit.record(audit.actor_id(actor), "enterprise.update", "enterprise", enterprise.id, None, None, changes=summary)
    return enterprise


def deactivate(actor, enterprise: Enterprise, reason: str) -> Enterprise:
    """The enterprise has left the community (moved, deregistered…): it keeps its history and is
    no longer offered in the pickers."""
    if not enterprise.active:
        raise Conflict("该企业已停用。")
    reason = clean_text(reason)
    if not reason:
        raise RuleError("请填写停用原因，如：已迁出园区、已注销。", "reason")
    if len(reason) > 200:
        raise RuleError("停用原因不能超过200个字。", "reason")
    _set_active(enterprise, False, "该企业刚刚已被他人停用。")
    audit.record(audit.actor_id(actor), "enterprise.deactivate", "enterprise", enterprise.id, "active", "inactive",
                 reason=reason)  # fmt: skip
    return enterprise


def reactivate(actor, enterprise: Enterprise) -> Enterprise:
    if enterprise.active:
        raise Conflict("该企业已在册，无需重新启用。")
    _set_active(enterprise, True, "该企业刚刚已被他人重新启用。")
    audit.record(audit.actor_id(actor), "enterprise.reactivate", "enterprise", enterprise.id, "inactive", "active")
    return enterprise


# --- for the Excel import (``imports``), which has checked every row against the register ----


IMPORT_SOURCE = "Excel导入"


def _import_clash(error: IntegrityError) -> RuleError:
    return Conflict("导入时名录有变动（有同名或同代码的企业刚被登记），未写入任何数据，请重新查看预览。")


def add_imported(actor, rows: list[tuple[EnterpriseData, bool]], filename: str) -> list[Enterprise]:
    """New enterprises from an import, each with whether it is in the register (a file may list
    ones that have already left), written together."""
    made = []
    for data, active in rows:
        enterprise = Enterprise(active=active, version=1)
        _assign(enterprise, data)
        made.append(enterprise)
    _written(lambda: db.session.add_all(made), _import_clash)
    actor_id = audit.actor_id(actor)
    for enterprise in made:
        audit.record(actor_id, "enterprise.create", "enterprise", enterprise.id, None,
                     "active" if enterprise.active else "inactive",
                     name=enterprise.name, uscc=enterprise.uscc, source=IMPORT_SOURCE, file=filename)  # fmt: skip
    return made


@dataclass
class ImportedChange:
    """An existing enterprise as a row of an import has it, and the version the import read."""

    enterprise: Enterprise
    data: EnterpriseData
    active: bool
    based_on: int


def apply_imported(
    actor, changes: list[ImportedChange], filename: str, grids: dict[int, Grid], changed_meanwhile: str
) -> None:
    """Existing enterprises changed by an import, written together. Each one whose fields change
    is claimed from the version the import read (``concurrency.claim``, which also makes an edit
    form opened before the import conflict); each one whose status changes moves only from the
    status read. Someone else's change since the import read the register is a ``Conflict``
    (``changed_meanwhile``), raised before any of these rows is changed; the caller's unit of
    work then writes nothing of the import."""
    summaries = [change_summary(c.enterprise, c.data, grids) for c in changes]
    moves = [c.active != c.enterprise.active for c in changes]
    for item, summary, moved in zip(changes, summaries, moves, strict=True):
        if summary:
            concurrency.claim(item.enterprise, item.based_on, changed_meanwhile)
        if moved:
            _set_active(item.enterprise, item.active, changed_meanwhile)

    def change() -> None:
        for item, summary in zip(changes, summaries, strict=True):
            if summary:
                _assign(item.enterprise, item.data)

    _written(change, _import_clash)
    actor_id = audit.actor_id(actor)
    for item, summary, moved in zip(changes, summaries, moves, strict=True):
        enterprise = item.enterprise
        if summary:
            audit.record(actor_id, "enterprise.update", "enterprise", enterprise.id, None, None,
                         changes=summary, source=IMPORT_SOURCE, file=filename)  # fmt: skip
        if moved:
            before, after = ("inactive", "active") if item.active else ("active", "inactive")
            action = "enterprise.reactivate" if item.active else "enterprise.deactivate"
            audit.record(actor_id, action, "enterprise", enterprise.id, before, after, source=IMPORT_SOURCE, file=filename)
