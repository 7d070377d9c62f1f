"""What participants see of the host's moderation: slow mode, a mute, a room closed to new people,
the consent line on the join form, the host's badge, and a chat kept for the hosts after the close."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from typing import Any

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from tests.browser.conftest import LiveServer
from tests.browser.steps import open_room, settles_at
from tests.serverproc import ServerProcess

SLOW_COUNTDOWN_MS = 15_000  # a 5 s slow mode, counted down on a loaded machine


def send(page: Any, text: str) -> None:
    page.get_by_label("Message").fill(text)
    page.get_by_label("Message").press("Enter")


def me(page: Any, slug: str) -> dict[str, Any]:
    """The reader's identity as the browser keeps it for the room: {id, nickname, token}."""
    return dict(json.loads(page.evaluate("(slug) => localStorage.getItem('chatserver.participant.' + slug)", slug)))


def patch(server: LiveServer, created: dict[str, Any], **changes: Any) -> None:
    status, reply = server.api("PATCH", f"/api/events/{created['event']['slug']}", changes, created["host_key"])
    assert status == 200, reply


def test_slow_mode_counts_down_on_the_send_button(live_server: LiveServer, context_factory: Any) -> None:
    slug = live_server.create_event(slow_mode=5)["event"]["slug"]
    page = open_room(context_factory(), live_server, slug, "alice")
    expect(page.locator("#slow-mode")).to_have_text("Slow mode: one message every 5\u00a0s.")

    send(page, "first")
    expect(page.locator("#messages li.message:not(.outgoing) .body")).to_have_text(["first"])
    button = page.locator("#send")
    expect(button).to_be_disabled()
    expect(button).to_have_text(re.compile(r"^[1-5]\s*s$"))
    expect(button).to_have_attribute("aria-label", re.compile(r"^Send, possible again in [1-5]\s*s$"))
    # Enter while it counts down sends nothing: the text stays in the box for its turn.
    send(page, "second")
    expect(page.get_by_label("Message")).to_have_value("second")

    expect(button).to_have_text("Send", timeout=SLOW_COUNTDOWN_MS)
    expect(button).to_be_enabled()
    page.get_by_label("Message").press("Enter")
    expect(page.locator("#messages li.message:not(.outgoing) .body")).to_have_text(["first", "second"])
    expect(button).to_be_disabled()  # and it counts down again


def test_the_host_turns_slow_mode_on_live_and_a_429_starts_the_countdown(
    live_server: LiveServer, context_factory: Any
) -> None:
    created = live_server.create_event()
    slug = created["event"]["slug"]
    page = open_room(context_factory(), live_server, slug, "alice")
    expect(page.locator("#slow-mode")).to_be_hidden()

    patch(live_server, created, slow_mode=30)
    expect(page.locator("#slow-mode")).to_have_text("Slow mode: one message every 30\u00a0s.")
    expect(page.locator("#messages li.system").last).to_have_text(re.compile("The host changed slow mode"))

    # Another tab (here: the API with the same token) posted a moment ago: the server answers 429
    # with Retry-After, and the button counts that down; the message stays in the box.
    status, _ = live_server.api(
        "POST", f"/api/events/{slug}/messages", {"body": "from elsewhere"}, me(page, slug)["token"]
    )
    assert status == 201
    expect(page.locator("#messages li.message .body")).to_have_text(["from elsewhere"])
    send(page, "too soon")
    expect(page.locator("#send")).to_have_text(re.compile(r"^\d+\s*s$"))
    expect(page.locator("#send")).to_be_disabled()
    expect(page.get_by_label("Message")).to_have_value("too soon")
    expect(page.locator("#send-error")).to_be_hidden()  # the slow-mode line says why

    patch(live_server, created, slow_mode=0)
    expect(page.locator("#slow-mode")).to_be_hidden()
    expect(page.locator("#send")).to_have_text("Send")  # no wait once it is off
    page.get_by_label("Message").press("Enter")
    expect(page.locator("#messages li.message:not(.outgoing) .body")).to_have_text(["from elsewhere", "too soon"])


