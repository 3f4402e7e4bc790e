"""Meetings of the joint meeting (联席会议) and their 纪要.

Services: ``planning`` (meetings with their room, attendance, agenda), ``decisions`` (议定事项 and
their follow-up), ``minutes`` (draft → approved → issued, corrections). Pages: ``views`` and
``decision_views``; the PDFs: ``printing``.
"""

from flask import Blueprint, render_template

from hubapp import audit
from hubapp.blueprints import NavItem
from hubapp.blueprints.auth.roles import STAFF_ROLES, Role
from hubapp.blueprints.meetings.models import DECISION_STATES, MINUTES_STATES

bp = Blueprint("meetings", __name__, url_prefix="/meetings")
BLUEPRINTS = [bp]
audit.describe(
    "meeting",
    "会议",
    states=MINUTES_STATES,
    actions={
        "meeting.create": "新建会议",
        "meeting.update": "修改会议",
        "meeting.delete": "删除会议",
        "meeting.attendee.add": "添加参会人员",
        "meeting.attendee.remove": "移除参会人员",
        "meeting.agenda.add": "添加议题",
        "meeting.agenda.update": "修改议题",
        "meeting.agenda.refresh": "按最新进展重新生成落实情况",
        "meeting.agenda.remove": "删除议题",
        "minutes.approve": "审定纪要",
        "minutes.return": "退回纪要",
        "minutes.issue": "印发纪要",
        "minutes.correct": "发起更正",
    },
    details={
        "theme": "主题",
        "before": "修改前",
        "after": "修改后",
        "group": "类别",
        "unit": "单位",
        "names": "人员",
        "item": "议题",
        "meeting": "会议",
        "decisions": "带入的未办结议定事项",
    },
)
audit.describe(
    "decision",
    "议定事项",
    states=DECISION_STATES,
    actions={
        "decision.create": "新增议定事项",
        "decision.update": "修改议定事项",
        "decision.delete": "删除议定事项",
        "decision.progress": "报告进展",
        "decision.extend": "延期",
        "decision.done": "办结",
        "decision.unable": "无法完成",
        "decision.reopen": "重新打开",
    },
    details={"new_deadline": "新的完成时限", "number": "序号", "supporters": "协办单位", "supporters_before": "原协办单位"},
)
NAV = [
    NavItem("会议纪要", "meetings.index", STAFF_ROLES, order=50),
    NavItem("议定事项", "meetings.decisions", STAFF_ROLES | {Role.LIAISON}, order=51),
]


def home_panel(user) -> str | None:
    """Active decisions that are overdue or fall due within five working days, for staff and liaisons."""
    from hubapp.blueprints.meetings import decisions
    from hubapp.blueprints.meetings.models import DUE_SOON_WORKING_DAYS

    if user.role not in STAFF_ROLES | {Role.LIAISON}:
        return None
    counts = decisions.decision_counts(user)
    return render_template("meetings/_home_panel.html", counts=counts, days=DUE_SOON_WORKING_DAYS)


def notices_due(now) -> None:
    from hubapp.blueprints.meetings import notices

    notices.minutes_waiting(now)
    notices.decisions_due(now)


from hubapp.blueprints.meetings import decision_views, views  # noqa: E402,F401
