"""Accounts hardened (issue 11): sessions end with a password change, a reset and a logout;
wrong passwords slow down the one guessing, not the account's owner elsewhere."""

import io
import socket
import time
import uuid
from datetime import timedelta

import pytest
from conftest import PASSWORD, base_config
from factories.facilities import room as make_room
from flask_login.config import COOKIE_NAME as REMEMBER_COOKIE

from hubapp import clock, create_app
from hubapp.audit import entries_for
from hubapp.blueprints.facilities import bookings
from hubapp.blueprints.facilities.bookings import BookingDetails
from hubapp.blueprints.facilities.models import CHECKED_IN, CONFIRMED, Booking
from hubapp.database import atomic
from hubapp.extensions import db

NEW_PASSWORD = "new-pass-word-2"
HERE, ELSEWHERE = "10.0.0.1", "10.0.0.2"


class Browser:
    """One browser at one address. Each request runs in an application context of its own, as on
    a server: the test's own context would keep the first request's user in ``g`` for the next."""

    def __init__(self, app, address: str = HERE):
        self.app, self.client, self.address = app, app.test_client(), address

    def post(self, url: str, data: dict | None = None):
        with self.app.app_context():
            return self.client.post(url, data=data or {}, environ_base={"REMOTE_ADDR": self.address})

    def get(self, url: str):
        with self.app.app_context():
            return self.client.get(url, environ_base={"REMOTE_ADDR": self.address})

    def login(self, username: str = "staff", password: str = PASSWORD, remember: bool = False):
        data = {"username": username, "password": password} | ({"remember": "y"} if remember else {})
        return self.post("/login", data)

    @property
    def logged_in(self) -> bool:
        response = self.get("/")
        if response.status_code == 302:
            assert "/login" in response.headers["Location"]
            return False
        assert response.status_code == 200
        return True


@pytest.fixture
def ids(users):
    """The accounts' ids, read before the browsers start: the test's own session then holds no
    transaction that would keep their writes waiting on SQLite."""
    found = {role: user.id for role, user in users.items()}
    db.session.commit()
    return found


def logged_in(app, username: str = "staff", password: str = PASSWORD, address: str = HERE, remember: bool = False):
    browser = Browser(app, address)
    response = browser.login(username, password, remember)
    assert response.status_code == 303, response.status_code
    return browser


