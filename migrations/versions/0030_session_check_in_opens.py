"""session_check_in_opens: a session may open its check-in earlier or later than the centre's
default (``SESSION_CHECK_IN_OPENS_MINUTES``); the database keeps it within a day

Revision ID: 0030
Revises: 0028

Plain ALTER TABLE, with the check in the column, which SQLite and PostgreSQL both take: a batch
rebuild of session_event on SQLite would drop the triggers that raise the public pages' stamp.
"""

from alembic import op

revision = "0030"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade():
    op.execute(
        "ALTER TABLE session_event ADD COLUMN check_in_opens_minutes INTEGER "
        "CONSTRAINT ck_session_event_check_in_opens_within_a_day "
        "CHECK (check_in_opens_minutes IS NULL OR check_in_opens_minutes BETWEEN 0 AND 1440)"
    )


def downgrade():
    op.execute("ALTER TABLE session_event DROP COLUMN check_in_opens_minutes")
