"""Public pages answered before Flask sees the request: the answer a view gave, replayed.

A page a printed QR code opens is read by phones that bring nothing of their own: no cookie, no
query, no conditional header. For them Flask's own work — the request context, the hooks of every
extension, the response object — took more time than serving a page kept in memory (``pagecache``),
and held those pages to half the speed of a bare Flask page. So a view that answers such a request
with a page everyone may see offers it with ``keep()``, saying how to tell it is still current
(the stamps ``pagecache`` reads); ``ReplayKeptAnswers`` keeps the status, headers and bytes, and
answers the next such request with them while that check holds. Anything else — a cookie, a query,
a POST, a conditional request, a page no longer current — goes to Flask as before, and what Flask
answers then is kept again.

A sign-up form carries a CSRF token of its visitor's own, bound to their session cookie: each
replay mints a new pair the way Flask-WTF and Flask's cookie sessions make them (``_mint``), with
the app's own signers and cookie settings, so that the post is checked by Flask-WTF as usual.
"""

import hashlib
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, request
from flask.sessions import SecureCookieSession
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.http import dump_cookie

log = logging.getLogger(__name__)

#: Where a view leaves its offer for the middleware, in the WSGI environ both see.
OFFER = "hubapp.replay"
#: Answers kept per worker; past it the store starts afresh (old pages are not worth a bookkeeping).
KEPT_MAX = 512
#: A request carrying any of these may be answered differently (304, a fragment): Flask answers it.
ANSWERED_BY_FLASK = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_RANGE", "HTTP_HX_REQUEST")
#: Headers made afresh for each replay.
REMADE = frozenset({"content-length", "set-cookie"})


@dataclass(frozen=True)
class Offer:
    #: Run in an app context before each replay: False sends the request to Flask.
    still_current: Callable[[], bool]
    #: The CSRF token in the page, replaced by a new visitor's own at each replay.
    csrf_token: str | None = None
    #: What a replay does as the view would have (a guide's view is counted).
    on_replay: Callable[[], None] | None = None


def keep(still_current: Callable[[], bool], csrf_token: str | None = None, on_replay=None) -> None:
    """Offer the page this request is answered with for replay to visitors who bring nothing of
    their own, while ``still_current()``. Only a page that is the same for every such visitor
    (apart from ``csrf_token``) may be offered; whether it is kept is the middleware's decision."""
    request.environ[OFFER] = Offer(still_current, csrf_token, on_replay)


@dataclass(frozen=True)
class Kept:
    offer: Offer
    status: str
    headers: list[tuple[str, str]]
    body: bytes


class ReplayKeptAnswers:
    """WSGI middleware around Flask's ``wsgi_app`` (inside ProxyFix: it sees the visitor's scheme
    and host, which are part of what it keeps an answer by)."""

    def __init__(self, app: Flask, wsgi_app):
        self.app = app
        self.wsgi_app = wsgi_app
        self.kept: dict[tuple[str, ...], Kept] = {}

    def __call__(self, environ, start_response):
        key = self._key(environ)
        if key is None:
            return self.wsgi_app(environ, start_response)
        kept = self.kept.get(key)
        if kept is not None:
            answer = self._replay(kept, start_response)
            if answer is not None:
                return answer
        return self._answer_and_keep(key, environ, start_response)

    def _key(self, environ) -> tuple[str, ...] | None:
        """What a kept answer is found by, or None for a request only Flask may answer."""
        if environ["REQUEST_METHOD"] != "GET" or environ.get("QUERY_STRING"):
            return None
        if any(name in environ for name in ANSWERED_BY_FLASK):
            return None
        cookies = environ.get("HTTP_COOKIE")
        if cookies and self.app.config["SESSION_COOKIE_NAME"] + "=" in cookies:
            return None  # their session may hold a message, a sign-up, a login: pages of their own
        path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
        return environ["wsgi.url_scheme"], environ.get("HTTP_HOST", ""), path

    def _replay(self, kept: Kept, start_response) -> list[bytes] | None:
        """The kept answer, or None when it is no longer current (or its check could not run)."""
        offer = kept.offer
        with self.app.app_context():
            try:
                if not offer.still_current():
                    return None
            except SQLAlchemyError:
                log.warning("could not check a kept page; Flask answers", exc_info=True)
                return None
            if offer.on_replay is not None:
                offer.on_replay()
            body, headers = kept.body, kept.headers
            if offer.csrf_token is not None:
                token, cookie = _mint(self.app)
                body = body.replace(offer.csrf_token.encode(), token.encode())
                headers = [*headers, ("Set-Cookie", cookie)]
        start_response(kept.status, [*headers, ("Content-Length", str(len(body)))])
        return [body]

    def _answer_and_keep(self, key, environ, start_response):
        started: list = []

        def noting_start(status, headers, exc_info=None):
            started[:] = [status, headers]
            return start_response(status, headers, exc_info)

        answer = self.wsgi_app(environ, noting_start)
        offer = environ.get(OFFER)
        if offer is None or not started or not started[0].startswith("200 "):
            return answer
        status, headers = started
        sets_cookie = any(name.lower() == "set-cookie" for name, _ in headers)
        if sets_cookie != (offer.csrf_token is not None):
            # A cookie other than the one a form's token needs: something of this visitor's own.
            return answer
        try:
            body = b"".join(answer)
        finally:
            if hasattr(answer, "close"):
                answer.close()
        if len(self.kept) >= KEPT_MAX:
            self.kept.clear()
        kept_headers = [(name, value) for name, value in headers if name.lower() not in REMADE]
        self.kept[key] = Kept(offer, status, kept_headers, body)
        return [body]


def _mint(app: Flask) -> tuple[str, str]:
    """A new visitor's CSRF token and the Set-Cookie of the session that holds it: the raw token
    and its signing as ``flask_wtf.csrf.generate_csrf`` makes them, the cookie as Flask's
    ``SecureCookieSessionInterface.save_session`` writes it (tests compare both with theirs)."""
    config = app.config
    field = config.get("WTF_CSRF_FIELD_NAME") or "csrf_token"
    raw = hashlib.sha1(os.urandom(64)).hexdigest()
    token = _csrf_signer(app).dumps(raw)
    sessions = app.session_interface
    session = SecureCookieSession({field: raw})
    cookie = dump_cookie(
        sessions.get_cookie_name(app),
        sessions.get_signing_serializer(app).dumps(dict(session)),
        expires=sessions.get_expiration_time(app, session),
        httponly=sessions.get_cookie_httponly(app),
        domain=sessions.get_cookie_domain(app),
        path=sessions.get_cookie_path(app),
        secure=sessions.get_cookie_secure(app),
        partitioned=sessions.get_cookie_partitioned(app),
        samesite=sessions.get_cookie_samesite(app),
        max_size=config["MAX_COOKIE_SIZE"],
    )
    return token, cookie


def _csrf_signer(app: Flask) -> URLSafeTimedSerializer:
    secret = app.config.get("WTF_CSRF_SECRET_KEY") or app.secret_key
    kept = app.extensions.get("hub_csrf_signer")
    if kept is None or kept[0] != secret:
        kept = app.extensions["hub_csrf_signer"] = (secret, URLSafeTimedSerializer(secret, salt="wtf-csrf-token"))
    return kept[1]


def register_replay(app: Flask) -> None:
    """Before ProxyFix wraps the app (``trust_proxies``), so that this sees the fixed environ."""
    app.wsgi_app = ReplayKeptAnswers(app, app.wsgi_app)
