"""Choosing an enterprise by typing: the staff pickers, the suggestions they ask for, and the few
names a public form may have."""

from datetime import timedelta

import pytest
from factories import directory
from factories.facilities import room as make_room
from sqlalchemy import select

from hubapp import clock
from hubapp.blueprints.facilities.models import Booking
from hubapp.extensions import db


@pytest.fixture
def firms(app):
    return {
        "huike": directory.enterprise("威海汇科工控技术有限公司", "汇科工控"),
        "hongrui": directory.enterprise("威海鸿锐金属制品有限公司", "鸿锐金属"),
        "twin_a": directory.enterprise("威海海纳数据科技有限公司", "海纳"),
        "twin_b": directory.enterprise("威海海纳包装有限公司", "海纳"),
    }


def booking_form(room, **extra):
    day = clock.today() + timedelta(days=3)
    return {"room_id": room.id, "day": day.isoformat(), "start": "10:00", "end": "11:00", "title": "企业沙龙",
            "headcount": 10, "enterprise": ""} | extra  # fmt: skip


@pytest.mark.parametrize("typed", ["汇科工控", "威海汇科工控技术有限公司", "code", "fullwidth"])
def test_a_booking_names_its_enterprise_by_short_name_full_name_or_credit_code(client, auth, firms, typed):
    room = make_room()
    code = firms["huike"].uscc
    typed = {"code": code.lower(), "fullwidth": "".join(chr(ord(c) + 0xFEE0) for c in code)}.get(typed, typed)
    auth.login("staff")
    response = client.post("/facilities/bookings/new", data=booking_form(room, enterprise=typed))
    assert response.status_code == 303
    assert db.session.scalar(select(Booking)).enterprise_id == firms["huike"].id


def test_an_unknown_or_ambiguous_enterprise_is_named_next_to_the_field_and_kept(client, auth, firms):
    room = make_room()
    auth.login("staff")
    unknown = client.post("/facilities/bookings/new", data=booking_form(room, enterprise="不存在的公司"))
    page = unknown.get_data(as_text=True)
    assert unknown.status_code == 422
    assert 'id="enterprise-error">企业名录中没有“不存在的公司”' in page and 'value="不存在的公司"' in page
    twins = client.post("/facilities/bookings/new", data=booking_form(room, enterprise="海纳"))
    assert twins.status_code == 422 and "有2家企业简称为“海纳”，请填写全称或统一社会信用代码。" in twins.get_data(as_text=True)
    assert db.session.scalar(select(Booking)) is None


def test_the_edit_form_shows_the_bookings_enterprise_by_name(client, auth, firms):
    room = make_room()
    auth.login("staff")
    client.post("/facilities/bookings/new", data=booking_form(room, enterprise="鸿锐金属"))
    booking = db.session.scalar(select(Booking))
    page = client.get(f"/facilities/bookings/{booking.id}/edit").get_data(as_text=True)
    assert 'value="威海鸿锐金属制品有限公司"' in page and 'list="enterprise-options"' in page


def test_staff_suggestions_match_name_short_name_and_code(client, auth, firms):
    auth.login("staff")
    by_name = client.get("/directory/enterprises/suggest", query_string={"name": "enterprise", "enterprise": "鸿锐"})
    assert '<option value="威海鸿锐金属制品有限公司">鸿锐金属 ' in by_name.get_data(as_text=True)
    by_code = client.get("/directory/enterprises/suggest", query_string={"q": firms["huike"].uscc[:10]})
    assert "威海汇科工控技术有限公司" in by_code.get_data(as_text=True)
    in_grid = client.get("/directory/enterprises/suggest", query_string={"q": "威海", "grid": 999}).get_data(as_text=True)
    assert "<option" not in in_grid


def test_public_suggestions_need_a_few_characters_give_a_handful_and_no_codes(client, firms):
    for n in range(8):
        directory.enterprise(f"威海蓝海{n}号新材料有限公司", f"蓝海{n}")
    assert "<option" not in client.get("/e/enterprises?q=威").get_data(as_text=True)
    page = client.get("/e/enterprises?q=蓝海").get_data(as_text=True)
    assert page.count("<option") == 5
    assert firms["huike"].uscc not in client.get("/e/enterprises?q=汇科").get_data(as_text=True)


def test_public_suggestions_are_limited_per_address(app, client, firms):
    app.config["PUBLIC_SUGGEST_LIMIT"] = "3 per minute"
    for _ in range(3):
        assert client.get("/e/enterprises?q=汇科").status_code == 200
    assert client.get("/e/enterprises?q=汇科").status_code == 429
