"""notice preferences: what each person chose of the optional messages (a grid worker's SMS of
demand answers, staff e-mail; notice_preference), and the outbox's third channel, e-mail

Revision ID: 0017
Revises: 0014

The outbox's channel CHECK grows. PostgreSQL replaces it; SQLite cannot alter a CHECK, and the CHECK
text is edited in place as 0014 does (SQLite's ALTER TABLE documentation, section 7): safe, since
the list of channels only grows and every existing row meets the new CHECK.
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0014"
branch_labels = None
depends_on = None

OLD_CHANNELS = "channel IN ('wecom', 'sms')"
NEW_CHANNELS = "channel IN ('wecom', 'sms', 'email')"


def _is_sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _edit_sqlite_check(table: str, old: str, new: str) -> None:
    bind = op.get_bind()
    sql = bind.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).scalar()
    if old not in sql:
        raise RuntimeError(f"{table}: the schema does not read {old!r}; edit it by hand")
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar()
    op.execute("PRAGMA writable_schema = ON")
    bind.exec_driver_sql(
        "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?", (sql.replace(old, new), table)
    )
    op.execute(f"PRAGMA schema_version = {version + 1}")
    op.execute("PRAGMA writable_schema = OFF")


def upgrade():
    op.create_table(
        "notice_preference",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("sms_demand_answers", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("email_staff_messages", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.CheckConstraint(
            "NOT email_staff_messages OR email IS NOT NULL", name=op.f("ck_notice_preference_email_needs_address")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_notice_preference_user_id_app_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_notice_preference")),
    )
    _set_channels(OLD_CHANNELS, NEW_CHANNELS)


def downgrade():
    op.execute("DELETE FROM outbox WHERE channel = 'email'")
    _set_channels(NEW_CHANNELS, OLD_CHANNELS)
    op.drop_table("notice_preference")


def _set_channels(old: str, new: str) -> None:
    if _is_sqlite():
        _edit_sqlite_check("outbox", old, new)
    else:
        op.drop_constraint(op.f("ck_outbox_channel_known"), "outbox", type_="check")
        op.create_check_constraint(op.f("ck_outbox_channel_known"), "outbox", new)
