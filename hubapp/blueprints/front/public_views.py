"""The pages of the centre's own code. Phone-sized, and they work without JavaScript."""

from flask import current_app, render_template

from hubapp import downloads
from hubapp.blueprints.auth.roles import public
from hubapp.blueprints.front import printing, public_bp
from hubapp.blueprints.sessions import planning

#: How many sessions /e/ shows before pointing to /s/ for the rest.
SESSIONS_ON_HOME = 3


def _centre() -> dict:
    config = current_app.config
    return {"address": config["CENTRE_ADDRESS"], "hours": config["CENTRE_HOURS"], "phone": config["CENTRE_PHONE"]}


@public_bp.get("/e/")
@public
def home():
    sessions = planning.open_for_signup()
    return render_template(
        "front/public/home.html", sessions=sessions[:SESSIONS_ON_HOME], more_sessions=len(sessions) > SESSIONS_ON_HOME,
        **_centre(),
    )  # fmt: skip


@public_bp.get("/e/poster.pdf")
@public
def poster():
    return downloads.pdf_response(printing.poster_pdf(**_centre()), "一码通海报.pdf")
