"""Public pages are served from each worker's memory (hubapp.blueprints.guides.public_views), yet
what staff change shows at the very next request: a new version, a withdrawal, a renamed or newly
published guide in the index, a changed session, a sign-up, a renamed room, a sign-up window that
closes. Correctness of the cache, not its speed."""

from dataclasses import replace
from time import monotonic

import pytest
from conftest import csrf_token_from
from factories import guides, sessions
from sqlalchemy import select, update

from hubapp import clock, create_app, pagecache
from hubapp.blueprints.facilities import rooms
from hubapp.blueprints.guides import viewcount, writing
from hubapp.blueprints.guides.models import ARCHIVED, GuideViewCount, Matter
from hubapp.blueprints.sessions import planning
from hubapp.blueprints.sessions.models import Session
from hubapp.database import atomic
from hubapp.extensions import db


@pytest.fixture(autouse=True)
def no_views_left_behind(app):
    """Write this test's views before its database goes, so that no writer thread outlives it."""
    yield
    db.session.rollback()
    viewcount.flush()


@pytest.fixture
def published(users):
    return guides.matter("qy-bg", actor=users["staff"], published=True)


def _republish(users, matter, name: str) -> None:
    with atomic():
        writing.update_matter(users["staff"], matter, guides.content(name=name))
        writing.publish(users["staff"], matter)


def test_a_guide_withdrawn_after_it_was_served_answers_410_at_once(client, published, users):
    assert client.get("/g/qy-bg").status_code == 200  # now in this worker's memory
    with atomic():
        writing.archive(users["staff"], published)
    response = client.get("/g/qy-bg")
    assert response.status_code == 410 and "已下线" in response.get_data(as_text=True)


def test_an_etag_of_the_old_version_gets_the_new_page_not_304(client, published, users):
    old = client.get("/g/qy-bg")
    assert client.get("/g/qy-bg", headers={"If-None-Match": old.headers["ETag"]}).status_code == 304
    _republish(users, published, "企业变更登记（第二版）")
    response = client.get("/g/qy-bg", headers={"If-None-Match": old.headers["ETag"]})
    assert response.status_code == 200
    assert "企业变更登记（第二版）" in response.get_data(as_text=True)
    assert response.headers["ETag"] != old.headers["ETag"]


def test_a_guide_withdrawn_and_published_again_shows_its_newest_version(client, published, users):
    client.get("/g/qy-bg")
    with atomic():
        writing.archive(users["staff"], published)
        writing.reopen(users["staff"], published)
    _republish(users, published, "企业变更登记（重新上线）")
    html = client.get("/g/qy-bg").get_data(as_text=True)
    assert "企业变更登记（重新上线）" in html


def test_views_served_from_memory_are_still_counted_one_by_one(client, published):
    for _ in range(3):
        assert client.get("/g/qy-bg").status_code == 200
    viewcount.flush()
    db.session.rollback()
    assert db.session.scalar(select(GuideViewCount.count)) == 3


def test_the_index_shows_a_newly_published_and_a_withdrawn_guide_at_once(client, published, users):
    assert "企业变更登记" in client.get("/g/").get_data(as_text=True)
    other = guides.matter("rz-db", actor=users["staff"], name="创业担保贷款", category="finance", published=True)
    html = client.get("/g/").get_data(as_text=True)
    assert "创业担保贷款" in html and "企业变更登记" in html
    with atomic():
        writing.archive(users["staff"], other)
    html = client.get("/g/").get_data(as_text=True)
    assert "创业担保贷款" not in html and "企业变更登记" in html


def test_a_change_to_a_session_shows_on_its_public_pages_at_once(client, users):
    room = sessions.hall()
    session = sessions.session(room, actor=users["staff"])
    assert sessions.TITLE in client.get(f"/s/{session.id}").get_data(as_text=True)
    assert sessions.TITLE in client.get("/s/").get_data(as_text=True)
    with atomic():
        changed = replace(sessions.plan(room, start=session.start_at), title="增值税留抵退税政策解读")
        planning.update_session(users["staff"], session, changed)
    for page in (f"/s/{session.id}", "/s/", "/e/"):
        html = client.get(page).get_data(as_text=True)
        assert "增值税留抵退税政策解读" in html and sessions.TITLE not in html, page


def test_a_worker_made_with_pdf_warm_up_has_printed_before_anyone_asks(app_config, capfd):
    create_app({**app_config, "PDF_WARM_UP": True})
    said = capfd.readouterr().err
    assert "warmed up for printing" in said and "memory (RSS) now" in said


# --- /s/, /s/<id> and /e/: kept per worker behind the sessions stamp (hubapp/pagecache.py) -------


@pytest.fixture
def open_session(users):
    return sessions.session(sessions.hall(), actor=users["staff"], capacity=10)


def _pages(client, session_id: int) -> dict[str, str]:
    return {page: client.get(page).get_data(as_text=True) for page in (f"/s/{session_id}", "/s/", "/e/")}


def test_a_sign_up_shows_in_the_seats_left_at_the_next_request(client, open_session):
    assert all("10 个" in html for html in _pages(client, open_session.id).values())
    sessions.registration(open_session, sessions.phone(1))
    for page, html in _pages(client, open_session.id).items():
        assert "余 9 个" in html and "10 个" not in html, page


def test_a_renamed_room_and_a_new_question_show_at_once(client, open_session, users):
    assert "办事大厅洽谈区" in client.get(f"/s/{open_session.id}").get_data(as_text=True)
    room = open_session.room
    with atomic():
        settings = rooms.RoomSettings(name="一楼路演厅", kind=room.kind, capacity=room.capacity)
        rooms.update_room(users["staff"], room, settings)
    sessions.question(open_session, "贵企业年度用工计划")
    html = client.get(f"/s/{open_session.id}").get_data(as_text=True)
    assert "一楼路演厅" in html and "办事大厅洽谈区" not in html and "贵企业年度用工计划" in html
    assert "一楼路演厅" in client.get("/s/").get_data(as_text=True)


