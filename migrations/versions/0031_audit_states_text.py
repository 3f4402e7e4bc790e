"""audit_states_text: an audit entry's from and to states hold whole texts (a month's 100-character
theme, a session's time, room and seats), not 60 characters: PostgreSQL refused a longer one and the
change it recorded failed with it

Revision ID: 0031
Revises: 0030

Batch mode, so that SQLite rebuilds audit_entry (no trigger refers to it); on PostgreSQL two ALTER
COLUMN … TYPE TEXT statements.
"""

import sqlalchemy as sa
from alembic import op

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("audit_entry") as batch:
        batch.alter_column("from_state", type_=sa.Text(), existing_type=sa.String(60), existing_nullable=True)
        batch.alter_column("to_state", type_=sa.Text(), existing_type=sa.String(60), existing_nullable=True)


def downgrade():
    with op.batch_alter_table("audit_entry") as batch:
        batch.alter_column("from_state", type_=sa.String(60), existing_type=sa.Text(), existing_nullable=True)
        batch.alter_column("to_state", type_=sa.String(60), existing_type=sa.Text(), existing_nullable=True)
