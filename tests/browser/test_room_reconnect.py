"""The stream client across trouble: a server restart, lost responses, a reloaded stream, offline,
and the SSE stream with its fallback to long polls."""

from __future__ import annotations

import json
import re
import time
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import LiveServer
from tests.browser.steps import streams_and_polls


def room(context: Any, server: LiveServer, slug: str, nickname: str, query: str = "") -> Any:
    page = context.new_page()
    page.goto(f"{server.base}/e/{slug}{query}")
    page.evaluate("window.sameDocument = true")
    page.get_by_label("Choose a nickname").fill(nickname)
    page.get_by_role("button", name="Join").click()
    expect(page.locator("#composer")).to_be_visible()
    return page


# Long polls only (no SSE stream once loaded): for the tests that route the poll's answers.
POLLS_ONLY = "?transport=poll"


def polling_in_the_page(context: Any) -> Any:
    """Take the SharedWorker away: Playwright's routes never see a shared worker's requests, so a
    test that routes the long poll needs the page to poll itself. It is the room's fallback for
    browsers without SharedWorker: the only tab is the leader and holds the poll."""
    context.add_init_script("delete window.SharedWorker")
    return context


def say(server: LiveServer, slug: str, token: str, body: str) -> None:
    status, reply = server.api("POST", f"/api/events/{slug}/messages", {"body": body}, token)
    assert status == 201, reply


def shown_ids(page: Any) -> list[int]:
    return [int(i) for i in page.locator("#messages li.item").evaluate_all("els => els.map(e => e.dataset.id)")]


def server_ids(server: LiveServer, slug: str) -> list[int]:
    status, reply = server.api("GET", f"/api/events/{slug}/messages?after=0&limit=1000")
    assert status == 200
    return [i["id"] for i in reply["messages"] if i["kind"] != "retraction"]


def test_server_restart_mid_chat_reconnects_without_duplicates_or_gaps(
    live_server: LiveServer, context_factory: Any
) -> None:
    slug = live_server.create_event()["event"]["slug"]
    bob = live_server.join(slug, "bob")
    page = room(context_factory(), live_server, slug, "alice")
    for n in range(3):
        say(live_server, slug, bob, f"before {n}")
    expect(page.locator("#messages li.message")).to_have_count(3)

    live_server.stop()
    banner = page.locator("#connection")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("Reconnecting")
    live_server.restart()
    # Back without anything new to read: the reconnection is confirmed at once, not after a hold.
    expect(banner).to_be_hidden(timeout=5000)
    for n in range(3):
        say(live_server, slug, bob, f"after {n}")
    expect(page.locator("#messages li.message")).to_have_count(6)
    page.get_by_label("Message").fill("back again")
    page.keyboard.press("Enter")
    expect(page.locator("#messages li.message")).to_have_count(7)
    say(live_server, slug, bob, "and the poll still runs")
    expect(page.locator("#messages li.message")).to_have_count(8)

    ids = shown_ids(page)
    assert ids == server_ids(live_server, slug)  # every item once, in order: no duplicates, no gaps
    assert page.evaluate("window.sameDocument") is True


def test_a_post_whose_answer_is_lost_is_retried_once_with_the_same_client_id(
    live_server: LiveServer, context_factory: Any
) -> None:
    slug = live_server.create_event()["event"]["slug"]
    page = room(context_factory(), live_server, slug, "alice")
    sent: list[dict[str, Any]] = []

    def lose_first_answer(route: Any) -> None:
        if route.request.method != "POST":
            route.fallback()
            return
        sent.append(json.loads(route.request.post_data or "{}"))
        if len(sent) == 1:
            route.fetch()  # the server stores the message…
            route.abort("connectionreset")  # …but its answer never arrives
        else:
            route.fallback()

    page.route(lambda url: url.endswith(f"/api/events/{slug}/messages"), lose_first_answer)
    page.get_by_label("Message").fill("exactly once")
    page.keyboard.press("Enter")

    expect(page.locator("#messages li.message")).to_have_count(1)
    expect(page.get_by_label("Message")).to_have_value("")
    # Settled by whichever comes first: the outbox's retry, or the stored message arriving on the
    # stream with its client_id. Nothing stays pending, and a retry is the same message again.
    expect(page.locator("#messages li.outgoing")).to_have_count(0)
    assert 1 <= len(sent) <= 2 and len({s["client_id"] for s in sent}) == 1
    status, stream = live_server.api("GET", f"/api/events/{slug}/messages?after=0")
    assert [i["body"] for i in stream["messages"] if i["kind"] == "message"] == ["exactly once"]


