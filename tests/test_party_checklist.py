"""The 标准化规范化 checklist: items kept by staff, ticked per branch and year, the branches
furthest behind first."""

from datetime import datetime

import pytest
from factories import directory, party
from sqlalchemy import select

from hubapp import audit
from hubapp.blueprints.party import checklist
from hubapp.blueprints.party.models import ChecklistItem, ChecklistTick
from hubapp.database import atomic
from hubapp.extensions import db


@pytest.fixture
def branches(app):
    names = ["汇科工控", "鸿锐金属", "海纳数据"]
    return [party.organisation(f"{n}党支部", [directory.enterprise(f"威海{n}有限公司", n)]) for n in names]


@pytest.fixture
def items(app):
    with atomic():
        return [checklist.create_item(None, title, order) for order, title in enumerate(["三会一课按期召开", "主题党日每月开展", "党建阵地规范"])]


def test_staff_keep_the_items_from_the_page(client, auth, users):
    auth.login("staff")
    assert "还没有清单项目" in client.get("/party/checklist").get_data(as_text=True)
    assert client.post("/party/checklist/items", data={"title": "三会一课按期召开", "sort_order": "1"}).status_code == 303
    again = client.post("/party/checklist/items", data={"title": "三会一课按期召开", "sort_order": "2"})
    assert again.status_code == 422 and "清单中已有该项目" in again.get_data(as_text=True)
    item = db.session.scalars(select(ChecklistItem)).one()
    assert client.post(f"/party/checklist/items/{item.id}/active", data={"active": "0"}).status_code == 303
    db.session.expire_all()
    assert not db.session.get(ChecklistItem, item.id).active
    actions = set(db.session.scalars(select(audit.AuditEntry.action)))
    assert {"party_checklist.item.create", "party_checklist.item.update"} <= actions


def test_ticking_with_a_date_and_note_moves_the_branch_down_the_board(client, auth, users, branches, items):
    auth.login("staff")
    board = client.get("/party/checklist?year=2026").get_data(as_text=True)
    assert board.count("3项") == 3
    first = branches[0]
    for item in items[:2]:
        response = client.post(
            f"/party/checklist/{first.id}/{item.id}/tick?year=2026",
            data={f"item{item.id}-done_on": "2026-03-15", f"item{item.id}-note": "记录本已检查"},
        )
        assert response.status_code == 303
    rows = checklist.board(2026)
    assert [row.organisation.name for row in rows][-1] == "汇科工控党支部"
    assert (rows[-1].done, rows[-1].total) == (2, 3)
    page = client.get(f"/party/checklist/{first.id}?year=2026").get_data(as_text=True)
    assert "已于2026年3月15日完成：记录本已检查" in page
    entry = db.session.scalars(select(audit.AuditEntry).where(audit.AuditEntry.action == "party_checklist.tick")).first()
    assert entry.actor_id == users["staff"].id and entry.detail_dict["organisation"] == "汇科工控党支部"

    assert client.post(f"/party/checklist/{first.id}/{items[0].id}/untick?year=2026").status_code == 303
    assert checklist.board(2026)[-1].done == 1


def test_a_date_outside_the_year_is_refused_next_to_the_date_with_the_note_kept(client, auth, branches, items):
    auth.login("staff")
    item = items[0]
    response = client.post(
        f"/party/checklist/{branches[0].id}/{item.id}/tick?year=2026",
        data={f"item{item.id}-done_on": "2025-12-30", f"item{item.id}-note": "去年底召开"},
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'id="item{item.id}-done_on-error"' in page and "完成日期须在2026年内" in page and 'value="去年底召开"' in page
    assert db.session.scalar(select(ChecklistTick)) is None


def test_the_board_shows_how_many_joint_activities_each_branch_took_part_in(client, auth, branches, items):
    party.activity("联合主题党日", branches[:2], datetime(2026, 4, 1, 14), datetime(2026, 4, 1, 16))
    party.activity("交流会", branches[:1], datetime(2026, 5, 1, 14), datetime(2026, 5, 1, 16), kind="exchange")
    party.activity("去年的活动", branches[:1], datetime(2025, 5, 1, 14), datetime(2025, 5, 1, 16))
    counts = checklist.activity_counts(2026)
    assert counts == {branches[0].id: 2, branches[1].id: 1}
    auth.login("staff")
    page = client.get(f"/party/checklist/{branches[0].id}?year=2026").get_data(as_text=True)
    assert "本年参加党建联建活动" in page and "2次" in page
