"""Links the pages build: a pasted host link's key stays in the browser; snippets name the right origin."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LiveServer

PUBLIC_URL = "https://chat.example.org"


@pytest.fixture
def public_server(tmp_path: Path) -> Iterator[LiveServer]:
    """A server started with --public-url (reached by the test at 127.0.0.1 all the same)."""
    server = LiveServer(tmp_path / "public.db", "--public-url", PUBLIC_URL)
    try:
        yield server
    finally:
        server.stop()


def test_a_pasted_host_link_leaves_only_the_slug_in_the_address(live_server: LiveServer, context_factory: Any) -> None:
    created = live_server.create_event(title="Acme support", listed=False)
    slug, key = created["event"]["slug"], created["host_key"]
    page = context_factory().new_page()
    sent: list[str] = []
    page.on("request", lambda request: sent.append(request.url))
    page.goto(f"{live_server.base}/demo/embed")

    page.get_by_label("A room's link or slug").fill(f"https://chat.example.org/e/{slug}/host#key={key}")
    page.get_by_role("button", name="Show it here").click()

    expect(page.get_by_role("heading", name="Invoices")).to_be_visible()  # the room was found
    assert page.url == f"{live_server.base}/demo/embed?room={slug}"
    assert all(key not in url for url in sent), sent  # nor in any request the page made


def test_the_demo_snippet_names_the_pages_own_origin(live_server: LiveServer, context_factory: Any) -> None:
    slug = live_server.create_event()["event"]["slug"]
    page = context_factory().new_page()
    page.goto(f"{live_server.base}/demo/embed?room={slug}")
    expect(page.locator("#snippet")).to_have_value(
        f'<script src="{live_server.base}/static/widget.js" data-room="{slug}" async></script>'
    )


def test_the_host_consoles_snippet_names_the_public_url(public_server: LiveServer, context_factory: Any) -> None:
    created = public_server.create_event()
    slug = created["event"]["slug"]
    page = context_factory().new_page()
    page.goto(public_server.base + created["links"]["host"])
    expect(page.locator("#bar-snippet")).to_have_value(
        f'<script src="{PUBLIC_URL}/static/widget.js" data-room="{slug}" async></script>'
    )
    demo = context_factory().new_page()
    demo.goto(f"{public_server.base}/demo/embed?room={slug}")
    expect(demo.locator("#snippet")).to_have_value(
        f'<script src="{PUBLIC_URL}/static/widget.js" data-room="{slug}" async></script>'
    )


def test_a_new_events_links_name_the_public_url(public_server: LiveServer, context_factory: Any) -> None:
    page = context_factory().new_page()
    page.goto(public_server.base + "/")
    page.get_by_label("Title").fill("Release party")
    page.get_by_label("Start date").fill((date.today() + timedelta(days=2)).isoformat())
    page.get_by_label("Start time").fill("14:30")
    page.get_by_role("button", name="Schedule the event").click()
    expect(page.get_by_role("heading", name="“Release party” is scheduled")).to_be_visible()
    assert page.locator("#room-link").input_value().startswith(f"{PUBLIC_URL}/e/")
    assert page.locator("#host-link").input_value().startswith(f"{PUBLIC_URL}/e/")
