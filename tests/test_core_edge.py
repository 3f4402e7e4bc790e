"""What reaches the views from outside, made safe once (``hubapp.edge``, ``hubapp.params``, the
ranges ``HubForm`` gives its fields): ids beyond the id columns, numbers in query parameters,
control characters, dates beyond the calendars, a guide row missing a box. Each case is one a
user or an attacker met as a 500 before; the fuzz walk (``test_core_fuzz``) covers the rest."""

import pytest
from factories import facilities, guides
from factories import sessions as make
from sqlalchemy import select

from hubapp.blueprints.guides.models import GuideFeedback
from hubapp.blueprints.sessions.models import Session
from hubapp.extensions import db
from hubapp.forms import DATE_RANGE_MESSAGE
from tests.test_guides_pages import form_fields as guide_form
from tests.test_meetings_views import meeting_form
from tests.test_sessions_pages import session_form

HUGE = "99999999999999999999"


@pytest.mark.parametrize(
    "path",
    [f"/s/{HUGE}", "/s/2147483648", f"/r/{HUGE}", f"/r/{HUGE}/photo.jpg", f"/facilities/{HUGE}/calendar.ics"],
)
def test_a_public_address_with_an_id_beyond_any_record_is_404(client, path):
    assert client.get(path).status_code == 404


def test_a_staff_detail_page_or_action_with_such_an_id_is_404_whatever_the_method(client, auth):
    auth.login("admin")
    for path in (f"/demands/{HUGE}", f"/meetings/{HUGE}", f"/admin/users/{HUGE}", f"/directory/enterprises/{HUGE}"):
        assert client.get(path).status_code == 404, path
    # GET and POST …/checkin are two rules: the POST is still 404, not "method not allowed".
    assert client.post(f"/sessions/{HUGE}/checkin").status_code == 404


def test_numbers_beyond_range_in_query_parameters_show_the_page_as_if_not_given(client, auth):
    auth.login("staff")
    for path in ("/demands/", "/demands/visits", "/directory/enterprises", "/meetings/", "/meetings/decisions"):
        response = client.get(f"{path}?page={HUGE}&department={HUGE}&grid={HUGE}&year={HUGE}&unit={HUGE}")
        assert response.status_code == 200, path
    assert client.get(f"/demands/new?enterprise={HUGE}&visit={HUGE}").status_code == 200
    assert client.get(f"/demands/statistics?year={HUGE}").status_code == 200


def test_a_nul_in_the_login_name_is_a_wrong_login_not_a_500(client, users):
    response = client.post("/login", data={"username": "a\x00b", "password": "x"})
    assert response.status_code == 401


def test_control_characters_are_removed_from_what_is_stored_and_line_breaks_kept(client, users):
    guides.matter("qy-bg", actor=users["staff"], published=True)
    response = client.post("/g/qy-bg/feedback", data={"helpful": "no", "comment": "没写\x00需要\x1b几份\n第二行\t表格"})
    assert response.status_code == 303
    assert db.session.scalar(select(GuideFeedback.comment)) == "没写需要几份\n第二行\t表格"


def test_a_search_with_control_characters_finds_as_if_they_were_not_there(client, auth):
    auth.login("staff")
    assert client.get("/demands/?q=%00%01").status_code == 200
    assert client.get("/g/?q=%00").status_code == 200


def test_a_meeting_in_year_9999_is_refused_next_to_its_date(client, auth):
    room = facilities.room()
    auth.login("staff")
    response = client.post("/meetings/new", data=meeting_form(room_id=str(room.id), day="9999-12-31"))
    assert response.status_code == 422
    assert DATE_RANGE_MESSAGE in response.get_data(as_text=True)


def test_a_session_in_year_9999_is_refused_and_nothing_is_written(client, auth):
    room = make.hall()
    auth.login("staff")
    response = client.post("/sessions/new", data=session_form(room, start_at="9999-12-31T10:00", end_at="9999-12-31T12:00"))
    assert response.status_code == 422
    assert DATE_RANGE_MESSAGE in response.get_data(as_text=True)
    assert db.session.scalar(select(Session.id)) is None


def test_a_capacity_beyond_any_column_is_refused_with_a_message(client, auth):
    room = make.hall()
    auth.login("staff")
    response = client.post("/sessions/new", data=session_form(room, capacity=HUGE))
    assert response.status_code == 422
    assert "数值过大" in response.get_data(as_text=True)


@pytest.mark.parametrize("missing", ["materials-0-name", "steps-0-title", "materials-0-notes"])
def test_a_guide_row_missing_one_of_its_boxes_is_refused_with_a_message(client, auth, users, missing):
    guides.matter("qy-bg", actor=users["staff"])
    auth.login("staff")
    data = guide_form()
    del data[missing]
    response = client.post("/guides/qy-bg/edit", data=data)
    assert response.status_code == 422
    assert "请刷新页面后重新填写" in response.get_data(as_text=True)
