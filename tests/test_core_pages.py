import re
from pathlib import Path

from hubapp.extensions import db


def test_healthz_answers_ok_after_a_database_query(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.data == b"ok"


def test_healthz_is_503_when_the_database_is_gone(app_config, tmp_path):
    from hubapp import create_app

    # A database file whose directory is gone: no connection can be opened.
    app = create_app(app_config | {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'gone' / 'hub.sqlite3'}"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503


def test_a_failed_probe_leaves_the_request_session_alone(app, client, monkeypatch):
    from sqlalchemy.exc import OperationalError

    def broken(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("gone"))

    monkeypatch.setattr(db.engine, "connect", broken)
    assert client.get("/healthz").status_code == 503
    # The probe has a connection of its own: nothing began on the session, so nothing is left to undo.
    assert not db.session().in_transaction()
    monkeypatch.undo()
    assert client.get("/healthz").status_code == 200


def test_home_shows_todays_date_in_chinese(auth, client):
    from hubapp import clock

    auth.login("staff")
    today = clock.today()
    page = client.get("/").get_data(as_text=True)
    assert f"{today.year}年{today.month}月{today.day}日" in page
    assert "工作人员乙" in page


def test_unknown_page_is_a_chinese_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "页面不存在" in response.get_data(as_text=True)


def test_an_unexpected_error_is_a_chinese_500_page(app_config):
    from hubapp import create_app

    app = create_app(app_config | {"TESTING": False, "PROPAGATE_EXCEPTIONS": False})

    @app.get("/boom")
    def boom():
        raise RuntimeError("boom")

    boom.is_public = True
    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "服务器内部错误" in response.get_data(as_text=True)


def test_an_htmx_request_gets_the_error_message_alone(auth, client):
    auth.login("staff")
    response = client.get("/admin/users", headers={"HX-Request": "true"})
    assert response.status_code == 403
    body = response.get_data(as_text=True)
    assert "没有权限" in body and "<html" not in body


def test_the_readme_lists_every_address_that_needs_no_login(app):
    """Enterprises and the printer reach these: whoever runs the centre must find them all."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    # What the login wall lets through (``@public``), but the login pages themselves.
    public = [
        rule.rule for rule in app.url_map.iter_rules()
        if getattr(app.view_functions[rule.endpoint], "is_public", False) and not rule.endpoint.startswith("auth.")
    ]  # fmt: skip
    written = [re.sub(r"<\w+:", "<", address) for address in public]  # /r/<int:room_id> → /r/<room_id>
    missing = [address for address in written if f"`{address}`" not in readme]
    assert public and not missing


def test_opening_a_public_form_address_leads_to_its_page_not_to_a_405(client):
    """A reload after posting, or a shared link, opens the form's address with GET."""
    for address, page in [
        ("/g/qy-bg/feedback", "/g/qy-bg"),
        ("/r/7/check-in", "/r/7"),
        ("/s/3/r/some-token/cancel", "/s/3/r/some-token"),
    ]:
        response = client.get(address)
        assert response.status_code == 302 and response.headers["Location"] == page, address


def test_every_layout_starts_with_a_skip_link_to_the_content(auth, client):
    """Staff pages, public pages and error pages alike: 跳到主要内容 is the first link, and its target exists."""
    pages = {"login": "/login", "public": "/s/", "not found": "/no-such-page"}
    bodies = {name: client.get(url).get_data(as_text=True) for name, url in pages.items()}
    auth.login()
    bodies["staff"] = client.get("/").get_data(as_text=True)
    for name, html in bodies.items():
        first_link = re.search(r"<a [^>]*>[^<]*</a>", html).group(0)
        assert 'href="#main"' in first_link and "跳到主要内容" in first_link, name
        assert 'id="main"' in html, name
