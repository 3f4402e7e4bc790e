"""Whatever an address, a query parameter or a form field holds, the answer is never a 5xx: a
careless user, an old bookmark or an attacker gets a 404, a 400, or the form again with a
message — on SQLite and PostgreSQL alike (HUB_TEST_DATABASE_URI).

The walk is built from the application itself, so that a page added tomorrow is walked too: every
rule of the URL map with ids beyond any column, then the pages a crawl from the menus reaches over
the demo data, with hostile query parameters as anonymous, staff and admin, then every form those
pages show, posted with control characters, 10,000-character text, emoji and RTL marks, numbers
beyond 64 bits, dates in 1900 and 9999, fields missing and fields repeated.
"""

from collections import deque
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from conftest import PASSWORD
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

from hubapp.blueprints.auth.models import User
from hubapp.demo import DEMO_PASSWORD
from hubapp.extensions import db

HUGE = "99999999999999999999"
CONTROL = "甲\x00乙\x01丙\x08丁\x0b\x1b戊\x7f"
LONG = "长" * 10_000
EMOJI_RTL = "👩‍💼🏭\u202e\u200f企业\u200b名称\u2066"
#: Files: a crawl does not read them for links, and a PDF takes WeasyPrint a second or more.
FILE_SUFFIXES = (".pdf", ".xlsx", ".png", ".svg", ".ics", ".jpg", ".css", ".js")
#: Pages per endpoint the crawl keeps (the second finds forms that differ between records: a
#: meeting with minutes to approve and one without).
PAGES_PER_ENDPOINT = 2
#: Actions that end what the walk needs: the login it walks with.
NOT_POSTED = {"auth.logout", "auth.change_password"}
#: Query parameters the pages read, beyond the fields of their filter forms.
PUBLIC_PREFIXES = ("/s/", "/g/", "/r/", "/e/", "/book", "/login")
#: What each role puts in every query parameter: admin walks every page; staff the same pages with
#: a smaller set; an anonymous visitor only the public pages (the others send it to the login).
QUERY_VALUES = {"admin": (HUGE, CONTROL + EMOJI_RTL, "9999-12-31"), "staff": (HUGE,), None: (CONTROL + LONG[:2000],)}
QUERY_NAMES = [
    "page", "department", "grid", "enterprise", "visit", "from", "to", "year", "unit", "version", "room_id",
    "month", "date", "start", "q", "status", "kind", "topic", "show", "role", "category", "overdue", "past",
    "feedback", "next", "token", "name", "action", "actor", "object_type", "object_id",
]  # fmt: skip


@pytest.fixture
def app_config(app_config):
    # The limits would answer 429 before the walk reached what it is testing; a 500 is answered
    # (and its traceback logged) rather than raised, so that one run lists every failing request.
    return {**app_config, "RATELIMIT_ENABLED": False, "PROPAGATE_EXCEPTIONS": False}


class Forms(HTMLParser):
    """The links and forms of a page: for each form its method, target and fields (name, type,
    the value the page filled in)."""

    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.forms: list[dict] = []
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {key: value or "" for key, value in attrs}
        if tag == "a" and a.get("href", "").startswith("/"):
            self.links.append(a["href"])
        elif tag == "form":
            method = "post" if "hx-post" in a else a.get("method", "get").lower()
            target = a.get("hx-post") or a.get("action") or ""
            self.forms.append({"method": method, "action": target, "fields": []})
        elif not self.forms:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                self.forms[-1]["fields"].append((a["name"], kind, None))
            elif kind not in ("submit", "button", "file", "image", "reset"):
                self.forms[-1]["fields"].append((a["name"], kind, a.get("value", "")))
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            self.forms[-1]["fields"].append((a["name"], "select", None))
        elif tag == "option" and self._select:
            fields = self.forms[-1]["fields"]
            name, kind, value = fields[-1]
            if value is None or "selected" in a:
                fields[-1] = (name, kind, a.get("value", ""))
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self.forms[-1]["fields"].append((a["name"], "textarea", ""))
        elif tag == "button" and a.get("name"):
            self.forms[-1]["fields"].append((a["name"], "button", a.get("value", "")))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea and self.forms:
            name, kind, value = self.forms[-1]["fields"][-1]
            self.forms[-1]["fields"][-1] = (name, kind, value + data)


def login(client, username: str | None, password: str = DEMO_PASSWORD) -> None:
    client.post("/logout")
    if username:
        response = client.post("/login", data={"username": username, "password": password})
        assert response.status_code == 303, f"login as {username}: {response.status_code}"


