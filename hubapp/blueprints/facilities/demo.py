"""A realistic fortnight around today: weekly classes in the activity room, a party-day event
in the education hall, gym slots, pending requests, a public-holiday closure and a gym closure
for maintenance. Never books 会议室 or 办事大厅洽谈区 (the meetings and sessions demo use them)."""

from datetime import date, datetime, time, timedelta

from hubapp import clock
from hubapp.blueprints.facilities import bookings, rooms, schedule
from hubapp.blueprints.facilities.bookings import BookingDetails
from hubapp.blueprints.facilities.models import CHECKED_IN, EXCLUSIVE, NO_SHOW, PENDING, SHARED, WEEKLY
from hubapp.blueprints.facilities.opening import closure_on, closures_between
from hubapp.blueprints.facilities.series import Recurrence, create_series
from hubapp.extensions import db
from hubapp.rules import RuleError

ROOMS = [
    # name, kind, capacity, mode, equipment, description
    ("党员组织生活教育馆", "教育馆", 60, EXCLUSIVE, "投影仪、音响、党旗、入党誓词墙", "开展主题党日、党员教育、参观学习。"),
    ("文化活动室", "活动室", 40, EXCLUSIVE, "桌椅、投影仪、书画桌、音响", "文体活动、兴趣课堂、企业沙龙。"),
    ("办事大厅洽谈区", "办事大厅", 50, EXCLUSIVE, "洽谈桌、自助服务终端", "银企对接、税企联动、政策咨询等现场服务。"),
    ("健身房", "健身房", 20, SHARED, "跑步机、动感单车、力量器械", "产业社区党员职工免费使用，按时段限流。"),
    ("会议室", "会议室", 24, EXCLUSIVE, "会议桌、视频会议系统、投影仪", "月度恳谈会、季度座谈会、联席会议。"),
]

GYM_PEOPLE = ["王强", "李娜", "张伟", "刘洋", "陈静", "杨帆", "赵磊", "黄敏", "周杰", "吴倩", "孙鹏", "马丽"]


def _settle_past(made, rng, now: datetime) -> None:
    """Past bookings were either used (checked in a few minutes after the start) or missed."""
    for booking in made:
        if booking.end_at > now or booking.status != "confirmed":
            continue
        if rng.random() < 0.12:
            bookings.change_status(None, booking, NO_SHOW, f"开始后{booking.room.no_show_minutes}分钟未签到")
        else:
            bookings.change_status(booking.created_by, booking, CHECKED_IN)
            booking.checked_in_at = booking.start_at + timedelta(minutes=rng.randrange(-10, 8))


def seed_rooms(ctx) -> None:
    """The centre's rooms, open every day 08:30–21:00 (周一至周日全天免费开放)."""
    for name, kind, capacity, mode, equipment, description in ROOMS:
        settings = rooms.RoomSettings(
            name=name, kind=kind, capacity=capacity, equipment=equipment, description=description,
            needs_approval=mode == EXCLUSIVE, max_minutes=240 if mode == SHARED else 480,
        )  # fmt: skip
        ctx.rooms[name] = rooms.create_room(ctx.users["admin"], settings, mode)


