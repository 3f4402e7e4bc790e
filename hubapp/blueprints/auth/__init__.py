from flask import Blueprint

from hubapp import audit
from hubapp.blueprints import NavItem, SetupStep
from hubapp.blueprints.auth.roles import ADMIN_ONLY, ROLE_LABELS

bp = Blueprint("auth", __name__)
audit.describe(
    "user",
    "用户",
    states=ROLE_LABELS,
    actions={
        "user.login": "登录",
        "user.logout": "退出登录（所有设备）",
        "user.unlock_login": "解除登录限制",
        "user.create": "新建用户",
        "user.update": "修改用户",
        "user.activate": "启用账号",
        "user.deactivate": "停用账号",
        "user.reset_password": "重置密码",
        "user.change_password": "修改密码",
        "user.grids": "调整所属网格",
    },
    details={"username": "用户名", "department": "所属部门", "grids": "所属网格", "must_change": "须在下次登录时修改密码"},
)
BLUEPRINTS = [bp]
NAV = [
    NavItem("用户管理", "auth.users", ADMIN_ONLY, order=90),
    NavItem("操作日志", "auth.audit_log", ADMIN_ONLY, order=91),
]


def setup_steps() -> list[SetupStep]:
    from hubapp.blueprints.auth.services import has_accounts_besides_admins

    return [
        SetupStep(
            50, "创建工作人员、网格员和联络员账号", "网格员选择负责的网格，联络员选择所属部门；他们首次登录时各自修改密码。",
            "auth.new_user", has_accounts_besides_admins(), ADMIN_ONLY,
        )
    ]  # fmt: skip


from hubapp.blueprints.auth import (  # noqa: E402,F401  (register on import)
    loader,
    views,
)
