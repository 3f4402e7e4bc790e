"""Sessions through HTTP: the public sign-up page and personal link, staff planning, the door,
outcomes, and the paper and files they print and export."""

import io
import re
import shutil
import subprocess
from datetime import timedelta
from decimal import Decimal

import pdfmeasure
import pytest
from factories import directory, facilities
from factories import sessions as make
from factories.sessions import day, phone
from icalendar import Calendar
from openpyxl import load_workbook
from sqlalchemy import func, select

from hubapp import audit, clock
from hubapp.blueprints.facilities.models import Booking
from hubapp.blueprints.sessions import door, outcomes, planning
from hubapp.blueprints.sessions.models import BANK, POLICY, REGISTERED, WAITLISTED, Registration, Session
from hubapp.database import atomic
from hubapp.extensions import db
from hubapp.rules import RuleError


@pytest.fixture
def room(app):
    return make.hall()


@pytest.fixture
def session(room):
    return make.session(room, capacity=2)


def form(**overrides):
    data = {"enterprise_name": "威海汇科工控技术有限公司", "attendee_name": "王敏", "phone": "13906310001", "position": "财务经理"}
    data.update(overrides)
    return data


def registrations():
    return db.session.scalar(select(func.count()).select_from(Registration))


# --- public -------------------------------------------------------------------------------------


def test_the_public_page_shows_the_session_and_its_form(client, session):
    response = client.get(f"/s/{session.id}")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert session.title in text
    assert "尚余 2 个" in text
    assert 'name="phone"' in text
    # The scripts are the centre's own: focus after a refused sign-up, htmx for the enterprise-name suggestions.
    assert re.findall(r'<script src="([^"]+)"', text) == ["/static/js/focus.js", "/static/vendor/htmx-2.0.11/htmx.min.js"]


def test_the_register_is_suggested_by_name_but_never_handed_out_whole(client, session):
    from hubapp.blueprints.directory.uscc import make_code

    code = make_code("371000", 20180000)
    directory.enterprise("威海汇科工控技术有限公司", "汇科工控", uscc=code)
    page = client.get(f"/s/{session.id}").get_data(as_text=True)
    assert "汇科工控" not in page and code not in page
    assert 'hx-get="/e/enterprises?name=enterprise_name"' in page
    suggested = client.get("/e/enterprises", query_string={"name": "enterprise_name", "enterprise_name": "汇科"})
    assert '<option value="威海汇科工控技术有限公司"></option>' in suggested.get_data(as_text=True)


def test_signing_up_leads_to_a_personal_page_with_a_check_in_code(client, session):
    response = client.post(f"/s/{session.id}", data=form(questions="专项附加扣除如何补填？"))
    assert response.status_code == 303
    token = db.session.scalar(select(Registration.token))
    assert response.headers["Location"] == f"/s/{session.id}/r/{token}"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "报名成功" in page
    assert "<svg" in page
    assert "139****0001" in page


def test_a_bad_phone_is_shown_next_to_the_field_and_nothing_typed_is_lost(client, session):
    response = client.post(f"/s/{session.id}", data=form(phone="1390631"))
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert re.search(r'id="phone-error">请填写11位手机号码', text)
    assert 'value="威海汇科工控技术有限公司"' in text
    assert 'value="1390631"' in text
    assert registrations() == 0


