"""The outbox and its sender: a message is queued with the change that causes it, sent once by
whichever sender takes it, retried when the other side is down, paced to what a robot accepts,
kept out of the night for SMS, and shown to admins with the button that sends a failed one again."""

import threading
from datetime import datetime, timedelta

import pytest
from fake_gateways import FakeGateway
from sqlalchemy import select

from hubapp import audit, clock
from hubapp.blueprints.notify import channels, outbox
from hubapp.blueprints.notify.models import OutboxMessage
from hubapp.blueprints.notify.outbox import Message, queue
from hubapp.blueprints.notify.sender import Sender
from hubapp.database import atomic
from hubapp.extensions import db

NOON = datetime(2026, 3, 2, 12, 0)


class Clock:
    """A clock the test moves by hand, never by sleeping."""

    def __init__(self, at: datetime):
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **delta) -> None:
        self.at += timedelta(**delta)


@pytest.fixture
def now(monkeypatch):
    moved = Clock(NOON)
    monkeypatch.setattr(clock, "now", moved)
    return moved


def robot_message(url: str, number: int = 1, text: str = "新诉求：厂区门口路灯不亮", mentions=()) -> Message:
    return Message("wecom", url, text, "demand.created", "demand", number, f"/demands/{number}", tuple(mentions))


def messages() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_a_message_is_written_with_the_change_that_causes_it(app, now):
    with atomic():
        queue(robot_message("https://robot.example/send?key=abc", mentions=["13800000001"]))
    [message] = messages()
    assert message.text == "新诉求：厂区门口路灯不亮 http://hub.example.cn/demands/1"
    assert message.mentions == "13800000001"
    assert message.state == "waiting" and message.due_at == NOON


def test_a_change_that_rolls_back_queues_nothing(app, now):
    with pytest.raises(RuntimeError), atomic():
        queue(robot_message("https://robot.example/send?key=abc"))
        raise RuntimeError("the change failed after the message was queued")
    assert messages() == []


def test_the_same_event_is_queued_once_per_recipient(app, now):
    with atomic():
        queue(robot_message("https://robot.example/send?key=abc"))
        queue(robot_message("https://robot.example/send?key=abc"))
        queue(robot_message("https://robot.example/send?key=other"))
        assert queue(Message("sms", "", "没有手机号", "demand.answered", "demand", 1)) is None
    assert len(messages()) == 2


def test_without_a_channel_switched_on_messages_are_only_recorded(app, now):
    with FakeGateway() as robot:
        with atomic():
            queue(robot_message(robot.url()))
        tally = Sender().send_due()
    assert tally.recorded == 1 and robot.received == []
    [message] = messages()
    assert message.state == "recorded"


@pytest.fixture
def live(app):
    app.config.update(NOTIFY_WECOM_SEND=True, NOTIFY_SMS_SEND=True)
    return app


def test_the_robot_receives_the_text_and_the_mentions(live, now):
    with FakeGateway() as robot:
        with atomic():
            queue(robot_message(robot.url(), mentions=["13800000001"]))
        Sender().send_due()
    assert robot.received == [
        {
            "msgtype": "text",
            "text": {
                "content": "新诉求：厂区门口路灯不亮 http://hub.example.cn/demands/1",
                "mentioned_mobile_list": ["13800000001"],
            },
        }
    ]
    assert messages()[0].state == "sent"


def test_a_long_text_is_cut_to_what_a_robot_accepts_without_breaking_a_character():
    cut = channels.truncate_utf8("诉" * 1000, channels.WECOM_MAX_BYTES)
    assert len(cut.encode("utf-8")) <= 2048
    assert cut.endswith("…") and set(cut[:-1]) == {"诉"}


def test_a_robot_error_is_kept_and_tried_again_later_then_given_up(live, now):
    live.config["NOTIFY_MAX_ATTEMPTS"] = 3
    with FakeGateway() as robot:
        robot.default_answer = {"errcode": 93000, "errmsg": "invalid webhook url"}
        with atomic():
            queue(robot_message(robot.url()))
        Sender().send_due()
        [message] = messages()
        assert message.state == "waiting" and message.attempts == 1
        assert message.last_error == "errcode 93000: invalid webhook url"
        assert message.due_at == NOON + timedelta(minutes=1)
        Sender().send_due()  # not due yet: nothing asked
        assert len(robot.received) == 1
        now.advance(minutes=1)
        Sender().send_due()
        assert messages()[0].due_at == NOON + timedelta(minutes=3)
        now.advance(minutes=2)
        Sender().send_due()
    [message] = messages()
    assert message.state == "failed" and message.attempts == 3 and len(robot.received) == 3


def test_a_robot_that_is_down_loses_nothing(live, now):
    with FakeGateway() as robot:
        url = robot.url()
        with atomic():
            queue(robot_message(url))
    Sender().send_due()  # the robot is gone: connection refused
    assert messages()[0].state == "waiting" and "无法访问" in messages()[0].last_error
    with FakeGateway() as robot:
        robot.server.server_close()
    # A new robot on another port stands for the old one coming back: point the message at it.
    with FakeGateway() as back:
        db.session.execute(OutboxMessage.__table__.update().values(recipient=back.url()))
        db.session.commit()
        now.advance(minutes=1)
        Sender().send_due()
    assert len(back.received) == 1 and messages()[0].state == "sent"


def test_a_robot_gets_at_most_twenty_a_minute_and_the_twenty_first_waits(live, now):
    with FakeGateway() as robot:
        with atomic():
            for number in range(1, 22):
                queue(robot_message(robot.url(), number))
        tally = Sender().send_due()
        assert len(robot.received) == 20 and tally.paced == 1
        waiting = [m for m in messages() if m.state == "waiting"]
        assert [m.object_id for m in waiting] == ["21"] and waiting[0].due_at == NOON + timedelta(minutes=1)
        now.advance(seconds=59)
        Sender().send_due()
        assert len(robot.received) == 20
        now.advance(seconds=1)
        Sender().send_due()
    assert len(robot.received) == 21
    assert all(m.state == "sent" for m in messages())


