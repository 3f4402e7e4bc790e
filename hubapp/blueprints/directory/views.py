"""The enterprise pages: the register searched and by grid."""

from flask import request

from hubapp.blueprints.directory import bp, services
from hubapp.htmx import render
from hubapp.params import page_of


@bp.get("/enterprises")
def enterprises():
    search = request.args.get("q", "")
    grid_id = request.args.get("grid", type=int)
    return render(
        "directory/enterprises.html",
        "directory/_enterprise_rows.html",
        page=page_of(services.enterprise_query(search, grid_id)),
        search=search,
        grid_id=grid_id,
        grids=services.grids(),
    )
