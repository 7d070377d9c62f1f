"""End-to-end fixtures: a real chatserver process and Debian's Chromium driven by Playwright.

Locally without /usr/bin/chromium these tests skip with the reason; under CI=true they must run.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import iso_in
from tests.serverproc import ServerProcess

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    # A fake microphone (a beep) and two cameras (test patterns), allowed without a prompt: voice
    # notes and photos, and switching between a phone's front and back camera.
    "--use-fake-device-for-media-stream=device-count=2",
    "--use-fake-ui-for-media-stream",
]


def _missing_browser_reason() -> str | None:
    if not os.path.exists(CHROMIUM):
        return f"Chromium is not installed at {CHROMIUM} (apt-get install chromium; .ci/run does)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install -e '.[test]')"
    return None


# Package scope, not session: the sync API keeps its event loop marked as running in this thread
# until Playwright stops, which would break every async (tornasync) test collected after this package.
@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    reason = _missing_browser_reason()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests must run in CI: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


class LiveServer:
    """A chatserver process plus a JSON client for arranging what a test needs through the API."""

    def __init__(self, db: Path, *options: str) -> None:
        self.db = db
        self.options = options
        self.process = ServerProcess(db, *options)
        # Read its output as it comes: a full pipe (64 KiB of access log) would stall the server.
        self.log = self.process.drain_output()
        self.base = self.process.base

    def api(self, method: str, path: str, body: Any = None, token: str | None = None) -> tuple[int, Any]:
        return self.process.request(method, path, body, token)

    def create_event(self, starts_in: float = -60, lasts: float = 3600, **fields: Any) -> dict[str, Any]:
        status, created = self.api(
            "POST",
            "/api/events",
            {"title": "Browser test", "starts_at": iso_in(starts_in), "ends_at": iso_in(starts_in + lasts), **fields},
        )
        assert status == 201, created
        return created

    def create_series(
        self, starts_in: float = 86400, lasts: float = 3600, rrule: str | None = None, **fields: Any
    ) -> dict[str, Any]:
        """A series in UTC, weekly on the first start's weekday unless a rule is given; the 201 body.
        Its occurrences are days apart: move one with move() to see a boundary within a test."""
        starts_at = iso_in(starts_in)
        weekday = datetime.fromisoformat(starts_at.replace("Z", "+00:00")).strftime("%a")[:2].upper()
        body = {
            "title": "Browser series",
            "starts_at": starts_at,
            "ends_at": iso_in(starts_in + lasts),
            "rrule": rrule or f"FREQ=WEEKLY;BYDAY={weekday}",
            "time_zone": "UTC",
            **fields,
        }
        status, created = self.api("POST", "/api/series", body)
        assert status == 201, created
        return created

    def occurrences(self, series_slug: str) -> list[dict[str, Any]]:
        status, body = self.api("GET", f"/api/series/{series_slug}")
        assert status == 200, body
        return list(body["occurrences"])

    def move(self, slug: str, key: str, starts_in: float, lasts: float) -> dict[str, Any]:
        """Move one event (an occurrence, with its series' key) to start in starts_in seconds."""
        body = {"starts_at": iso_in(starts_in), "ends_at": iso_in(starts_in + lasts)}
        status, moved = self.api("PATCH", f"/api/events/{slug}", body, token=key)
        assert status == 200, moved
        return dict(moved["event"])

    def join(self, slug: str, nickname: str) -> str:
        status, joined = self.api("POST", f"/api/events/{slug}/participants", {"nickname": nickname})
        assert status == 201, joined
        return str(joined["token"])

    def restart(self) -> None:
        """Stop (SIGKILL, the worst case) and start again on the same port and database."""
        port = self.process.port
        self.process.__exit__(None, None, None)
        self.process = ServerProcess(self.db, *self.options, port=port)
        self.log = self.process.drain_output()

    def stop(self) -> None:
        self.process.__exit__(None, None, None)


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    server = LiveServer(tmp_path / "chat.db", "--rate-limit", "0", "--max-wait", "30")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def context_factory(browser: Any) -> Iterator[Any]:
    """New isolated browser contexts (separate storage: separate people); closed after the test."""
    contexts: list[Any] = []

    def make(**options: Any) -> Any:
        context = browser.new_context(**{"viewport": {"width": 1100, "height": 850}, **options})
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(params=["same-site", "cross-site"])
def other_site(request: pytest.FixtureRequest) -> Iterator[tuple[str, dict[str, str]]]:
    """A minimal web app on another origin: it serves pages[path]. Twice over: "same-site" is another
    port of 127.0.0.1 (the chat server's host: the same site, so storage is shared), "cross-site" is
    http://localhost:<port> (another site, as app.example.com is to chat.example.org: the framed room
    is a third-party frame, with its storage partitioned, SharedWorker and Web Locks refused)."""
    pages: dict[str, str] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            body = pages.get(self.path, "not found").encode()
            self.send_response(200 if self.path in pages else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host = "127.0.0.1" if request.param == "same-site" else "localhost"
        yield f"http://{host}:{server.server_address[1]}", pages
    finally:
        server.shutdown()
        server.server_close()
