"""The 工作简报 as an A4 PDF in 公文 style: the 纪要's print CSS (GB/T 9704-2012 margins, 3号 body on
22 lines of 28 characters, Noto fonts for 仿宋 and 黑体), a red masthead, 第N期 and the issuing
unit and date above a red rule, the paragraphs justified to the edge, the 版记 at the foot of the
last page.

As the 纪要 (``meetings/printing.py``), laid out twice: the first pass measures where each line
breaks and the room left under the text on the last page; the second justifies the lines and puts
a spacer of that height above the 版记.
"""

from datetime import date

from flask import current_app

from hubapp.blueprints.reports import briefing_text
from hubapp.blueprints.reports.models import Briefing, paragraphs_of
from hubapp.formatting import chinese_date
from hubapp.pdf import Justify, justified_lines, layout

PX_PER_MM = 96 / 25.4


def _room_below_banji(document) -> float | None:
    """Millimetres between the bottom of the 版记 and the bottom of the text block, when the 版记
    is on the last page."""
    page = document.pages[-1]._page_box
    bottom = page.content_box_y() + page.height
    for box in page.descendants():
        element = getattr(box, "element", None)
        if element is not None and element.get("class") == "banji" and box.element_tag == "div":
            return (bottom - (box.position_y + box.margin_height())) / PX_PER_MM
    return None


def printed(briefing: Briefing, text: str, issued_on: date | None) -> dict:
    """What the print template shows; ``issued_on`` None for a draft."""
    unit = current_app.config["CENTRE_NAME"]
    return {
        "unit": unit,
        "issue": f"{briefing.year}年第{briefing.number}期",
        "number": briefing.number,
        "period": briefing.period_label,
        "paragraphs": [(briefing_text.is_heading(p), p) for p in paragraphs_of(text)],
        "date": chinese_date(issued_on) if issued_on else "",
    }


def briefing_pdf(briefing: Briefing, issued_on: date | None = None, text: str | None = None) -> bytes:
    """The 简报 with ``text`` (its saved text by default): issued on ``issued_on``, or a draft."""
    content = printed(briefing, briefing.text if text is None else text, issued_on)
    template = "reports/pdf/briefing.html"
    first = layout(template, b=content, draft=issued_on is None, spacer_mm=0, justify=Justify())
    room = _room_below_banji(first)
    # A hair less than measured, so that rounding never pushes the 版记 onto a page of its own.
    spacer = round(room - 0.3, 2) if room is not None and room >= 0.5 else 0
    return layout(
        template, b=content, draft=issued_on is None, spacer_mm=spacer, justify=Justify(justified_lines(first))
    ).write_pdf()


def file_name(briefing: Briefing, print_number: int | None = None) -> str:
    suffix = f"（第{print_number}次印发）" if print_number else "（草稿）"
    return f"工作简报{briefing.year}年第{briefing.number}期{suffix}.pdf"