def test_a_kept_page_closes_sign_up_when_the_window_closes(client, users, monkeypatch):
    closes = sessions.day(2, 18)
    session = sessions.session(sessions.hall(), actor=users["staff"], signup_closes_at=closes)
    before = _pages(client, session.id)
    assert "提交报名" in before[f"/s/{session.id}"] and all(sessions.TITLE in html for html in before.values())
    monkeypatch.setattr(clock, "now", lambda: closes)
    after = _pages(client, session.id)
    assert "报名已截止" in after[f"/s/{session.id}"] and "提交报名" not in after[f"/s/{session.id}"]
    assert sessions.TITLE not in after["/s/"] and sessions.TITLE not in after["/e/"]


def test_a_visitor_who_signed_up_sees_their_sign_up_on_a_page_others_get_from_memory(app, open_session):
    signed_up, other = app.test_client(), app.test_client()
    other.get(f"/s/{open_session.id}")
    form = {"enterprise_name": "威海汇科工控技术有限公司", "attendee_name": "王敏", "phone": sessions.phone(1)}
    assert signed_up.post(f"/s/{open_session.id}", data=form).status_code == 303
    assert "您已报名本场活动（王敏" in signed_up.get(f"/s/{open_session.id}").get_data(as_text=True)
    html = other.get(f"/s/{open_session.id}").get_data(as_text=True)
    assert "您已报名本场活动" not in html and "余 9 个" in html


def test_a_pending_message_shows_once_on_a_page_kept_in_memory(client, open_session):
    client.get("/e/")
    with client.session_transaction() as browser:
        browser["_flashes"] = [("info", "您的报名已取消。")]
    assert "您的报名已取消。" in client.get("/e/").get_data(as_text=True)
    html = client.get("/e/").get_data(as_text=True)
    assert "您的报名已取消。" not in html and sessions.TITLE in html


# --- another worker's or host's change: trusted for PUBLIC_STALE_SECONDS at most (pagecache.read_recent)


def _changed_elsewhere(change) -> None:
    """Write ``change`` as another host would: on a connection of its own, outside this process's
    ORM sessions, so that no commit of this process announces it."""
    db.session.rollback()
    with db.engine.begin() as connection:
        connection.execute(change)


def test_another_hosts_withdrawal_answers_410_once_the_bound_has_passed(app, client, published, monkeypatch):
    started = monotonic()
    monkeypatch.setattr(pagecache, "monotonic", lambda: started)
    assert client.get("/g/qy-bg").status_code == 200
    _changed_elsewhere(update(Matter).where(Matter.code == "qy-bg").values(status=ARCHIVED))
    # Within the bound this worker may still trust what it read: the issue allows up to 1 s.
    assert client.get("/g/qy-bg").status_code == 200
    monkeypatch.setattr(pagecache, "monotonic", lambda: started + app.config["PUBLIC_STALE_SECONDS"])
    response = client.get("/g/qy-bg")
    assert response.status_code == 410 and "已下线" in response.get_data(as_text=True)


def test_another_hosts_change_to_a_session_shows_once_the_bound_has_passed(app, client, open_session, monkeypatch):
    started = monotonic()
    monkeypatch.setattr(pagecache, "monotonic", lambda: started)
    session_id = open_session.id
    assert "余 10 个" in client.get(f"/s/{session_id}").get_data(as_text=True)
    _changed_elsewhere(update(Session).where(Session.id == session_id).values(capacity=20))
    monkeypatch.setattr(pagecache, "monotonic", lambda: started + app.config["PUBLIC_STALE_SECONDS"])
    for page, html in _pages(client, session_id).items():
        assert "20 个" in html and "10 个" not in html, page


def test_this_workers_own_change_shows_at_once_even_within_the_bound(client, published, users, monkeypatch):
    started = monotonic()
    monkeypatch.setattr(pagecache, "monotonic", lambda: started)
    assert client.get("/g/qy-bg").status_code == 200
    with atomic():
        writing.archive(users["staff"], published)
    assert client.get("/g/qy-bg").status_code == 410


# --- the sign-up form of a page kept in memory is still protected against forged posts ----------


@pytest.fixture
def worker(app_config):
    """An app serving requests as a gunicorn worker does, each in an app context of its own (the
    ``app`` fixture's context, shared by its requests, would share their CSRF token too)."""
    served = create_app({**app_config, "WTF_CSRF_ENABLED": True})
    yield served
    with served.app_context():
        db.engine.dispose()


def test_a_sign_up_without_its_visitors_own_token_is_refused(worker, open_session):
    page = f"/s/{open_session.id}"
    db.session.rollback()  # reading the id began a transaction: on SQLite it holds the write lock
    visitor, other = worker.test_client(), worker.test_client()
    others_token = csrf_token_from(other.get(page).get_data(as_text=True))  # now in the worker's memory
    token = csrf_token_from(visitor.get(page).get_data(as_text=True))
    assert token != others_token
    form = {"enterprise_name": "威海汇科工控技术有限公司", "attendee_name": "王敏", "phone": sessions.phone(1)}
    assert visitor.post(page, data=form).status_code == 400
    assert visitor.post(page, data={**form, "csrf_token": others_token}).status_code == 400
    assert "余 10 个" in other.get(page).get_data(as_text=True)
    assert visitor.post(page, data={**form, "csrf_token": token}).status_code == 303
    assert "余 9 个" in other.get(page).get_data(as_text=True)
