"""产学研: partners, projects and 实习实训 placements; the year's person-times summed exactly."""

import io
from datetime import date, datetime

import pytest
from factories import directory
from openpyxl import Workbook
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


def partner_list(rows: list[list], title: str | None = "山东铝业职业学院2026年实习安排") -> bytes:
    book = Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
    sheet.append(["序号", "实习单位", "开始日期", "结束日期", "学生人数"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def import_list(client, partner_id, data: bytes):
    return client.post(
        "/cooperation/placements/import", data={"partner_id": str(partner_id), "file": (io.BytesIO(data), "名单.xlsx")},
        content_type="multipart/form-data",
    )  # fmt: skip


def test_a_partners_list_imports_once_however_often_it_is_uploaded(client, auth, users):
    college = partner()
    directory.enterprise("威海汇科工控技术有限公司", "汇科工控")
    directory.enterprise("威海鸿锐金属制品有限公司", "鸿锐金属")
    data = partner_list([
        [1, "汇科工控", datetime(2026, 3, 1), datetime(2026, 6, 30), 120],
        [2, "威海鸿锐金属制品有限公司", "2026-3-15", "2026/5/15", "45"],
        [None, None, None, None, None],
        [3, "汇科工控", datetime(2026, 5, 1), datetime(2026, 5, 31), 30],  # overlapping: other students
    ])  # fmt: skip
    auth.login("staff")
    first = import_list(client, college.id, data)
    assert first.status_code == 303
    assert "已导入3条实习实训记录，共195人次" in client.get(first.headers["Location"]).get_data(as_text=True)
    again = import_list(client, college.id, data)
    assert "已导入0条实习实训记录，共0人次；3条此前已导入，未重复计入" in client.get(again.headers["Location"]).get_data(as_text=True)
    figures = services.year_figures(2026)
    assert figures.person_times == 195 and figures.placements == 3
    [entry, _] = db.session.scalars(select(audit.AuditEntry).where(audit.AuditEntry.action == "coop_placement.import")).all()
    assert entry.actor_id == users["staff"].id and entry.detail_dict["students"] == 195


def test_a_list_with_a_wrong_row_imports_nothing_and_names_each_row(client, auth):
    college = partner()
    directory.enterprise("威海汇科工控技术有限公司", "汇科工控")
    data = partner_list([
        [1, "汇科工控", "2026-03-01", "2026-06-30", 120],
        [2, "威海不存在有限公司", "2026-03-01", "2026-06-30", 10],
        [3, "汇科工控", "三月一日", "2026-06-30", 10],
        [4, "汇科工控", "2026-03-01", "2026-06-30", 0],
    ], title=None)  # fmt: skip
    auth.login("staff")
    response = import_list(client, college.id, data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "名单有3行需要修改，未导入任何记录" in page
    assert "第3行：企业“威海不存在有限公司”不在企业名录中" in page and "第4行：日期" in page and "第5行：人数应为正整数" in page
    assert db.session.scalar(select(func.count()).select_from(Placement)) == 0
    not_excel = import_list(client, college.id, b"name,students\n")
    assert not_excel.status_code == 422 and "这不是 Excel 工作簿" in not_excel.get_data(as_text=True)
    no_partner = import_list(client, 0, data)
    assert no_partner.status_code == 422 and "请选择名单所属的合作院校" in no_partner.get_data(as_text=True)
