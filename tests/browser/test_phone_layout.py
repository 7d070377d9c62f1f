"""Every page on a phone: no sideways scrolling at 360 and 390 px, and a room that is exactly the
screen, with the composer always on it and the message list the one thing that scrolls."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LiveServer

PHONES = [(360, 740), (390, 844)]
DESCRIPTION = "We plan the next release: what is left, who does it and when we ship. " * 6

FITS = """() => ({scroll: document.documentElement.scrollWidth, inner: innerWidth})"""
INSIDE = """(el) => { const r = el.getBoundingClientRect();
  return r.width > 0 && r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth; }"""


def events(server: LiveServer) -> dict[str, Any]:
    """An open event with a long conversation, one to come and one that has ended."""
    opened = server.create_event(
        title="Release planning for the whole team, with a long title", description=DESCRIPTION
    )
    slug = opened["event"]["slug"]
    tokens = [server.join(slug, name) for name in ("alice", "bob")]
    for n in range(24):
        body = f"Message {n}: " + "a few words more " * (1 + n % 4)
        assert server.api("POST", f"/api/events/{slug}/messages", {"body": body}, tokens[n % 2])[0] == 201
    later = server.create_event(title="Later", description=DESCRIPTION, starts_in=7200)
    ended = server.create_event(title="Ended", description=DESCRIPTION)
    assert server.api("POST", f"/api/events/{ended['event']['slug']}/close", None, ended["host_key"])[0] == 200
    return {"open": opened, "later": later["event"]["slug"], "ended": ended["event"]["slug"]}


def assert_fits(page: Any, width: int, what: str) -> None:
    size = page.evaluate(FITS)
    # A phone widens its layout to fit content that overflows, so innerWidth alone would agree.
    assert size["scroll"] <= width and size["inner"] == width, (
        f"{what} is {size['scroll']} px wide on a {width} px screen"
    )


@pytest.mark.parametrize(("width", "height"), PHONES, ids=[f"{w}x{h}" for w, h in PHONES])
def test_every_page_fits_a_phone(live_server: LiveServer, context_factory: Any, width: int, height: int) -> None:
    made = events(live_server)
    slug = made["open"]["event"]["slug"]
    context = context_factory(viewport={"width": width, "height": height}, is_mobile=True, has_touch=True)
    page = context.new_page()
    pages = {
        "the home page": "/",
        "the room before it opens": f"/e/{made['later']}",
        "the room after it ended": f"/e/{made['ended']}",
        "the host console": made["open"]["links"]["host"],
        "the transcript": f"/e/{slug}/transcript",
        "the archive": "/archive",
        "the embed page": f"/e/{slug}/embed",
        "the demo's room picker": "/demo/embed",
    }
    for what, path in pages.items():
        page.goto(live_server.base + path)
        expect(page.locator("main")).to_be_visible()
        assert_fits(page, width, what)
        if what.startswith("the room"):
            assert page.evaluate("document.scrollingElement.scrollHeight") <= height, (
                f"{what} is taller than the screen"
            )

    # The demo, with the bar closed and open: the bar is on the screen, not beside it.
    for query, panel in (("", False), ("&open=true", True)):
        page.goto(f"{live_server.base}/demo/embed?room={slug}{query}")
        bar = page.locator("chatserver-bar .bar")
        expect(bar).to_be_visible()
        if panel:
            expect(page.frame_locator("chatserver-bar iframe").locator("#messages")).to_contain_text("Message 23")
        assert_fits(page, width, f"the demo{' with the bar open' if panel else ''}")
        assert bar.evaluate(INSIDE), "the chat bar is off the screen"
        if panel:
            assert page.locator("chatserver-bar .p").evaluate(INSIDE), "the chat bar's panel is off the screen"


@pytest.mark.parametrize(("width", "height"), PHONES, ids=[f"{w}x{h}" for w, h in PHONES])
def test_the_room_is_the_screen(live_server: LiveServer, context_factory: Any, width: int, height: int) -> None:
    made = events(live_server)
    context = context_factory(viewport={"width": width, "height": height}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(f"{live_server.base}/e/{made['open']['event']['slug']}")
    page.get_by_label("Choose a nickname").fill("carol")
    page.get_by_role("button", name="Join").click()
    body, send, messages = page.locator("#body"), page.locator("#send"), page.locator("#messages")
    expect(body).to_be_visible()
    assert_fits(page, width, "the open room")

    # Only the list scrolls: the page is the screen's height, and the composer is on it.
    assert page.evaluate("document.scrollingElement.scrollHeight") <= height
    page.mouse.wheel(0, 2000)
    page.evaluate("window.scrollTo(0, 2000)")
    assert page.evaluate("window.scrollY") == 0
    assert messages.evaluate("(el) => el.scrollHeight > el.clientHeight"), "the list does not scroll"
    assert body.evaluate(INSIDE) and send.evaluate(INSIDE), "the composer is off the screen"

    # A compact header: the long description folds to two lines, with More to read it all.
    head = page.locator(".event-head")
    # Under 30 %, where the complaint was 40 %: at 360 px the times line may take two lines,
    # depending on the clock (two-digit hours), which put it at 27 % in a CI run.
    assert head.evaluate("(el) => el.getBoundingClientRect().bottom") < 0.3 * height
    more = head.get_by_role("button", name="More")
    more.click()
    expect(head.get_by_role("button", name="Less")).to_have_attribute("aria-expanded", "true")
    expect(head.locator(".description")).to_contain_text(DESCRIPTION.strip()[-40:])
    head.get_by_role("button", name="Less").click()

    # A long draft grows up to a point, then scrolls inside the box; the list stays in sight.
    body.fill("\n".join(f"line {n}" for n in range(30)))
    assert page.locator("#chat-foot").evaluate("(el) => el.getBoundingClientRect().height") < 0.4 * height
    assert body.evaluate("(el) => el.scrollHeight > el.clientHeight"), "the draft does not scroll inside its box"
    assert messages.evaluate("(el) => el.getBoundingClientRect().height") > 0.2 * height
    assert body.evaluate(INSIDE) and send.evaluate(INSIDE)

    # The on-screen keyboard takes the lower half (Chromium shrinks the page with it): still on screen.
    page.set_viewport_size({"width": width, "height": height // 2})
    expect(body).to_be_in_viewport()
    page.wait_for_function(f"document.scrollingElement.scrollHeight <= {height // 2}")
    assert body.evaluate(INSIDE) and send.evaluate(INSIDE), "the composer is under the keyboard"
    assert page.locator("#chat-foot").evaluate("(el) => el.getBoundingClientRect().height") < 0.4 * (height // 2) + 40
