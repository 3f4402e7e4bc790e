"""The monthly 通报: a page to choose the month and preview it, and its A4 PDF."""

from datetime import date

from flask import abort, current_app, request

from hubapp import clock
from hubapp.blueprints.auth.roles import staff_required
from hubapp.blueprints.demands import bp, bulletin, charts, statistics
from hubapp.downloads import pdf_response
from hubapp.htmx import render
from hubapp.params import FIRST_YEAR, LAST_YEAR, parse_month, shift_month
from hubapp.pdf import render_pdf


def _charts(report: bulletin.Bulletin) -> dict:
    """The 通报's charts: its departments' rates, and the year so far month by month."""
    year = statistics.statistics(report.month.year, report.as_of)
    year.months = [m for m in year.months if m["month"] <= report.month.month]
    return {
        "rates": charts.department_rates(report.departments, f"{report.label}各部门按期办结率与满意率"),
        "per_month": charts.per_month(year),
    }


@bp.get("/report", endpoint="report")
@staff_required
def report_page():
    """Last month unless ``?month=YYYY-MM`` names another; a month not yet begun is refused."""
    this_month = clock.today().replace(day=1)
    text = request.args.get("month", "").strip()
    month, notice = shift_month(this_month, -1), None
    if text:
        asked = parse_month(text)
        if asked is None or asked > this_month:
            notice = f"月份“{text[:20]}”无法生成通报（格式如 {this_month:%Y-%m}，且不晚于本月），已显示上月。"
        else:
            month = asked
    report = bulletin.bulletin(month)
    return render(
        "demands/report.html", b=report, charts=_charts(report), this_month=this_month, notice=notice,
        status=422 if notice else 200,
    )  # fmt: skip


@bp.get("/report/<int:year>-<int:month>.pdf", endpoint="report_pdf")
@staff_required
def report_pdf(year: int, month: int):
    if not (FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12):
        abort(404)
    first = date(year, month, 1)
    if first > clock.today():
        abort(404)
    report, data = bulletin_pdf(first)
    return pdf_response(data, f"企业服务直通车工作通报（{report.label}）.pdf")


def bulletin_pdf(first: date) -> tuple[bulletin.Bulletin, bytes]:
    """The 通报 of the month beginning ``first``, and its PDF (also what ``make bench`` times)."""
    report = bulletin.bulletin(first)
    data = render_pdf(
        "demands/pdf/bulletin.html",
        b=report,
        charts=_charts(report),
        centre=current_app.config["CENTRE_NAME"],
        printed_on=clock.today(),
    )
    return report, data
