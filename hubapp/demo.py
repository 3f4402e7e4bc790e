"""Demo data drawn from the seed article: the Blue Entrepreneurship Valley centre, its rooms, the
8 member units of the joint meeting, 12 grids, 48 enterprises and one account per role.

Each domain that has demo data of its own provides ``hubapp/blueprints/<domain>/demo.py`` with
``seed(ctx: DemoContext)``; they run in the order of ``blueprints.DOMAINS``.
"""

import random
from dataclasses import dataclass, field
from importlib import import_module
from importlib.util import find_spec

from hubapp.blueprints import DOMAINS
from hubapp.blueprints.auth import services as accounts
from hubapp.blueprints.auth.models import User
from hubapp.blueprints.auth.roles import Role
from hubapp.blueprints.directory import departments, grids, register
from hubapp.blueprints.directory.departments import DepartmentDetails
from hubapp.blueprints.directory.grids import GridDetails
from hubapp.blueprints.directory.models import Department, Enterprise, Grid
from hubapp.blueprints.directory.register import EnterpriseData
from hubapp.blueprints.directory.uscc import make_code
from hubapp.extensions import db

DEPARTMENTS = [
    ("南海新区党工委党群工作部", "党群工作部", "0631-3981001"),
    ("南海新区经济发展局", "经济发展局", "0631-3981002"),
    ("南海新区科技工信局", "科技工信局", "0631-3981003"),
    ("南海新区财政金融局", "财政金融局", "0631-3981004"),
    ("国家税务总局威海南海新区税务局", "税务分局", "0631-3981005"),
    ("南海新区便民服务中心", "便民服务中心", "0631-3981006"),
    ("南海新区人力资源和社会保障局", "人社局", "0631-3981007"),
    ("南海新区市场监督管理局", "市场监管局", "0631-3981008"),
]

#: Enterprises named in the article come first; the rest are plausible demo names. Each sits in a
#: maker space, an incubator or an accelerator of the valley, or nearby (the article's 众创空间、孵化器、
#: 加速器及周边附近48家企业): young software and service firms in the maker space, technology firms
#: in the incubator, growing manufacturers in the accelerator, established plants around it.
NAMED_ENTERPRISES = [("威海汇科工控技术有限公司", "汇科工控", "accelerator"), ("威海鸿锐金属制品有限公司", "鸿锐金属", "nearby")]
DEMO_ENTERPRISES = [
    ("蓝海新材料", "accelerator"), ("南海智能装备", "accelerator"), ("海澜生物医药", "accelerator"),
    ("星海电子科技", "accelerator"), ("威盛精密机械", "nearby"), ("瀚洋海洋科技", "nearby"), ("国泰碳纤维", "accelerator"),
    ("鑫源环保", "nearby"), ("泓泰复合材料", "nearby"), ("中科光电", "incubator"), ("远航船舶配套", "nearby"),
    ("海纳数据", "maker_space"), ("翔宇汽车零部件", "nearby"), ("蓝创软件", "maker_space"), ("睿达自动化", "incubator"),
    ("恒信医疗器械", "incubator"), ("天诚检测", "incubator"), ("海韵食品", "nearby"), ("金岸物流", "nearby"),
    ("华晟新能源", "accelerator"), ("凯润化工", "nearby"), ("北辰仪器", "accelerator"), ("和盛建材", "nearby"),
    ("鲁海模具", "nearby"), ("创新谷孵化", "incubator"), ("明德教育科技", "incubator"), ("云帆信息", "maker_space"),
    ("博远工业设计", "maker_space"), ("安盛安全技术", "nearby"), ("宏图包装", "nearby"), ("东岳电气", "nearby"),
    ("新锐激光", "incubator"), ("澳柯精工", "nearby"), ("瑞丰纺织", "nearby"), ("青松农业科技", "incubator"),
    ("海视传媒", "maker_space"), ("汇智人力资源", "incubator"), ("信达会计服务", "incubator"), ("君合知识产权", "incubator"),
    ("乐享健康管理", "maker_space"), ("百川电商", "maker_space"), ("聚能储能", "incubator"), ("众联物联网", "maker_space"),
    ("优品家居", "nearby"), ("海蓝众创空间", "maker_space"), ("南海加速器运营", "accelerator"),
]  # fmt: skip
#: The 9 above designated size (规上企业), by their place in the list above; the party demo gives
#: each an organisation of its own ("9家规上企业实现党组织全覆盖").
ABOVE_SIZE = {0, 1, 2, 3, 4, 5, 6, 9, 12}
DEMO_PASSWORD = "demo-2026"


