import ast
import sqlite3
from pathlib import Path

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from conftest import MIGRATIONS, PG_URI, base_config, reset_postgresql
from sqlalchemy import inspect, select

from hubapp import create_app
from hubapp.blueprints.auth.models import User
from hubapp.blueprints.directory import uscc
from hubapp.blueprints.directory.models import Department, Enterprise, Grid
from hubapp.blueprints.facilities.models import Room
from hubapp.extensions import db


@pytest.fixture
def empty_database_uri(tmp_path):
    if PG_URI:
        reset_postgresql(PG_URI)
        yield PG_URI
        # Leave PostgreSQL migrated, as the rest of the suite expects it.
        app = create_app(base_config(PG_URI))
        with app.app_context():
            flask_migrate.upgrade(directory=MIGRATIONS)
            db.engine.dispose()
    else:
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"


def _tables(app) -> set[str]:
    return set(inspect(db.engine).get_table_names()) - {"alembic_version"}


def test_the_migrations_build_exactly_what_the_models_declare(empty_database_uri):
    """Columns, indexes and constraints too, not only the tables: autogenerate finds nothing to add."""
    app = create_app(base_config(empty_database_uri))
    with app.app_context():
        flask_migrate.upgrade(directory=MIGRATIONS)
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
        db.engine.dispose()
    assert differences == []


def test_migrations_upgrade_from_empty_downgrade_to_empty_and_upgrade_again(empty_database_uri):
    app = create_app(base_config(empty_database_uri))
    with app.app_context():
        flask_migrate.upgrade(directory=MIGRATIONS)
        tables = _tables(app)
        assert {"app_user", "audit_entry", "room", "booking", "enterprise"} <= tables
        assert tables == set(db.metadata.tables), "the models and the migrations disagree"
        flask_migrate.downgrade(directory=MIGRATIONS, revision="base")
        assert _tables(app) == set()
        flask_migrate.upgrade(directory=MIGRATIONS)
        assert _tables(app) == tables
        db.engine.dispose()


def test_no_migration_imports_application_code():
    """A released migration carries its own SQL: editing a module of the application must not
    change what an old revision does."""
    for path in sorted((Path(MIGRATIONS) / "versions").glob("*.py")):
        tree = ast.parse(path.read_text())
        imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
        assert not [name for name in imported if name.split(".")[0] == "hubapp"], path.name


def test_seed_demo_fills_the_register_from_the_article(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["hub", "seed-demo"])
    assert result.exit_code == 0, result.output
    assert "demo-2026" in result.output and "部门联络员" in result.output
    assert db.session.query(Department).count() == 8
    assert db.session.query(Grid).count() == 12
    enterprises = db.session.scalars(select(Enterprise)).all()
    assert len(enterprises) == 48
    assert sum(e.above_designated_size for e in enterprises) == 9
    assert all(uscc.is_valid(e.uscc) for e in enterprises)
    names = {e.short_name for e in enterprises}
    assert {"汇科工控", "鸿锐金属"} <= names
    rooms = {room.name for room in db.session.scalars(select(Room))}
    assert {"健身房", "文化活动室", "党员组织生活教育馆", "会议室"} <= rooms
    assert {u.role for u in db.session.scalars(select(User))} == {"admin", "staff", "grid_worker", "liaison"}
    again = runner.invoke(args=["hub", "seed-demo"])
    assert "跳过" in again.output
    assert db.session.query(Enterprise).count() == 48


def test_create_user_reads_the_password_from_a_prompt(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["hub", "create-user", "wang", "--role", "staff"], input="abc-12345\nabc-12345\n")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.username == "wang"))
    assert user.role == "staff" and user.check_password("abc-12345")


def test_create_user_refuses_a_weak_password_with_a_message(app):
    result = app.test_cli_runner().invoke(args=["hub", "create-user", "wang", "--role", "staff"], input="short\nshort\n")
    assert result.exit_code != 0
    assert "密码至少需要8位" in result.output


@pytest.mark.skipif(bool(PG_URI), reason="the SQLite backup path; PostgreSQL is covered below")
def test_backup_copies_the_sqlite_database(app, users, tmp_path):
    target = tmp_path / "backup" / "hub-backup.sqlite3"
    result = app.test_cli_runner().invoke(args=["hub", "backup", str(target)])
    assert result.exit_code == 0, result.output
    with sqlite3.connect(target) as copy:
        assert copy.execute("SELECT count(*) FROM app_user").fetchone()[0] == 4


@pytest.mark.skipif(not PG_URI, reason="only on PostgreSQL")
def test_backup_on_postgresql_points_to_pg_dump(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["hub", "backup", str(tmp_path / "x")])
    assert result.exit_code != 0
    assert "pg_dump" in result.output


def test_security_headers_on_every_response(client):
    for response in (client.get("/login"), client.get("/healthz"), client.get("/nowhere")):
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
        assert "frame-ancestors 'none'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Referrer-Policy"]


def test_htmx_requests_get_the_fragment_and_a_vary_header(auth, client):
    auth.login("admin")
    whole = client.get("/admin/users")
    fragment = client.get("/admin/users", headers={"HX-Request": "true"})
    assert "<html" in whole.get_data(as_text=True)
    assert "<html" not in fragment.get_data(as_text=True) and "<tr" in fragment.get_data(as_text=True)
    assert "HX-Request" in fragment.headers["Vary"]


def test_configuration_comes_from_hub_environment_variables(monkeypatch, database_uri):
    monkeypatch.setenv("HUB_CENTRE_NAME", "测试中心")
    monkeypatch.setenv("HUB_PUBLIC_BASE_URL", "https://hub.example.cn")
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_uri, "SECRET_KEY": "x"})
    assert app.config["CENTRE_NAME"] == "测试中心"
    assert app.config["PUBLIC_BASE_URL"] == "https://hub.example.cn"
