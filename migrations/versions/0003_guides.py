"""guides: matters and their pre-guides, published versions, daily view counts, feedback

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "guide_matter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("official_code", sa.String(length=60), nullable=True),
        sa.Column("category", sa.String(length=30), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("department", sa.String(length=100), nullable=False),
        sa.Column("window", sa.String(length=100), nullable=False),
        sa.Column("service_object", sa.String(length=10), nullable=False),
        sa.Column("matter_type", sa.String(length=10), nullable=False),
        sa.Column("legal_basis", sa.Text(), nullable=False),
        sa.Column("conditions", sa.Text(), nullable=False),
        sa.Column("materials", sa.JSON(), nullable=False),
        sa.Column("steps", sa.JSON(), nullable=False),
        sa.Column("legal_limit_days", sa.Integer(), nullable=True),
        sa.Column("promised_limit_days", sa.Integer(), nullable=True),
        sa.Column("fee_free", sa.Boolean(), nullable=False),
        sa.Column("fee_basis", sa.Text(), nullable=False),
        sa.Column("fee_amount", sa.String(length=200), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("office_hours", sa.String(length=200), nullable=False),
        sa.Column("consult_phone", sa.String(length=40), nullable=False),
        sa.Column("complaint_phone", sa.String(length=40), nullable=False),
        sa.Column("online_url", sa.String(length=300), nullable=False),
        sa.Column("result_delivery", sa.Text(), nullable=False),
        sa.Column("faq", sa.JSON(), nullable=False),
        sa.Column("tips", sa.Text(), nullable=False),
        sa.Column("value_added", sa.Text(), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(), nullable=True),
        sa.Column("published_number", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guide_matter")),
        sa.UniqueConstraint("code", name=op.f("uq_guide_matter_code")),
    )
    with op.batch_alter_table("guide_matter", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_guide_matter_category"), ["category"], unique=False)
        batch_op.create_index(batch_op.f("ix_guide_matter_status"), ["status"], unique=False)

    op.create_table(
        "guide_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("matter_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=False),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["matter_id"], ["guide_matter.id"], name=op.f("fk_guide_version_matter_id_guide_matter")
        ),
        sa.ForeignKeyConstraint(
            ["published_by_id"], ["app_user.id"], name=op.f("fk_guide_version_published_by_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guide_version")),
        sa.UniqueConstraint("matter_id", "number", name=op.f("uq_guide_version_matter_id_number")),
    )
    with op.batch_alter_table("guide_version", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_guide_version_matter_id"), ["matter_id"], unique=False)

    op.create_table(
        "guide_view_count",
        sa.Column("matter_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["matter_id"], ["guide_matter.id"], name=op.f("fk_guide_view_count_matter_id_guide_matter")
        ),
        sa.PrimaryKeyConstraint("matter_id", "day", name=op.f("pk_guide_view_count")),
    )

    op.create_table(
        "guide_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("matter_id", sa.Integer(), nullable=False),
        sa.Column("version_number", sa.Integer(), nullable=True),
        sa.Column("helpful", sa.Boolean(), nullable=False),
        sa.Column("comment", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["matter_id"], ["guide_matter.id"], name=op.f("fk_guide_feedback_matter_id_guide_matter")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guide_feedback")),
    )
    with op.batch_alter_table("guide_feedback", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_guide_feedback_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_guide_feedback_matter_id"), ["matter_id"], unique=False)


def downgrade():
    with op.batch_alter_table("guide_feedback", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_guide_feedback_matter_id"))
        batch_op.drop_index(batch_op.f("ix_guide_feedback_created_at"))
    op.drop_table("guide_feedback")
    op.drop_table("guide_view_count")
    with op.batch_alter_table("guide_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_guide_version_matter_id"))
    op.drop_table("guide_version")
    with op.batch_alter_table("guide_matter", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_guide_matter_status"))
        batch_op.drop_index(batch_op.f("ix_guide_matter_category"))
    op.drop_table("guide_matter")
