"""A database that cannot serve just now — SQLite locked beyond its busy timeout, out of disk, or
not there at all — answers 503 with a Chinese message, never a 500, and leaves nothing
half-written: a session and its room booking are saved together or not at all."""

import sqlite3
from datetime import timedelta

import pytest
from conftest import PG_URI, base_config
from factories import sessions as make
from factories.sessions import day
from sqlalchemy import event, func, select, text

from hubapp import create_app
from hubapp.blueprints.auth.roles import public
from hubapp.blueprints.facilities.models import Booking
from hubapp.blueprints.sessions.models import POLICY, Session
from hubapp.extensions import db

pytestmark = pytest.mark.skipif(bool(PG_URI), reason="SQLite's own faults; PostgreSQL's are in test_core_faults_live")

#: How long a request waits for SQLite's write lock here: short, so that the test does not wait.
BUSY_TIMEOUT_MS = 50
TITLE = "高新技术企业认定政策宣讲"


@pytest.fixture
def app_config(database_uri):
    return base_config(database_uri) | {"SQLITE_BUSY_TIMEOUT_MS": BUSY_TIMEOUT_MS}


@pytest.fixture
def room(app):
    return make.hall()


def session_form(room, **overrides):
    start = day(10, 14)
    return {
        "kind": POLICY, "title": TITLE, "host_id": "0",
        "start_at": start.strftime("%Y-%m-%dT%H:%M"), "end_at": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "room_id": str(room.id), "capacity": "30",
    } | overrides  # fmt: skip


def counts() -> tuple[int, int]:
    db.session.rollback()
    return (
        db.session.scalar(select(func.count()).select_from(Session)),
        db.session.scalar(select(func.count()).select_from(Booking)),
    )


def database_path() -> str:
    return db.engine.url.database


def test_a_database_locked_beyond_the_busy_timeout_answers_503_and_saves_nothing(client, auth, room):
    auth.login("staff")
    form = session_form(room)
    db.session.commit()  # the test's own transaction would hold the write lock the request needs
    holder = sqlite3.connect(database_path(), isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        response = client.post("/sessions/new", data=form)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert response.status_code == 503
    text = response.get_data(as_text=True)
    assert "数据库正忙" in text and "本次提交未能完成" in text
    assert response.headers["Retry-After"]
    assert counts() == (0, 0)
    # Once the other writer is done, the same submission goes through.
    assert client.post("/sessions/new", data=form).status_code == 303
    assert counts() == (1, 1)


def test_an_htmx_request_gets_the_message_alone_for_its_error_box(client, auth, room):
    auth.login("staff")
    form = session_form(room)
    db.session.commit()
    holder = sqlite3.connect(database_path(), isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        response = client.post("/sessions/new", data=form, headers={"HX-Request": "true"})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert response.status_code == 503
    text = response.get_data(as_text=True)
    assert "<html" not in text and "数据库正忙" in text


def test_a_full_disk_answers_503_and_takes_back_the_booking_already_written(client, auth, room):
    """The disk fills up in the middle of the unit of work: the room is booked, then the session's
    long description needs pages the disk cannot give (max_page_count, set on the request's
    connection right after the booking's INSERT, stands in for a full disk). The booking goes too."""
    auth.login("staff")
    form = session_form(room, description="政策要点" * 1000)
    db.session.commit()
    booked = []

    def fill_the_disk_after_the_booking(_conn, cursor, statement, *_args):
        if statement.startswith("INSERT INTO booking"):
            booked.append(statement)
            pages = cursor.connection.execute("PRAGMA page_count").fetchone()[0]
            cursor.connection.execute(f"PRAGMA max_page_count = {pages}")

    event.listen(db.engine, "after_cursor_execute", fill_the_disk_after_the_booking)
    try:
        response = client.post("/sessions/new", data=form)
    finally:
        event.remove(db.engine, "after_cursor_execute", fill_the_disk_after_the_booking)
        db.engine.dispose()  # max_page_count belongs to the connection: drop it with the pool
    assert booked, "the booking was written before the disk was full"
    assert response.status_code == 503
    text = response.get_data(as_text=True)
    assert "存储空间已满" in text and "本次提交未能完成" in text
    assert counts() == (0, 0)


def test_a_disk_full_inside_a_savepoint_answers_503_too(client, auth, room):
    """The disk is full from the booking's own INSERT on, which runs in a savepoint of the unit of
    work (facilities' _flush_checked): the same 503, and nothing remains."""
    auth.login("staff")
    form = session_form(room, description="政策要点" * 1000)  # the booking's purpose carries it too
    db.session.commit()

    def fill_the_disk_before_the_booking(_conn, cursor, statement, *_args):
        if statement.startswith("INSERT INTO booking"):
            pages = cursor.connection.execute("PRAGMA page_count").fetchone()[0]
            cursor.connection.execute(f"PRAGMA max_page_count = {pages}")

    event.listen(db.engine, "before_cursor_execute", fill_the_disk_before_the_booking)
    try:
        response = client.post("/sessions/new", data=form)
    finally:
        event.remove(db.engine, "before_cursor_execute", fill_the_disk_before_the_booking)
        db.engine.dispose()
    assert response.status_code == 503
    assert "存储空间已满" in response.get_data(as_text=True)
    assert counts() == (0, 0)


def test_a_database_that_cannot_be_opened_answers_503_on_every_page(tmp_path):
    app = create_app(base_config(f"sqlite:///{tmp_path / 'missing' / 'hub.sqlite3'}"))
    client = app.test_client()
    for url in ("/login", "/s/1", "/g/abc"):
        response = client.get(url) if url != "/login" else client.post(url, data={"username": "a", "password": "b"})
        assert response.status_code == 503, url
        assert "数据库暂时无法连接" in response.get_data(as_text=True)
    with app.app_context():
        db.engine.dispose()


def test_a_bug_that_sqlite_reports_stays_a_500(client, app):
    """A missing table is an OperationalError too, but a fault of the code, not of the database."""
    @app.get("/test-missing-table")
    @public
    def missing_table():
        db.session.execute(text("SELECT * FROM no_such_table"))

    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get("/test-missing-table")
    assert response.status_code == 500


@pytest.mark.parametrize(
    ("driver_error", "told"),
    [
        ("DeadlockDetected", "数据库正忙"),
        ("SerializationFailure", "数据库正忙"),
        ("LockNotAvailable", "数据库正忙"),
        ("QueryCanceled", "数据库正忙"),
        ("DiskFull", "存储空间已满"),
        ("AdminShutdown", "数据库暂时无法连接"),
    ],
)
def test_postgresql_contention_is_told_as_busy_not_as_unreachable(driver_error, told):
    """A deadlock or a lock wait means "try again", not "the database is gone"."""
    import psycopg.errors
    from sqlalchemy.exc import OperationalError

    from hubapp.errors import database_fault

    error = OperationalError("INSERT …", {}, getattr(psycopg.errors, driver_error)())
    assert told in database_fault(error)
