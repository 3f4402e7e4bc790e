"""The register as public forms may use it: a handful of enterprise names, once a few characters are
typed, so that an enterprise finds its own name without the page handing out the whole register."""

from flask import current_app, request

from hubapp.blueprints.auth.roles import public
from hubapp.blueprints.directory import picker, public_bp
from hubapp.extensions import limiter
from hubapp.htmx import render

#: Fewer characters than this match too many names to be a search rather than a listing.
PUBLIC_MIN_CHARACTERS = 2
PUBLIC_SUGGESTIONS = 5


@public_bp.get("/e/enterprises")
@public
@limiter.limit(lambda: current_app.config["PUBLIC_SUGGEST_LIMIT"])
def suggest():
    text = picker.normalised(request.args.get(request.args.get("name", "q"), ""))
    found = picker.suggestions(text, limit=PUBLIC_SUGGESTIONS) if len(text) >= PUBLIC_MIN_CHARACTERS else []
    response = render("directory/_suggestions.html", found=found, detail=False)
    response.headers["Cache-Control"] = "no-store"
    return response
