"""Every GET page answers without a server error, for each role, on the demo data: a crawl over
the URL map, so that a page added later is covered too. Ids are filled with 1 (the demo data's
first row), strings with an unknown value, which must give a 4xx, never a 500."""

import pytest
from conftest import base_config
from werkzeug.routing.converters import NumberConverter

from hubapp import create_app


def _get_rules():
    app = create_app(base_config("sqlite://"))
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        values = {}
        for name in rule.arguments - set(rule.defaults or {}):
            values[name] = 1 if isinstance(rule._converters[name], NumberConverter) else "unknown-value"
        urls.append(rule.build(values, append_unknown=False)[1])
    return sorted(set(urls))


@pytest.mark.parametrize("role", ["admin", "staff", "grid", "liaison"])
def test_no_page_answers_with_a_server_error(demo, client, role):
    client.post("/login", data={"username": role, "password": "demo-2026"})
    failures = []
    for url in _get_rules():
        response = client.get(url)
        if response.status_code >= 500:
            failures.append(f"{url} → {response.status_code}")
    assert not failures, failures
