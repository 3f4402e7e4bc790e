"""edit versions: the records staff edit in a form carry a version, so that a save drawn from an
older one is refused (hubapp/concurrency.py) instead of writing over someone else's change

Revision ID: 0010
Revises: 0009

Existing rows start at version 1, as new ones do.
"""
import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

TABLES = ("guide_matter", "meeting", "meeting_agenda_item", "room", "booking", "session_event")


def upgrade():
    for table in TABLES:
        op.add_column(table, sa.Column("version", sa.Integer(), server_default="1", nullable=False))


def downgrade():
    # Plain ALTER TABLE on both databases (SQLite 3.35+): a batch rebuild of ``booking`` on SQLite
    # would drop the triggers that keep exclusive rooms from double bookings.
    for table in reversed(TABLES):
        op.execute(f"ALTER TABLE {table} DROP COLUMN version")
