"""session version: a password change, a reset or a logout ends every session of the user

Revision ID: 0009
Revises: 0008

Sessions and remember-me cookies carry ``<user id>:<session_version>``; the sessions of the
accounts that exist when this runs (which carry the bare id) end once, and their users log in again.
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("app_user", sa.Column("session_version", sa.Integer(), server_default=sa.text("0"), nullable=False))


def downgrade():
    op.execute("ALTER TABLE app_user DROP COLUMN session_version")
