"""The call window's device menus (static/call-devices.js) and a call that finds no path between
the two browsers (static/call.js). Chromium's fake devices are two microphones, two cameras and two
speakers (and a default of each audio kind), listed by their labels; switching keeps the sound
going and checks the new one; the lists follow devicechange; the window made smaller keeps the
call; an unplugged microphone gives way to the default. With every ICE candidate kept from the
other side, the call ends after its connect timeout (run fast on the page's clock) and both windows
say why; the call's line lands in the thread."""

from __future__ import annotations

import json
from typing import Any

from playwright.sync_api import expect

from tests.browser.call_steps import grows, setup
from tests.browser.conftest import LiveServer

NO_PATH = (
    "The call could not connect: your networks do not let a direct connection through, "
    "and this server has no relay (TURN server) for such networks."
)


def menu_items(window: Any, button: str) -> Any:
    """Open the device menu of `button` in the call window; → its items."""
    window.get_by_role("button", name=button).click()
    menu = window.get_by_role("menu", name=button)
    expect(menu).to_be_visible()
    return menu.get_by_role("menuitemradio")


def test_the_device_menus_list_the_devices_and_switch_without_a_break(
    live_server: LiveServer, context_factory: Any
) -> None:
    _, alice, (host,) = setup(live_server, context_factory)
    alice.locator("#private-thread").get_by_role("button", name="Video call").click()
    ringing = host.get_by_role("dialog", name="Call with alice")
    ringing.get_by_role("button", name="Accept").click()
    mine = alice.get_by_role("dialog", name="Call with The hosts")
    grows(host, "inbound-rtp")

    # The microphones and the speakers, by label, the ones in use checked.
    audio = "Choose the microphone and speaker"
    items = menu_items(mine, audio)
    expect(items).to_have_text(
        ["Fake Default Audio Input", "Fake Audio Input 1", "Fake Audio Input 2"]
        + ["Fake Default Audio Output", "Fake Audio Output 1", "Fake Audio Output 2"]
    )
    expect(mine.get_by_role("group", name="Microphone").get_by_role("menuitemradio", checked=True)).to_have_text(
        "Fake Default Audio Input"
    )
    expect(mine.get_by_role("group", name="Speaker").get_by_role("menuitemradio", checked=True)).to_have_text(
        "Fake Default Audio Output"
    )
    # By keyboard: the checked one has the focus, ↓ moves on, Esc closes back to the button.
    expect(items.first).to_be_focused()
    alice.keyboard.press("ArrowDown")
    expect(items.nth(1)).to_be_focused()
    alice.keyboard.press("Escape")
    expect(mine.get_by_role("menu")).to_be_hidden()
    expect(mine.get_by_role("button", name=audio)).to_be_focused()
    expect(mine).to_be_visible()  # Esc closed the menu only

    # Another microphone: the host keeps hearing alice, and the menu checks it.
    menu_items(mine, audio).filter(has_text="Fake Audio Input 2").click()
    alice.wait_for_function("() => window.__call.local.getAudioTracks()[0].label === 'Fake Audio Input 2'")
    grows(host, "inbound-rtp")
    checked = mine.get_by_role("menuitemradio", checked=True)
    menu_items(mine, audio)
    expect(checked).to_have_text(["Fake Audio Input 2", "Fake Default Audio Output"])
    # Another speaker for the host's voice.
    mine.get_by_role("menuitemradio", name="Fake Audio Output 1").click()
    alice.wait_for_function("() => document.querySelector('.call-remote').sinkId !== ''")
    menu_items(mine, audio)
    expect(checked).to_have_text(["Fake Audio Input 2", "Fake Audio Output 1"])
    alice.keyboard.press("Escape")

    # The other camera.
    cameras = menu_items(mine, "Choose the camera")
    expect(cameras).to_have_text(["fake_device_0", "fake_device_1"])
    expect(cameras.first).to_have_attribute("aria-checked", "true")
    cameras.nth(1).click()
    alice.wait_for_function("() => window.__call.local.getVideoTracks()[0].label === 'fake_device_1'")
    expect(menu_items(mine, "Choose the camera").nth(1)).to_have_attribute("aria-checked", "true")
    alice.keyboard.press("Escape")

    # A camera unplugged (the browser says devicechange): one left, nothing to choose, no menu button.
    alice.evaluate(
        """() => {
      const all = navigator.mediaDevices.enumerateDevices.bind(navigator.mediaDevices);
      navigator.mediaDevices.enumerateDevices = async () => (await all()).filter((d) => d.label !== "fake_device_0");
      navigator.mediaDevices.dispatchEvent(new Event("devicechange"));
    }"""
    )
    expect(mine.get_by_role("button", name="Choose the camera")).to_be_hidden()

    # Made smaller: no video, the call goes on (the other side still plays), and larger again.
    mine.get_by_role("button", name="Make the call window smaller").click()
    expect(mine.locator("video.call-remote")).to_be_hidden()
    assert alice.evaluate("() => !document.querySelector('.call-remote').paused")
    mine.get_by_role("button", name="Make the call window larger").click()
    expect(mine.locator("video.call-remote")).to_be_visible()

    # The microphone unplugged: the default one takes over, the window says so, the sound goes on.
    alice.evaluate("window.__call.local.getAudioTracks()[0].dispatchEvent(new Event('ended'))")
    expect(mine.locator(".call-note")).to_have_text(
        "The microphone was disconnected: the call now uses the default one."
    )
    alice.wait_for_function("() => window.__call.local.getAudioTracks()[0].label === 'Fake Default Audio Input'")
    grows(host, "inbound-rtp")


