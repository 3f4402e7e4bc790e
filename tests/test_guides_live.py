"""Under a real gunicorn with several workers, many scans at once: every page answers 200 and
every view is counted, with each process's writer thread writing often (many small writes at once)."""

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import pytest
import requests
from conftest import csrf_token_from
from factories import guides
from sqlalchemy import func, select

from hubapp import config
from hubapp.blueprints.guides import writing
from hubapp.blueprints.guides.content import GuideContent
from hubapp.blueprints.guides.models import GuideVersion, GuideViewCount
from hubapp.database import atomic
from hubapp.extensions import db

pytestmark = pytest.mark.server


def test_concurrent_scans_all_answer_and_all_views_arrive(live_server, users, monkeypatch):
    first = guides.matter("qy-bg", actor=users["staff"], published=True)
    second = guides.matter("rz-db", actor=users["staff"], name="创业担保贷款", category="finance", published=True)
    monkeypatch.setenv("HUB_GUIDE_VIEW_FLUSH_SECONDS", "0.2")
    server = live_server(workers=4)
    scans = 200
    codes = ["qy-bg", "qy-bg", "rz-db"]  # two of every three scans to the first guide

    def scan(number: int) -> int:
        return requests.get(server.url + "/g/" + codes[number % len(codes)], timeout=30).status_code

    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(pool.map(scan, range(scans)))
    assert statuses == [200] * scans

    expected = {first.id: sum(codes[n % 3] == "qy-bg" for n in range(scans))}
    expected[second.id] = scans - expected[first.id]
    counted: dict[int, int] = {}
    for _ in range(300):  # each writer wakes every 0.2 s; wait for the last sums
        rows = select(GuideViewCount.matter_id, func.sum(GuideViewCount.count)).group_by(GuideViewCount.matter_id)
        counted = dict(db.session.execute(rows).all())
        # End the read at once: outside a request it holds SQLite's write lock (BEGIN IMMEDIATE).
        db.session.rollback()
        if sum(counted.values()) >= scans:
            break
        time.sleep(0.1)
    assert counted == expected


def test_two_staff_publishing_one_guide_at_once_get_one_new_version(live_server, users):
    matter = guides.matter("qy-bg", actor=users["staff"], published=True)
    with atomic():
        writing.update_matter(users["staff"], matter, replace(GuideContent.of(matter), office_hours="周一至周日 8:30–21:00"))
    server = live_server(workers=4)
    browsers = [server.session("staff") for _ in range(4)]
    tokens = [csrf_token_from(b.get(server.url + "/guides/qy-bg").text) for b in browsers]

    def publish(index: int) -> str:
        response = browsers[index].post(server.url + "/guides/qy-bg/publish", data={"csrf_token": tokens[index]})
        assert response.status_code == 200, response.status_code
        return response.text

    with ThreadPoolExecutor(max_workers=4) as pool:
        pages = list(pool.map(publish, range(4)))
    assert sum("已发布，公开页面已更新" in page for page in pages) == 1
    assert sum("内容与当前发布版本相同" in page for page in pages) == 3
    db.session.rollback()
    numbers = db.session.scalars(select(GuideVersion.number).where(GuideVersion.matter_id == matter.id)).all()
    assert sorted(numbers) == [1, 2]


def test_views_still_in_memory_are_written_when_the_server_stops(live_server, users, monkeypatch):
    guides.matter("qy-bg", actor=users["staff"], published=True)
    # Nothing would be written on the writer's own schedule during this test.
    monkeypatch.setenv("HUB_GUIDE_VIEW_FLUSH_SECONDS", "3600")
    monkeypatch.setenv("HUB_GUIDE_VIEW_FLUSH_HITS", "100000")
    server = live_server(workers=2)
    for _ in range(7):
        assert requests.get(server.url + "/g/qy-bg", timeout=30).status_code == 200
    server.stop()
    counted = db.session.scalar(select(func.coalesce(func.sum(GuideViewCount.count), 0)))
    db.session.rollback()
    assert counted == 7


def test_a_new_version_is_served_by_every_worker_within_a_second(live_server, users):
    """Another host's change: the workers may trust what they read for PUBLIC_STALE_SECONDS, no longer."""
    matter = guides.matter("qy-bg", actor=users["staff"], name="企业变更登记（第一版）", published=True)
    server = live_server(workers=2)
    # Each request on a new connection: both workers serve, and keep, the first version.
    first = [requests.get(server.url + "/g/qy-bg", timeout=30) for _ in range(10)]
    assert all("企业变更登记（第一版）" in page.text for page in first)
    with atomic():
        writing.update_matter(users["staff"], matter, replace(GuideContent.of(matter), name="企业变更登记（第二版）"))
        writing.publish(users["staff"], matter)
    time.sleep(config.PUBLIC_STALE_SECONDS)
    old_etag = first[0].headers["ETag"]
    after = [requests.get(server.url + "/g/qy-bg", headers={"If-None-Match": old_etag}, timeout=30) for _ in range(10)]
    assert [page.status_code for page in after] == [200] * 10
    assert all("企业变更登记（第二版）" in page.text and "第一版" not in page.text for page in after)
    with atomic():
        writing.archive(users["staff"], matter)
    time.sleep(config.PUBLIC_STALE_SECONDS)
    assert [requests.get(server.url + "/g/qy-bg", timeout=30).status_code for _ in range(10)] == [410] * 10
