"""Paper and files: the sign-in sheet (签到表) and poster PDFs, the Excel export, the iCalendar file."""

import io
from urllib.parse import quote

from flask import make_response, url_for
from icalendar import Calendar, Event
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from hubapp import clock, pdf, qr
from hubapp.blueprints.sessions import services
from hubapp.blueprints.sessions.models import BANK, Session
from hubapp.extensions import db
from hubapp.formatting import chinese_datetime

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def signup_url(session: Session) -> str:
    return qr.public_url(url_for("sessions_public.signup", session_id=session.id))


def signin_sheet_pdf(session: Session, blank_rows: int = 5) -> bytes:
    """A4 sign-in sheet: those expected, phone masked, a signature column; spare rows for walk-ins."""
    return pdf.render_pdf(
        "sessions/pdf/signin_sheet.html",
        session=session,
        attendees=services.attendees(session.id),
        blank_rows=blank_rows,
    )


def poster_pdf(session: Session) -> bytes:
    url = signup_url(session)
    return pdf.render_pdf("sessions/pdf/poster.html", session=session, qr_svg=qr.svg(url, scale=8), url=url)


def _autosize(sheet) -> None:
    for index, column in enumerate(sheet.columns, start=1):
        width = max((len(str(cell.value)) if cell.value is not None else 0) for cell in column)
        # CJK characters are about twice as wide as Latin ones in Excel's default font.
        sheet.column_dimensions[get_column_letter(index)].width = min(max(8, width * 2 + 2), 60)


def _header(sheet, titles: list[str]) -> None:
    sheet.append(titles)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(vertical="center")
    sheet.freeze_panes = "A2"


def registrations_xlsx(session: Session) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "报名名单"
    questions = list(session.questions)
    titles = ["序号", "企业名称", "统一社会信用代码", "参会人", "职务", "手机号码", "报名状态", "报名时间", "签到时间", "希望解答的问题"]
    if session.kind == BANK:
        titles += ["融资金额（万元）", "资金用途", "期限（月）", "有无抵押"]
    titles += [q.label for q in questions]
    _header(sheet, titles)
    rows = services.registrations_query(session.id)
    for number, reg in enumerate(db.session.scalars(rows), start=1):
        row = [
            number,
            reg.enterprise_name,
            reg.uscc or "",
            reg.attendee_name,
            reg.position or "",
            reg.phone,
            reg.status_label,
            reg.created_at,
            reg.checked_in_at,
            reg.questions or "",
        ]
        if session.kind == BANK:
            collateral = {True: "有", False: "无"}.get(reg.financing_collateral, "")
            row += [reg.financing_amount, reg.financing_purpose or "", reg.financing_term, collateral]
        answers = reg.answers_dict
        row += [answers.get(str(q.id), "") for q in questions]
        sheet.append(row)
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if hasattr(cell.value, "hour"):
                cell.number_format = "yyyy-mm-dd hh:mm"
    _autosize(sheet)

    summary = workbook.create_sheet("活动成效")
    counts = services.attendance(session.id)
    summary.append(["项目", "内容"])
    for cell in summary[1]:
        cell.font = Font(bold=True)
    summary.append(["活动名称", session.title])
    summary.append(["活动类型", session.kind_label])
    summary.append(["时间", chinese_datetime(session.start_at)])
    summary.append(["场地", session.room.name])
    summary.append(["名额", session.capacity])
    summary.append(["已报名", counts.registered])
    summary.append(["候补", counts.waitlisted])
    summary.append(["已签到", counts.checked_in])
    summary.append(["其中现场登记", counts.walk_in])
    summary.append(["活动成效", session.outcome_summary or ""])
    matches = services.financing_matches(session.id)
    # The sentences the centre copies into its monthly report, as on the outcome page.
    for line in services.financing_report(matches):
        summary.append(["融资成果", line])
    _autosize(summary)

    if session.kind == BANK:
        financing = workbook.create_sheet("融资对接成果")
        _header(financing, ["企业", "银行", "金额（万元）", "进展", "备注", "更新时间"])
        for match in matches:
            financing.append(
                [match.enterprise_name, match.bank.name, match.amount, match.status_label, match.notes or "", match.updated_at]
            )
        _autosize(financing)

    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def xlsx_response(data: bytes, filename: str):
    response = make_response(data)
    response.mimetype = XLSX_MIMETYPE
    response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def session_ics(session: Session) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//hubapp//sessions//ZH")
    calendar.add("version", "2.0")
    event = Event()
    event.add("uid", f"session-{session.id}@hubapp")
    event.add("dtstamp", clock.to_aware(clock.now()))
    event.add("dtstart", clock.to_aware(session.start_at))
    event.add("dtend", clock.to_aware(session.end_at))
    event.add("summary", f"【{session.kind_label}】{session.title}")
    event.add("location", session.room.name)
    lines = [session.description or ""]
    if session.host:
        lines.append(f"主办：{session.host.name}")
    if session.speakers:
        lines.append(f"主讲：{session.speakers}")
    lines.append(f"报名：{signup_url(session)}")
    event.add("description", "\n".join(line for line in lines if line))
    event.add("url", signup_url(session))
    if session.is_cancelled:
        event.add("status", "CANCELLED")
    calendar.add_component(event)
    # Calendar programs that do not know Asia/Shanghai by name read it from the file.
    calendar.add_missing_timezones()
    return calendar.to_ical()


def ics_response(data: bytes, filename: str):
    response = make_response(data)
    response.mimetype = "text/calendar"
    response.headers["Content-Disposition"] = f"attachment; filename={filename}"
    return response