def test_a_muted_reader_sees_the_notice_and_keeps_the_message(live_server: LiveServer, context_factory: Any) -> None:
    created = live_server.create_event()
    slug = created["event"]["slug"]
    context = context_factory()
    page = open_room(context, live_server, slug, "alice")
    alice = me(page, slug)["id"]
    status, reply = live_server.api(
        "POST", f"/api/events/{slug}/participants/{alice}/mute", {"minutes": 9}, created["host_key"]
    )
    assert status == 200, reply

    send(page, "can you hear me?")
    note = page.locator("#muted-note")
    expect(note).to_have_text("You are muted for 9 more minutes; you can read along meanwhile.")
    expect(page.locator("#composer")).to_be_hidden()
    failed = page.locator("#messages li.outgoing.failed")
    expect(failed.locator(".body")).to_have_text("can you hear me?")
    expect(failed.locator(".send-state")).to_have_text("Not sent")
    expect(failed.get_by_role("button", name="Retry")).to_be_visible()

    # Kept in this browser: a reload still has it, to retry once the mute is over.
    page.reload()
    expect(page.locator("#messages li.outgoing.failed .body")).to_have_text("can you hear me?")
    status, _ = live_server.api("DELETE", f"/api/events/{slug}/participants/{alice}/mute", None, created["host_key"])
    assert status == 200
    page.locator("#messages li.outgoing.failed").get_by_role("button", name="Retry").click()
    expect(page.locator("#messages li.message:not(.outgoing) .body")).to_have_text(["can you hear me?"])
    expect(page.locator("#messages li.outgoing")).to_have_count(0)


def test_the_muted_notice_counts_down_and_gives_the_composer_back(
    live_server: LiveServer, context_factory: Any
) -> None:
    created = live_server.create_event()
    slug = created["event"]["slug"]
    context = context_factory()
    page = context.new_page()
    page.clock.install()  # the page's clock runs, and the test may move it on a minute
    page.goto(f"{live_server.base}/e/{slug}")
    page.get_by_label("Choose a nickname").fill("alice")
    page.get_by_role("button", name="Join").click()
    expect(page.locator("#composer")).to_be_visible()
    alice = me(page, slug)["id"]
    live_server.api("POST", f"/api/events/{slug}/participants/{alice}/mute", {"minutes": 2}, created["host_key"])

    send(page, "let me in")
    expect(page.locator("#muted-note")).to_have_text(re.compile("^You are muted for 2 more minutes"))
    page.clock.run_for(61_000)
    expect(page.locator("#muted-note")).to_have_text(re.compile("^You are muted for 1 more minute;"))
    page.clock.run_for(60_000)
    expect(page.locator("#muted-note")).to_be_hidden()
    expect(page.locator("#composer")).to_be_visible()
    expect(page.locator("#messages li.outgoing.failed .body")).to_have_text("let me in")


def test_joins_locked_live_and_on_joining(live_server: LiveServer, context_factory: Any) -> None:
    created = live_server.create_event()
    slug = created["event"]["slug"]
    inside = open_room(context_factory(), live_server, slug, "alice")
    page = open_room(context_factory(), live_server, slug)
    expect(page.get_by_label("Choose a nickname")).to_be_visible()

    patch(live_server, created, joins_locked=True)
    closed = page.locator("#join-closed")
    expect(closed).to_have_text("The host has closed the room to new people.")
    expect(page.get_by_label("Choose a nickname")).to_be_hidden()
    # Those already in keep posting.
    send(inside, "still here")
    expect(page.locator("#messages li.message .body")).to_have_text(["still here"])

    patch(live_server, created, joins_locked=False)
    expect(closed).to_be_hidden()
    expect(page.get_by_label("Choose a nickname")).to_be_visible()

    # A page that has not heard of the lock yet (its stream held back) learns it from the join's 403.
    late = context_factory().new_page()
    late.route(re.compile(r"/api/events/[^/]+/(messages|stream)\?"), lambda route: route.abort())
    late.add_init_script("delete window.SharedWorker")
    late.goto(f"{live_server.base}/e/{slug}")
    expect(late.get_by_label("Choose a nickname")).to_be_visible()
    patch(live_server, created, joins_locked=True)
    late.get_by_label("Choose a nickname").fill("bob")
    late.get_by_role("button", name="Join").click()
    expect(late.locator("#join-closed")).to_have_text("The host has closed the room to new people.")
    expect(late.get_by_label("Choose a nickname")).to_be_hidden()
    expect(late.locator("#join-error")).to_be_hidden()


