"""The staff list and the visit ledger as Excel workbooks, with Chinese headers, for the monthly
report; the views hand them over with ``downloads.xlsx_response``."""

from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from hubapp.blueprints.demands.models import ROUTES, Demand, Visit
from hubapp.blueprints.demands.visits import GridCoverage
from hubapp.formatting import chinese_date
from hubapp.spreadsheets import workbook_bytes

#: Header and column width (characters).
COLUMNS = [
    ("编号", 14), ("类别", 10), ("企业", 28), ("网格", 16), ("诉求标题", 30), ("诉求内容", 40), ("来源", 10), ("主题", 10),
    ("联系人", 10), ("联系电话", 14), ("受理日期", 14), ("办理时限", 14), ("状态", 10), ("是否逾期", 10),
    ("办理方式", 10), ("承办部门或承办人", 22), ("办理结果", 40), ("企业评价", 10), ("销号日期", 14), ("督办次数", 10),
]  # fmt: skip
VISIT_COLUMNS = [
    ("走访日期", 14), ("企业", 30), ("网格", 18), ("网格员", 10), ("走访内容", 24), ("走访情况", 48), ("提出诉求", 30),
]  # fmt: skip
COVERAGE_COLUMNS = [
    ("网格", 18), ("网格员", 16), ("企业数", 8), ("{when}已走访", 10), ("覆盖率", 8), ("尚未走访的企业", 60),
]  # fmt: skip


def _sheet(sheet, columns, rows) -> None:
    """Bold headers that stay in view, the column widths, and cells that wrap."""
    sheet.append([name for name, _ in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for index, (_, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"


def _demand_row(d: Demand, today: date) -> list:
    owner = d.department.name if d.department else (d.handler.display_name if d.handler else "")
    return [
        d.number,
        d.kind_label,
        d.enterprise.name,
        d.grid.name if d.grid else "",
        d.title,
        d.description,
        d.source_label,
        d.topic.name if d.topic else "",
        d.contact_name,
        d.contact_mobile,
        chinese_date(d.received_on),
        chinese_date(d.deadline),
        d.status_label,
        "是" if d.is_overdue(today) else "",
        ROUTES.get(d.route or "", ""),
        owner,
        d.answer or d.decline_reason or "",
        d.satisfaction_label,
        chinese_date(d.closed_at),
        d.supervision_count,
    ]


def demands_workbook(demands: list[Demand], today: date) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "企业诉求"
    _sheet(sheet, COLUMNS, [_demand_row(d, today) for d in demands])
    return workbook_bytes(workbook)


def visits_workbook(visits: list[Visit], coverage: list[GridCoverage], when: str = "本月") -> bytes:
    """走访台账: one row per visit of the month (or the range: ``when`` is "期间"), and the coverage
    per grid on a second sheet."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "走访记录"
    _sheet(
        sheet,
        VISIT_COLUMNS,
        [
            [
                chinese_date(v.visited_on),
                v.enterprise.name,
                v.grid.name if v.grid else "",
                v.visitor.display_name if v.visitor else "",
                "、".join(v.topic_labels),
                v.notes or "",
                "\n".join(f"{d.number} {d.title}" for d in v.demands),
            ]
            for v in visits
        ],
    )
    _sheet(
        workbook.create_sheet("网格覆盖"),
        [(heading.format(when=when), width) for heading, width in COVERAGE_COLUMNS],
        [
            [
                row.grid.name,
                "、".join(u.display_name for u in row.workers),
                row.total,
                row.visited_count,
                f"{row.percent}%" if row.percent is not None else "",
                "、".join(e.name for e in row.missing),
            ]
            for row in coverage
        ],
    )
    return workbook_bytes(workbook)
