"""decision supporters: the optional 协办单位 of a meeting decision (meeting_decision_supporter)

Revision ID: 0024
Revises: 0023

A supporter row copies its decision's responsible department through a composite foreign key with
ON UPDATE CASCADE, checked against the supporting department: the database refuses a department
that both leads and supports a decision, whether the supporter is added or the decision's
responsible unit changes. The key refers to a unique index on ``meeting_decision (id,
department_id)``, which both SQLite and PostgreSQL accept as a parent key; an index, unlike a
constraint, is added on SQLite without rebuilding the table.
"""

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("uq_meeting_decision_id_department", "meeting_decision", ["id", "department_id"], unique=True)
    op.create_table(
        "meeting_decision_supporter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("responsible_department_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "responsible_department_id IS NULL OR department_id <> responsible_department_id",
            name=op.f("ck_meeting_decision_supporter_not_responsible"),
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["meeting_decision.id"],
            name=op.f("fk_meeting_decision_supporter_decision_id_meeting_decision"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["decision_id", "responsible_department_id"],
            ["meeting_decision.id", "meeting_decision.department_id"],
            name="fk_meeting_decision_supporter_responsible",
            onupdate="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
            name=op.f("fk_meeting_decision_supporter_department_id_department"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_decision_supporter")),
        sa.UniqueConstraint("decision_id", "department_id", name="uq_meeting_decision_supporter_department"),
    )
    op.create_index(
        op.f("ix_meeting_decision_supporter_decision_id"), "meeting_decision_supporter", ["decision_id"], unique=False
    )
    op.create_index(
        op.f("ix_meeting_decision_supporter_department_id"), "meeting_decision_supporter", ["department_id"], unique=False
    )


def downgrade():
    op.drop_index(op.f("ix_meeting_decision_supporter_department_id"), table_name="meeting_decision_supporter")
    op.drop_index(op.f("ix_meeting_decision_supporter_decision_id"), table_name="meeting_decision_supporter")
    op.drop_table("meeting_decision_supporter")
    op.drop_index("uq_meeting_decision_id_department", table_name="meeting_decision")
