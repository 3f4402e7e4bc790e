"""Public pages answered before Flask sees the request: the answer a view gave, replayed.

A page a printed QR code opens is read by phones that bring nothing of their own: no cookie, no
query, no conditional header. For them Flask's own work — the request context, the hooks of every
extension, the response object — took more time than serving a page kept in memory (``pagecache``),
and held those pages to half the speed of a bare Flask page. So a view that answers such a request
with a page everyone may see offers it with ``keep()``, saying how to tell it is still current
(the stamps ``pagecache`` reads); ``ReplayKeptAnswers`` keeps the status, headers and bytes, and
answers the next such request with them while that check holds. Anything else — a query, a POST,
a conditional or htmx request, a page no longer current — goes to Flask as before, and what Flask
answers a visitor without a cookie is kept again.

A visitor who has been here before brings the session cookie a sign-up form gave them. Their
page is still everyone's unless their session holds something of their own: a signed-in user, a
pending message, or what the view names (``Offer.personal``: their sign-up for this very session).
So the cookie is read (verified with the app's own signer, as Flask would) and such a visitor is
answered from the kept page too; any doubt — a cookie that does not verify, a signed-in user, a
permanent session — and Flask answers.

A sign-up form carries a CSRF token of its visitor's own, bound to their session: a returning
visitor's form gets their session's token signed afresh, a first visitor a new token and the session
cookie that holds it, made the way Flask-WTF and Flask's cookie sessions make them (``_form_token``)
with the app's own signers and cookie settings, so that the post is checked by Flask-WTF as usual.
"""

import hashlib
import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from flask import Flask, request
from flask.sessions import SecureCookieSession
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.http import dump_cookie, parse_cookie

log = logging.getLogger(__name__)

#: Where a view leaves its offer for the middleware, in the WSGI environ both see.
OFFER = "hubapp.replay"
#: Answers kept per worker; past it the store starts afresh (old pages are not worth a bookkeeping).
KEPT_MAX = 512
#: A request carrying any of these may be answered differently (304, a fragment): Flask answers it.
ANSWERED_BY_FLASK = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_RANGE", "HTTP_HX_REQUEST")
#: Headers made afresh for each replay.
REMADE = frozenset({"content-length", "set-cookie"})
#: What in a visitor's session makes every page theirs alone: a signed-in user (Flask-Login), a
#: pending message, a permanent session (Flask renews its cookie at each request).
OWN_SESSION_KEYS = frozenset({"_user_id", "_flashes", "_permanent"})


@dataclass(frozen=True)
class Offer:
    #: Run in an app context before each replay: False sends the request to Flask.
    still_current: Callable[[], bool]
    #: The CSRF token in the page, replaced by a new visitor's own at each replay.
    csrf_token: str | None = None
    #: What a replay does as the view would have (a guide's view is counted).
    on_replay: Callable[[], None] | None = None
    #: Whether a returning visitor's session (a dict) makes the page theirs alone; None: never.
    personal: Callable[[Mapping], bool] | None = None


def keep(
    still_current: Callable[[], bool],
    csrf_token: str | None = None,
    on_replay: Callable[[], None] | None = None,
    personal: Callable[[Mapping], bool] | None = None,
) -> None:
    """Offer the page this request is answered with for replay, while ``still_current()``, to
    every visitor whose session is not ``personal`` (nor signed in, nor holding a message). Only a
    page that is the same for all of them (apart from ``csrf_token``) may be offered; whether it
    is kept is the middleware's decision."""
    request.environ[OFFER] = Offer(still_current, csrf_token, on_replay, personal)


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
        cookies = environ.get("HTTP_COOKIE")
        session_cookie = parse_cookie(cookies).get(self.app.config["SESSION_COOKIE_NAME"]) if cookies else None
        kept = self.kept.get(key)
        if kept is not None:
            answer = self._replay(kept, session_cookie, start_response)
            if answer is not None:
                return answer
        if session_cookie is not None:
            return self.wsgi_app(environ, start_response)  # an answer for them is not kept for all
        return self._answer_and_keep(key, environ, start_response)

    def _key(self, environ) -> tuple[str, ...] | None:
        """What a kept answer is found by, or None for a request only Flask may answer."""
        if environ["REQUEST_METHOD"] != "GET" or environ.get("QUERY_STRING"):
            return None
        if any(name in environ for name in ANSWERED_BY_FLASK):
            return None
        path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
        return environ["wsgi.url_scheme"], environ.get("HTTP_HOST", ""), path

    def _replay(self, kept: Kept, session_cookie: str | None, start_response) -> list[bytes] | None:
        """The kept answer, or None when Flask must answer: the page is no longer current (or its
        check could not run), or the visitor's session makes the page theirs."""
        offer = kept.offer
        with self.app.app_context():
            visitor = None
            if session_cookie is not None:
                visitor = _visitor_session(self.app, session_cookie)
                if visitor is None or (offer.personal is not None and offer.personal(visitor)):
                    return None
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
                token, set_cookie = _form_token(self.app, visitor)
                body = body.replace(offer.csrf_token.encode(), token.encode())
                if set_cookie is not None:
                    headers = [*headers, ("Set-Cookie", set_cookie)]
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


def _visitor_session(app: Flask, cookie: str) -> dict | None:
    """The session a returning visitor's cookie holds, verified and aged as Flask's cookie sessions
    open it; None when Flask should answer them (the cookie does not verify, or the session holds
    what makes every page theirs: ``OWN_SESSION_KEYS``)."""
    lifetime = int(app.permanent_session_lifetime.total_seconds())
    try:
        data = app.session_interface.get_signing_serializer(app).loads(cookie, max_age=lifetime)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not OWN_SESSION_KEYS.isdisjoint(data):
        return None
    return data


def _form_token(app: Flask, visitor: dict | None) -> tuple[str, str | None]:
    """The visitor's CSRF token for the page's form, and the Set-Cookie of the session that holds
    it when the session is new or had no token yet (None: their cookie stays as it is). The raw
    token and its signing as ``flask_wtf.csrf.generate_csrf`` makes them, the cookie as Flask's
    ``SecureCookieSessionInterface.save_session`` writes it (tests compare both with theirs)."""
    config = app.config
    field = config.get("WTF_CSRF_FIELD_NAME") or "csrf_token"
    raw = (visitor or {}).get(field)
    if isinstance(raw, str) and raw:
        return _csrf_signer(app).dumps(raw), None
    raw = hashlib.sha1(os.urandom(64)).hexdigest()
    sessions = app.session_interface
    session = SecureCookieSession({**(visitor or {}), field: raw})
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
    return _csrf_signer(app).dumps(raw), cookie


def _csrf_signer(app: Flask) -> URLSafeTimedSerializer:
    secret = app.config.get("WTF_CSRF_SECRET_KEY") or app.secret_key
    kept = app.extensions.get("hub_csrf_signer")
    if kept is None or kept[0] != secret:
        kept = app.extensions["hub_csrf_signer"] = (secret, URLSafeTimedSerializer(secret, salt="wtf-csrf-token"))
    return kept[1]


def register_replay(app: Flask) -> None:
    """Before ProxyFix wraps the app (``trust_proxies``), so that this sees the fixed environ."""
    app.wsgi_app = ReplayKeptAnswers(app, app.wsgi_app)
