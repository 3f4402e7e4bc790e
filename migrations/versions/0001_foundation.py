"""foundation

Revision ID: 0001
Revises: 
Create Date: 2026-11-25 17:46:24.030237

Besides the tables, what the database itself refuses: two live bookings of an exclusive room that
overlap, and a shared room over capacity at any moment. PostgreSQL: an exclusion constraint
(btree_gist) for exclusive rooms; for shared rooms a trigger that first locks the room row, so that
concurrent inserts for one room queue and each sees the ones committed before it. SQLite: triggers;
writers are already serialised by BEGIN IMMEDIATE (hubapp/database.py), so a trigger sees every
committed booking.

The SQL is frozen here, as it was released: a migration never imports application code, so that
editing a module cannot rewrite what an old revision does. Change these rules only through a new
revision. The application matches refusals by the names raised here ('booking_overlap',
'booking_capacity_exceeded', 'booking_no_overlap'; see hubapp/blueprints/facilities/constraints.py).
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


# Live bookings are those in the states 'confirmed' and 'checked_in'.
_SQLITE_OVERLAP_CHECK = """
    SELECT RAISE(ABORT, 'booking_overlap')
    WHERE NEW.status IN ('confirmed', 'checked_in') AND NEW.exclusive AND EXISTS (
        SELECT 1 FROM booking b
        WHERE b.room_id = NEW.room_id AND b.id IS NOT NEW.id AND b.status IN ('confirmed', 'checked_in')
          AND b.start_at < NEW.end_at AND b.end_at > NEW.start_at);
"""

# The busiest moment inside the new booking is at its own start or at the start of another
# booking inside it; checking those moments is exact.
_SQLITE_CAPACITY_CHECK = """
    SELECT RAISE(ABORT, 'booking_capacity_exceeded')
    WHERE NEW.status IN ('confirmed', 'checked_in') AND NOT NEW.exclusive AND EXISTS (
        SELECT 1 FROM (
            SELECT NEW.start_at AS moment
            UNION SELECT b.start_at FROM booking b
            WHERE b.room_id = NEW.room_id AND b.status IN ('confirmed', 'checked_in')
              AND b.start_at > NEW.start_at AND b.start_at < NEW.end_at
        ) AS m
        WHERE NEW.headcount + (
            SELECT COALESCE(SUM(b.headcount), 0) FROM booking b
            WHERE b.room_id = NEW.room_id AND b.id IS NOT NEW.id AND b.status IN ('confirmed', 'checked_in')
              AND b.start_at <= m.moment AND b.end_at > m.moment
        ) > (SELECT capacity FROM room WHERE id = NEW.room_id));
