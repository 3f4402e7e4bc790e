"""Demo meetings: the last three monthly talk meetings and one quarterly symposium, all in the 会议室
(the only room this module's demo books), with attendance, agenda, decisions (some done, some
open, exactly one overdue) and issued minutes, so that a newcomer sees a real 纪要 at once."""

from datetime import date, datetime, time, timedelta

from hubapp import clock
from hubapp.blueprints.meetings import decisions, minutes, planning
from hubapp.blueprints.meetings.models import ATTENDING, EXCUSED, MONTHLY, PRESENT, PROGRESS, QUARTERLY
from hubapp.blueprints.meetings.planning import MeetingPlan

CHAIR = "刘志强（南海新区党工委委员、党群工作部部长）"
RECORDER = "李建国"
#: One person per member department, in the order of ``DemoContext.departments``.
DELEGATES = ["王海燕", "赵明", "孙立伟", "钱晓东", "陈立新", "周雪", "吴俊峰", "郑凯"]

MONTHLY_MEETINGS = [
    {
        "theme": "企业用工与社会保险政策",
        "agenda": [
            (
                "通报本季度园区企业用工情况",
                "人社局",
                "人社局通报：创业谷48家企业在岗职工较年初增加6.2%，技术工人缺口集中在数控加工、电气装配岗位，"
                "招聘周期普遍超过一个月。\n"
                "汇科工控、鸿锐金属等企业反映，新招员工社保关系转移手续多、跑动次数多。",
            ),
            (
                "研究社保业务进园区服务方式",
                "便民服务中心",
                "便民服务中心提出在党群服务中心办事大厅设置社保业务帮办点，每周二、周四上午派员驻点。\n"
                "与会单位一致认为，应先梳理高频事项清单，做到一次性告知、材料一次收齐。",
            ),
        ],
        "decisions": [
            ("在党群服务中心办事大厅设立社保业务帮办点，每周二、周四上午驻点服务。", 5, 20, "done"),
            ("梳理企业用工高频事项清单，编入“一事一码”事前指南。", 6, 35, "done"),
            ("组织一场数控、电气装配岗位专场招聘会。", 6, 60, "open"),
        ],
    },
    {
        "theme": "研发费用加计扣除与税费优惠政策落实",
        "agenda": [
            (
                "解读研发费用加计扣除最新政策",
                "税务分局",
                "税务分局解读了研发费用加计扣除政策口径，提示企业注意研发项目立项、辅助账归集和留存备查资料。\n"
                "科技工信局介绍了科技型中小企业评价入库的时间节点。",
            ),
            (
                "收集企业在享受税费优惠中遇到的问题",
                "党群服务中心",
                "网格员走访收集问题12条，主要集中在研发人员工时分配、委托研发费用归集两方面。\n"
                "会议认为，应以税企联动活动为载体，开展点对点辅导。",
            ),
        ],
        "decisions": [
            ("举办研发费用加计扣除专场辅导，覆盖全部规上企业。", 4, 14, "done"),
            ("对网格员收集的12条问题逐条答复，答复情况报党群服务中心汇总。", 4, -6, "open"),
            ("协助符合条件的企业完成科技型中小企业评价入库。", 2, 45, "open"),
        ],
    },
    {
        "theme": "科技型中小企业融资对接",
        "agenda": [
            (
                "通报银企对接活动成效",
                "财政金融局",
                "财政金融局通报：今年以来开展银企对接活动4场，促成授信意向1.8亿元，已放款6200万元。\n"
                "部分初创企业缺少抵押物，信用贷款获批率偏低。",
            ),
            (
                "研究知识产权质押融资推进措施",
                "市场监管局",
                "市场监管局介绍了知识产权质押登记流程及评估机构名录。\n"
                "与会单位建议建立融资需求台账，按月跟踪对接进度。",
            ),
        ],
        "decisions": [
            # The demo liaison's unit supports this one (协办): it shows on their list too.
            ("建立企业融资需求台账，按月更新对接进度。", 3, 30, "open", 4),
            ("组织一场知识产权质押融资政策宣讲。", 7, 40, "open"),
        ],
    },
]

SYMPOSIUM = {
    "theme": "企业经营形势与政策诉求座谈",
    "agenda": [
        (
            "企业代表介绍经营情况及困难",
            "企业代表",
            "汇科工控反映，订单较去年同期增长，但高端技工招引难、住房配套不足。\n"
            "鸿锐金属反映，原材料价格波动较大，希望了解技术改造项目补助申报条件。",
        ),
        (
            "成员单位现场答复",
            "各成员单位",
            "经济发展局介绍了技术改造项目补助申报时间和条件；人社局介绍了人才公寓申请办法。\n"
            "对不能当场答复的诉求，纳入企业服务直通车问题清单，限时办结。",
        ),
    ],
    "decisions": [
        ("将座谈会提出的诉求录入问题清单，明确责任单位和办结时限。", 0, 7, "done"),
        ("组织技术改造项目补助政策专场解读。", 1, 25, "done"),
    ],
}


