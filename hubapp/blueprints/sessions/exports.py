"""The Excel workbook of a session: its registrations, what came of it, and (bank-enterprise
sessions) the financing matches."""

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from hubapp.blueprints.sessions import outcomes, signup
from hubapp.blueprints.sessions.models import BANK, Session
from hubapp.extensions import db
from hubapp.formatting import chinese_datetime
from hubapp.spreadsheets import workbook_bytes


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
    rows = signup.registrations_query(session.id)
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
    counts = outcomes.attendance(session.id)
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
    matches = outcomes.financing_matches(session.id)
    # The sentences the centre copies into its monthly report, as on the outcome page.
    for line in outcomes.financing_report(matches):
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

    return workbook_bytes(workbook)
