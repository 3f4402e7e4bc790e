"""The enterprise pages: the register searched and by grid."""

from flask import request

from hubapp.blueprints.directory import bp, picker, services
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


@bp.get("/enterprises/suggest")
def suggest():
    """Suggestions for an enterprise picker: ``name`` names the parameter carrying what was typed
    (the field's own name, which htmx sends); ``grid`` limits them to those grids."""
    text = request.args.get(request.args.get("name", "q"), "")
    grid_ids = request.args.getlist("grid", type=int) or None
    return render("directory/_suggestions.html", found=picker.suggestions(text, grid_ids), detail=True)
