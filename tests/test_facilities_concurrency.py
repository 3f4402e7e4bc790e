"""50 people press 预约 for the same slot at once, through gunicorn with several workers: the
database lets exactly one in (or as many as the gym holds), and everyone else gets a clear
Chinese refusal, never a 500."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import requests
from conftest import csrf_token_from
from factories.facilities import room as make_room
from sqlalchemy import func, select

from hubapp import clock
from hubapp.blueprints.facilities.models import CONFIRMED, EXCLUSIVE, SHARED, Booking
from hubapp.extensions import db

REQUESTS = 50


def race(server, room, headcount=1):
    """Fetch the booking form 50 times (with its CSRF token), then post all 50 at once."""
    day = clock.today() + timedelta(days=3)
    room_id = room.id  # read here: the threads have no app context to load it
    # Outside a request every transaction of this process takes SQLite's write lock (BEGIN
    # IMMEDIATE): end the one that loading room.id opened, or the server waits on it.
    db.session.rollback()
    # One login (the login form is rate limited), its cookie shared by 50 separate connections.
    staff = server.session("staff")
    sessions = []
    for _ in range(REQUESTS):
        http = requests.Session()
        http.cookies.update(staff.cookies)
        sessions.append(http)
    # Each form is fetched on a connection closed after it: gunicorn drops an idle kept-alive one
    # after 2 s, and a POST sent on it just then would fail before reaching the app.
    form_url = server.url + "/facilities/bookings/new"
    tokens = [csrf_token_from(s.get(form_url, headers={"Connection": "close"}).text) for s in sessions]
    start_line = threading.Barrier(REQUESTS)

    def post(index):
        data = {
            "csrf_token": tokens[index], "room_id": room_id, "day": day.isoformat(), "start": "10:00", "end": "11:00",
            "title": f"并发预约{index}", "headcount": headcount, "enterprise_id": 0, "contact_name": f"预约人{index}",
        }  # fmt: skip
        start_line.wait()
        response = sessions[index].post(server.url + "/facilities/bookings/new", data=data, allow_redirects=False)
        return response.status_code, response.text

    with ThreadPoolExecutor(max_workers=REQUESTS) as pool:
        return list(pool.map(post, range(REQUESTS)))


def booked(room):
    db.session.expire_all()
    return db.session.scalar(
        select(func.count(Booking.id)).where(Booking.room_id == room.id, Booking.status == CONFIRMED)
    )


def test_fifty_requests_for_one_exclusive_slot_give_one_booking(app, users, live_server):
    room = make_room("文化活动室", EXCLUSIVE, 40, kind="测试")
    server = live_server(workers=4)
    results = race(server, room)
    codes = sorted(code for code, _ in results)
    assert codes.count(303) == 1
    assert codes.count(409) == REQUESTS - 1, codes
    refusals = [text for code, text in results if code == 409]
    assert all("已被“并发预约" in text and "请选择其他时间或场地" in text for text in refusals)
    assert booked(room) == 1


def test_fifty_requests_for_the_gym_fill_it_to_capacity(app, users, live_server):
    gym = make_room("健身房", SHARED, 20, kind="测试")
    server = live_server(workers=4)
    results = race(server, gym)
    codes = sorted(code for code, _ in results)
    assert codes.count(303) == 20
    assert codes.count(409) == REQUESTS - 20, codes
    assert all("人数已满（容量20人）" in text for code, text in results if code == 409)
    assert booked(gym) == 20
