"""facilities: make-up opening days, recurring series, calendar feed tokens, no-show delay

Revision ID: 0002
Revises: 0001

The room and booking tables carry the overlap triggers of 0001, so they are changed with plain
ALTER statements, never through batch mode's copy-and-rename (which would drop or break them).
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

CONFIRMED_ONLY = sa.text("status = 'confirmed'")


def upgrade():
    op.create_table(
        "special_opening",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("opens", sa.Time(), nullable=False),
        sa.Column("closes", sa.Time(), nullable=False),
        sa.Column("reason", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["room_id"], ["room.id"], name=op.f("fk_special_opening_room_id_room"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_special_opening")),
    )
    op.create_index(op.f("ix_special_opening_day"), "special_opening", ["day"], unique=False)
    op.create_table(
        "booking_series",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("frequency", sa.String(length=10), nullable=False),
        sa.Column("interval", sa.Integer(), nullable=False),
        sa.Column("weekdays", sa.String(length=20), nullable=False),
        sa.Column("nth", sa.Integer(), nullable=True),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("count", sa.Integer(), nullable=True),
        sa.Column("start_time", sa.Time(), nullable=False),
        sa.Column("end_time", sa.Time(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("frequency IN ('weekly', 'monthly')", name=op.f("ck_booking_series_frequency_known")),
        sa.CheckConstraint("interval >= 1", name=op.f("ck_booking_series_interval_positive")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["app_user.id"], name=op.f("fk_booking_series_created_by_id_app_user")
        ),
        sa.ForeignKeyConstraint(["room_id"], ["room.id"], name=op.f("fk_booking_series_room_id_room")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_booking_series")),
    )
    op.create_table(
        "calendar_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("(room_id IS NULL) <> (user_id IS NULL)", name=op.f("ck_calendar_token_one_owner")),
        sa.ForeignKeyConstraint(
            ["room_id"], ["room.id"], name=op.f("fk_calendar_token_room_id_room"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_calendar_token_user_id_app_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_token")),
        sa.UniqueConstraint("room_id", name=op.f("uq_calendar_token_room_id")),
        sa.UniqueConstraint("token", name=op.f("uq_calendar_token_token")),
        sa.UniqueConstraint("user_id", name=op.f("uq_calendar_token_user_id")),
    )
    op.create_index(
        "ix_booking_confirmed_start",
        "booking",
        ["start_at"],
        unique=False,
        sqlite_where=CONFIRMED_ONLY,
        postgresql_where=CONFIRMED_ONLY,
    )
    op.add_column("room", sa.Column("no_show_minutes", sa.Integer(), server_default="15", nullable=False))


def downgrade():
    op.drop_column("room", "no_show_minutes")
    op.drop_index("ix_booking_confirmed_start", table_name="booking")
    op.drop_table("calendar_token")
    op.drop_table("booking_series")
    op.drop_index(op.f("ix_special_opening_day"), table_name="special_opening")
    op.drop_table("special_opening")
