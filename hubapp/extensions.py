"""Extension objects, created unbound here and bound to the app in ``create_app``."""

from flask import current_app, request
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
    limiter skips its bookkeeping for those reads; the view's other methods keep their limits."""
    view.hub_reads_unlimited = True
    return view


@limiter.request_filter
def _unlimited_read() -> bool:
    # Registered once on the one limiter object, which serves every app the process makes.
    if request.method not in ("GET", "HEAD"):
        return False
    return getattr(current_app.view_functions.get(request.endpoint), "hub_reads_unlimited", False)
