"""Views of /g/<code>, counted per matter per day without slowing the page down.

A scan must never wait for, or fail on, a write: on SQLite a GET reads in a deferred transaction
and a write in it could meet "database is locked" under load. So each process adds hits up in
memory and writes them in a short transaction of its own, at most every ``GUIDE_VIEW_FLUSH_SECONDS``
seconds or ``GUIDE_VIEW_FLUSH_HITS`` hits, after the response has been sent. The write is one
UPSERT per (matter, day), which adds to what other processes wrote. If it fails, the counts go
back into memory for the next try: a count may arrive late, but the page never suffers.
"""

import atexit
import logging
import threading
import time
from collections import Counter
from datetime import date

from flask import Flask, current_app
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from hubapp.blueprints.guides.models import GuideViewCount
from hubapp.extensions import db

log = logging.getLogger(__name__)

DEFAULT_FLUSH_SECONDS = 10
DEFAULT_FLUSH_HITS = 50


class ViewCounter:
    def __init__(self, flush_seconds: float, flush_hits: int):
        self.flush_seconds = flush_seconds
        self.flush_hits = flush_hits
        self._lock = threading.Lock()
        self._pending: Counter[tuple[int, date]] = Counter()
        self._hits = 0
        self._last_flush = time.monotonic()

    def hit(self, matter_id: int, day: date) -> bool:
        """Count one view; True when it is time to write."""
        with self._lock:
            self._pending[(matter_id, day)] += 1
            self._hits += 1
            return self._hits >= self.flush_hits or time.monotonic() - self._last_flush >= self.flush_seconds

    def take(self) -> Counter:
        with self._lock:
            pending, self._pending = self._pending, Counter()
            self._hits = 0
            self._last_flush = time.monotonic()
            return pending

    def give_back(self, pending: Counter) -> None:
        with self._lock:
            self._pending.update(pending)
            self._hits += sum(pending.values())


def _counter(app: Flask) -> ViewCounter:
    counter = app.extensions.get("guide_views")
    if counter is None:
        counter = app.extensions["guide_views"] = ViewCounter(
            float(app.config.get("GUIDE_VIEW_FLUSH_SECONDS", DEFAULT_FLUSH_SECONDS)),
            int(app.config.get("GUIDE_VIEW_FLUSH_HITS", DEFAULT_FLUSH_HITS)),
        )
        atexit.register(_flush_at_exit, app)
    return counter


def count(matter_id: int, day: date) -> bool:
    """Count a view in memory; True when the caller should ``flush`` once the response is out."""
    return _counter(current_app._get_current_object()).hit(matter_id, day)


def _upsert(dialect_name: str):
    return postgresql.insert if dialect_name == "postgresql" else sqlite.insert


def flush() -> int:
    """Write this process's pending counts (needs an app context); returns how many were written."""
    counter = _counter(current_app._get_current_object())
    pending = counter.take()
    if not pending:
        return 0
    engine = db.engine
    insert = _upsert(engine.dialect.name)
    table = GuideViewCount.__table__
    try:
        # A connection of its own, never the request's session: one short write transaction.
        with engine.begin() as conn:
            for (matter_id, day), n in sorted(pending.items()):
                stmt = insert(table).values(matter_id=matter_id, day=day, count=n)
                conn.execute(
                    stmt.on_conflict_do_update(
                        index_elements=[table.c.matter_id, table.c.day], set_={"count": table.c.count + stmt.excluded.count}
                    )
                )
    except SQLAlchemyError:
        log.warning("guide view counts not written yet; kept for the next try", exc_info=True)
        counter.give_back(pending)
        return 0
    return sum(pending.values())


def _flush_at_exit(app: Flask) -> None:
    try:
        with app.app_context():
            flush()
    except Exception:  # noqa: BLE001 - the process is ending; losing a few counts beats a traceback
        log.warning("guide view counts lost at exit", exc_info=True)
