"""directory: the enterprise register kept by staff — kinds, party organisations, deactivation,
optimistic versions — and the uploaded Excel files awaiting confirmation

Revision ID: 0007
Revises: 0006

Existing rows are converted, not dropped:

- ``kind`` held free Chinese words; the register's four codes replace them. 众创空间, 孵化器 and
  加速器 keep their meaning; anything else (the old default 企业) becomes 周边企业, the only kind
  that claims no more than that the enterprise is in the community.
- ``has_party_organisation`` becomes ``party_organisation``: a covered enterprise becomes
  单独党支部 (the form an enterprise's own organisation takes), the others 无. Downgrading
  turns every organisation back into the flag.

Several tables refer to ``enterprise``, so on SQLite it is changed with plain ALTER statements:
batch mode's copy-drop-rename would make the drop delete or orphan the rows that refer to it.
A column keeps its CHECK constraint as a named column constraint there (SQLite cannot add a
table constraint to an existing table); PostgreSQL gets table constraints of the same names.
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

KINDS_KNOWN = "kind IN ('maker_space', 'incubator', 'accelerator', 'nearby')"
PARTY_KNOWN = "party_organisation IN ('none', 'branch', 'joint_branch', 'general_branch', 'committee')"
KIND_FROM_WORDS = (
    "CASE {column} WHEN '众创空间' THEN 'maker_space' WHEN '孵化器' THEN 'incubator' "
    "WHEN '加速器' THEN 'accelerator' ELSE 'nearby' END"
)
KIND_TO_WORDS = (
    "CASE {column} WHEN 'maker_space' THEN '众创空间' WHEN 'incubator' THEN '孵化器' "
    "WHEN 'accelerator' THEN '加速器' ELSE '企业' END"
)

SQLITE_UPGRADE = [
    "ALTER TABLE enterprise ADD COLUMN kind_code VARCHAR(12) NOT NULL DEFAULT 'nearby' "
    f"CONSTRAINT ck_enterprise_kind_known CHECK ({KINDS_KNOWN.replace('kind', 'kind_code', 1)})",
    f"UPDATE enterprise SET kind_code = {KIND_FROM_WORDS.format(column='kind')}",
    "ALTER TABLE enterprise DROP COLUMN kind",
    # Renaming rewrites the CHECK constraint's reference too.
    "ALTER TABLE enterprise RENAME COLUMN kind_code TO kind",
    "ALTER TABLE enterprise ADD COLUMN party_organisation VARCHAR(16) NOT NULL DEFAULT 'none' "
    f"CONSTRAINT ck_enterprise_party_organisation_known CHECK ({PARTY_KNOWN})",
    "UPDATE enterprise SET party_organisation = 'branch' WHERE has_party_organisation",
    "ALTER TABLE enterprise DROP COLUMN has_party_organisation",
    "ALTER TABLE enterprise ADD COLUMN active BOOLEAN NOT NULL DEFAULT 1",
    "ALTER TABLE enterprise ADD COLUMN version INTEGER NOT NULL DEFAULT '1'",
]
SQLITE_DOWNGRADE = [
    "ALTER TABLE enterprise DROP COLUMN version",
    "ALTER TABLE enterprise DROP COLUMN active",
    "ALTER TABLE enterprise ADD COLUMN has_party_organisation BOOLEAN NOT NULL DEFAULT 0",
    "UPDATE enterprise SET has_party_organisation = (party_organisation <> 'none')",
    "ALTER TABLE enterprise DROP COLUMN party_organisation",
    "ALTER TABLE enterprise ADD COLUMN kind_words VARCHAR(10) NOT NULL DEFAULT '企业'",
    f"UPDATE enterprise SET kind_words = {KIND_TO_WORDS.format(column='kind')}",
    "ALTER TABLE enterprise DROP COLUMN kind",
    "ALTER TABLE enterprise RENAME COLUMN kind_words TO kind",
]
POSTGRESQL_UPGRADE = [
    "ALTER TABLE enterprise ALTER COLUMN kind TYPE VARCHAR(12)",
    f"UPDATE enterprise SET kind = {KIND_FROM_WORDS.format(column='kind')}",
    f"ALTER TABLE enterprise ADD CONSTRAINT ck_enterprise_kind_known CHECK ({KINDS_KNOWN})",
    "ALTER TABLE enterprise ADD COLUMN party_organisation VARCHAR(16) NOT NULL DEFAULT 'none'",
    "UPDATE enterprise SET party_organisation = 'branch' WHERE has_party_organisation",
    f"ALTER TABLE enterprise ADD CONSTRAINT ck_enterprise_party_organisation_known CHECK ({PARTY_KNOWN})",
    "ALTER TABLE enterprise DROP COLUMN has_party_organisation",
    "ALTER TABLE enterprise ADD COLUMN active BOOLEAN NOT NULL DEFAULT true",
    "ALTER TABLE enterprise ADD COLUMN version INTEGER NOT NULL DEFAULT '1'",
]
POSTGRESQL_DOWNGRADE = [
    "ALTER TABLE enterprise DROP COLUMN version",
    "ALTER TABLE enterprise DROP COLUMN active",
    "ALTER TABLE enterprise ADD COLUMN has_party_organisation BOOLEAN NOT NULL DEFAULT false",
    "UPDATE enterprise SET has_party_organisation = (party_organisation <> 'none')",
    "ALTER TABLE enterprise ALTER COLUMN has_party_organisation DROP DEFAULT",
    "ALTER TABLE enterprise DROP COLUMN party_organisation",
    "ALTER TABLE enterprise DROP CONSTRAINT ck_enterprise_kind_known",
    f"UPDATE enterprise SET kind = {KIND_TO_WORDS.format(column='kind')}",
    "ALTER TABLE enterprise ALTER COLUMN kind TYPE VARCHAR(10)",
]


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade():
    for statement in POSTGRESQL_UPGRADE if _postgresql() else SQLITE_UPGRADE:
        op.execute(statement)
    op.create_index(op.f("ix_enterprise_grid_id"), "enterprise", ["grid_id"], unique=False)
    op.create_table(
        "enterprise_import",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["app_user.id"], name=op.f("fk_enterprise_import_owner_id_app_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enterprise_import")),
        sa.UniqueConstraint("token", name=op.f("uq_enterprise_import_token")),
    )
    op.create_index(op.f("ix_enterprise_import_owner_id"), "enterprise_import", ["owner_id"], unique=False)
    op.create_index(op.f("ix_enterprise_import_expires_at"), "enterprise_import", ["expires_at"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_enterprise_import_expires_at"), table_name="enterprise_import")
    op.drop_index(op.f("ix_enterprise_import_owner_id"), table_name="enterprise_import")
    op.drop_table("enterprise_import")
    op.drop_index(op.f("ix_enterprise_grid_id"), table_name="enterprise")
    for statement in POSTGRESQL_DOWNGRADE if _postgresql() else SQLITE_DOWNGRADE:
        op.execute(statement)
