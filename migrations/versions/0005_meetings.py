"""meetings: meetings, attendance, agenda, decisions and minutes versions

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("theme", sa.String(length=200), nullable=False),
        sa.Column("start_at", sa.DateTime(), nullable=False),
        sa.Column("end_at", sa.DateTime(), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=True),
        sa.Column("place", sa.String(length=100), nullable=True),
        sa.Column("headcount", sa.Integer(), nullable=False),
        sa.Column("chair_name", sa.String(length=60), nullable=False),
        sa.Column("chair_user_id", sa.Integer(), nullable=True),
        sa.Column("recorder_name", sa.String(length=60), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("kind IN ('monthly', 'quarterly', 'joint', 'other')", name=op.f("ck_meeting_kind_known")),
        sa.CheckConstraint("end_at > start_at", name=op.f("ck_meeting_ends_after_start")),
        sa.ForeignKeyConstraint(["booking_id"], ["booking.id"], name=op.f("fk_meeting_booking_id_booking"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["chair_user_id"], ["app_user.id"], name=op.f("fk_meeting_chair_user_id_app_user")),
        sa.ForeignKeyConstraint(["created_by_id"], ["app_user.id"], name=op.f("fk_meeting_created_by_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting")),
        sa.UniqueConstraint("kind", "year", "number", name="uq_meeting_kind_year_number"),
    )
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meeting_start_at"), ["start_at"], unique=False)

    op.create_table(
        "meeting_agenda_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("presenter", sa.String(length=100), nullable=True),
        sa.Column("discussion", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"], name=op.f("fk_meeting_agenda_item_meeting_id_meeting"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_agenda_item")),
    )
    with op.batch_alter_table("meeting_agenda_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meeting_agenda_item_meeting_id"), ["meeting_id"], unique=False)

    op.create_table(
        "meeting_attendee",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("grp", sa.String(length=20), nullable=False),
        sa.Column("unit", sa.String(length=100), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("enterprise_id", sa.Integer(), nullable=True),
        sa.Column("names", sa.String(length=300), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint("grp IN ('present', 'attending', 'excused')", name=op.f("ck_meeting_attendee_group_known")),
        sa.ForeignKeyConstraint(["department_id"], ["department.id"], name=op.f("fk_meeting_attendee_department_id_department")),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprise.id"], name=op.f("fk_meeting_attendee_enterprise_id_enterprise")),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"], name=op.f("fk_meeting_attendee_meeting_id_meeting"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_attendee")),
    )
    with op.batch_alter_table("meeting_attendee", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meeting_attendee_meeting_id"), ["meeting_id"], unique=False)

    op.create_table(
        "meeting_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("unit_text", sa.String(length=100), nullable=True),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("done_note", sa.Text(), nullable=True),
        sa.Column("done_at", sa.DateTime(), nullable=True),
        sa.Column("done_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("status IN ('open', 'done')", name=op.f("ck_meeting_decision_status_known")),
        sa.CheckConstraint("department_id IS NOT NULL OR unit_text IS NOT NULL", name=op.f("ck_meeting_decision_has_unit")),
        sa.ForeignKeyConstraint(["department_id"], ["department.id"], name=op.f("fk_meeting_decision_department_id_department")),
        sa.ForeignKeyConstraint(["done_by_id"], ["app_user.id"], name=op.f("fk_meeting_decision_done_by_id_app_user")),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"], name=op.f("fk_meeting_decision_meeting_id_meeting"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_decision")),
        sa.UniqueConstraint("meeting_id", "number", name="uq_meeting_decision_number"),
    )
    with op.batch_alter_table("meeting_decision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meeting_decision_deadline"), ["deadline"], unique=False)
        batch_op.create_index(batch_op.f("ix_meeting_decision_department_id"), ["department_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_meeting_decision_meeting_id"), ["meeting_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_meeting_decision_status"), ["status"], unique=False)

    op.create_table(
        "meeting_minutes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("approved_at", sa.DateTime(), nullable=True),
        sa.Column("issued_by_id", sa.Integer(), nullable=True),
        sa.Column("issued_at", sa.DateTime(), nullable=True),
        sa.Column("doc_year", sa.Integer(), nullable=True),
        sa.Column("doc_seq", sa.Integer(), nullable=True),
        sa.Column("copy_to", sa.String(length=300), nullable=True),
        sa.Column("snapshot", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "status <> 'issued' OR (doc_seq IS NOT NULL AND snapshot IS NOT NULL)",
            name=op.f("ck_meeting_minutes_issued_is_complete"),
        ),
        sa.CheckConstraint("status IN ('draft', 'approved', 'issued')", name=op.f("ck_meeting_minutes_status_known")),
        sa.ForeignKeyConstraint(["approved_by_id"], ["app_user.id"], name=op.f("fk_meeting_minutes_approved_by_id_app_user")),
        sa.ForeignKeyConstraint(["issued_by_id"], ["app_user.id"], name=op.f("fk_meeting_minutes_issued_by_id_app_user")),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"], name=op.f("fk_meeting_minutes_meeting_id_meeting"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_minutes")),
        sa.UniqueConstraint("doc_year", "doc_seq", name="uq_meeting_minutes_doc_number"),
        sa.UniqueConstraint("meeting_id", "version", name="uq_meeting_minutes_version"),
    )
    with op.batch_alter_table("meeting_minutes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meeting_minutes_meeting_id"), ["meeting_id"], unique=False)


def downgrade():
    for table, indexes in [
        ("meeting_minutes", ["ix_meeting_minutes_meeting_id"]),
        (
            "meeting_decision",
            [
                "ix_meeting_decision_status",
                "ix_meeting_decision_meeting_id",
                "ix_meeting_decision_department_id",
                "ix_meeting_decision_deadline",
            ],
        ),
        ("meeting_attendee", ["ix_meeting_attendee_meeting_id"]),
        ("meeting_agenda_item", ["ix_meeting_agenda_item_meeting_id"]),
        ("meeting", ["ix_meeting_start_at"]),
    ]:
        with op.batch_alter_table(table, schema=None) as batch_op:
            for index in indexes:
                batch_op.drop_index(index)
        op.drop_table(table)
