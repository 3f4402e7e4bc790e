"""front door: demands raised by the enterprise itself (source 企业自报), their private follow
link and their photos; guide search keywords and the searches that found nothing

Revision ID: 0011
Revises: 0010

The source CHECK of ``demand`` gains 'self'. PostgreSQL replaces the constraint. SQLite cannot
alter a CHECK, and rebuilding ``demand`` would drop it with foreign keys on, which deletes its
timeline through ON DELETE CASCADE; a CHECK that allows more values cannot be violated by any row,
so its text is changed in place, the procedure SQLite documents for such changes (ALTER TABLE,
section 7: writable_schema and a new schema_version).
"""
import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

OLD_SOURCES = "source IN ('visit', 'walk_in', 'phone', 'event', 'talk', 'other')"
NEW_SOURCES = "source IN ('visit', 'walk_in', 'phone', 'event', 'talk', 'other', 'self')"


def _replace_source_check(old: str, new: str) -> None:
    if op.get_bind().dialect.name == "sqlite":
        version = op.get_bind().exec_driver_sql("PRAGMA schema_version").scalar()
        op.execute("PRAGMA writable_schema = ON")
        op.get_bind().exec_driver_sql(
            "UPDATE sqlite_master SET sql = replace(sql, ?, ?) WHERE type = 'table' AND name = 'demand'", (old, new)
        )
        op.execute(f"PRAGMA schema_version = {version + 1}")
        op.execute("PRAGMA writable_schema = OFF")
    else:
        op.drop_constraint(op.f("ck_demand_source_known"), "demand", type_="check")
        op.create_check_constraint(op.f("ck_demand_source_known"), "demand", new)


def upgrade():
    _replace_source_check(OLD_SOURCES, NEW_SOURCES)
    op.add_column("demand", sa.Column("follow_token", sa.String(length=64), nullable=True))
    op.create_index(op.f("ix_demand_follow_token"), "demand", ["follow_token"], unique=True)
    op.create_table(
        "demand_photo",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("demand_id", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["demand_id"], ["demand.id"], name=op.f("fk_demand_photo_demand_id_demand"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_demand_photo")),
    )
    op.create_index(op.f("ix_demand_photo_demand_id"), "demand_photo", ["demand_id"], unique=False)
    op.add_column("guide_matter", sa.Column("keywords", sa.String(length=500), server_default="", nullable=False))
    op.create_table(
        "guide_search_miss",
        sa.Column("term", sa.String(length=50), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("last_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("term", name=op.f("pk_guide_search_miss")),
    )


def downgrade():
    op.drop_table("guide_search_miss")
    op.execute("ALTER TABLE guide_matter DROP COLUMN keywords")
    op.drop_index(op.f("ix_demand_photo_demand_id"), table_name="demand_photo")
    op.drop_table("demand_photo")
    op.drop_index(op.f("ix_demand_follow_token"), table_name="demand")
    # Not batch mode: a rebuilt demand table would take its timeline with it (see above).
    op.execute("ALTER TABLE demand DROP COLUMN follow_token")
    # The older schema knows no self-reported demand: they count as 其他.
    op.execute("UPDATE demand SET source = 'other' WHERE source = 'self'")
    _replace_source_check(NEW_SOURCES, OLD_SOURCES)
