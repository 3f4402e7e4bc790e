"""Reading an uploaded register file: find the sheet and its header row, and give each data row
as text per column, with what is wrong with a cell said in Chinese, naming its row and column.

Whatever the file is, the answer is a reading or a ``SheetProblem`` with a message for the
upload page, never an exception: staff upload what their colleagues made in Excel, WPS or a
script. A cell Excel would show differently from what it holds — a formula, a date, a code
turned into a number, a merged cell — is refused by name rather than guessed at.

openpyxl reads in read-only mode, streaming the rows; merged ranges, which that mode does not
report, are taken from the sheet's XML directly.
"""

import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter, range_boundaries

from hubapp.blueprints.directory.layout import BY_KEY, HEADERS, HELP_SHEET_TITLE, REQUIRED_KEYS, SHEET_TITLE, header_key
from hubapp.formatting import quoted

#: An upload larger than this is refused before it is read.
MAX_BYTES = 5 * 1024 * 1024
#: Rows of data one import may hold: more is certainly a wrong file, or one to split.
MAX_ROWS = 20_000
#: What the unpacked parts of a file may add up to: 5 MB of xlsx unpack to far less; a "zip bomb"
#: unpacks to gigabytes.
MAX_UNPACKED_BYTES = 300 * 1024 * 1024
#: Rows above the header a sheet may have (a title, a date, a note).
HEADER_SCAN_ROWS = 10
MERGE_REF = re.compile(rb'<mergeCell\b[^>]*\bref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')
NOT_XLSX = "这不是 Excel 工作簿（.xlsx）文件。如果是 .xls、.et 或 .csv 文件，请在 Excel 或 WPS 中“另存为” Excel 工作簿（.xlsx）后再上传。"


class SheetProblem(Exception):
    """The file as a whole cannot be read as a register; the message says why and what to do."""


@dataclass
class Row:
    #: The row number Excel shows.
    number: int
    #: Text (or a yes/no) per column key; None for an empty cell or one with a problem.
    values: dict[str, object]
    problems: list[str] = field(default_factory=list)
    #: The columns whose cell could not be read (the problems say why).
    unreadable: set[str] = field(default_factory=set)


@dataclass
class Reading:
    sheet: str
    #: The keys of the columns found, in the file's order.
    keys: list[str]
    rows: list[Row]
    #: Headers of columns the register does not keep (序号, 成立日期 …): not imported.
    ignored_headers: list[str]
    empty_rows: int


def _open(data: bytes):
    if not data:
        raise SheetProblem("文件是空的，请选择要导入的 Excel 文件。")
    if len(data) > MAX_BYTES:
        raise SheetProblem(f"文件超过{MAX_BYTES // 1024 // 1024}MB，请分成几个文件导入。")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise SheetProblem(NOT_XLSX)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise SheetProblem(NOT_XLSX) from None
    if "xl/workbook.xml" not in names:
        raise SheetProblem(NOT_XLSX)
    if unpacked > MAX_UNPACKED_BYTES:
        raise SheetProblem("文件内容解压后过大，无法读取。请只保留企业名录工作表后另存再上传。")
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds of error on a damaged file; each means the same here
        raise SheetProblem("文件已损坏或不是标准的 Excel 工作簿，无法读取。请在 Excel 或 WPS 中打开后另存为 .xlsx 再上传。") from None


def _header(cells) -> tuple[dict[int, str], list[str], list[str]]:
    """(column index → key, headers not kept, duplicate-header messages) for a row of cells."""
    columns: dict[int, str] = {}
    ignored, duplicates = [], []
    seen: dict[str, int] = {}
    for index, cell in enumerate(cells):
        if cell.value is None or not str(cell.value).strip():
            continue
        key = HEADERS.get(header_key(cell.value))
        if key is None:
            ignored.append(str(cell.value).strip())
        elif key in seen:
            duplicates.append(
                f"表头“{BY_KEY[key].header}”出现了两次（第{get_column_letter(seen[key] + 1)}列和第{get_column_letter(index + 1)}列），请删除多余的一列。"
            )
        else:
            seen[key] = index
            columns[index] = key
    return columns, ignored, duplicates


def _find_header(workbook):
    """The register's sheet and its header row: the sheet named 企业名录 first, then the others;
    a header row names at least the enterprise and its credit code."""
    titles = [t for t in workbook.sheetnames if t != HELP_SHEET_TITLE]
    titles.sort(key=lambda t: t != SHEET_TITLE)
    for title in titles:
        sheet = workbook[title]
        if not hasattr(sheet, "iter_rows"):  # a chart sheet
            continue
        for number, cells in enumerate(sheet.iter_rows(min_row=1, max_row=HEADER_SCAN_ROWS), start=1):
            columns, ignored, duplicates = _header(cells)
            if all(key in columns.values() for key in REQUIRED_KEYS):
                if duplicates:
                    raise SheetProblem(f"工作表{quoted(title)}第{number}行：{duplicates[0]}")
                return sheet, number, columns, ignored
    looked = "、".join(quoted(t) for t in titles) or "（无）"
    raise SheetProblem(
        f"没有找到企业名录的表头：前{HEADER_SCAN_ROWS}行中应有一行同时包含“企业名称”和“统一社会信用代码”两列。"
        f"已查看的工作表：{looked}。请使用本系统的导入模板，或按模板修改表头后再上传。"
    )


