"""The centre's reports (工作概览): its figures for a month, a quarter or a year, each counted by
the domain that owns it and linked to the list it counts, and the leaders' dashboard.

Services: ``periods`` (the periods and their slugs), ``figures`` (``centre_figures``), ``charts``.
Pages: ``views``.
"""

from flask import Blueprint

from hubapp.blueprints import NavItem
from hubapp.blueprints.auth.roles import STAFF_ROLES

bp = Blueprint("reports", __name__, url_prefix="/reports")
BLUEPRINTS = [bp]
NAV = [NavItem("工作概览", "reports.dashboard", STAFF_ROLES, order=5)]

from hubapp.blueprints.reports import views  # noqa: E402,F401