def test_the_join_form_says_what_becomes_of_the_words(live_server: LiveServer, context_factory: Any) -> None:
    public = live_server.create_event()["event"]["slug"]
    page = open_room(context_factory(), live_server, public)
    expect(page.locator("#join-consent")).to_have_text("This chat will be public after the event.")

    # In the waiting room, before anyone joins, and kept to the host's changes until it opens.
    created = live_server.create_event(starts_in=3600, transcript="hosts", retention_days=30)
    page = open_room(context_factory(), live_server, created["event"]["slug"])
    consent = page.locator("#waiting #join-consent")
    expect(consent).to_have_text(
        "After the event, only the hosts can read this chat. Messages are erased 30 days after it ends."
    )
    expect(page.get_by_label("Choose a nickname")).to_have_attribute("aria-describedby", re.compile("join-consent"))
    patch(live_server, created, transcript="public", retention_days=1)
    expect(consent).to_have_text("This chat will be public after the event. Messages are erased 1 day after it ends.")
    patch(live_server, created, retention_days=None)
    expect(consent).to_have_text("This chat will be public after the event.")


def test_a_host_message_shows_the_host_badge(live_server: LiveServer, context_factory: Any) -> None:
    created = live_server.create_event()
    slug = created["event"]["slug"]
    page = open_room(context_factory(), live_server, slug, "alice")
    status, reply = live_server.api(
        "POST", f"/api/events/{slug}/messages", {"body": "Welcome, everyone", "name": "Ben"}, created["host_key"]
    )
    assert status == 201, reply
    message = page.locator("#messages li.message", has_text="Welcome, everyone")
    expect(message.locator(".author")).to_have_text("Ben")
    expect(message.locator(".author")).to_have_attribute("dir", "auto")
    expect(message.locator(".role-badge")).to_have_text("Host")
    expect(message.locator(".role-badge")).to_be_visible()
    send(page, "hi Ben")
    expect(page.locator("#messages li.message", has_text="hi Ben").locator(".role-badge")).to_have_count(0)


def stream_refusals(server: LiveServer, slug: str) -> int:
    """The server's access log: reads of the event's stream it answered 403."""
    pattern = re.compile(rf"403 GET /api/events/{slug}/(messages|stream)\b")
    return sum(1 for line in list(server.log) if pattern.search(line))


def test_after_the_close_a_hosts_only_chat_has_no_transcript_link(
    live_server: LiveServer, context_factory: Any
) -> None:
    created = live_server.create_event(transcript="hosts")
    slug = created["event"]["slug"]
    context = context_factory()
    page = open_room(context, live_server, slug, "alice")
    send(page, "hello")
    expect(page.locator("#messages li.message:not(.outgoing)")).to_have_count(1)

    # Closed while the room is open: the closed notice says who keeps the chat, with no link to it.
    live_server.api("POST", f"/api/events/{slug}/close", None, created["host_key"])
    expect(page.locator("#closed")).to_be_visible()
    expect(page.locator("#closed")).to_contain_text("The host keeps this chat for the hosts only.")
    expect(page.get_by_role("link", name="Read the transcript")).to_be_hidden()


