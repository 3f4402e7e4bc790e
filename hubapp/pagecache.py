"""Public pages rendered once per worker and served from its memory while they are current.

A page is kept with the stamp of its topic at the time it was rendered (``public_stamp``, raised
by database triggers in the transaction of every change to the rows the topic's pages show,
migration 0023) and with the first moment it would read differently with no change to the data
(a sign-up window opening or closing, a session starting). Each request reads the stamp — one
small query — and renders again when the stamp moved or that moment has passed, so a change shows
at the next request on every worker and every host.

Stamps are read by ``read_now`` on a connection each thread keeps for it, in autocommit, outside
the ORM: a request served from memory then opens no session and no transaction, which cost more
than the query itself. The stamp is read before the page's data: a change committed in between
makes the data newer than the stamp, which costs one more rendering later, never a stale page.

Even that query is a round trip to PostgreSQL, which took a third of a kept page's time. The issue
allows a change to take up to a second to show on other workers and hosts, so ``read_recent`` lets
a worker trust what it read less than ``PUBLIC_STALE_SECONDS`` ago — unless this process has
committed a transaction since: the worker that made a change (a publication, a withdrawal, a
sign-up) reads afresh at once, so its own visitors never see the page from before.
"""

import logging
import threading
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from datetime import datetime
from time import monotonic

from flask import current_app, session
from flask_wtf.csrf import generate_csrf
from sqlalchemy import CheckConstraint, Integer, Select, String, event, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from hubapp import clock, replay
from hubapp.extensions import db

#: The topic of /s/, /s/<id> and /e/: sessions, their hosts, custom questions and rooms.
SESSIONS = "sessions"
#: Pages kept per worker; past it the cache starts afresh (old pages are not worth a bookkeeping).
CACHE_SIZE = 512


class PublicStamp(db.Model):
    """The version of a topic's public pages; written only by the triggers of migration 0023."""

    __tablename__ = "public_stamp"
    __table_args__ = (CheckConstraint("version > 0", name="version_positive"),)

    topic: Mapped[str] = mapped_column(String(20), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)


log = logging.getLogger(__name__)

#: Built once: on the path of every cached page, building a select() would cost more than running it.
_STAMPS = select(PublicStamp.topic, PublicStamp.version)


def stamp(topic: str) -> int:
    """The topic's version (0 when its row is missing: the triggers write it back as 1), as read
    at most ``PUBLIC_STALE_SECONDS`` ago and after this process's last commit."""
    return dict(read_recent(_STAMPS)).get(topic, 0)


class _Commits:
    """How many transactions this process has committed: a read made before the last of them is
    not trusted, whatever its age (``read_recent``)."""

    count = 0


@event.listens_for(Session, "after_commit")
def _note_commit(_session) -> None:
    _Commits.count += 1


def read_recent(stmt: Select, **values) -> list[tuple]:
    """``read_now``'s rows, or the rows this worker read with the same statement and values less
    than ``PUBLIC_STALE_SECONDS`` ago, when no transaction of this process committed since."""
    recent = current_app.extensions.setdefault("recent_reads", {})
    key = (id(stmt), *sorted(values.items()))
    now = monotonic()
    kept = recent.get(key)
    if kept is not None:
        commits, read_at, statement, rows = kept
        fresh_enough = now - read_at < float(current_app.config["PUBLIC_STALE_SECONDS"])
        if statement is stmt and commits == _Commits.count and fresh_enough:
            return rows
    # Taken before the read: a commit landing during it makes these rows untrusted at once.
    commits = _Commits.count
    rows = read_now(stmt, **values)
    if len(recent) >= CACHE_SIZE:
        recent.clear()
    recent[key] = (commits, now, stmt, rows)
    return rows


