"""inbox: the in-app channel of notifications, one row per user an event concerns

Revision ID: 0016
Revises: 0014
"""
import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "inbox_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("link_path", sa.String(length=500), nullable=True),
        sa.Column("event", sa.String(length=60), nullable=False),
        sa.Column("object_type", sa.String(length=40), nullable=False),
        sa.Column("object_id", sa.String(length=40), nullable=False),
        sa.Column("dedupe_key", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("read_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], name=op.f("fk_inbox_message_user_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox_message")),
        sa.UniqueConstraint("user_id", "dedupe_key", name="uq_inbox_message_user_event"),
    )
    op.create_index("ix_inbox_message_unread", "inbox_message", ["user_id", "read_at"], unique=False)


def downgrade():
    op.drop_index("ix_inbox_message_unread", table_name="inbox_message")
    op.drop_table("inbox_message")
