"""A 技术需求 demand matched to a partner becomes one 科研对接 project, linked both ways; the
demand's outcome names the partner; the database refuses a second project for one demand."""

from datetime import date

import pytest
from factories import demands, directory
from sqlalchemy import func, select, text

from hubapp import audit
from hubapp.blueprints.cooperation import services
from hubapp.blueprints.cooperation.models import Partner, Project
from hubapp.blueprints.demands import moves
from hubapp.blueprints.demands.models import DemandOutcome
from hubapp.database import atomic
from hubapp.extensions import db
from hubapp.rules import Conflict


def partner(name="吉林大学威海仿生研究院", kind="institute") -> Partner:
    with atomic():
        return services.create_partner(None, services.PartnerDetails(name=name, kind=kind))


def tech_demand(users, firm, title="伺服电机控制算法优化"):
    return demands.demand(users["staff"], firm, kind="tech", title=title, description="需要高校协助优化控制算法。")


def match(actor, demand, partner_, status="active", title=None) -> Project:
    with atomic():
        return services.match_demand(
            actor, demand, services.MatchDetails(partner_.id, title or demand.title, status, date(2026, 4, 1))
        )


def test_a_matched_demand_becomes_one_research_project_and_its_outcome_names_the_partner(app, users):
    institute = partner()
    firm = directory.enterprise("威海汇科工控技术有限公司", "汇科工控")
    demand = tech_demand(users, firm)
    project = match(users["staff"], demand, institute)
    assert (project.kind, project.enterprise_id, project.title, project.demand_id) == (
        "research", firm.id, "伺服电机控制算法优化", demand.id,
    )  # fmt: skip
    assert services.project_for_demand(demand.id) is project
    outcome = db.session.get(DemandOutcome, demand.id)
    assert (outcome.partner, outcome.project_started) == ("吉林大学威海仿生研究院", True)
    assert services.year_figures(2026).projects_by_kind["research"] == 1
    with pytest.raises(Conflict, match="已对接科研项目"), atomic():
        services.match_demand(users["staff"], demand, services.MatchDetails(institute.id, "再对接", "active", date(2026, 4, 2)))
    assert db.session.scalar(select(func.count()).select_from(Project)) == 1
    [matched] = audit.entries_for("coop_project", project.id)
    assert matched.action == "coop_project.match" and matched.actor_id == users["staff"].id
    assert matched.detail_dict["demand"] == demand.number
    assert [e.action for e in audit.entries_for("demand", demand.id)][-1] == "demand.matched"


def test_only_a_technology_demand_still_in_hand_is_matched(client, auth, users):
    institute = partner()
    firm = directory.enterprise()
    problem = demands.demand(users["staff"], firm)
    with pytest.raises(Conflict, match="只有技术需求"), atomic():
        match(users["staff"], problem, institute)
    declined = tech_demand(users, firm)
    with atomic():
        moves.decline(users["staff"], declined, "不属于产业社区服务范围。")
    with pytest.raises(Conflict, match="不予受理"), atomic():
        match(users["staff"], declined, institute)
    auth.login("staff")
    assert "对接合作单位" not in client.get(f"/demands/{declined.id}").get_data(as_text=True)
    page = client.get(f"/cooperation/match/{declined.id}").get_data(as_text=True)
    assert "该需求不予受理，不能对接合作单位" in page and "创建科研对接项目" not in page
    assert db.session.scalar(select(func.count()).select_from(Project)) == 0


def test_a_lost_race_to_match_is_a_conflict_decided_by_the_database(app, users, monkeypatch):
    institute = partner()
    demand = tech_demand(users, directory.enterprise())
    match(users["staff"], demand, institute)
    # The second matcher read "not matched yet" before the first committed.
    monkeypatch.setattr(services, "project_for_demand", lambda demand_id: None)
    with pytest.raises(Conflict, match="刚刚已由他人对接"), atomic():
        match(users["staff"], demand, partner("山东铝业职业学院", "college"))
    assert db.session.scalar(select(func.count()).select_from(Project)) == 1
    assert db.session.get(DemandOutcome, demand.id).partner == "吉林大学威海仿生研究院"