def seed(ctx) -> None:
    seed_rooms(ctx)
    rng = ctx.rng
    today = clock.today()
    now = clock.now()
    staff = ctx.users["staff"]
    hall = ctx.rooms["党员组织生活教育馆"]
    activity = ctx.rooms["文化活动室"]
    gym = ctx.rooms["健身房"]
    db.session.flush()
    made = []

    # The coming public holiday. Past holidays are left out: the sessions and meetings demo data
    # is spread over the past months and must not land in a closure.
    new_year = date(today.year + 1, 1, 1)
    if not closures_between(None, new_year, new_year):
        rooms.add_closure(staff, None, new_year, new_year, "元旦")
    rooms.add_closure(staff, gym.id, today + timedelta(days=4), today + timedelta(days=4), "器械检修保养")

    monday = schedule.week_of(today) - timedelta(days=7)
    # Weekly classes: calligraphy on Tuesday and Thursday evenings, choir every Wednesday.
    for title, days, start, end, headcount, purpose in [
        ("书法兴趣课", [1, 3], time(19, 0), time(20, 30), 18, "产业社区职工书法入门，自带笔墨"),
        ("职工合唱团排练", [2], time(18, 30), time(20, 0), 30, "为“七一”汇演排练"),
        ("亲子阅读角", [5], time(9, 30), time(11, 0), 16, "周六上午亲子阅读，面向园区职工子女"),
    ]:
        details = BookingDetails(title, headcount, purpose, contact_name="孙晓梅", contact_phone="0631-3981100")
        recurrence = Recurrence(WEEKLY, monday, days, until=monday + timedelta(days=27))
        _series, created, _skipped = create_series(staff, activity.id, recurrence, start, end, details, allow_past=True)
        made += created

    # The monthly theme activity: a party day in the education hall, on the last Friday.
    last_friday = Recurrence("monthly", today.replace(day=1), [4], nth=-1, count=1).dates()[0]
    party_day = last_friday if abs((last_friday - today).days) <= 7 else today + timedelta(days=(4 - today.weekday()) % 7 or 7)
    made.append(
        bookings.create_booking(
            staff, hall.id, datetime.combine(party_day, time(14, 30)), datetime.combine(party_day, time(16, 30)),
            BookingDetails("主题党日：重温入党誓词", 45, "产业社区非公企业党支部联合主题党日",
                           enterprise_id=ctx.enterprises[0].id, contact_name="汇科工控党支部"),
            allow_past=True,
        )  # fmt: skip
    )
    made.append(
        bookings.create_booking(
            staff, hall.id, datetime.combine(today - timedelta(days=5), time(9, 0)),
            datetime.combine(today - timedelta(days=5), time(11, 0)),
            BookingDetails("新党员入党前培训", 26, enterprise_id=ctx.enterprises[1].id, contact_name="鸿锐金属党支部"),
            allow_past=True,
        )  # fmt: skip
    )
    if today.weekday() < 5:
        made.append(
            bookings.create_booking(
                staff, hall.id, datetime.combine(today, time(15, 0)), datetime.combine(today, time(16, 30)),
                BookingDetails("参观学习：党建引领产业社区", 30, enterprise_id=ctx.enterprises[3].id,
                               contact_name=ctx.enterprises[3].contact_name),
                allow_past=True,
            )  # fmt: skip
        )

    # Gym: lunch and evening slots, a few people each, over the fortnight.
    for offset in range(-7, 8):
        day = today + offset * timedelta(days=1)
        if closure_on(gym, day) is not None:
            continue
        for slot in (time(12, 0), time(18, 0), time(19, 0)):
            for _ in range(rng.randrange(1, 5)):
                person = rng.choice(GYM_PEOPLE)
                enterprise = rng.choice(ctx.enterprises)
                start = datetime.combine(day, slot)
                details = BookingDetails(
                    f"健身（{person}）", rng.choice([1, 1, 1, 2]), enterprise_id=enterprise.id, contact_name=person,
                    contact_phone=f"139{rng.randrange(10**7, 10**8)}",
                )  # fmt: skip
                try:
                    made.append(bookings.create_booking(staff, gym.id, start, start + timedelta(hours=1), details, allow_past=True))
                except RuleError:
                    continue

    # Requests from enterprises waiting for approval; two of them want the same afternoon.
    ask_day = today + timedelta(days=5)
    for enterprise, title, start, end, headcount in [
        (ctx.enterprises[5], "新员工入职培训", time(14, 0), time(16, 0), 25),
        (ctx.enterprises[8], "企业读书沙龙", time(15, 0), time(17, 0), 20),
    ]:
        details = BookingDetails(
            title, headcount, enterprise_id=enterprise.id, contact_name=enterprise.contact_name,
            contact_phone=enterprise.contact_phone,
        )  # fmt: skip
        bookings.create_booking(
            None, activity.id, datetime.combine(ask_day, start), datetime.combine(ask_day, end), details,
            status=PENDING, source="public",
        )  # fmt: skip
    school = ctx.enterprises[2]
    bookings.create_booking(
        None, hall.id, datetime.combine(today + timedelta(days=9), time(9, 30)),
        datetime.combine(today + timedelta(days=9), time(11, 30)),
        BookingDetails("党支部书记培训班", 40, enterprise_id=school.id, contact_name=school.contact_name,
                       contact_phone=school.contact_phone),
        status=PENDING, source="public",
    )  # fmt: skip

    _settle_past(made, rng, now)
    db.session.flush()
