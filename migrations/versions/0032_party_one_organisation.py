"""party_one_organisation: the database holds an enterprise to one organisation in the register
(党组织覆盖 is never counted twice), not only the form's check, which two people saving at once
could both pass

Revision ID: 0032
Revises: 0031

Each row of party_organisation_enterprise carries its organisation's ``active``
(organisation_active), kept equal by a foreign key to (id, active) with ON UPDATE CASCADE, and a
partial unique index allows one row per enterprise whose organisation is active. On SQLite the
covering table is rebuilt (batch mode; no table refers to it, no trigger is on it); the
organisation table only gains a unique index, since rebuilding it would cascade into the tables
that refer to it.
"""

import sqlalchemy as sa
from alembic import op

revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None

COVERS = "party_organisation_enterprise"
COVERS_ORGANISATION_FK = "fk_party_organisation_enterprise_organisation_id_party_organisation"
ORGANISATION_ID_ACTIVE = "uq_party_organisation_id_active"
ONE_ACTIVE = "uq_party_organisation_enterprise_one_active"


def _refuse_double_coverage(bind) -> None:
    doubled = bind.execute(
        sa.text(
            "SELECT e.name FROM party_organisation_enterprise c "
            "JOIN party_organisation o ON o.id = c.organisation_id JOIN enterprise e ON e.id = c.enterprise_id "
            "WHERE o.active GROUP BY e.id, e.name HAVING COUNT(*) > 1 ORDER BY e.name"
        )
    ).scalars().all()
    if doubled:
        raise RuntimeError(
            "这些企业同时由两个以上在册党组织覆盖，请先在党建页面调整后再升级："
            + "、".join(doubled)
            + " (each of these enterprises is covered by more than one active party organisation)"
        )


def upgrade():
    bind = op.get_bind()
    _refuse_double_coverage(bind)
    op.create_index(ORGANISATION_ID_ACTIVE, "party_organisation", ["id", "active"], unique=True)
    op.add_column(COVERS, sa.Column("organisation_active", sa.Boolean(), nullable=False, server_default=sa.true()))
    op.execute(
        f"UPDATE {COVERS} SET organisation_active = "
        f"(SELECT active FROM party_organisation WHERE party_organisation.id = {COVERS}.organisation_id)"
    )
    with op.batch_alter_table(COVERS) as batch:
        batch.drop_constraint(op.f(COVERS_ORGANISATION_FK), type_="foreignkey")
        batch.create_foreign_key(
            op.f(COVERS_ORGANISATION_FK), "party_organisation", ["organisation_id", "organisation_active"], ["id", "active"],
            onupdate="CASCADE", ondelete="CASCADE",
        )  # fmt: skip
    op.create_index(
        ONE_ACTIVE, COVERS, ["enterprise_id"], unique=True,
        sqlite_where=sa.text("organisation_active"), postgresql_where=sa.text("organisation_active"),
    )  # fmt: skip


def downgrade():
    op.drop_index(ONE_ACTIVE, COVERS)
    with op.batch_alter_table(COVERS) as batch:
        batch.drop_constraint(op.f(COVERS_ORGANISATION_FK), type_="foreignkey")
        batch.create_foreign_key(
            op.f(COVERS_ORGANISATION_FK), "party_organisation", ["organisation_id"], ["id"], ondelete="CASCADE"
        )
        batch.drop_column("organisation_active")
    op.drop_index(ORGANISATION_ID_ACTIVE, "party_organisation")
