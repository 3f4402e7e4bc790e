"""实习实训 placements from a partner's Excel list (the school sends one per batch): each row an
enterprise, a period and a number of students. Every row is checked before any is written, and a
row already imported (same partner, enterprise, period and number) is skipped, so importing the
same list twice counts its person-times once."""

import io
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

from openpyxl import load_workbook
from sqlalchemy import select

from hubapp import audit
from hubapp.blueprints.cooperation import services
from hubapp.blueprints.cooperation.models import Partner, Placement
from hubapp.blueprints.directory import services as directory
from hubapp.extensions import db
from hubapp.formatting import quoted
from hubapp.rules import RuleError

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
#: Rows above the header a partner's list may have (a title, a date).
HEADER_SCAN_ROWS = 10
#: The headers each column goes by in the lists schools send.
HEADERS = {
    "enterprise": ("企业名称", "实习单位", "实训单位", "企业", "单位名称"),
    "start_on": ("开始日期", "开始时间", "起始日期"),
    "end_on": ("结束日期", "结束时间", "截止日期"),
    "students": ("人数", "学生人数", "实习人数", "人次"),
}
LABELS = {"enterprise": "企业名称", "start_on": "开始日期", "end_on": "结束日期", "students": "人数"}
#: Problems listed at most; the rest are counted.
SHOWN_PROBLEMS = 10


@dataclass
class Result:
    added: int = 0
    person_times: int = 0
    skipped: int = 0
    problems: list[str] = field(default_factory=list)


def _key(text) -> str:
    return "".join(unicodedata.normalize("NFKC", str(text or "")).split())


def _workbook(data: bytes):
    if not data:
        raise RuleError("请选择实习实训名单（Excel 文件）。", "file")
    if len(data) > MAX_BYTES:
        raise RuleError(f"文件超过{MAX_BYTES // 1024 // 1024}MB，请分成几个文件导入。", "file")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise RuleError("这不是 Excel 工作簿（.xlsx）文件，请另存为 .xlsx 后再上传。", "file")
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of error on a damaged file; each means the same here
        raise RuleError("文件已损坏，无法读取。请在 Excel 或 WPS 中打开后另存为 .xlsx 再上传。", "file") from None


def _columns(rows) -> tuple[int, dict[str, int]]:
    """The header row's number and each column's index."""
    by_header = {_key(name): key for key, names in HEADERS.items() for name in names}
    for number, cells in enumerate(rows[:HEADER_SCAN_ROWS], start=1):
        found = {}
        for index, value in enumerate(cells):
            key = by_header.get(_key(value))
            if key and key not in found:
                found[key] = index
        if len(found) == len(HEADERS):
            return number, found
    wanted = "、".join(LABELS.values())
    raise RuleError(f"没有找到表头：名单须有“{wanted}”四列（前{HEADER_SCAN_ROWS}行内）。", "file")


def _day(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _key(value).replace("/", "-").replace(".", "-").replace("年", "-").replace("月", "-").rstrip("日")
    return date.fromisoformat("-".join(part.zfill(2) for part in text.split("-")))


def _enterprises() -> dict[str, int]:
    named = {}
    for enterprise in db.session.scalars(directory.enterprise_query()):
        named[_key(enterprise.name)] = enterprise.id
        if enterprise.short_name:
            named.setdefault(_key(enterprise.short_name), enterprise.id)
    return named


def read(data: bytes) -> list[tuple[int, services.PlacementDetails | str]]:
    """Each data row as placement details (partner not yet set), or what is wrong with it."""
    sheet = _workbook(data).worksheets[0]
    rows = [list(cells) for cells in sheet.iter_rows(values_only=True, max_row=MAX_ROWS + HEADER_SCAN_ROWS)]
    header_row, columns = _columns(rows)
    enterprises = _enterprises()
    read_rows = []
    for number, cells in enumerate(rows[header_row:], start=header_row + 1):
        cell = {key: cells[index] if index < len(cells) else None for key, index in columns.items()}
        if all(value in (None, "") for value in cell.values()):
            continue
        enterprise_id = enterprises.get(_key(cell["enterprise"]))
        if enterprise_id is None:
            read_rows.append((number, f"第{number}行：企业{quoted(cell['enterprise'] or '')}不在企业名录中"))
            continue
        try:
            start_on, end_on = _day(cell["start_on"]), _day(cell["end_on"])
        except (ValueError, TypeError):
            read_rows.append((number, f"第{number}行：日期应写作2026-03-01"))
            continue
        try:
            students = int(str(cell["students"]).strip())
        except (ValueError, TypeError):
            students = 0
        if students <= 0:
            read_rows.append((number, f"第{number}行：人数应为正整数"))
            continue
        if end_on < start_on:
            read_rows.append((number, f"第{number}行：结束日期早于开始日期"))
            continue
        read_rows.append((number, services.PlacementDetails(0, enterprise_id, start_on, end_on, students)))
    return read_rows


def import_placements(actor, partner_id: int | None, data: bytes) -> Result:
    """Write every row of the list for ``partner_id``, or none when any row is wrong."""
    services.check_staff(actor)
    partner = db.session.get(Partner, partner_id or 0)
    if partner is None:
        raise RuleError("请选择名单所属的合作院校。", "partner_id")
    read_rows = read(data)
    result = Result(problems=[problem for _, problem in read_rows if isinstance(problem, str)])
    if result.problems:
        more = len(result.problems) - SHOWN_PROBLEMS
        listed = "；".join(result.problems[:SHOWN_PROBLEMS]) + (f"；另有{more}行有误" if more > 0 else "")
        raise RuleError(f"名单有{len(result.problems)}行需要修改，未导入任何记录：{listed}。", "file")
    if not read_rows:
        raise RuleError("名单中没有实习实训记录。", "file")
    existing = {
        (p.enterprise_id, p.start_on, p.end_on, p.students)
        for p in db.session.scalars(select(Placement).where(Placement.partner_id == partner.id))
    }
    for _, details in read_rows:
        key = (details.enterprise_id, details.start_on, details.end_on, details.students)
        if key in existing:
            result.skipped += 1
            continue
        existing.add(key)
        details.partner_id = partner.id
        db.session.add(Placement(
            partner_id=partner.id, enterprise_id=details.enterprise_id, start_on=details.start_on,
            end_on=details.end_on, students=details.students, note="名单导入",
        ))  # fmt: skip
        result.added += 1
        result.person_times += details.students
    db.session.flush()
    audit.record(
        audit.actor_id(actor), "coop_placement.import", "coop_partner", partner.id,
        added=result.added, students=result.person_times, skipped=result.skipped,
    )  # fmt: skip
    return result
