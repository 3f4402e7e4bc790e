"""Themed sessions: planning, public sign-up (/s/<id>), the door, and outcomes."""

from flask import Blueprint, render_template

from hubapp import audit
from hubapp.blueprints import NavItem
from hubapp.blueprints.auth.roles import STAFF_ROLES
from hubapp.blueprints.sessions.models import (
    FINANCING_STATES,
    REGISTRATION_STATES,
    SESSION_STATES,
)

#: static/ holds the door's camera scanner script (its QR decoder is vendored under static/vendor/jsqr-*).
bp = Blueprint("sessions", __name__, url_prefix="/sessions", static_folder="static")
#: Stable public addresses (printed on posters): /s/<id> and the personal link /s/<id>/r/<token>.
public_bp = Blueprint("sessions_public", __name__)
BLUEPRINTS = [bp, public_bp]
audit.register_labels("session", SESSION_STATES)
audit.register_labels("registration", REGISTRATION_STATES)
audit.register_labels("financing", FINANCING_STATES)
NAV = [NavItem("主题活动", "sessions.index", STAFF_ROLES, order=30)]


def home_panel(user) -> str | None:
    if user.role not in STAFF_ROLES:
        return None
    from hubapp.blueprints.sessions import services

    return render_template("sessions/_home_panel.html", sessions=services.upcoming_sessions())


from hubapp.blueprints.sessions import public_views, views  # noqa: E402,F401
