"""Meetings created at the same moment through a real multi-worker server still get the numbers
1, 2, 3 … of their kind and year, each once (unique constraint plus recompute on collision); a
decision ended by two people at once is ended once (conditional UPDATE)."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from conftest import csrf_token_from
from factories import meetings

from hubapp import clock
from hubapp.blueprints.meetings.models import CLOSED_STATES, Decision, DecisionProgress, Meeting
from hubapp.extensions import db

pytestmark = pytest.mark.server


def test_concurrent_meetings_get_distinct_numbers(users, live_server):
    server = live_server(workers=4)
    sessions = [server.session("staff") for _ in range(6)]
    tokens = [csrf_token_from(s.get(server.url + "/meetings/new").text) for s in sessions]
    day = (clock.today() + timedelta(days=3)).isoformat()

    def create(index: int) -> int:
        return sessions[index].post(
            server.url + "/meetings/new",
            data={
                "csrf_token": tokens[index], "kind": "joint", "theme": f"联席会议{index}", "day": day,
                "start_time": "09:00", "end_time": "10:00", "room_id": "0", "place": "管委会三楼会议室",
                "headcount": "10", "chair_name": "刘志强", "chair_user_id": "0", "recorder_name": "李建国",
            },  # fmt: skip
            allow_redirects=False,
        ).status_code

    with ThreadPoolExecutor(max_workers=6) as pool:
        codes = list(pool.map(create, range(6)))
    assert codes == [303] * 6
    db.session.rollback()
    numbers = sorted(db.session.scalars(db.select(Meeting.number).where(Meeting.kind == "joint")))
    assert numbers == [1, 2, 3, 4, 5, 6]


def test_a_liaison_finishing_and_staff_giving_up_at_once_one_wins(users, live_server):
    """已完成 from the unit's liaison and 无法完成 from staff at the same moment, on a real
    multi-worker server: one is written, the others are told 409, and the history holds one end."""
    staff = users["staff"]
    meeting = meetings.meeting(staff)
    decision_id = meetings.fill(staff, meeting, meetings.department()).id
    meetings.issue(meeting, users["admin"], staff)
    db.session.commit()
    server = live_server(workers=4)
    who = ["liaison", "staff", "liaison", "staff"]
    sessions = [server.session(name) for name in who]
    page = f"{server.url}/meetings/decisions/{decision_id}"
    tokens = [csrf_token_from(s.get(page).text) for s in sessions]

    def report(index: int) -> int:
        ending = {"status": "done", "note": "已开展三场宣讲"} if who[index] == "liaison" else {"status": "unable", "note": "政策调整"}
        return sessions[index].post(
            f"{page}/progress", data={"csrf_token": tokens[index], "next": page, **ending}, allow_redirects=False
        ).status_code

    with ThreadPoolExecutor(max_workers=4) as pool:
        codes = sorted(pool.map(report, range(4)))
    assert codes == [303, 409, 409, 409]
    db.session.rollback()
    decision = db.session.get(Decision, decision_id)
    entries = list(db.session.scalars(db.select(DecisionProgress).where(DecisionProgress.decision_id == decision_id)))
    assert decision.status in CLOSED_STATES and [e.status for e in entries] == [decision.status]
    assert decision.done_note == entries[0].note
