"""Migration 0018 on a database that already holds self-reported demands: the topics start as the
former fixed list, in its order; a demand whose title carried a topic (【融资贷款】…) gets it, one
without keeps none; a downgrade takes the topics away and leaves the demands as they were."""

import flask_migrate
from conftest import MIGRATIONS, base_config
from sqlalchemy import text
from test_core_migrations_cli import empty_database_uri  # noqa: F401  (a fixture)

from hubapp import create_app
from hubapp.extensions import db

BEFORE = [
    "INSERT INTO enterprise (id, name, uscc, kind, above_designated_size, party_organisation, active, version) "
    "VALUES (1, '威海汇科工控技术有限公司', '91371000MA3C5TQW8U', 'nearby', false, 'none', true, 1)",
    "INSERT INTO demand (id, year, seq, kind, status, enterprise_id, title, description, contact_name, contact_mobile, "
    "source, received_on, created_at, deadline, supervision_count, follow_token) VALUES "
    "(1, 2026, 1, 'funding', 'submitted', 1, '【融资贷款】购置数控设备需流动资金', '购置数控设备需流动资金', '杨经理', "
    "'13985263751', 'self', '2026-11-02', '2026-11-02 09:00:00', '2026-11-16', 0, 'token-one'), "
    "(2, 2026, 2, 'problem', 'submitted', 1, '厂区路灯不亮', '厂区路灯不亮', '杨经理', "
    "'13985263751', 'self', '2026-11-03', '2026-11-03 09:00:00', '2026-11-17', 0, 'token-two')",
]
INITIAL = ["就业创业", "项目申报", "资格审查", "融资贷款", "税费服务", "社保医保", "人才引进", "知识产权", "安全生产", "其他"]


def test_existing_self_reported_demands_get_the_topic_their_title_named(empty_database_uri):  # noqa: F811
    app = create_app(base_config(empty_database_uri))
    with app.app_context():
        flask_migrate.upgrade(directory=MIGRATIONS, revision="0014")
        with db.engine.begin() as connection:
            for statement in BEFORE:
                connection.execute(text(statement))
        flask_migrate.upgrade(directory=MIGRATIONS, revision="0018")
        with db.engine.connect() as connection:
            names = connection.execute(text("SELECT name FROM demand_topic WHERE active ORDER BY position")).scalars().all()
            assert names == INITIAL
            topics = connection.execute(
                text("SELECT d.id, t.name FROM demand d LEFT JOIN demand_topic t ON t.id = d.topic_id ORDER BY d.id")
            ).all()
            assert topics == [(1, "融资贷款"), (2, None)]
        # A topic added by staff after the migration takes the next id, not one of the seeded ones.
        with db.engine.begin() as connection:
            connection.execute(text("INSERT INTO demand_topic (name, position) VALUES ('出口退税', 11)"))
            assert connection.execute(text("SELECT max(id) FROM demand_topic")).scalar_one() == 11

        flask_migrate.downgrade(directory=MIGRATIONS, revision="0014")
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT id, title FROM demand ORDER BY id")).all() == [
                (1, "【融资贷款】购置数控设备需流动资金"),
                (2, "厂区路灯不亮"),
            ]
        flask_migrate.upgrade(directory=MIGRATIONS)
        db.engine.dispose()
