"""The register's other pages: the member departments. The enterprise pages are in
``enterprise_views``."""

from hubapp.blueprints.directory import bp, services
from hubapp.htmx import render


@bp.get("/departments")
def departments():
    return render("directory/departments.html", departments=services.departments())
