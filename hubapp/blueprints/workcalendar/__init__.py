"""The working-day calendar (工作日历): statutory holidays and make-up working days that every
working-day count reads (``hubapp.workdays``) — demand deadlines and warnings, and the rooms'
holiday closures. Staff keep it on one page (``views``); the rules are in ``services``."""

from flask import Blueprint

from hubapp import audit
from hubapp.blueprints import NavItem
from hubapp.blueprints.auth.roles import STAFF_ROLES
from hubapp.blueprints.workcalendar.models import DAY_KINDS

bp = Blueprint("workcalendar", __name__, url_prefix="/calendar")
BLUEPRINTS = [bp]
audit.describe(
    "calendar_day",
    "工作日历",
    states=DAY_KINDS,
    actions={"calendar_day.add": "登记节假日安排", "calendar_day.remove": "删除节假日安排"},
    details={"first": "开始日期", "last": "结束日期"},
)
NAV = [NavItem("工作日历", "workcalendar.index", STAFF_ROLES, order=82)]


@bp.before_app_request
def read_the_calendar_afresh():
    """Each request reads the calendar again: another host may have changed it since the last one
    (where a database session outlives requests, as in the test suite, it would keep it)."""
    from hubapp import workdays
    from hubapp.extensions import db

    # A request that has made no database session yet has nothing to forget; asking would make one,
    # which a page served from memory never needs.
    if db.session.registry.has():
        workdays.forget()


from hubapp.blueprints.workcalendar import views  # noqa: E402,F401
