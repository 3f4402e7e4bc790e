"""The centre's reports (工作概览): its figures for a month, a quarter or a year, each counted by
the domain that owns it and linked to the list it counts, and the leaders' dashboard; and the
工作简报 written from those figures.

Services: ``periods`` (the periods and their slugs), ``figures`` (``centre_figures``), ``charts``.
Pages: ``views``.
工作简报: ``models``, the rules in ``briefings``, the text in ``briefing_text``, the PDF in
``briefing_printing``, the pages in ``briefing_views``.
"""

from flask import Blueprint

from hubapp import audit
from hubapp.blueprints import NavItem
from hubapp.blueprints.auth.roles import STAFF_ROLES

bp = Blueprint("reports", __name__, url_prefix="/reports")
briefings_bp = Blueprint("briefings", __name__, url_prefix="/reports/briefings")
BLUEPRINTS = [bp, briefings_bp]
audit.describe(
    "briefing",
    "工作简报",
    actions={
        "briefing.create": "新建工作简报",
        "briefing.update": "修改工作简报正文",
        "briefing.regenerate": "重新生成工作简报正文",
        "briefing.print": "印发工作简报",
        "briefing.delete": "删除工作简报",
    },
    details={"issue": "期号", "period": "简报期间", "print_number": "第几次印发"},
)
NAV = [
    NavItem("工作概览", "reports.dashboard", STAFF_ROLES, order=5),
    NavItem("工作简报", "briefings.index", STAFF_ROLES, order=57),
]

from hubapp.blueprints.reports import briefing_views, views  # noqa: E402,F401
