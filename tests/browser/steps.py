"""Steps the browser tests share."""

from __future__ import annotations

import re
import time
import urllib.request
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import LiveServer


def open_room(
    context: Any, server: LiveServer, slug: str, nickname: str | None = None, expect_composer: bool | None = None
) -> Any:
    """Open the room in a new tab; with a nickname, join with it. Wait for the composer when joining,
    or when expect_composer says so (a second tab of someone who already joined)."""
    page = context.new_page()
    page.goto(f"{server.base}/e/{slug}")
    if nickname:
        page.get_by_label("Choose a nickname").fill(nickname)
        page.get_by_role("button", name="Join").click()
    if expect_composer if expect_composer is not None else bool(nickname):
        expect(page.locator("#composer")).to_be_visible()
    return page


def open_console(context: Any, server: LiveServer, slug: str, key: str) -> Any:
    """Open the event's console with a host's or moderator's key, and wait until the key is taken."""
    page = context.new_page()
    page.goto(f"{server.base}/e/{slug}/host#key={key}")
    expect(page.locator("#console")).to_be_visible()
    return page


def open_link(context: Any, url: str, heading: str | re.Pattern[str] = "Live chat") -> Any:
    """Open a page by its full URL (a host's or moderator's link) and wait for its heading."""
    page = context.new_page()
    page.goto(url)
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    return page


def streams_and_polls(server: LiveServer) -> tuple[int, int]:
    """SSE streams open and long polls held at the server now, from /metrics."""
    with urllib.request.urlopen(f"{server.base}/metrics", timeout=5) as resp:
        text = resp.read().decode()
    values = dict(re.findall(r"^(chatserver_\w+) (\d+)$", text, re.MULTILINE))
    return int(values["chatserver_open_streams"]), int(values["chatserver_held_polls"])


def held_polls(server: LiveServer) -> int:
    """Connections the server holds open for readers now: long polls plus SSE streams."""
    return sum(streams_and_polls(server))


def settles_at(server: LiveServer, expected: int, timeout: float = 5.0) -> None:
    """The server's count of held polls reaches `expected` and stays there for a moment.

    A metric has no event to await: it is read every 100 ms until three reads in a row agree."""
    deadline = time.monotonic() + timeout
    seen: list[int] = []
    while time.monotonic() < deadline:
        seen.append(held_polls(server))
        if seen[-3:] == [expected] * 3:
            return
        time.sleep(0.1)
    raise AssertionError(f"held polls never settled at {expected}: {seen[-10:]}")
