from flask import Blueprint

bp = Blueprint("guides", __name__, url_prefix="/guides")
BLUEPRINTS = [bp]

from hubapp.blueprints.guides import views  # noqa: E402,F401
