"""Browser fixtures: a real waitress server on a free port and a real Chromium driven by Playwright."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 780}


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    """The system Chromium; a skip without it, a failure when CI requires the browser tests."""
    if CHROMIUM.exists():
        return CHROMIUM
    message = f"Chromium not found at {CHROMIUM}"
    if os.environ.get("CONCORD_REQUIRE_BROWSER") == "1":
        pytest.fail(message + " and CONCORD_REQUIRE_BROWSER=1")
    pytest.skip(message)


@pytest.fixture(scope="session")
def server(real_index):
    """Base URL of a real HTTP server (waitress, own thread) serving the app on the real index."""
    from waitress import create_server

    from web.app import close_engine, create_app

    app = create_app({"INDEX_DIR": str(real_index)})
    httpd = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=httpd.run, name="concord-test-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.effective_port}"
    httpd.close()
    thread.join(timeout=5)
    close_engine(app)


@pytest.fixture(scope="session")
def browser(chromium_path):
    """One Chromium for the session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(chromium_path), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def context(browser, server):
    """A fresh browser profile per test (no cookies carried over), desktop size, base URL set."""
    ctx = browser.new_context(base_url=server, viewport=DESKTOP, locale="en-US")
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    """A page that fails the test on any script error or dialog."""
    opened = context.new_page()
    problems: list[str] = []
    opened.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    opened.on("dialog", lambda dialog: (problems.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    yield opened
    assert problems == []


@pytest.fixture(scope="session")
def viewports() -> dict[str, dict]:
    """The two widths every page must work at."""
    return {"desktop": DESKTOP, "phone": PHONE}


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """Where screenshots go (gitignored)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
