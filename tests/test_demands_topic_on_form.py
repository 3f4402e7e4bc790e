"""Staff and grid workers pick a topic (optional) when they register a demand, from the active
topics staff keep at /demands/topics, as the enterprise does on its own form; the demand's page
shows it and the staff list filters by it."""

import re

from sqlalchemy import func, select

from hubapp.blueprints.demands import topics
from hubapp.blueprints.demands.models import Demand, DemandTopic
from hubapp.database import atomic
from hubapp.extensions import db
from tests.test_demands_pages import demand_form
from tests.test_demands_services import firms  # noqa: F401  (fixture)


def named(name: str) -> DemandTopic:
    return db.session.scalars(select(DemandTopic).where(DemandTopic.name == name)).one()


def offered(page: str) -> list[str]:
    select_html = re.search(r'<select[^>]*name="topic".*?</select>', page, re.S).group(0)
    return re.findall(r"<option[^>]*>([^<]+)</option>", select_html)


def demands_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Demand))


def test_staff_pick_a_topic_and_the_demand_shows_it_and_the_list_filters_by_it(auth, client, firms):
    auth.login("staff")
    form = client.get("/demands/new").get_data(as_text=True)
    assert offered(form)[:3] == ["请选择", "就业创业", "项目申报"]
    loan = named("融资贷款")
    response = client.post("/demands/new", data=demand_form(firms["home"], topic=str(loan.id)))
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<dt>主题</dt><dd>融资贷款</dd>" in page
    untopical = client.post("/demands/new", data=demand_form(firms["home"], title="厂区门口路灯不亮"))
    assert untopical.status_code == 303
    listed = client.get(f"/demands/?topic={loan.id}").get_data(as_text=True)
    assert "增加专家公寓硬件设施" in listed and "厂区门口路灯不亮" not in listed


def test_a_topic_deactivated_meanwhile_is_refused_next_to_the_field_keeping_the_text(auth, client, firms):
    auth.login("staff")
    other = named("其他")
    with atomic():
        topics.set_active(None, other, False, None)
    assert "其他" not in offered(client.get("/demands/new").get_data(as_text=True))
    response = client.post("/demands/new", data=demand_form(firms["home"], topic=str(other.id), title="优化公交车时间表"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="topic-error">该主题已停用，请重新选择。' in page and "优化公交车时间表" in page
    assert demands_count() == 0


def test_a_tampered_topic_value_is_no_topic_not_an_error(auth, client, firms):
    auth.login("staff")
    response = client.post("/demands/new", data=demand_form(firms["home"], topic="9" * 30))
    assert response.status_code == 303
    assert db.session.scalar(select(Demand.topic_id)) is None


def test_a_grid_worker_picks_a_topic_on_their_registration_too(auth, client, firms):
    auth.login("grid_worker")
    assert "就业创业" in offered(client.get("/demands/new").get_data(as_text=True))
    jobs = named("就业创业")
    response = client.post("/demands/new", data=demand_form(firms["home"], source="visit", topic=str(jobs.id)))
    assert response.status_code == 303
    assert db.session.scalar(select(Demand.topic_id)) == jobs.id


def test_with_no_active_topic_staff_are_shown_where_topics_are_kept(auth, client, firms):
    with atomic():
        for topic in topics.active_topics():
            topics.set_active(None, topic, False, None)
    auth.login("staff")
    page = client.get("/demands/new").get_data(as_text=True)
    assert '尚无可选主题，<a href="/demands/topics">去维护主题</a>' in page