def test_the_database_keeps_a_demand_to_one_research_project(app, users):
    institute = partner()
    firm = directory.enterprise()
    demand = tech_demand(users, firm)
    match(users["staff"], demand, institute)
    insert = text(
        "INSERT INTO coop_project (kind, partner_id, enterprise_id, title, status, started_on, qualified, version, demand_id) "
        "VALUES (:kind, :p, :e, '课题', 'active', '2026-04-01', 0, 1, :d)"
    )
    with pytest.raises(Exception), atomic():  # noqa: B017 — the UNIQUE, whatever the driver calls its error
        db.session.execute(insert, {"kind": "research", "p": institute.id, "e": firm.id, "d": demand.id})
    other = tech_demand(users, firm, "另一个需求")
    with pytest.raises(Exception), atomic():  # noqa: B017 — the CHECK: a demand turns only into 科研对接
        db.session.execute(insert, {"kind": "base", "p": institute.id, "e": firm.id, "d": other.id})


def test_staff_match_a_demand_from_its_page_and_see_the_link_both_ways(client, auth, users):
    institute = partner()
    firm = directory.enterprise("威海汇科工控技术有限公司", "汇科工控")
    demand = tech_demand(users, firm)
    auth.login("staff")
    detail = client.get(f"/demands/{demand.id}").get_data(as_text=True)
    assert "尚未对接合作单位" in detail and f"/cooperation/match/{demand.id}" in detail
    form_page = client.get(f"/cooperation/match/{demand.id}").get_data(as_text=True)
    assert 'value="伺服电机控制算法优化"' in form_page and "威海汇科工控技术有限公司" in form_page
    refused = client.post(
        f"/cooperation/match/{demand.id}",
        data={"partner_id": "0", "title": "伺服控制课题", "status": "active", "started_on": "2026-04-01"},
    )
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "请选择合作单位" in body and 'value="伺服控制课题"' in body
    made = client.post(
        f"/cooperation/match/{demand.id}",
        data={"partner_id": str(institute.id), "title": "伺服控制课题", "status": "negotiating", "started_on": "2026-04-01"},
    )
    assert made.status_code == 303 and made.headers["Location"].endswith(f"/demands/{demand.id}")
    detail = client.get(made.headers["Location"]).get_data(as_text=True)
    project = services.project_for_demand(demand.id)
    assert "对接吉林大学威海仿生研究院" in detail and f"/cooperation/projects/{project.id}/edit" in detail
    assert "项目已启动" not in detail  # still 洽谈中
    listed = client.get("/cooperation/projects?kind=research").get_data(as_text=True)
    assert "伺服控制课题" in listed and f"源自技术需求 <a href=\"/demands/{demand.id}\">{demand.number}</a>" in listed
    again = client.post(
        f"/cooperation/match/{demand.id}",
        data={"partner_id": str(institute.id), "title": "再来一次", "status": "active", "started_on": "2026-04-01"},
    )
    assert again.status_code == 409 and "已对接科研项目" in again.get_data(as_text=True)


def test_editing_a_matched_project_keeps_the_demand_true(client, auth, users):
    institute, college = partner(), partner("山东铝业职业学院", "college")
    firm = directory.enterprise("威海汇科工控技术有限公司", "汇科工控")
    demand = tech_demand(users, firm)
    project = match(users["staff"], demand, institute, status="negotiating")
    auth.login("staff")
    form = {"kind": "research", "partner_id": str(college.id), "enterprise_id": str(firm.id), "title": project.title,
            "status": "active", "started_on": "2026-04-01", "qualified": "0", "version": str(project.version)}  # fmt: skip
    changed_kind = client.post(f"/cooperation/projects/{project.id}/edit", data=form | {"kind": "base"})
    assert changed_kind.status_code == 422 and "只能是科研对接" in changed_kind.get_data(as_text=True)
    assert client.post(f"/cooperation/projects/{project.id}/edit", data=form).status_code == 303
    outcome = db.session.get(DemandOutcome, demand.id)
    assert (outcome.partner, outcome.project_started) == ("山东铝业职业学院", True)
