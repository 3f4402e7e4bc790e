"""Public pages rendered once per worker and served from its memory while they are current.

A page is kept with the stamp of its topic at the time it was rendered (``public_stamp``, raised
by database triggers in the transaction of every change to the rows the topic's pages show,
migration 0023) and with the first moment it would read differently with no change to the data
(a sign-up window opening or closing, a session starting). Each request reads the stamp — one
small query on a primary key, its statement built once — and renders again when the stamp moved
or that moment has passed, so a change shows at the next request on every worker and every host.

The stamp is read before the page's data: a change committed in between makes the data newer than
the stamp, which costs one more rendering later, never a stale page.
"""

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime

from flask import current_app, session
from flask_wtf.csrf import generate_csrf
from sqlalchemy import CheckConstraint, Integer, String, bindparam, select
from sqlalchemy.orm import Mapped, mapped_column

from hubapp import clock
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


#: Built once: on the path of every cached page, building a select() would cost more than running it.
_STAMP = select(PublicStamp.version).where(PublicStamp.topic == bindparam("topic"))


def stamp(topic: str) -> int:
    """The topic's version now (0 when its row is missing: the triggers write it back as 1)."""
    return db.session.execute(_STAMP, {"topic": topic}).scalar() or 0


@dataclass(frozen=True)
class Page:
    html: str
    #: When the page would read differently with the same data; None: not before the data changes.
    expires_at: datetime | None = None
    #: The CSRF token of the visitor it was rendered for, in its form: each visitor gets their own.
    csrf_token: str | None = None

    def for_visitor(self) -> str:
        if self.csrf_token is None:
            return self.html
        return self.html.replace(self.csrf_token, generate_csrf())


def cached(topic: str, key: Hashable, render: Callable[[], Page]) -> str:
    """The page ``key`` of ``topic`` for this visitor: this worker's copy while current, else
    ``render()``'s."""
    if "_flashes" in session:
        # Their pending message goes into the page: rendered for them alone, and not kept.
        return render().for_visitor()
    version = stamp(topic)
    cache = current_app.extensions.setdefault("public_pages", {})
    # get(), not "in" then [ ]: another thread may clear the cache in between.
    kept = cache.get((topic, key))
    if kept is not None:
        kept_version, page = kept
        if kept_version == version and (page.expires_at is None or clock.now() < page.expires_at):
            return page.for_visitor()
    page = render()
    if len(cache) >= CACHE_SIZE:
        cache.clear()
    cache[(topic, key)] = (version, page)
    return page.for_visitor()
