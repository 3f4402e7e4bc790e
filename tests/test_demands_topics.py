"""Staff keep the topics an enterprise may pick when it raises a demand: added, renamed, put in
order, deactivated; a topic in use is never deleted. The public form offers what the list says, and
the staff list shows and filters by it."""

import re

import pytest
from factories import directory
from sqlalchemy import select

from hubapp import audit
from hubapp.blueprints.demands import topics
from hubapp.blueprints.demands.models import Demand, DemandTopic
from hubapp.blueprints.demands.selfreport import SelfReport, raise_demand
from hubapp.blueprints.directory.models import Enterprise
from hubapp.database import atomic
from hubapp.extensions import db
from hubapp.rules import Conflict, RuleError

INITIAL = ["就业创业", "项目申报", "资格审查", "融资贷款", "税费服务", "社保医保", "人才引进", "知识产权", "安全生产", "其他"]


def named(name: str) -> DemandTopic:
    return db.session.scalars(select(DemandTopic).where(DemandTopic.name == name)).one()


def offered(client) -> list[str]:
    page = client.get("/e/demands/new").get_data(as_text=True)
    select_html = re.search(r'<select[^>]*name="topic".*?</select>', page, re.S).group(0)
    return re.findall(r"<option[^>]*>([^<]+)</option>", select_html)[1:]


def firm() -> Enterprise:
    found = db.session.scalar(select(Enterprise).where(Enterprise.short_name == "汇科工控"))
    return found or directory.enterprise("威海汇科工控技术有限公司", "汇科工控")


def self_reported(topic: str | None, title="申请稳岗补贴需要哪些材料") -> Demand:
    enterprise = firm()
    with atomic():
        return raise_demand(SelfReport(
            kind="problem", description=title, enterprise_name=enterprise.name, uscc=enterprise.uscc,
            contact_name="杨经理", contact_mobile="13985263751", topic_id=named(topic).id if topic else None,
        ))  # fmt: skip


@pytest.fixture
def staff(client, auth, users):
    auth.login("staff")
    return client


def test_the_form_starts_with_the_former_list_in_its_order(client):
    assert offered(client) == INITIAL


def test_staff_add_rename_reorder_and_deactivate_and_the_public_form_follows(staff, app):
    public = app.test_client()
    assert staff.post("/demands/topics", data={"name": " 出口  退税 "}).status_code == 303
    assert offered(public)[-1] == "出口 退税"

    topic = named("出口 退税")
    assert staff.post(f"/demands/topics/{topic.id}/rename", data={"name": "出口退税", "version": topic.version}).status_code == 303
    db.session.expire_all()
    topic = named("出口退税")
    assert staff.post(f"/demands/topics/{topic.id}/move", data={"direction": "up", "version": topic.version}).status_code == 303
    assert offered(public)[-2:] == ["出口退税", "其他"]

    other = named("其他")
    assert staff.post(f"/demands/topics/{other.id}/active", data={"active": "0", "version": other.version}).status_code == 303
    assert "其他" not in offered(public)
    page = staff.get("/demands/topics").get_data(as_text=True)
    assert "已停用" in page and "重新启用" in page

    trail = [e.action for e in db.session.scalars(select(audit.AuditEntry).where(audit.AuditEntry.object_type == "demand_topic"))]
    assert trail == ["demand_topic.create", "demand_topic.rename", "demand_topic.move", "demand_topic.deactivate"]


def test_a_refused_name_shows_next_to_its_row_as_typed(staff):
    topic = named("人才引进")
    response = staff.post(f"/demands/topics/{topic.id}/rename", data={"name": "融资贷款", "version": topic.version})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="topic-{topic.id}-error">已有名为“融资贷款”的主题。' in page
    assert page.count('value="融资贷款"') == 2, "the row keeps what was typed; the other row is unchanged"
    too_long = staff.post("/demands/topics", data={"name": "很" * 21})
    assert too_long.status_code == 422 and "主题名称不超过20字" in too_long.get_data(as_text=True)
    assert 'value="' + "很" * 21 + '"' in too_long.get_data(as_text=True)
    assert named("人才引进").name == "人才引进"


def test_a_change_drawn_from_an_older_page_is_refused(staff):
    topic = named("安全生产")
    stale = topic.version
    assert staff.post(f"/demands/topics/{topic.id}/rename", data={"name": "安全环保", "version": stale}).status_code == 303
    late = staff.post(f"/demands/topics/{topic.id}/active", data={"active": "0", "version": stale})
    assert late.status_code == 409 and "已被他人修改" in late.get_data(as_text=True)
    db.session.expire_all()
    assert named("安全环保").active


def test_a_topic_in_use_is_never_deleted_only_deactivated(staff):
    demand = self_reported("社保医保")
    topic = named("社保医保")
    confirm = staff.get(f"/demands/topics/{topic.id}/delete").get_data(as_text=True)
    assert "不能删除" in confirm and "确认删除" not in confirm
    refused = staff.post(f"/demands/topics/{topic.id}/delete", data={"version": topic.version})
    assert refused.status_code == 409 and "已有1件诉求使用“社保医保”，不能删除" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Demand, demand.id).topic.name == "社保医保"


def test_an_unused_topic_is_deleted_after_confirmation(staff):
    topic = named("资格审查")
    confirm = staff.get(f"/demands/topics/{topic.id}/delete").get_data(as_text=True)
    assert "删除主题“资格审查”？" in confirm and "确认删除" in confirm
    assert staff.post(f"/demands/topics/{topic.id}/delete", data={"version": topic.version}).status_code == 303
    assert "资格审查" not in offered(staff)


def test_the_database_refuses_to_delete_a_topic_in_use(app):
    self_reported("融资贷款")
    with pytest.raises(Exception), atomic():  # noqa: B017, PT011 - the driver's IntegrityError
        db.session.execute(db.delete(DemandTopic).where(DemandTopic.name == "融资贷款"))


def test_the_service_refuses_an_empty_name_and_a_deactivated_topic_on_the_form(app):
    with pytest.raises(RuleError, match="请填写主题名称"), atomic():
        topics.add_topic(None, "  ")
    with atomic():
        topics.set_active(None, named("其他"), False, None)
    with pytest.raises(RuleError, match="该主题已停用"):
        self_reported("其他")
    with pytest.raises(Conflict, match="不能删除"), atomic():
        self_reported("项目申报")
        topics.delete_topic(None, named("项目申报"), None)


def test_the_staff_list_shows_the_topic_and_filters_by_it(staff):
    self_reported("融资贷款", title="设备贷款需求")
    self_reported("社保医保", title="社保转移咨询")
    page = staff.get("/demands/").get_data(as_text=True)
    assert '<span class="badge topic">融资贷款</span>' in page
    topic = named("社保医保")
    filtered = staff.get(f"/demands/?topic={topic.id}").get_data(as_text=True)
    assert "社保转移咨询" in filtered and "设备贷款需求" not in filtered
    assert f'<option value="{topic.id}" selected>社保医保</option>' in filtered
    assert "社保转移咨询" in staff.get("/demands/?topic=abc").get_data(as_text=True), "a hand-edited filter is ignored"


def test_the_topics_page_needs_staff(client, auth, users):
    auth.login("grid_worker")
    assert client.get("/demands/topics").status_code == 403
    assert client.post("/demands/topics", data={"name": "新主题"}).status_code == 403
