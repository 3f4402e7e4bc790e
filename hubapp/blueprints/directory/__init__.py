from flask import Blueprint

from hubapp import audit
from hubapp.blueprints import NavItem
from hubapp.blueprints.auth.roles import ALL_ROLES
from hubapp.blueprints.directory.models import ENTERPRISE_STATES

bp = Blueprint("directory", __name__, url_prefix="/directory")
BLUEPRINTS = [bp]
NAV = [NavItem("企业名录", "directory.enterprises", ALL_ROLES, order=80)]

audit.describe(
    "enterprise",
    "企业",
    states=ENTERPRISE_STATES,
    actions={
        "enterprise.create": "新增企业",
        "enterprise.update": "修改企业信息",
        "enterprise.deactivate": "停用企业",
        "enterprise.reactivate": "重新启用企业",
    },
    details={"uscc": "统一社会信用代码", "changes": "变更内容", "file": "文件"},
)
audit.describe(
    "enterprise_import",
    "企业名录导入",
    actions={"enterprise_import.confirm": "确认导入企业名录"},
    details={"added": "新增企业", "updated": "更新企业", "skipped_rows": "跳过的错误行"},
)

from hubapp.blueprints.directory import enterprise_views, views  # noqa: E402,F401