def read_now(stmt: Select, **values) -> list[tuple]:
    """The rows of ``stmt`` as committed now, read on this thread's own autocommit connection.

    For small reads on every request whose columns need no conversion (integers, strings): the
    values are the driver's own. Should that connection fail (the database restarted), it is
    dropped and the read goes through the request's session, which reports the error as usual."""
    engine = db.engine
    readers = current_app.extensions.setdefault("fresh_readers", threading.local())
    connection = getattr(readers, "connection", None)
    sql, params = _compiled(stmt, engine.dialect, values)
    try:
        if connection is None:
            connection = readers.connection = _autocommit_connection(engine)
        cursor = connection.cursor()
        try:
            cursor.execute(sql, params)
            return cursor.fetchall()
        finally:
            cursor.close()
    except engine.dialect.loaded_dbapi.Error:
        log.warning("fresh read failed; reading through the session", exc_info=True)
        readers.connection = None
        if connection is not None:
            _close_quietly(connection, engine)
        return [tuple(row) for row in db.session.execute(stmt, values)]


def _compiled(stmt: Select, dialect, values: dict) -> tuple[str, tuple | dict]:
    """The driver's SQL of ``stmt`` and its parameters, compiled once per app (one dialect each):
    compiling costs more than the query. Keyed by identity: these statements are module constants."""
    statements = current_app.extensions.setdefault("fresh_statements", {})
    known = statements.get(id(stmt))
    if known is None or known[0] is not stmt:
        compiled = stmt.compile(dialect=dialect)
        positions = compiled.positiontup if compiled.positional else None
        # The values the statement carries itself (a literal in a WHERE or a CASE) come with it.
        known = statements[id(stmt)] = (stmt, compiled.string, positions, compiled.params)
    _, sql, positions, own_values = known
    values = {**own_values, **values}
    if positions is not None:
        return sql, tuple(values[name] for name in positions)
    return sql, values


def _autocommit_connection(engine):
    """A driver connection of this thread's own: detached from the pool, so that its autocommit
    never reaches a request's session (SQLite's are already in autocommit: database.py)."""
    connection = engine.raw_connection()
    if engine.dialect.name == "postgresql":
        connection.driver_connection.autocommit = True
    connection.detach()
    return connection


def _close_quietly(connection, engine) -> None:
    try:
        connection.close()
    except engine.dialect.loaded_dbapi.Error:
        pass


@dataclass(frozen=True)
class Page:
    html: str
    #: When the page would read differently with the same data; None: not before the data changes.
    expires_at: datetime | None = None
    #: The CSRF token of the visitor it was rendered for, in its form: each visitor gets their own.
    csrf_token: str | None = None

    def for_visitor(self) -> tuple[str, str | None]:
        """The page with this visitor's own CSRF token in its form, and that token."""
        if self.csrf_token is None:
            return self.html, None
        token = generate_csrf()
        return self.html.replace(self.csrf_token, token), token

    def unexpired(self) -> bool:
        return self.expires_at is None or clock.now() < self.expires_at


def cached(
    topic: str, key: Hashable, render: Callable[[], Page], personal: Callable[[Mapping], bool] | None = None
) -> str:
    """The page ``key`` of ``topic`` for this visitor: this worker's copy while current, else
    ``render()``'s. Offered for replay (``hubapp.replay``) to the visitors whose session is not
    ``personal`` (the view has already sent those elsewhere)."""
    if "_flashes" in session:
        # Their pending message goes into the page: rendered for them alone, and not kept.
        return render().for_visitor()[0]
    version = stamp(topic)
    cache = current_app.extensions.setdefault("public_pages", {})
    # get(), not "in" then [ ]: another thread may clear the cache in between.
    kept = cache.get((topic, key))
    if kept is not None and kept[0] == version and kept[1].unexpired():
        page = kept[1]
    else:
        page = render()
        if len(cache) >= CACHE_SIZE:
            cache.clear()
        cache[(topic, key)] = (version, page)
    html, token = page.for_visitor()
    replay.keep(lambda: stamp(topic) == version and page.unexpired(), csrf_token=token, personal=personal)
    return html
