"""产学研: partners, projects and 实习实训 placements; the year's person-times summed exactly."""

from datetime import date

import pytest
from factories import directory
from sqlalchemy import func, select, text

from hubapp import audit, clock
from hubapp.blueprints.cooperation import services
from hubapp.blueprints.cooperation.models import Partner, Placement, Project
from hubapp.database import atomic
from hubapp.extensions import db
from hubapp.rules import RuleError


def partner(name="山东铝业职业学院", kind="college") -> Partner:
    with atomic():
        return services.create_partner(None, services.PartnerDetails(name=name, kind=kind))


def placement(partner_, firm, start: date, end: date, students: int) -> Placement:
    with atomic():
        return services.create_placement(None, services.PlacementDetails(partner_.id, firm.id, start, end, students))


def test_person_times_are_summed_by_the_year_a_placement_begins_per_enterprise_and_partner(app):
    college, institute = partner(), partner("吉林大学威海仿生研究院", "institute")
    a, b = directory.enterprise("威海甲有限公司", "甲"), directory.enterprise("威海乙有限公司", "乙")
    placement(college, a, date(2026, 3, 1), date(2026, 6, 30), 120)
    # Overlapping periods at one enterprise are different students: both count.
    placement(institute, a, date(2026, 5, 1), date(2026, 5, 31), 35)
    placement(college, b, date(2026, 12, 20), date(2027, 1, 20), 40)  # begun in 2026: counted in 2026
    placement(college, b, date(2025, 12, 1), date(2026, 2, 1), 99)  # begun in 2025: not in 2026
    figures = services.year_figures(2026)
    assert (figures.person_times, figures.placements) == (195, 3)
    assert [(e.name, total) for e, total in figures.by_enterprise] == [("威海甲有限公司", 155), ("威海乙有限公司", 40)]
    assert [(p.name, total) for p, total in figures.by_partner] == [("山东铝业职业学院", 160), ("吉林大学威海仿生研究院", 35)]
    assert services.year_figures(2025).person_times == 99 and services.year_figures(2024).person_times == 0


def test_trainees_count_only_from_training_courses_and_the_database_keeps_it_so(app):
    college = partner()
    firm = directory.enterprise()
    with atomic():
        services.create_project(None, services.ProjectDetails("training", college.id, "数控培训", "done", date(2026, 4, 1), qualified=42))
        services.create_project(None, services.ProjectDetails("base", college.id, "实践基地", "active", date(2026, 4, 1), firm.id))
    with pytest.raises(RuleError, match="只有职业技能培训"), atomic():
        services.create_project(None, services.ProjectDetails("research", college.id, "课题", "active", date(2026, 4, 1), firm.id, 5))
    with pytest.raises(RuleError, match="须选择合作企业"), atomic():
        services.create_project(None, services.ProjectDetails("research", college.id, "课题", "active", date(2026, 4, 1)))
    figures = services.year_figures(2026)
    assert figures.qualified == 42 and figures.projects_by_kind == {"base": 1, "research": 0, "training": 1}
    with pytest.raises(Exception), atomic():  # noqa: B017 — the CHECK, whatever the driver calls its error
        db.session.execute(text("UPDATE coop_project SET qualified = 7 WHERE kind = 'base'"))
    with pytest.raises(Exception), atomic():  # noqa: B017
        db.session.execute(
            text("INSERT INTO coop_placement (partner_id, enterprise_id, start_on, end_on, students) VALUES (:p, :e, '2026-05-02', '2026-05-01', 3)"),
            {"p": college.id, "e": firm.id},
        )


