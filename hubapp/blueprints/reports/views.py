"""The dashboard: the centre's figures for a period, grouped in cards, with charts."""

from hubapp.blueprints.auth.roles import staff_required
from hubapp.blueprints.reports import bp
from hubapp.htmx import render


@bp.get("/")
@staff_required
def dashboard():
    return render("reports/dashboard.html")
