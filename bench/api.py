"""What a domain's ``bench/rows_<domain>.py`` returns from ``rows(app)``.

``rows(app)`` runs inside an app context on the benchmark database (already holding the demo
data, demo accounts with password ``demo-2026``); it may add data of its own. The runner owns the
transactions: ``rows(app)`` and each ``Prepare`` run inside ``database.atomic()``. It handles the
returned items in order: measuring each ``HttpRow`` and ``TimedRow``, and running each ``Prepare``
when it comes.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class HttpRow:
    """A page loaded with wrk through gunicorn: req/s and p99, next to the bare Flask page."""

    label: str
    path: str
    #: A demo username to log in as, or None for a public page.
    user: str | None = None
    #: A public page loaded by a returning visitor: with the session cookie the page itself gave
    #: (its CSRF token in it), which hubapp/replay.py reads before answering from the kept page.
    returning: bool = False


@dataclass
class TimedRow:
    """Work timed in-process (PDF rendering, …): the median of ``repeat`` runs."""

    label: str
    func: Callable[[], object]
    repeat: int = 5


@dataclass
class Prepare:
    """Work run between measurements, in list order (e.g. grow a table, then measure again)."""

    label: str
    func: Callable[[], object]
