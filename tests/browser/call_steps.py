"""Steps the call tests share (test_calls.py, test_call_window.py): a participant in the room and a
host in the console, both with the page's call exposed, and the audio bytes of the call's connection."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import LiveServer
from tests.browser.steps import open_room
from tests.browser.test_chat_bar import app_page, room_in

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


CLOCK = re.compile(r"^\d+:\d\d$")  # a call window's time in the call


def answered(caller: Any, mine: Any, callee: Any, ringing: Any) -> None:
    """The callee accepts the call ringing in their window; both sides hear each other (inbound
    audio grows on both pages), and both windows count the call's time."""
    ringing.get_by_role("button", name="Accept").click()
    grows(callee, "inbound-rtp")
    grows(caller, "inbound-rtp")
    expect(mine.locator(".call-status")).to_have_text(CLOCK)
    expect(ringing.locator(".call-status")).to_have_text(CLOCK)


def declined(caller: Any, callee_name: str, callee: Any, caller_name: str, media: str) -> None:
    """The call rings on the callee's page, who declines it; the caller's window says so."""
    ringing = callee.get_by_role("dialog", name=f"Call with {caller_name}")
    expect(ringing).to_contain_text(f"{caller_name} is calling ({'video' if media == 'video' else 'voice'})")
    ringing.get_by_role("button", name="Decline").click()
    expect(caller.get_by_role("dialog", name=f"Call with {callee_name}").locator(".call-status")).to_have_text(
        f"{callee_name} declined the call."
    )


def joined_in_a_bar(
    context: Any, site: tuple[str, dict[str, str]], server: LiveServer, slug: str, nickname: str
) -> tuple[Any, Any]:
    """A page of the other site with the chat bar, opened, its room joined as `nickname`: the page
    and the room's frame."""
    context.add_init_script(TEST_FLAG)
    app = app_page(context, site, server, slug)
    app.locator("chatserver-bar .bar").click()
    room = room_in(app)
    room.get_by_label("Choose a nickname").fill(nickname)
    room.get_by_role("button", name="Join").click()
    return app, room


def open_console(context: Any, url: str) -> Any:
    page = context.new_page()
    page.goto(url)
    expect(page.get_by_role("heading", name=re.compile("^Inbox"))).to_be_visible()
    return page


def flagged(context_factory: Any) -> Any:
    """A new browser context (another browser) whose pages expose their call (TEST_FLAG)."""
    context = context_factory()
    context.add_init_script(TEST_FLAG)
    return context


def setup(
    live_server: LiveServer, context_factory: Any, consoles: int = 1, room_ctx: Any = None
) -> tuple[dict[str, Any], Any, list[Any]]:
    """An open event; alice in its room (in room_ctx, if given), her private thread open; its console
    in `consoles` browsers. → the created event, alice's page, the consoles' pages."""
    created = live_server.create_event(title="Town hall")
    if room_ctx is not None:
        room_ctx.add_init_script(TEST_FLAG)
    alice = open_room(room_ctx or flagged(context_factory), live_server, created["event"]["slug"], "alice")
    url = live_server.base + created["links"]["host"]
    hosts = [open_console(flagged(context_factory), url) for _ in range(consoles)]
    alice.get_by_role("button", name="Message the hosts privately").click()
    return created, alice, hosts