def test_a_duplicate_phone_is_refused_with_a_chinese_message(client, session):
    make.registration(session, "13906310001")
    response = client.post(f"/s/{session.id}", data=form(attendee_name="李强"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "同一手机号不能重复报名" in page
    assert "工作人员即可为您签到" in page
    assert 'value="李强"' in page
    assert registrations() == 1


def test_signing_up_again_from_the_same_phone_finds_the_first_sign_up(client, session):
    first = client.post(f"/s/{session.id}", data=form())
    again = client.post(f"/s/{session.id}", data=form())
    assert again.status_code == 303
    assert again.headers["Location"] == first.headers["Location"]
    assert "您已用该手机号报名本场活动" in client.get(again.headers["Location"]).get_data(as_text=True)
    assert "查看我的报名和签到码" in client.get(f"/s/{session.id}").get_data(as_text=True)
    assert registrations() == 1


def test_a_wrong_credit_code_check_digit_is_refused(client, session):
    response = client.post(f"/s/{session.id}", data=form(enterprise_name="新企业", uscc="913710002018000001"))
    assert response.status_code == 422
    assert "校验位不正确" in response.get_data(as_text=True)


def test_a_closed_sign_up_says_so_and_takes_nothing(client, room):
    closed = make.session(room, start=day(9, 9), signup_opens_at=day(-3, 9), signup_closes_at=day(-1, 9))
    page = client.get(f"/s/{closed.id}").get_data(as_text=True)
    assert "报名已截止" in page
    assert "尚余" not in page and "可报名候补" not in page
    assert 'name="phone"' not in page
    assert client.post(f"/s/{closed.id}", data=form()).status_code == 422
    assert registrations() == 0


def test_a_full_session_offers_the_waitlist_and_shows_the_position(client, session):
    for n in range(2):
        make.registration(session, phone(n))
    assert "候补" in client.get(f"/s/{session.id}").get_data(as_text=True)
    response = client.post(f"/s/{session.id}", data=form())
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "候补名单第 <strong>1</strong> 位" in page
    assert "<svg" not in page


def test_the_personal_link_cancels_after_confirmation_and_promotes_the_waitlist(client, session):
    first = make.registration(session, phone(1))
    make.registration(session, phone(2))
    waiting = make.registration(session, phone(3))
    url = f"/s/{session.id}/r/{first.token}"
    client.post(url + "/cancel")
    assert db.session.get(Registration, first.id).status == REGISTERED
    response = client.post(url + "/cancel", data={"confirm": "yes"}, follow_redirects=True)
    assert "您的报名已取消" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Registration, waiting.id).status == REGISTERED


def test_the_personal_link_cannot_cancel_once_the_session_has_begun(client, session, monkeypatch):
    mine = make.registration(session, phone(1))
    make.registration(session, phone(2))
    waiting = make.registration(session, phone(3))
    begun = session.start_at + timedelta(minutes=10)
    monkeypatch.setattr(clock, "now", lambda: begun)
    response = client.post(f"/s/{session.id}/r/{mine.token}/cancel", data={"confirm": "yes"}, follow_redirects=True)
    assert "活动已开始，不能再取消报名" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Registration, mine.id).status == REGISTERED
    assert db.session.get(Registration, waiting.id).status == WAITLISTED


def test_an_unknown_token_is_404(client, session):
    assert client.get(f"/s/{session.id}/r/not-a-token").status_code == 404
    assert client.get("/s/999").status_code == 404


def test_bank_sessions_ask_for_the_financing_need_on_the_form(client, room):
    bank = make.session(room, kind=BANK)
    response = client.post(f"/s/{bank.id}", data=form())
    assert response.status_code == 422
    assert "请填写融资需求金额" in response.get_data(as_text=True)
    data = form(financing_amount="450", financing_purpose="购置设备", financing_term="36", financing_collateral="yes")
    assert client.post(f"/s/{bank.id}", data=data).status_code == 303
    registration = db.session.scalar(select(Registration))
    assert registration.financing_amount == Decimal("450")
    assert registration.financing_collateral is True


def test_a_bad_collateral_answer_is_shown_next_to_its_radios(client, room):
    bank = make.session(room, kind=BANK)
    response = client.post(f"/s/{bank.id}", data=form(financing_amount="100", financing_collateral="maybe"))
    assert response.status_code == 422
    assert re.search(r'有无抵押.*<p class="error">[^<]+</p>', response.get_data(as_text=True), re.S)
    assert registrations() == 0


def test_public_sign_ups_are_rate_limited_per_address(app, client, session):
    app.config["SESSION_SIGNUP_LIMIT"] = "3 per minute"
    codes = [client.post(f"/s/{session.id}", data=form(phone=phone(n))).status_code for n in range(4)]
    assert codes[:3] == [303, 303, 303]
    assert codes[3] == 429


# --- staff --------------------------------------------------------------------------------------


def session_form(room, **overrides):
    start = day(10, 14)
    data = {
        "kind": POLICY,
        "title": "高新技术企业认定政策宣讲",
        "host_id": "0",
        "start_at": start.strftime("%Y-%m-%dT%H:%M"),
        "end_at": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "room_id": str(room.id),
        "capacity": "30",
    }
    data.update(overrides)
    return data