def test_cursor_ahead_reloads_the_stream_from_the_start(live_server: LiveServer, context_factory: Any) -> None:
    slug = live_server.create_event()["event"]["slug"]
    bob = live_server.join(slug, "bob")
    say(live_server, slug, bob, "one")
    page = room(polling_in_the_page(context_factory()), live_server, slug, "alice", POLLS_ONLY)
    expect(page.locator("#messages li.message")).to_have_count(1)
    answered: list[str] = []

    def ahead_once(route: Any) -> None:
        if answered or "after=0" in route.request.url:
            route.fallback()
            return
        answered.append(route.request.url)
        route.fulfill(
            status=409,
            content_type="application/json",
            body=json.dumps({"error": {"code": "cursor_ahead", "message": "reload from after=0."}}),
        )

    page.route(lambda url: f"/api/events/{slug}/messages?" in url, ahead_once)
    # Mark what is shown now: after the reload from 0, every element is a new one.
    page.locator("#messages li").evaluate_all("els => els.forEach((e) => { e.dataset.old = 'yes'; })")
    say(live_server, slug, bob, "two")  # ends a held poll; the first poll past the route gets 409
    expect(page.locator("#messages li[data-old]")).to_have_count(0)
    expect(page.locator("#messages li.message")).to_have_count(2)
    expect(page.locator("#messages li.message").last).to_contain_text("two")
    expect(page.locator("#messages")).to_have_attribute("aria-busy", "false")
    assert answered
    assert shown_ids(page) == server_ids(live_server, slug)


def test_resumes_at_once_when_the_network_comes_back(live_server: LiveServer, context_factory: Any) -> None:
    slug = live_server.create_event()["event"]["slug"]
    bob = live_server.join(slug, "bob")
    context = context_factory()
    page = room(context, live_server, slug, "alice")
    banner = page.locator("#connection")

    # Offline, every poll fails at once. Each 'online' nudge polls again and fails again, so the
    # backoff grows until the next try is at least 6 s away.
    context.set_offline(True)
    page.wait_for_function(
        """() => {
        const m = /in (\\d+) s/.exec(document.getElementById("connection-text").textContent);
        if (m && Number(m[1]) >= 6) return true;
        window.dispatchEvent(new Event("online"));
        return false;
    }""",
        polling=100,
        timeout=5000,
    )
    expect(banner).to_be_visible()
    say(live_server, slug, bob, "while offline")
    context.set_offline(False)  # fires 'online': the client polls without waiting out its backoff
    expect(page.locator("#messages li.message")).to_contain_text("while offline", timeout=2000)
    expect(banner).to_be_hidden()


def test_a_busy_server_is_retried_after_its_retry_after(live_server: LiveServer, context_factory: Any) -> None:
    slug = live_server.create_event()["event"]["slug"]
    bob = live_server.join(slug, "bob")
    page = room(polling_in_the_page(context_factory()), live_server, slug, "alice", POLLS_ONLY)
    refused: list[str] = []

    def busy_once(route: Any) -> None:
        if refused:
            route.fallback()
            return
        refused.append(route.request.url)
        route.fulfill(
            status=429,
            headers={"Retry-After": "2"},
            content_type="application/json",
            body=json.dumps({"error": {"code": "rate_limited", "message": "Too many requests; try again in 2 s."}}),
        )

    page.route(lambda url: f"/api/events/{slug}/messages?" in url, busy_once)
    say(live_server, slug, bob, "wake the poll")
    banner = page.locator("#connection")
    expect(banner).to_contain_text(re.compile(r"Reconnecting in [12] s"))
    say(live_server, slug, bob, "after the wait")
    expect(page.locator("#messages li.message", has_text="after the wait")).to_have_count(1, timeout=4000)
    expect(banner).to_be_hidden()


def test_the_room_streams_once_loaded_and_falls_back_to_polls(live_server: LiveServer, context_factory: Any) -> None:
    slug = live_server.create_event()["event"]["slug"]
    bob = live_server.join(slug, "bob")
    page = room(polling_in_the_page(context_factory()), live_server, slug, "alice")
    wait_for_connections(page, live_server, streams=1, polls=0)  # one SSE response, no poll held
    say(live_server, slug, bob, "over the stream")
    expect(page.locator("#messages")).to_contain_text("over the stream")
    page.close()

    # A proxy that answers the stream's URL, but not as a stream: the room polls from then on.
    refused = polling_in_the_page(context_factory())
    refused.route(
        lambda url: f"/api/events/{slug}/stream?" in url,
        lambda route: route.fulfill(status=200, content_type="application/json", body="{}"),
    )
    page = room(refused, live_server, slug, "carol")
    wait_for_connections(page, live_server, streams=0, polls=1)
    say(live_server, slug, bob, "over a poll")
    expect(page.locator("#messages")).to_contain_text("over a poll")
    assert shown_ids(page) == server_ids(live_server, slug)


def wait_for_connections(page: Any, server: LiveServer, streams: int, polls: int, timeout: float = 10.0) -> None:
    """Until the server holds exactly this many SSE streams and long polls. (It waits with the page,
    so that Playwright keeps serving the page's routes meanwhile.)"""
    deadline = time.monotonic() + timeout
    seen = None
    history = []
    while time.monotonic() < deadline:
        seen = streams_and_polls(server)
        history.append(seen)
        if seen == (streams, polls):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"expected {streams} streams and {polls} polls, saw {history}")
