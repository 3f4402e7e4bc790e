"""What the database itself refuses: two live bookings of an exclusive room that overlap, and a
shared room over capacity at any moment. Applied by migration 0001; change them only through a
new migration.

PostgreSQL: an exclusion constraint (btree_gist) for exclusive rooms; for shared rooms a trigger
that first locks the room row, so that concurrent inserts for one room queue and each sees the
ones committed before it. SQLite: triggers; writers are already serialised by BEGIN IMMEDIATE
(see hubapp/database.py), so a trigger sees every committed booking.
"""

OVERLAP_ERROR = "booking_overlap"
CAPACITY_ERROR = "booking_capacity_exceeded"
EXCLUSION_CONSTRAINT = "booking_no_overlap"

LIVE = "('confirmed', 'checked_in')"

_SQLITE_OVERLAP_CHECK = f"""
    SELECT RAISE(ABORT, '{OVERLAP_ERROR}')
    WHERE NEW.status IN {LIVE} AND NEW.exclusive AND EXISTS (
        SELECT 1 FROM booking b
        WHERE b.room_id = NEW.room_id AND b.id IS NOT NEW.id AND b.status IN {LIVE}
          AND b.start_at < NEW.end_at AND b.end_at > NEW.start_at);
"""

# The busiest moment inside the new booking is at its own start or at the start of another
# booking inside it; checking those moments is exact.
_SQLITE_CAPACITY_CHECK = f"""
    SELECT RAISE(ABORT, '{CAPACITY_ERROR}')
    WHERE NEW.status IN {LIVE} AND NOT NEW.exclusive AND EXISTS (
        SELECT 1 FROM (
            SELECT NEW.start_at AS moment
            UNION SELECT b.start_at FROM booking b
            WHERE b.room_id = NEW.room_id AND b.status IN {LIVE}
              AND b.start_at > NEW.start_at AND b.start_at < NEW.end_at
        ) AS m
        WHERE NEW.headcount + (
            SELECT COALESCE(SUM(b.headcount), 0) FROM booking b
            WHERE b.room_id = NEW.room_id AND b.id IS NOT NEW.id AND b.status IN {LIVE}
              AND b.start_at <= m.moment AND b.end_at > m.moment
        ) > (SELECT capacity FROM room WHERE id = NEW.room_id));
"""

SQLITE_UPGRADE = [
    f"CREATE TRIGGER booking_overlap_insert BEFORE INSERT ON booking BEGIN {_SQLITE_OVERLAP_CHECK} END",
    "CREATE TRIGGER booking_overlap_update BEFORE UPDATE OF room_id, start_at, end_at, status, exclusive "
    f"ON booking BEGIN {_SQLITE_OVERLAP_CHECK} END",
    f"CREATE TRIGGER booking_capacity_insert BEFORE INSERT ON booking BEGIN {_SQLITE_CAPACITY_CHECK} END",
    "CREATE TRIGGER booking_capacity_update BEFORE UPDATE OF room_id, start_at, end_at, status, headcount, exclusive "
    f"ON booking BEGIN {_SQLITE_CAPACITY_CHECK} END",
]
SQLITE_DOWNGRADE = [
    f"DROP TRIGGER IF EXISTS {name}"
    for name in ("booking_overlap_insert", "booking_overlap_update", "booking_capacity_insert", "booking_capacity_update")
]

POSTGRESQL_UPGRADE = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    f"ALTER TABLE booking ADD CONSTRAINT {EXCLUSION_CONSTRAINT} EXCLUDE USING gist "
    f"(room_id WITH =, tsrange(start_at, end_at, '[)') WITH &&) WHERE (exclusive AND status IN {LIVE})",
    f"""
    CREATE FUNCTION booking_check_capacity() RETURNS trigger AS $$
    DECLARE
        room_capacity integer;
        busiest integer;
    BEGIN
        IF NEW.exclusive OR NEW.status NOT IN {LIVE} THEN
            RETURN NEW;
        END IF;
        SELECT capacity INTO room_capacity FROM room WHERE id = NEW.room_id FOR UPDATE;
        SELECT MAX(taken) INTO busiest FROM (
            SELECT (SELECT COALESCE(SUM(b.headcount), 0) FROM booking b
                    WHERE b.room_id = NEW.room_id AND b.id IS DISTINCT FROM NEW.id AND b.status IN {LIVE}
                      AND b.start_at <= m.moment AND b.end_at > m.moment) AS taken
            FROM (
                SELECT NEW.start_at AS moment
                UNION SELECT b.start_at FROM booking b
                WHERE b.room_id = NEW.room_id AND b.status IN {LIVE}
                  AND b.start_at > NEW.start_at AND b.start_at < NEW.end_at
            ) AS m
        ) AS t;
        IF COALESCE(busiest, 0) + NEW.headcount > room_capacity THEN
            RAISE EXCEPTION '{CAPACITY_ERROR}' USING ERRCODE = 'check_violation';
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
    f"ALTER TABLE booking DROP CONSTRAINT IF EXISTS {EXCLUSION_CONSTRAINT}",
]


def upgrade_statements(dialect: str) -> list[str]:
    return POSTGRESQL_UPGRADE if dialect == "postgresql" else SQLITE_UPGRADE


def downgrade_statements(dialect: str) -> list[str]:
    return POSTGRESQL_DOWNGRADE if dialect == "postgresql" else SQLITE_DOWNGRADE