def test_staff_create_a_session_and_its_room_is_booked(client, auth, room):
    auth.login("staff")
    response = client.post("/sessions/new", data=session_form(room))
    assert response.status_code == 303
    created = planning.month_sessions(day(10, 14).date())[0]
    assert created.booking.room_id == room.id


def test_staff_set_how_early_a_session_opens_its_check_in(client, auth, room):
    auth.login("staff")
    form = client.get("/sessions/new").get_data(as_text=True)
    assert "提前开放签到（分钟）" in form and "留空：按默认在活动开始前60分钟开放签到" in form
    refused = client.post("/sessions/new", data=session_form(room, check_in_opens_minutes="2000"))
    assert refused.status_code == 422
    assert re.search(r'id="check_in_opens_minutes-error">签到提前开放时间应在0到1440分钟之间。', refused.get_data(as_text=True))
    assert client.post("/sessions/new", data=session_form(room, check_in_opens_minutes="120")).status_code == 303
    created = planning.month_sessions(day(10, 14).date())[0]
    assert door.check_in_opens_at(created) == created.start_at - timedelta(minutes=120)


def test_a_session_that_cannot_be_written_keeps_no_booking_and_the_form(client, auth, room, monkeypatch):
    """The room is booked, then the session's own write fails: the page says why, keeps what was
    typed, and neither the booking nor the session remains."""
    auth.login("staff")

    def refuse(*args, **kwargs):
        assert db.session.scalar(select(func.count()).select_from(Booking)) == 1
        raise RuleError("活动未能保存，请重试。")

    monkeypatch.setattr(planning, "theme_for", refuse)
    response = client.post("/sessions/new", data=session_form(room))
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "活动未能保存，请重试。" in text
    assert 'value="高新技术企业认定政策宣讲"' in text
    assert db.session.scalar(select(func.count()).select_from(Booking)) == 0
    assert db.session.scalar(select(func.count()).select_from(Session)) == 0


def test_a_taken_room_is_shown_with_its_holder_and_nothing_is_created(client, auth, room):
    auth.login("staff")
    facilities.booking(room, day(10, 0).date(), "13:00", "15:00", title="企业座谈会")
    response = client.post("/sessions/new", data=session_form(room))
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "企业座谈会" in text and "已被" in text
    assert 'value="高新技术企业认定政策宣讲"' in text
    assert planning.month_sessions(day(10, 14).date()) == []


def test_the_month_view_and_the_theme_plan(client, auth, session):
    auth.login("staff")
    month = session.start_at.strftime("%Y-%m")
    assert session.title in client.get(f"/sessions/?month={month}").get_data(as_text=True)
    year = session.start_at.year
    response = client.post(f"/sessions/themes?year={year}", data={"m3": "银企对接 融资纾困"})
    assert response.status_code == 303
    page = client.get(f"/sessions/themes?year={year}").get_data(as_text=True)
    assert 'value="银企对接 融资纾困"' in page
    assert planning.theme_plan(year)[3].theme == "银企对接 融资纾困"


def test_check_in_by_code_is_idempotent(client, auth, session, monkeypatch):
    auth.login("staff")
    registration = make.registration(session, phone(1))
    make.doors_open(monkeypatch, session)
    scanned = f"http://hub.example.cn/sessions/{session.id}/checkin/{registration.token}"
    first = client.post(f"/sessions/{session.id}/checkin", data={"code": scanned}).get_data(as_text=True)
    assert "签到成功" in first
    second = client.post(f"/sessions/{session.id}/checkin", data={"code": registration.token}).get_data(as_text=True)
    db.session.refresh(registration)
    assert f"已于 {registration.checked_in_at:%H:%M} 签到" in second
    at = registration.checked_in_at
    staff_list = client.get(f"/sessions/{session.id}").get_data(as_text=True)
    assert f"{at.month}月{at.day}日 {at:%H:%M}" in staff_list


def test_an_unknown_code_at_the_door_is_a_clear_422(client, auth, session):
    auth.login("staff")
    response = client.post(f"/sessions/{session.id}/checkin", data={"code": "nonsense"})
    assert response.status_code == 422
    assert "未找到该签到码" in response.get_data(as_text=True)


