"""Steps the call tests share (test_calls.py, test_call_window.py): a participant in the room and a
host in the console, both with the page's call exposed, and the audio bytes of the call's connection."""

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


def setup(live_server: LiveServer, context_factory: Any, room_ctx: Any = None) -> tuple[str, Any, Any]:
    """An open event, alice in its room with the private thread open, and its console; → slug and pages."""
    created = live_server.create_event(title="Town hall")
    slug = created["event"]["slug"]
    room_ctx = room_ctx or context_factory()
    room_ctx.add_init_script(TEST_FLAG)
    host_ctx = context_factory()
    host_ctx.add_init_script(TEST_FLAG)
    alice = open_room(room_ctx, live_server, slug, "alice")
    host = open_console(host_ctx, live_server.base + created["links"]["host"])
    alice.get_by_role("button", name="Message the hosts privately").click()
    return slug, alice, host
