"""research_from_demand: a 科研对接 project remembers the 技术需求 demand it was matched from; a
demand turns into one project at most (a unique constraint) and only into a 科研对接 one (a check)

Revision ID: 0026
Revises: 0023

Batch mode, so that SQLite, which cannot add a constraint to a table, rebuilds coop_project (a
small table nothing else refers to); on PostgreSQL the batch is plain ALTER TABLE statements.
"""

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("coop_project") as batch:
        batch.add_column(sa.Column("demand_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_coop_project_demand_id_demand"), "demand", ["demand_id"], ["id"])
        batch.create_unique_constraint("uq_coop_project_demand_id", ["demand_id"])
        batch.create_check_constraint(
            op.f("ck_coop_project_demand_only_for_research"), "demand_id IS NULL OR kind = 'research'"
        )


def downgrade():
    with op.batch_alter_table("coop_project") as batch:
        batch.drop_constraint(op.f("ck_coop_project_demand_only_for_research"), type_="check")
        batch.drop_constraint("uq_coop_project_demand_id", type_="unique")
        batch.drop_constraint(op.f("fk_coop_project_demand_id_demand"), type_="foreignkey")
        batch.drop_column("demand_id")
