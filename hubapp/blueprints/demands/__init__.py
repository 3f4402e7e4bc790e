"""企业服务直通车: enterprises' demands and the grid workers' visits that collect them.

``models``      demands, their timeline and visits; ``DEMAND_STATES``
``reading``     who may see and do what, and the lists the pages read
``moves``       registering a demand, moving it between states, supervising it
``liaison``     a department's 签收, 退单 and 延期 requests
``outcomes``    a demand's outcome in figures (办理成效)
``visits``      logging a visit, and the visit ledger (走访台账)
``statistics``  a year's figures per list, department and month; ``charts`` them as SVG
``bulletin``    the monthly 通报 (``report_views`` its page and PDF)
``exports``     the Excel workbooks; ``forms``, ``views`` the pages; ``demo`` the demo data
"""

from flask import Blueprint, render_template

from hubapp import audit
from hubapp.blueprints import NavItem
from hubapp.blueprints.auth.roles import STAFF_ROLES, Role
from hubapp.blueprints.demands import reading
from hubapp.blueprints.demands.models import DEMAND_STATES

bp = Blueprint("demands", __name__, url_prefix="/demands")
BLUEPRINTS = [bp]
audit.describe(
    "demand",
    "企业诉求",
    states=DEMAND_STATES,
    actions={
        "demand.create": "登记诉求",
        "demand.accept": "受理直办",
        "demand.transfer": "转办诉求",
        "demand.answer": "反馈办理结果",
        "demand.close": "诉求销号",
        "demand.return": "诉求退回重办",
        "demand.decline": "不予受理",
        "demand.supervise": "督办诉求",
        "demand.acknowledge": "部门签收诉求",
        "demand.co_sign": "协办单位签收",
        "demand.co_opinion": "提出协办意见",
        "demand.hand_back": "部门退单",
        "demand.extend_ask": "申请延期",
        "demand.extend_grant": "同意延期",
        "demand.extend_deny": "不同意延期",
        "demand.outcome": "填写办理成效",
        "demand.matched": "对接合作单位（科研对接）",
    },
    details={
        "funding_amount": "融资到位（万元）",
        "funding_instrument": "融资方式",
        "funding_source": "银行或基金",
        "resolution": "解决情况",
        "partner": "对接院校或机构",
        "project_started": "项目已启动",
        "jobs_filled": "解决就业（人）",
    },
)
audit.describe(
    "demand_topic",
    "诉求主题",
    states={"active": "启用", "inactive": "已停用"},
    actions={
        "demand_topic.create": "新增诉求主题",
        "demand_topic.rename": "修改诉求主题名称",
        "demand_topic.move": "调整诉求主题顺序",
        "demand_topic.activate": "启用诉求主题",
        "demand_topic.deactivate": "停用诉求主题",
        "demand_topic.delete": "删除诉求主题",
    },
    details={"name": "名称", "old": "原名称", "neighbour": "与之互换位置"},
)
audit.describe(
    "visit",
    "走访记录",
    actions={"visit.create": "登记走访"},
    details={"enterprise": "企业", "topics": "走访内容"},
)
NAV = [
    NavItem("企业诉求", "demands.index", STAFF_ROLES, order=60),
    NavItem("转办诉求", "demands.department", frozenset({Role.LIAISON}), order=60),
    NavItem("我的网格", "demands.grid", frozenset({Role.GRID_WORKER}), order=60),
]


def home_panel(user) -> str | None:
    """Staff: to accept, overdue, awaiting closure; a liaison: waiting for their answer; a grid
    worker: this month's visits and their open demands."""
    counts = reading.home_counts(user)
    if not counts:
        return None
    return render_template("demands/_home_panel.html", counts=counts)


def grid_panel(grid) -> str:
    """A grid's page in the register: which of its enterprises were visited this month."""
    from hubapp import clock
    from hubapp.blueprints.demands import visits

    month = clock.today().replace(day=1)
    return render_template("demands/_grid_panel.html", row=visits.grid_coverage(grid, month), month=month)


def notices_due(now) -> None:
    from hubapp.blueprints.demands import notices

    notices.deadlines_due(now)


from hubapp.blueprints.demands import report_views, topic_views, views  # noqa: E402,F401
