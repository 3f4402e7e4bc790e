"""A visitor who found a guide of no help (没帮助) is heard at once: the centre's robot reads the
matter and the comment; a 有帮助 tells nobody, and feedback refused tells nobody either."""

import pytest
from factories import guides
from sqlalchemy import select

from hubapp.blueprints.notify.models import OutboxMessage
from hubapp.extensions import db

STAFF_ROBOT = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=centre"


@pytest.fixture
def app_config(app_config):
    return {**app_config, "NOTIFY_STAFF_WEBHOOK": STAFF_ROBOT}


@pytest.fixture
def published(users):
    return guides.matter("qy-bg", actor=users["staff"], published=True)


def outbox() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.event == "guide.unhelpful")))


def test_unhelpful_feedback_tells_the_staff_robot_with_the_comment(client, published):
    assert client.post("/g/qy-bg/feedback", data={"helpful": "no", "comment": "没写需要几份"}).status_code == 303
    [message] = outbox()
    assert message.channel == "wecom" and message.recipient == STAFF_ROBOT
    assert message.text == (
        f"办事指南“{published.name}”（qy-bg，第1版）收到“没帮助”反馈，意见：“没写需要几份”。"
        " http://hub.example.cn/guides/qy-bg/feedback"
    )
    client.post("/g/qy-bg/feedback", data={"helpful": "no"})
    assert "收到“没帮助”反馈，未留意见。" in outbox()[1].text


def test_helpful_or_refused_feedback_tells_nobody(client, published):
    client.post("/g/qy-bg/feedback", data={"helpful": "yes", "comment": "很清楚"})
    assert client.post("/g/qy-bg/feedback", data={"helpful": "no", "comment": "长" * 501}).status_code == 422
    assert outbox() == []
