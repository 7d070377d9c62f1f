"""A private line in the room: shown to its recipient, marked as private and never grouped with
public lines, and absent from another participant's room and the transcript."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import LiveServer
from tests.browser.steps import open_room


def test_a_hosts_private_reply_reaches_only_its_recipient(live_server: LiveServer, context_factory: Any) -> None:
    created = live_server.create_event()
    slug, key = created["event"]["slug"], created["host_key"]
    alice = open_room(context_factory(), live_server, slug, "alice")
    bob = open_room(context_factory(), live_server, slug, "bob")
    status, people = live_server.api("GET", f"/api/events/{slug}/participants")
    alice_id = next(p["id"] for p in people["participants"] if p["nickname"] == "alice")
    assert live_server.api("POST", f"/api/events/{slug}/messages", {"body": "Public welcome"}, key)[0] == 201
    reply = {"body": "Your refund is on its way", "to": alice_id}
    assert live_server.api("POST", f"/api/events/{slug}/messages", reply, key)[0] == 201
    assert live_server.api("POST", f"/api/events/{slug}/messages", {"body": "Public again"}, key)[0] == 201

    lines = alice.locator("#messages li.message")
    expect(lines).to_have_count(3)
    private = alice.locator("#messages li.message.private")
    expect(private).to_have_count(1)
    expect(private).to_contain_text("Your refund is on its way")
    expect(private.locator(".private-badge")).to_have_text("Private")
    # Not folded into the host's public run above or below it: it shows its own name line.
    expect(private).not_to_have_class("cont")
    expect(lines.nth(2)).not_to_have_class("cont")

    expect(bob.locator("#messages li.message .body")).to_have_text(["Public welcome", "Public again"])
    expect(bob.locator("#messages")).not_to_contain_text("refund")
    transcript = bob.context.new_page()
    transcript.goto(f"{live_server.base}/e/{slug}/transcript")
    expect(transcript.locator("main")).to_contain_text("Public welcome")
    expect(transcript.locator("main")).not_to_contain_text("refund")
