"""The enterprise register: its list and export pages, and the Excel import of 1,000 and 10,000
new enterprises — opening the file with openpyxl alone, the preview (read the file, set every row
against the register), and the confirmation (the preview again, then every enterprise and its
audit row written, and rolled back so that each run does the same work) — each with its peak
memory, measured once under tracemalloc (which slows what it watches, so the times are taken
without it)."""

import io
import tracemalloc

from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from bench.api import HttpRow, TimedRow
from hubapp.blueprints.auth.models import User
from hubapp.blueprints.directory import imports
from hubapp.blueprints.directory.layout import COLUMNS
from hubapp.blueprints.directory.uscc import make_code
from hubapp.extensions import db

#: Not the demo's region, so that no code in the files is already registered.
REGION = "371002"


def register_workbook(count: int) -> bytes:
    """``count`` rows in the register's own layout (``COLUMNS``), every one valid."""
    book = Workbook()
    sheet = book.active
    sheet.title = "企业名录"
    sheet.append([column.header for column in COLUMNS])
    for n in range(count):
        sheet.append([
            f"威海基准测试{n:05d}有限公司", make_code(REGION, 100_000 + n), f"基准{n}", "周边企业", f"第{n % 12 + 1}网格",
            f"威海南海新区蓝色创业谷{n % 6 + 1}号楼{n % 900 + 100}室", "新材料", "否", "王经理", f"139{n:08d}", "在册", "",
        ])  # fmt: skip
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _openpyxl_alone(data: bytes) -> int:
    book = load_workbook(io.BytesIO(data), read_only=True)
    rows = sum(1 for _ in book.active.iter_rows(values_only=True))
    book.close()
    return rows


def _confirm(staff: User, token: str, digest: str):
    """The confirmation, undone by rolling back its savepoint: every run writes the same rows,
    and the upload stays for the next."""

    def run():
        savepoint = db.session.begin_nested()
        try:
            imports.confirm(staff, imports.find_upload(staff, token), digest, False)
            db.session.flush()
        finally:
            savepoint.rollback()

    return run


def _peak_mb(func) -> str:
    tracemalloc.start()
    try:
        func()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return f"{peak / 1024 / 1024:.0f} MB"


def rows(app):
    staff = db.session.scalar(select(User).where(User.username == "staff"))
    items = [
        HttpRow("企业名录列表 /directory/enterprises", "/directory/enterprises", user="staff"),
        HttpRow("企业名录导出 Excel（48家）", "/directory/enterprises/export.xlsx", user="staff"),
    ]
    for count, repeat in ((1_000, 5), (10_000, 3)):
        data = register_workbook(count)
        upload = imports.store_upload(staff, f"基准{count}.xlsx", data)
        digest = imports.plan(data).digest
        size = f"{count:,}行（{len(data) / 1024:.0f} KB）"
        confirm = _confirm(staff, upload.token, digest)
        items += [
            TimedRow(f"openpyxl 只读打开并读完 {size}，峰值内存 {_peak_mb(lambda d=data: _openpyxl_alone(d))}",
                     lambda d=data: _openpyxl_alone(d), repeat=repeat),
            TimedRow(f"导入预览 {size}：读取并逐行核对名录，峰值内存 {_peak_mb(lambda d=data: imports.plan(d))}",
                     lambda d=data: imports.plan(d), repeat=repeat),
            TimedRow(f"确认导入 {size}：再次预览并写入企业与审计记录（回滚），峰值内存 {_peak_mb(confirm)}",
                     confirm, repeat=repeat),
        ]  # fmt: skip
        if count == 1_000:
            items.append(HttpRow(f"导入预览页 {size}（每次请求重新解析文件）", f"/directory/enterprises/import/{upload.token}", user="staff"))
    return items
