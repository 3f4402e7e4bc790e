"""Demo demands: sixteen items over the last eight months in the four lists, the article's own
among them (汇科工控's 450万元 financing, 鸿锐金属's eight skilled workers, the bus timetable, the
enterprise salon, the expert apartments). Nine are closed; some are in progress; one transferred
item is overdue and supervised; one waits for the tax branch, so the demo liaison has work; the
demo grid worker has visited their grid this month and raised one demand from a visit. Two more
grid workers have visited grids 2 (all of it) and 3 (half of it), so the visit ledger shows
coverage at several levels; the second of them also covers grid 4, not yet visited this month.

Everything goes through the services, dated back with their ``at`` arguments, in the caller's
unit of work (``flask hub seed-demo``).
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from hubapp import clock
from hubapp.blueprints.auth import services as accounts
from hubapp.blueprints.auth.roles import Role
from hubapp.blueprints.demands import moves, outcomes, visits
from hubapp.blueprints.demands.models import DEFAULT_WORKING_DAYS
from hubapp.blueprints.demands.moves import DemandDraft
from hubapp.workdays import add_working_days


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour, 0))


#: enterprise short name, list, title, description, source, days ago received, route
#: (department short name, "direct" or None), answer, satisfaction or the end state.
ITEMS = [
    ("汇科工控", "funding", "设备升级流动资金需求",
     "企业承接海工装备控制系统订单，需采购数控加工设备，流动资金缺口约450万元，希望对接银行信贷产品。",
     "visit", 215, "财政金融局", "协调威海市商业银行开展银企对接，为企业量身设计“科技贷”方案，已完成授信并放款450万元。", "satisfied"),
    ("鸿锐金属", "support", "招聘数控、焊接技能型人才",
     "新增两条生产线，急需数控操作、焊接等技能型人才10名左右，自行招聘效果不理想。",
     "visit", 190, "人社局", "人社局在党群服务中心举办引才用工专场招聘会，并推送技工院校毕业生信息，企业已招聘技能型人才8名。", "satisfied"),
    ("蓝海新材料", "problem", "优化公交车时间表",
     "园区职工早晚通勤依赖K2路公交，早班车7:10才发车，晚班车17:30即收班，与企业上下班时间不衔接。",
     "talk", 170, "direct", "中心协调市公交集团，K2路早班提前至6:40，晚班延至19:00，并在创业谷东门增设停靠站，已于下月起执行。", "satisfied"),
    ("海纳数据", "support", "举办企业沙龙活动",
     "园区企业之间交流少，希望定期举办企业沙龙，促进上下游合作和人才交流。",
     "event", 150, "direct", "中心在文化活动室举办首期“创业谷企业沙龙”，23家企业参加，此后每月一期。", "basic"),
    ("南海智能装备", "support", "增加专家公寓硬件设施",
     "企业引进的外地专家入住创业谷专家公寓，反映缺少洗衣机、热水器老化、网络信号差。",
     "visit", 140, "经济发展局", "经济发展局协调公寓运营方更换热水器12台、增配洗衣机8台，网络已完成千兆改造。", "satisfied"),
    ("星海电子科技", "problem", "研发费用加计扣除归集口径不清",
     "企业研发人员同时参与生产，工时分配和研发费用归集口径不清，担心享受优惠后被追缴。",
     "talk", 120, "税务分局", "税务分局安排专管员上门辅导，帮助企业建立研发辅助账，已按规定享受加计扣除。", "satisfied"),
    ("泓泰复合材料", "tech", "复合材料力学性能检测设备共享",
     "企业新产品需做拉伸、弯曲等力学性能检测，自购设备成本高，希望共享园区或高校检测设备。",
     "phone", 100, "科技工信局", "科技工信局对接市检验检测中心及哈工大（威海）共享实验室，企业已完成首批样品检测。", "satisfied"),
    ("威盛精密机械", "tech", "申报省级专精特新中小企业辅导",
     "企业拟申报省级专精特新中小企业，对申报条件和材料把握不准。",
     "walk_in", 85, "科技工信局", "科技工信局组织申报辅导两次，企业已按时提交申报材料并通过区级初审。", "satisfied"),
    ("国泰碳纤维", "funding", "知识产权质押融资",
     "企业有发明专利6项，希望以专利质押方式获得贷款用于扩产。",
     "event", 70, "财政金融局", "财政金融局联合银行完成专利价值评估，企业获得知识产权质押贷款200万元。", "basic"),
    ("中科光电", "problem", "园区货车通行证办理",
     "企业原材料运输车辆进出城区需办理货车通行证，办理周期长，影响交货。",
     "visit", 30, "经济发展局", None, "transferred"),
    ("瀚洋海洋科技", "problem", "出口退税办理进度咨询",
     "企业一季度出口退税申报后尚未到账，希望了解审核进度及所缺材料。",
     "phone", 4, "税务分局", None, "transferred"),
    ("海澜生物医药", "tech", "对接高校共建联合实验室",
     "企业希望与高校共建海洋生物医药联合实验室，需要中心牵线对接。",
     "talk", 12, "direct", None, "handling"),
    ("鑫源环保", "support", "员工子女入学政策咨询",
     "企业新引进员工子女需在新区就近入学，咨询入学条件和办理流程。",
     "walk_in", 20, "便民服务中心", "便民服务中心已将入学条件和材料清单一次性告知企业，并安排专人帮办。", "answered"),
    ("南海加速器运营", "funding", "减免厂房租金",
     "入驻企业要求加速器运营方减免下半年厂房租金。",
     "walk_in", 25, None, None, "declined"),
]

#: What the answered items achieved, as the article counts it: the financing in 万元, the hires.
OUTCOMES = {
    "汇科工控": outcomes.Outcome(funding_amount=Decimal("450"), funding_instrument="loan", funding_source="威海市商业银行"),
    "国泰碳纤维": outcomes.Outcome(funding_amount=Decimal("200"), funding_instrument="loan", funding_source="知识产权质押贷款"),
    "鸿锐金属": outcomes.Outcome(resolution="resolved", jobs_filled=8),
    "蓝海新材料": outcomes.Outcome(resolution="resolved"),
    "海纳数据": outcomes.Outcome(resolution="resolved"),
    "南海智能装备": outcomes.Outcome(resolution="resolved"),
    "星海电子科技": outcomes.Outcome(resolution="resolved"),
    "泓泰复合材料": outcomes.Outcome(partner="哈尔滨工业大学（威海）", project_started=True),
    "鑫源环保": outcomes.Outcome(resolution="partly"),
}


def seed(ctx) -> None:
    today = clock.today()
    staff, grid_worker, liaison = ctx.users["staff"], ctx.users["grid"], ctx.users["liaison"]
    by_name = {e.short_name: e for e in ctx.enterprises}
    departments = {d.short_name: d for d in ctx.departments}

    made = {}
    for short, kind, title, description, source, days_ago, route, answer, end in ITEMS:
        enterprise = by_name[short]
        received = today - timedelta(days=days_ago)
        raiser = grid_worker if source == "visit" and enterprise.grid_id in grid_worker.grid_ids else staff
        draft = DemandDraft(
            enterprise_id=enterprise.id, kind=kind, title=title, description=description,
            contact_name=enterprise.contact_name or "联系人", contact_mobile=enterprise.contact_phone,
            source=source, received_on=received,
        )  # fmt: skip
        demand = moves.create_demand(raiser, draft, at=_at(received, 9))
        made[title] = demand
        if end == "declined":
            moves.decline(
                staff, demand, "厂房租金属于运营方与企业之间的合同事项，不属于企业服务直通车受理范围；已告知企业可向加速器运营方协商。",
                at=_at(received, 15),
            )
            continue
        start = received + timedelta(days=1)
        if route == "direct":
            moves.accept(staff, demand, staff.id, "由中心直接协调办理。", at=_at(start))
        else:
            deadline = add_working_days(start, DEFAULT_WORKING_DAYS[kind])
            moves.transfer(
                staff, demand, departments[route].id, f"请协助解决：{title}，并将办理结果反馈中心。", deadline, at=_at(start)
            )
        if answer is None:
            continue
        # Most departments answer within their limit; the patent pledge loan took longer.
        answered_on = min(received + timedelta(days=35 if short == "国泰碳纤维" else 9), today)
        answerer = liaison if route == "税务分局" else staff
        moves.answer(answerer, demand, answer, at=_at(answered_on, 16))
        if short in OUTCOMES:
            outcomes.record(staff, demand, OUTCOMES[short])
        if end in ("satisfied", "basic"):
            closed_on = min(answered_on + timedelta(days=3), today)
            moves.close(staff, demand, end, "电话回访企业负责人。", at=_at(closed_on, 11))

    moves.supervise(
        staff, made["园区货车通行证办理"], "已超过办理时限，请经济发展局于本周内反馈办理进展，中心将在联席会议上通报。",
        at=_at(today - timedelta(days=1), 9),
    )

    _grid_visits(ctx, today, grid_worker)
    _other_grids(ctx, today)


def _grid_visits(ctx, today: date, grid_worker) -> None:
    """This month's visits in the grid worker's grid; one of them raised a demand."""
    mine = [e for e in ctx.enterprises if e.grid_id in grid_worker.grid_ids]
    first = today.replace(day=1)
    plans = [
        (mine[0], 9, ["party", "industry"], "企业订单饱满，二期厂房在建；宣传了技改贴息政策。"),
        (mine[1], 6, ["government", "safety"], "检查了危化品仓库台账，提醒汛期前完成消防设施检测。"),
        (mine[2], 2, ["industry", "government"], "企业计划申请技改项目贴息，对申报流程不熟悉。"),
    ]
    for enterprise, days_ago, topics, notes in plans:
        day = max(first, today - timedelta(days=days_ago))
        visit = visits.log_visit(grid_worker, enterprise.id, day, topics, notes, at=_at(day, 15))
        if "技改" in notes and "申请" in notes:
            draft = DemandDraft(
                enterprise_id=enterprise.id, kind="funding", title="技改项目贴息申报指导",
                description="企业计划购置自动化焊接设备，申请市级技改项目贴息，需要申报辅导和材料预审。",
                contact_name=enterprise.contact_name or "联系人", contact_mobile=enterprise.contact_phone,
                source="visit", received_on=day, visit_id=visit.id,
            )  # fmt: skip
            moves.create_demand(grid_worker, draft, at=_at(day, 16))


#: username, name, mobile, grid numbers, and visits: (index of the enterprise in the first grid,
#: days ago, topics, notes). A negative days ago counts back from the first of the month (last month).
OTHER_GRID_WORKERS = [
    ("grid2", "刘晓燕", "13906310022", (2,), [
        (0, 8, ["party", "government"], "指导企业党支部开展主题党日，宣传了“一事一码”办事指南。"),
        (1, 7, ["safety"], "检查了车间消防通道和应急照明，现场整改堆放杂物一处。"),
        (2, 4, ["industry"], "企业新产品进入中试，希望对接检测机构。"),
        (3, 1, ["government", "industry"], "企业咨询高新技术企业认定，已推送申报指南。"),
        (1, -6, ["industry"], "上月走访：企业订单平稳，用工需求不大。"),
    ]),
    ("grid3", "王志刚", "13906310033", (3, 4), [
        (0, 10, ["industry", "safety"], "企业扩产后用电负荷接近上限，提醒提前申请增容。"),
        (1, 5, ["party"], "协助企业筹建党支部，讲解了组建流程。"),
        (0, 2, ["government"], "回访增容申请进展，供电公司已受理。"),
    ]),
]  # fmt: skip


def _other_grids(ctx, today: date) -> None:
    """Grid workers in three more grids; grid 2 fully visited this month, grid 3 half, grid 4 not yet."""
    from hubapp.demo import DEMO_PASSWORD

    first = today.replace(day=1)
    grids = {g.number: g for g in ctx.grids}
    for username, name, mobile, numbers, planned in OTHER_GRID_WORKERS:
        covered = tuple(grids[number].id for number in numbers)
        profile = accounts.Profile(display_name=name, role=Role.GRID_WORKER, grid_ids=covered, phone=mobile)
        worker = accounts.create_user(None, username, DEMO_PASSWORD, profile)
        ctx.accounts.append((username, DEMO_PASSWORD, Role.GRID_WORKER.label))
        mine = sorted((e for e in ctx.enterprises if e.grid_id == covered[0]), key=lambda e: e.id)
        for index, days_ago, topics, notes in planned:
            day = first - timedelta(days=-days_ago) if days_ago < 0 else max(first, today - timedelta(days=days_ago))
            visits.log_visit(worker, mine[index].id, day, topics, notes, at=_at(day, 14))
