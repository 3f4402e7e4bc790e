"""A demand's moves tell the people who wait for them, through the outbox: each move that commits
queues its messages (text, link, recipient), and a move that is refused queues none."""

from datetime import timedelta

import pytest
from factories import demands, directory
from factories.accounts import account
from sqlalchemy import select

from hubapp.blueprints.auth.models import User
from hubapp.blueprints.demands import liaison, moves
from hubapp.blueprints.directory import departments
from hubapp.blueprints.directory.departments import DepartmentDetails
from hubapp.blueprints.notify.models import InboxMessage, OutboxMessage
from hubapp.database import atomic
from hubapp.extensions import db
from hubapp.formatting import chinese_date
from hubapp.rules import RuleError

STAFF_ROBOT = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=centre"
TAX_ROBOT = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=tax"


@pytest.fixture
def app_config(app_config):
    return {**app_config, "NOTIFY_STAFF_WEBHOOK": STAFF_ROBOT}


def outbox(event: str | None = None) -> list[OutboxMessage]:
    db.session.expire_all()
    stmt = select(OutboxMessage).order_by(OutboxMessage.id)
    if event:
        stmt = stmt.where(OutboxMessage.event == event)
    return list(db.session.scalars(stmt))


@pytest.fixture
def tax(app):
    department = directory.department("国家税务总局威海南海新区税务局", "税务分局")
    with atomic():
        departments.update_department(
            None, department,
            DepartmentDetails(department.name, department.short_name, True, None, None, 1, robot_webhook=TAX_ROBOT),
        )  # fmt: skip
    account("tax-liaison", "liaison", department=department, phone="13700000007")
    return department


@pytest.fixture
def people(app):
    grid = directory.grid(1)
    return {
        "staff": account("staff", "staff"),
        "grid_worker": account("gw", "grid_worker", grids=[grid], phone="13600000006"),
        "enterprise": directory.enterprise(grid_id=grid.id),
    }


def test_a_new_demand_tells_the_staff_robot_and_the_enterprise(people):
    demand = demands.demand(people["staff"], people["enterprise"], title="厂区门口路灯不亮")
    [robot] = outbox("demand.created")[:1]
    assert robot.channel == "wecom" and robot.recipient == STAFF_ROBOT
    assert robot.text.startswith(f"新诉求 {demand.number}：威海汇科工控技术有限公司“厂区门口路灯不亮”")
    assert robot.link == f"http://hub.example.cn/demands/{demand.id}"
    [sms] = [m for m in outbox("demand.created") if m.channel == "sms"]
    assert sms.recipient == "13985263751" and f"编号{demand.number}" in sms.text


def test_a_transferred_demand_tells_the_department_robot_and_mentions_its_liaison(people, tax):
    demand = demands.transferred(people["staff"], people["enterprise"], tax, title="出口退税进度")
    [message] = outbox("demand.transferred")
    assert message.recipient == TAX_ROBOT and message.mentions == "13700000007"
    assert f"诉求 {demand.number} 转税务分局办理：“出口退税进度”" in message.text


def test_a_refused_transfer_queues_nothing(people, tax):
    demand = demands.demand(people["staff"], people["enterprise"])
    with pytest.raises(RuleError), atomic():
        moves.transfer(people["staff"], demand, tax.id, "", None)  # no note, no deadline
    assert outbox("demand.transferred") == []


def test_an_answer_tells_the_enterprise_and_the_grid_worker_who_registered_it(people, tax):
    staff, worker = people["staff"], people["grid_worker"]
    demand = demands.demand(worker, people["enterprise"], title="优化公交车时间表")
    with atomic():
        moves.transfer(staff, demand, tax.id, "请协调公交公司。", demand.deadline)
    with atomic():
        moves.answer(staff, demand, "公交公司已调整早班车时间。")
    messages = outbox("demand.answered")
    assert {m.recipient for m in messages} == {"13985263751", "13600000006"}
    enterprise_sms = next(m for m in messages if m.recipient == "13985263751")
    assert "“优化公交车时间表”" in enterprise_sms.text and "已有办理结果，请查看并评价" in enterprise_sms.text
    worker_sms = next(m for m in messages if m.recipient == "13600000006")
    assert "请转告企业" in worker_sms.text


