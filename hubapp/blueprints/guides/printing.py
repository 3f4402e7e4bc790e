"""The printed side of 一事一码: the A4 sheet of QR codes for the hall, and one guide's poster."""

from flask import url_for

from hubapp import clock, pdf, qr
from hubapp.blueprints.guides import content, reading
from hubapp.blueprints.guides.models import PUBLISHED, Matter

#: 3 × 4 cells of 60 × 64 mm on A4: a code a phone reads from a metre away, and room to cut.
SHEET_COLUMNS = 3
SHEET_ROWS = 4
#: The white margin ISO/IEC 18004 asks around a QR code, in modules: part of the drawn code, so
#: that it survives however close the cut.
QUIET_ZONE_MODULES = 4
#: A name under its code: two lines of 11 pt in the 56 mm between the cell's padding, 14 characters each.
NAME_LINES = 2
NAME_LINE_EMS = 14


def guide_url(matter: Matter) -> str:
    return qr.public_url(url_for("guides_public.public_guide", code=matter.code))


def qr_sheet_pdf(matters: list[Matter], category_label: str | None = None) -> bytes:
    per_page = SHEET_COLUMNS * SHEET_ROWS
    cells = [
        (m, qr.svg(guide_url(m), border=QUIET_ZONE_MODULES, scalable=True), pdf.clamped(m.name, NAME_LINES, NAME_LINE_EMS))
        for m in matters
    ]
    pages = [cells[i : i + per_page] for i in range(0, len(cells), per_page)]
    return pdf.render_pdf(
        "guides/pdf/qr_sheet.html",
        pages=pages,
        columns=SHEET_COLUMNS,
        category_label=category_label,
        printed=clock.today(),
    )


def poster_pdf(matter: Matter) -> bytes:
    """The published version (what the QR code leads to); a draft's working copy is printed as a
    proof, marked so that nobody hangs up a poster whose code answers 「未找到」."""
    version = reading.published_version(matter) if matter.status == PUBLISHED else None
    doc = version.content if version else content.snapshot(matter)
    return pdf.render_pdf(
        "guides/pdf/poster.html",
        doc=doc,
        qr_svg=qr.svg(guide_url(matter), scale=5, border=0),
        url=guide_url(matter),
        updated=version.published_at if version else matter.updated_at,
        proof=version is None,
    )
