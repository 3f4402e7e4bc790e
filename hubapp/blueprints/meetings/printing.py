"""The meetings' PDFs: the 纪要, the sign-in sheet and the agenda.

The 纪要 is rendered twice. GB/T 9704-2012 puts the 版记 (抄送, 印发) on the last lines of the
last page; CSS cannot say "bottom of the last page" (WeasyPrint has no ``:last`` page selector,
and its footnote area moved the block to a page of its own), so the first pass measures the room
left under the text on the last page and the second pass puts a spacer of exactly that height
above the 版记. The same first pass says where each line breaks, so that the second can justify
them (``pdf.justified_lines``); neither changes how many lines there are.
"""

import re

from hubapp.blueprints.meetings.minutes import chinese_ordinal, printed_minutes
from hubapp.blueprints.meetings.models import EXCUSED, GROUPS, ISSUED, Meeting, MinutesVersion
from hubapp.pdf import Justify, justified_lines, layout, render_pdf

PX_PER_MM = 96 / 25.4


def _room_below(document, css_class: str) -> float | None:
    """Millimetres between the bottom of the element with ``css_class`` and the bottom of the text
    block, when that element is on the last page."""
    page = document.pages[-1]._page_box
    bottom = page.content_box_y() + page.height
    for box in page.descendants():
        element = getattr(box, "element", None)
        if element is not None and element.get("class") == css_class and box.element_tag == "div":
            return (bottom - (box.position_y + box.margin_height())) / PX_PER_MM
    return None


MINUTES = "meetings/pdf/minutes.html"


def _minutes_context(meeting: Meeting, version: MinutesVersion) -> dict:
    return {"m": printed_minutes(meeting, version), "draft": version.status != ISSUED, "ordinal": chinese_ordinal}


def _first_pass(context: dict):
    """The 纪要 laid out as it comes: where its lines break and the room left below the 版记."""
    return layout(MINUTES, spacer_mm=0, justify=Justify(), **context)


def minutes_pdf(meeting: Meeting, version: MinutesVersion) -> tuple[bytes, str]:
    """The 纪要 of ``version`` (an issued one as it was issued, else marked as a draft) and its file name."""
    context = _minutes_context(meeting, version)
    first = _first_pass(context)
    room = _room_below(first, "banji")
    # A hair less than measured, so that rounding never pushes the 版记 onto a page of its own.
    spacer = round(room - 0.3, 2) if room is not None and room >= 0.5 else 0
    data = layout(MINUTES, spacer_mm=spacer, justify=Justify(justified_lines(first)), **context).write_pdf()
    return data, f"{context['m']['title']}纪要（第{version.version}版）.pdf"


def minutes_pages(meeting: Meeting, version: MinutesVersion) -> int:
    """How many pages the 纪要 of ``version`` fills as first laid out, before its 版记 is moved to the
    foot of the last page (on the demo minutes that move adds a page: see the note on issue 17)."""
    return len(_first_pass(_minutes_context(meeting, version)).pages)


#: "王强（副局长）": a name with its title in brackets, as 纪要 list representatives.
_NAME_WITH_TITLE = re.compile(r"^(?P<name>[^（(]+)[（(](?P<title>[^）)]+)[）)]$")


def signin_rows(meeting: Meeting) -> list[tuple[str, str, str]]:
    """(unit, name, title) of everyone expected, one a row; a title typed after the name in
    brackets goes to the 职务 column, not into the name cell."""
    rows = []
    for attendee in meeting.attendees:
        if attendee.group == EXCUSED:
            continue
        for person in (attendee.names or "").split("、"):
            match = _NAME_WITH_TITLE.match(person.strip())
            rows.append((attendee.unit, *(match.group("name", "title") if match else (person.strip(), ""))))
    return rows


def signin_pdf(meeting: Meeting) -> bytes:
    return render_pdf("meetings/pdf/signin.html", meeting=meeting, rows=signin_rows(meeting))


def agenda_pdf(meeting: Meeting) -> bytes:
    return render_pdf("meetings/pdf/agenda.html", meeting=meeting, groups=GROUPS)
