"""Under a real gunicorn with several workers, many scans at once: every page answers 200 and
every view is counted, with each process's writer thread writing often (many small writes at once)."""

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import func, select
from test_guides_services import guide_data

from hubapp.blueprints.guides import services
from hubapp.blueprints.guides.models import GuideViewCount
from hubapp.extensions import db

pytestmark = pytest.mark.server


def test_concurrent_scans_all_answer_and_all_views_arrive(live_server, users, monkeypatch):
    matter = services.create_matter(users["staff"].id, "qy-bg", guide_data())
    services.publish(matter, users["staff"].id)
    monkeypatch.setenv("HUB_GUIDE_VIEW_FLUSH_SECONDS", "0.2")
    server = live_server(workers=4)
    scans = 200

    def scan(_):
        return requests.get(server.url + "/g/qy-bg", timeout=30).status_code

    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(pool.map(scan, range(scans)))
    assert statuses == [200] * scans

    counted = 0
    for _ in range(300):  # each writer wakes every 0.2 s; wait for the last sums
        counted = db.session.scalar(select(func.coalesce(func.sum(GuideViewCount.count), 0)))
        # End the read at once: outside a request it holds SQLite's write lock (BEGIN IMMEDIATE).
        db.session.rollback()
        if counted >= scans:
            break
        time.sleep(0.1)
    assert counted == scans