def test_the_scanned_link_opens_a_confirmation_for_staff(client, auth, session, monkeypatch):
    registration = make.registration(session, phone(1))
    make.doors_open(monkeypatch, session)
    url = f"/sessions/{session.id}/checkin/{registration.token}"
    assert client.get(url).status_code == 302  # anonymous: to login
    auth.login("staff")
    page = client.get(url).get_data(as_text=True)
    assert "确认签到" in page and registration.attendee_name in page


def test_a_scanned_waitlisted_code_says_why_there_is_no_check_in(client, auth, session):
    for n in range(2):
        make.registration(session, phone(n))
    waiting = make.registration(session, phone(5), name="周颖")
    auth.login("staff")
    page = client.get(f"/sessions/{session.id}/checkin/{waiting.token}").get_data(as_text=True)
    assert "该报名为“候补”，没有占用名额" in page
    assert "确认签到" not in page
    assert "按现场登记签到" in page


def test_the_door_lets_a_waitlisted_person_in_as_a_walk_in(client, auth, session, monkeypatch):
    for n in range(2):
        make.registration(session, phone(n))
    waiting = make.registration(session, phone(5), name="周颖")
    make.doors_open(monkeypatch, session)
    auth.login("staff")
    door = client.get(f"/sessions/{session.id}/checkin").get_data(as_text=True)
    assert "周颖的报名为“候补”，确认现场有空位，按现场登记签到？" in door
    plain = client.post(f"/sessions/{session.id}/checkin", data={"registration_id": str(waiting.id)})
    assert plain.status_code == 409
    admitted = client.post(
        f"/sessions/{session.id}/checkin", data={"registration_id": str(waiting.id), "admit": "1"}, headers={"HX-Request": "true"}
    )
    assert admitted.status_code == 200
    fragment = admitted.get_data(as_text=True)
    assert "周颖（威海汇科工控技术有限公司）签到成功" in fragment
    # The counts at the top of the door page follow (out-of-band): walk-ins are on top of the seats.
    assert re.search(r'id="door-stats" hx-swap-oob="true">已签到 <strong id="checked-count">1</strong> / 已报名 2（另有现场登记 1）', fragment)
    db.session.expire_all()
    assert db.session.get(Registration, waiting.id).status == "walk_in"


def test_a_walk_in_is_added_and_checked_in(client, auth, session, monkeypatch):
    auth.login("staff")
    make.doors_open(monkeypatch, session)
    response = client.post(
        f"/sessions/{session.id}/walkin", data={"enterprise_name": "威海蓝创软件有限公司", "attendee_name": "赵强", "phone": "13906319999"}
    )
    assert response.status_code == 303
    walk_in = db.session.scalar(select(Registration))
    assert walk_in.checked_in_at is not None


def test_financing_outcome_is_recorded_and_reported(client, auth, room):
    auth.login("staff")
    bank_host = make.host("中国建设银行威海南海新区支行", "bank")
    bank = make.session(room, kind=BANK, start=day(-3, 9), allow_past=True)
    data = {"enterprise_name": "汇科工控", "bank_id": str(bank_host.id), "amount": "450", "status": "granted"}
    assert client.post(f"/sessions/{bank.id}/financing", data=data).status_code == 303
    page = client.get(f"/sessions/{bank.id}/outcome").get_data(as_text=True)
    assert "协助汇科工控获得融资450万元" in page
    bad = client.post(f"/sessions/{bank.id}/financing", data={**data, "amount": "-1"})
    assert bad.status_code == 422


def test_a_financing_match_entered_by_mistake_is_deleted_after_confirmation(client, auth, room):
    auth.login("staff")
    bank_host = make.host("中国建设银行威海南海新区支行", "bank")
    bank = make.session(room, kind=BANK, start=day(-3, 9), allow_past=True)
    match = make.financing(bank, bank_host, "汇科工控", "4500", "granted")
    page = client.get(f"/sessions/{bank.id}/outcome").get_data(as_text=True)
    assert "删除 汇科工控 在 中国建设银行威海南海新区支行 的 4500 万元融资对接记录？" in page
    match_id = match.id
    response = client.post(f"/sessions/{bank.id}/financing/{match_id}/delete", follow_redirects=True)
    assert "已删除该条融资对接成果" in response.get_data(as_text=True)
    assert outcomes.financing_matches(bank.id) == []
    assert [e.action for e in audit.entries_for("financing", match_id)][-1] == "financing.delete"
    assert client.post(f"/sessions/{bank.id}/financing/{match_id}/delete").status_code == 404


