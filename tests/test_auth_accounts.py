import pytest
from conftest import PASSWORD, base_config, csrf_token_from
from sqlalchemy import select

from hubapp import create_app
from hubapp.audit import AuditEntry
from hubapp.blueprints.auth import services
from hubapp.blueprints.auth.models import User
from hubapp.database import atomic
from hubapp.extensions import db


def test_login_then_logout(auth, client):
    response = auth.login("staff")
    assert response.headers["Location"] == "/"
    assert "工作人员乙" in client.get("/").get_data(as_text=True)
    auth.logout()
    assert client.get("/").status_code == 302


def test_wrong_password_is_told_next_to_the_field_and_keeps_the_username(users, client):
    response = client.post("/login", data={"username": "staff", "password": "wrong-password"})
    assert response.status_code == 401
    page = response.get_data(as_text=True)
    assert "用户名或密码不正确" in page
    assert 'value="staff"' in page


def test_empty_login_form_is_refused_with_chinese_messages(users, client):
    response = client.post("/login", data={"username": "", "password": ""})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "请输入用户名" in page and "请输入密码" in page


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/admin/users", "/admin/users"),
        ("https://evil.example.com/", "/"),
        ("//evil.example.com/", "/"),
        ("/\\evil.example.com", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_login_follows_next_only_to_local_paths(users, client, next_url, expected):
    response = client.post(
        "/login", query_string={"next": next_url}, data={"username": "admin", "password": PASSWORD}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == expected


def test_a_deactivated_account_cannot_log_in(users, client):
    with atomic():
        services.set_active(users["admin"], users["staff"], False)
    response = client.post("/login", data={"username": "staff", "password": PASSWORD})
    assert response.status_code == 401


def test_login_attempts_are_limited_per_account(users, client):
    for _ in range(5):
        assert client.post("/login", data={"username": "staff", "password": "nope-1234"}).status_code == 401
    response = client.post("/login", data={"username": "staff", "password": PASSWORD})
    assert response.status_code == 429
    assert "操作过于频繁" in response.get_data(as_text=True)
    # Another account from the same address is not locked by the first one's failures.
    assert client.post("/login", data={"username": "admin", "password": PASSWORD}).status_code == 303


def test_login_attempts_are_limited_per_address(users, client):
    for number in range(20):
        client.post("/login", data={"username": f"nobody{number}", "password": "x"})
    response = client.post("/login", data={"username": "admin", "password": PASSWORD})
    assert response.status_code == 429


def test_successful_logins_do_not_use_up_the_limit(users, client):
    for _ in range(8):
        assert client.post("/login", data={"username": "staff", "password": PASSWORD}).status_code == 303
        client.post("/logout")


def test_session_cookie_is_httponly_and_samesite_lax(users, client):
    response = client.post("/login", data={"username": "staff", "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_passwords_are_stored_hashed(users):
    stored = db.session.scalar(select(User.password_hash).where(User.username == "staff"))
    assert PASSWORD not in stored
    assert stored.startswith(("pbkdf2:", "scrypt:"))


def test_change_own_password(auth, client):
    auth.login("staff")
    response = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": "new-pass-2026", "confirm": "new-pass-2026"},
    )
    assert response.status_code == 303
    auth.logout()
    assert client.post("/login", data={"username": "staff", "password": PASSWORD}).status_code == 401
    assert client.post("/login", data={"username": "staff", "password": "new-pass-2026"}).status_code == 303


def test_change_password_refuses_a_wrong_current_password_and_weak_ones(auth, client):
    auth.login("staff")
    wrong = client.post(
        "/account/password", data={"current_password": "nope", "new_password": "abc12345", "confirm": "abc12345"}
    )
    assert wrong.status_code == 422 and "当前密码不正确" in wrong.get_data(as_text=True)
    weak = client.post(
        "/account/password", data={"current_password": PASSWORD, "new_password": "12345678", "confirm": "12345678"}
    )
    assert weak.status_code == 422 and "字母和数字" in weak.get_data(as_text=True)
    mismatch = client.post(
        "/account/password", data={"current_password": PASSWORD, "new_password": "abc12345", "confirm": "abc12346"}
    )
    assert mismatch.status_code == 422 and "不一致" in mismatch.get_data(as_text=True)


def test_admin_creates_a_liaison_who_must_have_a_department(auth, client, users):
    auth.login("admin")
    data = {"username": "li", "display_name": "李联络", "role": "liaison", "department_id": "0",
            "password": "abc-12345"}  # fmt: skip
    missing = client.post("/admin/users/new", data=data)
    assert missing.status_code == 422
    page = missing.get_data(as_text=True)
    assert "部门联络员必须选择所属部门" in page
    assert 'value="李联络"' in page
    assert services.find_by_username("li") is None
    data["department_id"] = str(users["liaison"].department_id)
    assert client.post("/admin/users/new", data=data).status_code == 303
    created = services.find_by_username("li")
    assert created.role == "liaison" and created.department_id == users["liaison"].department_id


def test_admin_cannot_reuse_a_username(auth, client):
    auth.login("admin")
    response = client.post(
        "/admin/users/new",
        data={"username": "STAFF", "display_name": "重复", "role": "staff", "department_id": "0",
              "password": "abc-12345"},  # fmt: skip
    )
    assert response.status_code == 422
    assert "该用户名已被使用" in response.get_data(as_text=True)


def test_admin_changes_a_role_and_it_is_audited(auth, client, users):
    auth.login("admin")
    target = users["staff"]
    response = client.post(
        f"/admin/users/{target.id}",
        data={"display_name": "工作人员乙", "role": "grid_worker", "grid_ids": str(users["grid_worker"].grids[0].id),
              "department_id": "0", "phone": ""},  # fmt: skip
    )
    assert response.status_code == 303
    db.session.refresh(target)
    assert target.role == "grid_worker"
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "user.update", AuditEntry.object_id == str(target.id))
    )
    assert entry.actor_id == users["admin"].id
    assert (entry.from_state, entry.to_state) == ("staff", "grid_worker")


def test_admin_deactivates_and_resets_a_password(auth, client, users):
    auth.login("admin")
    target = users["grid_worker"]
    assert client.post(f"/admin/users/{target.id}/password", data={"reset-new_password": "reset-2026a"}).status_code == 303
    assert client.post(f"/admin/users/{target.id}/active", data={"active": "0"}).status_code == 303
    db.session.refresh(target)
    assert not target.active and target.check_password("reset-2026a")


def test_admin_cannot_deactivate_themselves(auth, client, users):
    auth.login("admin")
    response = client.post(f"/admin/users/{users['admin'].id}/active", data={"active": "0"})
    assert response.status_code == 409
    db.session.refresh(users["admin"])
    assert users["admin"].active


def test_audit_page_lists_changes_with_filters(auth, client, users):
    with atomic():
        services.set_active(users["admin"], users["grid_worker"], False)
    auth.login("admin")
    page = client.get("/admin/audit", query_string={"action": "deactivate"}).get_data(as_text=True)
    assert "停用账号" in page and "启用 → 停用" in page and f"用户 #{users['grid_worker'].id}" in page
    assert "新建用户" not in page


def test_audit_log_is_searched_by_its_chinese_labels(auth, client, users):
    with atomic():
        services.set_active(users["admin"], users["grid_worker"], False)
    auth.login("admin")
    page = client.get("/admin/audit", query_string={"action": "停用"}).get_data(as_text=True)
    assert "停用账号" in page
    assert "登录</td>" not in page


def test_a_post_without_csrf_token_is_refused_by_the_real_app(database_uri, users):
    config = base_config(database_uri) | {"WTF_CSRF_ENABLED": True}
    app = create_app(config)
    client = app.test_client()
    refused = client.post("/login", data={"username": "staff", "password": PASSWORD})
    assert refused.status_code == 400
    assert "CSRF" in refused.get_data(as_text=True)
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    accepted = client.post("/login", data={"username": "staff", "password": PASSWORD, "csrf_token": token})
    assert accepted.status_code == 303
    # An htmx request carries the token in its header, as base.html sets it on <body>.
    page = client.get("/").get_data(as_text=True)
    assert 'hx-headers=\'{"X-CSRFToken": "' in page
    assert client.post("/logout", headers={"HX-Request": "true"}).status_code == 400
