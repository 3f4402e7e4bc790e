from flask import Blueprint

from hubapp.blueprints import NavItem
from hubapp.blueprints.auth.roles import ADMIN_ONLY

bp = Blueprint("auth", __name__)
BLUEPRINTS = [bp]
NAV = [
    NavItem("用户管理", "auth.users", ADMIN_ONLY, order=90),
    NavItem("操作日志", "auth.audit_log", ADMIN_ONLY, order=91),
]

from hubapp.blueprints.auth import loader, views  # noqa: E402,F401  (register on import)