def change_password(browser):
    data = {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    return browser.post("/account/password", data)


# --- sessions end ----------------------------------------------------------------------------


def test_a_password_change_logs_out_the_other_sessions_and_keeps_this_one(app, ids):
    phone, desk = logged_in(app), logged_in(app)
    assert change_password(desk).status_code == 303
    assert desk.logged_in
    assert not phone.logged_in
    # The new password works, the old one does not.
    assert logged_in(app, password=NEW_PASSWORD)


def test_a_remembered_login_ends_with_the_password_change_too(app, ids):
    remembered = logged_in(app, remember=True)
    cookie = remembered.client.get_cookie(REMEMBER_COOKIE)
    assert cookie is not None
    # A browser that kept only the remember-me cookie (its session cookie gone with a restart).
    returning = Browser(app)
    returning.client.set_cookie(REMEMBER_COOKIE, cookie.value)
    assert returning.logged_in

    desk = logged_in(app)
    assert change_password(desk).status_code == 303
    stale = Browser(app)
    stale.client.set_cookie(REMEMBER_COOKIE, cookie.value)
    assert not stale.logged_in


def test_an_admin_reset_logs_out_every_session_of_the_user(app, ids):
    phone, desk = logged_in(app), logged_in(app)
    admin = logged_in(app, "admin")
    response = admin.post(
        f"/admin/users/{ids['staff']}/password",
        data={"reset-new_password": NEW_PASSWORD, "reset-must_change": "y"},
    )
    assert response.status_code == 303
    assert not phone.logged_in
    assert not desk.logged_in
    assert admin.logged_in


def test_a_reset_from_the_command_line_logs_out_every_session(app, ids):
    phone = logged_in(app)
    result = app.test_cli_runner().invoke(args=["hub", "reset-password", "staff"])
    assert result.exit_code == 0, result.output
    assert not phone.logged_in


def test_logging_out_ends_the_other_sessions_too(app, ids):
    phone, desk = logged_in(app), logged_in(app)
    response = desk.post("/logout")
    assert response.status_code == 303
    assert not desk.logged_in
    assert not phone.logged_in
    assert [e.action for e in entries_for("user", ids["staff"])][-1] == "user.logout"


def test_another_users_session_is_not_touched(app, ids):
    admin = logged_in(app, "admin")
    logged_in(app).post("/logout")
    assert admin.logged_in


# --- wrong passwords slow down the one guessing ------------------------------------------------


def fail(browser, username: str, times: int) -> None:
    for _ in range(times):
        assert browser.login(username, "wrong-9999").status_code == 401


def test_wrong_passwords_from_one_address_do_not_lock_out_the_owner_elsewhere(app, ids):
    attacker = Browser(app)
    fail(attacker, "admin", 5)
    refused = attacker.login("admin")
    assert refused.status_code == 429
    page = refused.get_data(as_text=True)
    assert "登录失败次数过多" in page and 'value="admin"' in page
    assert int(refused.headers["Retry-After"]) > 0
    # The real admin, at their own desk, logs in as usual.
    assert logged_in(app, "admin", address=ELSEWHERE)


class Clock:
    """The rate limiter's clock, moved on by hand: the waits are read from it, never slept."""

    def __init__(self, start: float):
        self.now = start

    def __call__(self) -> float:
        return self.now


def test_the_wait_grows_with_the_failures_and_ends_by_itself(app, ids, monkeypatch):
    moments = Clock(time.time())
    monkeypatch.setattr(time, "time", moments)
    guesser = Browser(app)
    fail(guesser, "admin", 5)
    first_wait = int(guesser.login("admin").headers["Retry-After"])
    assert 0 < first_wait <= 60

    moments.now += first_wait + 1
    fail(guesser, "admin", 5)
    refused = guesser.login("admin")
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 60
    assert "分钟后再试" in refused.get_data(as_text=True)

    moments.now += 3600
    assert guesser.login("admin").status_code == 303


def test_an_admin_unlocks_an_account_and_it_is_audited(app, ids):
    staff_browser = Browser(app)
    fail(staff_browser, "staff", 5)
    assert staff_browser.login().status_code == 429
    admin = logged_in(app, "admin", address=ELSEWHERE)
    page = admin.get(f"/admin/users/{ids['staff']}").get_data(as_text=True)
    assert "解除登录限制" in page
    response = admin.post(f"/admin/users/{ids['staff']}/unlock-login")
    assert response.status_code == 303
    assert staff_browser.login().status_code == 303
    assert "user.unlock_login" in [e.action for e in entries_for("user", ids["staff"])]


def test_the_command_line_unlocks_an_admin_nobody_else_can(app, ids):
    admin_browser = Browser(app)
    fail(admin_browser, "admin", 5)
    result = app.test_cli_runner().invoke(args=["hub", "unlock-login", "admin"])
    assert result.exit_code == 0, result.output
    assert admin_browser.login("admin").status_code == 303
    assert app.test_cli_runner().invoke(args=["hub", "unlock-login", "nobody"]).exit_code != 0


def redis_url() -> str | None:
    """The local Redis, when one is running."""
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return None
    return "redis://127.0.0.1:6379/0"


@pytest.mark.skipif(redis_url() is None, reason="no Redis on 127.0.0.1:6379")
def test_two_hosts_sharing_redis_count_the_same_failures_and_the_same_unlock(database_uri, ids):
    # A prefix of this run's own, so that runs side by side on one Redis do not count each other.
    shared = {"RATELIMIT_STORAGE_URI": redis_url(), "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    one, other = (create_app(base_config(database_uri) | shared) for _ in range(2))
    fail(Browser(one), "staff", 5)
    assert Browser(other).login().status_code == 429
    with other.app_context():
        assert other.test_cli_runner().invoke(args=["hub", "unlock-login", "staff"]).exit_code == 0
    assert Browser(one).login().status_code == 303


def test_a_limit_storage_that_is_down_lets_people_log_in_and_book(database_uri, ids):
    """Redis restarting must not shut the centre out: the limits let requests through (logged)."""
    from conftest import free_port

    down = {"RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{free_port()}/0"}
    app = create_app(base_config(database_uri) | down)
    browser = Browser(app)
    assert browser.login("staff", "wrong-9999").status_code == 401
    assert browser.login().status_code == 303
    with app.app_context():
        assert app.test_client().get("/book").status_code == 200


def test_only_an_admin_unlocks(app, ids):
    staff = logged_in(app)
    assert staff.post(f"/admin/users/{ids['admin']}/unlock-login").status_code == 403


# --- behind the reverse proxy --------------------------------------------------------------------


def proxied_app(database_uri, hops: int):
    return create_app(base_config(database_uri) | {"PROXY_HOPS": hops, "LOGIN_LIMIT_PER_ADDRESS": "3 per hour"})


def failed_logins_through_proxy(app, forwarded_for: str, times: int) -> list[int]:
    """Wrong passwords for unknown accounts, all arriving from the proxy's address."""
    browser = Browser(app, address="192.168.1.1")
    headers = {"X-Forwarded-For": forwarded_for}
    statuses = []
    for number in range(times):
        with app.app_context():
            response = browser.client.post(
                "/login",
                data={"username": f"nobody{number}", "password": "wrong-9999"},
                headers=headers,
                environ_base={"REMOTE_ADDR": browser.address},
            )
        statuses.append(response.status_code)
    return statuses


def test_with_one_proxy_hop_each_forwarded_address_has_its_own_limit(database_uri, users):
    app = proxied_app(database_uri, 1)
    assert failed_logins_through_proxy(app, "172.16.0.5", 4) == [401, 401, 401, 429]
    # Another visitor behind the same proxy is not held up by the first one's failures.
    assert failed_logins_through_proxy(app, "172.16.0.6", 1) == [401]


def test_without_proxy_hops_the_forwarded_header_is_ignored(database_uri, users):
    app = proxied_app(database_uri, 0)
    assert failed_logins_through_proxy(app, "172.16.0.5", 3) == [401, 401, 401]
    # A header anyone can write does not buy a fresh limit.
    assert failed_logins_through_proxy(app, "172.16.0.6", 1) == [429]


# --- cookies and the size of a request ---------------------------------------------------------


def test_cookies_are_secure_when_the_public_address_is_https(database_uri, users):
    app = create_app(base_config(database_uri) | {"PUBLIC_BASE_URL": "https://hub.example.cn"})
    browser = app.test_client()
    with app.app_context():
        response = browser.post(
            "/login",
            data={"username": "staff", "password": PASSWORD, "remember": "y"},
            base_url="https://hub.example.cn",
        )
    cookies = response.headers.getlist("Set-Cookie")
    assert len(cookies) == 2 and all("; Secure" in cookie for cookie in cookies)


def test_cookies_are_not_secure_on_plain_http(client, users):
    response = client.post("/login", data={"username": "staff", "password": PASSWORD, "remember": "y"})
    assert not any("Secure" in cookie for cookie in response.headers.getlist("Set-Cookie"))


class Unreadable(io.RawIOBase):
    """A request body of ``size`` bytes that must not be read: the test client only seeks to its
    end to learn the Content-Length."""

    def __init__(self, size: int):
        super().__init__()
        self.size, self.position = size, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        self.position = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size}[whence] + offset
        return self.position

    def readinto(self, buffer) -> int:
        raise AssertionError("the body of an oversized request was read")


def test_an_oversized_body_is_refused_with_a_chinese_page_before_it_is_read(database_uri, users):
    app = create_app(base_config(database_uri) | {"MAX_UPLOAD_MB": 1})
    assert app.config["MAX_CONTENT_LENGTH"] == 1024 * 1024
    with app.app_context():
        response = app.test_client().post(
            "/login",
            input_stream=Unreadable(2 * 1024 * 1024),
            content_type="application/x-www-form-urlencoded",
        )
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "超过了允许的大小" in page and "1MB" in page


def test_a_photo_over_the_limit_is_refused_and_one_within_it_is_read(database_uri, users):
    app = create_app(base_config(database_uri) | {"MAX_UPLOAD_MB": 1})
    with app.app_context():
        room_id = make_room().id
        db.session.commit()
    staff = logged_in(app)

    def upload(size: int):
        with app.app_context():
            photo = {"photo": (io.BytesIO(b"x" * size), "photo.jpg")}
            return staff.client.post(f"/facilities/rooms/{room_id}/photo", data=photo, follow_redirects=True)

    refused = upload(2 * 1024 * 1024)
    assert refused.status_code == 413 and "最大1MB" in refused.get_data(as_text=True)
    # Within the limit the file reaches the photo rules, which say what is wrong with it.
    read = upload(1024)
    assert read.status_code == 200 and "无法识别的图片" in read.get_data(as_text=True)


def test_the_default_body_limit_fits_a_room_photo_and_a_demands_three_photos():
    from hubapp import config
    from hubapp.blueprints.demands import selfreport
    from hubapp.blueprints.facilities.rooms import PHOTO_MAX_BYTES

    assert config.MAX_UPLOAD_MB * 1024 * 1024 > PHOTO_MAX_BYTES
    assert config.MAX_UPLOAD_MB * 1024 * 1024 > selfreport.MAX_PHOTOS * selfreport.PHOTO_MAX_BYTES


# --- the door -----------------------------------------------------------------------------------


@pytest.fixture
def phoneless_booking(app):
    """A booking happening now in a room open round the clock, made by staff without a phone."""
    now = clock.now()
    opens = (now - timedelta(hours=2)).time().replace(second=0)
    door_room = make_room("门牌测试室", capacity=10, opens=opens, closes=opens)
    with atomic():
        booking = bookings.create_booking(
            None, door_room.id, now - timedelta(minutes=5), now + timedelta(minutes=40),
            BookingDetails("党课"), allow_past=True,
        )  # fmt: skip
    found = booking.id, door_room.id
    db.session.commit()
    return found


def booking_status(booking_id: int) -> str:
    status = db.session.get(Booking, booking_id).status
    db.session.commit()
    return status


def test_a_booking_without_a_phone_is_not_checked_in_by_a_passer_by(app, ids, phoneless_booking):
    booking_id, room_id = phoneless_booking
    passer_by = Browser(app)
    assert "由中心工作人员登录后在此签到" in passer_by.get(f"/r/{room_id}").get_data(as_text=True)
    response = passer_by.post(f"/r/{room_id}/check-in", {"phone_tail": ""})
    assert response.status_code == 422
    assert "请联系中心工作人员" in response.get_data(as_text=True)
    assert booking_status(booking_id) == CONFIRMED


def test_staff_check_in_a_booking_without_a_phone_at_the_door(app, ids, phoneless_booking):
    booking_id, room_id = phoneless_booking
    response = logged_in(app).post(f"/r/{room_id}/check-in", {"phone_tail": ""})
    assert response.status_code == 303
    assert booking_status(booking_id) == CHECKED_IN


def test_a_grid_worker_is_no_staff_at_the_door(app, ids, phoneless_booking):
    booking_id, room_id = phoneless_booking
    response = logged_in(app, "grid_worker").post(f"/r/{room_id}/check-in", {"phone_tail": ""})
    assert response.status_code == 422
    assert booking_status(booking_id) == CONFIRMED
