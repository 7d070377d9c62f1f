"""The front end as ES modules: every page's module graph loads under the pages' CSP, nested imports
are revalidated on every load (cache busting without a version in `import "./x.js"`), and the chat
bar and its panel pick the same text colour for a site's accent."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import LiveServer
from tests.browser.test_admin_console import operator_link
from tests.browser.test_chat_bar import app_page, room_in, wait_ready

# Accents a site may give the bar: named, hex, rgb(), hsl(), and a grid of hues and lightnesses,
# around the threshold where dark text gives way to white.
ACCENTS = [
    "#000",
    "#fff",
    "#1a5fb4",
    "#ffcc00",
    "#4caf50",
    "#0f766e",
    "#808080",
    "#9e9e9e",
    "#a0a0a0",
    "#b4b4b4",
    "red",
    "orange",
    "gold",
    "teal",
    "rebeccapurple",
    "hotpink",
    "rgb(120 200 120)",
    "rgb(0 128 255)",
    "#ff000080",
] + [f"hsl({hue} {sat}% {light}%)" for hue in range(0, 360, 30) for sat in (60, 100) for light in (35, 50, 65)]


def bar_text_colours(page: Any, accents: list[str]) -> list[str]:
    """The bar's text colour (--af) that widget.js itself picks for each accent, one bar at a time."""
    return page.evaluate(
        """async (accents) => {
            const out = [];
            for (const accent of accents) {
                delete window.chatserver;
                const script = document.createElement("script");
                script.src = "/static/widget.js";
                script.dataset.room = "nosuchroom";
                script.dataset.accent = accent;
                await new Promise((resolve, reject) => {
                    script.onload = resolve;
                    script.onerror = reject;
                    document.head.append(script);
                });
                const bar = document.querySelector("chatserver-bar");
                out.push(bar.shadowRoot.querySelector(".w").style.getPropertyValue("--af"));
                bar.remove();
                script.remove();
            }
            return out;
        }""",
        accents,
    )


def test_the_bar_and_its_panel_pick_the_same_text_colour_for_any_accent(
    live_server: LiveServer, context_factory: Any
) -> None:
    page = context_factory().new_page()
    page.route(re.compile(r"/e/nosuchroom/"), lambda route: route.abort())  # the bars' rooms: not needed here
    page.goto(f"{live_server.base}/demo/embed")
    bar = bar_text_colours(page, ACCENTS)
    panel = page.evaluate(
        """async (accents) => {
            const { textOn } = await import("/static/contrast.js");
            return accents.map(textOn);
        }""",
        ACCENTS,
    )
    assert set(bar) == {"#111", "#fff"}  # both answers occur: the range straddles the threshold
    assert panel == bar


def test_the_panel_in_the_bar_uses_the_bars_text_colour(
    live_server: LiveServer, context_factory: Any, other_site: tuple[str, dict[str, str]]
) -> None:
    # A mid green: by relative luminance it wants dark text, by the bar's formula white. One answer.
    slug = live_server.create_event()["event"]["slug"]
    app = app_page(context_factory(), other_site, live_server, slug, attrs='data-accent="#4caf50" data-open="true"')
    wait_ready(app)
    bar = app.locator("chatserver-bar .w").evaluate("e => e.style.getPropertyValue('--af')")
    panel = room_in(app).locator("html").evaluate("e => e.style.getPropertyValue('--accent-fg')")
    assert bar == panel == "#fff"


def test_pages_load_their_modules_without_errors(live_server: LiveServer, context_factory: Any) -> None:
    created = live_server.create_event(title="Modules", listed=True)
    slug, key = created["event"]["slug"], created["host_key"]
    context = context_factory()
    problems: list[str] = []
    for path, ready in [
        ("/", "#schedule:not([hidden])"),
        ("/archive", "main"),
        (f"/e/{slug}", "#room[data-transport]"),
        (f"/e/{slug}/transcript", "ol.log.enhanced, p.empty"),
        (f"/e/{slug}/host#key={key}", "#console:not([hidden]) #live-count"),
        (operator_link(live_server), "#console:not([hidden]) #stat-events"),
        (f"/demo/embed?room={slug}", "#log"),
    ]:
        page = context.new_page()
        page.on("console", lambda m, p=path: problems.append(f"{p}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e, p=path: problems.append(f"{p}: {e}"))
        page.goto(live_server.base + path)
        expect(page.locator(ready).first).to_be_attached()
        # Every page runs common.js (local times); the transcript's times are local by now.
        if path.endswith("/transcript"):
            expect(page.locator("time[data-local]").first).to_have_attribute("title", re.compile(r"\d"))
        page.close()
    assert problems == []


def test_nested_modules_are_revalidated_and_entry_modules_cached_by_version(
    live_server: LiveServer, context_factory: Any
) -> None:
    slug = live_server.create_event()["event"]["slug"]
    page = context_factory().new_page()
    page.goto(f"{live_server.base}/e/{slug}")
    entry = page.locator("script[type=module][src*='room.js']").get_attribute("src")
    assert entry and "?v=" in entry
    versioned = page.request.get(live_server.base + entry)
    assert versioned.status == 200 and "max-age" in versioned.headers["cache-control"]
    # room.js imports "./items.js": no version, so the browser must ask again on every load.
    nested = page.request.get(f"{live_server.base}/static/items.js")
    assert nested.status == 200
    assert nested.headers["cache-control"] == "no-cache"
    etag = nested.headers["etag"]
    again = page.request.get(f"{live_server.base}/static/items.js", headers={"If-None-Match": etag})
    assert again.status == 304
