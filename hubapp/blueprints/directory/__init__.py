from flask import Blueprint

from hubapp.blueprints import NavItem
from hubapp.blueprints.auth.roles import ALL_ROLES

bp = Blueprint("directory", __name__, url_prefix="/directory")
BLUEPRINTS = [bp]
NAV = [NavItem("企业名录", "directory.enterprises", ALL_ROLES, order=80)]

from hubapp.blueprints.directory import views  # noqa: E402,F401
