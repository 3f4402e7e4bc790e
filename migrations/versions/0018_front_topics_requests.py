"""front door, continued: the topics of self-reported demands kept by staff (demand_topic,
demand.topic_id), and the private follow link of a public room request (booking.follow_token)

Revision ID: 0018
Revises: 0014

The topics were a fixed list in code; they start as that list, in its order. A demand raised with
one of them carried it only as its title's prefix (【融资贷款】…): those demands get the topic.
``demand.topic_id`` is added without rebuilding ``demand`` (a rebuilt demand table would take its
timeline with it through ON DELETE CASCADE, see 0014): SQLite's ADD COLUMN may carry a REFERENCES
clause when the column's default is NULL.
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0016"
branch_labels = None
depends_on = None

INITIAL_TOPICS = ["就业创业", "项目申报", "资格审查", "融资贷款", "税费服务", "社保医保", "人才引进", "知识产权", "安全生产", "其他"]


def upgrade():
    topics = op.create_table(
        "demand_topic",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=20), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.CheckConstraint("length(name) > 0", name=op.f("ck_demand_topic_name_not_empty")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_demand_topic")),
        sa.UniqueConstraint("name", name="uq_demand_topic_name"),
        sa.UniqueConstraint("position", name="uq_demand_topic_position"),
    )
    op.bulk_insert(topics, [{"id": n, "name": name, "position": n} for n, name in enumerate(INITIAL_TOPICS, 1)])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("SELECT setval(pg_get_serial_sequence('demand_topic', 'id'), (SELECT max(id) FROM demand_topic))")

    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE demand ADD COLUMN topic_id INTEGER REFERENCES demand_topic (id)")
    else:
        op.add_column("demand", sa.Column("topic_id", sa.Integer(), nullable=True))
        op.create_foreign_key(op.f("fk_demand_topic_id_demand_topic"), "demand", "demand_topic", ["topic_id"], ["id"])
    op.create_index(op.f("ix_demand_topic_id"), "demand", ["topic_id"], unique=False)
    op.execute(
        "UPDATE demand SET topic_id = (SELECT t.id FROM demand_topic t WHERE demand.title LIKE '【' || t.name || '】%')"
        " WHERE source = 'self'"
    )

    op.add_column("booking", sa.Column("follow_token", sa.String(length=64), nullable=True))
    op.create_index(op.f("ix_booking_follow_token"), "booking", ["follow_token"], unique=True)


def downgrade():
    op.drop_index(op.f("ix_booking_follow_token"), table_name="booking")
    # Not batch mode: rebuilding booking would drop the SQLite triggers that guard its overlaps.
    op.execute("ALTER TABLE booking DROP COLUMN follow_token")

    op.drop_index(op.f("ix_demand_topic_id"), table_name="demand")
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(op.f("fk_demand_topic_id_demand_topic"), "demand", type_="foreignkey")
    # Not batch mode (see above). SQLite drops a column only when no constraint names it: the
    # REFERENCES clause is the column's own, which SQLite allows.
    op.execute("ALTER TABLE demand DROP COLUMN topic_id")
    op.drop_table("demand_topic")
