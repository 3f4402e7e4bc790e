from flask import current_app, request

from hubapp.blueprints.directory import bp, services
from hubapp.extensions import db
from hubapp.htmx import render


@bp.get("/enterprises")
def enterprises():
    search = request.args.get("q", "")
    grid_id = request.args.get("grid", type=int)
    page = db.paginate(
        services.enterprise_query(search, grid_id), per_page=current_app.config["PAGE_SIZE"], error_out=False
    )
    return render(
        "directory/enterprises.html",
        "directory/_enterprise_rows.html",
        page=page,
        search=search,
        grid_id=grid_id,
        grids=services.grids(),
    )


@bp.get("/departments")
def departments():
    return render("directory/departments.html", departments=services.departments())