"""

SQLITE_UPGRADE = [
    "CREATE TRIGGER booking_overlap_insert BEFORE INSERT ON booking BEGIN " + _SQLITE_OVERLAP_CHECK + " END",
    "CREATE TRIGGER booking_overlap_update BEFORE UPDATE OF room_id, start_at, end_at, status, exclusive "
    "ON booking BEGIN " + _SQLITE_OVERLAP_CHECK + " END",
    "CREATE TRIGGER booking_capacity_insert BEFORE INSERT ON booking BEGIN " + _SQLITE_CAPACITY_CHECK + " END",
    "CREATE TRIGGER booking_capacity_update BEFORE UPDATE OF room_id, start_at, end_at, status, headcount, exclusive "
    "ON booking BEGIN " + _SQLITE_CAPACITY_CHECK + " END",
]
SQLITE_DOWNGRADE = [
    "DROP TRIGGER IF EXISTS booking_overlap_insert",
    "DROP TRIGGER IF EXISTS booking_overlap_update",
    "DROP TRIGGER IF EXISTS booking_capacity_insert",
    "DROP TRIGGER IF EXISTS booking_capacity_update",
]

POSTGRESQL_UPGRADE = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    "ALTER TABLE booking ADD CONSTRAINT booking_no_overlap EXCLUDE USING gist "
    "(room_id WITH =, tsrange(start_at, end_at, '[)') WITH &&) WHERE (exclusive AND status IN ('confirmed', 'checked_in'))",
    """
    CREATE FUNCTION booking_check_capacity() RETURNS trigger AS $$
    DECLARE
        room_capacity integer;
        busiest integer;
    BEGIN
        IF NEW.exclusive OR NEW.status NOT IN ('confirmed', 'checked_in') THEN
            RETURN NEW;
        END IF;
        SELECT capacity INTO room_capacity FROM room WHERE id = NEW.room_id FOR UPDATE;
        SELECT MAX(taken) INTO busiest FROM (
            SELECT (SELECT COALESCE(SUM(b.headcount), 0) FROM booking b
                    WHERE b.room_id = NEW.room_id AND b.id IS DISTINCT FROM NEW.id AND b.status IN ('confirmed', 'checked_in')
                      AND b.start_at <= m.moment AND b.end_at > m.moment) AS taken
            FROM (
                SELECT NEW.start_at AS moment
                UNION SELECT b.start_at FROM booking b
                WHERE b.room_id = NEW.room_id AND b.status IN ('confirmed', 'checked_in')
                  AND b.start_at > NEW.start_at AND b.start_at < NEW.end_at
            ) AS m
        ) AS t;
        IF COALESCE(busiest, 0) + NEW.headcount > room_capacity THEN
            RAISE EXCEPTION 'booking_capacity_exceeded' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql
    """,
    "CREATE TRIGGER booking_capacity BEFORE INSERT OR UPDATE OF room_id, start_at, end_at, status, headcount, exclusive "
    "ON booking FOR EACH ROW EXECUTE FUNCTION booking_check_capacity()",
]
POSTGRESQL_DOWNGRADE = [
    "DROP TRIGGER IF EXISTS booking_capacity ON booking",
    "DROP FUNCTION IF EXISTS booking_check_capacity()",
    "ALTER TABLE booking DROP CONSTRAINT IF EXISTS booking_no_overlap",
]


def upgrade():
    # ### commands auto generated by Alembic - please adjust! ###
    op.create_table('audit_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('object_type', sa.String(length=40), nullable=False),
    sa.Column('object_id', sa.String(length=40), nullable=False),
    sa.Column('from_state', sa.String(length=60), nullable=True),
    sa.Column('to_state', sa.String(length=60), nullable=True),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entry'))
    )
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entry_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entry_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entry_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entry_object_id'), ['object_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entry_object_type'), ['object_type'], unique=False)

    op.create_table('department',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('short_name', sa.String(length=20), nullable=False),
    sa.Column('joint_meeting_member', sa.Boolean(), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_department')),
    sa.UniqueConstraint('name', name=op.f('uq_department_name'))
    )
    op.create_table('grid',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('area', sa.String(length=200), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grid')),
    sa.UniqueConstraint('number', name=op.f('uq_grid_number'))
    )
    op.create_table('room',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('booking_mode', sa.String(length=10), nullable=False),
    sa.Column('equipment', sa.Text(), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('photo', sa.String(length=200), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('needs_approval', sa.Boolean(), nullable=False),
    sa.Column('min_minutes', sa.Integer(), nullable=False),
    sa.Column('max_minutes', sa.Integer(), nullable=False),
    sa.Column('max_days_ahead', sa.Integer(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.CheckConstraint("booking_mode IN ('exclusive', 'shared')", name=op.f('ck_room_booking_mode_known')),
    sa.CheckConstraint('capacity > 0', name=op.f('ck_room_capacity_positive')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_room')),
    sa.UniqueConstraint('name', name=op.f('uq_room_name'))
    )
    op.create_table('app_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=40), nullable=False),
    sa.Column('display_name', sa.String(length=40), nullable=False),
    sa.Column('password_hash', sa.String(length=256), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('grid_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_login_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("role <> 'grid_worker' OR grid_id IS NOT NULL", name=op.f('ck_app_user_grid_worker_has_grid')),
    sa.CheckConstraint("role <> 'liaison' OR department_id IS NOT NULL", name=op.f('ck_app_user_liaison_has_department')),
    sa.CheckConstraint("role IN ('admin', 'staff', 'grid_worker', 'liaison')", name=op.f('ck_app_user_role_known')),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_app_user_department_id_department')),
    sa.ForeignKeyConstraint(['grid_id'], ['grid.id'], name=op.f('fk_app_user_grid_id_grid')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_app_user')),
    sa.UniqueConstraint('username', name=op.f('uq_app_user_username'))
    )
    op.create_table('closure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('room_id', sa.Integer(), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('reason', sa.String(length=100), nullable=False),
    sa.CheckConstraint('end_date >= start_date', name=op.f('ck_closure_dates_ordered')),
    sa.ForeignKeyConstraint(['room_id'], ['room.id'], name=op.f('fk_closure_room_id_room'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_closure'))
    )
    op.create_table('enterprise',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('short_name', sa.String(length=30), nullable=True),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('above_designated_size', sa.Boolean(), nullable=False),
    sa.Column('has_party_organisation', sa.Boolean(), nullable=False),
    sa.Column('grid_id', sa.Integer(), nullable=True),
    sa.Column('industry', sa.String(length=40), nullable=True),
    sa.Column('address', sa.String(length=200), nullable=True),
    sa.Column('contact_name', sa.String(length=40), nullable=True),
    sa.Column('contact_phone', sa.String(length=20), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['grid_id'], ['grid.id'], name=op.f('fk_enterprise_grid_id_grid')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enterprise')),
    sa.UniqueConstraint('name', name=op.f('uq_enterprise_name')),
    sa.UniqueConstraint('uscc', name=op.f('uq_enterprise_uscc'))
    )
    op.create_table('opening_hours',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('room_id', sa.Integer(), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=False),
    sa.Column('opens', sa.Time(), nullable=False),
    sa.Column('closes', sa.Time(), nullable=False),
    sa.CheckConstraint('weekday BETWEEN 0 AND 6', name=op.f('ck_opening_hours_weekday_range')),
    sa.ForeignKeyConstraint(['room_id'], ['room.id'], name=op.f('fk_opening_hours_room_id_room'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_opening_hours')),
    sa.UniqueConstraint('room_id', 'weekday', name=op.f('uq_opening_hours_room_id_weekday'))
    )
    op.create_table('booking',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('room_id', sa.Integer(), nullable=False),
    sa.Column('exclusive', sa.Boolean(), nullable=False),
    sa.Column('start_at', sa.DateTime(), nullable=False),
    sa.Column('end_at', sa.DateTime(), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=True),
    sa.Column('headcount', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=True),
    sa.Column('contact_name', sa.String(length=40), nullable=True),
    sa.Column('contact_phone', sa.String(length=20), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('status_reason', sa.String(length=200), nullable=True),
    sa.Column('source', sa.String(length=12), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('checked_in_at', sa.DateTime(), nullable=True),
    sa.Column('series_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'confirmed', 'rejected', 'cancelled', 'checked_in', 'no_show')", name=op.f('ck_booking_status_known')),
    sa.CheckConstraint('end_at > start_at', name=op.f('ck_booking_ends_after_start')),
    sa.CheckConstraint('headcount > 0', name=op.f('ck_booking_headcount_positive')),
    sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'], name=op.f('fk_booking_created_by_id_app_user')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], name=op.f('fk_booking_enterprise_id_enterprise')),
    sa.ForeignKeyConstraint(['room_id'], ['room.id'], name=op.f('fk_booking_room_id_room')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_booking'))
    )
    with op.batch_alter_table('booking', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_booking_end_at'), ['end_at'], unique=False)
        batch_op.create_index('ix_booking_room_window', ['room_id', 'start_at', 'end_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_booking_series_id'), ['series_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_booking_start_at'), ['start_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_booking_status'), ['status'], unique=False)

    # ### end Alembic commands ###
    postgresql = op.get_bind().dialect.name == "postgresql"
    for statement in POSTGRESQL_UPGRADE if postgresql else SQLITE_UPGRADE:
        op.execute(statement)


def downgrade():
    postgresql = op.get_bind().dialect.name == "postgresql"
    for statement in POSTGRESQL_DOWNGRADE if postgresql else SQLITE_DOWNGRADE:
        op.execute(statement)
    # ### commands auto generated by Alembic - please adjust! ###
    with op.batch_alter_table('booking', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_booking_status'))
        batch_op.drop_index(batch_op.f('ix_booking_start_at'))
        batch_op.drop_index(batch_op.f('ix_booking_series_id'))
        batch_op.drop_index('ix_booking_room_window')
        batch_op.drop_index(batch_op.f('ix_booking_end_at'))

    op.drop_table('booking')
    op.drop_table('opening_hours')
    op.drop_table('enterprise')
    op.drop_table('closure')
    op.drop_table('app_user')
    op.drop_table('room')
    op.drop_table('grid')
    op.drop_table('department')
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_entry_object_type'))
        batch_op.drop_index(batch_op.f('ix_audit_entry_object_id'))
        batch_op.drop_index(batch_op.f('ix_audit_entry_at'))
        batch_op.drop_index(batch_op.f('ix_audit_entry_actor_id'))
        batch_op.drop_index(batch_op.f('ix_audit_entry_action'))

    op.drop_table('audit_entry')
    # ### end Alembic commands ###
