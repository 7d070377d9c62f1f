"""The chat bar's language (static/widget.js): data-locale, chatserver.setLocale(), the page's own
language, and the mirrored corner for a right-to-left one. Same-site and cross-site (other_site)."""

from __future__ import annotations

import html
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import LiveServer


def app_page(
    context: Any, site: tuple[str, dict[str, str]], server: LiveServer, slug: str, attrs: str = "", html_attrs: str = ""
) -> Any:
    """A page of the other site with the snippet; html_attrs go on its <html> (lang, dir)."""
    origin, pages = site
    path = f"/lang-{len(pages)}"
    pages[path] = (
        f"<!doctype html><html {html_attrs}><head><title>Shop</title></head><body><h1>Shop</h1>"
        f'<script src="{server.base}/static/widget.js" data-room="{html.escape(slug)}" {attrs} async></script>'
        "</body></html>"
    )
    page = context.new_page()
    page.goto(origin + path)
    return page


def frame_of(page: Any) -> Any:
    """The room's frame inside the bar, once it is attached."""
    page.wait_for_function("window.chatserver !== undefined")
    handle = page.locator("chatserver-bar iframe").element_handle()
    frame = handle.content_frame()
    assert frame is not None
    return frame


def bar_side(page: Any) -> str:
    """Which half of the window the bar sits in."""
    box = page.locator("chatserver-bar .bar").bounding_box()
    width = page.viewport_size["width"]
    return "left" if box["x"] + box["width"] / 2 < width / 2 else "right"


def test_data_locale_and_set_locale(live_server: LiveServer, context_factory: Any, other_site: Any) -> None:
    slug = live_server.create_event(title="Hilfe")["event"]["slug"]
    # The browser prefers English: the bar speaks German because the site says so.
    app = app_page(context_factory(locale="en-US"), other_site, live_server, slug, 'data-locale="de"')
    room = app.frame_locator("chatserver-bar iframe")
    expect(room.locator("html")).to_have_attribute("lang", "de")
    assert "locale=de" in app.locator("chatserver-bar iframe").get_attribute("src")
    app.evaluate("chatserver.ready")
    assert bar_side(app) == "right"

    app.locator("chatserver-bar .bar").click()
    expect(app.locator("chatserver-bar .bar")).to_have_attribute("aria-expanded", "true")
    # A command given while the room reloads waits for the new room, which answers it.
    app.evaluate(
        """() => {
          window.readyAgain = new Promise((done) => chatserver.on("ready", () => done(true)));
          chatserver.setLocale("fr");
          window.answer = chatserver.setNickname("zoe");
        }"""
    )
    assert app.evaluate("readyAgain") is True
    expect(room.locator("html")).to_have_attribute("lang", "fr")
    answer = app.evaluate("answer")
    # Joined, or only suggested: Playwright's calls into the frame count as the visitor's clicks there,
    # which Chromium keeps across the frame's same-origin reload.
    if answer["ok"]:
        expect(room.locator("#me")).to_have_text("zoe")
    else:
        assert answer["error"]["code"] == "needs_click"
        expect(room.get_by_label("Choose a nickname")).to_have_value("zoe")
    expect(app.locator("chatserver-bar .bar")).to_have_attribute("aria-expanded", "true")
    assert app.evaluate("chatserver.isOpen()") is True


def test_page_language_and_right_to_left_corner(live_server: LiveServer, context_factory: Any, other_site: Any) -> None:
    slug = live_server.create_event(title="Support")["event"]["slug"]
    context = context_factory(locale="en-US")
    # An Arabic page: the room speaks Arabic, and the bar sits in the mirrored corner, mirrored.
    arabic = app_page(context, other_site, live_server, slug, html_attrs='lang="ar" dir="rtl"')
    expect(arabic.frame_locator("chatserver-bar iframe").locator("html")).to_have_attribute("dir", "rtl")
    assert "locale=ar" in arabic.locator("chatserver-bar iframe").get_attribute("src")
    expect(arabic.locator("chatserver-bar")).to_have_attribute("data-side", "left")
    expect(arabic.locator("chatserver-bar .w")).to_have_attribute("dir", "rtl")
    assert bar_side(arabic) == "left"

    # The site's data-position wins over the language's corner.
    right = app_page(context, other_site, live_server, slug, 'data-position="right"', 'lang="ar" dir="rtl"')
    expect(right.locator("chatserver-bar")).to_have_attribute("data-side", "right")
    assert bar_side(right) == "right"
