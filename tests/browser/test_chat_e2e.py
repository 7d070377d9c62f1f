"""Two people in two browsers chat in one room, as users would."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import LiveServer
from tests.browser.steps import open_room


def test_two_people_exchange_messages_within_a_second(live_server: LiveServer, context_factory: Any) -> None:
    slug = live_server.create_event(title="Pair chat")["event"]["slug"]
    alice = open_room(context_factory(), live_server, slug, "alice")
    bob = open_room(context_factory(), live_server, slug, "bob")

    alice.get_by_label("Message").fill("Hello Bob")
    alice.keyboard.press("Enter")
    expect(bob.locator("#messages")).to_contain_text("Hello Bob", timeout=1000)

    bob.get_by_label("Message").fill("Hi Alice")
    bob.keyboard.press("Enter")
    expect(alice.locator("#messages")).to_contain_text("Hi Alice", timeout=1000)
    # Each message once on each side.
    for page in (alice, bob):
        expect(page.locator("#messages li", has_text="Hello Bob")).to_have_count(1)
        expect(page.locator("#messages li", has_text="Hi Alice")).to_have_count(1)
