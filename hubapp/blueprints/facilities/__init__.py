"""Rooms, opening hours, closures and bookings. Staff pages live under /facilities; the public
door page of each room (/r/<room_id>, its QR code) and the booking request page (/book) are on
``public_bp``."""

from flask import Blueprint, render_template

from hubapp import audit
from hubapp.blueprints import NavItem
from hubapp.blueprints.auth.roles import ALL_ROLES, STAFF_ROLES
from hubapp.blueprints.facilities.models import BOOKING_STATES

bp = Blueprint("facilities", __name__, url_prefix="/facilities")
public_bp = Blueprint("facilities_public", __name__)
BLUEPRINTS = [bp, public_bp]
audit.register_labels("booking", BOOKING_STATES)
NAV = [
    NavItem("场地预约", "facilities.day", STAFF_ROLES, order=20),
    NavItem("我的预约", "facilities.mine", ALL_ROLES - STAFF_ROLES, order=90),
]


def home_panel(user) -> str | None:
    """今日场地安排: every booking of today, with what needs doing (approve, check in)."""
    if user.role not in STAFF_ROLES:
        return None
    from hubapp import clock
    from hubapp.blueprints.facilities import schedule, services

    services.sweep_no_shows()
    return render_template(
        "facilities/_home_panel.html",
        bookings=schedule.today_at_centre(),
        pending=services.pending_count(),
        now=clock.now(),
    )


from hubapp.blueprints.facilities import cli, public_views, views  # noqa: E402,F401
