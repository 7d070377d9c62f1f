"""Offline: messages wait in an outbox (kept across reloads) and go once each, in order; the room
stays readable from its cache; a message the server refuses is marked failed, to retry or discard.

How "offline" is made here: context.set_offline(True) cuts the pages' own requests (posts go from
the page). In Chromium it does not cut a SharedWorker's requests, but it does set the worker's
navigator.onLine to false, and the poll treats that as offline (a real offline browser would fail
the request anyway). Where a test must be sure nothing at all reaches the server, it also stops
the server.
"""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import LiveServer
from tests.browser.steps import open_room

SLOW_STEP_MS = 15_000


def send(page: Any, text: str) -> None:
    page.get_by_label("Message").fill(text)
    page.get_by_label("Message").press("Enter")


def say(server: LiveServer, slug: str, token: str, body: str) -> None:
    status, reply = server.api("POST", f"/api/events/{slug}/messages", {"body": body}, token)
    assert status == 201, reply


def bodies(server: LiveServer, slug: str) -> list[str]:
    status, reply = server.api("GET", f"/api/events/{slug}/messages?after=0&limit=1000")
    assert status == 200
    return [i["body"] for i in reply["messages"] if i["kind"] == "message"]


def test_messages_written_offline_go_once_each_in_order_when_back_online(
    live_server: LiveServer, context_factory: Any
) -> None:
    slug = live_server.create_event()["event"]["slug"]
    context = context_factory()
    page = open_room(context, live_server, slug, "alice")

    context.set_offline(True)
    for n in range(3):
        send(page, f"offline {n}")
    pending = page.locator("#messages li.outgoing.pending")
    expect(pending).to_have_count(3)
    expect(pending.locator(".body")).to_have_text(["offline 0", "offline 1", "offline 2"])
    expect(pending.first).to_contain_text("Waiting for the network")
    expect(page.get_by_label("Message")).to_have_value("")  # the box is free for the next one
    assert bodies(live_server, slug) == []

    context.set_offline(False)
    expect(page.locator("#messages li.outgoing")).to_have_count(0)
    expect(page.locator("#messages li.message .body")).to_have_text(["offline 0", "offline 1", "offline 2"])
    assert bodies(live_server, slug) == ["offline 0", "offline 1", "offline 2"]


def test_a_reload_offline_shows_the_cached_room_and_keeps_the_outbox(
    live_server: LiveServer, context_factory: Any
) -> None:
    slug = live_server.create_event(title="Offline room")["event"]["slug"]
    bob = live_server.join(slug, "bob")
    context = context_factory()
    page = open_room(context, live_server, slug, "alice")
    for n in range(3):
        say(live_server, slug, bob, f"cached {n}")
    expect(page.locator("#messages li.message")).to_have_count(3)
    # The service worker has stored the page and its files (the conversation is in IndexedDB).
    expect(page.locator("html")).to_have_attribute("data-offline-ready", "true")

    context.set_offline(True)
    live_server.stop()  # nothing can answer: whatever shows comes from this browser
    page.reload()
    # Generous timeouts on the steps a slow CI machine stretches (service worker, reconnecting);
    # what is asserted does not change.
    expect(page.locator("h1")).to_have_text("Offline room", timeout=SLOW_STEP_MS)
    expect(page.locator("#messages li.message .body")).to_have_text(
        ["cached 0", "cached 1", "cached 2"], timeout=SLOW_STEP_MS
    )
    expect(page.locator("#connection")).to_be_visible(timeout=SLOW_STEP_MS)
    expect(page.locator("#me")).to_have_text("alice")

    send(page, "written offline")
    expect(page.locator("#messages li.outgoing.pending")).to_have_count(1)
    page.reload()  # the outbox is kept in IndexedDB too
    expect(page.locator("#messages li.outgoing.pending .body")).to_have_text("written offline", timeout=SLOW_STEP_MS)

    live_server.restart()
    context.set_offline(False)
    expect(page.locator("#messages li.outgoing")).to_have_count(0, timeout=SLOW_STEP_MS)
    expect(page.locator("#messages li.message .body")).to_have_text(
        ["cached 0", "cached 1", "cached 2", "written offline"], timeout=SLOW_STEP_MS
    )
    expect(page.locator("#connection")).to_be_hidden(timeout=SLOW_STEP_MS)
    assert bodies(live_server, slug) == ["cached 0", "cached 1", "cached 2", "written offline"]


