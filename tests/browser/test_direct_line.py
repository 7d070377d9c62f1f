"""The direct line end to end, as issue 19 asks: a participant writes privately from the room, the
host answers from the console's inbox, and a third person sees nothing of it: not in the room, not
in the transcript, not in a chat bar on another site (nor does that site's page hear of it)."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import LiveServer
from tests.browser.steps import open_link, open_room
from tests.browser.test_chat_bar import app_page, room_in, wait_ready
from tests.browser.test_chat_bar_signed import LISTEN
from tests.browser.test_host_inbox import INBOX, row
from tests.browser.test_private_thread import participant_id, private_box, shown_thread

QUESTION = "My invoice shows the wrong address"
ANSWER = "Fixed: download it again"


def test_a_question_to_the_hosts_is_answered_in_the_inbox_and_seen_by_nobody_else(
    live_server: LiveServer, context_factory: Any, other_site: tuple[str, dict[str, str]]
) -> None:
    created = live_server.create_event(title="Support hour")
    slug = created["event"]["slug"]
    alice = open_room(context_factory(), live_server, slug, "alice")
    bob = open_room(context_factory(), live_server, slug, "bob")
    carol_site = app_page(context_factory(), other_site, live_server, slug)
    wait_ready(carol_site)
    carol_site.evaluate(LISTEN)
    host = open_link(context_factory(), live_server.base + created["links"]["host"], INBOX)

    alice.get_by_role("button", name="Message the hosts privately").click()
    private_box(alice).fill(QUESTION)
    private_box(alice).press("Enter")
    expect(shown_thread(alice).locator(".body")).to_have_text([QUESTION])

    alice_id = participant_id(live_server, slug, "alice")
    conversation = row(host, alice_id)
    expect(conversation).to_contain_text(QUESTION)
    conversation.click()
    reply = host.get_by_role("textbox", name="Reply privately to alice")
    reply.fill(ANSWER)
    reply.press("Enter")
    expect(shown_thread(alice).locator(".body")).to_have_text([QUESTION, ANSWER])

    # A public line after both: once bob, the transcript and carol's bar have it, they would have
    # had the private ones too, had they been sent to them.
    bob.get_by_label("Message", exact=True).fill("Thanks for the session")
    bob.get_by_label("Message", exact=True).press("Enter")
    expect(alice.locator("#messages")).to_contain_text("Thanks for the session")
    expect(bob.locator("#messages li.message .body")).to_have_text(["Thanks for the session"])
    expect(bob.locator("body")).not_to_contain_text(QUESTION)
    expect(bob.locator("body")).not_to_contain_text(ANSWER)
    expect(bob.get_by_role("button", name="Message the hosts privately").locator(".private-count")).to_be_hidden()

    carol_site.wait_for_function("heard.some(([type, d]) => type === 'message' && d.body === 'Thanks for the session')")
    heard = str(carol_site.evaluate("heard"))
    assert QUESTION not in heard and ANSWER not in heard
    carol_site.locator("chatserver-bar .bar").click()
    carol = room_in(carol_site)
    expect(carol.locator("#messages")).to_contain_text("Thanks for the session")
    expect(carol.locator("body")).not_to_contain_text(QUESTION)
    expect(carol.locator("body")).not_to_contain_text(ANSWER)

    transcript = bob.context.new_page()
    transcript.goto(f"{live_server.base}/e/{slug}/transcript")
    expect(transcript.locator("main")).to_contain_text("Thanks for the session")
    expect(transcript.locator("main")).not_to_contain_text(QUESTION)
    expect(transcript.locator("main")).not_to_contain_text(ANSWER)
