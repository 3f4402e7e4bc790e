"""PostgreSQL goes away in the middle of a load of bookings and public sign-ups, through gunicorn:
while it is away every answer is a 503 in Chinese, never a 500; once it is back the same server
processes serve again (pool_pre_ping replaces the dead connections, no restart); and every
submission that was answered with success is in the database exactly once.

The outage is made without restarting the PostgreSQL server (``pg_ctlcluster … restart``), which
would break every other test run sharing that server: the test terminates every connection to its
own database (``pg_terminate_backend``) and refuses new ones (``ALLOW_CONNECTIONS false``) — what
the app sees of a restart: its pooled connections die and new ones are refused — then allows them
again.
"""

import itertools
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

import pytest
import requests
from conftest import PG_URI, csrf_token_from
from factories import sessions as make
from factories.facilities import room as make_room
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from hubapp import clock
from hubapp.blueprints.facilities.models import SHARED, Booking
from hubapp.blueprints.sessions.models import Registration
from hubapp.extensions import db

pytestmark = [
    pytest.mark.server,
    pytest.mark.skipif(not PG_URI, reason="PostgreSQL going away; SQLite's faults are in test_core_faults"),
]

#: How many answers each phase waits for before the next one begins.
ANSWERS_PER_PHASE = 8
#: Only so that a broken server fails the test instead of hanging it; nothing is timed.
PHASE_DEADLINE_SECONDS = 120
SUCCESS = 303
#: How long pg_terminate_backend waits for each backend to end.
TERMINATE_WAIT_MS = 10_000


@dataclass
class Answer:
    kind: str  # "booking" or "signup"
    number: int
    status: int
    text: str
    sent_while: str  # the phase when the request was sent: before, down, after
    answered_while: str


class Outage:
    """Cut the test database off from every client, and let them back in."""

    def __init__(self, uri: str):
        url = make_url(uri)
        self.name = url.database
        self.admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")

    def begin(self) -> None:
        with self.admin.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{self.name}" ALLOW_CONNECTIONS false'))
            # With a timeout, each call returns once its backend has gone (PostgreSQL 14+): a
            # request sent after ``begin`` cannot still find a live connection in the pool.
            connection.execute(
                text("SELECT pg_terminate_backend(pid, :wait_ms) FROM pg_stat_activity WHERE datname = :name"),
                {"name": self.name, "wait_ms": TERMINATE_WAIT_MS},
            )

    def end(self) -> None:
        with self.admin.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{self.name}" ALLOW_CONNECTIONS true'))

    def close(self) -> None:
        self.admin.dispose()


