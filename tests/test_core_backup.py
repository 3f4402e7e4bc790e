"""`hub backup` and `hub restore`: a copy taken, changes made, the copy restored — the changes are
gone, what was there at the backup is back, and the database as it was before the restore is kept."""

import os
import shutil
import sqlite3
import subprocess

import pytest
from conftest import PG_URI
from factories import directory
from sqlalchemy import select
from sqlalchemy.engine import make_url

from hubapp.audit import AuditEntry
from hubapp.blueprints.auth.models import User
from hubapp.blueprints.directory.models import Department
from hubapp.extensions import db

sqlite_only = pytest.mark.skipif(bool(PG_URI), reason="SQLite's backup and restore; PostgreSQL uses pg_dump")


def department_names() -> set[str]:
    db.session.rollback()
    return set(db.session.scalars(select(Department.short_name)))


def staff_name() -> str:
    return db.session.scalar(select(User.display_name).where(User.username == "staff"))


def hub(app, *args, answer: str | None = None):
    db.session.commit()  # the test's own transaction would hold the write lock the command needs
    return app.test_cli_runner().invoke(args=["hub", *args], input=answer)


@sqlite_only
def test_a_restored_backup_brings_back_the_data_of_its_time(app, users, tmp_path):
    backup = tmp_path / "backups" / "hub-backup.sqlite3"
    assert hub(app, "backup", str(backup)).exit_code == 0

    directory.department("南海新区财政金融局", "财政金融局", sort_order=3)
    users["staff"].display_name = "改过的名字"
    db.session.commit()
    assert department_names() == {"税务分局", "经济发展局", "财政金融局"}

    result = hub(app, "restore", str(backup), answer="y\n")
    assert result.exit_code == 0, result.output
    assert "已从" in result.output and "恢复" in result.output
    assert department_names() == {"税务分局", "经济发展局"}
    assert staff_name() == "工作人员乙"
    restore = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "database.restore"))
    assert restore is not None and restore.object_id == backup.name

    # What the restore replaced is kept, with the change made after the backup.
    kept = restore.detail_dict["kept"]
    with sqlite3.connect(kept) as before:
        assert before.execute("SELECT count(*) FROM department WHERE short_name = '财政金融局'").fetchone()[0] == 1


@sqlite_only
def test_a_restore_not_confirmed_changes_nothing(app, users, tmp_path):
    backup = tmp_path / "hub-backup.sqlite3"
    hub(app, "backup", str(backup))
    directory.department("南海新区财政金融局", "财政金融局", sort_order=3)
    result = hub(app, "restore", str(backup), answer="n\n")
    assert result.exit_code != 0
    assert "财政金融局" in department_names()


@sqlite_only
def test_a_file_that_is_not_a_backup_is_refused_before_anything_changes(app, users, tmp_path):
    not_a_backup = tmp_path / "notes.sqlite3"
    not_a_backup.write_bytes("这不是数据库".encode() * 200)
    empty_database = tmp_path / "empty.sqlite3"
    sqlite3.connect(empty_database).close()
    for source in (not_a_backup, empty_database):
        result = hub(app, "restore", str(source), "--yes")
        assert result.exit_code != 0
        assert "不是完整的 hubapp 数据库备份" in result.output
    assert department_names() == {"税务分局", "经济发展局"}
    assert list(tmp_path.glob("*before-restore*")) == [], "nothing was copied aside either"


@pytest.mark.skipif(not PG_URI, reason="only on PostgreSQL")
def test_restore_on_postgresql_points_to_pg_restore(app, tmp_path):
    dump = tmp_path / "hub.dump"
    dump.write_bytes(b"PGDMP")
    result = hub(app, "restore", str(dump), "--yes")
    assert result.exit_code != 0
    assert "pg_restore" in result.output


def postgresql_tool(name: str, uri: str, *args: str) -> None:
    """Run pg_dump or pg_restore as the README says, on the test database."""
    url = make_url(uri)
    connection = ["-h", url.host or "127.0.0.1", "-p", str(url.port or 5432), "-U", url.username or "postgres"]
    env = dict(os.environ, PGPASSWORD=url.password or "")
    subprocess.run([name, *connection, "-d", url.database, *args], env=env, check=True, capture_output=True)


@pytest.mark.skipif(not PG_URI or shutil.which("pg_restore") is None, reason="PostgreSQL with its client tools")
def test_the_documented_postgresql_restore_brings_back_the_data_of_its_time(app, users, tmp_path):
    dump = tmp_path / "hub.dump"
    db.session.commit()
    postgresql_tool("pg_dump", PG_URI, "-Fc", "-f", str(dump))
    directory.department("南海新区财政金融局", "财政金融局", sort_order=3)
    users["staff"].display_name = "改过的名字"
    db.session.commit()
    db.session.remove()
    db.engine.dispose()  # --clean drops the tables: no connection of ours may hold a lock on them
    postgresql_tool("pg_restore", PG_URI, "--clean", "--if-exists", "--single-transaction", "--no-owner", str(dump))
    assert department_names() == {"税务分局", "经济发展局"}
    assert staff_name() == "工作人员乙"
