"""Migration 0007 converts the enterprises a database already holds: the free kind words become
the register's codes, the party organisation flag becomes the kind of organisation, and every
enterprise is in the register; downgrading turns them back. Rows that refer to an enterprise (a
demand, a booking) keep referring to it."""

import flask_migrate
import pytest
from conftest import MIGRATIONS, PG_URI, base_config, reset_postgresql
from sqlalchemy import text

from hubapp import create_app
from hubapp.extensions import db


@pytest.fixture
def empty_database_uri(tmp_path):
    if PG_URI:
        reset_postgresql(PG_URI)
        yield PG_URI
        # Leave PostgreSQL migrated, as the rest of the suite expects it.
        reset_postgresql(PG_URI)
        app = create_app(base_config(PG_URI))
        with app.app_context():
            flask_migrate.upgrade(directory=MIGRATIONS)
            db.engine.dispose()
    else:
        yield f"sqlite:///{tmp_path / 'old.sqlite3'}"


OLD_ENTERPRISES = [
    # name, uscc, kind, has_party_organisation
    ("威海汇科工控技术有限公司", "91371000MA3C0OO1X0", "企业", True),
    ("威海海蓝众创空间", "91371000MA3C0OO1X1", "众创空间", False),
    ("威海南海加速器运营有限公司", "91371000MA3C0OO1X2", "加速器", True),
    ("威海创新谷孵化有限公司", "91371000MA3C0OO1X3", "孵化器", False),
]


def rows(sql: str) -> list[tuple]:
    with db.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql))]


def test_existing_enterprises_are_converted_and_back(empty_database_uri):
    app = create_app(base_config(empty_database_uri))
    with app.app_context():
        flask_migrate.upgrade(directory=MIGRATIONS, revision="0006")
        with db.engine.begin() as connection:
            connection.execute(text("INSERT INTO grid (id, number, name) VALUES (1, 1, '一号网格')"))
            for index, (name, code, kind, party) in enumerate(OLD_ENTERPRISES, start=1):
                connection.execute(
                    text("INSERT INTO enterprise (id, name, uscc, kind, above_designated_size, has_party_organisation, grid_id) "
                         "VALUES (:id, :name, :code, :kind, false, :party, 1)"),
                    {"id": index, "name": name, "code": code, "kind": kind, "party": party},
                )  # fmt: skip
            connection.execute(text(
                "INSERT INTO demand (year, seq, kind, status, enterprise_id, title, description, contact_name, "
                "contact_mobile, source, received_on, created_at, deadline, supervision_count) VALUES (2026, 1, 'problem', "
                "'submitted', 1, '优化公交车时间表', '早班车太晚', '杨先生', '13985263751', 'visit', '2026-03-02', "
                "'2026-03-02 09:00:00', '2026-03-16', 0)"
            ))  # fmt: skip

        flask_migrate.upgrade(directory=MIGRATIONS, revision="0007")
        assert rows("SELECT id, kind, party_organisation, active, version FROM enterprise ORDER BY id") == [
            (1, "nearby", "branch", True, 1),
            (2, "maker_space", "none", True, 1),
            (3, "accelerator", "branch", True, 1),
            (4, "incubator", "none", True, 1),
        ]
        assert rows("SELECT enterprise_id, title FROM demand") == [(1, "优化公交车时间表")]
        assert rows("SELECT count(*) FROM enterprise WHERE grid_id = 1") == [(4,)]

        flask_migrate.downgrade(directory=MIGRATIONS, revision="0006")
        assert rows("SELECT id, kind, has_party_organisation FROM enterprise ORDER BY id") == [
            (1, "企业", True),
            (2, "众创空间", False),
            (3, "加速器", True),
            (4, "孵化器", False),
        ]
        assert rows("SELECT enterprise_id FROM demand") == [(1,)]
        db.engine.dispose()