def test_two_senders_at_once_send_each_message_exactly_once(live, now):
    with FakeGateway() as robot:
        with atomic():
            for number in range(1, 41):
                # Forty robots' worth of messages (one each) so that pacing does not hold any back.
                queue(robot_message(robot.url(f"/send?key=robot-{number}"), number))

        def send():
            with live.app_context():
                Sender().send_due(batch=5)

        senders = [threading.Thread(target=send) for _ in range(2)]
        for sender in senders:
            sender.start()
        for sender in senders:
            sender.join()
    texts = sorted(r["text"]["content"] for r in robot.received)
    assert len(texts) == 40 and len(set(texts)) == 40
    assert all(m.state == "sent" and m.attempts == 1 for m in messages())


def sms(mobile="13900000002", text="您报名的“政策宣讲会”已确认。"):
    return Message("sms", mobile, text, "signup.confirmed", "signup", 7)


@pytest.fixture
def gateway(live):
    with FakeGateway() as fake:
        fake.default_answer = {"code": "0", "msg": "成功"}
        live.config.update(
            NOTIFY_SMS_URL=fake.url("/sms/send"),
            NOTIFY_SMS_EXTRA={"account": "hub", "password": "secret"},
            NOTIFY_SMS_BAD_NUMBER=["1004"],
        )
        yield fake


def test_an_sms_goes_to_the_gateway_with_the_signature_and_credentials(gateway, now):
    with atomic():
        queue(sms())
    Sender().send_due()
    assert gateway.received == [
        {"account": "hub", "password": "secret", "mobile": "13900000002",
         "content": "【蓝色创业谷党群服务中心】您报名的“政策宣讲会”已确认。"}
    ]  # fmt: skip
    assert messages()[0].state == "sent"


def test_a_gateway_that_takes_a_form_gets_a_form(gateway, live, now):
    live.config.update(NOTIFY_SMS_FORM=True, NOTIFY_SMS_MOBILE_FIELD="phone", NOTIFY_SMS_TEXT_FIELD="msg")
    with atomic():
        queue(sms())
    Sender().send_due()
    assert gateway.received[0]["phone"] == "13900000002" and gateway.received[0]["msg"].startswith("【")


def test_a_bad_number_is_not_tried_again(gateway, now):
    gateway.default_answer = {"code": "1004", "msg": "号码无效"}
    with atomic():
        queue(sms())
    Sender().send_due()
    [message] = messages()
    assert message.state == "failed" and message.attempts == 1 and "号码无效" in message.last_error


def test_sms_wait_for_the_morning(gateway, now):
    now.at = datetime(2026, 3, 2, 21, 30)
    with atomic():
        queue(sms())
    assert messages()[0].due_at == datetime(2026, 3, 3, 8, 0)
    Sender().send_due()
    assert gateway.received == []
    now.at = datetime(2026, 3, 3, 8, 0)
    Sender().send_due()
    assert len(gateway.received) == 1


def test_a_long_sms_counts_its_segments():
    assert channels.sms_segments("字" * 70) == 1
    assert channels.sms_segments("字" * 71) == 2
    assert channels.sms_segments("字" * 135) == 3


def failed_message() -> OutboxMessage:
    with atomic():
        message = queue(sms())
        message.failed_at, message.attempts, message.last_error = NOON, 6, "短信网关无法访问"
    return message


def test_admins_see_the_outbox_and_send_a_failed_message_again(auth, client, now):
    auth.login("admin")
    assert "还没有通知" in client.get("/admin/notifications").get_data(as_text=True)
    message = failed_message()
    page = client.get("/admin/notifications?state=failed").get_data(as_text=True)
    assert "短信网关无法访问" in page and "重新发送" in page
    assert "没有符合条件的通知" in client.get("/admin/notifications?state=sent").get_data(as_text=True)
    response = client.post(f"/admin/notifications/{message.id}/retry")
    assert response.status_code == 303
    [again] = messages()
    assert again.state == "waiting" and again.attempts == 0
    [entry] = audit.entries_for("outbox", message.id)
    assert entry.action == "outbox.retry" and entry.from_state == "failed"
    # A second press (another tab) finds nothing to retry, and says so.
    response = client.post(f"/admin/notifications/{message.id}/retry", follow_redirects=True)
    assert "已不是发送失败状态" in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["staff", "liaison", "grid_worker"])
def test_only_admins_see_the_outbox(auth, client, role):
    auth.login(role)
    assert client.get("/admin/notifications").status_code == 403


def test_the_notify_command_sends_what_is_due_and_exits(app, now):
    with atomic():
        queue(robot_message("https://robot.example/send?key=abc"))
    result = app.test_cli_runner().invoke(args=["hub", "notify"])
    assert result.exit_code == 0, result.output
    assert "仅记录 1 条" in result.output
    assert messages()[0].state == "recorded"


def test_a_message_another_transaction_queued_first_is_not_queued_again_and_the_change_goes_on(app, now, monkeypatch):
    with atomic():
        queue(robot_message("https://robot.example/send?key=abc"))
    # A second sender queues the same reminder between our check and our insert: the check misses it.
    monkeypatch.setattr(outbox, "_queued", lambda key: False)
    with atomic():
        assert queue(robot_message("https://robot.example/send?key=abc")) is None
        queue(robot_message("https://robot.example/send?key=abc", number=2))
    assert [m.object_id for m in messages()] == ["1", "2"]
