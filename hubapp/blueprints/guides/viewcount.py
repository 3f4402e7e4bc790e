"""Views of /g/<code>, counted per matter per day without slowing the page down.

A scan must never wait for, or fail on, a write: on SQLite a GET reads in a deferred transaction
and a write in it could meet "database is locked" under load. So the page only adds 1 in memory;
one writer thread per process writes the sums at most every ``GUIDE_VIEW_FLUSH_SECONDS`` seconds
(sooner after ``GUIDE_VIEW_FLUSH_HITS`` hits), in a short transaction of its own: one UPSERT of
every (matter, day), which adds to what other processes wrote. If a write fails, the sums go back into
memory for the next round: a count may arrive late, but the page never suffers. A process that
stops normally (gunicorn's graceful stop, SIGTERM) writes what it holds on its way out; one that is
killed loses at most the views since its last write, the price of never writing on the reader's time.
The thread ends when there is nothing left to write and starts again with the next view.
"""

import atexit
import logging
import os
import threading
from collections import Counter
from datetime import date

from flask import Flask, current_app
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from hubapp.blueprints.guides.models import GuideViewCount
from hubapp.extensions import db

log = logging.getLogger(__name__)


class ViewCounter:
    def __init__(self, app: Flask):
        self.app = app
        self.flush_seconds = float(app.config["GUIDE_VIEW_FLUSH_SECONDS"])
        self.flush_hits = int(app.config["GUIDE_VIEW_FLUSH_HITS"])
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._pending: Counter[tuple[int, date]] = Counter()
        self._hits = 0
        self._writer: threading.Thread | None = None
        self._writer_pid = 0
        self._exit_hook_pid = 0

    def hit(self, matter_id: int, day: date) -> None:
        with self._lock:
            self._pending[(matter_id, day)] += 1
            self._hits += 1
            if self._hits >= self.flush_hits:
                self._wake.set()
            # A writer started before a fork does not exist in the child: check the pid too.
            if self._writer is None or self._writer_pid != os.getpid() or not self._writer.is_alive():
                self._writer = threading.Thread(target=self._run, name="guide-view-writer", daemon=True)
                self._writer_pid = os.getpid()
                self._writer.start()
            if self._exit_hook_pid != os.getpid():
                self._exit_hook_pid = os.getpid()
                atexit.register(self._write_at_exit)

    def take(self) -> Counter:
        with self._lock:
            pending, self._pending = self._pending, Counter()
            self._hits = 0
            return pending

    def give_back(self, pending: Counter) -> None:
        with self._lock:
            self._pending.update(pending)
            self._hits += sum(pending.values())

    def _write_at_exit(self) -> None:
        # A hook inherited through fork would write the parent's counts, which the child never held.
        if self._exit_hook_pid == os.getpid():
            with self.app.app_context():
                write(self)

    def _run(self) -> None:
        while True:
            self._wake.wait(self.flush_seconds)
            self._wake.clear()
            with self.app.app_context():
                write(self)
            with self._lock:
                if not self._pending:
                    self._writer = None
                    return


def _counter(app: Flask) -> ViewCounter:
    counter = app.extensions.get("guide_views")
    if counter is None:
        counter = app.extensions["guide_views"] = ViewCounter(app)
    return counter


def count(matter_id: int, day: date) -> None:
    """Count one view in memory; the writer thread takes it from there."""
    _counter(current_app._get_current_object()).hit(matter_id, day)


def flush() -> int:
    """Write this process's pending counts now (needs an app context); returns how many."""
    return write(_counter(current_app._get_current_object()))


def write(counter: ViewCounter) -> int:
    pending = counter.take()
    if not pending:
        return 0
    engine = db.engine
    insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
    table = GuideViewCount.__table__
    rows = [{"matter_id": matter_id, "day": day, "count": n} for (matter_id, day), n in sorted(pending.items())]
    stmt = insert(table).values(rows)
    # Added to what is there, never read then written: other processes and hosts add to the same rows.
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.matter_id, table.c.day], set_={"count": table.c.count + stmt.excluded.count}
    )
    try:
        # A connection of its own, never a request's session: one statement in a short transaction.
        with engine.begin() as conn:
            conn.execute(stmt)
    except SQLAlchemyError:
        log.warning("guide view counts not written yet; kept for the next try", exc_info=True)
        counter.give_back(pending)
        return 0
    return sum(pending.values())