def keep_candidates(page: Any, stripped: list[int]) -> None:
    """Signals from `page` carry no ICE candidate: "candidate" signals are answered 202 and never
    sent, and any a=candidate line in an offer's or answer's SDP is cut (counted in `stripped`)."""

    def route(route: Any) -> None:
        body = route.request.post_data_json or {}
        if body.get("type") == "candidate":
            route.fulfill(status=202, content_type="application/json", body="{}")
            return
        description = (body.get("data") or {}).get("description")
        if not description:
            route.continue_()
            return
        lines = description["sdp"].split("\r\n")
        kept = [line for line in lines if not line.startswith(("a=candidate", "a=end-of-candidates"))]
        stripped.append(len(lines) - len(kept))
        description["sdp"] = "\r\n".join(kept)
        route.continue_(post_data=json.dumps(body))

    page.route("**/calls/signals", route)


def test_a_call_with_no_path_between_the_two_ends_and_both_sides_say_why(
    live_server: LiveServer, context_factory: Any
) -> None:
    room_ctx = context_factory()
    room_ctx.clock.install()  # the call's connect timeout is run on below
    _, alice, (host,) = setup(live_server, context_factory, room_ctx=room_ctx)
    stripped: list[int] = []
    keep_candidates(alice, stripped)
    keep_candidates(host, stripped)
    panel = alice.locator("#private-thread")
    panel.get_by_role("button", name="Call", exact=True).click()
    ringing = host.get_by_role("dialog", name="Call with alice")
    ringing.get_by_role("button", name="Accept").click()
    mine = alice.get_by_role("dialog", name="Call with The hosts")
    expect(mine.locator(".call-status")).to_have_text("Connecting…")
    expect(ringing.locator(".call-status")).to_have_text("Connecting…")
    # Offer and answer went both ways, with no candidate: the connection waits for a path.
    alice.wait_for_function("() => window.__call.pc && window.__call.pc.remoteDescription !== null")
    host.wait_for_function("() => window.__call.pc && window.__call.pc.remoteDescription !== null")
    assert stripped and not any(stripped), stripped  # trickle ICE: no SDP carried candidates
    assert alice.evaluate("window.__call.pc.connectionState") != "connected"

    alice.clock.fast_forward(26_000)
    expect(mine.locator(".call-status")).to_have_text(NO_PATH)
    expect(ringing.locator(".call-status")).to_have_text(NO_PATH)
    expect(mine.get_by_role("button", name="Close")).to_be_visible()
    # The call is over at the server too: its line in both threads.
    expect(panel.locator("li.call .body")).to_have_text("Call could not connect")
    host.locator("#inbox-list button").first.click()
    expect(host.locator("#thread-lines .line.call .body")).to_have_text("Call could not connect")
