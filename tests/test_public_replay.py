"""A public page a view offered is answered again without Flask (hubapp/replay.py) to visitors who
bring nothing of their own — and only to them, and only while the page is current. Correctness of
the replay, not its speed (that is `make bench`)."""

import functools
from dataclasses import replace

import pytest
from conftest import csrf_token_from
from factories import guides, sessions
from sqlalchemy import select

from hubapp import create_app
from hubapp.blueprints.guides import viewcount, writing
from hubapp.blueprints.guides.models import GuideViewCount
from hubapp.blueprints.sessions import planning
from hubapp.database import atomic
from hubapp.extensions import db

HTTPS = "https://localhost"
SIGN_UP = {"enterprise_name": "威海汇科工控技术有限公司", "attendee_name": "王敏"}


@pytest.fixture(autouse=True)
def no_views_left_behind(app):
    yield
    db.session.rollback()
    viewcount.flush()


def counting_view(app, monkeypatch, endpoint: str) -> list:
    """Each time Flask runs the view of ``endpoint``, one more entry in the list returned."""
    runs: list = []
    view = app.view_functions[endpoint]

    @functools.wraps(view)  # keeps @public and @reads_unlimited, which the hooks read
    def counted(**values):
        runs.append(values)
        return view(**values)

    monkeypatch.setitem(app.view_functions, endpoint, counted)
    return runs


@pytest.fixture
def open_session(users):
    return sessions.session(sessions.hall(), actor=users["staff"], capacity=10)


def test_a_kept_page_is_answered_again_as_it_was_without_running_its_view(app, open_session, monkeypatch):
    runs = counting_view(app, monkeypatch, "front.home")
    visitor = app.test_client(use_cookies=False)
    first = visitor.get("/e/")
    again = visitor.get("/e/")
    assert len(runs) == 1
    assert again.status_code == 200 and again.data == first.data and sessions.TITLE in again.get_data(as_text=True)
    assert sorted(again.headers.items()) == sorted(first.headers.items())
    assert again.headers["Content-Security-Policy"] and again.headers["X-Frame-Options"] == "DENY"


def test_what_a_visitor_brings_of_their_own_goes_to_flask(app, client, open_session, monkeypatch):
    runs = counting_view(app, monkeypatch, "front.home")
    client.get("/e/")
    asks = [
        lambda: client.get("/e/?from=poster"),
        lambda: client.head("/e/"),
        lambda: client.get("/e/", headers={"HX-Request": "true"}),
        lambda: client.get("/e/", headers={"If-Modified-Since": "Mon, 30 Nov 2026 08:00:00 GMT"}),
        lambda: client.get("/e/", headers={"Host": "hub.example.cn"}),
    ]
    for number, ask in enumerate(asks, start=2):
        assert ask().status_code == 200
        assert len(runs) == number
    with client.session_transaction() as browser:
        browser["_flashes"] = [("info", "您的报名已取消。")]
    assert "您的报名已取消。" in client.get("/e/").get_data(as_text=True)
    assert len(runs) == len(asks) + 2


def test_a_change_ends_the_replay_at_the_next_request(app, open_session, users, monkeypatch):
    runs = counting_view(app, monkeypatch, "sessions_public.index")
    visitor = app.test_client(use_cookies=False)
    visitor.get("/s/")
    visitor.get("/s/")
    assert len(runs) == 1
    with atomic():
        changed = replace(sessions.plan(open_session.room, start=open_session.start_at), title="增值税留抵退税政策解读")
        planning.update_session(users["staff"], open_session, changed)
    assert "增值税留抵退税政策解读" in visitor.get("/s/").get_data(as_text=True)
    assert len(runs) == 2
    visitor.get("/s/")
    assert len(runs) == 2


def test_a_replayed_guide_is_counted_and_a_withdrawal_answers_410_at_once(app, users, monkeypatch):
    matter = guides.matter("qy-bg", actor=users["staff"], published=True)
    runs = counting_view(app, monkeypatch, "guides_public.public_guide")
    visitor = app.test_client(use_cookies=False)
    for _ in range(3):
        assert visitor.get("/g/qy-bg").status_code == 200
    assert len(runs) == 1
    viewcount.flush()
    db.session.rollback()
    assert db.session.scalar(select(GuideViewCount.count)) == 3
    with atomic():
        writing.archive(users["staff"], matter)
    assert visitor.get("/g/qy-bg").status_code == 410


# --- a replayed sign-up page: a token and a session of the visitor's own ------------------------


@pytest.fixture
def worker(app_config):
    """An app with CSRF protection on, each request in an app context of its own, as in gunicorn."""
    served = create_app({**app_config, "WTF_CSRF_ENABLED": True, "PUBLIC_BASE_URL": "https://hub.example.cn"})
    yield served
    with served.app_context():
        db.engine.dispose()


def _cookie_attributes(set_cookie: str) -> list[str]:
    name_and_value, *attributes = set_cookie.split("; ")
    assert name_and_value.startswith("session=")
    return sorted(attributes)


