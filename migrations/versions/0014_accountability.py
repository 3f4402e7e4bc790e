"""accountability: a department signs for a transferred demand (签收), hands it back (退单, state
handed_back) or asks for a later deadline (延期, demand_extension); a demand's structured outcome (办理成效,
demand_outcome)

Revision ID: 0014
Revises: 0013

The CHECKs of ``demand`` and ``demand_event`` change. PostgreSQL replaces them. SQLite cannot alter
a CHECK, and rebuilding ``demand`` would drop it with foreign keys on, which deletes its timeline
through ON DELETE CASCADE; so, as 0011 did, the CHECK text is edited in place (SQLite's ALTER
TABLE documentation, section 7). That is safe only for CHECKs every existing row already meets:
the state and action lists only grow, and the new CHECKs are about columns this revision adds,
NULL in every row.
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

OLD_STATES = "status IN ('submitted', 'handling', 'transferred', 'answered', 'closed', 'declined')"
NEW_STATES = "status IN ('submitted', 'handling', 'transferred', 'answered', 'closed', 'declined', 'handed_back')"
OLD_ACTIONS = "action IN ('create', 'accept', 'transfer', 'answer', 'close', 'return', 'decline', 'supervise')"
NEW_ACTIONS = (
    "action IN ('create', 'accept', 'transfer', 'answer', 'close', 'return', 'decline', 'supervise', "
    "'acknowledge', 'hand_back', 'extend_ask', 'extend_grant', 'extend_deny')"
)
#: The CHECKs ``demand`` gains: (name, condition).
NEW_CHECKS = [
    (
        "ck_demand_handed_back_has_reason",
        "status <> 'handed_back' OR (hand_back_reason IS NOT NULL AND department_id IS NOT NULL)",
    ),
    ("ck_demand_acknowledged_is_transfer", "acknowledged_at IS NULL OR route = 'transfer'"),
]
#: The last CHECK of ``demand`` as 0006 wrote it: the new ones follow it in SQLite's schema text.
LAST_CHECK = "CONSTRAINT ck_demand_declined_has_reason CHECK (status <> 'declined' OR decline_reason IS NOT NULL)"
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
    # Not batch mode: a rebuilt demand table would take its timeline with it (see above).
    op.add_column("demand", sa.Column("acknowledged_at", sa.DateTime(), nullable=True))
    op.add_column("demand", sa.Column("hand_back_reason", sa.Text(), nullable=True))
    op.add_column("demand", sa.Column("suggested_unit", sa.String(length=100), nullable=True))
    if _is_sqlite():
        _edit_sqlite_schema("demand", [(OLD_STATES, NEW_STATES), (LAST_CHECK, LAST_CHECK + ADDED_CHECKS)])
        _edit_sqlite_schema("demand_event", [(OLD_ACTIONS, NEW_ACTIONS)])
    else:
        op.drop_constraint(op.f("ck_demand_status_known"), "demand", type_="check")
        op.create_check_constraint(op.f("ck_demand_status_known"), "demand", NEW_STATES)
        for name, condition in NEW_CHECKS:
            op.create_check_constraint(op.f(name), "demand", condition)
        op.drop_constraint(op.f("ck_demand_event_action_known"), "demand_event", type_="check")
        op.create_check_constraint(op.f("ck_demand_event_action_known"), "demand_event", NEW_ACTIONS)

    op.create_table(
        "demand_extension",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("demand_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("old_deadline", sa.Date(), nullable=False),
        sa.Column("new_deadline", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("asked_by_id", sa.Integer(), nullable=True),
        sa.Column("asked_at", sa.DateTime(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'granted', 'refused')", name=op.f("ck_demand_extension_status_known")
        ),
        sa.CheckConstraint(
            "status = 'pending' OR (decided_at IS NOT NULL AND decided_by_id IS NOT NULL)",
            name=op.f("ck_demand_extension_decided_is_complete"),
        ),
        sa.CheckConstraint(
            "status <> 'refused' OR decision_note IS NOT NULL", name=op.f("ck_demand_extension_refused_has_note")
        ),
        sa.ForeignKeyConstraint(
            ["asked_by_id"], ["app_user.id"], name=op.f("fk_demand_extension_asked_by_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["app_user.id"], name=op.f("fk_demand_extension_decided_by_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["demand_id"], ["demand.id"], name=op.f("fk_demand_extension_demand_id_demand"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_demand_extension")),
    )
    op.create_index(op.f("ix_demand_extension_demand_id"), "demand_extension", ["demand_id"], unique=False)
    # One request waits for a decision per demand, whoever asks at the same moment.
    op.create_index(
        "uq_demand_extension_pending",
        "demand_extension",
        ["demand_id"],
        unique=True,
        sqlite_where=sa.text("status = 'pending'"),
        postgresql_where=sa.text("status = 'pending'"),
    )

    op.create_table(
        "demand_outcome",
        sa.Column("demand_id", sa.Integer(), nullable=False),
        sa.Column("funding_amount", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("funding_instrument", sa.String(length=12), nullable=True),
        sa.Column("funding_source", sa.String(length=100), nullable=True),
        sa.Column("resolution", sa.String(length=12), nullable=True),
        sa.Column("partner", sa.String(length=100), nullable=True),
        sa.Column("project_started", sa.Boolean(), nullable=True),
        sa.Column("jobs_filled", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "funding_instrument IS NULL OR funding_instrument IN ('loan', 'guarantee', 'subsidy', 'equity', 'other')",
            name=op.f("ck_demand_outcome_instrument_known"),
        ),
        sa.CheckConstraint(
            "resolution IS NULL OR resolution IN ('resolved', 'partly', 'impossible')",
            name=op.f("ck_demand_outcome_resolution_known"),
        ),
        sa.CheckConstraint(
            "funding_amount IS NULL OR funding_amount >= 0", name=op.f("ck_demand_outcome_amount_not_negative")
        ),
        sa.CheckConstraint(
            "funding_amount IS NULL OR funding_instrument IS NOT NULL",
            name=op.f("ck_demand_outcome_amount_has_instrument"),
        ),
        sa.CheckConstraint("jobs_filled IS NULL OR jobs_filled >= 0", name=op.f("ck_demand_outcome_jobs_not_negative")),
        sa.ForeignKeyConstraint(
            ["demand_id"], ["demand.id"], name=op.f("fk_demand_outcome_demand_id_demand"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("demand_id", name=op.f("pk_demand_outcome")),
    )


def downgrade():
    op.drop_table("demand_outcome")
    op.drop_index("uq_demand_extension_pending", table_name="demand_extension")
    op.drop_index(op.f("ix_demand_extension_demand_id"), table_name="demand_extension")
    op.drop_table("demand_extension")
    # The older schema knows no hand-back: such a demand waits for staff to route it, as a new one.
    op.execute("UPDATE demand SET status = 'submitted' WHERE status = 'handed_back'")
    op.execute(
        "DELETE FROM demand_event WHERE action IN ('acknowledge', 'hand_back', 'extend_ask', 'extend_grant', 'extend_deny')"
    )
    if _is_sqlite():
        _edit_sqlite_schema("demand_event", [(NEW_ACTIONS, OLD_ACTIONS)])
        _edit_sqlite_schema("demand", [(LAST_CHECK + ADDED_CHECKS, LAST_CHECK), (NEW_STATES, OLD_STATES)])
    else:
        op.drop_constraint(op.f("ck_demand_event_action_known"), "demand_event", type_="check")
        op.create_check_constraint(op.f("ck_demand_event_action_known"), "demand_event", OLD_ACTIONS)
        for name, _condition in NEW_CHECKS:
            op.drop_constraint(op.f(name), "demand", type_="check")
        op.drop_constraint(op.f("ck_demand_status_known"), "demand", type_="check")
        op.create_check_constraint(op.f("ck_demand_status_known"), "demand", OLD_STATES)
    for column in ("suggested_unit", "hand_back_reason", "acknowledged_at"):
        op.execute(f"ALTER TABLE demand DROP COLUMN {column}")
