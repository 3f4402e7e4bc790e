"""Importing the register from Excel, in two steps that may reach different hosts.

1. ``store_upload``: the file's bytes are kept in the database (``EnterpriseImport``) under an
   unguessable token, for their owner, for a day. Nothing is written to the register.
2. ``plan`` reads the file again and sets each row against the register as it is now: a row to
   add, one that updates the enterprise with its credit code, one that changes nothing, or one
   with errors, each error naming its row and column. The preview shows the plan and its digest.
3. ``confirm`` plans again inside the caller's unit of work and writes it only if the digest is
   still the one the preview showed: a colleague's change since then makes the plan differ and is
   refused (``Conflict``) with the new preview, never written over. The rows are written together
   or not at all, each new or changed enterprise with its audit row.
"""

import hashlib
import json
import re
import secrets
import unicodedata
from dataclasses import asdict, dataclass, field, replace
from datetime import timedelta
from pathlib import PurePath

from sqlalchemy import delete, select

from hubapp import audit, clock
from hubapp.blueprints.directory import register, sheet, uscc
from hubapp.blueprints.directory.layout import BY_KEY, KIND_WORDS, NO_WORDS, STATUS_WORDS, YES_WORDS
from hubapp.blueprints.directory.models import ENTERPRISE_KINDS, Enterprise, EnterpriseImport, Grid
from hubapp.blueprints.directory.register import FIELD_LABELS, FIELDS, EnterpriseData
from hubapp.extensions import db
from hubapp.formatting import quoted
from hubapp.rules import Conflict, RuleError

#: How long an upload waits for its confirmation.
KEEP_FOR = timedelta(hours=24)
ADD, UPDATE, UNCHANGED, ERROR = "add", "update", "unchanged", "error"
CHINESE_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")}
GRID_TEXT = re.compile(r"^第?([0-9]+|[零一二三四五六七八九十]+)号?(?:网格)?(?:[:：(（].*)?$")
STALE = "预览之后企业名录有了变动（可能有同事刚修改或新增了企业），以下是按当前名录重新生成的预览，请核对后再确认。"


@dataclass
class PlannedRow:
    number: int
    action: str
    name: str
    uscc: str
    problems: list[str] = field(default_factory=list)
    data: EnterpriseData | None = None
    active: bool = True
    #: The enterprise an update changes, and its version as this plan read it.
    enterprise: Enterprise | None = None
    version: int | None = None
    #: (column, before, after) as staff read them.
    changes: list[tuple[str, str, str]] = field(default_factory=list)

    def fingerprint(self) -> list:
        return [
            self.number, self.action, self.enterprise.id if self.enterprise else None, self.problems, self.changes,
            asdict(self.data) if self.action == ADD and self.data else None, self.active,
        ]  # fmt: skip


@dataclass
class Plan:
    reading: sheet.Reading
    rows: list[PlannedRow]
    grids: dict[int, Grid]

    def of(self, action: str) -> list[PlannedRow]:
        return [row for row in self.rows if row.action == action]

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys((ADD, UPDATE, UNCHANGED, ERROR), 0)
        for row in self.rows:
            counts[row.action] += 1
        return counts

    @property
    def digest(self) -> str:
        """What the preview showed, so that the confirmation can tell whether it still holds."""
        text = json.dumps([row.fingerprint() for row in self.rows], ensure_ascii=False, default=str)
        return hashlib.sha256(text.encode()).hexdigest()


# --- reading one row ---------------------------------------------------------------------------


def _chinese_number(text: str) -> int | None:
    """一 … 九十九, as grids are sometimes written (第十二网格)."""
    if text.isascii() and text.isdigit():
        return int(text)
    if "十" not in text:
        return CHINESE_DIGITS.get(text) if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1:
        return None
    return (CHINESE_DIGITS.get(tens, 0) if tens else 1) * 10 + (CHINESE_DIGITS.get(ones, 0) if ones else 0)


def _grid_id(text: str, grids: dict[int, Grid]) -> int:
    """The grid ``text`` names: 第1网格, 1, 1号网格, 第十二网格, or its full name."""
    compact = "".join(unicodedata.normalize("NFKC", text).split())
    for grid in grids.values():
        if compact in ("".join(grid.name.split()), grid.number_label, "".join(grid.label.split())):
            return grid.id
    match = GRID_TEXT.match(compact)
    number = _chinese_number(match.group(1)) if match else None
    found = next((g for g in grids.values() if g.number == number), None) if number is not None else None
    if found is None:
        raise ValueError
    return found.id


def _word(text: str, words: dict, what: str):
    key = unicodedata.normalize("NFKC", text).upper().replace(" ", "")
    for word, value in words.items():
        if unicodedata.normalize("NFKC", word).upper() == key:
            return value
    raise ValueError(what)


