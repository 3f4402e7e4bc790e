"""Demo sessions: a past tax briefing on the annual individual income tax reconciliation, a past
bank-enterprise session that got 汇科工控 a 450 万元 loan, and an upcoming session nearly full.

All of them use 办事大厅洽谈区, the room reserved for sessions in the demo data. Everything is
written through the services, except the sign-ups of past sessions: their sign-up window is
closed now, so they are written as they stood after the session.
"""

import secrets
from datetime import datetime, time, timedelta
from decimal import Decimal

from hubapp import clock
from hubapp.blueprints.sessions import outcomes, planning, signup
from hubapp.blueprints.sessions.models import APPROVED, BANK, GRANTED, INTENTION, POLICY, REGISTERED, TAX, Registration
from hubapp.blueprints.sessions.outcomes import FinancingData
from hubapp.blueprints.sessions.planning import HostData, SessionPlan
from hubapp.blueprints.sessions.signup import SignupData
from hubapp.extensions import db

ROOM = "办事大厅洽谈区"

THEMES = [
    "新春助企 政策送上门",
    "个税汇算 税企联动",
    "银企对接 融资纾困",
    "知识产权 护航创新",
    "稳岗扩岗 引才用工",
    "安全生产 法治护航",
    "七一党建 凝心聚力",
    "科技创新 政策直达",
    "金融活水 助企发展",
    "法律服务 合规经营",
    "人才引育 技能提升",
    "年终服务 暖企行动",
]

TAX_QUESTIONS = [
    "今年新入职员工的专项附加扣除如何补填？",
    "年度汇算需要补税但金额不超过400元，是否需要申报？",
    "员工大病医疗支出扣除需要留存哪些资料？",
    "企业代办年度汇算需要员工签署什么授权？",
    "子女教育扣除父母双方如何分摊更合适？",
    "年终奖单独计税还是并入综合所得，怎么选？",
    "外地社保缴纳的员工能否在本地办理汇算？",
    "个人养老金扣除凭证如何取得？",
]

SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何林高罗"
GIVEN = ["敏", "伟", "静", "磊", "洋", "娟", "强", "丽", "军", "艳", "勇", "杰", "婷", "鹏", "霞", "涛", "颖", "晨", "凯", "雪"]
POSITIONS = ["财务经理", "总经理", "办税员", "财务主管", "人事专员", "行政主管", "会计", "副总经理"]


def _person(ctx, index: int) -> tuple[str, str, str]:
    name = SURNAMES[index % len(SURNAMES)] + ctx.rng.choice(GIVEN)
    # The index makes phones unique within a session; the random tail makes them look real.
    phone = f"13{ctx.rng.randint(5, 9)}{index:04d}{ctx.rng.randrange(1000, 10000)}"
    return name, phone, ctx.rng.choice(POSITIONS)


