"""Security headers sent with every response, and the check that keeps a redirect on this site."""

from urllib.parse import urlsplit

from flask import Flask, url_for
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        # htmx and the templates set a few style attributes; scripts stay strictly same-origin.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "object-src 'none'",
    ]
)


#: Sent with every response unless its view set the header itself (lower-case names, as compared).
SECURITY_HEADERS = {
    "content-security-policy": ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    "x-content-type-options": ("X-Content-Type-Options", "nosniff"),
    "x-frame-options": ("X-Frame-Options", "DENY"),
    "referrer-policy": ("Referrer-Policy", "same-origin"),
}


def register_security_headers(app: Flask) -> None:
    @app.after_request
    def set_headers(response):
        # One pass over the headers, not one per header: this runs on every public page.
        present = {name.lower() for name, _ in response.headers}
        for lowered, header in SECURITY_HEADERS.items():
            if lowered not in present:
                response.headers.add(*header)
        return response


class SignedCookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with the signer made once per key rather than at every
    request: making it costs more than a page kept in memory takes to serve."""

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, *(app.config["SECRET_KEY_FALLBACKS"] or ()))
        kept = app.extensions.get("hub_session_signer")
        if kept is None or kept[0] != keys:
            kept = app.extensions["hub_session_signer"] = (keys, super().get_signing_serializer(app))
        return kept[1]


def safe_next(target: str | None) -> str:
    """Where to go after a login or an action that names its way back: only a local path, never
    another host or a scheme (an open redirect would lend the centre's name to a phishing page)."""
    if not target:
        return url_for("core.home")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return url_for("core.home")
    return target
