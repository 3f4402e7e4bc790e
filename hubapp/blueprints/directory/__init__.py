from flask import Blueprint

from hubapp.blueprints import NavItem
from hubapp.blueprints.auth.roles import ALL_ROLES

bp = Blueprint("directory", __name__, url_prefix="/directory")
#: What anyone may ask of the register without an account: a few names while filling a public form.
public_bp = Blueprint("directory_public", __name__)
BLUEPRINTS = [bp, public_bp]
NAV = [NavItem("企业名录", "directory.enterprises", ALL_ROLES, order=80)]

from hubapp.blueprints.directory import public_views, views  # noqa: E402,F401