def test_a_page_that_reads_the_stream_after_a_hosts_only_close_stops_at_the_403(
    live_server: LiveServer, context_factory: Any
) -> None:
    created = live_server.create_event(transcript="hosts")
    slug = created["event"]["slug"]
    context = context_factory()
    page = open_room(context, live_server, slug, "alice")
    send(page, "hello")
    expect(page.locator("#messages li.message:not(.outgoing)")).to_have_count(1)
    context.set_offline(True)
    send(page, "written on the train")
    expect(page.locator("#messages li.outgoing.pending")).to_have_count(1)
    page.close()  # the message stays in the outbox: the next visit reads the stream to show it
    live_server.api("POST", f"/api/events/{slug}/close", None, created["host_key"])
    context.set_offline(False)

    later = context.new_page()
    later.goto(f"{live_server.base}/e/{slug}")
    closed = later.locator("#closed")
    expect(closed).to_contain_text("The host keeps this chat for the hosts only.")
    expect(later.get_by_role("link", name="Read the transcript")).to_be_hidden()
    expect(later.locator("#messages li.outgoing.failed .body")).to_have_text("written on the train")
    expect(later.locator("#connection")).to_be_hidden()
    # Refused once, then quiet: no backoff loop keeps asking (a retry would come within 1.25 s).
    deadline = time.monotonic() + 10
    while stream_refusals(live_server, slug) == 0 and time.monotonic() < deadline:
        time.sleep(0.1)
    refused = stream_refusals(live_server, slug)
    assert refused >= 1
    settles_at(live_server, 0)
    quiet_until = time.monotonic() + 3
    while time.monotonic() < quiet_until:
        assert stream_refusals(live_server, slug) == refused
        time.sleep(0.1)
    expect(later.locator("#connection")).to_be_hidden()


def test_an_erased_chat_says_when_and_stops(live_server: LiveServer, context_factory: Any) -> None:
    created = live_server.create_event(retention_days=1)
    slug = created["event"]["slug"]
    page = open_room(context_factory(), live_server, slug, "alice")
    send(page, "soon gone")
    expect(page.locator("#messages li.message:not(.outgoing)")).to_have_count(1)

    # The operator erases it while the server is down (as retention does, some days after the close);
    # the page finds out when it reads the stream again: 410.
    port = live_server.process.port
    live_server.process.__exit__(None, None, None)
    erased = subprocess.run(
        [sys.executable, "-m", "chatserver", "erase", slug, "--db", str(live_server.db)], check=False
    )
    assert erased.returncode == 0
    live_server.process = ServerProcess(live_server.db, *live_server.options, port=port)
    live_server.log = live_server.process.drain_output()
    # The page's own backoff may find the server back before we look: then the 410 is already shown.
    # Otherwise the reconnect banner is up, and its button reads the stream at once.
    reconnect = page.locator("#reconnect-now")
    page.locator("#closed-erased:visible, #reconnect-now:visible").first.wait_for()
    if reconnect.is_visible():
        try:
            reconnect.click(timeout=2000)
        except PlaywrightTimeoutError:
            pass  # the backoff's own retry took it down meanwhile

    closed = page.locator("#closed")
    expect(closed.locator("#closed-erased")).to_have_text(re.compile(r"^This chat was erased on \w+ \d+, \d{4}\.$"))
    expect(page.locator("#connection")).to_be_hidden()
    expect(page.locator("#messages li.message")).to_have_count(0)  # nor kept in this browser's copy
    expect(page.get_by_role("link", name="Read the transcript")).to_be_hidden()
    expect(closed.locator("#closed-public")).to_be_hidden()


def test_consecutive_joins_fold_into_one_line(live_server: LiveServer, context_factory: Any) -> None:
    slug = live_server.create_event(title="Busy")["event"]["slug"]
    page = open_room(context_factory(), live_server, slug, "host-watcher")
    for name in ("ann", "ben", "cat", "dan", "eve"):
        live_server.join(slug, name)
    joined = page.locator('#messages li.system[data-code="joined"]:visible')
    expect(joined).to_have_count(1)
    # The newest first: everyone who joined since the watcher, folded into the newest line.
    expect(joined).to_have_text(re.compile(r"eve, dan and 4 others joined\."))
    assert page.locator('#messages li.system[data-code="joined"]').count() == 6  # all kept, hidden
    # A message breaks the run: the next join starts a line of its own.
    token = live_server.join(slug, "fay")
    live_server.api("POST", f"/api/events/{slug}/messages", {"body": "hello all"}, token)
    live_server.join(slug, "gus")
    expect(page.locator("#messages li.message")).to_have_count(1)
    expect(joined).to_have_count(2)
    expect(joined.last).to_have_text(re.compile(r"gus joined\."))
