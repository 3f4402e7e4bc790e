"""Notifications: the outbox every domain queues its messages in (``outbox.queue``), the channels
(企业微信 group robots, the SMS gateway), the sender that drains it, and the admins' page."""

from flask import Blueprint

from hubapp import audit
from hubapp.blueprints import NavItem
from hubapp.blueprints.auth.roles import ADMIN_ONLY
from hubapp.blueprints.notify.models import OUTBOX_STATES

bp = Blueprint("notify", __name__)
BLUEPRINTS = [bp]
NAV = [NavItem("消息通知", "notify.outbox", ADMIN_ONLY, order=92)]
audit.describe(
    "inbox_message",
    "站内消息",
    states={"unread": "未读", "read": "已读"},
    actions={"message.read": "阅读消息", "message.read_all": "全部标为已读"},
    details={"count": "条数"},
)
audit.describe(
    "outbox",
    "通知消息",
    states=OUTBOX_STATES,
    actions={"outbox.retry": "重新发送通知"},
    details={"channel": "渠道", "last_error": "上次失败原因"},
)

audit.describe(
    "notice_preference",
    "通知设置",
    actions={"notice_preference.update": "修改通知设置"},
    details={"sms_demand_answers": "诉求结果短信", "email_staff_messages": "工作群通知发邮件", "email": "电子邮箱"},
)

from hubapp.blueprints.notify import message_views, views  # noqa: E402,F401  (register on import)
