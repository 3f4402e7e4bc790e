"""Migration 0008 on a database that already holds people: each grid worker keeps the grid they
had (now in ``user_grid``), every row that names a user still names the same one, departments
stay in use, nobody is asked to change their password, and a downgrade gives the grid back."""

import flask_migrate
import pytest
from conftest import MIGRATIONS, base_config
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from test_core_migrations_cli import empty_database_uri  # noqa: F401  (a fixture)

from hubapp import create_app
from hubapp.extensions import db

BEFORE = [
    "INSERT INTO department (id, name, short_name, joint_meeting_member, phone, sort_order) "
    "VALUES (1, '国家税务总局威海南海新区税务局', '税务分局', true, NULL, 1)",
    "INSERT INTO grid (id, number, name, area) VALUES (1, 1, '一号网格', NULL), (2, 2, '二号网格', NULL)",
    "INSERT INTO enterprise (id, name, uscc, kind, above_designated_size, has_party_organisation, grid_id) "
    "VALUES (1, '威海汇科工控技术有限公司', '91371000MA3C5TQW8U', '企业', false, false, 2)",
    "INSERT INTO app_user (id, username, display_name, password_hash, role, department_id, grid_id, active, created_at) VALUES "
    "(1, 'admin', '管理员', 'x', 'admin', NULL, NULL, true, '2026-01-05 09:00:00'), "
    "(2, 'grid', '周海涛', 'x', 'grid_worker', NULL, 2, true, '2026-01-05 09:00:00'), "
    "(3, 'liaison', '陈立新', 'x', 'liaison', 1, NULL, true, '2026-01-05 09:00:00')",
    "INSERT INTO demand_visit (id, enterprise_id, grid_id, visitor_id, visited_on, topics, created_at) "
    "VALUES (1, 1, 2, 2, '2026-01-06', 'party', '2026-01-06 10:00:00')",
    "INSERT INTO audit_entry (at, actor_id, action, object_type, object_id) "
    "VALUES ('2026-01-05 09:00:00', 1, 'user.create', 'user', '2')",
]


def test_existing_grid_workers_keep_their_grid(empty_database_uri):  # noqa: F811
    app = create_app(base_config(empty_database_uri))
    with app.app_context():
        flask_migrate.upgrade(directory=MIGRATIONS, revision="0006")
        with db.engine.begin() as connection:
            for statement in BEFORE:
                connection.execute(text(statement))
        flask_migrate.upgrade(directory=MIGRATIONS)
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT user_id, grid_id FROM user_grid")).all() == [(2, 2)]
            users = connection.execute(
                text("SELECT id, username, role, department_id, must_change_password FROM app_user ORDER BY id")
            ).all()
            assert users == [
                (1, "admin", "admin", None, False),
                (2, "grid", "grid_worker", None, False),
                (3, "liaison", "liaison", 1, False),
            ]
            assert connection.execute(text("SELECT visitor_id FROM demand_visit")).scalar_one() == 2
            assert connection.execute(text("SELECT active, contact_name FROM department")).one() == (True, None)
            if db.engine.dialect.name == "sqlite":
                assert connection.execute(text("PRAGMA foreign_key_check")).all() == []
        # A row naming a user that is not there is still refused after the rebuild.
        with pytest.raises(IntegrityError), db.engine.begin() as connection:
            connection.execute(text("INSERT INTO user_grid (user_id, grid_id) VALUES (99, 1)"))

        flask_migrate.downgrade(directory=MIGRATIONS, revision="0006")
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT id, grid_id FROM app_user ORDER BY id")).all() == [
                (1, None), (2, 2), (3, None)
            ]  # fmt: skip
        flask_migrate.upgrade(directory=MIGRATIONS)
        db.engine.dispose()