def endpoint_of(app, url: str, method: str = "GET") -> str | None:
    try:
        return app.url_map.bind("localhost").match(urlsplit(url).path, method=method)[0]
    except (NotFound, MethodNotAllowed, RequestRedirect):
        return None


def crawl(app, client, start: list[str]) -> tuple[list[str], list[tuple[str, dict]]]:
    """The pages reachable from ``start`` (at most ``PAGES_PER_ENDPOINT`` per endpoint) and the
    forms on them, as (page, form) with the form's target made absolute."""
    seen_per_endpoint: dict[str, int] = {}
    queued, pages, forms = deque(start), [], []
    visited = set(start)
    while queued:
        url = queued.popleft()
        endpoint = endpoint_of(app, url)
        if endpoint is None or seen_per_endpoint.get(endpoint, 0) >= PAGES_PER_ENDPOINT:
            continue
        seen_per_endpoint[endpoint] = seen_per_endpoint.get(endpoint, 0) + 1
        response = client.get(url)
        assert response.status_code < 500, f"GET {url}: {response.status_code}"
        if response.status_code != 200 or not response.mimetype == "text/html":
            continue
        pages.append(url)
        found = Forms()
        found.feed(response.get_data(as_text=True))
        for form in found.forms:
            form["action"] = form["action"] or urlsplit(url).path
            forms.append((url, form))
        for link in found.links:
            link = link.split("#")[0]
            if link not in visited and not urlsplit(link).path.endswith(FILE_SUFFIXES):
                visited.add(link)
                queued.append(link)
    return pages, forms


def start_pages(app) -> list[str]:
    """Every GET address without a parameter in its path: the menus and lists a crawl starts from."""
    return sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and not rule.arguments and not rule.rule.endswith(FILE_SUFFIXES)
    )


def test_ids_beyond_any_column_in_any_address_are_404_never_500(app, client, users):
    """Every rule with an id, the id beyond 64 bits, as admin (who passes every role wall)."""
    login(client, "admin", PASSWORD)
    failures = []
    for rule in app.url_map.iter_rules():
        if not rule.arguments or rule.endpoint.endswith("static"):
            continue
        path = rule.rule
        for name in rule.arguments:
            path = path.replace(f"<int:{name}>", HUGE).replace(f"<{name}>", "x")
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(path, method=method, data={})
            if response.status_code >= 500 or (HUGE in path and response.status_code != 404):
                failures.append(f"{method} {path}: {response.status_code}")
    assert not failures


def test_control_characters_in_an_address_are_404(client):
    for path in ("/g/%00", "/g/a%01b", "/guides/%00/edit", "/directory/enterprises/import/%1b"):
        assert client.get(path).status_code == 404, path


def hostile_queries(page: str, fields: list[str], values: tuple[str, ...]) -> list[str]:
    path, query = urlsplit(page).path, dict(parse_qsl(urlsplit(page).query))
    names = [*QUERY_NAMES, *fields]
    return [path + "?" + urlencode({**query, **dict.fromkeys(names, value)}) for value in values]


TEXT_TYPES = {"text", "textarea", "search", "tel", "email", "url", "password", "hidden", "number", "select", "button"}
DATE_VALUES = {
    "old": {"date": "1900-01-01", "datetime-local": "1900-01-01T10:00", "month": "1900-01", "time": "00:00"},
    "far": {"date": "9999-12-31", "datetime-local": "9999-12-31T10:00", "month": "9999-12", "time": "23:59"},
}
#: Actions that remove what later forms are about: posted after the others.
REMOVING = ("delete", "cancel", "deactivate", "archive", "reject", "withdraw", "discard", "remove", "active")


def variants(fields: list[tuple[str, str, str | None]]) -> dict[str, list[tuple[str, str]]]:
    """The ways a form is posted wrongly, each as (name, value) pairs; the rest of the form keeps
    what the page filled in, so that the hostile part reaches past the first check."""
    base = [(name, value) for name, kind, value in fields if value is not None]

    def each(change):
        return [(name, change(kind, value)) for name, kind, value in fields if value is not None]

    def text(replacement):
        return each(lambda kind, value: replacement(value) if kind in TEXT_TYPES else value)

    return {
        "control characters, emoji and RTL marks": each(lambda kind, value: EMOJI_RTL + value + CONTROL),
        "10,000 characters": text(lambda value: LONG),
        "numbers beyond 64 bits": text(lambda value: HUGE),
        "dates in 1900": each(lambda kind, value: DATE_VALUES["old"].get(kind, value)),
        "dates in 9999": each(lambda kind, value: DATE_VALUES["far"].get(kind, value)),
        "nothing": [],
        "every field twice": base + text(lambda value: CONTROL),
    }


