from flask import Blueprint

from hubapp import audit
from hubapp.blueprints import NavItem
from hubapp.blueprints.auth.roles import ADMIN_ONLY, ROLE_LABELS

bp = Blueprint("auth", __name__)
audit.register_labels("user", ROLE_LABELS)
BLUEPRINTS = [bp]
NAV = [
    NavItem("用户管理", "auth.users", ADMIN_ONLY, order=90),
    NavItem("操作日志", "auth.audit_log", ADMIN_ONLY, order=91),
]

from hubapp.blueprints.auth import (  # noqa: E402,F401  (register on import)
    loader,
    views,
)
