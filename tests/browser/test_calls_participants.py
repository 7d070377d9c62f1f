"""Calls between two participants, where the event lets them write to each other
(`direct_messages: "everyone"`): the call buttons in the head of their private thread, the
callee's room rings with the caller's name, they talk (media both ways, exactly one polite side),
the call's line lands in their thread on both sides and nowhere else; a third participant's room
never rings. Should the hosts close the line mid-call, both sides end the call and say why; the
thread, kept, offers no call."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.browser.call_steps import TEST_FLAG, answered, declined, joined_in_a_bar
from tests.browser.conftest import LiveServer
from tests.browser.steps import open_room
from tests.browser.test_private_thread import private_box, shown_thread

# A page that records whether a call window ever opened on it (window.__rang).
RING_WATCH = """
window.__rang = false;
new MutationObserver(() => {
  if (document.querySelector(".call-window")) window.__rang = true;
}).observe(document, { subtree: true, childList: true });
"""


def rooms(live_server: LiveServer, context_factory: Any, *names: str) -> tuple[str, str, list[Any]]:
    """An open event where participants may write to each other; its slug, host key, and each
    name's room (joined), every page watched for a call window."""
    created = live_server.create_event(title="Meetup", direct_messages="everyone")
    slug, key = created["event"]["slug"], created["host_key"]
    pages = []
    for name in names:
        context = context_factory()
        context.add_init_script(TEST_FLAG + RING_WATCH)
        pages.append(open_room(context, live_server, slug, name))
    return slug, key, pages


def call_line(page: Any) -> Any:
    return page.locator("#private-thread ol:not([hidden]) li.call .body")


def test_a_participant_calls_another_who_answers_and_nobody_else_hears_of_it(
    live_server: LiveServer, context_factory: Any
) -> None:
    slug, key, (alice, bob, carol) = rooms(live_server, context_factory, "alice", "bob", "carol")
    alice.get_by_role("button", name="Message bob privately").click()
    panel = alice.locator("#private-thread")
    expect(panel.get_by_role("heading", name="Private messages with bob")).to_be_visible()
    panel.get_by_role("group", name="Call bob").get_by_role("button", name="Call", exact=True).click()
    mine = alice.get_by_role("dialog", name="Call with bob")
    expect(mine).to_contain_text("Calling bob…")

    ringing = bob.get_by_role("dialog", name="Call with alice")
    expect(ringing).to_contain_text("alice is calling (voice)")
    answered(alice, mine, bob, ringing)
    # Exactly one side yields in the negotiation.
    assert {alice.evaluate("window.__call.polite"), bob.evaluate("window.__call.polite")} == {True, False}
    expect(panel.get_by_role("button", name="Call", exact=True)).to_be_disabled()  # one call at a time

    mine.get_by_role("button", name="Hang up").click()
    expect(ringing.locator(".call-status")).to_have_text("Call ended.")
    expect(call_line(alice)).to_have_text(re.compile(r"^Voice call, \d+ s$"))
    bob.locator("#private-open").click()
    expect(bob.locator("#private-thread").get_by_role("heading", name="Private messages with alice")).to_be_visible()
    expect(call_line(bob)).to_have_text(re.compile(r"^Voice call, \d+ s$"))

    # A public line after the call's: once carol has it, she would have had the call's too.
    bob.get_by_label("Message", exact=True).fill("Back to the talk")
    bob.get_by_label("Message", exact=True).press("Enter")
    expect(carol.locator("#messages li.message .body")).to_have_text(["Back to the talk"])
    expect(carol.locator("li.call")).to_have_count(0)
    expect(carol.locator("#private-thread li")).to_have_count(0)
    assert carol.evaluate("window.__rang") is False
    assert alice.evaluate("window.__rang") is True  # the watch does see a call window


def test_the_hosts_closing_the_line_mid_call_ends_it_on_both_sides_and_takes_the_buttons(
    live_server: LiveServer, context_factory: Any
) -> None:
    slug, key, (alice, bob) = rooms(live_server, context_factory, "alice", "bob")
    bob.get_by_role("button", name="Message alice privately").click()
    private_box(bob).fill("Shall we talk?")
    private_box(bob).press("Enter")
    expect(shown_thread(bob).locator(".body")).to_have_text(["Shall we talk?"])
    bob.locator("#private-thread").get_by_role("button", name="Video call").click()
    ringing = alice.get_by_role("dialog", name="Call with bob")
    expect(ringing).to_contain_text("bob is calling (video)")
    mine = bob.get_by_role("dialog", name="Call with alice")
    answered(bob, mine, alice, ringing)

    # The hosts allow private messages to themselves only: the server refuses the call's signals,
    # and both sides say the call ended, and why.
    status, _ = live_server.api("PATCH", f"/api/events/{slug}", {"direct_messages": "hosts"}, key)
    assert status == 200
    expect(ringing.locator(".call-status")).to_have_text("The call ended: calls with bob are no longer allowed here.")
    expect(mine.locator(".call-status")).to_have_text("The call ended: calls with alice are no longer allowed here.")
    assert alice.evaluate("window.__call.pc.connectionState") == "closed"

    # Bob's thread with alice stays, to read: without a box, and without call buttons.
    panel = bob.locator("#private-thread")
    expect(panel).to_contain_text("This event takes private messages to the hosts only.")
    expect(panel.locator(".call-starts")).to_be_hidden()
    alice.locator("#private-open").click()
    expect(alice.locator("#private-thread").get_by_role("heading", name="Private messages with bob")).to_be_visible()
    expect(shown_thread(alice).locator(".body")).to_have_text(["Shall we talk?"])
    expect(alice.locator("#private-thread .call-starts")).to_be_hidden()


def test_the_chat_bar_calls_a_participant(
    live_server: LiveServer, context_factory: Any, other_site: tuple[str, dict[str, str]]
) -> None:
    """The bar's room shows the participants and their threads: the same buttons call from there."""
    slug, key, (bob,) = rooms(live_server, context_factory, "bob")
    app, room = joined_in_a_bar(context_factory(), other_site, live_server, slug, "carol")
    room.locator("#people-toggle").click()
    room.get_by_role("button", name="Message bob privately").click()
    room.locator("#private-thread").get_by_role("button", name="Call", exact=True).click()
    declined(room, "bob", bob, "carol", "audio")
    expect(room.locator("#private-thread ol:not([hidden]) li.call .body")).to_have_text("Declined call")