def form_targets(app, found: list[tuple[str, dict]], own_account: str = "") -> list[dict]:
    """The posted forms, one per endpoint and set of fields, the removing ones last; never those of
    the account the walk is logged in with (a new password would end the walk)."""
    chosen: dict[tuple, dict] = {}
    for _page, form in found:
        endpoint = endpoint_of(app, form["action"], "POST")
        if form["method"] != "post" or endpoint is None or endpoint in NOT_POSTED:
            continue
        if own_account and (form["action"] + "/").startswith(own_account + "/"):
            continue
        key = (endpoint, urlsplit(form["action"]).path.rsplit("/", 1)[-1], tuple(name for name, _, _ in form["fields"]))
        chosen.setdefault(key, form)
    return sorted(chosen.values(), key=lambda form: any(word in form["action"] for word in REMOVING))


def post_all(client, forms: list[dict], username: str | None, kinds: tuple[str, ...] = ()) -> list[str]:
    """Each form posted in every wrong way (or in ``kinds`` of them) as ``username``."""
    failures = []
    login(client, username)
    for form in forms:
        for name, data in variants(form["fields"]).items():
            if kinds and name not in kinds:
                continue
            response = client.post(form["action"], data=MultiDict(data))
            if response.status_code >= 500:
                failures.append(f"{username} POST {form['action']} with {name}: {response.status_code}")
            if username and urlsplit(response.headers.get("Location", "")).path == "/login":
                login(client, username)  # a form that ended the session (a role changed): carry on
    return failures


def hostile_query_failures(app, client, pages: list[str], public_pages: list[str], forms) -> list[str]:
    """Each page once per role, with every parameter the pages read and their filter forms' fields
    set to the same hostile value."""
    get_fields: dict[str, set[str]] = {}
    for page, form in forms:
        if form["method"] == "get":
            get_fields.setdefault(urlsplit(page).path, set()).update(name for name, _, _ in form["fields"])
    failures = []
    for username, values in QUERY_VALUES.items():
        login(client, username)
        walked = public_pages if username is None else pages
        for page in {endpoint_of(app, page): page for page in reversed(walked)}.values():
            for url in hostile_queries(page, sorted(get_fields.get(urlsplit(page).path, ())), values):
                response = client.get(url)
                if response.status_code >= 500:
                    failures.append(f"{username} GET {url[:200]}: {response.status_code}")
    return failures


def test_no_hostile_query_or_form_gives_500(app, client, demo):
    """The pages admin reaches from every menu over the demo data, and the public ones an anonymous
    visitor reaches from them: their query parameters as each role; their forms as admin, and the
    public ones as an anonymous visitor."""
    login(client, "admin")
    pages, forms = crawl(app, client, start_pages(app))
    login(client, None)
    public_pages, public_forms = crawl(app, client, [page for page in pages if page.startswith(PUBLIC_PREFIXES)])
    admin = db.session.scalar(select(User).where(User.username == "admin"))

    failures = hostile_query_failures(app, client, pages, public_pages, forms)
    failures += post_all(client, form_targets(app, public_forms), None)
    failures += post_all(client, form_targets(app, forms, own_account=f"/admin/users/{admin.id}"), "admin")
    assert not failures


#: What the other roles post: the ways a phone keyboard or a pasted text goes wrong most often.
OTHER_ROLE_VARIANTS = ("control characters, emoji and RTL marks", "numbers beyond 64 bits", "dates in 9999")


@pytest.mark.parametrize("username", ["staff", "grid", "liaison"])
def test_no_hostile_form_of_another_role_gives_500(app, client, demo, username):
    """The forms each other role reaches from its own menus — a grid worker's visit, a liaison's
    answer, staff's every day — posted as that role, where the walls and choices differ from the
    admin's."""
    login(client, username)
    pages, forms = crawl(app, client, start_pages(app))
    assert pages and forms, f"{username} reaches no page or no form"
    own = db.session.scalar(select(User).where(User.username == username))
    failures = post_all(client, form_targets(app, forms, own_account=f"/admin/users/{own.id}"), username, OTHER_ROLE_VARIANTS)
    assert not failures
