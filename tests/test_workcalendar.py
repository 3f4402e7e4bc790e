"""The working-day calendar staff keep (issue 14): holidays and make-up working days in the
database, read by every working-day count; its page, the pasted State Council notice, and what a
change does to deadlines already set and to new ones."""

import re
from datetime import date, datetime

import pytest
from sqlalchemy import create_engine, func, select, text

from hubapp import clock
from hubapp.audit import AuditEntry
from hubapp.blueprints.demands.models import DUE_SOON
from hubapp.blueprints.facilities import rooms
from hubapp.blueprints.workcalendar import services
from hubapp.blueprints.workcalendar.models import HOLIDAY, WORKDAY, CalendarDay
from hubapp.blueprints.workcalendar.services import Run
from hubapp.database import atomic
from hubapp.extensions import db
from hubapp.rules import RuleError
from hubapp.workdays import add_working_days, is_working_day
from tests.test_demands_services import firms, raise_demand  # noqa: F401  (fixture)

#: The 2026 notice (国办发明电〔2025〕7号) as staff copy it from the State Council's site.
NOTICE_2026 = """一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。
三、清明节：4月4日（周六）至6日（周一）放假，共3天。
四、劳动节：5月1日（周五）至5日（周二）放假调休，共5天。5月9日（周六）上班。
五、端午节：6月19日（周五）至21日（周日）放假，共3天。
六、中秋节：9月25日（周五）至27日（周日）放假，共3天。
七、国庆节：10月1日（周四）至7日（周三）放假调休，共7天。9月20日（周日）、10月10日（周六）上班。
"""


def on_day(monkeypatch, day: date) -> None:
    monkeypatch.setattr(clock, "now", lambda: datetime(day.year, day.month, day.day, 10, 0))


def add(run: Run, actor=None):
    with atomic():
        return services.add_run(actor, run)


def test_the_initial_rows_are_the_calendar_deadlines_were_counted_with(app):
    runs = {(r.name, r.kind): (r.first, r.last) for r in services.runs(2026)}
    assert runs[("国庆节", HOLIDAY)] == (date(2026, 10, 1), date(2026, 10, 7))
    assert runs[("春节", HOLIDAY)] == (date(2026, 2, 15), date(2026, 2, 23))
    assert not is_working_day(date(2026, 10, 7)) and is_working_day(date(2026, 10, 10))
    assert services.listed_years()[0] == 2026 and services.listed_years()[-1] == 2004


def test_the_pasted_notice_gives_the_same_runs_the_calendar_holds(app):
    parsed = services.parse_notice(2026, NOTICE_2026)
    assert set(parsed) == set(services.runs(2026))
    with atomic():
        assert services.import_notice(None, 2026, NOTICE_2026) == []  # all there already


def test_a_notice_line_without_dates_or_name_is_refused_by_its_number(app):
    with pytest.raises(RuleError, match="第2行没有读到"):
        services.parse_notice(2027, "一、元旦：1月1日（周五）放假，共1天。\n二、春节：另行通知。")
    with pytest.raises(RuleError, match="第1行没有“节日名称"):
        services.parse_notice(2027, "1月1日放假")
    with pytest.raises(RuleError, match="不存在的日期"):
        services.parse_notice(2027, "春节：2月30日放假。")


def test_a_new_holiday_moves_new_deadlines_and_leaves_set_ones(app, users, firms, monkeypatch):  # noqa: F811
    # 2027 is beyond the initial data: Monday to Friday until staff enter its notice.
    on_day(monkeypatch, date(2027, 2, 1))
    before = raise_demand(users, firms["home"])  # 问题诉求: ten working days
    assert before.deadline == date(2027, 2, 15)

    add(Run(date(2027, 2, 8), date(2027, 2, 12), HOLIDAY, "春节"), users["staff"])
    add(Run(date(2027, 2, 20), date(2027, 2, 20), WORKDAY, "春节"), users["staff"])

    after = raise_demand(users, firms["home"], title="节后登记")
    assert after.deadline == date(2027, 2, 20)  # the make-up Saturday counts
    db.session.refresh(before)
    assert before.deadline == date(2027, 2, 15)
    # The set deadline stays, but its warning is counted with the new calendar: on 2月5日 the
    # next three working days are now 2月15日–17日.
    assert before.warning(date(2027, 2, 5)) == DUE_SOON
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.object_type == "calendar_day")).all()
    assert [(e.action, e.to_state) for e in entries] == [("calendar_day.add", HOLIDAY), ("calendar_day.add", WORKDAY)]


