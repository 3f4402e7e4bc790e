"""The article's 产学研, written through the services: cooperation with 吉林大学威海仿生研究院 and
山东铝业职业学院 that "trained 100+ skilled workers and gave 3,000+ 实习实训 person-times" this year,
teaching bases and research matches at the valley's enterprises."""

from datetime import date, timedelta

from hubapp import clock
from hubapp.blueprints.cooperation import services
from hubapp.blueprints.cooperation.models import BASE, RESEARCH, TRAINING

#: "提供大学生实习实训3000余人次": placements are added until the year's total passes this.
PERSON_TIMES_TARGET = 3000
COURSES = [("数控机床操作工技能培训", 42), ("工业机器人运维培训", 36), ("铝合金焊接工艺培训", 31)]
RESEARCH_TOPICS = ["仿生减阻表面在船用泵上的应用", "轻量化铝合金结构件疲劳测试", "海洋生物材料提取工艺优化"]


def _day_this_year(ctx, today: date) -> date:
    return date(today.year, 1, 1) + timedelta(days=ctx.rng.randrange(0, max(today.timetuple().tm_yday - 1, 1)))


def seed(ctx) -> None:
    today = clock.today()
    institute = services.create_partner(None, services.PartnerDetails(
        name="吉林大学威海仿生研究院", kind="institute", contact_name="刘老师", contact_phone="13906311234",
        agreement="产学研合作框架协议", agreement_signed_on=date(2023, 4, 18), agreement_ends_on=date(2028, 4, 17),
    ))  # fmt: skip
    college = services.create_partner(None, services.PartnerDetails(
        name="山东铝业职业学院", kind="college", contact_name="孙老师", contact_phone="13906315678",
        agreement="校企合作人才培养协议", agreement_signed_on=date(2022, 9, 1),
    ))  # fmt: skip
    firms = [e for e in ctx.enterprises if e.above_designated_size] or ctx.enterprises
    if not firms:
        return
    for firm in firms[:2]:
        services.create_project(None, services.ProjectDetails(
            kind=BASE, partner_id=college.id, enterprise_id=firm.id, title=f"{firm.short_name or firm.name}联合教学实践基地",
            status="active", started_on=date(today.year - 1, 9, 1),
        ))  # fmt: skip
    for index, topic in enumerate(RESEARCH_TOPICS):
        services.create_project(None, services.ProjectDetails(
            kind=RESEARCH, partner_id=institute.id, enterprise_id=firms[(index + 2) % len(firms)].id, title=topic,
            status=("active", "done", "negotiating")[index], started_on=_day_this_year(ctx, today),
        ))  # fmt: skip
    for title, qualified in COURSES:
        services.create_project(None, services.ProjectDetails(
            kind=TRAINING, partner_id=college.id, title=title, status="done", started_on=_day_this_year(ctx, today),
            qualified=qualified,
        ))  # fmt: skip
    total = 0
    while total <= PERSON_TIMES_TARGET:
        start = _day_this_year(ctx, today)
        students = ctx.rng.randrange(40, 160)
        services.create_placement(None, services.PlacementDetails(
            partner_id=ctx.rng.choice([college.id, college.id, institute.id]), enterprise_id=ctx.rng.choice(firms).id,
            start_on=start, end_on=start + timedelta(days=ctx.rng.choice([14, 30, 60, 90])), students=students,
        ))  # fmt: skip
        total += students
