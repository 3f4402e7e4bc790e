"""Guides (一事一码): matters with their pre-guides, the public page behind each QR code, QR
sheets and posters, views and feedback. Staff pages live under /guides, public ones under /g/."""

from flask import Blueprint, current_app, render_template

from hubapp import audit
from hubapp.blueprints import NavItem
from hubapp.blueprints.auth.roles import STAFF_ROLES
from hubapp.blueprints.guides.models import GUIDE_STATES

bp = Blueprint("guides", __name__, url_prefix="/guides")
public_bp = Blueprint("guides_public", __name__)
BLUEPRINTS = [bp, public_bp]
audit.describe(
    "guide",
    "办事指南",
    states=GUIDE_STATES,
    actions={
        "guide.create": "新建指南",
        "guide.update": "修改指南",
        "guide.publish": "发布",
        "guide.archive": "归档",
        "guide.reopen": "恢复为草稿",
        "guide.review": "确认复核",
        "guide.restore": "恢复历史版本",
        "guide.feedback": "收到反馈",
        "guide.keywords": "修改搜索关键词",
        "guide.adopt": "去掉示例内容标记",
    },
    details={"before": "原关键词", "after": "新关键词", "code": "编码", "fields": "修改项", "previous_review": "上次复核", "helpful": "有帮助", "feedback_id": "反馈编号"},
)
NAV = [NavItem("办事指南", "guides.index", STAFF_ROLES, order=30)]


def home_panel(user) -> str | None:
    """Published guides nobody has confirmed for GUIDE_REVIEW_DAYS days."""
    if user.role not in STAFF_ROLES:
        return None
    from hubapp.blueprints.guides import reading

    days = reading.review_days(current_app.config)
    stale = reading.stale_guides(days)
    if not stale:
        return None
    return render_template("guides/_home_panel.html", stale=stale, days=days)


from hubapp.blueprints.guides import public_views, views  # noqa: E402,F401
