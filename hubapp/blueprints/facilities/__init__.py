"""Rooms, opening hours, closures and bookings. Staff pages live under /facilities; the public
door page of each room (/r/<room_id>, its QR code) and the booking request page (/book) are on
``public_bp``."""

from flask import Blueprint, render_template

from hubapp import audit
from hubapp.blueprints import NavItem, SetupStep
from hubapp.blueprints.auth.roles import ALL_ROLES, STAFF_ROLES
from hubapp.blueprints.facilities.models import BOOKING_MODES, BOOKING_SOURCES, BOOKING_STATES

bp = Blueprint("facilities", __name__, url_prefix="/facilities")
public_bp = Blueprint("facilities_public", __name__)
BLUEPRINTS = [bp, public_bp]
audit.describe(
    "booking",
    "场地预约",
    states=BOOKING_STATES,
    actions={
        "booking.create": "新建预约",
        "booking.confirmed": "批准",
        "booking.rejected": "驳回",
        "booking.cancelled": "取消",
        "booking.checked_in": "签到",
        "booking.no_show": "记为爽约",
        "booking.move": "改期",
        "booking.edit": "修改内容",
    },
    details={"room": "场地", "source": "来源"},
    values={"source": BOOKING_SOURCES},
)
audit.describe("booking_series", "重复预约", actions={"series.create": "新建重复预约", "series.from_booking": "预约设为重复"},
               details={"rule": "重复规则", "created": "已创建", "skipped": "未创建的日期", "booking": "原预约"})  # fmt: skip
audit.describe(
    "room",
    "场地",
    actions={
        "room.create": "新增场地",
        "room.edit": "修改场地",
        "room.hours": "修改开放时间",
        "room.photo": "上传照片",
        "room.photo_removed": "删除照片",
    },
    details={"mode": "预约方式", "hours": "开放时间", "photo": "照片文件"},
    values={"mode": BOOKING_MODES},
)
audit.describe("closure", "闭馆", actions={"closure.create": "新增闭馆", "closure.delete": "删除闭馆"}, details={"room_id": "场地编号", "start": "开始", "end": "结束"})
audit.describe("special_opening", "调休开放", actions={"special_opening.create": "新增调休开放", "special_opening.delete": "删除调休开放"}, details={"day": "日期"})
audit.describe("calendar_token", "日历订阅", actions={"calendar_token.create": "生成订阅链接", "calendar_token.renew": "更换订阅链接"})
NAV = [
    NavItem("场地预约", "facilities.day", STAFF_ROLES, order=20),
    NavItem("我的预约", "facilities.mine", ALL_ROLES - STAFF_ROLES, order=90),
]


def notices_due(now) -> None:
    from hubapp.blueprints.facilities import bookings, notices

    notices.reminders_due(now, bookings.booker_phone)


def setup_steps() -> list[SetupStep]:
    """The first step of the 开始使用 checklist on an empty database: the rooms."""
    from sqlalchemy import exists, select

    from hubapp.blueprints.facilities.models import Room
    from hubapp.extensions import db

    has_rooms = bool(db.session.scalar(select(exists().where(Room.id.is_not(None)))))
    hint = "会议室、活动室、健身房……以及各自的开放时间，预约和活动都从这里选场地。"
    return [SetupStep(10, "登记活动场地", hint, "facilities.new_room", has_rooms, STAFF_ROLES)]


def home_panel(user) -> str | None:
    """今日场地安排: every booking of today, with what needs doing (approve, check in)."""
    if user.role not in STAFF_ROLES:
        return None
    from hubapp import clock
    from hubapp.blueprints.facilities import bookings, schedule, sweeper

    sweeper.nudge()
    return render_template(
        "facilities/_home_panel.html",
        bookings=schedule.today_at_centre(),
        pending=bookings.pending_count(),
        now=clock.now(),
    )


from hubapp.blueprints.facilities import cli, public_views, room_views, views  # noqa: E402,F401