def test_removing_a_run_restores_the_weekday_rule(app):
    with atomic():
        assert services.remove_run(None, date(2026, 10, 1), date(2026, 10, 7)) == 7
    assert add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 1)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "calendar_day.remove"))
    assert entry.detail_dict["name"] == "国庆节" and len(entry.detail_dict["record"]) == 7


def test_a_day_is_listed_once_and_a_make_up_day_is_a_weekend(app):
    with pytest.raises(RuleError, match="2026年10月7日已登记为“国庆节法定节假日”") as refused:
        add(Run(date(2026, 10, 7), date(2026, 10, 9), HOLIDAY, "补假"))
    assert refused.value.field == "first"
    with pytest.raises(RuleError, match="本来就是工作日"):
        add(Run(date(2027, 3, 1), date(2027, 3, 1), WORKDAY, "春节"))
    with pytest.raises(RuleError, match="结束日期不能早于开始日期"):
        add(Run(date(2027, 3, 5), date(2027, 3, 1), HOLIDAY, "春节"))
    assert (
        db.session.scalar(select(func.count()).select_from(CalendarDay).where(CalendarDay.day >= date(2027, 1, 1))) == 0
    )


def test_the_database_refuses_a_second_entry_for_a_day(app):
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError), atomic():
        db.session.add(CalendarDay(day=date(2026, 10, 1), kind=WORKDAY, name="国庆节"))
        db.session.flush()


def test_the_rooms_close_on_the_calendars_holidays(app):
    add(Run(date(2027, 2, 8), date(2027, 2, 12), HOLIDAY, "春节"))
    with atomic():
        closures, openings = rooms.import_public_holidays(None, 2027)
    assert [(c.start_date, c.end_date, c.reason) for c in closures] == [(date(2027, 2, 8), date(2027, 2, 12), "春节")]
    assert openings == []
    with pytest.raises(RuleError, match="还没有2028年"), atomic():
        rooms.import_public_holidays(None, 2028)


# --- the page ------------------------------------------------------------------------------------


def test_staff_see_the_year_and_an_empty_year_links_to_the_forms(auth, client):
    auth.login("staff")
    page = client.get("/calendar/?year=2026").get_data(as_text=True)
    assert "国庆节" in page and "10月1日（周四）至10月7日（周三）" in page and "7天" in page
    empty = client.get("/calendar/?year=2028").get_data(as_text=True)
    assert "还没有登记2028年的放假安排" in empty and 'href="#notice"' in empty
    # A year no page can show falls back to this year instead of failing.
    assert client.get("/calendar/?year=99999").status_code == 200


def test_a_liaison_may_not_keep_the_calendar(auth, client):
    auth.login("liaison")
    assert client.get("/calendar/").status_code == 403
    assert (
        client.post("/calendar/runs", data={"kind": HOLIDAY, "name": "春节", "first": "2027-02-08"}).status_code == 403
    )


