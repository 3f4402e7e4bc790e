from flask import Blueprint

bp = Blueprint("core", __name__)
BLUEPRINTS = [bp]

from hubapp.blueprints.core import views  # noqa: E402,F401
