"""The no-show rule and the expiry of unanswered requests, applied without anyone asking.

Pages never write: a GET reads in a deferred transaction (``hubapp/database.py``), and on SQLite a
write there can meet "database is locked" instead of waiting its turn. Yet the calendar should show
a lapsed booking as 爽约 without waiting for cron. So a facilities page only *nudges*: at most every
``SWEEP_EVERY`` per process it wakes a thread that applies both rules in a short unit of work of its
own, then ends. Cron (``flask --app wsgi facilities mark-no-shows``) does the same job with no page
needed. The rows a sweep takes are locked with SKIP LOCKED on PostgreSQL, so sweepers of several
workers or hosts never mark one booking twice. A sweep that fails is logged and tried again at the
next nudge: the page never suffers for it.
"""

import logging
import threading
from datetime import datetime, timedelta

from flask import Flask, current_app
from sqlalchemy.exc import SQLAlchemyError

from hubapp import clock
from hubapp.blueprints.facilities.bookings import expire_requests, mark_no_shows
from hubapp.database import atomic

log = logging.getLogger(__name__)

#: Pages apply the rules at most this often per process; cron does the same job exactly.
SWEEP_EVERY = timedelta(seconds=30)


class Sweeper:
    def __init__(self, app: Flask):
        self.app = app
        self._lock = threading.Lock()
        self._last: datetime | None = None
        self._thread: threading.Thread | None = None

    def nudge(self) -> None:
        """Start a sweep in the background if none ran in the last ``SWEEP_EVERY``."""
        now = clock.now()
        with self._lock:
            if self._last is not None and now - self._last < SWEEP_EVERY:
                return
            if self._thread is not None and self._thread.is_alive():
                return
            self._last = now
            self._thread = threading.Thread(target=self._run, name="facilities-sweeper", daemon=True)
            self._thread.start()

    def wait(self, timeout: float = 20) -> None:
        """Wait for the sweep under way, if any (tests, and the process's way out)."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def _run(self) -> None:
        with self.app.app_context():
            sweep()


def sweep() -> tuple[list, list]:
    """Both rules now, in one unit of work; (no-shows marked, requests expired)."""
    try:
        with atomic():
            return mark_no_shows(), expire_requests()
    except SQLAlchemyError:
        log.warning("facilities sweep failed; the next page view or cron will try again", exc_info=True)
        return [], []


def sweeper() -> Sweeper:
    app = current_app._get_current_object()
    found = app.extensions.get("facilities_sweeper")
    if found is None:
        found = app.extensions["facilities_sweeper"] = Sweeper(app)
    return found


def nudge() -> None:
    sweeper().nudge()