def _field_value(key: str, raw, grids: dict[int, Grid]):
    """A cell's text as the field's value; ValueError with what is allowed when it is none."""
    text = register.clean_text(raw)
    if key == "above_designated_size":
        if text is None:
            return False
        if text.upper() in {w.upper() for w in YES_WORDS}:
            return True
        if text.upper() in {w.upper() for w in NO_WORDS}:
            return False
        raise ValueError("请填写“是”或“否”")
    if key == "kind":
        if text is None:
            raise ValueError("请填写企业类型：" + "、".join(ENTERPRISE_KINDS.values()))
        return _word(text, KIND_WORDS, "应为：" + "、".join(ENTERPRISE_KINDS.values()))
    if key == "grid_id":
        if text is None:
            return None
        if not grids:
            raise ValueError(f"系统中还没有网格，请先添加网格，或将此列留空（现为{quoted(text)}）")
        try:
            return _grid_id(text, grids)
        except ValueError:
            known = sorted(grids.values(), key=lambda g: g.number)
            listed = "、".join(g.label for g in known) if len(known) <= 6 else f"{known[0].label}至{known[-1].label}"
            raise ValueError(f"系统中没有{quoted(text)}这个网格（现有：{listed}，见“填写说明”表）；新网格请先添加") from None
    return text


def _problem(number: int, key: str, message: str, typed: str | None) -> str:
    """``第5行“企业类型”：应为……（现为“总部”）。``"""
    shown = f"（现为{quoted(typed)}）" if typed and quoted(typed) not in message else ""
    return f"第{number}行“{BY_KEY[key].header}”：{message}{shown}。"


def _row_plan(row: sheet.Row, keys: list[str], register_rows: dict[str, Enterprise], grids) -> PlannedRow:
    values = row.values
    code = uscc.normalise(str(values.get("uscc") or ""))
    existing = register_rows.get(code)
    planned = PlannedRow(row.number, ERROR, register.normalise_name(values.get("name")), code, list(row.problems))
    if existing is not None:
        planned.enterprise, planned.version = existing, existing.version
    base = EnterpriseData.of(existing) if existing else EnterpriseData(name="", uscc="", kind="")
    chosen: dict[str, object] = {}
    failed: set[str] = set()
    for key in FIELDS:
        if key not in keys:
            if key == "kind" and existing is None:
                failed.add(key)
                planned.problems.append(f"第{row.number}行“企业类型”：新增企业须填写企业类型，文件中没有这一列，请使用导入模板。")
            continue
        if key in row.unreadable:
            failed.add(key)
            continue
        try:
            chosen[key] = _field_value(key, values.get(key), grids)
        except ValueError as error:
            failed.add(key)
            planned.problems.append(_problem(row.number, key, str(error), register.clean_text(values.get(key))))
    data = register.normalised(EnterpriseData(**(asdict(base) | chosen)))
    if existing is not None:
        # A value written before today's cleaning rules (a dash in a phone number, half-width
        # brackets in a name) and exported as it is, comes back cleaned: that is not an edit.
        as_cleaned = register.normalised(base)
        data = replace(data, **{k: getattr(base, k) for k in FIELDS if getattr(data, k) == getattr(as_cleaned, k)})
    for key, message in register.problems(data):
        # A value the file leaves as the register has it is not this import's to refuse (an old
        # landline in the mobile column, say): only what it adds or changes is held to the rules.
        if key not in failed and (existing is None or getattr(existing, key) != getattr(data, key)):
            planned.problems.append(f"第{row.number}行“{FIELD_LABELS[key]}”：{message}")
    planned.active = existing.active if existing else True
    if "status" in keys and values.get("status") is not None and register.clean_text(values.get("status")):
        try:
            planned.active = _word(register.clean_text(values["status"]), STATUS_WORDS, "")
        except ValueError:
            planned.problems.append(_problem(row.number, "status", "应为“在册”或“已停用”", register.clean_text(values["status"])))
    planned.data = data
    return planned


# --- the plan --------------------------------------------------------------------------------


def _mark_duplicates(rows: list[PlannedRow]) -> None:
    """Two rows of one file for the same code or the same name: neither is taken, since which
    one is right cannot be told."""
    for attribute, label in (("uscc", "统一社会信用代码"), ("name", "企业名称")):
        first_row: dict[str, PlannedRow] = {}
        for row in rows:
            value = getattr(row, attribute)
            if not value:
                continue
            if value in first_row:
                earlier = first_row[value]
                row.problems.append(f"第{row.number}行{quoted(label)}：与第{earlier.number}行重复（{value}），同一家企业只能出现一次。")
                note = f"第{earlier.number}行{quoted(label)}：与第{row.number}行重复（{value}），同一家企业只能出现一次。"
                if note not in earlier.problems:
                    earlier.problems.append(note)
            else:
                first_row[value] = row