def _at(days: int, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(clock.today() + timedelta(days=days), time(hour, minute))


def _past_registration(session, ctx, index: int, enterprise, checked_in: bool, **extra) -> Registration:
    """Past sign-ups are written as they stood after the session (the sign-up window is closed now)."""
    name, phone, position = _person(ctx, index)
    registration = Registration(
        session_id=session.id,
        status=REGISTERED,
        enterprise_id=enterprise.id,
        enterprise_name=enterprise.name,
        uscc=enterprise.uscc,
        attendee_name=name,
        phone=phone,
        position=position,
        token=secrets.token_urlsafe(16),
        # Enterprises sign up in the day, not at 3 a.m.
        created_at=datetime.combine(
            session.start_at.date() - timedelta(days=ctx.rng.randint(2, 9)), time(ctx.rng.randint(8, 20), ctx.rng.randrange(60))
        ),
        checked_in_at=session.start_at - timedelta(minutes=ctx.rng.randint(2, 25)) if checked_in else None,
        **extra,
    )
    db.session.add(registration)
    session.registered_count += 1
    return registration


def seed(ctx) -> None:
    actor = ctx.users.get("staff")
    room = ctx.rooms[ROOM]
    departments = ctx.departments

    def host(data: HostData):
        return planning.save_host(actor, None, data)

    tax_branch = host(HostData(name=departments[4].name, kind="tax", department_id=departments[4].id,
                               contact_name="陈立新", contact_phone="0631-3981005"))  # fmt: skip
    ccb = host(HostData(name="中国建设银行威海南海新区支行", kind="bank", contact_name="于行长", contact_phone="0631-3982101"))
    whccb = host(HostData(name="威海市商业银行南海新区支行", kind="bank", contact_name="刘经理", contact_phone="0631-3982202"))
    finance = host(HostData(name=departments[3].name, kind="department", department_id=departments[3].id))
    host(HostData(name=departments[6].name, kind="department", department_id=departments[6].id))
    law = host(HostData(name="山东海晟律师事务所", kind="law", contact_name="孙律师", contact_phone="0631-5201888"))

    year = clock.today().year
    planning.save_theme_plan(actor, year, dict(enumerate(THEMES, start=1)))

    enterprises = ctx.enterprises
    huike, hongrui = enterprises[0], enterprises[1]

    # A past tax briefing: 28 signed up, 24 came, questions collected.
    tax = planning.create_session(
        actor,
        SessionPlan(
            kind=TAX,
            title="个人所得税综合所得年度汇算清缴政策解读",
            start=_at(-15, 14, 30),
            end=_at(-15, 16, 30),
            room_id=room.id,
            capacity=40,
            theme="个税汇算 税企联动",
            host_id=tax_branch.id,
            speakers="税务分局纳税服务科 陈立新",
            description="讲解个人所得税综合所得年度汇算清缴的范围、时间、扣除项目和办理渠道，"
            "现场演示个人所得税App申报，并解答企业提出的问题。",
        ),
        allow_past=True,
    )
    for index in range(28):
        extra = {"questions": TAX_QUESTIONS[index % len(TAX_QUESTIONS)]} if index % 3 == 0 else {}
        _past_registration(tax, ctx, index, enterprises[index % len(enterprises)], checked_in=index % 7 != 3, **extra)
    outcomes.save_outcome_summary(actor, tax, "税务分局讲解年度汇算要点并现场演示App申报，解答企业提问10个，会后为3家企业提供上门辅导。")

    # A past bank-enterprise session: 汇科工控 got 450 万元.
    bank = planning.create_session(
        actor,
        SessionPlan(
            kind=BANK,
            title="“金融活水”银企对接会",
            start=_at(-8, 9, 30),
            end=_at(-8, 11, 30),
            room_id=room.id,
            capacity=30,
            theme="金融活水 助企发展",
            host_id=finance.id,
            speakers="建设银行、威海市商业银行客户经理",
            description="银行介绍科技型企业信用贷款、设备更新贷款等产品，企业现场提出融资需求、一对一洽谈。",
        ),
        allow_past=True,
    )
    needs = [(huike, "450", "购置数控加工设备", 36, True), (hongrui, "300", "补充流动资金", 12, False)]
    for index in range(18):
        if index < len(needs):
            enterprise, amount, purpose, term, collateral = needs[index]
        else:
            enterprise = enterprises[(index * 5) % len(enterprises)]
            amount, purpose, term, collateral = str(50 * (index % 6 + 1)), "补充流动资金", 12, index % 2 == 0
        _past_registration(
            bank, ctx, 100 + index, enterprise, checked_in=index != 9,
            financing_amount=Decimal(amount), financing_purpose=purpose, financing_term=term,
            financing_collateral=collateral,
        )  # fmt: skip
    db.session.flush()
    for enterprise, bank_host, amount, status in [
        (huike, ccb, "450", INTENTION),
        (hongrui, whccb, "300", INTENTION),
        (enterprises[5], ccb, "200", INTENTION),
    ]:
        match = outcomes.add_financing(
            actor, bank, FinancingData(enterprise_name=enterprise.name, bank_id=bank_host.id, amount=Decimal(amount), status=status)
        )
        if enterprise is huike:
            outcomes.advance_financing(actor, match, APPROVED)
            outcomes.advance_financing(actor, match, GRANTED)
        elif enterprise is hongrui:
            outcomes.advance_financing(actor, match, APPROVED)
    outcomes.save_outcome_summary(actor, bank, "18家企业报名，提出融资需求合计约2000万元；会后促成汇科工控获得建设银行贷款450万元。")

    # An upcoming session, open for sign-up and nearly full.
    upcoming = planning.create_session(
        actor,
        SessionPlan(
            kind=POLICY,
            title="2026年科技型中小企业评价及研发费用加计扣除政策宣讲",
            start=_at(6, 14, 30),
            end=_at(6, 16, 30),
            room_id=room.id,
            capacity=30,
            host_id=tax_branch.id,
            speakers="税务分局、科技工信局政策专员",
            description="宣讲科技型中小企业评价条件与流程、研发费用加计扣除政策，现场答疑。",
            signup_closes_at=_at(5, 18),
        ),
    )
    for index in range(28):
        name, phone, position = _person(ctx, 200 + index)
        enterprise = enterprises[(index * 3 + 1) % len(enterprises)]
        signup.register(
            None, upcoming, SignupData(enterprise_name=enterprise.name, attendee_name=name, phone=phone, position=position)
        )

    # Next month's legal consultation, just opened.
    planning.create_session(
        actor,
        SessionPlan(
            kind="legal",
            title="劳动用工合规“法律体检”咨询日",
            start=_at(24, 9, 0),
            end=_at(24, 11, 30),
            room_id=room.id,
            capacity=20,
            host_id=law.id,
            speakers="山东海晟律师事务所 孙律师",
            description="律师现场为企业提供劳动合同、用工风险等法律咨询，每家企业约20分钟，需提前报名。",
            needs_approval=True,
        ),
    )
