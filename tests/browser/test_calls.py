"""Calls in the browser (static/call.js, call-desk.js, call-window.js): a participant calls the
hosts from the private thread, the console rings, the host accepts, and media flows both ways
(RTCPeerConnection.getStats over Chromium's fake devices); mute stops the outbound audio; hanging
up on one side ends the call on the other; a declined call and a finished one leave their line in
the thread on both sides; when one host answers, the other hosts' consoles stop ringing; a call
nobody answers stops ringing after the ring timeout and leaves a missed call's line."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.browser.call_steps import answered, declined, flagged, grows, joined_in_a_bar, open_console, setup
from tests.browser.conftest import LiveServer
from tests.browser.steps import open_room
from tests.waiting import until_sync

# True once the received audio's energy has stayed the same for 1.5 s (silence: the sender muted).
SILENT = """async () => {
  const call = window.__call;
  if (!call || !call.pc) return false;
  let energy = 0;
  (await call.pc.getStats()).forEach((r) => { if (r.type === "inbound-rtp" && r.kind === "audio") energy += r.totalAudioEnergy || 0; });
  const now = performance.now();
  const probe = (window.__silence = window.__silence || { energy, since: now });
  if (energy !== probe.energy) Object.assign(probe, { energy, since: now });
  return now - probe.since > 1500;
}"""

# True once the received audio's energy grows again.
SOUNDING = """async () => {
  let energy = 0;
  (await window.__call.pc.getStats()).forEach((r) => { if (r.type === "inbound-rtp" && r.kind === "audio") energy += r.totalAudioEnergy || 0; });
  return energy > window.__silence.energy;
}"""


def test_a_participant_calls_the_hosts_and_they_talk_mute_and_hang_up(
    live_server: LiveServer, context_factory: Any
) -> None:
    _, alice, (host,) = setup(live_server, context_factory)
    panel = alice.locator("#private-thread")
    panel.get_by_role("button", name="Call", exact=True).click()
    mine = alice.get_by_role("dialog", name="Call with The hosts")
    expect(mine).to_contain_text("Calling The hosts…")

    ringing = host.get_by_role("dialog", name="Call with alice")
    expect(ringing).to_contain_text("alice is calling (voice)")
    answered(alice, mine, host, ringing)

    # Muted: the microphone's track is disabled, and what the host receives is silence (the
    # received audio's energy stops growing); unmuted, the fake microphone's beeps come again.
    mine.get_by_role("button", name="Mute the microphone").click()
    expect(mine.get_by_role("button", name="Unmute the microphone")).to_have_attribute("aria-pressed", "true")
    assert alice.evaluate("window.__call.local.getAudioTracks().every((t) => !t.enabled)")
    host.wait_for_function(SILENT, timeout=10000, polling=200)
    mine.get_by_role("button", name="Unmute the microphone").click()
    expect(mine.get_by_role("button", name="Mute the microphone")).to_be_visible()
    host.wait_for_function(SOUNDING, timeout=10000, polling=200)
    grows(alice, "outbound-rtp")

    # Hung up by the host: the participant's window says so, and the call's line is in both threads.
    ringing.get_by_role("button", name="Hang up").click()
    expect(mine.locator(".call-status")).to_have_text("Call ended.")
    expect(panel.locator("li.call .body")).to_have_text(re.compile(r"^Voice call, \d+ s$"))
    host.locator("#inbox-list button").first.click()
    expect(host.locator("#thread-lines .line.call .body")).to_have_text(re.compile(r"^Voice call, \d+ s$"))


def test_a_declined_video_call_leaves_its_line_on_both_sides(live_server: LiveServer, context_factory: Any) -> None:
    _, alice, (host,) = setup(live_server, context_factory)
    panel = alice.locator("#private-thread")
    panel.get_by_role("button", name="Video call").click()
    declined(alice, "The hosts", host, "alice", "video")
    expect(panel.locator("li.call .body")).to_have_text("Declined call")
    host.locator("#inbox-list button").first.click()
    expect(host.locator("#thread-lines .line.call .body")).to_have_text("Declined call")


def test_every_tab_rings_one_answers_and_a_second_call_meanwhile_is_declined_busy(
    live_server: LiveServer, context_factory: Any
) -> None:
    created = live_server.create_event(title="Town hall")
    slug, key = created["event"]["slug"], created["host_key"]
    room_ctx = flagged(context_factory)
    first = open_room(room_ctx, live_server, slug, "alice")
    second = open_room(room_ctx, live_server, slug, None, expect_composer=True)
    host = open_console(flagged(context_factory), live_server.base + created["links"]["host"])
    first.get_by_role("button", name="Message the hosts privately").click()
    first.locator("#private-thread").get_by_label("Write privately").fill("Can we talk?")
    first.locator("#private-thread").get_by_label("Write privately").press("Enter")
    host.locator("#inbox-list button").first.click()
    host.get_by_role("button", name="Video call with alice").click()

    # Both of alice's tabs ring; the one that answers takes the call, the other stops ringing.
    for page in (first, second):
        expect(page.get_by_role("dialog", name="Call with Host")).to_contain_text("Host is calling (video)")
    second.get_by_role("dialog", name="Call with Host").get_by_role("button", name="Accept").click()
    expect(first.get_by_role("dialog", name="Call with Host")).to_contain_text("In a call in another tab.")
    grows(second, "inbound-rtp")
    grows(host, "inbound-rtp")
    expect(host.get_by_role("dialog", name="Call with alice").locator("video.call-remote")).to_be_visible()

    # Another ring meanwhile (another host's, say): the tab in the call declines it as busy.
    status, people = live_server.api("GET", f"/api/events/{slug}/participants")
    alice_id = next(p["id"] for p in people["participants"] if p["nickname"] == "alice")
    ring = {"to": alice_id, "call_id": "second-call", "type": "ring", "data": {"media": "audio"}}
    assert live_server.api("POST", f"/api/events/{slug}/calls/signals", ring, key)[0] == 202

    def busy() -> bool:
        status, polled = live_server.api("GET", f"/api/events/{slug}/messages?signals=1&wait=0", None, key)
        return any(
            s["call_id"] == "second-call" and s["type"] == "decline" and s["data"] == {"reason": "busy"}
            for s in polled.get("signals", [])
        )

    until_sync(busy, timeout=10, what="the busy decline")
    expect(first.get_by_role("dialog", name="Call with Host")).not_to_contain_text("is calling (voice)")

    # Alice closes the tab that holds the call: it hangs up as it goes (pagehide), and the host's
    # window says the call ended.
    second.close(run_before_unload=True)
    expect(host.get_by_role("dialog", name="Call with alice").locator(".call-status")).to_have_text("Call ended.")
    # The busy ring's line, then the call's: in the caller's thread and in the callee's.
    lines = ["Line busy", re.compile(r"^Video call, \d+ s$")]
    expect(host.locator("#thread-lines .line.call .body")).to_have_text(lines)
    expect(first.locator("#private-thread li.call .body")).to_have_text(lines)


# Whether the page's call desk is ringing now (its ring tone's timer runs).
RINGING = "() => !!window.__calls && window.__calls.ringer.timer !== null"


def test_two_hosts_ring_one_answers_the_other_stops_and_the_events_close_ends_the_call(
    live_server: LiveServer, context_factory: Any
) -> None:
    """Two consoles in two browsers (no BroadcastChannel between them): the server stops the other."""
    created, alice, hosts = setup(live_server, context_factory, consoles=2)
    slug, key = created["event"]["slug"], created["host_key"]
    alice.locator("#private-thread").get_by_role("button", name="Call", exact=True).click()
    answering, other = (host.get_by_role("dialog", name="Call with alice") for host in hosts)
    for window, host in ((answering, hosts[0]), (other, hosts[1])):
        expect(window).to_contain_text("alice is calling (voice)")
        assert host.evaluate(RINGING)

    answering.get_by_role("button", name="Accept").click()
    expect(other.locator(".call-status")).to_have_text("Answered elsewhere.")
    assert not hosts[1].evaluate(RINGING)
    grows(hosts[0], "inbound-rtp")
    grows(alice, "inbound-rtp")
    expect(answering.locator(".call-status")).to_have_text(re.compile(r"^\d+:\d\d$"))

    # The host ends the event mid-call: both windows say so, and the call keeps its line.
    assert live_server.api("POST", f"/api/events/{slug}/close", {}, key)[0] == 200
    ended = "The event has ended, and the call with it."
    expect(answering.locator(".call-status")).to_have_text(ended)
    expect(alice.get_by_role("dialog", name="Call with The hosts").locator(".call-status")).to_have_text(ended)
    assert alice.evaluate("window.__call.pc.connectionState") == "closed"
    expect(alice.locator("#private-thread li.call .body")).to_have_text(re.compile(r"^Voice call, \d+ s$"))


def test_a_call_nobody_answers_stops_ringing_after_the_ring_timeout(tmp_path: Any, context_factory: Any) -> None:
    server = LiveServer(tmp_path / "chat.db", "--rate-limit", "0", "--ring-timeout", "5")
    try:
        _, alice, (host,) = setup(server, context_factory)
        panel = alice.locator("#private-thread")
        panel.get_by_role("button", name="Call", exact=True).click()
        ringing = host.get_by_role("dialog", name="Call with alice")
        expect(ringing).to_contain_text("alice is calling (voice)")
        assert host.evaluate(RINGING)

        # Nobody answers: 5 s of ringing, then the server's sweep (every second) ends it.
        mine = alice.get_by_role("dialog", name="Call with The hosts")
        expect(mine.locator(".call-status")).to_have_text(
            "The hosts did not answer (they may be offline).", timeout=10_000
        )
        expect(ringing.locator(".call-status")).to_have_text("Missed call from alice.")
        assert not host.evaluate(RINGING)
        expect(panel.locator("li.call .body")).to_have_text("Missed voice call")
        host.locator("#inbox-list button").first.click()
        expect(host.locator("#thread-lines .line.call .body")).to_have_text("Missed voice call")
    finally:
        server.stop()


def test_the_chat_bar_calls_the_hosts_across_sites(
    live_server: LiveServer, context_factory: Any, other_site: tuple[str, dict[str, str]]
) -> None:
    """The bar's room is a frame (of another site, too): allowed the camera and the microphone."""
    created = live_server.create_event(title="Acme support")
    slug = created["event"]["slug"]
    app, room = joined_in_a_bar(context_factory(), other_site, live_server, slug, "carol")
    room.get_by_role("button", name="Message the hosts privately").click()
    host = open_console(flagged(context_factory), live_server.base + created["links"]["host"])

    room.locator("#private-thread").get_by_role("button", name="Call", exact=True).click()
    ringing = host.get_by_role("dialog", name="Call with carol")
    expect(ringing).to_contain_text("carol is calling (voice)")
    ringing.get_by_role("button", name="Accept").click()
    frame = next(f for f in app.frames if "/embed" in f.url)
    grows(host, "inbound-rtp")
    grows(frame, "inbound-rtp")
    # The bar is narrow: the private panel is a modal sheet there, and the call window is inside it.
    room.get_by_role("dialog", name="Call with The hosts").get_by_role("button", name="Hang up").click()
    expect(ringing.locator(".call-status")).to_have_text("Call ended.")


