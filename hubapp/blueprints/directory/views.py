"""The register's other pages: the suggestions an enterprise picker asks for. The enterprise pages
are in ``enterprise_views``, grids and departments in ``grid_views`` and ``department_views``."""

from flask import request

from hubapp import params
from hubapp.blueprints.directory import bp, picker
from hubapp.htmx import render


@bp.get("/enterprises/suggest")
def suggest():
    """Suggestions for an enterprise picker: ``name`` names the parameter carrying what was typed
    (the field's own name, which htmx sends); ``grid`` limits them to those grids."""
    text = request.args.get(request.args.get("name", "q"), "")
    grid_ids = params.int_args("grid") or None
    return render("directory/_suggestions.html", found=picker.suggestions(text, grid_ids), detail=True)
