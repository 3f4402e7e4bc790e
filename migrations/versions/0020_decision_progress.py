"""decision progress: 议定事项 states 未开始 / 推进中 / 已延期 / 已完成 / 无法完成, the extended deadline,
and dated progress reports (meeting_decision_progress)

Revision ID: 0020
Revises: 0014

SQLite cannot alter a CHECK, and rebuilding ``meeting_decision`` in batch mode would, with foreign
keys on, be refused or cascade once anything refers to it; so, as 0014 did, the CHECK text is
edited in place (SQLite's ALTER TABLE documentation, section 7). That is safe only for CHECKs every
existing row already meets: the state list only grows, ``extended_to`` is new (NULL everywhere,
and no row is 'extended'), and every 'done' row was written with its note and time.
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

OLD_STATES = "status IN ('open', 'done')"
NEW_STATES = "status IN ('open', 'progress', 'extended', 'done', 'unable')"
#: The CHECKs ``meeting_decision`` gains: (name, condition).
NEW_CHECKS = [
    ("ck_meeting_decision_extended_has_date", "status <> 'extended' OR extended_to IS NOT NULL"),
    (
        "ck_meeting_decision_closed_has_note",
        "status NOT IN ('done', 'unable') OR (done_at IS NOT NULL AND done_note IS NOT NULL)",
    ),
]
#: The last CHECK of ``meeting_decision`` as 0005 wrote it: the new ones follow it in SQLite's schema.
LAST_CHECK = "CONSTRAINT ck_meeting_decision_has_unit CHECK (department_id IS NOT NULL OR unit_text IS NOT NULL)"
ADDED_CHECKS = "".join(f", \n\tCONSTRAINT {name} CHECK ({condition})" for name, condition in NEW_CHECKS)


def _is_sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _edit_sqlite_schema(table: str, replacements: list[tuple[str, str]]) -> None:
    """Replace text in ``table``'s CREATE TABLE statement; each old text must be there."""
    bind = op.get_bind()
    sql = bind.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).scalar()
    for old, new in replacements:
        if old not in sql:
            raise RuntimeError(f"{table}: the schema does not read {old!r}; edit it by hand")
        sql = sql.replace(old, new)
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar()
    op.execute("PRAGMA writable_schema = ON")
    bind.exec_driver_sql("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?", (sql, table))
    op.execute(f"PRAGMA schema_version = {version + 1}")
    op.execute("PRAGMA writable_schema = OFF")


def upgrade():
    op.add_column("meeting_decision", sa.Column("extended_to", sa.Date(), nullable=True))
    if _is_sqlite():
        _edit_sqlite_schema("meeting_decision", [(OLD_STATES, NEW_STATES), (LAST_CHECK, LAST_CHECK + ADDED_CHECKS)])
    else:
        op.drop_constraint(op.f("ck_meeting_decision_status_known"), "meeting_decision", type_="check")
        op.create_check_constraint(op.f("ck_meeting_decision_status_known"), "meeting_decision", NEW_STATES)
        for name, condition in NEW_CHECKS:
            op.create_check_constraint(op.f(name), "meeting_decision", condition)

    op.create_table(
        "meeting_decision_progress",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("entered_at", sa.DateTime(), nullable=False),
        sa.Column("entered_by_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("new_deadline", sa.Date(), nullable=True),
        sa.CheckConstraint(NEW_STATES, name=op.f("ck_meeting_decision_progress_status_known")),
        sa.CheckConstraint(
            "status <> 'extended' OR new_deadline IS NOT NULL",
            name=op.f("ck_meeting_decision_progress_extended_has_date"),
        ),
        sa.CheckConstraint("length(note) > 0", name=op.f("ck_meeting_decision_progress_note_not_empty")),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["meeting_decision.id"],
            name=op.f("fk_meeting_decision_progress_decision_id_meeting_decision"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["entered_by_id"], ["app_user.id"], name=op.f("fk_meeting_decision_progress_entered_by_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_decision_progress")),
    )
    op.create_index(
        op.f("ix_meeting_decision_progress_decision_id"), "meeting_decision_progress", ["decision_id"], unique=False
    )


def downgrade():
    op.drop_index(op.f("ix_meeting_decision_progress_decision_id"), table_name="meeting_decision_progress")
    op.drop_table("meeting_decision_progress")
    # The older schema knows only open and done: work still going on is open, given up is done
    # (its reason stays as the note).
    op.execute("UPDATE meeting_decision SET status = 'open' WHERE status IN ('progress', 'extended')")
    op.execute("UPDATE meeting_decision SET status = 'done' WHERE status = 'unable'")
    if _is_sqlite():
        _edit_sqlite_schema("meeting_decision", [(LAST_CHECK + ADDED_CHECKS, LAST_CHECK), (NEW_STATES, OLD_STATES)])
    else:
        for name, _condition in NEW_CHECKS:
            op.drop_constraint(op.f(name), "meeting_decision", type_="check")
        op.drop_constraint(op.f("ck_meeting_decision_status_known"), "meeting_decision", type_="check")
        op.create_check_constraint(op.f("ck_meeting_decision_status_known"), "meeting_decision", OLD_STATES)
    op.execute("ALTER TABLE meeting_decision DROP COLUMN extended_to")
