"""Under a real gunicorn whose workers keep /s/, /s/<id> and /e/ in their memory: a change made
elsewhere (by this test's process, as another host would) shows on every worker once
PUBLIC_STALE_SECONDS have passed (within the second the issue allows), and each visitor's form
still carries a CSRF token of their own."""

import time
from dataclasses import replace

import pytest
import requests
from conftest import csrf_token_from
from factories import sessions
from sqlalchemy import func, select

from hubapp import config
from hubapp.blueprints.sessions import planning
from hubapp.blueprints.sessions.models import Registration
from hubapp.database import atomic
from hubapp.extensions import db

pytestmark = pytest.mark.server

#: Each on a new connection, so that every worker serves some of them.
FETCHES = 10


def _fetched(server, page: str) -> list[str]:
    answers = [requests.get(server.url + page, timeout=30) for _ in range(FETCHES)]
    assert [answer.status_code for answer in answers] == [200] * FETCHES, page
    return [answer.text for answer in answers]


def test_a_change_to_a_session_shows_on_every_worker_within_a_second(live_server, users):
    room = sessions.hall()
    session = sessions.session(room, actor=users["staff"], capacity=10)
    server = live_server(workers=2)
    pages = [f"/s/{session.id}", "/s/", "/e/"]
    for page in pages:
        assert all(sessions.TITLE in html and "余 10 个" in html for html in _fetched(server, page)), page
    with atomic():
        changed = replace(sessions.plan(room, start=session.start_at), title="增值税留抵退税政策解读")
        planning.update_session(users["staff"], session, changed)
    sessions.registration(session, sessions.phone(1))
    time.sleep(config.PUBLIC_STALE_SECONDS)
    for page in pages:
        for html in _fetched(server, page):
            assert "增值税留抵退税政策解读" in html and sessions.TITLE not in html, page
            assert "余 9 个" in html, page


def test_visitors_sign_up_from_a_kept_page_each_with_their_own_token(live_server, users):
    session_id = sessions.session(sessions.hall(), actor=users["staff"], capacity=10).id
    server = live_server(workers=2)
    url = f"{server.url}/s/{session_id}"
    browsers = [requests.Session() for _ in range(4)]
    tokens = [csrf_token_from(browser.get(url, timeout=30).text) for browser in browsers]
    assert len(set(tokens)) == len(browsers)
    form = {"enterprise_name": "威海汇科工控技术有限公司", "attendee_name": "王敏"}
    stolen = browsers[0].post(url, data={**form, "phone": sessions.phone(9), "csrf_token": tokens[1]}, timeout=30)
    assert stolen.status_code == 400
    for number, (browser, token) in enumerate(zip(browsers, tokens, strict=True)):
        answer = browser.post(url, data={**form, "phone": sessions.phone(number), "csrf_token": token}, timeout=30)
        assert answer.status_code == 200 and "王敏，您已报名成功。" in answer.text
    db.session.rollback()
    signed_up = db.session.scalar(select(func.count()).select_from(Registration).where(Registration.session_id == session_id))
    assert signed_up == len(browsers)
