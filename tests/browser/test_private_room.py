"""A private line in the room: shown to its recipient in the private thread, never in the public
conversation (which holds the public lines only), and absent from another participant's room and
the transcript."""

from __future__ import annotations

import re
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

    # The public conversation holds the public lines only, in one run of the host's.
    lines = alice.locator("#messages li.message")
    expect(lines.locator(".body")).to_have_text(["Public welcome", "Public again"])
    expect(alice.locator("#messages li.private")).to_have_count(0)
    expect(lines.nth(1)).to_have_class(re.compile(r"\bcont\b"))

    # The private reply waits in the private thread, counted on its button.
    opener = alice.get_by_role("button", name="Message the hosts privately")
    expect(opener).to_contain_text("1")
    opener.click()
    panel = alice.locator("#private-thread")
    expect(panel.get_by_role("heading", name="Private messages with the hosts")).to_be_visible()
    private = panel.locator("li.message.private")
    expect(private).to_have_count(1)
    expect(private).to_contain_text("Your refund is on its way")
    expect(private.locator(".private-badge")).to_have_text("Private")
    expect(private).not_to_have_class("cont")
    expect(opener.locator(".private-count")).to_be_hidden()  # read, now that it is shown

    expect(bob.locator("#messages li.message .body")).to_have_text(["Public welcome", "Public again"])
    expect(bob.locator("#messages")).not_to_contain_text("refund")
    expect(bob.locator("#private-thread")).not_to_contain_text("refund")
    transcript = bob.context.new_page()
    transcript.goto(f"{live_server.base}/e/{slug}/transcript")
    expect(transcript.locator("main")).to_contain_text("Public welcome")
    expect(transcript.locator("main")).not_to_contain_text("refund")
