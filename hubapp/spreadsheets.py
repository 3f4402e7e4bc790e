"""The one way an Excel file is saved: every cell holding text is text, never a formula.

Names, titles and notes come from anyone — an anonymous sign-up, a demand a grid worker typed —
and a workbook is opened by staff on their own computers. Text that begins with ``=``, ``+``,
``-`` or ``@`` (or a tab or carriage return before one) is what Excel and WPS take for a formula
once someone edits the cell (CWE-1236, "CSV/formula injection"); openpyxl would even write text
beginning with ``=`` as a live formula. OWASP's remedy for a spreadsheet is to mark such a cell as
text: here the cell is a string cell with Excel's quote prefix (the leading ``'`` Excel itself
shows for text typed as text), so it reads exactly as typed, stays text when edited, and an
exported register imported again gives back the same value.
"""

import io

from openpyxl import Workbook

#: The first characters that make a spreadsheet program read a cell as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell) -> None:
    if isinstance(cell.value, str) and (cell.data_type == "f" or cell.value.startswith(FORMULA_TRIGGERS)):
        cell.data_type = "s"
        cell.quotePrefix = True


def workbook_bytes(workbook: Workbook) -> bytes:
    """The workbook as an .xlsx file, with every formula-like text cell made plain text."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                neutralise(cell)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
