"""front door, continued: the private follow link of a public room request (booking.follow_token)

Revision ID: 0018
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("booking", sa.Column("follow_token", sa.String(length=64), nullable=True))
    op.create_index(op.f("ix_booking_follow_token"), "booking", ["follow_token"], unique=True)


def downgrade():
    op.drop_index(op.f("ix_booking_follow_token"), table_name="booking")
    # Not batch mode: rebuilding booking would drop the SQLite triggers that guard its overlaps.
    op.execute("ALTER TABLE booking DROP COLUMN follow_token")
