"""The transcript page: an author deletes their own messages with the token their browser still has,
and messages written from the host console carry a Host (or Moderator) badge."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import LiveServer
from tests.browser.steps import open_room


def send(page: Any, text: str) -> None:
    page.get_by_label("Message").fill(text)
    page.get_by_label("Message").press("Enter")
    # Stored by the server: the room shows it as the reader's own, no longer waiting in the outbox.
    expect(page.locator("li.message.mine:not(.pending)", has_text=text)).to_have_count(1)


def transcript_text(server: LiveServer, slug: str) -> str:
    with urllib.request.urlopen(f"{server.base}/e/{slug}/transcript.txt", timeout=10) as resp:
        return str(resp.read().decode("utf-8"))


def message_id(server: LiveServer, slug: str, body: str) -> int:
    _, items = server.api("GET", f"/api/events/{slug}/messages?after=0")
    return int(next(i["id"] for i in items["messages"] if i.get("body") == body))


def chat_then_close(server: LiveServer, context: Any) -> tuple[str, str, str]:
    """alice joins in the browser and writes twice, bob (API) once, Ben from the host console once,
    then the host closes the event. Returns the slug, the host key and bob's token."""
    created = server.create_event(title="Team retro")
    slug, key = created["event"]["slug"], created["host_key"]
    room = open_room(context, server, slug, "alice")
    send(room, "first from alice")
    send(room, "second from alice")
    bob = server.join(slug, "bob")
    assert server.api("POST", f"/api/events/{slug}/messages", {"body": "hi from bob"}, bob)[0] == 201
    status, posted = server.api("POST", f"/api/events/{slug}/messages", {"body": "Thanks, all", "name": "Ben"}, key)
    assert status == 201 and posted["message"]["role"] == "host", posted
    assert server.api("POST", f"/api/events/{slug}/close", None, key)[0] == 200
    room.close()
    return slug, key, bob


def test_an_author_deletes_their_own_message_from_the_transcript(live_server: LiveServer, context_factory: Any) -> None:
    context = context_factory()
    slug, _, _ = chat_then_close(live_server, context)
    first, second = (
        message_id(live_server, slug, "first from alice"),
        message_id(live_server, slug, "second from alice"),
    )
    bob = message_id(live_server, slug, "hi from bob")
    host = message_id(live_server, slug, "Thanks, all")

    page = context.new_page()
    page.goto(f"{live_server.base}/e/{slug}/transcript")
    log = page.locator("ol.log")
    # Delete on alice's two messages only: not on bob's, not on the host's.
    deletes = log.get_by_role("button", name="Delete")
    expect(deletes).to_have_count(2)
    expect(page.locator(f"#m{first}").get_by_role("button", name="Delete")).to_be_visible()
    expect(page.locator(f"#m{second}").get_by_role("button", name="Delete")).to_be_visible()
    expect(page.locator(f"#m{bob}").get_by_role("button")).to_have_count(0)
    expect(page.locator(f"#m{host}").get_by_role("button")).to_have_count(0)
    # The host's message says who wrote it: Ben, the host.
    badge = page.locator(f"#m{host} .role-badge")
    expect(badge).to_have_text("Host")
    expect(badge).to_have_attribute("data-role", "host")
    expect(page.locator(f"#m{host} .author")).to_have_text("Ben")
    expect(log.locator(".role-badge")).to_have_count(1)

    # Going back from the confirmation changes nothing.
    page.locator(f"#m{first}").get_by_role("button", name="Delete").click()
    dialog = page.get_by_role("dialog", name="Delete your message?")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("This cannot be undone.")
    expect(dialog.get_by_role("button", name="Cancel")).to_be_focused()
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    expect(page.locator(f"#m{first} .body")).to_have_text("first from alice")
    assert "first from alice" in transcript_text(live_server, slug)

    # Confirmed: the text is gone from the page, in place, and from the server's transcript.
    page.locator(f"#m{first}").get_by_role("button", name="Delete").click()
    with page.expect_request(lambda r: r.url.endswith(f"/api/events/{slug}/redactions")) as sent:
        dialog.get_by_role("button", name="Delete").click()
    assert json.loads(sent.value.post_data or "{}") == {"id": first}
    assert str(sent.value.headers.get("authorization", "")).startswith("Bearer ")
    expect(page.locator(f"#m{first} .body")).to_have_text("Deleted by its author")
    expect(page.locator("#redact-status")).to_have_text("Your message was deleted.")
    expect(page.locator(f"#m{first}")).to_be_focused()
    expect(deletes).to_have_count(1)
    expect(log).not_to_contain_text("first from alice")
    text = transcript_text(live_server, slug)
    assert "first from alice" not in text
    assert "second from alice" in text and "hi from bob" in text
    assert "Ben (host): Thanks, all" in text

    # Read again, the transcript no longer has it; the other messages stay.
    page.reload()
    expect(page.locator(f"#m{first}")).to_have_count(0)
    expect(page.locator(f"#m{second} .body")).to_have_text("second from alice")
    expect(page.locator(f"#m{bob} .body")).to_have_text("hi from bob")
    expect(page.locator("ol.log").get_by_role("button", name="Delete")).to_have_count(1)


