"""Fixtures in the manner of flaskr's tests: ``app``, ``client``, ``auth``; plus a migrated database
per test (SQLite by default, PostgreSQL when HUB_TEST_DATABASE_URI names one), demo data on
demand, a real gunicorn server for concurrency and browser tests, and Playwright pages driving
Debian's chromium (a browser test fails on any console error or any request to a host other than
127.0.0.1). One conftest for all, so that tests anywhere can ``from conftest import …``.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import flask_migrate
import pytest
import requests
from playwright.sync_api import sync_playwright
from sqlalchemy import create_engine, inspect, text

from hubapp import create_app
from hubapp.database import atomic
from hubapp.extensions import db

ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS = str(ROOT / "migrations")
PG_URI = os.environ.get("HUB_TEST_DATABASE_URI", "")
TEST_SECRET = "test-secret-key"
PASSWORD = "pass-word-1"


def base_config(uri: str) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": TEST_SECRET,
        "SQLALCHEMY_DATABASE_URI": uri,
        "PUBLIC_BASE_URL": "http://hub.example.cn",
        "RATELIMIT_STORAGE_URI": "memory://",
        "WTF_CSRF_ENABLED": False,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    }


def migrate_to_head(uri: str) -> None:
    app = create_app(base_config(uri))
    with app.app_context():
        flask_migrate.upgrade(directory=MIGRATIONS)
        db.engine.dispose()


def reset_postgresql(uri: str) -> None:
    engine = create_engine(uri)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


#: Tables whose rows the migrations write (the working-day calendar's holidays): each test starts
#: with them, on PostgreSQL as on SQLite's copied template.
SEEDED_TABLES = ("calendar_day",)


def read_seeds(uri: str) -> dict[str, list[dict]]:
    engine = create_engine(uri)
    with engine.connect() as conn:
        seeds = {table: [dict(row._mapping) for row in conn.execute(text(f'SELECT * FROM "{table}"'))] for table in SEEDED_TABLES}
    engine.dispose()
    return seeds


def truncate_postgresql(uri: str, seeds: dict[str, list[dict]]) -> None:
    engine = create_engine(uri)
    with engine.begin() as conn:
        tables = [t for t in inspect(conn).get_table_names() if t != "alembic_version"]
        conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        for table, rows in seeds.items():
            if rows:
                columns = list(rows[0])
                conn.execute(
                    text(f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({", ".join(":" + c for c in columns)})'), rows
                )
    engine.dispose()


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory):
    """Migrate once per run; each test then starts from a copy (SQLite) or a truncation (PostgreSQL)."""
    if PG_URI:
        reset_postgresql(PG_URI)
        migrate_to_head(PG_URI)
        return read_seeds(PG_URI)
    template = tmp_path_factory.mktemp("template") / "template.sqlite3"
    migrate_to_head(f"sqlite:///{template}")
    return template


@pytest.fixture
def database_uri(migrated_template, tmp_path):
    if PG_URI:
        truncate_postgresql(PG_URI, migrated_template)
        return PG_URI
    target = tmp_path / "hub.sqlite3"
    shutil.copyfile(migrated_template, target)
    return f"sqlite:///{target}"


@pytest.fixture
def app_config(database_uri):
    """Override in a test module to change configuration before the app is made."""
    return base_config(database_uri)


@pytest.fixture
def app(app_config):
    app = create_app(app_config)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def users(app):
    """One user per role (username = role), with a department and a grid for the linked roles."""
    from factories import directory
    from factories.accounts import account

    department = directory.department("国家税务总局威海南海新区税务局", "税务分局", sort_order=1)
    directory.department("南海新区经济发展局", "经济发展局", sort_order=2)
    grid = directory.grid(1, "一号网格")
    return {
        "admin": account("admin", "admin", name="管理员甲"),
        "staff": account("staff", "staff", name="工作人员乙"),
        "grid_worker": account("grid_worker", "grid_worker", name="网格员丙", grids=[grid]),
        "liaison": account("liaison", "liaison", name="联络员丁", department=department),
    }


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, username: str = "staff", password: str = PASSWORD):
        response = self._client.post("/login", data={"username": username, "password": password})
        assert response.status_code == 303, f"login as {username} failed: {response.status_code}"
        return response

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client, users):
    return AuthActions(client)


@pytest.fixture
def demo(app):
    """The full demo data set (rooms, enterprises, departments, accounts with password demo-2026)."""
    from hubapp import demo as demo_module

    with atomic():
        return demo_module.seed_all()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    """gunicorn serving the test database on 127.0.0.1, as in production."""

    def __init__(self, uri: str, workers: int, log_dir: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ)
        env.update(
            HUB_SQLALCHEMY_DATABASE_URI=uri,
            HUB_SECRET_KEY=TEST_SECRET,
            HUB_PUBLIC_BASE_URL=self.url,
            HUB_RATELIMIT_STORAGE_URI="memory://",
            HUB_PASSWORD_HASH_METHOD="pbkdf2:sha256:1000",
        )
        self.log = open(log_dir / f"gunicorn-{self.port}.log", "wb")
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn", "wsgi:app",
                "--bind", f"127.0.0.1:{self.port}",
                "--workers", str(workers),
                "--threads", "4",
                "--timeout", "60",
            ],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if requests.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return
            except (requests.ConnectionError, requests.Timeout):
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"gunicorn did not start: {(log_dir / f'gunicorn-{self.port}.log').read_text()}")

    def session(self, username: str | None = None, password: str = PASSWORD) -> requests.Session:
        """A requests session, logged in when a username is given (CSRF token taken from the form)."""
        http = requests.Session()
        if username:
            page = http.get(self.url + "/login")
            token = csrf_token_from(page.text)
            response = http.post(
                self.url + "/login",
                data={"username": username, "password": password, "csrf_token": token},
                allow_redirects=False,
            )
            assert response.status_code == 303, response.text
        return http

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log.close()


def csrf_token_from(html: str) -> str:
    """The token of the first CSRF field, as WTForms or a hand-written hidden input renders it."""
    match = re.search(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "the page has no CSRF field"
    return match.group(1)


@pytest.fixture
def live_server(app, database_uri, tmp_path):
    """Start gunicorn on the test database: ``server = live_server(workers=4)``.

    Commit what the server should see before starting it; the app fixture's session stays usable.
    """
    servers = []

    def start(workers: int = 2) -> LiveServer:
        db.session.commit()
        server = LiveServer(database_uri, workers, tmp_path)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


# Browser tests
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
LOCAL_HOSTS = {"127.0.0.1"}


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class PageWatch:
    """What a page did wrong. A test that provokes an error on purpose (a 422 form, a 401 login)
    says so with ``allow("status of 422")``; anything else fails it."""

    def __init__(self):
        self.console_errors: list[str] = []
        self.foreign_requests: list[str] = []
        self.allowed: list[str] = []

    def allow(self, fragment: str) -> None:
        self.allowed.append(fragment)

    def check(self) -> None:
        unexpected = [e for e in self.console_errors if not any(a in e for a in self.allowed)]
        assert not unexpected, f"console errors: {unexpected}"
        assert not self.foreign_requests, f"requests outside 127.0.0.1: {self.foreign_requests}"


@pytest.fixture
def page_watch():
    return PageWatch()


def _open_page(browser, viewport, watch: PageWatch):
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    page.on("console", lambda msg: msg.type == "error" and watch.console_errors.append(msg.text))
    page.on("pageerror", lambda error: watch.console_errors.append(str(error)))

    def check_request(request):
        parts = urlsplit(request.url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.hostname not in LOCAL_HOSTS:
            watch.foreign_requests.append(request.url)

    page.on("request", check_request)
    page.on("dialog", lambda dialog: dialog.accept())
    return context, page


@pytest.fixture
def page(browser, page_watch):
    """A desktop-sized page; checked at the end for console errors and requests off 127.0.0.1."""
    context, page = _open_page(browser, {"width": 1366, "height": 900}, page_watch)
    yield page
    context.close()
    page_watch.check()


@pytest.fixture
def phone_page(browser, page_watch):
    """A phone-sized page (390×844), with the same checks."""
    context, page = _open_page(browser, {"width": 390, "height": 844}, page_watch)
    yield page
    context.close()
    page_watch.check()
