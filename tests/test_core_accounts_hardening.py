"""Accounts hardened (issue 11): sessions end with a password change, a reset and a logout;
wrong passwords slow down the one guessing, not the account's owner elsewhere."""

import pytest
from conftest import PASSWORD
from flask_login.config import COOKIE_NAME as REMEMBER_COOKIE

from hubapp.audit import entries_for
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


def test_only_an_admin_unlocks(app, ids):
    staff = logged_in(app)
    assert staff.post(f"/admin/users/{ids['admin']}/unlock-login").status_code == 403
