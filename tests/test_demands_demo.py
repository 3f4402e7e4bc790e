"""The demo data tells the article's story: the four lists filled, nine demands solved, one overdue
and supervised, one waiting for the tax branch's liaison, and this month's visits in the demo grid
worker's grid."""

from sqlalchemy import select

from hubapp import clock
from hubapp.blueprints.auth.models import User
from hubapp.blueprints.demands import reading, statistics
from hubapp.blueprints.demands.models import Demand, Visit
from hubapp.extensions import db


def test_the_demo_demands_follow_the_article(demo):
    demands = db.session.scalars(select(Demand)).all()
    assert 13 <= len(demands) <= 16
    assert {d.kind for d in demands} == {"problem", "tech", "funding", "support"}
    closed = [d for d in demands if d.status == "closed"]
    assert len(closed) == 9
    titles = {d.title for d in closed}
    assert {"优化公交车时间表", "举办企业沙龙活动", "增加专家公寓硬件设施"} <= titles
    financing = next(d for d in closed if d.enterprise.short_name == "汇科工控")
    assert "450万元" in financing.answer
    assert "8名" in next(d for d in closed if d.enterprise.short_name == "鸿锐金属").answer
    overdue = [d for d in demands if d.is_overdue(clock.today())]
    assert len(overdue) == 1 and overdue[0].supervision_count == 1
    # The demo reaches back eight months: early in a year some of it is last year's.
    year = clock.today().year
    this_year = [d for d in demands if d.year == year]
    solved = sum(d.status == "closed" for d in this_year)
    assert statistics.statistics(year).headline == f"{year}年共收集各类诉求{len(this_year)}个，已推动解决{solved}个。"
    # The outcomes add up to what the answers say: 450 + 200 万元 of loans, 8 skilled workers.
    funded = {"汇科工控": 450, "国泰碳纤维": 200}
    hires = {"鸿锐金属": 8}
    expected_funding = sum(v for d in this_year for k, v in funded.items() if d.enterprise.short_name == k)
    expected_jobs = sum(v for d in this_year for k, v in hires.items() if d.enterprise.short_name == k)
    assert statistics.statistics(year).outcome_line == f"融资到位 {expected_funding} 万元，解决就业 {expected_jobs} 人。"


def test_the_demo_liaison_and_grid_worker_have_work(demo):
    liaison = db.session.scalar(select(User).where(User.username == "liaison"))
    waiting = db.session.scalars(reading.department_query(liaison)).all()
    assert len(waiting) == 1 and waiting[0].department.short_name == "税务分局"
    worker = db.session.scalar(select(User).where(User.username == "grid"))
    visits = db.session.scalars(select(Visit).where(Visit.visitor_id == worker.id)).all()
    assert visits and all(v.grid_id in worker.grid_ids and v.visited_on >= clock.today().replace(day=1) for v in visits)
    counts = reading.home_counts(worker)
    assert counts["visits"] == len(visits) and counts["open"] >= 1
