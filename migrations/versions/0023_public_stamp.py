"""public_stamp: a version number per group of public pages, raised by the database itself with every
change to the rows those pages show, so that a worker serving a page from its memory knows with
one small query whether the page is still current (hubapp/pagecache.py)

Revision ID: 0023
Revises: 0014

Topic ``sessions`` (/s/, /s/<id> and /e/): the sessions, their hosts, their custom questions and
the rooms they are held in. Triggers, not the services, raise it: a sign-up's conditional UPDATE,
a script or a later module that writes these tables cannot forget to. The number is written with
an UPSERT, so a missing row (a table emptied by hand) starts again at 1 rather than going stale.

On PostgreSQL the trigger is deferred to the commit: every writer of these tables takes the
stamp's row lock, and taking it last, when the transaction holds every other lock it will hold,
means no writer can wait for another while holding it (no deadlock through the stamp). SQLite
has one writer at a time anyway.
"""

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0021"
branch_labels = None
depends_on = None

#: The tables whose rows the ``sessions`` pages show.
SESSION_TABLES = ["session_event", "session_host", "session_question", "room"]
BUMP = (
    "INSERT INTO public_stamp (topic, version) VALUES ('sessions', 1) "
    "ON CONFLICT (topic) DO UPDATE SET version = public_stamp.version + 1"
)

POSTGRESQL_FUNCTION = f"""
CREATE FUNCTION public_stamp_sessions() RETURNS trigger AS $$
BEGIN
    {BUMP};
    RETURN NULL;
END;
$$ LANGUAGE plpgsql
"""


def _is_sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade():
    op.create_table(
        "public_stamp",
        sa.Column("topic", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("version > 0", name=op.f("ck_public_stamp_version_positive")),
        sa.PrimaryKeyConstraint("topic", name=op.f("pk_public_stamp")),
    )
    op.execute("INSERT INTO public_stamp (topic, version) VALUES ('sessions', 1)")
    if _is_sqlite():
        for table in SESSION_TABLES:
            for event in ("INSERT", "UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_public_stamp_{event.lower()} AFTER {event} ON {table} "
                    f"BEGIN {BUMP}; END"
                )
    else:
        op.execute(POSTGRESQL_FUNCTION)
        for table in SESSION_TABLES:
            op.execute(
                f"CREATE CONSTRAINT TRIGGER {table}_public_stamp AFTER INSERT OR UPDATE OR DELETE ON {table} "
                "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION public_stamp_sessions()"
            )


def downgrade():
    if _is_sqlite():
        for table in SESSION_TABLES:
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_public_stamp_{event}")
    else:
        for table in SESSION_TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_public_stamp ON {table}")
        op.execute("DROP FUNCTION IF EXISTS public_stamp_sessions()")
    op.drop_table("public_stamp")
