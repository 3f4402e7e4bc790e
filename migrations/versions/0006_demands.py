"""demands: enterprise demands in four lists, their timeline, and grid workers' visits

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "demand_visit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("grid_id", sa.Integer(), nullable=True),
        sa.Column("visitor_id", sa.Integer(), nullable=True),
        sa.Column("visited_on", sa.Date(), nullable=False),
        sa.Column("topics", sa.String(length=100), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprise.id"], name=op.f("fk_demand_visit_enterprise_id_enterprise")),
        sa.ForeignKeyConstraint(["grid_id"], ["grid.id"], name=op.f("fk_demand_visit_grid_id_grid")),
        sa.ForeignKeyConstraint(["visitor_id"], ["app_user.id"], name=op.f("fk_demand_visit_visitor_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_demand_visit")),
    )
    with op.batch_alter_table("demand_visit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_demand_visit_enterprise_id"), ["enterprise_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_demand_visit_grid_id"), ["grid_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_demand_visit_visitor_id"), ["visitor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_demand_visit_visited_on"), ["visited_on"], unique=False)

    op.create_table(
        "demand",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("grid_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("contact_name", sa.String(length=40), nullable=False),
        sa.Column("contact_mobile", sa.String(length=20), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=True),
        sa.Column("raised_by_id", sa.Integer(), nullable=True),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("route", sa.String(length=10), nullable=True),
        sa.Column("handler_id", sa.Integer(), nullable=True),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("transfer_note", sa.Text(), nullable=True),
        sa.Column("transferred_at", sa.DateTime(), nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("satisfaction", sa.String(length=12), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.Column("decline_reason", sa.Text(), nullable=True),
        sa.Column("supervision_count", sa.Integer(), nullable=False),
        sa.Column("last_supervision_note", sa.Text(), nullable=True),
        sa.Column("last_supervised_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "status IN ('submitted', 'handling', 'transferred', 'answered', 'closed', 'declined')",
            name=op.f("ck_demand_status_known"),
        ),
        sa.CheckConstraint("kind IN ('problem', 'tech', 'funding', 'support')", name=op.f("ck_demand_kind_known")),
        sa.CheckConstraint(
            "source IN ('visit', 'walk_in', 'phone', 'event', 'talk', 'other')", name=op.f("ck_demand_source_known")
        ),
        sa.CheckConstraint("route IS NULL OR route IN ('direct', 'transfer')", name=op.f("ck_demand_route_known")),
        sa.CheckConstraint(
            "satisfaction IS NULL OR satisfaction IN ('satisfied', 'basic', 'unsatisfied')",
            name=op.f("ck_demand_satisfaction_known"),
        ),
        sa.CheckConstraint(
            "status IN ('submitted', 'declined') OR route IS NOT NULL", name=op.f("ck_demand_accepted_has_route")
        ),
        sa.CheckConstraint(
            "route <> 'transfer' OR department_id IS NOT NULL", name=op.f("ck_demand_transfer_has_department")
        ),
        sa.CheckConstraint("status <> 'transferred' OR route = 'transfer'", name=op.f("ck_demand_transferred_is_transfer")),
        sa.CheckConstraint(
            "status NOT IN ('answered', 'closed') OR answer IS NOT NULL", name=op.f("ck_demand_answered_has_answer")
        ),
        sa.CheckConstraint(
            "status <> 'closed' OR (satisfaction IN ('satisfied', 'basic') AND closed_at IS NOT NULL)",
            name=op.f("ck_demand_closed_is_complete"),
        ),
        sa.CheckConstraint(
            "status <> 'declined' OR decline_reason IS NOT NULL", name=op.f("ck_demand_declined_has_reason")
        ),
        sa.ForeignKeyConstraint(["answered_by_id"], ["app_user.id"], name=op.f("fk_demand_answered_by_id_app_user")),
        sa.ForeignKeyConstraint(["closed_by_id"], ["app_user.id"], name=op.f("fk_demand_closed_by_id_app_user")),
        sa.ForeignKeyConstraint(["department_id"], ["department.id"], name=op.f("fk_demand_department_id_department")),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprise.id"], name=op.f("fk_demand_enterprise_id_enterprise")),
        sa.ForeignKeyConstraint(["grid_id"], ["grid.id"], name=op.f("fk_demand_grid_id_grid")),
        sa.ForeignKeyConstraint(["handler_id"], ["app_user.id"], name=op.f("fk_demand_handler_id_app_user")),
        sa.ForeignKeyConstraint(["raised_by_id"], ["app_user.id"], name=op.f("fk_demand_raised_by_id_app_user")),
        sa.ForeignKeyConstraint(
            ["visit_id"], ["demand_visit.id"], name=op.f("fk_demand_visit_id_demand_visit"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_demand")),
        sa.UniqueConstraint("year", "seq", name="uq_demand_year_seq"),
    )
    with op.batch_alter_table("demand", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_demand_deadline"), ["deadline"], unique=False)
        batch_op.create_index(batch_op.f("ix_demand_department_id"), ["department_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_demand_enterprise_id"), ["enterprise_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_demand_grid_id"), ["grid_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_demand_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_demand_raised_by_id"), ["raised_by_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_demand_status"), ["status"], unique=False)
        batch_op.create_index("ix_demand_received_on_id", ["received_on", "id"], unique=False)

    op.create_table(
        "demand_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("demand_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=12), nullable=False),
        sa.Column("from_status", sa.String(length=12), nullable=True),
        sa.Column("to_status", sa.String(length=12), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "action IN ('create', 'accept', 'transfer', 'answer', 'close', 'return', 'decline', 'supervise')",
            name=op.f("ck_demand_event_action_known"),
        ),
        sa.ForeignKeyConstraint(["actor_id"], ["app_user.id"], name=op.f("fk_demand_event_actor_id_app_user")),
        sa.ForeignKeyConstraint(
            ["demand_id"], ["demand.id"], name=op.f("fk_demand_event_demand_id_demand"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_demand_event")),
    )
    with op.batch_alter_table("demand_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_demand_event_demand_id"), ["demand_id"], unique=False)


def downgrade():
    for table, indexes in [
        ("demand_event", ["ix_demand_event_demand_id"]),
        (
            "demand",
            [
                "ix_demand_received_on_id",
                "ix_demand_status",
                "ix_demand_raised_by_id",
                "ix_demand_kind",
                "ix_demand_grid_id",
                "ix_demand_enterprise_id",
                "ix_demand_department_id",
                "ix_demand_deadline",
            ],
        ),
        (
            "demand_visit",
            ["ix_demand_visit_visited_on", "ix_demand_visit_visitor_id", "ix_demand_visit_grid_id", "ix_demand_visit_enterprise_id"],
        ),
    ]:
        with op.batch_alter_table(table, schema=None) as batch_op:
            for index in indexes:
                batch_op.drop_index(index)
        op.drop_table(table)
