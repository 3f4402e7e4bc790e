"""Party building (党建): the enterprises' party organisations and their coverage, the 党建联建
activities ledger and the branches' yearly 标准化规范化 checklist.

Services: ``organisations`` (the organisations and coverage), ``activities`` (the ledger, rooms
held through facilities' ``holds``), ``checklist``. Pages: ``views``; the record sheet: ``printing``.
"""

from flask import Blueprint, render_template

from hubapp import audit
from hubapp.blueprints import NavItem
from hubapp.blueprints.auth.roles import STAFF_ROLES
from hubapp.blueprints.party.models import ORGANISATION_STATES

bp = Blueprint("party", __name__, url_prefix="/party")
BLUEPRINTS = [bp]
audit.describe(
    "party_organisation",
    "党组织",
    states=ORGANISATION_STATES,
    actions={
        "party_organisation.create": "新增党组织",
        "party_organisation.update": "修改党组织",
        "party_organisation.deactivate": "撤销党组织",
        "party_organisation.reactivate": "恢复党组织",
    },
    details={"kind": "组织类型", "enterprises": "覆盖企业", "changes": "修改内容"},
)
audit.describe(
    "party_activity",
    "党建联建活动",
    actions={
        "party_activity.create": "登记联建活动",
        "party_activity.update": "修改联建活动",
        "party_activity.delete": "删除联建活动",
        "party_activity.photos.add": "上传活动照片",
        "party_activity.photos.remove": "删除活动照片",
        "party_activity.attendees": "登记签到名单",
    },
    details={"theme": "主题", "branches": "参加支部", "photos": "照片张数", "position": "照片序号", "attendees": "签到人数"},
)
audit.describe(
    "party_checklist",
    "标准化规范化清单",
    actions={
        "party_checklist.item.create": "新增清单项目",
        "party_checklist.item.update": "修改清单项目",
        "party_checklist.tick": "勾选清单项目",
        "party_checklist.untick": "取消勾选清单项目",
    },
    details={"item": "项目", "organisation": "党组织", "year": "年度", "done_on": "完成日期"},
)
NAV = [NavItem("党建工作", "party.index", STAFF_ROLES, order=55)]


def home_panel(user) -> str | None:
    """党组织覆盖 for staff: the article's headline figure, and how many 规上 enterprises still lack one."""
    from hubapp.blueprints.party import organisations

    if user.role not in STAFF_ROLES:
        return None
    return render_template("party/_home_panel.html", coverage=organisations.coverage())


from hubapp.blueprints.party import activity_views, checklist_views, views  # noqa: E402,F401
