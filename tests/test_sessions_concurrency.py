"""Capacity under load, against a real gunicorn server with several workers: 200 people sign up at
the same moment for 100 seats. Exactly 100 get a seat, 100 wait in order, nobody sees an error;
then 10 cancel and the first 10 on the waitlist move up."""

from collections import namedtuple
from concurrent.futures import ThreadPoolExecutor

import requests
from factories import sessions as make
from sqlalchemy import select

from hubapp.blueprints.sessions.models import REG_CANCELLED, REGISTERED, WAITLISTED, Registration, Session
from hubapp.extensions import db
from tests.conftest import csrf_token_from

Row = namedtuple("Row", "id status token")
PEOPLE = 200
CAPACITY = 100


def snapshot(session_id: int):
    """Read the registrations and end the transaction at once: on SQLite, a transaction this
    process keeps open would hold the write lock the server needs."""
    db.session.expire_all()
    query = select(Registration.id, Registration.status, Registration.token).where(Registration.session_id == session_id)
    rows = [Row(*values) for values in db.session.execute(query.order_by(Registration.id))]
    seats = db.session.get(Session, session_id).registered_count
    db.session.commit()
    return rows, seats


def test_200_simultaneous_sign_ups_for_100_seats(app, live_server, monkeypatch):
    room = make.hall(capacity=120)
    session_id = make.session(room, capacity=CAPACITY).id
    # The server reads HUB_* variables: raise the per-address limit, all 200 come from 127.0.0.1.
    monkeypatch.setenv("HUB_SESSION_SIGNUP_LIMIT", "1000 per minute")
    server = live_server(workers=4)
    url = f"{server.url}/s/{session_id}"

    # Each visitor opens the page first (their own cookie and CSRF token), then all submit at once.
    visitors = []
    for n in range(PEOPLE):
        http = requests.Session()
        # A phone fills in the form for a while: the server will have closed an idle keep-alive
        # connection by then, so each request gets a connection of its own.
        http.headers["Connection"] = "close"
        visitors.append((http, csrf_token_from(http.get(url, timeout=30).text), n))

    def submit(visitor):
        http, token, n = visitor
        data = {
            "csrf_token": token,
            "enterprise_name": f"并发测试企业{n:03d}",
            "attendee_name": f"参会人{n:03d}",
            "phone": f"139{n:08d}",
        }
        return http.post(url, data=data, allow_redirects=False, timeout=60).status_code

    with ThreadPoolExecutor(max_workers=50) as pool:
        codes = list(pool.map(submit, visitors))

    assert codes == [303] * PEOPLE, f"unexpected answers: {sorted(set(codes))}"
    rows, seats = snapshot(session_id)
    statuses = [r.status for r in rows]
    assert statuses.count(REGISTERED) == CAPACITY
    assert statuses.count(WAITLISTED) == PEOPLE - CAPACITY
    assert seats == CAPACITY

    # Ten registered people cancel through their personal links, also at the same time.
    waitlist = [r.id for r in rows if r.status == WAITLISTED]
    leaving = [r for r in rows if r.status == REGISTERED][:10]

    def cancel(registration):
        http = requests.Session()
        http.headers["Connection"] = "close"
        link = f"{server.url}/s/{session_id}/r/{registration.token}"
        token = csrf_token_from(http.get(link, timeout=30).text)
        return http.post(link + "/cancel", data={"csrf_token": token, "confirm": "yes"}, allow_redirects=False, timeout=60)

    with ThreadPoolExecutor(max_workers=10) as pool:
        answers = list(pool.map(cancel, leaving))
    assert [a.status_code for a in answers] == [303] * 10

    rows, seats = snapshot(session_id)
    by_id = {r.id: r for r in rows}
    assert all(by_id[r.id].status == REG_CANCELLED for r in leaving)
    assert [by_id[i].status for i in waitlist[:10]] == [REGISTERED] * 10
    assert [by_id[i].status for i in waitlist[10:]] == [WAITLISTED] * (PEOPLE - CAPACITY - 10)
    assert seats == CAPACITY
