"""Meetings created at the same moment through a real multi-worker server still get the numbers
1, 2, 3 … of their kind and year, each once (unique constraint plus recompute on collision)."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from conftest import csrf_token_from

from hubapp import clock
from hubapp.blueprints.meetings.models import Meeting
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
