"""Guides: /g/<code> is the hot path (every scan of a printed code), next to the index; then the
time to render the QR sheet for the 8 demo matters and for 100, and one poster; last, public search
(synonyms, keywords, materials) over 1,000 published guides."""

from dataclasses import replace

from bench.api import HttpRow, Prepare, TimedRow
from hubapp.blueprints.guides import printing, reading, writing
from hubapp.blueprints.guides.demo import GUIDES
from hubapp.database import atomic


def _in_request(app, func):
    """PDFs build their QR addresses with url_for, which wants a request context."""

    def run():
        with app.test_request_context("/guides/qr-sheet.pdf"):
            return func()

    return run


def _grow_to(total: int) -> None:
    """Publish copies of the demo guides under new codes until ``total`` are published."""
    have = len(reading.published_matters())
    for number in range(have, total):
        code, content = GUIDES[number % len(GUIDES)]
        with atomic():
            matter = writing.create_matter(None, f"b{number:03d}-{code}"[:20], replace(content, name=f"{content.name}（{number}）"))
            writing.publish(None, matter)


def rows(app):
    return [
        HttpRow("公开指南页 /g/qy-bg（扫码热路径）", "/g/qy-bg"),
        HttpRow("指南目录 /g/（公开）", "/g/"),
        HttpRow("指南管理列表 /guides/", "/guides/", user="staff"),
        TimedRow("二维码页 PDF，8个事项", _in_request(app, lambda: printing.qr_sheet_pdf(reading.published_matters()))),
        TimedRow("指南海报 PDF，1个事项", _in_request(app, lambda: printing.poster_pdf(reading.get_by_code("rz-db")))),
        Prepare("发布到100个事项", lambda: _grow_to(100)),
        TimedRow("二维码页 PDF，100个事项", _in_request(app, lambda: printing.qr_sheet_pdf(reading.published_matters())), repeat=3),
        Prepare("发布到1000个事项", lambda: _grow_to(1000)),
        HttpRow("指南搜索 /g/?q=社保（1000个事项）", "/g/?q=%E7%A4%BE%E4%BF%9D"),
    ]
