"""The article's party building, written through the services: the 9 规上 enterprises each with
an organisation of its own ("9家规上企业实现党组织全覆盖"), two joint branches of small firms, the
joint activities of 党建联建 (a 联合主题党日 of four branches among them) and the 标准化规范化
checklist, part ticked."""

from datetime import date, datetime, time, timedelta

from hubapp import clock
from hubapp.blueprints.party import activities, checklist, organisations
from hubapp.blueprints.party.models import EXCHANGE, GENERAL, JOINT, SINGLE, THEME_DAY
from hubapp.extensions import db
from hubapp.rules import RuleError

SECRETARIES = "王李张刘陈杨赵黄周吴徐孙"
#: The largest 规上 enterprise, by its place in the demo's list, has a 党总支 rather than a branch.
GENERAL_BRANCH_AT = 2
#: Every fifth small firm shares one of the two joint branches.
JOINT_EVERY = 5
CHECKLIST = ["三会一课按期召开", "主题党日每月开展", "组织生活会和民主评议党员", "党员发展和教育管理", "党建阵地规范", "党建工作记录齐全"]


def _organisations(ctx) -> list:
    instructor = ctx.users.get("grid")
    made = []
    for index, enterprise in enumerate(ctx.enterprises):
        if not enterprise.above_designated_size:
            continue
        general = index == GENERAL_BRANCH_AT
        details = organisations.OrganisationDetails(
            name=f"{enterprise.name}{'党总支' if general else '党支部'}",
            kind=GENERAL if general else SINGLE,
            enterprise_ids=[enterprise.id],
            secretary=SECRETARIES[index % len(SECRETARIES)] + ctx.rng.choice(["建国", "海燕", "志强", "丽娜", "文博"]),
            members=ctx.rng.randrange(5, 40),
            established_on=date(2012 + index % 10, 7, 1),
            instructor_id=instructor.id if instructor else None,
        )
        made.append(organisations.create_organisation(None, details))
    joint = [e for i, e in enumerate(ctx.enterprises) if i % JOINT_EVERY == 0 and not e.above_designated_size]
    for number, members in enumerate((joint[: len(joint) // 2], joint[len(joint) // 2 :]), start=1):
        if len(members) < 2:
            continue
        details = organisations.OrganisationDetails(
            name=f"蓝色创业谷第{'一二'[number - 1]}联合党支部",
            kind=JOINT,
            enterprise_ids=[e.id for e in members],
            secretary=f"{SECRETARIES[number]}晓东",
            members=3 * len(members),
            established_on=date(2021, 6, 28),
            instructor_id=instructor.id if instructor else None,
        )
        made.append(organisations.create_organisation(None, details))
    return made


def _activity(ctx, plan: activities.ActivityPlan, fallback_place: str):
    """Hold the room if the demo's other bookings leave it free; else the activity was elsewhere."""
    try:
        with db.session.begin_nested():
            return activities.create_activity(None, plan)
    except RuleError:
        plan.room_id, plan.place = None, fallback_place
        return activities.create_activity(None, plan)


def _sign_in(ctx, activity, per_branch: int) -> None:
    """A sign-in list of ``per_branch`` members from each branch, for the record sheet to show."""
    given = ["建国", "海燕", "志强", "丽娜", "文博", "晓东", "静", "磊", "敏", "浩然"]
    names = {}
    for branch in activity.organisations:
        chosen = {ctx.rng.choice(SECRETARIES) + ctx.rng.choice(given) for _ in range(per_branch * 2)}
        names[branch.id] = sorted(chosen)[:per_branch]
    activities.set_attendees(None, activity, names, None)


def _activities(ctx, branches: list) -> None:
    today = clock.today()
    hall, meeting_room = ctx.rooms.get("党员组织生活教育馆"), ctx.rooms.get("会议室")
    specs = [
        (THEME_DAY, "重温入党誓词 共话企业发展", 24, time(9, 0), branches[:4], 45, hall,
         "四家企业党支部党员集中重温入党誓词，参观党员组织生活教育馆，围绕用工、融资等问题交流。"),
        (EXCHANGE, "非公企业党建工作经验交流", 52, time(14, 30), branches[:6], 20, meeting_room,
         "六个支部书记交流“三会一课”、党员积分管理做法，综合党委部署支部标准化规范化建设。"),
        (THEME_DAY, "党建引领 产业共兴", 83, time(9, 30), branches[4:9], 60, None,
         "五个支部赴刘公岛开展联合主题党日，接受爱国主义教育。"),
    ]  # fmt: skip
    for kind, theme, days_ago, start, chosen, attendance, room, summary in specs:
        day = today - timedelta(days=days_ago)
        if day.weekday() >= 5:
            day -= timedelta(days=day.weekday() - 4)
        begins = datetime.combine(day, start)
        plan = activities.ActivityPlan(
            kind=kind, theme=theme, start=begins, end=begins + timedelta(hours=2), organiser="产业社区综合党委",
            organisation_ids=[b.id for b in chosen], attendance=attendance,
            room_id=room.id if room else None, place=None if room else "刘公岛甲午战争博物馆", summary=summary,
        )  # fmt: skip
        made = _activity(ctx, plan, "企业党员活动室")
        if len(chosen) == 4:
            _sign_in(ctx, made, per_branch=5)


def _checklist(ctx, branches: list) -> None:
    items = [checklist.create_item(None, title, order) for order, title in enumerate(CHECKLIST, start=1)]
    today = clock.today()
    for branch in branches:
        # Some branches are further along than others, so the board has a story to tell.
        for item in items[: ctx.rng.randrange(1, len(items) + 1)]:
            done_on = date(today.year, 1, 1) + timedelta(days=ctx.rng.randrange(0, max(today.timetuple().tm_yday - 1, 1)))
            checklist.tick(None, branch, item, today.year, done_on, None)


def seed(ctx) -> None:
    branches = _organisations(ctx)
    if len(branches) >= 9:
        _activities(ctx, branches)
    _checklist(ctx, branches)
