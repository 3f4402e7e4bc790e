"""Migration 0021 takes the old party flag off the enterprise without losing coverage: an
enterprise the flag marks but no active organisation record covers gets a record of its own; the
downgrade writes the flag back from the records. Migration 0032 has the database hold each
enterprise to one organisation in the register, and refuses to run on a register that breaks it."""

import flask_migrate
import pytest
from conftest import MIGRATIONS, base_config
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from test_directory_migration import empty_database_uri, rows  # noqa: F401 — the fixture

from hubapp import create_app
from hubapp.extensions import db

ENTERPRISES = [
    # id, name, credit code, flag
    (1, "威海汇科工控技术有限公司", "91371000MA3C0E5X2A", "branch"),
    (2, "威海鸿锐金属制品有限公司", "91371000MA3C0E5X3B", "general_branch"),
    (3, "威海海纳数据有限公司", "91371000MA3C0E5X4C", "none"),
    (4, "威海蓝创软件有限公司", "91371000MA3C0E5X5D", "joint_branch"),
]


def test_flags_no_record_covers_become_records_and_come_back_on_downgrade(empty_database_uri):  # noqa: F811
    app = create_app(base_config(empty_database_uri))
    with app.app_context():
        # The revision before 0021, whatever the chain it is merged into.
        flask_migrate.upgrade(directory=MIGRATIONS, revision="0021-1")
        with db.engine.begin() as connection:
            for id_, name, code, flag in ENTERPRISES:
                connection.execute(
                    text("INSERT INTO enterprise (id, name, uscc, kind, above_designated_size, party_organisation, active, version) "
                         "VALUES (:id, :name, :code, 'nearby', true, :flag, true, 1)"),
                    {"id": id_, "name": name, "code": code, "flag": flag},
                )  # fmt: skip
            # Enterprise 1 already has its record; enterprise 4's organisation was dissolved.
            for name, kind, active, enterprise_id in [
                ("汇科工控党支部", "single", True, 1), ("威海蓝创软件有限公司联合党支部", "joint", False, 4),
            ]:  # fmt: skip
                connection.execute(
                    text("INSERT INTO party_organisation (name, kind, members, active, version) VALUES (:name, :kind, 3, :active, 1)"),
                    {"name": name, "kind": kind, "active": active},
                )
                connection.execute(
                    text("INSERT INTO party_organisation_enterprise (organisation_id, enterprise_id) "
                         "SELECT id, :enterprise FROM party_organisation WHERE name = :name"),
                    {"name": name, "enterprise": enterprise_id},
                )  # fmt: skip

        flask_migrate.upgrade(directory=MIGRATIONS, revision="0021")
        covered = rows(
            "SELECT e.id, o.name, o.kind FROM enterprise e JOIN party_organisation_enterprise c ON c.enterprise_id = e.id "
            "JOIN party_organisation o ON o.id = c.organisation_id WHERE o.active ORDER BY e.id, o.id"
        )
        assert covered == [
            (1, "汇科工控党支部", "single"),
            (2, "威海鸿锐金属制品有限公司党总支", "general"),
            # The dissolved branch's name is taken, so the new record says where it came from.
            (4, "威海蓝创软件有限公司联合党支部（原企业名录登记）", "joint"),
        ]
        assert rows("SELECT count(*) FROM party_organisation") == [(4,)]

        flask_migrate.downgrade(directory=MIGRATIONS, revision="0021-1")
        assert rows("SELECT id, party_organisation FROM enterprise ORDER BY id") == [
            (1, "branch"), (2, "general_branch"), (3, "none"), (4, "joint_branch"),
        ]  # fmt: skip
        db.engine.dispose()


def _register_at_0031(organisations) -> None:
    """Enterprises 1 and 2, and ``organisations`` as (name, active, enterprise ids)."""
    flask_migrate.upgrade(directory=MIGRATIONS, revision="0031")
    with db.engine.begin() as connection:
        for id_, name, code, _flag in ENTERPRISES[:2]:
            connection.execute(
                text("INSERT INTO enterprise (id, name, uscc, kind, above_designated_size, active, version) "
                     "VALUES (:id, :name, :code, 'nearby', true, true, 1)"),
                {"id": id_, "name": name, "code": code},
            )  # fmt: skip
        for name, active, enterprise_ids in organisations:
            connection.execute(
                text("INSERT INTO party_organisation (name, kind, members, active, version) VALUES (:name, 'single', 3, :active, 1)"),
                {"name": name, "active": active},
            )
            for enterprise_id in enterprise_ids:
                connection.execute(
                    text("INSERT INTO party_organisation_enterprise (organisation_id, enterprise_id) "
                         "SELECT id, :enterprise FROM party_organisation WHERE name = :name"),
                    {"name": name, "enterprise": enterprise_id},
                )  # fmt: skip


def test_0032_keeps_the_register_and_then_refuses_a_second_branch_for_an_enterprise(empty_database_uri):  # noqa: F811
    app = create_app(base_config(empty_database_uri))
    with app.app_context():
        _register_at_0031([("汇科工控旧党支部", False, [1]), ("汇科工控党支部", True, [1]), ("鸿锐金属党支部", True, [2])])
        flask_migrate.upgrade(directory=MIGRATIONS, revision="0032")
        assert rows(
            "SELECT o.name, c.enterprise_id, c.organisation_active FROM party_organisation_enterprise c "
            "JOIN party_organisation o ON o.id = c.organisation_id ORDER BY o.id"
        ) == [("汇科工控旧党支部", 1, False), ("汇科工控党支部", 1, True), ("鸿锐金属党支部", 2, True)]
        # Restoring the old branch would cover enterprise 1 twice.
        with pytest.raises(IntegrityError), db.engine.begin() as connection:
            connection.execute(text("UPDATE party_organisation SET active = true WHERE name = '汇科工控旧党支部'"))
        flask_migrate.downgrade(directory=MIGRATIONS, revision="0031")
        assert rows("SELECT count(*) FROM party_organisation_enterprise") == [(3,)]
        db.engine.dispose()


def test_0032_names_the_enterprises_two_branches_cover_and_changes_nothing(empty_database_uri, capfd):  # noqa: F811
    app = create_app(base_config(empty_database_uri))
    with app.app_context():
        _register_at_0031([("汇科工控党支部", True, [1]), ("汇科工控第二党支部", True, [1])])
        with pytest.raises(SystemExit):  # what `flask db upgrade` does after logging the reason
            flask_migrate.upgrade(directory=MIGRATIONS, revision="0032")
        assert "威海汇科工控技术有限公司" in capfd.readouterr().err
        assert rows("SELECT version_num FROM alembic_version") == [("0031",)]
        db.engine.dispose()
