"""The one place that decides between a whole page and an htmx fragment."""

from flask import make_response, render_template, request


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-Boosted") != "true"


def render(template: str, fragment: str | None = None, status: int = 200, **context):
    """Render ``fragment`` for an htmx request and the whole-page ``template`` otherwise.

    ``Vary: HX-Request`` keeps a cache from serving a fragment to a full page load.
    """
    chosen = fragment if (fragment and is_htmx()) else template
    response = make_response(render_template(chosen, **context), status)
    response.vary.add("HX-Request")
    return response