def test_an_amount_beyond_the_column_is_refused_next_to_the_field(client, auth, room):
    auth.login("staff")
    bank_host = make.host("中国建设银行威海南海新区支行", "bank")
    bank = make.session(room, kind=BANK, start=day(-3, 9), allow_past=True)
    data = {"enterprise_name": "汇科工控", "bank_id": str(bank_host.id), "amount": "1000000000000", "status": "granted"}
    response = client.post(f"/sessions/{bank.id}/financing", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "请填写0.01至9999999之间的金额（万元）。" in page
    assert 'value="汇科工控"' in page
    assert outcomes.financing_matches(bank.id) == []


# --- paper and files ----------------------------------------------------------------------------


def pdf_text(data: bytes) -> str:
    result = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True)
    return result.stdout.decode()


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_the_sign_in_sheet_is_a4_chinese_with_masked_phones(client, auth, session):
    auth.login("staff")
    make.registration(session, "13906312345", name="王敏", position="财务经理")
    response = client.get(f"/sessions/{session.id}/signin.pdf")
    assert response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    assert "签到表" in text and "签名" in text and "企业名称" in text
    assert "139****2345" in text and "13906312345" not in text
    assert "王敏" in text and "财务经理" in text


@pytest.mark.skipif(shutil.which("zbarimg") is None or shutil.which("pdftoppm") is None, reason="zbar/poppler missing")
def test_the_poster_qr_points_at_the_public_page(client, auth, session, tmp_path):
    auth.login("staff")
    response = client.get(f"/sessions/{session.id}/poster.pdf")
    (tmp_path / "poster.pdf").write_bytes(response.data)
    subprocess.run(["pdftoppm", "-png", "-r", "100", str(tmp_path / "poster.pdf"), str(tmp_path / "poster")], check=True)
    image = next(tmp_path.glob("poster*.png"))
    decoded = subprocess.run(["zbarimg", "--raw", "-q", str(image)], capture_output=True, check=True).stdout.decode()
    assert decoded.strip() == f"http://hub.example.cn/s/{session.id}"


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_the_poster_tells_the_sign_up_deadline(client, auth, room):
    auth.login("staff")
    closes = day(5, 18)
    session = make.session(room, signup_closes_at=closes)
    text = pdf_text(client.get(f"/sessions/{session.id}/poster.pdf").data)
    assert f"{closes.year}年{closes.month}月{closes.day}日 18:00" in text
    assert "报名截止" in text


def test_the_excel_export_has_chinese_headers(client, auth, room):
    auth.login("staff")
    bank = make.session(room, kind=BANK)
    make.registration(bank, phone(1), financing_amount=Decimal("450"), financing_purpose="购置设备")
    response = client.get(f"/sessions/{bank.id}/registrations.xlsx")
    book = load_workbook(io.BytesIO(response.data))
    sheet = book["报名名单"]
    headers = [cell.value for cell in sheet[1]]
    assert headers[:4] == ["序号", "企业名称", "统一社会信用代码", "参会人"]
    assert "融资金额（万元）" in headers
    assert sheet.cell(row=2, column=headers.index("融资金额（万元）") + 1).value == 450
    assert {"报名名单", "活动成效", "融资对接成果"} <= set(book.sheetnames)


def test_the_excel_summary_carries_the_financing_report(client, auth, room):
    auth.login("staff")
    bank_host = make.host("中国建设银行威海南海新区支行", "bank")
    bank = make.session(room, kind=BANK, start=day(-3, 9), allow_past=True)
    make.financing(bank, bank_host, "汇科工控", "450", "granted")
    book = load_workbook(io.BytesIO(client.get(f"/sessions/{bank.id}/registrations.xlsx").data))
    rows = [tuple(row) for row in book["活动成效"].iter_rows(values_only=True)]
    assert ("融资成果", "协助汇科工控获得融资450万元") in rows


