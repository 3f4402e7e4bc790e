"""sessions: host organisations, theme plan, sessions, custom questions, registrations, financing

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "session_host",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("contact_name", sa.String(length=40), nullable=True),
        sa.Column("contact_phone", sa.String(length=20), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["department_id"], ["department.id"], name=op.f("fk_session_host_department_id_department")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_host")),
        sa.UniqueConstraint("name", name=op.f("uq_session_host_name")),
    )
    op.create_table(
        "session_theme",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("theme", sa.String(length=100), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.CheckConstraint("month BETWEEN 1 AND 12", name=op.f("ck_session_theme_month_range")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_theme")),
        sa.UniqueConstraint("year", "month", name=op.f("uq_session_theme_year_month")),
    )
    op.create_table('session_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('theme', sa.String(length=100), nullable=True),
    sa.Column('host_id', sa.Integer(), nullable=True),
    sa.Column('speakers', sa.String(length=200), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('start_at', sa.DateTime(), nullable=False),
    sa.Column('end_at', sa.DateTime(), nullable=False),
    sa.Column('room_id', sa.Integer(), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=True),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('registered_count', sa.Integer(), nullable=False),
    sa.Column('signup_opens_at', sa.DateTime(), nullable=True),
    sa.Column('signup_closes_at', sa.DateTime(), nullable=True),
    sa.Column('needs_approval', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('cancel_reason', sa.String(length=200), nullable=True),
    sa.Column('outcome_summary', sa.Text(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('capacity > 0', name=op.f('ck_session_event_capacity_positive')),
    sa.CheckConstraint('end_at > start_at', name=op.f('ck_session_event_times_ordered')),
    sa.CheckConstraint('registered_count <= capacity', name=op.f('ck_session_event_count_within_capacity')),
    sa.CheckConstraint('registered_count >= 0', name=op.f('ck_session_event_count_not_negative')),
    sa.ForeignKeyConstraint(['booking_id'], ['booking.id'], name=op.f('fk_session_event_booking_id_booking')),
    sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'], name=op.f('fk_session_event_created_by_id_app_user')),
    sa.ForeignKeyConstraint(['host_id'], ['session_host.id'], name=op.f('fk_session_event_host_id_session_host')),
    sa.ForeignKeyConstraint(['room_id'], ['room.id'], name=op.f('fk_session_event_room_id_room')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_event'))
    )
    with op.batch_alter_table('session_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_event_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_session_event_start_at'), ['start_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_session_event_status'), ['status'], unique=False)

    op.create_table('session_financing',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=True),
    sa.Column('enterprise_name', sa.String(length=100), nullable=False),
    sa.Column('bank_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('notes', sa.String(length=200), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("status IN ('intention', 'approved', 'granted')", name=op.f('ck_session_financing_status_known')),
    sa.CheckConstraint('amount > 0', name=op.f('ck_session_financing_amount_positive')),
    sa.ForeignKeyConstraint(['bank_id'], ['session_host.id'], name=op.f('fk_session_financing_bank_id_session_host')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], name=op.f('fk_session_financing_enterprise_id_enterprise')),
    sa.ForeignKeyConstraint(['session_id'], ['session_event.id'], name=op.f('fk_session_financing_session_id_session_event'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_financing'))
    )
    with op.batch_alter_table('session_financing', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_financing_session_id'), ['session_id'], unique=False)

    op.create_table('session_question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['session_event.id'], name=op.f('fk_session_question_session_id_session_event'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_question'))
    )
    with op.batch_alter_table('session_question', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_question_session_id'), ['session_id'], unique=False)

    op.create_table('session_registration',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=True),
    sa.Column('enterprise_name', sa.String(length=100), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=True),
    sa.Column('attendee_name', sa.String(length=40), nullable=False),
    sa.Column('phone', sa.String(length=11), nullable=False),
    sa.Column('position', sa.String(length=40), nullable=True),
    sa.Column('questions', sa.Text(), nullable=True),
    sa.Column('financing_amount', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('financing_purpose', sa.String(length=200), nullable=True),
    sa.Column('financing_term', sa.Integer(), nullable=True),
    sa.Column('financing_collateral', sa.Boolean(), nullable=True),
    sa.Column('answers', sa.Text(), nullable=True),
    sa.Column('token', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('checked_in_at', sa.DateTime(), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint('financing_amount IS NULL OR financing_amount > 0', name=op.f('ck_session_registration_financing_amount_positive')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], name=op.f('fk_session_registration_enterprise_id_enterprise')),
    sa.ForeignKeyConstraint(['session_id'], ['session_event.id'], name=op.f('fk_session_registration_session_id_session_event'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_registration')),
    sa.UniqueConstraint('session_id', 'phone', name=op.f('uq_session_registration_session_id_phone')),
    sa.UniqueConstraint('token', name=op.f('uq_session_registration_token'))
    )
    with op.batch_alter_table('session_registration', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_registration_session_id'), ['session_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_session_registration_status'), ['status'], unique=False)


def downgrade():
    op.drop_table("session_registration")
    op.drop_table("session_question")
    op.drop_table("session_financing")
    op.drop_table("session_event")
    op.drop_table("session_theme")
    op.drop_table("session_host")