def test_a_message_the_server_refuses_is_marked_failed_and_can_be_discarded(
    live_server: LiveServer, context_factory: Any
) -> None:
    created = live_server.create_event()
    slug = created["event"]["slug"]
    context = context_factory()
    page = open_room(context, live_server, slug, "alice")

    context.set_offline(True)
    send(page, "too late")
    expect(page.locator("#messages li.outgoing.pending")).to_have_count(1)
    status, _ = live_server.api("POST", f"/api/events/{slug}/close", token=created["host_key"])
    assert status == 200
    context.set_offline(False)

    failed = page.locator("#messages li.outgoing.failed")
    expect(failed).to_have_count(1)
    expect(failed).to_contain_text("too late")
    expect(failed.locator(".send-state")).to_have_text("Not sent")
    expect(failed.locator(".reason")).to_have_text("The event has closed.")
    expect(page.locator("#closed")).to_be_visible()
    expect(failed.get_by_role("button", name="Retry")).to_be_visible()
    failed.get_by_role("button", name="Discard").click()
    expect(page.locator("#messages li.outgoing")).to_have_count(0)
    assert bodies(live_server, slug) == []


def test_a_banned_writer_sees_the_refusal_on_the_message(live_server: LiveServer, context_factory: Any) -> None:
    created = live_server.create_event()
    slug = created["event"]["slug"]
    context = context_factory()
    page = open_room(context, live_server, slug, "troll")
    _, people = live_server.api("GET", f"/api/events/{slug}/participants")
    troll = people["participants"][0]["id"]

    context.set_offline(True)
    send(page, "something rude")
    live_server.api("POST", f"/api/events/{slug}/participants/{troll}/ban", token=created["host_key"])
    context.set_offline(False)
    failed = page.locator("#messages li.outgoing.failed")
    expect(failed.locator(".reason")).to_have_text("The host removed you from this room.")
    expect(page.get_by_label("Message")).to_be_disabled()
    failed.get_by_role("button", name="Retry").click()  # refused again, and still kept
    expect(failed.locator(".reason")).to_have_text("The host removed you from this room.")
    assert bodies(live_server, slug) == []


def test_messages_left_unsent_when_the_event_closed_are_shown_on_the_next_visit(
    live_server: LiveServer, context_factory: Any
) -> None:
    created = live_server.create_event()
    slug = created["event"]["slug"]
    context = context_factory()
    page = open_room(context, live_server, slug, "alice")
    page.get_by_label("Message").fill("hello")
    page.get_by_label("Message").press("Enter")
    expect(page.locator("#messages li.message")).to_have_count(1)
    context.set_offline(True)
    send(page, "written on the train")
    expect(page.locator("#messages li.outgoing.pending")).to_have_count(1)
    page.close()  # the tab goes before the network comes back; the message stays in the outbox
    live_server.api("POST", f"/api/events/{slug}/close", token=created["host_key"])
    context.set_offline(False)

    later = context.new_page()
    later.goto(f"{live_server.base}/e/{slug}")
    expect(later.locator("#closed")).to_be_visible()
    expect(later.locator("#messages li.message:not(.outgoing) .body")).to_have_text(["hello"])
    failed = later.locator("#messages li.outgoing.failed")
    expect(failed.locator(".body")).to_have_text("written on the train")
    expect(failed.locator(".reason")).to_have_text("The event has closed.")
    failed.get_by_role("button", name="Discard").click()
    expect(later.locator("#messages li.outgoing")).to_have_count(0)
    assert bodies(live_server, slug) == ["hello"]


def test_a_reload_shows_the_cache_at_once_and_reads_on_from_its_cursor(
    live_server: LiveServer, context_factory: Any
) -> None:
    slug = live_server.create_event()["event"]["slug"]
    bob = live_server.join(slug, "bob")
    for n in range(3):
        say(live_server, slug, bob, f"before {n}")
    context = context_factory()
    # Without a SharedWorker the page polls itself, so its requests can be watched here.
    context.add_init_script("delete window.SharedWorker")
    page = context.new_page()
    page.goto(f"{live_server.base}/e/{slug}")
    expect(page.locator("#messages li.message")).to_have_count(3)
    newest = int(page.locator("#messages li.item").last.get_attribute("data-id") or 0)
    # The copy is written to IndexedDB a moment after the items show: reload once it holds them.
    page.wait_for_function(
        """async ([slug, newest]) => {
            const { db } = await import("/static/idb.js");
            return (await db.loadRoom(slug)).cursor >= newest;
        }""",
        arg=[slug, newest],
    )

    polls: list[str] = []
    page.on("request", lambda r: polls.append(r.url) if f"/api/events/{slug}/messages?" in r.url else None)
    page.reload()
    expect(page.locator("#messages li.message")).to_have_count(3)
    say(live_server, slug, bob, "after the reload")
    expect(page.locator("#messages li.message").last).to_contain_text("after the reload")
    assert polls and f"after={newest}&" in polls[0], polls  # not the whole stream again
    ids = page.locator("#messages li.item").evaluate_all("els => els.map(e => Number(e.dataset.id))")
    assert ids == sorted(set(ids))
