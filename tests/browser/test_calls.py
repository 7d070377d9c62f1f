"""Calls in the browser (static/call.js, call-desk.js, call-window.js): a participant calls the
hosts from the private thread, the console rings, the host accepts, and media flows both ways
(RTCPeerConnection.getStats over Chromium's fake devices); mute stops the outbound audio; hanging
up on one side ends the call on the other; a declined call and a finished one leave their line in
the thread on both sides."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import LiveServer
from tests.browser.steps import open_room

# window.__call (the current Call) is exposed only when a test sets window.__callTest.
TEST_FLAG = "window.__callTest = true;"

# The bytes of `kind` ("inbound-rtp" / "outbound-rtp") audio in the current call's connection.
AUDIO_BYTES = """async ([type, field]) => {
  const call = window.__call;
  if (!call || !call.pc) return -1;
  let n = 0;
  (await call.pc.getStats()).forEach((r) => { if (r.type === type && r.kind === "audio") n += r[field] || 0; });
  return n;
}"""


def audio_bytes(page: Any, kind: str) -> int:
    field = "bytesReceived" if kind == "inbound-rtp" else "bytesSent"
    return int(page.evaluate(AUDIO_BYTES, [kind, field]))


def grows(page: Any, kind: str, timeout: float = 10000) -> None:
    """Wait until the audio bytes of `kind` grow past what they are now."""
    field = "bytesReceived" if kind == "inbound-rtp" else "bytesSent"
    before = audio_bytes(page, kind)
    page.wait_for_function(
        f"async (args) => (await ({AUDIO_BYTES})(args)) > {max(before, 0)}",
        arg=[kind, field],
        timeout=timeout,
        polling=200,
    )


def open_console(context: Any, url: str) -> Any:
    page = context.new_page()
    page.goto(url)
    expect(page.get_by_role("heading", name=re.compile("^Inbox"))).to_be_visible()
    return page


def setup(live_server: LiveServer, context_factory: Any) -> tuple[str, Any, Any]:
    created = live_server.create_event(title="Town hall")
    slug = created["event"]["slug"]
    room_ctx = context_factory()
    room_ctx.add_init_script(TEST_FLAG)
    host_ctx = context_factory()
    host_ctx.add_init_script(TEST_FLAG)
    alice = open_room(room_ctx, live_server, slug, "alice")
    host = open_console(host_ctx, live_server.base + created["links"]["host"])
    alice.get_by_role("button", name="Message the hosts privately").click()
    return slug, alice, host


def test_a_participant_calls_the_hosts_and_they_talk_mute_and_hang_up(
    live_server: LiveServer, context_factory: Any
) -> None:
    slug, alice, host = setup(live_server, context_factory)
    panel = alice.locator("#private-thread")
    panel.get_by_role("button", name="Call", exact=True).click()
    mine = alice.get_by_role("dialog", name="Call with The hosts")
    expect(mine).to_contain_text("Calling The hosts…")

    ringing = host.get_by_role("dialog", name="Call with alice")
    expect(ringing).to_contain_text("alice is calling (voice)")
    ringing.get_by_role("button", name="Accept").click()

    # Both sides hear each other: inbound audio grows on both pages.
    grows(host, "inbound-rtp")
    grows(alice, "inbound-rtp")
    expect(mine.locator(".call-status")).to_have_text(re.compile(r"^\d+:\d\d$"))
    expect(ringing.locator(".call-status")).to_have_text(re.compile(r"^\d+:\d\d$"))

    # Muted: the microphone's track is disabled, and the other side hears nothing more of it
    # (a disabled track sends silence, which Chromium encodes as almost nothing: compare rates).
    mine.get_by_role("button", name="Mute the microphone").click()
    expect(mine.get_by_role("button", name="Unmute the microphone")).to_have_attribute("aria-pressed", "true")
    assert alice.evaluate("window.__call.local.getAudioTracks().every((t) => !t.enabled)")
    mine.get_by_role("button", name="Unmute the microphone").click()
    expect(mine.get_by_role("button", name="Mute the microphone")).to_be_visible()
    grows(alice, "outbound-rtp")

    # Hung up by the host: the participant's window says so, and the call's line is in both threads.
    ringing.get_by_role("button", name="Hang up").click()
    expect(mine.locator(".call-status")).to_have_text("Call ended.")
    expect(panel.locator("li.call .body")).to_have_text(re.compile(r"^Voice call, \d+ s$"))
    host.locator("#inbox-list button").first.click()
    expect(host.locator("#thread-lines .line.call .body")).to_have_text(re.compile(r"^Voice call, \d+ s$"))


def test_a_declined_video_call_leaves_its_line_on_both_sides(live_server: LiveServer, context_factory: Any) -> None:
    slug, alice, host = setup(live_server, context_factory)
    panel = alice.locator("#private-thread")
    panel.get_by_role("button", name="Video call").click()
    ringing = host.get_by_role("dialog", name="Call with alice")
    expect(ringing).to_contain_text("alice is calling (video)")
    ringing.get_by_role("button", name="Decline").click()
    expect(alice.get_by_role("dialog", name="Call with The hosts").locator(".call-status")).to_have_text(
        "The hosts declined the call."
    )
    expect(panel.locator("li.call .body")).to_have_text("Declined call")
    host.locator("#inbox-list button").first.click()
    expect(host.locator("#thread-lines .line.call .body")).to_have_text("Declined call")