def _mark_register_clashes(rows: list[PlannedRow], by_name: dict[str, Enterprise]) -> None:
    for row in rows:
        holder = by_name.get(row.data.name) if row.data else None
        if holder is None or holder is row.enterprise:
            continue
        state = "，已停用" if not holder.active else ""
        row.problems.append(
            f"第{row.number}行“企业名称”：名录中已有同名企业{quoted(holder.name)}（统一社会信用代码 {holder.uscc}{state}）；"
            "如为同一家企业，请核对统一社会信用代码。"
        )


def _describe(row: PlannedRow, grids: dict[int, Grid]) -> None:
    enterprise, data = row.enterprise, row.data
    row.changes = [
        (FIELD_LABELS[name], register.display_value(name, getattr(enterprise, name), grids),
         register.display_value(name, getattr(data, name), grids))
        for name in register.differences(enterprise, data)
    ]  # fmt: skip
    if row.active != enterprise.active:
        row.changes.append(("状态", enterprise.status_label, "在册" if row.active else "已停用"))


def plan(data: bytes) -> Plan:
    """The file's rows set against the register as it is now; ``sheet.SheetProblem`` when the
    file holds no register."""
    reading = sheet.read(data)
    grids = {grid.id: grid for grid in db.session.scalars(select(Grid))}
    enterprises = list(db.session.scalars(select(Enterprise)))
    by_code = {e.uscc: e for e in enterprises}
    by_name = {e.name: e for e in enterprises}
    rows = [_row_plan(row, reading.keys, by_code, grids) for row in reading.rows]
    _mark_duplicates(rows)
    _mark_register_clashes(rows, by_name)
    for row in rows:
        if row.problems:
            row.action = ERROR
        elif row.enterprise is None:
            row.action = ADD
        else:
            _describe(row, grids)
            row.action = UPDATE if row.changes else UNCHANGED
    return Plan(reading, rows, grids)


# --- uploads ---------------------------------------------------------------------------------


def _filename(name: str | None) -> str:
    """The uploaded file's own name, without the folders some browsers send with it."""
    base = PurePath((name or "").replace("\\", "/")).name.strip()
    return (base or "企业名录.xlsx")[:200]


def store_upload(actor, filename: str | None, data: bytes) -> EnterpriseImport:
    """Keep an uploaded file for its preview, once it is known to hold a register sheet. Uploads
    left unconfirmed past their day are removed here, by whoever uploads next."""
    try:
        sheet.check(data)
    except sheet.SheetProblem as problem:
        raise RuleError(str(problem), "file") from None
    now = clock.now()
    db.session.execute(delete(EnterpriseImport).where(EnterpriseImport.expires_at < now))
    upload = EnterpriseImport(
        token=secrets.token_urlsafe(32), owner_id=actor.id, filename=_filename(filename), content=data,
        created_at=now, expires_at=now + KEEP_FOR,
    )  # fmt: skip
    db.session.add(upload)
    db.session.flush()
    return upload


def find_upload(actor, token: str) -> EnterpriseImport | None:
    """The actor's own upload under ``token``, while it waits; nobody else's."""
    return db.session.scalar(
        select(EnterpriseImport).where(
            EnterpriseImport.token == token,
            EnterpriseImport.owner_id == actor.id,
            EnterpriseImport.expires_at >= clock.now(),
        )
    )


def discard(actor, upload: EnterpriseImport) -> None:
    db.session.delete(upload)
    db.session.flush()


@dataclass
class Outcome:
    added: int
    updated: int
    skipped: int


def confirm(actor, upload: EnterpriseImport, digest: str, skip_errors: bool) -> Outcome:
    """Write the plan the preview showed (``digest``), or nothing. Rows with errors are left out
    only when staff said so (``skip_errors``)."""
    taken = db.session.execute(
        delete(EnterpriseImport).where(EnterpriseImport.id == upload.id).execution_options(synchronize_session=False)
    ).rowcount
    if not taken:
        raise Conflict("该导入已经确认或取消过了。")
    try:
        current = plan(upload.content)
    except sheet.SheetProblem as problem:
        raise RuleError(str(problem)) from None
    if current.digest != digest:
        raise Conflict(STALE)
    errors = current.of(ERROR)
    if errors and not skip_errors:
        raise RuleError(f"文件中有{len(errors)}行错误。请勾选“跳过有错误的行”后确认，或在 Excel 中改正后重新上传。", "skip_errors")
    additions = current.of(ADD)
    made = register.add_imported(actor, [(row.data, row.active) for row in additions], upload.filename)
    updates = current.of(UPDATE)
    register.apply_imported(
        actor, [register.ImportedChange(row.enterprise, row.data, row.active, row.version) for row in updates],
        upload.filename, current.grids, STALE,
    )  # fmt: skip
    audit.record(audit.actor_id(actor), "enterprise_import.confirm", "enterprise_import", upload.id, None, None,
                 file=upload.filename, added=len(made), updated=len(updates), skipped_rows=len(errors))  # fmt: skip
    return Outcome(added=len(made), updated=len(updates), skipped=len(errors))