def test_a_closed_demand_thanks_the_enterprise(people):
    staff = people["staff"]
    demand = demands.demand(staff, people["enterprise"])
    with atomic():
        moves.accept(staff, demand)
        moves.answer(staff, demand, "已办理。")
        moves.close(staff, demand, "satisfied")
    [message] = outbox("demand.closed")
    assert message.recipient == "13985263751" and "已办结" in message.text


def test_staff_set_a_department_robot_on_its_edit_page(auth, client, users):
    auth.login("staff")
    department = users["liaison"].department
    form = {"name": department.name, "short_name": department.short_name, "joint_meeting_member": "y"}
    response = client.post(f"/directory/departments/{department.id}/edit", data={**form, "robot_webhook": "qyapi.weixin"})
    assert response.status_code == 422
    assert "以 https:// 开头" in response.get_data(as_text=True) and "qyapi.weixin" in response.get_data(as_text=True)
    response = client.post(f"/directory/departments/{department.id}/edit", data={**form, "robot_webhook": TAX_ROBOT})
    assert response.status_code == 303
    db.session.expire_all()
    assert department.robot_webhook == TAX_ROBOT
    page = client.get(f"/directory/departments/{department.id}").get_data(as_text=True)
    assert "已设置：诉求转办给本部门时在群里通知并 @ 联络员" in page and "key=tax" not in page


def _extension_asked(people, tax):
    demand = demands.transferred(people["staff"], people["enterprise"], tax, title="出口退税进度")
    asker = db.session.scalar(select(User).where(User.username == "tax-liaison"))
    with atomic():
        liaison.ask_extension(asker, demand, demand.deadline + timedelta(days=7), "需上级税务机关复核。")
    return demand, asker


def _inbox(user) -> list[InboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(InboxMessage).where(InboxMessage.user_id == user.id)))


def test_a_granted_extension_tells_the_liaison_who_asked_and_their_robot(people, tax):
    demand, asker = _extension_asked(people, tax)
    old_deadline = demand.deadline
    with atomic():
        liaison.grant_extension(people["staff"], demand, "同意。")
    [robot] = outbox("demand.extend_grant")
    assert robot.recipient == TAX_ROBOT and robot.mentions == "13700000007"
    expected = f"延期申请已同意：办理时限由{chinese_date(old_deadline)}延至{chinese_date(demand.deadline)}。"
    assert expected in robot.text
    [message] = [m for m in _inbox(asker) if m.event == "demand.extend_grant"]
    assert expected in message.text and message.link_path == f"/demands/{demand.id}"


def test_a_refused_extension_tells_the_liaison_why_and_that_the_deadline_stays(people, tax):
    demand, asker = _extension_asked(people, tax)
    with atomic():
        liaison.refuse_extension(people["staff"], demand, "企业急需，请按原时限办结。")
    [robot] = outbox("demand.extend_deny")
    expected = f"未获同意，理由：企业急需，请按原时限办结。办理时限仍为{chinese_date(demand.deadline)}。"
    assert robot.recipient == TAX_ROBOT and expected in robot.text
    [message] = [m for m in _inbox(asker) if m.event == "demand.extend_deny"]
    assert expected in message.text


def test_a_refusal_without_a_reason_tells_nobody(people, tax):
    demand, asker = _extension_asked(people, tax)
    with pytest.raises(RuleError), atomic():
        liaison.refuse_extension(people["staff"], demand, "")
    assert outbox("demand.extend_deny") == []
    assert [m for m in _inbox(asker) if m.event.startswith("demand.extend")] == []


def test_a_second_request_decided_is_a_second_message(people, tax):
    demand, asker = _extension_asked(people, tax)
    with atomic():
        liaison.refuse_extension(people["staff"], demand, "请按原时限办结。")
    with atomic():
        liaison.ask_extension(asker, demand, demand.deadline + timedelta(days=3), "材料仍未齐。")
    with atomic():
        liaison.refuse_extension(people["staff"], demand, "请按原时限办结。")
    assert len(outbox("demand.extend_deny")) == 2
    assert len([m for m in _inbox(asker) if m.event == "demand.extend_deny"]) == 2
