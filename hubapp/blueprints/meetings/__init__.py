from flask import Blueprint, render_template

from hubapp import audit
from hubapp.blueprints import NavItem
from hubapp.blueprints.auth.roles import STAFF_ROLES, Role
from hubapp.blueprints.meetings.models import DECISION_STATES, MINUTES_STATES

bp = Blueprint("meetings", __name__, url_prefix="/meetings")
BLUEPRINTS = [bp]
audit.register_labels("meeting", MINUTES_STATES)
audit.register_labels("decision", DECISION_STATES)
NAV = [
    NavItem("会议纪要", "meetings.index", STAFF_ROLES, order=50),
    NavItem("议定事项", "meetings.decisions", STAFF_ROLES | {Role.LIAISON}, order=51),
]


def home_panel(user) -> str | None:
    """Open decisions that are overdue or fall due within a week, for staff and liaisons."""
    from hubapp.blueprints.meetings import services

    if user.role not in STAFF_ROLES | {Role.LIAISON}:
        return None
    counts = services.decision_counts(user)
    return render_template("meetings/_home_panel.html", counts=counts, days=services.DUE_SOON_DAYS)


from hubapp.blueprints.meetings import views  # noqa: E402,F401
