from flask import Blueprint

bp = Blueprint("meetings", __name__, url_prefix="/meetings")
BLUEPRINTS = [bp]

from hubapp.blueprints.meetings import views  # noqa: E402,F401
