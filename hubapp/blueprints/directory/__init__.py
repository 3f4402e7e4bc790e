"""The register every module picks from: enterprises, grids and departments.

``models``            departments, grids, enterprises
``services``          reading the register (what other modules call)
``grids``             adding and editing grids, moving enterprises between them
``departments``       adding, editing, deactivating departments
``picker``            choosing an enterprise by typing (forms' field, suggestions)
``views``             the enterprise pages; ``grid_views``, ``department_views`` the others;
                      ``public_views`` the names a public form may suggest
"""

from flask import Blueprint

from hubapp import audit
from hubapp.blueprints import NavItem, SetupStep
from hubapp.blueprints.auth.roles import ALL_ROLES, STAFF_ROLES
from hubapp.blueprints.directory.models import ENTERPRISE_STATES

bp = Blueprint("directory", __name__, url_prefix="/directory")
#: What anyone may ask of the register without an account: a few names while filling a public form.
public_bp = Blueprint("directory_public", __name__)
BLUEPRINTS = [bp, public_bp]
NAV = [
    NavItem("企业名录", "directory.enterprises", ALL_ROLES, order=80),
    # One entry for both, so that the admin's menu stays on one line; the pages link each other.
    NavItem("网格与部门", "directory.grids", STAFF_ROLES, order=81),
]
audit.describe(
    "grid",
    "网格",
    actions={"grid.create": "新增网格", "grid.update": "修改网格", "grid.delete": "删除网格"},
    details={"area": "范围"},
)
audit.describe(
    "department",
    "部门单位",
    states={"active": "在用", "inactive": "已停用"},
    actions={
        "department.create": "新增部门单位",
        "department.update": "修改部门单位",
        "department.deactivate": "停用部门单位",
        "department.activate": "恢复部门单位",
        "department.delete": "删除部门单位",
    },
)

audit.describe(
    "enterprise",
    "企业",
    states=ENTERPRISE_STATES,
    actions={
        "enterprise.create": "新增企业",
        "enterprise.update": "修改企业信息",
        "enterprise.deactivate": "停用企业",
        "enterprise.reactivate": "重新启用企业",
        "enterprise.grid": "调整所属网格",
    },
    details={"uscc": "统一社会信用代码", "changes": "变更内容", "file": "文件"},
)
audit.describe(
    "enterprise_import",
    "企业名录导入",
    actions={"enterprise_import.confirm": "确认导入企业名录"},
    details={"added": "新增企业", "updated": "更新企业", "skipped_rows": "跳过的错误行"},
)


def setup_steps() -> list[SetupStep]:
    from hubapp.blueprints.directory.models import Department, Enterprise, Grid
    from hubapp.blueprints.directory.services import has_any

    return [
        SetupStep(
            20, "登记部门与单位", "联席会议成员单位，以及诉求可以转办的其他单位（住建、公交公司、银行……）。",
            "directory.new_department", has_any(Department), STAFF_ROLES,
        ),
        SetupStep(
            30, "划分网格", "网格把企业分给网格员走访；一名网格员可以负责多个网格。",
            "directory.new_grid", has_any(Grid), STAFF_ROLES,
        ),
        SetupStep(
            40, "录入企业名录", "逐家添加，或用 Excel 批量导入企业底数。",
            "directory.enterprises", has_any(Enterprise), STAFF_ROLES,
        ),
    ]  # fmt: skip


from hubapp.blueprints.directory import (  # noqa: E402,F401
    department_views,
    enterprise_views,
    grid_views,
    public_views,
    views,
)
