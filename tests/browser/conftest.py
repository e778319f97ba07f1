"""Fixtures for the real-browser tests: the app served on loopback, Debian's Chromium driven
by Playwright, and screenshots saved under ``tests/artifacts/``.

The app is served by waitress (as ``searchapp serve`` does) in a background thread, on
127.0.0.1 and a free port, over the session's index of the five seeds, with ``PAGE_SIZE`` 2
so that five documents make several pages. Chromium is the system one
(``apt-get install chromium``), launched by path: Playwright never downloads a browser here.

When Playwright or Chromium is missing the browser tests are skipped with the reason, unless
``SEARCHAPP_REQUIRE_BROWSER=1`` (set by ``.ci/run``): then they fail, so CI cannot pass
without having run them. ``SEARCHAPP_CHROMIUM`` names another Chromium binary.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from searchapp import create_app

#: Where screenshots go (git-ignored); CI keeps the folder as an artifact.
ARTIFACTS_DIR = Path(__file__).resolve().parent.parent / "artifacts"
CHROMIUM = os.environ.get("SEARCHAPP_CHROMIUM", "/usr/bin/chromium")
#: Flags for a quiet, offline, container-friendly headless Chromium.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
#: Hits per page in the served app: small, so paging shows on five documents.
PAGE_SIZE = 2


def _unavailable(reason: str):
    if os.environ.get("SEARCHAPP_REQUIRE_BROWSER") == "1":
        pytest.fail(f"SEARCHAPP_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def base_url(seed_index_dir) -> Iterator[str]:
    """``http://127.0.0.1:<port>`` of the app, served for the whole session."""
    import waitress

    app = create_app({"INDEX_DIR": str(seed_index_dir), "PAGE_SIZE": PAGE_SIZE})
    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=4, ident="searchapp")
    thread = threading.Thread(target=server.run, name="searchapp-test-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    """A headless Chromium for the session (skipped, or failed under CI, when missing)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the Python package playwright is not installed (pip install '.[test]')")
    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)):
        _unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Visit:
    """One browser tab on the served app, recording what a person would not want to see.

    :param page: the Playwright page; ``base_url`` the app's address.
    ``problems`` collects console errors (a Content-Security-Policy violation is one), page
    errors, failed responses (4xx/5xx other than those a test expects) and any request that
    left 127.0.0.1 (there must be no external asset); such requests are blocked.
    """

    def __init__(self, page, base_url: str):
        self.page = page
        self.base_url = base_url
        self.problems: list[str] = []
        self.expected_statuses: set[int] = set()
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on("response", self._on_response)
        page.route(re.compile(r"^(?!http://127\.0\.0\.1:)"), self._block_external)

    def _on_console(self, message):
        # Failed loads are judged by their status in _on_response (some are expected).
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.problems.append(f"console error: {message.text}")

    def _on_response(self, response):
        if response.status >= 400 and response.status not in self.expected_statuses:
            self.problems.append(f"{response.status} for {response.url}")

    def _block_external(self, route):
        self.problems.append(f"external request: {route.request.url}")
        route.abort()

    def goto(self, path: str, status: int = 200):
        """Open ``path`` (e.g. ``/?q=断卡``) and check the HTTP status."""
        if status >= 400:
            self.expected_statuses.add(status)
        response = self.page.goto(self.base_url + path)
        assert response is not None and response.status == status, path
        return response

    def screenshot(self, name: str, full_page: bool = True) -> Path:
        """Save the page as ``tests/artifacts/<name>.png`` and return the path."""
        ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS_DIR / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path


def _visit(browser, base_url: str, viewport: dict, **options) -> Iterator[Visit]:
    context = browser.new_context(viewport=viewport, locale="zh-CN", **options)
    page = context.new_page()
    page.set_default_timeout(10_000)
    visit = Visit(page, base_url)
    yield visit
    context.close()
    assert not visit.problems, visit.problems


@pytest.fixture
def desktop(browser, base_url) -> Iterator[Visit]:
    """A 1280×900 tab; the test fails afterwards if the tab saw errors or external requests."""
    yield from _visit(browser, base_url, DESKTOP)


@pytest.fixture
def phone(browser, base_url) -> Iterator[Visit]:
    """A 390×844 touch tab (a phone-sized screen)."""
    yield from _visit(browser, base_url, PHONE, is_mobile=True, has_touch=True)


@pytest.fixture
def no_script(browser, base_url) -> Iterator[Visit]:
    """A 1280×900 tab with JavaScript switched off."""
    yield from _visit(browser, base_url, DESKTOP, java_script_enabled=False)
