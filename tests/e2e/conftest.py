"""Browser tests: Playwright driving Debian's chromium, headless. A test fails on any console
error or any request to a host other than 127.0.0.1."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
LOCAL_HOSTS = {"127.0.0.1"}


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class PageWatch:
    def __init__(self):
        self.console_errors: list[str] = []
        self.foreign_requests: list[str] = []


def _open_page(browser, viewport):
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    watch = PageWatch()
    page.on("console", lambda msg: msg.type == "error" and watch.console_errors.append(msg.text))
    page.on("pageerror", lambda error: watch.console_errors.append(str(error)))

    def check_request(request):
        parts = urlsplit(request.url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.hostname not in LOCAL_HOSTS:
            watch.foreign_requests.append(request.url)

    page.on("request", check_request)
    page.on("dialog", lambda dialog: dialog.accept())
    return context, page, watch


@pytest.fixture
def page(browser):
    """A desktop-sized page; asserts at the end that nothing went wrong in the console or network."""
    context, page, watch = _open_page(browser, {"width": 1366, "height": 900})
    yield page
    context.close()
    assert not watch.console_errors, f"console errors: {watch.console_errors}"
    assert not watch.foreign_requests, f"requests outside 127.0.0.1: {watch.foreign_requests}"


@pytest.fixture
def phone_page(browser):
    """A phone-sized page (390×844), with the same checks."""
    context, page, watch = _open_page(browser, {"width": 390, "height": 844})
    yield page
    context.close()
    assert not watch.console_errors, f"console errors: {watch.console_errors}"
    assert not watch.foreign_requests, f"requests outside 127.0.0.1: {watch.foreign_requests}"