def test_each_replayed_sign_up_page_carries_a_token_of_its_visitors_own(worker, open_session, monkeypatch):
    page = f"/s/{open_session.id}"
    db.session.rollback()  # reading the id began a transaction: on SQLite it holds the write lock
    runs = counting_view(worker, monkeypatch, "sessions_public.signup")
    first = worker.test_client()
    rendered = first.get(page, base_url=HTTPS)
    visitors = [worker.test_client() for _ in range(3)]
    answers = [visitor.get(page, base_url=HTTPS) for visitor in visitors]
    assert len(runs) == 1
    tokens = [csrf_token_from(answer.get_data(as_text=True)) for answer in [rendered, *answers]]
    assert len(set(tokens)) == len(tokens)
    # The session cookie as Flask itself sets it: Secure (the centre is served over https), HttpOnly, Lax.
    flask_attributes = _cookie_attributes(rendered.headers["Set-Cookie"])
    assert "Secure" in flask_attributes and "HttpOnly" in flask_attributes
    for answer in answers:
        assert _cookie_attributes(answer.headers["Set-Cookie"]) == flask_attributes
    visitor, other = visitors[0], visitors[1]

    def sign_up(browser, phone: str, token: str) -> int:
        form = {**SIGN_UP, "phone": phone, "csrf_token": token}
        # Over https Flask-WTF also wants the page the form was on as the referrer.
        return browser.post(page, data=form, base_url=HTTPS, headers={"Referer": HTTPS + page}).status_code

    assert sign_up(visitor, sessions.phone(1), tokens[2]) == 400
    assert sign_up(visitor, sessions.phone(1), tokens[1]) == 303
    assert sign_up(other, sessions.phone(2), tokens[2]) == 303


# --- a returning visitor: their session cookie read, their page still everyone's unless it is theirs


def _session_of(app, response) -> dict:
    value = response.headers["Set-Cookie"].split(";")[0].split("=", 1)[1]
    with app.app_context():
        return app.session_interface.get_signing_serializer(app).loads(value)


def test_a_returning_visitor_gets_the_kept_page_with_their_own_token(worker, open_session, monkeypatch):
    page = f"/s/{open_session.id}"
    db.session.rollback()
    runs = counting_view(worker, monkeypatch, "sessions_public.signup")
    visitor = worker.test_client()
    first = visitor.get(page, base_url=HTTPS)  # rendered by Flask: now kept, and the visitor has a session
    again = visitor.get(page, base_url=HTTPS)
    assert len(runs) == 1
    assert "Set-Cookie" not in again.headers, "their session stays as it is"
    assert first.headers["Set-Cookie"] and sessions.TITLE in again.get_data(as_text=True)
    form = {**SIGN_UP, "phone": sessions.phone(1), "csrf_token": csrf_token_from(again.get_data(as_text=True))}
    signed_up = visitor.post(page, data=form, base_url=HTTPS, headers={"Referer": HTTPS + page})
    assert signed_up.status_code == 303
    # The page changed (a seat fewer): kept again for everyone, by the next first visitor.
    assert "余 9 个" in worker.test_client().get(page, base_url=HTTPS).get_data(as_text=True)
    assert len(runs) == 2
    # Signed up here, the page is theirs: Flask answers, with their sign-up.
    mine = visitor.get(page, base_url=HTTPS)
    assert len(runs) == 3 and "您已报名本场活动（王敏" in mine.get_data(as_text=True)


def test_a_visitor_whose_session_has_no_token_yet_keeps_what_it_held(worker, open_session, monkeypatch):
    page = f"/s/{open_session.id}"
    db.session.rollback()
    runs = counting_view(worker, monkeypatch, "sessions_public.signup")
    worker.test_client().get(page)  # kept
    visitor = worker.test_client()
    with visitor.session_transaction() as browser:
        browser["front_demands"] = ["their-follow-token"]  # 我的办件, remembered by /e/
    answer = visitor.get(page)
    assert len(runs) == 1
    held = _session_of(worker, answer)
    assert held["front_demands"] == ["their-follow-token"] and held["csrf_token"]
    form = {**SIGN_UP, "phone": sessions.phone(1), "csrf_token": csrf_token_from(answer.get_data(as_text=True))}
    assert visitor.post(page, data=form).status_code == 303


def test_a_signed_in_user_a_message_or_a_cookie_that_does_not_verify_go_to_flask(worker, open_session, users, monkeypatch):
    db.session.rollback()
    runs = counting_view(worker, monkeypatch, "front.home")
    worker.test_client().get("/e/")  # kept
    assert len(runs) == 1
    forged = worker.test_client()
    forged.set_cookie("session", "eyJjc3JmX3Rva2VuIjoiYWJjIn0.forged.signature")
    assert forged.get("/e/").status_code == 200 and len(runs) == 2
    for own in ({"_user_id": str(users["staff"].id)}, {"_flashes": [("info", "已保存。")]}):
        visitor = worker.test_client()
        with visitor.session_transaction() as browser:
            browser.update(own)
        assert visitor.get("/e/").status_code == 200
    assert len(runs) == 4
    plain = worker.test_client()
    with plain.session_transaction() as browser:
        browser["front_demands"] = ["their-follow-token"]
    assert plain.get("/e/").status_code == 200 and len(runs) == 4
