"""Files in the chat bar (static/widget.js), on the same site and across sites: the bar's room
attaches and sends a file, shows the files others send, and a pasted screenshot goes out too."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import LiveServer
from tests.browser.steps import open_room
from tests.browser.test_chat_bar import app_page, room_in


def png_bytes(width: int, height: int, colour: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "PNG")
    return out.getvalue()


def test_the_bar_sends_and_shows_files(
    live_server: LiveServer, context_factory: Any, other_site: tuple[str, dict[str, str]]
) -> None:
    slug = live_server.create_event(title="Acme support")["event"]["slug"]
    app = app_page(context_factory(), other_site, live_server, slug)
    app.locator("chatserver-bar .bar").click()
    room = room_in(app)
    room.get_by_label("Choose a nickname").fill("carol")
    room.get_by_role("button", name="Join").click()
    # Attached by the button, as someone reporting a bug with a screenshot does: once it is there
    # (the input's listener comes with it; a file set before would go unheard, as no person can).
    expect(room.get_by_role("button", name="Attach files")).to_be_visible()
    room.locator("input.attach-input").set_input_files(
        {"name": "error.png", "mimeType": "image/png", "buffer": png_bytes(900, 600, (200, 30, 30))}
    )
    expect(room.locator(".attach-chip")).to_have_attribute("data-state", "done")
    room.locator("#body").fill("This is what I see")
    room.locator("#body").press("Enter")

    other = open_room(context_factory(), live_server, slug, "dave")
    shown = other.locator("#messages li.message img")
    expect(shown).to_have_count(1)
    expect(shown).to_have_attribute("alt", "error.png")
    other.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=shown.element_handle())
    # And the other way: a file sent in the room shows in the bar, its image loaded in the frame.
    expect(other.get_by_role("button", name="Attach files")).to_be_visible()
    other.locator("input.attach-input").set_input_files(
        {"name": "fix.png", "mimeType": "image/png", "buffer": png_bytes(300, 200, (30, 160, 60))}
    )
    expect(other.locator(".attach-chip")).to_have_attribute("data-state", "done")
    other.locator("#body").press("Enter")
    received = room.locator("#messages li.message img[alt='fix.png']")
    expect(received).to_have_count(1)
    received.evaluate("img => img.decode()")  # loads inside the bar's frame, across sites too
