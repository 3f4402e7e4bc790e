"""Themed sessions: planning, public sign-up (/s/<id>), the door, and outcomes.

The rules: ``planning`` (hosts, the theme plan, a session and its room), ``signup`` (seats, the
waitlist, approval, cancellation), ``door`` (check-in, walk-ins), ``outcomes`` (attendance,
financing). The pages: ``views``, ``door_views``, ``outcome_views``, ``public_views``. The files:
``printing`` (PDF), ``exports`` (Excel), ``feeds`` (iCalendar).
"""

from flask import Blueprint, render_template, url_for

from hubapp import audit, qr
from hubapp.blueprints import NavItem
from hubapp.blueprints.auth.roles import STAFF_ROLES
from hubapp.blueprints.sessions.models import (
    FINANCING_STATES,
    REGISTRATION_STATES,
    SESSION_STATES,
)

#: static/ holds the door's camera scanner script (its QR decoder is vendored under static/vendor/jsqr-*).
bp = Blueprint("sessions", __name__, url_prefix="/sessions", static_folder="static")
#: Stable public addresses (printed on posters): /s/<id> and the personal link /s/<id>/r/<token>.
public_bp = Blueprint("sessions_public", __name__)
BLUEPRINTS = [bp, public_bp]


def signup_url(session_id: int) -> str:
    """The public sign-up page's full address, as posters, calendar files and staff pages give it."""
    return qr.public_url(url_for("sessions_public.signup", session_id=session_id))


audit.describe(
    "session",
    "主题活动",
    states=SESSION_STATES,
    actions={
        "session.create": "新建活动",
        "session.update": "修改活动",
        "session.cancel": "取消活动",
        "session.outcome": "记录活动成效",
        "session.question_add": "添加报名问题",
        "session.question_delete": "删除报名问题",
    },
    details={"booking": "场地预约", "promoted": "递补人数", "question": "问题", "session": "活动", "check_in_opens": "开放签到"},
)
audit.describe(
    "registration",
    "报名",
    states={**REGISTRATION_STATES, "checked_in": "已签到"},
    actions={
        "registration.create": "报名",
        "registration.approve": "通过报名",
        "registration.reject": "驳回报名",
        "registration.cancel": "取消报名",
        "registration.promote": "候补递补",
        "registration.check_in": "签到",
        "registration.walk_in": "现场登记",
    },
)
audit.describe(
    "financing",
    "融资对接",
    states=FINANCING_STATES,
    actions={"financing.create": "登记融资对接", "financing.advance": "更新融资进展", "financing.delete": "删除融资对接"},
    details={"amount": "金额（万元）", "bank": "银行", "enterprise": "企业"},
)
audit.describe("session_host", "主办机构", actions={"session_host.create": "新增主办机构", "session_host.update": "修改主办机构"})
audit.describe("session_theme", "月度主题", actions={"session_theme.set": "设置月度主题"})
NAV = [NavItem("主题活动", "sessions.index", STAFF_ROLES, order=30)]


def home_panel(user) -> str | None:
    if user.role not in STAFF_ROLES:
        return None
    from hubapp.blueprints.sessions import outcomes, planning

    sessions = planning.upcoming_sessions()
    return render_template(
        "sessions/_home_panel.html", sessions=sessions, attendance={s.id: outcomes.attendance(s.id) for s in sessions}
    )


def notices_due(now) -> None:
    from hubapp.blueprints.sessions import notices

    notices.reminders_due(now)


from hubapp.blueprints.sessions import door_views, outcome_views, public_views, views  # noqa: E402,F401
