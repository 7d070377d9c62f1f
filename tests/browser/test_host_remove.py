"""The host's Remove can be undone for a few seconds: the room sees nothing until the time is up,
or until the host leaves the console (then the removal goes at once)."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import LiveServer


def say(server: LiveServer, slug: str, token: str, body: str) -> int:
    status, reply = server.api("POST", f"/api/events/{slug}/messages", {"body": body}, token)
    assert status == 201, reply
    return int(reply["message"]["id"])


def retracted(server: LiveServer, slug: str) -> list[int]:
    status, reply = server.api("GET", f"/api/events/{slug}/messages?after=0")
    assert status == 200
    return [i["target"] for i in reply["messages"] if i["kind"] == "retraction"]


def test_remove_is_undone_or_done_when_the_time_is_up(live_server: LiveServer, context_factory: Any) -> None:
    created = live_server.create_event()
    slug = created["event"]["slug"]
    alice = live_server.join(slug, "alice")
    keep, spam, later = (say(live_server, slug, alice, body) for body in ("keep me", "buy pills", "more pills"))
    reader = context_factory().new_page()
    reader.goto(f"{live_server.base}/e/{slug}")
    expect(reader.locator("#messages li.message")).to_have_count(3)
    host = context_factory().new_page()
    host.goto(live_server.base + created["links"]["host"])
    toast = host.locator(".toast")

    # Remove, then Undo: the message stays, here and in the room.
    first = host.locator(f"#m{keep}")
    first.hover()
    first.get_by_role("button", name="Remove").click()
    expect(toast).to_have_text("Message removed · Undo")
    expect(first).to_have_class(re.compile("removing"))
    undo = toast.get_by_role("button", name="Undo")
    expect(undo).to_be_focused()  # the Remove button is gone from under the keyboard
    undo.click()
    expect(toast).to_be_hidden()
    expect(first).not_to_have_class(re.compile("removing"))
    expect(first.get_by_role("button", name="Remove")).to_be_enabled()

    # Remove and let the time run out: the room sees it go (and the undone one never went).
    second = host.locator(f"#m{spam}")
    second.hover()
    second.get_by_role("button", name="Remove").click()
    expect(toast).to_be_visible()
    expect(reader.locator(f"#m{spam}")).to_contain_text("removed by the host", timeout=8000)
    expect(second).to_contain_text("removed by the host")
    expect(toast).to_be_hidden()
    expect(reader.locator(f"#m{keep}")).to_contain_text("keep me")
    assert retracted(live_server, slug) == [spam]

    # Remove and leave the console at once: the removal is sent as the page goes.
    third = host.locator(f"#m{later}")
    third.hover()
    third.get_by_role("button", name="Remove").click()
    expect(toast).to_be_visible()
    host.goto("about:blank")
    expect(reader.locator(f"#m{later}")).to_contain_text("removed by the host", timeout=3000)
    assert retracted(live_server, slug) == [spam, later]