def test_a_refused_microphone_and_a_refused_line_are_said_and_ring_nobody(
    live_server: LiveServer, context_factory: Any
) -> None:
    created = live_server.create_event(title="Town hall")
    slug, key = created["event"]["slug"], created["host_key"]
    room_ctx = context_factory()
    # The browser refuses the devices, as when the reader blocked them for this site.
    room_ctx.add_init_script(
        "navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('no', 'NotAllowedError'));"
    )
    alice = open_room(room_ctx, live_server, slug, "alice")
    host = open_console(context_factory(), live_server.base + created["links"]["host"])
    alice.get_by_role("button", name="Message the hosts privately").click()
    alice.locator("#private-thread").get_by_role("button", name="Call", exact=True).click()
    mine = alice.get_by_role("dialog", name="Call with The hosts")
    expect(mine.locator(".call-status")).to_contain_text("the browser was not allowed to use them")
    expect(host.get_by_role("dialog")).to_have_count(0)  # nothing rang

    # The host calls a participant who was removed meanwhile: the server refuses the ring (403).
    alice.locator("#private-thread").get_by_label("Write privately").fill("Hello")
    alice.locator("#private-thread").get_by_label("Write privately").press("Enter")
    host.locator("#inbox-list button").first.click()
    status, people = live_server.api("GET", f"/api/events/{slug}/participants")
    alice_id = next(p["id"] for p in people["participants"] if p["nickname"] == "alice")
    assert live_server.api("POST", f"/api/events/{slug}/participants/{alice_id}/ban", {}, key)[0] in (200, 201)
    host.get_by_role("button", name="Call alice").click()
    expect(host.get_by_role("dialog", name="Call with alice").locator(".call-status")).to_have_text(
        "You cannot call alice: calls are not allowed here, or they were removed from the event."
    )
