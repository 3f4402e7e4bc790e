"""The Excel import under real gunicorn servers: the preview of 1,000 rows answers within 2 s, and
an upload made on one host is previewed and confirmed on another (two servers on one database, as
behind a proxy), where two confirmations at once write the rows once."""

import io
import re
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from conftest import csrf_token_from
from factories import directory
from openpyxl import Workbook
from sqlalchemy import func, select

from hubapp.audit import AuditEntry
from hubapp.blueprints.directory.layout import COLUMNS
from hubapp.blueprints.directory.models import Enterprise
from hubapp.blueprints.directory.uscc import make_code
from hubapp.extensions import db

pytestmark = pytest.mark.server


def register_file(count: int) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "企业名录"
    sheet.append([column.header for column in COLUMNS])
    for n in range(count):
        sheet.append([
            f"威海测速{n:04d}有限公司", make_code("371002", 100_000 + n), f"测速{n}", "周边企业", f"第{n % 3 + 1}网格",
            f"蓝色创业谷{n % 6 + 1}号楼", "新材料", "否", "王经理", f"139{n:08d}", "在册", "",
        ])  # fmt: skip
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(http, url: str, data: bytes):
    token = csrf_token_from(http.get(url + "/directory/enterprises/import").text)
    return http.post(
        url + "/directory/enterprises/import", data={"csrf_token": token},
        files={"file": ("企业名录.xlsx", data)}, allow_redirects=False,
    )  # fmt: skip


def test_a_thousand_rows_are_previewed_within_two_seconds(live_server, users):
    for number in (2, 3):
        directory.grid(number)
    data = register_file(1_000)
    server = live_server(workers=2)
    http = server.session("staff")
    started = time.perf_counter()
    uploaded = upload(http, server.url, data)
    assert uploaded.status_code == 303
    preview = http.get(server.url + uploaded.headers["Location"])
    elapsed = time.perf_counter() - started
    assert preview.status_code == 200 and "<strong>1000</strong> 家新增" in preview.text
    assert elapsed < 2.0, f"upload and preview of 1,000 rows took {elapsed:.2f} s"


def test_an_upload_is_confirmed_on_another_host_and_only_once(live_server, users):
    for number in (2, 3):
        directory.grid(number)
    data = register_file(50)
    one, other = live_server(workers=1), live_server(workers=1)
    # One login: both hosts share the secret key, as behind a proxy.
    http = one.session("staff")
    uploaded = upload(http, one.url, data)
    assert uploaded.status_code == 303
    page = http.get(other.url + uploaded.headers["Location"]).text
    assert "<strong>50</strong> 家新增" in page
    digest = re.search(r'name="digest" type="hidden" value="([0-9a-f]{64})"', page).group(1)
    token = csrf_token_from(page)

    def confirm(url: str) -> int:
        response = http.post(url + uploaded.headers["Location"], data={"csrf_token": token, "digest": digest},
                             allow_redirects=False)  # fmt: skip
        return response.status_code

    with ThreadPoolExecutor(max_workers=2) as pool:
        statuses = sorted(pool.map(confirm, [one.url, other.url]))
    # The loser finds the upload gone: a 404 if it looked after the winner committed, else a
    # refusal sent back to the register (303 with the reason).
    assert statuses[0] == 303 and statuses[1] in (303, 404)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Enterprise)) == 50
    confirmed = select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "enterprise_import.confirm")
    assert db.session.scalar(confirmed) == 1
    db.session.rollback()