def test_the_calendar_file_describes_the_session(client, auth, session):
    auth.login("staff")
    response = client.get(f"/sessions/{session.id}/session.ics")
    assert response.mimetype == "text/calendar"
    event = Calendar.from_ical(response.data).walk("VEVENT")[0]
    assert session.title in str(event["summary"])
    assert event.decoded("dtstart").replace(tzinfo=None) == session.start_at
    assert f"/s/{session.id}" in str(event["url"])


def test_staff_cancel_a_session_only_with_a_reason(client, auth, session):
    auth.login("staff")
    client.post(f"/sessions/{session.id}/cancel", data={"reason": ""})
    db.session.refresh(session)
    assert not session.is_cancelled
    client.post(f"/sessions/{session.id}/cancel", data={"reason": "主讲人临时有事"})
    db.session.refresh(session)
    assert session.is_cancelled and session.booking.status == "cancelled"
    assert "已取消" in client.get(f"/s/{session.id}").get_data(as_text=True)


def test_waitlisted_count_shows_on_staff_page(client, auth, session):
    auth.login("staff")
    for n in range(3):
        make.registration(session, phone(n))
    page = client.get(f"/sessions/{session.id}?status={WAITLISTED}").get_data(as_text=True)
    assert "候补 <strong>1</strong>" in page


def test_host_organisations_are_kept_and_reused(client, auth, room):
    auth.login("staff")
    data = {"name": "威海市商业银行南海新区支行", "kind": "bank", "department_id": "0", "active": "y"}
    assert client.post("/sessions/hosts/new", data=data).status_code == 303
    again = client.post("/sessions/hosts/new", data=data)
    assert again.status_code == 422
    assert "已有同名机构" in again.get_data(as_text=True)
    assert [h.name for h in planning.banks()] == ["威海市商业银行南海新区支行"]
    assert "威海市商业银行南海新区支行" in client.get("/sessions/new").get_data(as_text=True)


@pytest.mark.parametrize("number", ["13906310001", "0631-5981234", "06315981234", "0631-5981234-801"])
def test_a_host_contact_phone_may_be_a_mobile_or_a_landline(client, auth, number):
    auth.login("staff")
    data = {"name": "南海新区财政金融局", "kind": "department", "department_id": "0", "contact_phone": number}
    assert client.post("/sessions/hosts/new", data=data).status_code == 303