@dataclass
class DemoContext:
    """What earlier seed steps made, for later ones to use."""

    rng: random.Random
    users: dict[str, User] = field(default_factory=dict)
    departments: list[Department] = field(default_factory=list)
    grids: list[Grid] = field(default_factory=list)
    enterprises: list[Enterprise] = field(default_factory=list)
    #: Rooms by name, made by the facilities demo for the sessions and meetings demos.
    rooms: dict = field(default_factory=dict)
    accounts: list[tuple[str, str, str]] = field(default_factory=list)


def seed_directory(ctx: DemoContext) -> None:
    for order, (name, short, phone) in enumerate(DEPARTMENTS):
        details = DepartmentDetails(name, short, joint_meeting_member=True, contact_name=None, phone=phone, sort_order=order)
        ctx.departments.append(departments.create_department(None, details))
    for number in range(1, 13):
        details = GridDetails(number, f"蓝色创业谷{number}号网格", f"创业谷{(number + 1) // 2}号楼及周边")
        ctx.grids.append(grids.create_grid(None, details))
    names = NAMED_ENTERPRISES + [
        (f"威海{part}有限公司" if "空间" not in part and "加速器" not in part else f"威海{part}", part, kind)
        for part, kind in DEMO_ENTERPRISES
    ]
    for index, (name, short, kind) in enumerate(names):
        data = EnterpriseData(
            name=name,
            short_name=short,
            uscc=make_code("371000", 20180000 + index * 7919),
            kind=kind,
            above_designated_size=index in ABOVE_SIZE,
            grid_id=ctx.grids[index % 12].id,
            industry=ctx.rng.choice(["高端装备", "新材料", "电子信息", "生物医药", "现代服务", "海洋经济"]),
            address=f"威海南海新区蓝色创业谷{index % 6 + 1}号楼{100 + index}室",
            contact_name=ctx.rng.choice("王李张刘陈杨赵黄周吴") + ctx.rng.choice(["经理", "主任", "女士", "先生"]),
            contact_phone=f"139{ctx.rng.randrange(10**7, 10**8)}",
        )
        ctx.enterprises.append(register.create_enterprise(None, data))


def seed_users(ctx: DemoContext) -> None:
    people = [
        ("admin", "系统管理员", Role.ADMIN, {}),
        ("staff", "孙晓梅", Role.STAFF, {}),
        ("staff2", "李建国", Role.STAFF, {}),
        ("grid", "周海涛", Role.GRID_WORKER, {"grid_ids": (ctx.grids[0].id,)}),
        ("liaison", "陈立新", Role.LIAISON, {"department_id": ctx.departments[4].id}),
    ]
    for username, name, role, links in people:
        user = accounts.create_user(None, username, DEMO_PASSWORD, accounts.Profile(display_name=name, role=role, **links))
        ctx.users[username] = user
        ctx.accounts.append((username, DEMO_PASSWORD, role.label))


def seed_all(seed: int = 20261125) -> list[tuple[str, str, str]]:
    """Write the demo data; the caller commits (``flask hub seed-demo`` does, in one unit of work)."""
    ctx = DemoContext(rng=random.Random(seed))
    seed_directory(ctx)
    seed_users(ctx)
    for name in DOMAINS:
        module_name = f"hubapp.blueprints.{name}.demo"
        if find_spec(module_name) is not None:
            import_module(module_name).seed(ctx)
    db.session.flush()
    return ctx.accounts


