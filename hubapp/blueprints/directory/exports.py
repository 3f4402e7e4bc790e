"""The register as Excel: the empty template and the export share one layout (``layout``), each
with a sheet that explains the columns and lists the values they accept, and drop-down lists
where a column has a fixed set of values. The views hand them over with
``downloads.xlsx_response``."""

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from hubapp.blueprints.directory.layout import (
    ACTIVE_LABEL,
    COLUMNS,
    HELP_SHEET_TITLE,
    INACTIVE_LABEL,
    NO,
    SHEET_TITLE,
    YES,
)
from hubapp.blueprints.directory.models import ENTERPRISE_KINDS, Enterprise, Grid
from hubapp.spreadsheets import workbook_bytes

#: Rows below the last enterprise that keep the drop-down lists, for additions.
SPARE_ROWS = 1000
REQUIRED_FILL = PatternFill("solid", start_color="FDECEC")
#: The export's last column: the enterprise's party organisation as the party module keeps it.
#: It is for reading only; an import does not know the header and leaves it out.
PARTY_HEADER = "党组织（只读）"
PARTY_NOTE = "按“党建工作”中的党组织名录导出，仅供查看；导入时不读取此列，党组织请在党组织名录中维护。"


def _value(enterprise: Enterprise, key: str, grids: dict[int, Grid]) -> str:
    if key == "status":
        return ACTIVE_LABEL if enterprise.active else INACTIVE_LABEL
    value = getattr(enterprise, key)
    if key == "above_designated_size":
        return YES if value else NO
    if key == "kind":
        return ENTERPRISE_KINDS.get(value, value)
    if key == "grid_id":
        return grids[value].number_label if value in grids else ""
    return value or ""


def _choices(grids: list[Grid]) -> dict[str, list[str]]:
    return {
        "kind": list(ENTERPRISE_KINDS.values()),
        "grid_id": [grid.number_label for grid in grids],
        "above_designated_size": [YES, NO],
        "status": [ACTIVE_LABEL, INACTIVE_LABEL],
    }


def _help_sheet(workbook: Workbook, grids: list[Grid]) -> dict[str, str]:
    """The explanation sheet; returns, per column with fixed values, the range listing them."""
    sheet = workbook.create_sheet(HELP_SHEET_TITLE)
    sheet.append(["列名", "是否必填", "填写要求"])
    for column in COLUMNS:
        sheet.append([column.header, "必填" if column.required else "", column.note])
    sheet.append([])
    sheet.append(["可选的值（“企业名录”表中相应列有下拉选择）"])
    lists_row = sheet.max_row + 1
    ranges = {}
    for offset, (key, values) in enumerate(_choices(grids).items()):
        column_index = offset + 1
        letter = get_column_letter(column_index)
        header = next(c.header for c in COLUMNS if c.key == key)
        sheet.cell(row=lists_row, column=column_index, value=header).font = Font(bold=True)
        for row, value in enumerate(values, start=lists_row + 1):
            sheet.cell(row=row, column=column_index, value=value)
        if values:
            first, last = lists_row + 1, lists_row + len(values)
            ranges[key] = f"{quote_sheetname(HELP_SHEET_TITLE)}!${letter}${first}:${letter}${last}"
    if grids:
        sheet.cell(row=lists_row, column=len(ranges) + 2, value="网格名称").font = Font(bold=True)
        for row, grid in enumerate(grids, start=lists_row + 1):
            sheet.cell(row=row, column=len(ranges) + 2, value=f"{grid.number_label}：{grid.name}")
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 18
    sheet.column_dimensions["B"].width = 12
    sheet.column_dimensions["C"].width = 90
    for row in sheet.iter_rows(min_row=2, max_row=len(COLUMNS) + 1):
        row[2].alignment = Alignment(wrap_text=True, vertical="top")
    return ranges


def _workbook(enterprises: list[Enterprise], grids: list[Grid], party_names: dict[int, str] | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    sheet.append([column.header for column in COLUMNS])
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True, color="B71C1C" if column.required else None)
        if column.required:
            cell.fill = REQUIRED_FILL
        cell.comment = Comment(column.note, "企业名录")
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    if party_names is not None:
        party = sheet.cell(row=1, column=len(COLUMNS) + 1, value=PARTY_HEADER)
        party.font, party.comment = Font(bold=True, color="757575"), Comment(PARTY_NOTE, "企业名录")
        sheet.column_dimensions[get_column_letter(len(COLUMNS) + 1)].width = 30
    by_id = {grid.id: grid for grid in grids}
    for enterprise in enterprises:
        row = [_value(enterprise, column.key, by_id) for column in COLUMNS]
        if party_names is not None:
            row.append(party_names.get(enterprise.id, "未建立"))
        sheet.append(row)
    last_row = len(enterprises) + 1 + SPARE_ROWS
    for index, column in enumerate(COLUMNS, start=1):
        if column.text:
            # The column's own format is what Excel gives the cells typed below the last row.
            sheet.column_dimensions[get_column_letter(index)].number_format = "@"
            for row in range(2, len(enterprises) + 2):
                sheet.cell(row=row, column=index).number_format = "@"
    ranges = _help_sheet(workbook, grids)
    for index, column in enumerate(COLUMNS, start=1):
        if column.key in ranges:
            letter = get_column_letter(index)
            rule = DataValidation(type="list", formula1=ranges[column.key], allow_blank=True, showErrorMessage=False)
            rule.add(f"{letter}2:{letter}{last_row}")
            sheet.add_data_validation(rule)
    sheet.freeze_panes = "C2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{len(enterprises) + 1}"
    return workbook_bytes(workbook)


def template_workbook(grids: list[Grid]) -> bytes:
    """The empty register with its headers and the explanation sheet."""
    return _workbook([], grids)


def register_workbook(enterprises: list[Enterprise], grids: list[Grid], party_names: dict[int, str]) -> bytes:
    """The enterprises in the template's layout: edited in Excel and imported again, it changes
    exactly what was edited. ``party_names`` (by enterprise id) fills the read-only last column."""
    return _workbook(enterprises, grids, party_names)

