"""Excel files of facilities: the utilisation per room of a month or a range of days."""

from openpyxl import Workbook

from hubapp.blueprints.facilities.reports import Utilisation
from hubapp.spreadsheets import workbook_bytes


def utilisation_workbook(rows: list[Utilisation], period: str) -> bytes:
    """The utilisation page's table of ``period`` (a month, or a range of days as the page names it)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = period
    sheet.append(["场地", "预约方式", "开放时长（小时）", "已预约时长（小时）", "利用率", "已结束预约数", "爽约数", "爽约率"])
    for row in rows:
        sheet.append(
            [
                row.room.name,
                "独占" if row.room.is_exclusive else f"共享（按人次，容量{row.room.capacity}人）",
                round(row.open_hours, 1),
                round(row.booked_hours, 1),
                row.rate,
                row.bookings,
                row.no_shows,
                row.no_show_rate,
            ]
        )
    for cell in list(sheet["E"])[1:] + list(sheet["H"])[1:]:
        cell.number_format = "0.0%"
    for column, width in zip("ABCDEFGH", (20, 26, 16, 18, 10, 14, 8, 10), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    return workbook_bytes(workbook)
