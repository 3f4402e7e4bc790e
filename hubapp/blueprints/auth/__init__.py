from flask import Blueprint

from hubapp import audit
from hubapp.blueprints import NavItem
from hubapp.blueprints.auth.roles import ADMIN_ONLY, ROLE_LABELS

bp = Blueprint("auth", __name__)
audit.describe(
    "user",
    "用户",
    states=ROLE_LABELS,
    actions={
        "user.login": "登录",
        "user.create": "新建用户",
        "user.update": "修改用户",
        "user.activate": "启用账号",
        "user.deactivate": "停用账号",
        "user.reset_password": "重置密码",
        "user.change_password": "修改密码",
    },
    details={"username": "用户名"},
)
BLUEPRINTS = [bp]
NAV = [
    NavItem("用户管理", "auth.users", ADMIN_ONLY, order=90),
    NavItem("操作日志", "auth.audit_log", ADMIN_ONLY, order=91),
]

from hubapp.blueprints.auth import (  # noqa: E402,F401  (register on import)
    loader,
    views,
)