def test_a_refused_entry_keeps_what_was_typed_with_the_message_next_to_the_field(auth, client):
    auth.login("staff")
    response = client.post(
        "/calendar/runs", data={"kind": WORKDAY, "name": "春节补班", "first": "2027-03-01", "last": ""}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="春节补班"' in page and 'value="2027-03-01"' in page
    assert '<p class="error" id="first-error">2027年3月1日本来就是工作日' in page
    missing = client.post("/calendar/runs", data={"kind": HOLIDAY, "name": "", "first": "not-a-date"})
    assert missing.status_code == 422 and "请填写节日名称。" in missing.get_data(as_text=True)


def test_staff_add_paste_and_remove_through_the_page(auth, client):
    auth.login("staff")
    added = client.post("/calendar/runs", data={"kind": HOLIDAY, "name": "元旦", "first": "2027-01-01"})
    assert added.status_code == 303 and added.headers["Location"].endswith("/calendar/?year=2027")
    notice = "春节：2月6日（周六）至14日（周日）放假调休，共9天。2月20日（周六）上班。"
    imported = client.post("/calendar/notice", data={"year": "2027", "text": notice}, follow_redirects=True)
    assert "已导入2段安排，共10天。" in imported.get_data(as_text=True)
    assert not is_working_day(date(2027, 2, 8)) and is_working_day(date(2027, 2, 20))
    removed = client.post(
        "/calendar/runs/delete", data={"first": "2027-02-06", "last": "2027-02-14"}, follow_redirects=True
    )
    assert "已删除9天的安排。" in removed.get_data(as_text=True)
    assert is_working_day(date(2027, 2, 8))
    again = client.post(
        "/calendar/runs/delete", data={"first": "2027-02-06", "last": "2027-02-14"}, follow_redirects=True
    )
    assert "已不在工作日历中" in again.get_data(as_text=True)
    assert client.post("/calendar/runs/delete", data={"first": "x", "last": ""}).status_code == 400


def test_a_pasted_notice_that_cannot_be_read_stays_in_the_box(auth, client):
    auth.login("staff")
    response = client.post("/calendar/notice", data={"year": "2027", "text": "春节：另行通知"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "春节：另行通知</textarea>" in page and "第1行没有读到" in page


def test_a_change_another_host_commits_counts_from_the_next_request(auth, client, app, users, firms, monkeypatch):  # noqa: F811
    on_day(monkeypatch, date(2027, 2, 5))
    raise_demand(users, firms["home"], deadline=date(2027, 2, 15))
    auth.login("staff")
    assert "warning-due-soon" not in client.get("/demands/").get_data(as_text=True)
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    with engine.begin() as other_host:
        other_host.execute(
            text("INSERT INTO calendar_day (day, kind, name) VALUES (:day, 'holiday', '春节')"),
            [{"day": date(2027, 2, d)} for d in range(8, 13)],
        )
    engine.dispose()
    assert "warning-due-soon" in client.get("/demands/").get_data(as_text=True)


def proposed_deadline(client, demand) -> str:
    page = client.get(f"/demands/{demand.id}").get_data(as_text=True)
    return re.search(r'<input id="deadline" name="deadline"[^>]* value="([0-9-]+)"', page).group(1)


def test_the_transfer_form_proposes_a_deadline_counted_with_the_calendar(auth, client, users, firms, monkeypatch):  # noqa: F811
    # A demand whose own deadline has passed: the form proposes five working days from today.
    on_day(monkeypatch, date(2027, 2, 5))
    demand = raise_demand(users, firms["home"], received_on=date(2027, 1, 4), deadline=date(2027, 1, 18))
    auth.login("staff")
    assert proposed_deadline(client, demand) == "2027-02-12"
    add(Run(date(2027, 2, 8), date(2027, 2, 12), HOLIDAY, "春节"), users["staff"])
    assert proposed_deadline(client, demand) == "2027-02-19"


def test_the_notification_senders_next_round_reads_another_hosts_change(app):
    # ``flask hub notify --loop`` keeps one app context and removes its session between rounds.
    assert is_working_day(date(2027, 3, 1))
    db.session.commit()  # a round ends its transaction (on SQLite this lets the other host write)
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    with engine.begin() as other_host:
        other_host.execute(
            text("INSERT INTO calendar_day (day, kind, name) VALUES (:day, 'holiday', '补假')"),
            {"day": date(2027, 3, 1)},
        )
    engine.dispose()
    db.session.remove()
    assert not is_working_day(date(2027, 3, 1))


def test_the_rooms_page_sends_staff_to_the_calendar_for_a_year_not_listed(auth, client):
    auth.login("staff")
    response = client.post("/facilities/holidays/import", data={"year": "2027"}, follow_redirects=True)
    assert "工作日历中还没有2027年的法定节假日，请先在“工作日历”中登记。" in response.get_data(as_text=True)
