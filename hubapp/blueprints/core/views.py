"""The home page (the first-run checklist, each domain's panel for the user) and the health probe."""

from flask import current_app, make_response
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from hubapp.blueprints.auth.roles import public
from hubapp.blueprints.core import bp
from hubapp.extensions import db
from hubapp.htmx import render


@bp.get("/")
def home():
    # Imported when asked: ``todo`` reads every domain, and core is registered before them.
    from hubapp.blueprints.notify import todo

    panels = [panel(current_user) for panel in current_app.extensions["hub_home_panels"]]
    return render(
        "core/home.html",
        todos=todo.for_user(current_user),
        panels=[Markup(p) for p in panels if p],
        setup=_setup_steps(),
    )


def _setup_steps() -> list:
    """The 开始使用 checklist for staff while the centre is still setting itself up; nothing once
    every step is done, and nothing for the roles that cannot do them."""
    if not current_user.is_staff:
        return []
    steps = sorted(
        (step for hook in current_app.extensions["hub_setup_steps"] for step in hook()), key=lambda step: step.order
    )
    return [] if all(step.done for step in steps) else steps


@bp.get("/healthz")
@public
def healthz():
    """200 when the database answers, else 503.

    The probe reads on a connection of its own, never through the request's session: a failed
    probe then leaves nothing to roll back (the connection goes back to the pool, which discards
    it when it is broken), and the session's transaction stays with its one owner."""
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1")).scalar_one()
    except SQLAlchemyError:
        response = make_response("database unavailable", 503)
    else:
        response = make_response("ok", 200)
    response.mimetype = "text/plain"
    return response
