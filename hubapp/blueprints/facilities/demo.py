"""A realistic fortnight around today: weekly classes in the activity room, a party-day event
in the education hall, gym slots, pending requests, a public-holiday closure and a gym closure
for maintenance. Never books 会议室 or 办事大厅洽谈区 (the meetings and sessions demo use them)."""

from datetime import date, datetime, time, timedelta

from hubapp import clock
from hubapp.blueprints.facilities import rooms, schedule, services
from hubapp.blueprints.facilities.models import CHECKED_IN, NO_SHOW, PENDING, WEEKLY
from hubapp.extensions import db

GYM_PEOPLE = ["王强", "李娜", "张伟", "刘洋", "陈静", "杨帆", "赵磊", "黄敏", "周杰", "吴倩", "孙鹏", "马丽"]


def _settle_past(bookings, rng, now: datetime) -> None:
    """Past bookings were either used (checked in a few minutes after the start) or missed."""
    for booking in bookings:
        if booking.end_at > now or booking.status != "confirmed":
            continue
        if rng.random() < 0.12:
            services.change_status(booking, NO_SHOW, None, f"开始后{booking.room.no_show_minutes}分钟未签到", commit=False)
        else:
            services.change_status(booking, CHECKED_IN, booking.created_by_id, commit=False)
            booking.checked_in_at = booking.start_at + timedelta(minutes=rng.randrange(-10, 8))


def seed(ctx) -> None:
    rng = ctx.rng
    today = clock.today()
    now = clock.now()
    staff = ctx.users["staff"].id
    hall = ctx.rooms["党员组织生活教育馆"]
    activity = ctx.rooms["文化活动室"]
    gym = ctx.rooms["健身房"]
    db.session.flush()
    made = []

    # The coming public holiday. Past holidays are left out: the sessions and meetings demo data
    # is spread over the past months and must not land in a closure.
    new_year = date(today.year + 1, 1, 1)
    if not services.closures_between(None, new_year, new_year):
        rooms.add_closure(staff, room_id=None, start_date=new_year, end_date=new_year, reason="元旦")
    rooms.add_closure(
        staff, room_id=gym.id, start_date=today + timedelta(days=4), end_date=today + timedelta(days=4), reason="器械检修保养"
    )

    monday = schedule.week_of(today) - timedelta(days=7)
    # Weekly classes: calligraphy on Tuesday and Thursday evenings, choir every Wednesday.
    for title, days, start, end, headcount, purpose in [
        ("书法兴趣课", [1, 3], time(19, 0), time(20, 30), 18, "产业社区职工书法入门，自带笔墨"),
        ("职工合唱团排练", [2], time(18, 30), time(20, 0), 30, "为“七一”汇演排练"),
        ("亲子阅读角", [5], time(9, 30), time(11, 0), 16, "周六上午亲子阅读，面向园区职工子女"),
    ]:
        _series, created, _skipped = services.create_series(
            room_id=activity.id, recurrence=services.Recurrence(WEEKLY, monday, days, until=monday + timedelta(days=27)),
            start_time=start, end_time=end, title=title, actor_id=staff, headcount=headcount, purpose=purpose,
            contact_name="孙晓梅", contact_phone="0631-3981100", allow_past=True,
        )  # fmt: skip
        made += created

    # The monthly theme activity: a party day in the education hall, on the last Friday.
    last_friday = services.Recurrence("monthly", today.replace(day=1), [4], nth=-1, count=1).dates()[0]
    party_day = last_friday if abs((last_friday - today).days) <= 7 else today + timedelta(days=(4 - today.weekday()) % 7 or 7)
    made.append(
        services.create_booking(
            room_id=hall.id, start=datetime.combine(party_day, time(14, 30)), end=datetime.combine(party_day, time(16, 30)),
            title="主题党日：重温入党誓词", actor_id=staff, headcount=45, purpose="产业社区非公企业党支部联合主题党日",
            enterprise_id=ctx.enterprises[0].id, contact_name="汇科工控党支部", allow_past=True,
        )  # fmt: skip
    )
    made.append(
        services.create_booking(
            room_id=hall.id, start=datetime.combine(today - timedelta(days=5), time(9, 0)),
            end=datetime.combine(today - timedelta(days=5), time(11, 0)), title="新党员入党前培训", actor_id=staff,
            headcount=26, enterprise_id=ctx.enterprises[1].id, contact_name="鸿锐金属党支部", allow_past=True,
        )  # fmt: skip
    )
    if today.weekday() < 5:
        made.append(
            services.create_booking(
                room_id=hall.id, start=datetime.combine(today, time(15, 0)), end=datetime.combine(today, time(16, 30)),
                title="参观学习：党建引领产业社区", actor_id=staff, headcount=30, enterprise_id=ctx.enterprises[3].id,
                contact_name=ctx.enterprises[3].contact_name, allow_past=True,
            )  # fmt: skip
        )

    # Gym: lunch and evening slots, a few people each, over the fortnight.
    for offset in range(-7, 8):
        day = today + offset * timedelta(days=1)
        if services.closure_on(gym, day) is not None:
            continue
        for slot in (time(12, 0), time(18, 0), time(19, 0)):
            for _ in range(rng.randrange(1, 5)):
                person = rng.choice(GYM_PEOPLE)
                enterprise = rng.choice(ctx.enterprises)
                start = datetime.combine(day, slot)
                try:
                    made.append(
                        services.create_booking(
                            room_id=gym.id, start=start, end=start + timedelta(hours=1), title=f"健身（{person}）",
                            actor_id=staff, headcount=rng.choice([1, 1, 1, 2]), enterprise_id=enterprise.id,
                            contact_name=person, contact_phone=f"139{rng.randrange(10**7, 10**8)}", allow_past=True,
                            commit=False,
                        )  # fmt: skip
                    )
                except services.BookingError:
                    continue

    # Requests from enterprises waiting for approval; two of them want the same afternoon.
    ask_day = today + timedelta(days=5)
    for enterprise, title, start, end, headcount in [
        (ctx.enterprises[5], "新员工入职培训", time(14, 0), time(16, 0), 25),
        (ctx.enterprises[8], "企业读书沙龙", time(15, 0), time(17, 0), 20),
    ]:
        services.create_booking(
            room_id=activity.id, start=datetime.combine(ask_day, start), end=datetime.combine(ask_day, end), title=title,
            actor_id=None, headcount=headcount, enterprise_id=enterprise.id, contact_name=enterprise.contact_name,
            contact_phone=enterprise.contact_phone, status=PENDING, source="public", commit=False,
        )  # fmt: skip
    services.create_booking(
        room_id=hall.id, start=datetime.combine(today + timedelta(days=9), time(9, 30)),
        end=datetime.combine(today + timedelta(days=9), time(11, 30)), title="党支部书记培训班", actor_id=None,
        headcount=40, enterprise_id=ctx.enterprises[2].id, contact_name=ctx.enterprises[2].contact_name,
        contact_phone=ctx.enterprises[2].contact_phone, status=PENDING, source="public", commit=False,
    )  # fmt: skip

    _settle_past(made, rng, now)
    db.session.flush()
