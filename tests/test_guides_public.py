"""The public side: /g/<code> on a phone, /g/ with its search, feedback with its limit, views."""

import re
import time
from pathlib import Path

import pytest
from factories import guides
from sqlalchemy import select

from hubapp import clock
from hubapp.blueprints.guides import viewcount, writing
from hubapp.blueprints.guides.models import GuideFeedback, GuideViewCount
from hubapp.database import atomic
from hubapp.extensions import db

STATIC = Path(__file__).resolve().parent.parent / "hubapp" / "static"


@pytest.fixture(autouse=True)
def no_views_left_behind(app):
    """Write this test's views before its database goes, so that no writer thread outlives it."""
    yield
    db.session.rollback()  # outside a request the test's session may hold SQLite's write lock
    viewcount.flush()


@pytest.fixture
def published(users):
    return guides.matter("qy-bg", actor=users["staff"], published=True)


def test_the_guide_page_shows_what_to_bring_and_whom_to_call(client, published):
    response = client.get("/g/qy-bg")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<h1>企业变更登记</h1>" in html
    assert 'href="tel:06313981008"' in html and 'href="tel:063112345"' in html
    assert html.count('type="checkbox"') == 2  # the materials checklist
    assert "南海新区市场监督管理局" in html and "周一至周五 9:00–17:00" in html
    assert "更新日期：" + f"{clock.today().year}年" in html
    # One small script of the centre's own, which moves focus to a refused feedback's message.
    assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/js/focus.js" defer>']


def test_the_guide_page_with_its_styles_stays_under_50_kb(client, demo):
    for code in ("qy-bg", "rz-db", "gs-hs"):
        html = client.get(f"/g/{code}").get_data()
        css = sum((STATIC / path.decode()).stat().st_size for path in re.findall(rb'href="/static/([^"]+\.css)"', html))
        assert len(html) + css < 50 * 1024, f"/g/{code}: {len(html)} + {css} bytes"


def test_demo_guides_are_marked_as_demo_content(client, demo):
    assert "示例内容" in client.get("/g/fp-sl").get_data(as_text=True)


def test_unknown_and_draft_codes_answer_404_with_a_way_to_the_index(client, users):
    guides.matter("fp-sl", actor=users["staff"])
    for code in ("nothing-here", "fp-sl"):
        response = client.get(f"/g/{code}")
        assert response.status_code == 404
        html = response.get_data(as_text=True)
        assert "未找到该办事指南" in html and 'href="/g/"' in html


def test_an_archived_guide_answers_410(client, published, users):
    with atomic():
        writing.archive(users["staff"], published)
    response = client.get("/g/qy-bg")
    assert response.status_code == 410
    assert "已下线" in response.get_data(as_text=True)
    assert client.post("/g/qy-bg/feedback", data={"helpful": "yes"}).status_code == 410


def test_the_index_lists_published_guides_by_category_and_searches_without_javascript(client, demo):
    html = client.get("/g/").get_data(as_text=True)
    for label in ("企业开办与变更", "税务发票", "社会保险", "住房公积金", "人才服务", "项目扶持", "金融服务", "个人所得税"):
        assert f"<h2>{label}</h2>" in html
    assert 'method="get"' in html and 'name="q"' in html
    found = client.get("/g/?q=公积金").get_data(as_text=True)
    assert 'href="/g/gjj-dj"' in found and 'href="/g/qy-bg"' not in found
    assert "没有找到" in client.get("/g/?q=火星移民").get_data(as_text=True)


def test_feedback_is_stored_and_thanked(client, published):
    response = client.post("/g/qy-bg/feedback", data={"helpful": "no", "comment": "没写需要几份"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/g/qy-bg?feedback=thanks#feedback")
    assert "感谢反馈" in client.get(response.headers["Location"]).get_data(as_text=True)
    feedback = db.session.scalars(select(GuideFeedback)).one()
    assert (feedback.helpful, feedback.comment, feedback.version_number) == (False, "没写需要几份", 1)


def test_feedback_without_a_choice_keeps_the_comment(client, published):
    response = client.post("/g/qy-bg/feedback", data={"comment": "我的意见"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "请选择" in html and "我的意见</textarea>" in html
    assert db.session.scalars(select(GuideFeedback)).all() == []


def test_a_comment_too_long_keeps_the_choice_and_the_text(client, published):
    response = client.post("/g/qy-bg/feedback", data={"helpful": "no", "comment": "长" * 501})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "500字以内" in html and "长" * 501 + "</textarea>" in html
    assert 'value="no" checked' in html and 'value="yes" checked' not in html
    assert db.session.scalars(select(GuideFeedback)).all() == []


def test_feedback_is_limited_per_address(client, published):
    for _ in range(5):
        assert client.post("/g/qy-bg/feedback", data={"helpful": "yes"}).status_code == 303
    response = client.post("/g/qy-bg/feedback", data={"helpful": "yes"})
    assert response.status_code == 429
    assert "过于频繁" in response.get_data(as_text=True)
    other = client.post("/g/qy-bg/feedback", data={"helpful": "yes"}, environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 303
    assert len(db.session.scalars(select(GuideFeedback)).all()) == 6
    assert client.get("/g/qy-bg").status_code == 200  # reading is never limited


def test_views_are_counted_per_matter_per_day(client, published):
    for _ in range(3):
        client.get("/g/qy-bg")
    client.get("/g/nothing-here")
    client.get("/g/qy-bg?feedback=thanks")  # the page after feedback is not a new view
    viewcount.flush()
    client.get("/g/qy-bg?from=singlemessage")
    viewcount.flush()
    db.session.rollback()  # the test's session still reads the snapshot of the requests above
    rows = db.session.execute(select(GuideViewCount.matter_id, GuideViewCount.day, GuideViewCount.count)).all()
    assert rows == [(published.id, clock.today(), 4)]


def test_a_writer_thread_writes_the_views_without_being_asked(app, client, published):
    app.config["GUIDE_VIEW_FLUSH_HITS"] = 2
    app.extensions.pop("guide_views", None)
    for _ in range(2):
        client.get("/g/qy-bg")
    counted = None
    for _ in range(100):  # the writer wakes at the second hit; wait for it, not for a time
        counted = db.session.scalar(select(GuideViewCount.count))
        db.session.rollback()
        if counted == 2:
            break
        time.sleep(0.05)
    assert counted == 2


def test_the_guide_page_needs_no_cookie_and_answers_304_when_unchanged(client, published, users):
    first = client.get("/g/qy-bg")
    assert "Set-Cookie" not in first.headers
    assert first.headers["Cache-Control"] == "no-cache" and first.headers["ETag"]
    again = client.get("/g/qy-bg", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    with atomic():
        writing.update_matter(users["staff"], published, guides.content(name="企业变更登记（新版）"))
        writing.publish(users["staff"], published)
    changed = client.get("/g/qy-bg", headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and "企业变更登记（新版）" in changed.get_data(as_text=True)


def test_feedback_from_the_page_works_with_csrf_protection_on(app, client, published):
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post("/g/qy-bg/feedback", data={"helpful": "yes"}).status_code == 303