def test_staff_add_a_partner_then_a_placement_and_see_the_figures(client, auth, users):
    firm = directory.enterprise("威海汇科工控技术有限公司", "汇科工控")
    auth.login("staff")
    page = client.get("/cooperation/?year=2026").get_data(as_text=True)
    assert "还没有合作单位" in page and "/cooperation/partners/new" in page
    bad = client.post("/cooperation/partners/new", data={"name": "吉林大学威海仿生研究院", "kind": "institute", "contact_phone": "0631-123",
                                                         "agreement_signed_on": "2026-05-01", "agreement_ends_on": "2026-04-01"})
    assert bad.status_code == 422
    body = bad.get_data(as_text=True)
    assert "请填写11位手机号码" in body and 'value="吉林大学威海仿生研究院"' in body
    made = client.post("/cooperation/partners/new", data={"name": "吉林大学威海仿生研究院", "kind": "institute",
                                                          "agreement_signed_on": "2026-05-01", "agreement_ends_on": "2026-04-01"})
    assert made.status_code == 422 and "协议到期日期不能早于签订日期" in made.get_data(as_text=True)
    assert client.post("/cooperation/partners/new", data={"name": "吉林大学威海仿生研究院", "kind": "institute"}).status_code == 303
    institute = db.session.scalars(select(Partner)).one()
    form = {"partner_id": str(institute.id), "enterprise_id": str(firm.id), "start_on": "2026-07-01", "end_on": "2026-06-01", "students": "80"}
    refused = client.post("/cooperation/placements/new", data=form)
    assert refused.status_code == 422 and "结束日期不能早于开始日期" in refused.get_data(as_text=True)
    assert client.post("/cooperation/placements/new", data=form | {"end_on": "2026-08-31"}).status_code == 303
    page = client.get("/cooperation/?year=2026").get_data(as_text=True)
    assert "80人次</a>（1批）" in page and "威海汇科工控技术有限公司" in page
    listed = client.get("/cooperation/placements?year=2026").get_data(as_text=True)
    assert 'data-confirm="确定删除这条实习实训记录（80人次）吗？"' in listed
    assert client.post("/cooperation/placements/abc").status_code in (404, 405)
    entries = db.session.scalars(select(audit.AuditEntry).where(audit.AuditEntry.object_type.like("coop_%"))).all()
    assert {e.action for e in entries} == {"coop_partner.create", "coop_placement.create"}
    assert all(e.actor_id == users["staff"].id for e in entries)


def test_a_project_edited_meanwhile_is_not_overwritten(client, auth):
    college = partner()
    with atomic():
        made = services.create_project(None, services.ProjectDetails("training", college.id, "焊接培训", "active", date(2026, 3, 1)))
    auth.login("staff")
    stale = {"kind": "training", "partner_id": str(college.id), "enterprise_id": "0", "title": "焊接工艺培训",
             "status": "done", "started_on": "2026-03-01", "qualified": "31", "version": str(made.version)}
    assert client.post(f"/cooperation/projects/{made.id}/edit", data=stale).status_code == 303
    again = client.post(f"/cooperation/projects/{made.id}/edit", data=stale | {"qualified": "5"})
    assert again.status_code == 409
    assert db.session.scalar(select(Project.qualified).where(Project.id == made.id)) == 31
    listed = client.get("/cooperation/projects?kind=training").get_data(as_text=True)
    assert "焊接工艺培训" in listed and "31人" in listed


def test_a_placement_deleted_by_mistake_leaves_its_record_in_the_audit(client, auth):
    firm = directory.enterprise()
    made = placement(partner(), firm, date(2026, 3, 1), date(2026, 3, 31), 25)
    auth.login("staff")
    assert client.post(f"/cooperation/placements/{made.id}/delete").status_code == 303
    assert db.session.scalar(select(func.count()).select_from(Placement)) == 0
    [entry] = audit.entries_for("coop_placement", made.id)[-1:]
    assert entry.action == "coop_placement.delete" and entry.detail_dict["record"]["students"] == 25


def test_the_demo_tells_the_articles_cooperation(app, demo):
    figures = services.year_figures(clock.today().year)
    names = [p.name for p in services.partners()]
    assert names == sorted(["吉林大学威海仿生研究院", "山东铝业职业学院"])
    assert 3000 < figures.person_times < 3200 and figures.qualified > 100