def _second_thursday(year: int, month: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(3 - first.weekday()) % 7 + 7)


def _last_monthly_dates(today: date, count: int) -> list[date]:
    """The ``count`` most recent second Thursdays before today, oldest first."""
    found, year, month = [], today.year, today.month
    while len(found) < count:
        day = _second_thursday(year, month)
        if day < today:
            found.append(day)
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return list(reversed(found))


def _symposium_date(today: date) -> date:
    """The 25th of the last month of the previous quarter, moved back off a weekend."""
    quarter_end = ((today.month - 1) // 3) * 3
    year = today.year if quarter_end else today.year - 1
    day = date(year, quarter_end or 12, 25)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def _make(ctx, kind: str, day: date, spec: dict, guests: list[tuple[str, str]], excused: int | None) -> None:
    staff, admin = ctx.users["staff"], ctx.users["admin"]
    start = datetime.combine(day, time(14, 30) if kind == MONTHLY else time(9, 30))
    plan = MeetingPlan(
        kind=kind,
        theme=spec["theme"],
        start=start,
        end=start + timedelta(hours=2),
        chair_name=CHAIR,
        recorder_name=RECORDER,
        room_id=ctx.rooms["会议室"].id,
        headcount=16,
    )
    meeting = planning.create_meeting(staff, plan)
    for index, department in enumerate(ctx.departments):
        group = EXCUSED if index == excused else PRESENT
        planning.add_attendee(staff, meeting, group, department.name, DELEGATES[index])
    planning.add_attendee(staff, meeting, ATTENDING, "蓝色创业谷产业社区党群服务中心", "孙晓梅、李建国")
    for unit, names in guests:
        planning.add_attendee(staff, meeting, ATTENDING, unit, names)
    for title, presenter, discussion in spec["agenda"]:
        item = planning.add_agenda_item(staff, meeting, title, presenter)
        planning.update_agenda_item(staff, item, title, presenter, discussion)
    today = clock.today()
    done, under_way = [], []
    for text, department_index, days, status, *supporting in spec["decisions"]:
        deadline = today + timedelta(days=days) if status == "open" else day + timedelta(days=days)
        supporter_ids = [ctx.departments[index].id for index in supporting]
        decision = decisions.add_decision(
            staff, meeting, text, ctx.departments[department_index].id, None, deadline, supporter_ids
        )
        (done if status == "done" else under_way).append(decision)
    issued = datetime.combine(day + timedelta(days=2), time(10, 0))
    minutes.approve_minutes(admin, meeting, approved_at=issued - timedelta(hours=20))
    minutes.issue_minutes(staff, meeting, "南海新区党工委办公室", issued_at=issued)
    for decision in done:
        # Finished before today, as a real record would show it.
        finished = min(datetime.combine(decision.deadline, time(17, 0)), clock.now())
        decisions.complete_decision(staff, decision, "已按期完成，相关材料已归档。", done_at=finished)
    for decision in (d for d in under_way if d.deadline >= today):
        # A week after the minutes went out the unit reported its plan; the overdue one has
        # nothing reported, the red row the 督办 list is for.
        reported = min(issued + timedelta(days=7), clock.now())
        report = decisions.ProgressReport(PROGRESS, "已制定工作方案，明确专人负责，正在组织实施。")
        decisions.report_progress(staff, decision, report, at=reported)


def seed(ctx) -> None:
    today = clock.today()
    monthly_days = _last_monthly_dates(today, len(MONTHLY_MEETINGS))
    symposium_day = _symposium_date(today)
    if symposium_day in monthly_days:
        symposium_day -= timedelta(days=1)
    dated = [(day, MONTHLY, spec) for day, spec in zip(monthly_days, MONTHLY_MEETINGS, strict=True)]
    dated.append((symposium_day, QUARTERLY, SYMPOSIUM))
    enterprises = ctx.enterprises
    guests = [(enterprises[0].name, "张建华（总经理）"), (enterprises[1].name, "于洪波（副总经理）"), (enterprises[2].name, "曲丽（人力资源经理）")]
    # Issue in date order, so that the document numbers run with the calendar.
    for day, kind, spec in sorted(dated, key=lambda entry: entry[0]):
        if kind == QUARTERLY:
            _make(ctx, kind, day, spec, guests, excused=None)
        else:
            _make(ctx, kind, day, spec, [], excused=7)
