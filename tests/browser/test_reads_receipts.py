"""Read receipts: what a participant has had on screen is reported, and the others see "Seen by"."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import LiveServer
from tests.browser.steps import open_room


def test_the_writer_sees_who_has_read_the_message(live_server: LiveServer, context_factory: Any) -> None:
    slug = live_server.create_event()["event"]["slug"]
    alice = open_room(context_factory(), live_server, slug, "alice")
    bob = open_room(context_factory(), live_server, slug, "bob")

    alice.get_by_label("Message").fill("did you read this?")
    alice.get_by_label("Message").press("Enter")
    mine = alice.locator("#messages li.message", has_text="did you read this?")
    expect(mine).to_have_count(1)
    expect(bob.locator("#messages li.message", has_text="did you read this?")).to_be_visible()

    # Bob's tab had it on screen: his receipt comes back to Alice through her long poll.
    seen = mine.locator(".seen")
    expect(seen).to_have_text("Seen by bob", timeout=4000)
    expect(seen).to_have_attribute("title", "Seen by bob")
    item_id = int(mine.get_attribute("data-id") or 0)
    status, reads = live_server.api("GET", f"/api/events/{slug}/reads")
    assert status == 200
    assert {r["nickname"]: r["last_read_id"] for r in reads["reads"]}["bob"] >= item_id
    # Nobody is told that they themselves have read something.
    expect(bob.locator("#messages .seen", has_text="bob")).to_have_count(0)

    # Bob answers and Alice reads it: the marks move to the newest message they have seen.
    bob.get_by_label("Message").fill("yes")
    bob.get_by_label("Message").press("Enter")
    answer = bob.locator("#messages li.message", has_text="yes")
    expect(answer.locator(".seen")).to_have_text("Seen by alice", timeout=4000)
    expect(seen).to_have_count(0)  # under Bob's own message his mark would say nothing


def test_many_readers_fold_into_a_count_with_the_names_on_a_click(
    live_server: LiveServer, context_factory: Any
) -> None:
    slug = live_server.create_event()["event"]["slug"]
    page = context_factory().new_page()
    page.goto(f"{live_server.base}/e/{slug}")
    # The receipts as the long poll delivers them, drawn on a list of our own.
    page.evaluate("""async () => {
        const { ItemList } = await import("/static/items.js");
        const { Reads } = await import("/static/reads.js");
        const ol = document.createElement("ol");
        ol.id = "probe";
        document.body.append(ol);
        const list = new ItemList(ol, {group: true});
        const at = new Date().toISOString();
        list.add([1, 2, 3].map((id) => ({id, kind: "message", author: "zed", participant_id: 9, body: "m" + id, created_at: at})));
        const reads = new Reads("x", ol, {me: () => 5});
        reads.apply({version: 7, by: [
          {participant_id: 1, nickname: "carol", last_read_id: 3},
          {participant_id: 2, nickname: "bob", last_read_id: 3},
          {participant_id: 3, nickname: "dave", last_read_id: 9},
          {participant_id: 4, nickname: "erin", last_read_id: 1},
          {participant_id: 5, nickname: "me", last_read_id: 3},
          {participant_id: 9, nickname: "zed", last_read_id: 3},
        ]});
    }""")
    items = page.locator("#probe > li")
    # Each reader once, under the last message they saw; not the reader themself, not the author.
    expect(items.nth(0).locator(".seen")).to_have_text("Seen by erin")
    expect(items.nth(1).locator(".seen")).to_have_count(0)
    newest = items.nth(2).locator(".seen")
    expect(newest).to_have_attribute("title", "Seen by bob, carol, dave")
    toggle = newest.get_by_role("button", name="Seen by 3")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(newest.locator(".seen-names")).to_be_hidden()
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(newest.locator(".seen-names")).to_have_text("bob, carol, dave")
