"""party: enterprise party organisations and the enterprises they cover, 党建联建 activities and
their branches, and the yearly 标准化规范化 checklist

Revision ID: 0015
Revises: 0011
"""
import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "party_organisation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("secretary", sa.String(length=40), nullable=True),
        sa.Column("members", sa.Integer(), nullable=False),
        sa.Column("established_on", sa.Date(), nullable=True),
        sa.Column("instructor_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.CheckConstraint("kind IN ('single', 'joint', 'general')", name=op.f("ck_party_organisation_kind_known")),
        sa.CheckConstraint("members >= 0", name=op.f("ck_party_organisation_members_not_negative")),
        sa.ForeignKeyConstraint(
            ["instructor_id"], ["app_user.id"], name=op.f("fk_party_organisation_instructor_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_party_organisation")),
        sa.UniqueConstraint("name", name=op.f("uq_party_organisation_name")),
    )
    op.create_table(
        "party_organisation_enterprise",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["enterprise_id"], ["enterprise.id"], name=op.f("fk_party_organisation_enterprise_enterprise_id_enterprise")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["party_organisation.id"],
            name=op.f("fk_party_organisation_enterprise_organisation_id_party_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("organisation_id", "enterprise_id", name=op.f("pk_party_organisation_enterprise")),
    )
    op.create_index(
        op.f("ix_party_organisation_enterprise_enterprise_id"), "party_organisation_enterprise", ["enterprise_id"]
    )
    op.create_table(
        "party_activity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("theme", sa.String(length=200), nullable=False),
        sa.Column("start_at", sa.DateTime(), nullable=False),
        sa.Column("end_at", sa.DateTime(), nullable=False),
        sa.Column("organiser", sa.String(length=100), nullable=False),
        sa.Column("attendance", sa.Integer(), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=True),
        sa.Column("place", sa.String(length=100), nullable=True),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.CheckConstraint("kind IN ('theme_day', 'exchange', 'other')", name=op.f("ck_party_activity_kind_known")),
        sa.CheckConstraint("end_at > start_at", name=op.f("ck_party_activity_ends_after_start")),
        sa.CheckConstraint("attendance >= 0", name=op.f("ck_party_activity_attendance_not_negative")),
        sa.ForeignKeyConstraint(
            ["booking_id"], ["booking.id"], name=op.f("fk_party_activity_booking_id_booking"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["app_user.id"], name=op.f("fk_party_activity_created_by_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_party_activity")),
    )
    op.create_index(op.f("ix_party_activity_start_at"), "party_activity", ["start_at"])
    op.create_table(
        "party_activity_organisation",
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["party_activity.id"],
            name=op.f("fk_party_activity_organisation_activity_id_party_activity"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["party_organisation.id"],
            name=op.f("fk_party_activity_organisation_organisation_id_party_organisation"),
        ),
        sa.PrimaryKeyConstraint("activity_id", "organisation_id", name=op.f("pk_party_activity_organisation")),
    )
    op.create_index(
        op.f("ix_party_activity_organisation_organisation_id"), "party_activity_organisation", ["organisation_id"]
    )
    op.create_table(
        "party_checklist_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_party_checklist_item")),
        sa.UniqueConstraint("title", name=op.f("uq_party_checklist_item_title")),
    )
    op.create_table(
        "party_checklist_tick",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("ticked_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["party_checklist_item.id"],
            name=op.f("fk_party_checklist_tick_item_id_party_checklist_item"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["party_organisation.id"],
            name=op.f("fk_party_checklist_tick_organisation_id_party_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["ticked_by_id"], ["app_user.id"], name=op.f("fk_party_checklist_tick_ticked_by_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_party_checklist_tick")),
        sa.UniqueConstraint("organisation_id", "item_id", "year", name="uq_party_checklist_tick_once"),
    )
    op.create_index(op.f("ix_party_checklist_tick_organisation_id"), "party_checklist_tick", ["organisation_id"])


def downgrade():
    op.drop_table("party_checklist_tick")
    op.drop_table("party_checklist_item")
    op.drop_table("party_activity_organisation")
    op.drop_table("party_activity")
    op.drop_table("party_organisation_enterprise")
    op.drop_table("party_organisation")