def _merged_ranges(data: bytes, sheet) -> list[tuple[int, int, int, int]]:
    """(min_col, min_row, max_col, max_row) of each merged range of ``sheet``. The element comes
    after the cells in the sheet's XML, so it is searched from the end."""
    # The path of the sheet inside the file: a private attribute of openpyxl's read-only sheet,
    # stable in the pinned version (pyproject.toml).
    path = getattr(sheet, "_worksheet_path", None)
    if path is None:
        return []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read(path)
    start = xml.rfind(b"<mergeCells")
    if start < 0:
        return []
    return [range_boundaries(ref.decode()) for ref in MERGE_REF.findall(xml, start)]


def _cell_value(cell, key: str, number: int) -> tuple[object, str | None]:
    """The cell as text (or a yes/no), or the problem that stops it being read."""
    header = BY_KEY[key].header
    value = cell.value
    where = f"第{number}行“{header}”"
    if value is None:
        return None, None
    if cell.data_type == "f":
        shown = str(value)[:30]
        return None, f"{where}是公式（{shown}），请改为直接填写内容（可复制后“选择性粘贴—数值”）。"
    if cell.data_type == "e":
        return None, f"{where}是错误值（{value}），请改正。"
    if isinstance(value, datetime | date | time):
        return None, f"{where}被 Excel 识别成了日期或时间（{value}），请将该列设为“文本”格式后重新填写。"
    if isinstance(value, bool):
        return ("是" if value else "否"), None
    if isinstance(value, int | float):
        if key == "uscc":
            return None, f"{where}被 Excel 存成了数字（{value}），末几位可能已经丢失。请将该列设为“文本”格式后重新填写代码。"
        if isinstance(value, float) and not value.is_integer():
            return str(value), None
        return str(int(value)), None
    return str(value), None


def check(data: bytes) -> None:
    """Raise ``SheetProblem`` unless ``data`` is a workbook with a register sheet in it: what an
    upload is held to before it is kept, without reading every row."""
    workbook = _open(data)
    try:
        _find_header(workbook)
    finally:
        workbook.close()


def read(data: bytes) -> Reading:
    """The register's rows in ``data``, an uploaded file; ``SheetProblem`` when it has none."""
    workbook = _open(data)
    try:
        sheet, header_row, columns, ignored = _find_header(workbook)
        merges = [m for m in _merged_ranges(data, sheet) if m[3] > header_row]
        last_column = max(columns) + 1
        rows, empty = [], 0
        for number, cells in enumerate(
            sheet.iter_rows(min_row=header_row + 1, max_col=last_column), start=header_row + 1
        ):
            row = Row(number, {})
            blank = True
            for index, key in columns.items():
                value, problem = _cell_value(cells[index], key, number) if index < len(cells) else (None, None)
                if problem:
                    row.problems.append(problem)
                    row.unreadable.add(key)
                    blank = False
                elif value is not None and str(value).strip():
                    blank = False
                row.values[key] = value
            if blank:
                empty += 1
                continue
            if len(rows) >= MAX_ROWS:
                raise SheetProblem(f"文件超过{MAX_ROWS}行企业，请分成几个文件导入。")
            rows.append(row)
    finally:
        workbook.close()
    _mark_merged(rows, merges, columns)
    return Reading(sheet.title, [columns[i] for i in sorted(columns)], rows, ignored, empty)


def _mark_merged(rows: list[Row], merges, columns: dict[int, str]) -> None:
    """A merged cell holds its value in its first cell only: every row it spans is refused, by
    name, rather than read with the other rows' cells empty."""
    by_number = {row.number: row for row in rows}
    for min_col, min_row, max_col, max_row in merges:
        keys = [columns[i] for i in range(min_col - 1, max_col) if i in columns]
        if not keys:
            continue
        ref = f"{get_column_letter(min_col)}{min_row}:{get_column_letter(max_col)}{max_row}"
        headers = "、".join(f"“{BY_KEY[k].header}”" for k in keys)
        for number in range(min_row, max_row + 1):
            row = by_number.get(number)
            if row is not None:
                row.unreadable.update(keys)
                row.problems.append(
                    f"第{number}行{headers}在合并单元格（{ref}）中，请取消合并，并在每一行分别填写。"
                )
