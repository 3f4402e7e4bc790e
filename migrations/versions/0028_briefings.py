"""briefings: the centre's 工作简报, numbered 第N期 per year (a unique constraint), and its prints
kept with their text and PDF bytes

Revision ID: 0028
Revises: 0024
"""

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "report_briefing",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("period_slug", sa.String(length=10), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("number >= 1", name=op.f("ck_report_briefing_number_positive")),
        sa.ForeignKeyConstraint(["created_by_id"], ["app_user.id"], name=op.f("fk_report_briefing_created_by_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_briefing")),
        sa.UniqueConstraint("year", "number", name="uq_report_briefing_year_number"),
    )
    op.create_index(op.f("ix_report_briefing_period_slug"), "report_briefing", ["period_slug"], unique=False)
    op.create_table(
        "report_briefing_print",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("briefing_id", sa.Integer(), nullable=False),
        sa.Column("printed_at", sa.DateTime(), nullable=False),
        sa.Column("printed_by_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["briefing_id"], ["report_briefing.id"], name=op.f("fk_report_briefing_print_briefing_id_report_briefing"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["printed_by_id"], ["app_user.id"], name=op.f("fk_report_briefing_print_printed_by_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_briefing_print")),
    )  # fmt: skip
    op.create_index(
        op.f("ix_report_briefing_print_briefing_id"), "report_briefing_print", ["briefing_id"], unique=False
    )


def downgrade():
    op.drop_index(op.f("ix_report_briefing_print_briefing_id"), table_name="report_briefing_print")
    op.drop_table("report_briefing_print")
    op.drop_index(op.f("ix_report_briefing_period_slug"), table_name="report_briefing")
    op.drop_table("report_briefing")
