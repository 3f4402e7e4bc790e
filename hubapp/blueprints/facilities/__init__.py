from flask import Blueprint

bp = Blueprint("facilities", __name__, url_prefix="/facilities")
BLUEPRINTS = [bp]

from hubapp.blueprints.facilities import views  # noqa: E402,F401
