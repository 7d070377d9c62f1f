"""Only the sites the host allows can frame the room: a page on another origin (another port)."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import LiveServer


def framed_room_count(context: Any, site: str, pages: dict[str, str], embed_url: str) -> int:
    """Load a page of the other site framing embed_url; count #room elements the frame shows."""
    path = f"/app-{len(pages)}"
    pages[path] = f'<!doctype html><title>App</title><h1>App</h1><iframe id="chat" src="{embed_url}"></iframe>'
    page = context.new_page()
    page.goto(site + path)
    expect(page.locator("iframe#chat")).to_be_attached()
    page.wait_for_load_state("load")
    return sum(frame.locator("#room").count() for frame in page.frames if frame != page.main_frame)


def test_only_allowed_sites_can_frame_the_room(
    live_server: LiveServer, context_factory: Any, other_site: tuple[str, dict[str, str]]
) -> None:
    site, pages = other_site
    created = live_server.create_event(title="Framed")
    slug, key = created["event"]["slug"], created["host_key"]
    embed_url = f"{live_server.base}/e/{slug}/embed"
    context = context_factory()

    assert framed_room_count(context, site, pages, embed_url) == 1  # by default any site

    status, _ = live_server.api("PATCH", f"/api/events/{slug}", {"embed_origins": [site]}, token=key)
    assert status == 200
    assert framed_room_count(context, site, pages, embed_url) == 1  # this site is allowed

    status, _ = live_server.api(
        "PATCH", f"/api/events/{slug}", {"embed_origins": ["https://elsewhere.example"]}, token=key
    )
    assert status == 200
    assert framed_room_count(context, site, pages, embed_url) == 0  # refused by the browser
