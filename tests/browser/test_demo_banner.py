"""The chat bar's announcement banner on /demo/embed: it leaves the page's controls usable, and an
announcement once dismissed, or read in the open panel, does not come back."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import LiveServer

# The page's own controls that the bar (with its banner) covers, at the present scroll position.
COVERED = """() => {
    const bar = document.querySelector("chatserver-bar").getBoundingClientRect();
    const hit = (r) => r.width && r.height && r.left < bar.right && r.right > bar.left && r.top < bar.bottom && r.bottom > bar.top;
    return Array.from(document.querySelectorAll("main :is(a, button, input, select, textarea, label)"))
      .filter((el) => hit(el.getBoundingClientRect()))
      .map((el) => el.outerHTML.slice(0, 80));
}"""


def bar_ready(page: Any) -> None:
    """Until the bar's room is loaded and up to date (its `ready` promise)."""
    page.wait_for_function("() => window.chatserver")
    page.evaluate("window.chatserver.ready.then(() => true)")


def announce(server: LiveServer, slug: str, key: str, body: str) -> None:
    status, reply = server.api("POST", f"/api/events/{slug}/announcements", {"body": body}, key)
    assert status == 201, reply


def test_the_banner_leaves_the_demo_pages_controls_usable(live_server: LiveServer, context_factory: Any) -> None:
    created = live_server.create_event(title="Support hour")
    slug, key = created["event"]["slug"], created["host_key"]
    announce(live_server, slug, key, "We are live! Ask about the CSV export here, we answer all afternoon. " * 2)
    page = context_factory(viewport={"width": 1280, "height": 800}).new_page()
    page.goto(f"{live_server.base}/demo/embed?room={slug}")
    expect(page.locator("chatserver-bar .b")).to_be_visible()
    expect(page.locator("chatserver-bar .b")).to_contain_text("We are live!")
    bar_ready(page)
    # A wide screen keeps a column free for the bar: nothing is under it, wherever the page is scrolled.
    assert page.evaluate(COVERED) == []
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    assert page.evaluate(COVERED) == []
    # A phone has no room beside it: scrolled to the end, the last controls are clear of it.
    page.set_viewport_size({"width": 390, "height": 844})
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    page.wait_for_function("() => scrollY + innerHeight >= document.documentElement.scrollHeight - 1")
    page.wait_for_function(f"() => ({COVERED})().length === 0")


def test_an_announcement_read_or_dismissed_does_not_come_back(live_server: LiveServer, context_factory: Any) -> None:
    created = live_server.create_event(title="Support hour")
    slug, key = created["event"]["slug"], created["host_key"]
    announce(live_server, slug, key, "First news")
    page = context_factory(viewport={"width": 1280, "height": 800}).new_page()
    page.goto(f"{live_server.base}/demo/embed?room={slug}")
    banner = page.locator("chatserver-bar .b")
    bar = page.locator("chatserver-bar .bar")
    expect(banner).to_contain_text("First news")

    # Read: the panel opened (the announcement is pinned at the top of the room), then closed.
    bar.click()
    expect(page.frame_locator("chatserver-bar iframe").locator("#pinned")).to_contain_text("First news")
    bar.click()
    expect(bar).to_have_attribute("aria-expanded", "false")
    expect(banner).to_be_hidden()
    page.reload()
    bar_ready(page)
    expect(banner).to_be_hidden()

    # Dismissed with its ×: gone, and still gone on the next page.
    announce(live_server, slug, key, "Second news")
    expect(banner).to_contain_text("Second news")
    page.locator("chatserver-bar .x").click()
    expect(banner).to_be_hidden()
    page.reload()
    bar_ready(page)
    expect(banner).to_be_hidden()