def test_a_host_contact_phone_that_is_no_number_is_refused(client, auth):
    auth.login("staff")
    data = {"name": "南海新区财政金融局", "kind": "department", "department_id": "0", "contact_phone": "找王科长"}
    response = client.post("/sessions/hosts/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "请填写手机号码或“区号-号码”形式的固定电话。" in page
    assert 'value="南海新区财政金融局"' in page
    assert planning.hosts() == []


def test_pending_sign_ups_are_approved_by_staff(client, auth, room):
    auth.login("staff")
    vetted = make.session(room, capacity=1, needs_approval=True)
    registration = make.registration(vetted, phone(1))
    response = client.post(f"/sessions/{vetted.id}/registrations/{registration.id}/approve", follow_redirects=True)
    assert "已审核通过" in response.get_data(as_text=True)
    db.session.refresh(registration)
    assert registration.status == REGISTERED
    assert client.post(f"/sessions/{vetted.id}/registrations/{registration.id}/explode").status_code == 404


def test_sign_ups_waiting_for_approval_show_on_the_home_page_and_the_month(client, auth, room):
    auth.login("staff")
    vetted = make.session(room, needs_approval=True)
    make.registration(vetted, phone(1))
    make.registration(vetted, phone(2))
    month = vetted.start_at.strftime("%Y-%m")
    for page in (client.get("/").get_data(as_text=True), client.get(f"/sessions/?month={month}").get_data(as_text=True)):
        assert re.search(r"待审核 ?2", page)
        assert f"/sessions/{vetted.id}?status=pending" in page


@pytest.mark.parametrize("month", ["9999-12", "2026-13", "abc", "1-2-3", "0-1"])
def test_odd_months_fall_back_to_this_month(client, auth, session, month):
    auth.login("staff")
    response = client.get(f"/sessions/?month={month}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    this_month = clock.today()
    assert f"月份“{month}”无法识别（格式如 {this_month:%Y-%m}），已显示本月。" in page
    assert f"主题活动 · {this_month.year}年{this_month.month}月" in page
    shown = session.start_at.year, session.start_at.month
    assert (session.title in page) == (shown == (this_month.year, this_month.month))


def test_answers_to_custom_questions_reach_the_staff_list(client, auth, session):
    auth.login("staff")
    question = make.question(session, "贵企业员工人数", True)
    missing = client.post(f"/s/{session.id}", data=form())
    assert missing.status_code == 422
    assert "此问题必须填写" in missing.get_data(as_text=True)
    assert client.post(f"/s/{session.id}", data=form(**{f"q_{question.id}": "120人"})).status_code == 303
    assert "贵企业员工人数：120人" in client.get(f"/sessions/{session.id}").get_data(as_text=True)


def test_the_sign_in_sheet_sits_in_the_middle_of_the_page(client, auth, session):
    """The table spans the text block from 18 to 192 mm: its number column is centred 7 mm in
    and its signature column 15.45 mm from the right margin (a stray body margin shifted both)."""
    auth.login("staff")
    make.registration(session, "13906312345", name="王敏", position="财务经理")
    found = pdfmeasure.words(client.get(f"/sessions/{session.id}/signin.pdf").data)
    number = next(w for w in found if w.text == "1")
    signature = next(w for w in found if w.text == "签名")
    assert abs((number.left + number.right) / 2 - 25) <= 0.5
    assert abs((signature.left + signature.right) / 2 - 176.55) <= 0.5


POSTER_TITLE = "“科创贷”专场：中小微企业经营贷款政策解读暨银企对接会"


def test_the_poster_title_breaks_between_words(client, auth, room):
    auth.login("staff")
    session = make.session(room, title=POSTER_TITLE)
    data = client.get(f"/sessions/{session.id}/poster.pdf").data
    title = [line for line in pdfmeasure.lines(data) if line.text and line.text in POSTER_TITLE]
    assert len(title) >= 2  # the title does wrap
    assert pdfmeasure.broken_words(data, ["科创贷", "专场", "中小微", "企业", "经营", "贷款", "政策", "解读", "银企", "对接会"]) == []


def test_a_title_with_quotes_is_not_quoted_twice_in_the_message(client, auth, room):
    auth.login("staff")
    response = client.post("/sessions/new", data=session_form(room, title="“科创贷”专场"), follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "已创建活动“‘科创贷’专场”" in page and "““" not in page


def test_the_personal_page_says_on_which_day_the_check_in_was(client, session, monkeypatch):
    mine = make.registration(session, "13906312345")
    make.doors_open(monkeypatch, session)
    with atomic():
        door.check_in(None, mine)
    page = client.get(f"/s/{session.id}/r/{mine.token}").get_data(as_text=True)
    at = mine.checked_in_at
    assert f"已于 {at.year}年{at.month}月{at.day}日 {at:%H:%M} 签到" in page


def test_the_door_says_when_check_in_opens_and_refuses_earlier(client, auth, session, app):
    registration = make.registration(session, phone(1))
    opens = session.start_at - timedelta(minutes=app.config["SESSION_CHECK_IN_OPENS_MINUTES"])
    said = f"签到尚未开放：将于{opens.month}月{opens.day}日 {opens:%H:%M}开放"
    auth.login("staff")
    assert said in client.get(f"/sessions/{session.id}/checkin").get_data(as_text=True)
    scanned = client.get(f"/sessions/{session.id}/checkin/{registration.token}").get_data(as_text=True)
    assert said in scanned and "确认签到" not in scanned
    refused = client.post(f"/sessions/{session.id}/checkin", data={"registration_id": str(registration.id)})
    assert refused.status_code == 422 and said in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Registration, registration.id).checked_in_at is None
    personal = client.get(f"/s/{session.id}/r/{registration.token}").get_data(as_text=True)
    assert f"签到于 {opens.year}年{opens.month}月{opens.day}日 {opens:%H:%M} 起开放" in personal
