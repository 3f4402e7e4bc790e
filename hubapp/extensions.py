"""Extension objects, created unbound here and bound to the app in ``create_app``."""

from flask import Flask, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints so that Alembic can drop and alter them on SQLite (batch mode) and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)


def reads_unlimited(view):
    """Mark a view whose GET has no rate limit (the public pages a QR code opens), so that the
    limiter skips its bookkeeping for those reads. Its other methods belong in views of their own
    (with their limits): a limit decorating the view would check it on every read too."""
    view.hub_reads_unlimited = True
    return view


def check_limits_except_unlimited_reads(app: Flask) -> None:
    """Replace the limiter's check before every request with one that returns at once for a
    ``reads_unlimited`` GET. The limiter's own request filter is consulted only after it has
    looked up the limits and prepared its bookkeeping, which costs a public page a sixth of its
    time; skipping here leaves the limiter nothing to do for that request."""
    hooks = app.before_request_funcs.get(None, [])
    check = limiter._check_request_limit
    if check not in hooks:
        return  # the limiter is switched off (RATELIMIT_ENABLED = False): there is no check to skip
    position = hooks.index(check)

    def check_unless_unlimited_read():
        if request.method in ("GET", "HEAD") and getattr(
            app.view_functions.get(request.endpoint), "hub_reads_unlimited", False
        ):
            return None
        return check()

    hooks[position] = check_unless_unlimited_read
