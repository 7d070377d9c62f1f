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


def held_polls(server: LiveServer) -> int:
    """Connections the server holds open for readers now: long polls plus SSE streams."""
    with urllib.request.urlopen(f"{server.base}/metrics", timeout=5) as resp:
        text = resp.read().decode()
    total = 0
    for name in ("chatserver_held_polls", "chatserver_open_streams"):
        match = re.search(rf"^{name} (\d+)", text, re.MULTILINE)
        assert match, text
        total += int(match.group(1))
    return total


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
