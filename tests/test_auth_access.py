"""Who may reach what: anonymous visitors are sent to login everywhere but the public addresses,
and each role is refused (403) where it does not belong. Both tests walk the URL map, so a page a
later module adds is covered without anyone remembering to list it."""

import pytest
from conftest import base_config
from werkzeug.routing import Rule
from werkzeug.routing.converters import NumberConverter

from hubapp import create_app

PUBLIC_ENDPOINT_PREFIXES = ("static",)


def _app_for_url_map():
    return create_app(base_config("sqlite://"))


def _sample_url(rule: Rule) -> str:
    values = {}
    for name in rule.arguments - set(rule.defaults or {}):
        converter = rule._converters[name]
        values[name] = 1 if isinstance(converter, NumberConverter) else "x"
    return rule.build(values, append_unknown=False)[1]


def _rules(predicate):
    app = _app_for_url_map()
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith(PUBLIC_ENDPOINT_PREFIXES):
            continue
        view = app.view_functions[rule.endpoint]
        if predicate(view):
            method = "GET" if "GET" in rule.methods else sorted(rule.methods - {"HEAD", "OPTIONS"})[0]
            found.append(pytest.param(method, _sample_url(rule), id=f"{method} {rule.rule}"))
    return found


def _is_public(view) -> bool:
    return getattr(view, "is_public", False)


@pytest.mark.parametrize(("method", "url"), _rules(lambda view: not _is_public(view)))
def test_every_staff_address_sends_an_anonymous_visitor_to_login(client, method, url):
    response = client.open(url, method=method)
    assert response.status_code == 302, f"{method} {url} answered {response.status_code}"
    assert response.headers["Location"].startswith("/login?next=")


def test_the_public_addresses_stay_public():
    app = _app_for_url_map()
    public = {rule.rule for rule in app.url_map.iter_rules() if _is_public(app.view_functions[rule.endpoint])}
    assert {"/healthz", "/login"} <= public


ROLES = ["admin", "staff", "grid_worker", "liaison"]


def _role_cases():
    cases = []
    for param in _rules(lambda view: hasattr(view, "allowed_roles")):
        method, url = param.values
        view = _view_for(url, method)
        for role in ROLES:
            if role not in view.allowed_roles:
                cases.append(pytest.param(role, method, url, id=f"{role} {method} {url}"))
    return cases


def _view_for(url: str, method: str):
    app = _app_for_url_map()
    adapter = app.url_map.bind("localhost")
    endpoint, _ = adapter.match(url, method=method)
    return app.view_functions[endpoint]


@pytest.mark.parametrize(("role", "method", "url"), _role_cases())
def test_a_role_is_refused_where_it_does_not_belong(auth, client, role, method, url):
    auth.login(role)
    response = client.open(url, method=method)
    assert response.status_code == 403, f"{role} got {response.status_code} on {method} {url}"
    assert "没有权限" in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["staff", "grid_worker", "liaison"])
def test_only_admins_manage_users(auth, client, role):
    auth.login(role)
    assert client.get("/admin/users").status_code == 403
    assert client.post("/admin/users/new", data={"username": "x"}).status_code == 403
    assert client.get("/admin/audit").status_code == 403


def test_admin_reaches_user_management_and_audit(auth, client):
    auth.login("admin")
    assert client.get("/admin/users").status_code == 200
    assert client.get("/admin/audit").status_code == 200


def test_navigation_shows_admin_entries_to_admins_only(auth, client):
    auth.login("staff")
    assert "用户管理" not in client.get("/").get_data(as_text=True)
    auth.logout()
    auth.login("admin")
    assert "用户管理" in client.get("/").get_data(as_text=True)