class Load:
    """Threads that book and sign up, one unique number per submission, until told to stop."""

    def __init__(self, server, room_id: int, session_id: int, staff: requests.Session):
        self.server, self.room_id, self.session_id = server, room_id, session_id
        self.day = (clock.today() + timedelta(days=3)).isoformat()
        self.phase = "before"
        self.answers: list[Answer] = []
        self.numbers = itertools.count(1)
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self.book, args=(self.staff_copy(staff),)) for _ in range(2)]
        self.threads += [threading.Thread(target=self.sign_up) for _ in range(2)]

    @staticmethod
    def staff_copy(staff: requests.Session) -> requests.Session:
        http = requests.Session()
        http.cookies.update(staff.cookies)
        return http

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def finish(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join()

    def send(self, kind: str, http: requests.Session, url: str, data: dict) -> None:
        with self.lock:
            number = next(self.numbers)
        sent_while = self.phase
        fields = data | {key: value.format(n=number) for key, value in data.items() if isinstance(value, str)}
        response = http.post(url, data=fields, allow_redirects=False, timeout=60)
        with self.lock:
            self.answers.append(Answer(kind, number, response.status_code, response.text, sent_while, self.phase))

    def book(self, http: requests.Session) -> None:
        url = self.server.url + "/facilities/bookings/new"
        token = csrf_token_from(http.get(url, timeout=60).text)
        data = {
            "csrf_token": token, "room_id": str(self.room_id), "day": self.day, "start": "10:00", "end": "11:00",
            "title": "断库预约{n}", "headcount": "1", "enterprise_id": "0", "contact_name": "预约人{n}",
        }  # fmt: skip
        while not self.stop.is_set():
            self.send("booking", http, url, data)

    def sign_up(self) -> None:
        http = requests.Session()
        url = f"{self.server.url}/s/{self.session_id}"
        token = csrf_token_from(http.get(url, timeout=60).text)
        data = {"csrf_token": token, "enterprise_name": "断库企业{n}", "attendee_name": "参会人{n}", "phone": "138{n:08d}"}
        while not self.stop.is_set():
            self.send("signup", http, url, data)

    def wait_for(self, what: str, count: int, status: int, answered_while: str) -> None:
        deadline = time.monotonic() + PHASE_DEADLINE_SECONDS
        while time.monotonic() < deadline:
            with self.lock:
                if sum(a.status == status and a.answered_while == answered_while for a in self.answers) >= count:
                    return
            time.sleep(0.05)
        pytest.fail(f"no {count} answers {status} {what}: {Counter(a.status for a in self.answers)}")


def booked(number: int) -> int:
    return db.session.scalar(select(func.count(Booking.id)).where(Booking.title == f"断库预约{number}"))


def signed_up(number: int) -> int:
    phone = f"138{number:08d}"
    return db.session.scalar(select(func.count(Registration.id)).where(Registration.phone == phone))


def test_postgresql_going_away_under_load_answers_503_and_loses_nothing(app, users, live_server, monkeypatch):
    room_id = make_room("多功能厅", SHARED, 5000, kind="测试").id
    session_id = make.session(make.hall(capacity=5000), capacity=5000).id
    # Every sign-up comes from 127.0.0.1: the per-address limit must not be what answers.
    monkeypatch.setenv("HUB_SESSION_SIGNUP_LIMIT", "100000 per minute")
    server = live_server(workers=2)
    staff = server.session("staff")
    load = Load(server, room_id, session_id, staff)
    outage = Outage(PG_URI)
    load.start()
    try:
        load.wait_for("before the outage", ANSWERS_PER_PHASE, SUCCESS, "before")
        outage.begin()
        load.phase = "down"
        load.wait_for("while the database is away", ANSWERS_PER_PHASE, 503, "down")
        # Pages too, for a visitor and for staff.
        visitor_page = requests.get(f"{server.url}/s/{session_id}", timeout=60)
        staff_page = load.staff_copy(staff).get(f"{server.url}/sessions/", timeout=60)
        outage.end()
        load.phase = "after"
        load.wait_for("once the database is back", ANSWERS_PER_PHASE, SUCCESS, "after")
    finally:
        outage.end()
        outage.close()
        load.finish()

    assert server.process.poll() is None, "gunicorn kept serving, it was not restarted"
    statuses = Counter(a.status for a in load.answers)
    assert set(statuses) <= {SUCCESS, 503}, statuses
    unavailable = [a for a in load.answers if a.status == 503]
    assert all("数据库暂时无法连接" in a.text for a in unavailable)
    assert all(a.status == 503 for a in load.answers if a.sent_while == a.answered_while == "down")
    # Once the database is back, the first try works: no connection broken by the outage is used.
    assert all(a.status == SUCCESS for a in load.answers if a.sent_while == "after")
    for page in (visitor_page, staff_page):
        assert page.status_code == 503 and "数据库暂时无法连接" in page.text

    db.session.rollback()
    for answer in load.answers:
        found = booked(answer.number) if answer.kind == "booking" else signed_up(answer.number)
        if answer.status == SUCCESS:
            assert found == 1, f"{answer.kind} {answer.number} was answered {SUCCESS} but is stored {found} times"
        else:
            assert found <= 1, f"{answer.kind} {answer.number} is stored {found} times"
