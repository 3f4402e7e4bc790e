"""The unit of work, numbering writers, and engine set-up that SQLAlchemy cannot express in a URI.

One owner of the transaction: services add, change and flush, never commit or roll back; the
caller — a view, a command, a test — wraps what it asks of them in ``atomic()``, which commits
once at the end, or rolls everything back when anything in it raises. Nested ``atomic()`` blocks
are savepoints, so that a service may try a step and carry on without it.

SQLite: WAL (readers never wait for the writer), foreign keys on, a busy timeout, and
``BEGIN IMMEDIATE`` for every transaction that may write. With a deferred ``BEGIN`` a
transaction that first reads and then writes can fail at once with "database is locked" when
another writer committed in between (the busy handler is not called for that case); taking the
write lock at the start makes concurrent writers queue instead. Safe methods (GET, HEAD) keep a
deferred ``BEGIN`` so that pages are read in parallel.
"""

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from flask import g, has_request_context, request
from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from hubapp.extensions import db

T = TypeVar("T")
log = logging.getLogger(__name__)
#: How many times a number is recomputed when a writer outside ``take_turns`` took it first.
NUMBER_ATTEMPTS = 5

READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


#: Where ``atomic`` keeps how deep the current session is nested in it.
DEPTH_KEY = "hub_atomic_depth"


@contextmanager
def atomic() -> Iterator[Session]:
    """One unit of work on the request's (or command's) session.

    The outermost block commits when its body finishes and rolls back when it raises; reads made
    before it started belong to the same transaction and are kept consistent with it. An inner
    block is a savepoint: when it raises, only its own writes are undone and the error goes on to
    the caller, who may catch it and continue.
    """
    session = db.session
    depth = session.info.get(DEPTH_KEY, 0)
    session.info[DEPTH_KEY] = depth + 1
    try:
        if depth:
            with session.begin_nested():
                yield session
        else:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise
    finally:
        session.info[DEPTH_KEY] = depth


#: Where ``on_commit`` keeps what is to run once the transaction is committed.
ON_COMMIT_KEY = "hub_on_commit"


def on_commit(callback: Callable[[], object]) -> None:
    """Run ``callback`` once the current transaction has committed, and never if it rolls back:
    for what cannot be undone with it (removing a file the old row named, say)."""
    db.session.info.setdefault(ON_COMMIT_KEY, []).append(callback)


@event.listens_for(Session, "after_commit")
def _run_on_commit(session: Session) -> None:
    for callback in session.info.pop(ON_COMMIT_KEY, []):
        callback()


@event.listens_for(Session, "after_rollback")
def _drop_on_commit(session: Session) -> None:
    # Fired by a rollback of the whole transaction (not of a savepoint).
    session.info.pop(ON_COMMIT_KEY, None)


def take_turns(session: Session, name: str) -> None:
    """Make the transactions that compute the next number of ``name`` (max + 1) run one at a time,
    until this one commits or rolls back.

    On PostgreSQL, READ COMMITTED lets two writers read the same maximum; the unique constraint
    refuses the second, but under load one writer can lose again and again. A transaction-level
    advisory lock queues them instead. On SQLite every writing transaction already holds the
    database's write lock from ``BEGIN IMMEDIATE``.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:name))"), {"name": name})


class NumberTaken(Exception):
    """Every attempt met a number that another writer had committed first."""


def write_numbered(session: Session, name: str, write: Callable[[], T]) -> T:
    """Run ``write`` (which computes the next number of ``name`` as max + 1 and flushes) in a
    savepoint, one numbering writer at a time; should a writer outside that turn (a script, a
    migration) commit the same number first, the unique constraint refuses it and we compute again."""
    take_turns(session, name)
    for attempt in range(NUMBER_ATTEMPTS):
        try:
            with session.begin_nested():
                return write()
        except IntegrityError:
            if attempt == NUMBER_ATTEMPTS - 1:
                raise NumberTaken(name) from None
    raise AssertionError("unreachable")


def end_request_transactions(app) -> None:
    """A transaction a request began ends with the request. Flask-SQLAlchemy removes the session
    when the app context ends, which in production is the request's own; where an app context
    outlives requests (the test suite, a script driving the app), a reading transaction begun by a
    request would otherwise go on holding its snapshot — and on SQLite, after a POST, the write
    lock that ``BEGIN IMMEDIATE`` took. Writes are never lost here: they were committed by
    ``atomic()``, or belonged to a request that failed."""
    # registry.has(): a request served without the database (a page kept in memory) must not pay
    # for making a session only to find it has no transaction.
    @app.before_request
    def note_transaction():
        g.hub_transaction_before = db.session().get_transaction() if db.session.registry.has() else None

    @app.teardown_request
    def end_transaction(_error):
        if not db.session.registry.has():
            return
        current = db.session().get_transaction()
        if current is not None and current is not g.get("hub_transaction_before"):
            try:
                db.session.rollback()
            except DBAPIError as error:
                if not error.connection_invalidated:
                    raise
                # The database went away (PostgreSQL restarted): it ended the transaction with the
                # connection, and the pool replaces the connection. The request has its answer.
                log.warning("transaction ended by a lost database connection: %s", error)


def configure_engine(engine: Engine, busy_timeout_ms: int) -> None:
    if not is_sqlite(engine):
        return

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        # Let SQLAlchemy's "begin" event emit BEGIN itself (the pysqlite driver would not).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        if has_request_context() and request.method in READ_ONLY_METHODS:
            connection.exec_driver_sql("BEGIN")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
