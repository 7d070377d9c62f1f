"""Steps the browser tests share."""

from __future__ import annotations

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
