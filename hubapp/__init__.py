"""hubapp: the work platform of an industrial-community party-masses service centre."""

import os
import secrets
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from hubapp import config as default_config


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    configure(app, test_config)
    register_replay(app)
    trust_proxies(app)
    register_edge(app)
    register_extensions(app)
    register_blueprints(app)
    register_errors(app)
    register_commands(app)
    register_template_helpers(app)
    if app.config["PDF_WARM_UP"]:
        from hubapp import pdf

        pdf.warm_up(app)
    return app


def configure(app: Flask, test_config: dict | None) -> None:
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_object(default_config)
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(app.instance_path, "hub.sqlite3")
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("HUB")
    if test_config:
        app.config.update(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret_key(Path(app.instance_path))
    if str(app.config["PUBLIC_BASE_URL"]).startswith("https://"):
        # Served over https: the browser must never send the session over plain http.
        app.config["SESSION_COOKIE_SECURE"] = app.config["REMEMBER_COOKIE_SECURE"] = True
    # Werkzeug refuses a larger body with a 413 before reading it, rather than after it filled memory.
    app.config["MAX_CONTENT_LENGTH"] = int(float(app.config["MAX_UPLOAD_MB"]) * 1024 * 1024)


def register_replay(app: Flask) -> None:
    from hubapp import replay

    replay.register_replay(app)


def trust_proxies(app: Flask) -> None:
    """Behind ``PROXY_HOPS`` reverse proxies, take the visitor's address, scheme and host from the
    X-Forwarded-* headers they add, so that the per-address limits count visitors, not the proxy.
    With 0 (the default) the headers are ignored: anyone could write them."""
    hops = int(app.config["PROXY_HOPS"])
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def instance_secret_key(instance: Path) -> str:
    """A random key kept in instance/, made on first run, so sessions survive restarts."""
    key_file = instance / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def register_edge(app: Flask) -> None:
    from hubapp import edge

    edge.register_edge(app)


def register_extensions(app: Flask) -> None:
    from hubapp.database import configure_engine, end_request_transactions
    from hubapp.extensions import check_limits_except_unlimited_reads, csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    limiter.init_app(app)
    check_limits_except_unlimited_reads(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "请先登录。"
    login_manager.login_message_category = "warning"
    with app.app_context():
        configure_engine(db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])
    end_request_transactions(app)

    from hubapp.security import SignedCookieSessions, register_security_headers

    register_security_headers(app)
    app.session_interface = SignedCookieSessions()


def register_blueprints(app: Flask) -> None:
    from hubapp.blueprints import register_all

    register_all(app)


def register_errors(app: Flask) -> None:
    from hubapp.errors import register_error_handlers

    register_error_handlers(app)


def register_commands(app: Flask) -> None:
    from hubapp.cli import hub

    app.cli.add_command(hub)


def register_template_helpers(app: Flask) -> None:
    from hubapp import formatting

    formatting.register(app)
