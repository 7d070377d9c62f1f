"""The console's review queue: the host's word filter holds a message, its author sees it held,
nobody else sees it; the host or a moderator approves it (everyone then sees it) or rejects it (it
is gone); the activity log says who did what. And "Show when people join" turned off."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import LiveServer
from tests.browser.steps import open_link, open_room

# The console loads the queue with the people list, every 10 s: a held message shows within that.
QUEUE_MS = 15_000


def send(page: Any, text: str) -> None:
    page.get_by_label("Message").fill(text)
    page.get_by_label("Message").press("Enter")


def delivered(page: Any) -> Any:
    """The messages of a room (or a console) that the server delivered: not the reader's outbox."""
    return page.locator("#messages li.message:not(.outgoing) .body")


def test_held_messages_are_reviewed_in_the_console_by_the_host_and_a_moderator(
    live_server: LiveServer, context_factory: Any
) -> None:
    created = live_server.create_event(title="Town hall")
    slug = created["event"]["slug"]
    key = created["host_key"]
    status, added = live_server.api("POST", f"/api/events/{slug}/moderators", {"name": "Maya"}, key)
    assert status == 201, added

    host = open_link(context_factory(), live_server.base + created["links"]["host"])
    queue = host.locator("#held li")
    expect(host.get_by_text("Nothing is waiting for review.")).to_be_visible()
    expect(host.locator("#held-count")).to_have_text("")

    # The host sets the word filter; the server keeps it as it compares (lower case), for the hosts only.
    words = host.get_by_label("Held for review: one word or phrase per line")
    words.fill("Spam*\n\nCheap pills\n")
    host.get_by_role("button", name="Save the word filter").click()
    expect(host.locator("#filter-status")).to_have_text(
        "Saved: a message with one of these 2 words or phrases is held for review."
    )
    expect(words).to_have_value("spam*\ncheap pills")
    assert live_server.api("GET", f"/api/events/{slug}/host", token=key)[1]["filter_words"] == ["spam*", "cheap pills"]
    assert "filter_words" not in live_server.api("GET", f"/api/events/{slug}")[1]["event"]

    carol = open_room(context_factory(), live_server, slug, "carol")
    dave = open_room(context_factory(), live_server, slug, "dave")

    # Held: carol sees it waiting, marked so; the host finds it in the queue, with her name and the time.
    send(carol, "Buy CHEAP pills here")
    held = carol.locator("#messages li.outgoing.held", has_text="Buy CHEAP pills here")
    expect(held).to_contain_text("Held for review: only you and the hosts can see it.")
    first = queue.filter(has_text="Buy CHEAP pills here")
    expect(first).to_be_visible(timeout=QUEUE_MS)
    expect(first.locator(".nick")).to_have_text("carol")
    expect(first.locator("time")).to_have_attribute("datetime", re.compile(r"^\d{4}-\d\d-\d\dT"))
    expect(host.locator("#held-count")).to_have_text("1 waiting")
    expect(host.locator("#held-count")).to_have_attribute("aria-live", "polite")
    expect(host.get_by_text("Nothing is waiting for review.")).to_be_hidden()

    send(carol, "spamming again <b>bold</b>")
    second = queue.filter(has_text="spamming again <b>bold</b>")  # as text, never as markup
    expect(second).to_be_visible(timeout=QUEUE_MS)
    expect(host.locator("#held-count")).to_have_text("2 waiting")
    expect(queue).to_have_count(2)

    # Approved: it goes into the chat as carol's message, for everyone.
    first.get_by_role("button", name="Approve the message from carol").click()
    expect(host.locator("#held-status")).to_have_text("The message from carol is in the chat now.")
    expect(queue).to_have_count(1)
    expect(host.locator("#held-count")).to_have_text("1 waiting")
    expect(delivered(dave)).to_have_text(["Buy CHEAP pills here"])
    expect(delivered(carol)).to_have_text(["Buy CHEAP pills here"])
    expect(held).to_have_count(0)
    expect(delivered(host)).to_have_text(["Buy CHEAP pills here"])

    # Rejected: gone from the queue, never shown to anyone else.
    second.get_by_role("button", name="Reject the message from carol").click()
    expect(host.locator("#held-status")).to_have_text("The message from carol was rejected: nobody else will see it.")
    expect(queue).to_have_count(0)
    expect(host.get_by_text("Nothing is waiting for review.")).to_be_visible()
    expect(host.locator("#held-count")).to_have_text("")
    send(carol, "sorry about that")
    expect(delivered(dave)).to_have_text(["Buy CHEAP pills here", "sorry about that"])
    expect(dave.locator("#messages")).not_to_contain_text("spamming again")
    expect(delivered(host)).to_have_text(["Buy CHEAP pills here", "sorry about that"])

    # The activity log, newest first, says who did what.
    log = host.locator("#activity li")
    expect(log.nth(0)).to_contain_text("Host rejected a held message from carol")
    expect(log.nth(1)).to_contain_text("Host approved a held message from carol")
    expect(log.filter(has_text="Host changed the word filter")).to_have_count(1)
    expect(log.filter(has_text="Host added Maya as a moderator")).to_have_count(1)

    # A moderator's console has the queue too, and may approve.
    send(carol, "spamalot tickets")
    moderator = open_link(context_factory(), live_server.base + added["link"])
    expect(moderator.locator("#host-role")).to_contain_text("You are moderating as Maya.")
    third = moderator.locator("#held li", has_text="spamalot tickets")
    expect(third).to_be_visible(timeout=QUEUE_MS)
    # The word filter is the host's to change: the moderator reads it.
    expect(moderator.get_by_label("Held for review: one word or phrase per line")).to_have_value("spam*\ncheap pills")
    expect(moderator.get_by_label("Held for review: one word or phrase per line")).not_to_be_editable()
    expect(moderator.get_by_role("button", name="Save the word filter")).to_be_hidden()
    third.get_by_role("button", name="Approve the message from carol").click()
    expect(moderator.locator("#held-status")).to_have_text("The message from carol is in the chat now.")
    expect(moderator.get_by_text("Nothing is waiting for review.")).to_be_visible()
    expect(delivered(dave).last).to_have_text("spamalot tickets")
    expect(moderator.locator("#activity li").first).to_contain_text(
        "Maya (moderator) approved a held message from carol"
    )
    # The host's console learns it on its next round.
    expect(log.first).to_contain_text("Maya (moderator) approved a held message from carol", timeout=QUEUE_MS)
    expect(queue).to_have_count(0)


