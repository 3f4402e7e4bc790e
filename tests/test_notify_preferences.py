"""Each person turns off what is optional for them on 通知设置 (/account/notifications): a grid
worker the SMS of answers, staff choose e-mail as well as the robot; what the process needs has no
switch. E-mail leaves through the site's SMTP server, tried against a fake one on loopback."""

import pytest
from factories import demands, directory
from factories.accounts import account
from fake_gateways import FakeSmtp
from sqlalchemy import select

from hubapp import audit
from hubapp.blueprints.demands import moves
from hubapp.blueprints.notify.models import NoticePreference, OutboxMessage
from hubapp.blueprints.notify.sender import Sender
from hubapp.database import atomic
from hubapp.extensions import db

STAFF_ROBOT = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=centre"


@pytest.fixture
def app_config(app_config):
    return {**app_config, "NOTIFY_STAFF_WEBHOOK": STAFF_ROBOT}


def outbox(event: str) -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.event == event).order_by(OutboxMessage.id)))


def answered_demand_by(worker, staff):
    demand = demands.demand(worker, directory.enterprise(grid_id=worker.grids[0].id))
    with atomic():
        moves.accept(staff, demand)
        moves.answer(staff, demand, "已协调公交公司调整发车时间。")
    return demand


def test_a_grid_worker_turns_off_the_sms_of_answers_and_the_enterprise_is_still_told(auth, client, users):
    worker = users["grid_worker"]
    with atomic():
        worker.phone = "13600000006"
    auth.login("grid_worker")
    page = client.get("/account/notifications").get_data(as_text=True)
    assert "我登记的诉求有办理结果时，短信通知我" in page and 'checked' in page
    assert "电子邮箱" not in page  # e-mail is for staff
    response = client.post("/account/notifications", data={})  # the box unticked
    assert response.status_code == 303
    assert 'checked' not in client.get("/account/notifications").get_data(as_text=True)
    answered_demand_by(worker, users["staff"])
    assert [m.recipient for m in outbox("demand.answered")] == ["13985263751"]
    [entry] = [e for e in audit.entries_for("notice_preference", worker.id)]
    assert entry.action == "notice_preference.update" and '"sms_demand_answers": false' in entry.detail


def test_by_default_a_grid_worker_hears_of_answers(users):
    worker = users["grid_worker"]
    with atomic():
        worker.phone = "13600000006"
    answered_demand_by(worker, users["staff"])
    assert "13600000006" in {m.recipient for m in outbox("demand.answered")}


def test_staff_asking_for_e_mail_must_give_a_valid_address_and_keep_what_they_typed(auth, client, users):
    auth.login("staff")
    response = client.post("/account/notifications", data={"email_staff_messages": "y"})
    assert response.status_code == 422
    assert "选择接收邮件时，请填写电子邮箱地址。" in response.get_data(as_text=True)
    response = client.post("/account/notifications", data={"email_staff_messages": "y", "email": "wang@centre"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "请输入有效的电子邮箱地址" in page and 'value="wang@centre"' in page
    assert db.session.get(NoticePreference, users["staff"].id) is None
    response = client.post("/account/notifications", data={"email_staff_messages": "y", "email": "wang@centre.cn"})
    assert response.status_code == 303
    db.session.expire_all()
    saved = db.session.get(NoticePreference, users["staff"].id)
    assert (saved.email_staff_messages, saved.email, saved.sms_demand_answers) == (True, "wang@centre.cn", True)


def test_a_liaison_sees_what_cannot_be_turned_off_and_no_switch(auth, client, users):
    auth.login("liaison")
    page = client.get("/account/notifications").get_data(as_text=True)
    assert "不能关闭的通知" in page and "转办给本部门的诉求" in page and "<form method=\"post\" action=\"/account" not in page


def test_the_database_refuses_e_mail_without_an_address(users):
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError), atomic():
        db.session.add(NoticePreference(user_id=users["staff"].id, email_staff_messages=True, email=None))
        db.session.flush()


def opt_in(user, address: str) -> None:
    from hubapp.blueprints.notify import preferences

    with atomic():
        preferences.save(user, preferences.Choices(email_staff_messages=True, email=address))


@pytest.fixture
def smtp(app):
    with FakeSmtp() as server:
        app.config.update(NOTIFY_SMTP_HOST="127.0.0.1", NOTIFY_SMTP_PORT=server.port, NOTIFY_SMTP_TLS="none",
                          NOTIFY_SMTP_FROM="hub@centre.cn")  # fmt: skip
        yield server


def test_staff_who_chose_e_mail_receive_the_staff_messages_by_e_mail(users, smtp):
    opt_in(users["staff"], "wang@centre.cn")
    former = account("former", "staff")
    opt_in(former, "former@centre.cn")
    with atomic():
        former.active = False  # left the centre: no more mail
    demand = demands.demand(users["staff"], directory.enterprise(), title="厂区门口路灯不亮")
    messages = outbox("demand.created")
    assert {m.channel: m.recipient for m in messages if m.channel != "sms"} == {"wecom": STAFF_ROBOT, "email": "wang@centre.cn"}
    tally = Sender().send_due()
    assert tally.sent == 1  # the e-mail; the robot and the SMS are only recorded here
    [mail] = smtp.messages
    assert smtp.envelopes == [("hub@centre.cn", ["wang@centre.cn"])]
    assert mail["Subject"].startswith(f"【蓝色创业谷党群服务中心】新诉求 {demand.number}：") and mail["Subject"].endswith("…")
    assert "“厂区门口路灯不亮”" in mail.get_content()
    assert f"http://hub.example.cn/demands/{demand.id}" in mail.get_content()


def test_an_address_the_server_refuses_is_not_retried(users, smtp):
    opt_in(users["staff"], "nobody@centre.cn")
    smtp.refused.add("nobody@centre.cn")
    demands.demand(users["staff"], directory.enterprise())
    tally = Sender().send_due()
    assert tally.failed == 1
    [mail] = [m for m in outbox("demand.created") if m.channel == "email"]
    assert mail.state == "failed" and "550" in mail.last_error


def test_without_an_smtp_server_the_e_mail_is_only_recorded(users):
    opt_in(users["staff"], "wang@centre.cn")
    demands.demand(users["staff"], directory.enterprise())
    Sender().send_due()
    [mail] = [m for m in outbox("demand.created") if m.channel == "email"]
    assert mail.state == "recorded"
