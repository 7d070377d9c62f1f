"""The room through an event's life: waiting room, opening without a reload, closing."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import LiveServer
from tests.helpers import iso_in


def open_room(context: Any, server: LiveServer, slug: str) -> Any:
    page = context.new_page()
    page.goto(f"{server.base}/e/{slug}")
    page.evaluate("window.sameDocument = true")  # survives only if the page is never reloaded
    return page


def join(page: Any, nickname: str) -> None:
    page.get_by_label("Choose a nickname").fill(nickname)
    page.get_by_role("button", name="Join").click()


def assert_not_reloaded(page: Any) -> None:
    assert page.evaluate("window.sameDocument") is True


def test_waiting_room_turns_into_the_chat_at_the_opening(live_server: LiveServer, context_factory: Any) -> None:
    slug = live_server.create_event(starts_in=2, lasts=60, title="Starts soon", description="Agenda: hello")["event"][
        "slug"
    ]
    page = open_room(context_factory(), live_server, slug)

    waiting = page.locator("#waiting")
    expect(waiting).to_be_visible()
    expect(page.locator("h1")).to_have_text("Starts soon")
    expect(page.locator(".description")).to_have_text("Agenda: hello")
    expect(page.locator("#countdown")).to_have_text(re.compile(r"Starts in \d+\u00a0s|Starting any moment"))
    expect(page.locator("#chat")).to_be_hidden()
    # The nickname can be chosen while waiting.
    join(page, "early bird")
    expect(page.locator("#waiting-me")).to_contain_text("early bird")

    # The opening comes from the long poll: the chat appears in the same document.
    expect(page.locator("#chat")).to_be_visible(timeout=6000)
    expect(waiting).to_be_hidden()
    expect(page.locator("#state-badge")).to_have_text("Open")
    expect(page.locator('#messages li.system[data-code="opened"]')).to_have_count(1)
    expect(page.locator("#composer")).to_be_visible()
    expect(page.get_by_label("Message")).to_be_focused()
    assert_not_reloaded(page)

    page.get_by_label("Message").fill("first!")
    page.keyboard.press("Enter")
    expect(page.locator("#messages li.message")).to_have_text(re.compile("first!"))


def test_the_server_not_the_browser_clock_opens_the_room(live_server: LiveServer, context_factory: Any) -> None:
    created = live_server.create_event(starts_in=3600, lasts=3600)
    slug = created["event"]["slug"]
    page = open_room(context_factory(), live_server, slug)
    expect(page.locator("#countdown")).to_have_text(re.compile(r"Starts in (59|60)\u00a0min"))

    # The host moves the start to now: the page opens although its countdown still shows an hour.
    status, _ = live_server.api("PATCH", f"/api/events/{slug}", {"starts_at": iso_in(0.5)}, created["host_key"])
    assert status == 200
    expect(page.locator("#chat")).to_be_visible(timeout=5000)
    expect(page.locator("#waiting")).to_be_hidden()
    expect(page.get_by_label("Choose a nickname")).to_be_visible()
    assert_not_reloaded(page)


def test_closing_removes_the_composer_and_shows_the_transcript_link(
    live_server: LiveServer, context_factory: Any
) -> None:
    created = live_server.create_event()
    slug = created["event"]["slug"]
    page = open_room(context_factory(), live_server, slug)
    join(page, "alice")
    page.get_by_label("Message").fill("last words")
    page.keyboard.press("Enter")
    expect(page.locator("#messages li.message")).to_have_count(1)

    status, _ = live_server.api("POST", f"/api/events/{slug}/close", token=created["host_key"])
    assert status == 200
    expect(page.locator("#composer")).to_be_hidden()
    expect(page.get_by_label("Message")).to_have_count(1)  # still in the DOM, but out of reach
    expect(page.locator("#closed")).to_be_visible()
    link = page.get_by_role("link", name="Read the transcript")
    expect(link).to_have_attribute("href", f"/e/{slug}/transcript")
    expect(page.locator("#state-badge")).to_have_text("Closed")
    expect(page.locator('#messages li.system[data-code="closed"]')).to_have_count(1)
    # What was said stays readable, and nobody can join any more.
    expect(page.locator("#messages")).to_contain_text("last words")
    expect(page.locator("#join")).to_be_hidden()
    assert_not_reloaded(page)

    link.click()
    expect(page).to_have_url(f"{live_server.base}/e/{slug}/transcript")
    expect(page.locator("body")).to_contain_text("last words")


def test_a_closed_room_shows_only_the_notice(live_server: LiveServer, context_factory: Any) -> None:
    created = live_server.create_event()
    slug = created["event"]["slug"]
    live_server.api("POST", f"/api/events/{slug}/close", token=created["host_key"])
    page = open_room(context_factory(), live_server, slug)
    expect(page.locator("#closed")).to_be_visible()
    expect(page.get_by_role("link", name="Read the transcript")).to_be_visible()
    expect(page.locator("#chat")).to_be_hidden()
    expect(page.locator("#waiting")).to_be_hidden()
    expect(page.locator("textarea")).to_be_hidden()