def test_the_word_filter_says_what_is_wrong_with_a_line(live_server: LiveServer, context_factory: Any) -> None:
    created = live_server.create_event()
    slug = created["event"]["slug"]
    host = open_link(context_factory(), live_server.base + created["links"]["host"])
    words = host.get_by_label("Held for review: one word or phrase per line")
    save = host.get_by_role("button", name="Save the word filter")

    words.fill("fine\n*a*b*c*\nalso fine")
    save.click()
    error = host.locator("#r-filter-error")
    expect(error).to_contain_text("Line 2:")
    expect(words).to_have_attribute("aria-invalid", "true")
    expect(words).to_be_focused()

    words.fill("\n".join(f"word{n}" for n in range(201)))
    save.click()
    expect(error).to_have_text("At most 200 words or phrases: this list has 201.")

    # Emptied: no filter at all.
    words.fill("")
    expect(error).to_be_hidden()
    save.click()
    expect(host.locator("#filter-status")).to_have_text("Saved: there is no word filter, so no message is held.")
    key = created["host_key"]
    assert live_server.api("GET", f"/api/events/{slug}/host", token=key)[1]["filter_words"] == []


def test_turning_off_join_items_keeps_a_new_joiner_out_of_the_chat(
    live_server: LiveServer, context_factory: Any
) -> None:
    created = live_server.create_event()
    slug = created["event"]["slug"]
    host = open_link(context_factory(), live_server.base + created["links"]["host"])
    alice = open_room(context_factory(), live_server, slug, "alice")
    joined = alice.locator('#messages li.system[data-code="joined"]')
    expect(joined).to_have_count(1)  # alice's own

    box = host.get_by_label("Show when people join")
    expect(box).to_be_checked()
    box.uncheck()
    expect(host.locator("#room-status")).to_have_text("The chat no longer says when someone joins.")
    assert live_server.api("GET", f"/api/events/{slug}")[1]["event"]["join_items"] is False

    bob = open_room(context_factory(), live_server, slug, "bob")
    send(bob, "hello from bob")
    expect(delivered(alice)).to_have_text(["hello from bob"])
    expect(joined).to_have_count(1)  # no "bob joined."
    # On again (after a reload: the console reads it back): the next joiner is said. Without the
    # item the console's people list finds bob on its next round (every 10 s), or at once on a load.
    host.reload()
    expect(host.locator("#participants")).to_contain_text("bob")
    expect(host.get_by_label("Show when people join")).not_to_be_checked()
    host.get_by_label("Show when people join").check()
    expect(host.locator("#room-status")).to_have_text("The chat says when someone joins.")
    live_server.join(slug, "cleo")
    expect(joined.last).to_contain_text("cleo joined.")
    expect(joined).to_have_count(2)


def test_after_the_close_a_held_message_can_only_be_rejected(live_server: LiveServer, context_factory: Any) -> None:
    created = live_server.create_event(filter_words=["casino"])
    slug = created["event"]["slug"]
    key = created["host_key"]
    eve = live_server.join(slug, "eve")
    status, reply = live_server.api("POST", f"/api/events/{slug}/messages", {"body": "casino bonus"}, eve)
    assert status == 202, reply
    assert live_server.api("POST", f"/api/events/{slug}/close", token=key)[0] == 200

    host = open_link(context_factory(), live_server.base + created["links"]["host"])
    expect(host.locator("#state-badge")).to_have_text("Closed")
    item = host.locator("#held li", has_text="casino bonus")
    expect(item.get_by_role("button", name="Reject the message from eve")).to_be_visible()
    expect(item.get_by_role("button", name="Approve the message from eve")).to_be_hidden()
    expect(host.get_by_label("Held for review: one word or phrase per line")).not_to_be_editable()
    item.get_by_role("button", name="Reject the message from eve").click()
    expect(host.get_by_text("Nothing is waiting for review.")).to_be_visible()
    assert live_server.api("GET", f"/api/events/{slug}/held", token=key)[1]["held"] == []
    expect(host.locator("#activity li").first).to_contain_text("Host rejected a held message from eve")
