"""产学研 (industry–university–research cooperation): partners and their agreements, cooperation
projects with the community's enterprises, and 实习实训 placements counted in person-times.

Rules and figures: ``services``; pages: ``views``."""

from flask import Blueprint

from hubapp import audit
from hubapp.blueprints import NavItem
from hubapp.blueprints.auth.roles import STAFF_ROLES
from hubapp.blueprints.cooperation.models import PROJECT_STATUSES

bp = Blueprint("cooperation", __name__, url_prefix="/cooperation")
BLUEPRINTS = [bp]
audit.describe(
    "coop_partner",
    "产学研合作单位",
    actions={
        "coop_partner.create": "新增合作单位",
        "coop_partner.update": "修改合作单位",
        "coop_placement.import": "导入实习实训名单",
    },
    details={"name": "名称", "added": "新增条数", "skipped": "跳过（已导入过）"},
)
audit.describe(
    "coop_project",
    "产学研合作项目",
    states=PROJECT_STATUSES,
    actions={
        "coop_project.create": "登记合作项目",
        "coop_project.update": "修改合作项目",
        "coop_project.match": "由技术需求创建科研对接",
    },
    details={"kind": "类型", "demand": "技术需求", "partner": "合作单位"},
)
audit.describe(
    "coop_placement",
    "实习实训",
    actions={"coop_placement.create": "登记实习实训", "coop_placement.delete": "删除实习实训"},
    details={"students": "学生人数", "start_on": "开始日期", "record": "删除前的记录"},
)
NAV = [NavItem("产学研", "cooperation.index", STAFF_ROLES, order=56)]

from hubapp.blueprints.cooperation import views  # noqa: E402,F401
