"""The centre's reports. 工作简报: ``models``, the rules in ``briefings``, the text in
``briefing_text``, the PDF in ``briefing_printing``, the pages in ``briefing_views``."""

from flask import Blueprint

from hubapp import audit
from hubapp.blueprints import NavItem
from hubapp.blueprints.auth.roles import STAFF_ROLES

briefings_bp = Blueprint("briefings", __name__, url_prefix="/reports/briefings")
BLUEPRINTS = [briefings_bp]
audit.describe(
    "briefing",
    "工作简报",
    actions={
        "briefing.create": "新建工作简报",
        "briefing.update": "修改工作简报正文",
        "briefing.regenerate": "重新生成工作简报正文",
        "briefing.print": "印发工作简报",
    },
    details={"issue": "期号", "period": "简报期间", "print_number": "第几次印发"},
)
NAV = [NavItem("工作简报", "briefings.index", STAFF_ROLES, order=57)]

from hubapp.blueprints.reports import briefing_views  # noqa: E402,F401