def test_a_chat_bar_identity_deletes_too_and_refusals_are_said(live_server: LiveServer, context_factory: Any) -> None:
    slug, _, bob_token = chat_then_close(live_server, context_factory())
    _, people = live_server.api("GET", f"/api/events/{slug}/participants")
    ids = {p["nickname"]: p["id"] for p in people["participants"]}
    bob, first = message_id(live_server, slug, "hi from bob"), message_id(live_server, slug, "first from alice")

    # A browser where bob's identity comes from a chat bar on another site, its token no longer known.
    page = context_factory().new_page()
    page.goto(f"{live_server.base}/e/{slug}/transcript")
    key = f"chatserver.participant.{slug}.in.https://blog.example"

    def keep(participant: int, token: str) -> None:
        value = json.dumps({"id": participant, "nickname": "bob", "token": token})
        page.evaluate("([key, value]) => localStorage.setItem(key, value)", [key, value])
        page.reload()

    keep(ids["bob"], "not-the-token")
    deletes = page.locator("ol.log").get_by_role("button", name="Delete")
    expect(deletes).to_have_count(1)
    page.locator(f"#m{bob}").get_by_role("button", name="Delete").click()
    page.get_by_role("dialog").get_by_role("button", name="Delete").click()
    status = page.locator("#redact-status")
    expect(status).to_have_text(
        "This browser is no longer known as the author of these messages, so it cannot delete them."
    )
    expect(status).to_have_attribute("data-kind", "error")
    expect(deletes).to_have_count(0)  # none of that identity's buttons can work
    expect(page.locator(f"#m{bob} .body")).to_have_text("hi from bob")

    # A token that is good, but not the author's: the server's refusal, and the button stays.
    keep(ids["alice"], bob_token)
    expect(deletes).to_have_count(2)
    page.locator(f"#m{first}").get_by_role("button", name="Delete").click()
    page.get_by_role("dialog").get_by_role("button", name="Delete").click()
    expect(status).to_have_text("You can redact only your own messages.")
    expect(page.locator(f"#m{first}").get_by_role("button", name="Delete")).to_be_enabled()
    expect(page.locator(f"#m{first} .body")).to_have_text("first from alice")

    # With the token the bar really has, it works.
    keep(ids["bob"], bob_token)
    expect(status).to_be_hidden()
    page.locator(f"#m{bob}").get_by_role("button", name="Delete").click()
    page.get_by_role("dialog").get_by_role("button", name="Delete").click()
    expect(page.locator(f"#m{bob} .body")).to_have_text("Deleted by its author")
    text = transcript_text(live_server, slug)
    assert "hi from bob" not in text and "first from alice" in text


def test_a_moderator_message_shows_the_moderator_badge(live_server: LiveServer, context_factory: Any) -> None:
    created = live_server.create_event()
    slug, key = created["event"]["slug"], created["host_key"]
    status, moderator = live_server.api("POST", f"/api/events/{slug}/moderators", {"name": "Maya"}, key)
    assert status == 201, moderator
    assert (
        live_server.api("POST", f"/api/events/{slug}/messages", {"body": "Please stay on topic"}, moderator["key"])[0]
        == 201
    )
    page = context_factory().new_page()
    page.goto(f"{live_server.base}/e/{slug}/transcript")
    line = page.locator("ol.log li.message", has_text="Please stay on topic")
    expect(line.locator(".author")).to_have_text("Maya")
    expect(line.locator(".role-badge")).to_have_text("Moderator")
    expect(line.locator(".role-badge")).to_have_attribute("data-role", "moderator")
    expect(line.get_by_role("button")).to_have_count(0)  # nobody's token here
