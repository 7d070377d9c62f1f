"""Telling a reader about news while the room's tab is hidden: the count in the title and icon,
desktop notifications for mentions and announcements (permission asked on a click only), a beep.

Headless Chromium shows every page as visible, so these tests switch document.visibilityState
themselves (an init script), and stand in for the Notification API, which has no screen here, to
see what the page asks for and shows.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import LiveServer
from tests.browser.steps import open_room

HIDEABLE = """
Object.defineProperty(document, "visibilityState", {configurable: true, get: () => window.__hidden ? "hidden" : "visible"});
Object.defineProperty(document, "hidden", {configurable: true, get: () => !!window.__hidden});
window.__setHidden = (hidden) => { window.__hidden = hidden; document.dispatchEvent(new Event("visibilitychange")); };
"""

FAKE_NOTIFICATIONS = """
window.__notes = [];
window.__asked = 0;
class FakeNotification {
  constructor(title, options) { window.__notes.push({title, body: options.body, tag: options.tag}); }
  addEventListener() {}
  close() {}
  // The browser remembers a permission for the site: here, localStorage does.
  static get permission() { return localStorage.getItem("fake-permission") || "default"; }
  static async requestPermission() {
    window.__asked += 1;
    localStorage.setItem("fake-permission", "granted");
    return "granted";
  }
}
window.Notification = FakeNotification;
"""


def say(server: LiveServer, slug: str, token: str, body: str) -> None:
    status, reply = server.api("POST", f"/api/events/{slug}/messages", {"body": body}, token)
    assert status == 201, reply


def hide(page: Any, hidden: bool = True) -> None:
    page.evaluate(f"window.__setHidden({'true' if hidden else 'false'})")


def test_a_hidden_tab_counts_news_in_its_title_and_icon(live_server: LiveServer, context_factory: Any) -> None:
    slug = live_server.create_event(title="Standup")["event"]["slug"]
    bob = live_server.join(slug, "bob")
    context = context_factory()
    context.add_init_script(HIDEABLE)
    page = open_room(context, live_server, slug, "alice")
    icon = page.locator('link[rel="icon"]')
    original = icon.get_attribute("href")
    assert original and original.startswith("/static/favicon.svg")

    hide(page)
    say(live_server, slug, bob, "one")
    say(live_server, slug, bob, "two")
    expect(page).to_have_title("(2) Standup · chatserver")
    expect(icon).to_have_attribute("href", re.compile(r"^data:image/png;base64,"))
    page.get_by_label("Message").fill("my own reply is no news")
    page.get_by_label("Message").press("Enter")
    expect(page.locator("#messages li.message")).to_have_count(3)
    expect(page).to_have_title("(2) Standup · chatserver")

    hide(page, False)
    expect(page).to_have_title("Standup · chatserver")
    expect(icon).to_have_attribute("href", original)

    # Switched off in the menu: nothing is counted, and the choice is remembered for this room.
    page.get_by_text("Notifications", exact=True).click()
    page.get_by_label("Count what is new in the tab's title and icon").uncheck()
    assert json.loads(page.evaluate(f"localStorage.getItem('chatserver.settings.{slug}')"))["badge"] is False
    hide(page)
    say(live_server, slug, bob, "three")
    expect(page.locator("#messages li.message")).to_have_count(4)
    expect(page).to_have_title("Standup · chatserver")
    expect(icon).to_have_attribute("href", original)


def test_desktop_notifications_for_mentions_and_announcements_after_a_click(
    live_server: LiveServer, context_factory: Any
) -> None:
    created = live_server.create_event(title="Standup")
    slug, key = created["event"]["slug"], created["host_key"]
    bob = live_server.join(slug, "bob")
    context = context_factory()
    context.add_init_script(HIDEABLE + FAKE_NOTIFICATIONS)
    page = open_room(context, live_server, slug, "alice")
    assert page.evaluate("window.__asked") == 0  # never asked on load

    page.get_by_text("Notifications", exact=True).click()
    desktop = page.get_by_label("Desktop notification when someone mentions you")
    expect(desktop).not_to_be_checked()
    desktop.check()
    expect(desktop).to_be_checked()
    assert page.evaluate("window.__asked") == 1
    page.keyboard.press("Escape")
    expect(desktop).to_be_hidden()

    second = open_room(
        context, live_server, slug, expect_composer=True
    )  # the same reader in a second tab: one alert, not two
    for tab in (page, second):
        hide(tab)
    say(live_server, slug, bob, "nothing for you")
    say(live_server, slug, bob, "@Alice, look at this")
    live_server.api("POST", f"/api/events/{slug}/announcements", {"body": "Break in 5 minutes"}, key)
    # Either tab may be the one that shows an alert: wait until the announcement's is shown somewhere
    # (it came last, so every alert before it has been decided by then).
    deadline = time.monotonic() + 5
    notes: list[dict[str, str]] = []
    while not any(n["title"].startswith("Announcement") for n in notes):
        assert time.monotonic() < deadline, notes
        time.sleep(0.05)
        notes = page.evaluate("window.__notes") + second.evaluate("window.__notes")
    notes.sort(key=lambda n: n["tag"])
    assert [(n["title"], n["body"]) for n in notes] == [
        ("bob mentioned you · Standup · chatserver", "@Alice, look at this"),
        ("Announcement · Standup · chatserver", "Break in 5 minutes"),
    ]
    expect(page.locator("#messages li.mention")).to_have_count(1)

    page.reload()  # remembered, and still never asked on load
    page.get_by_text("Notifications", exact=True).click()
    expect(page.get_by_label("Desktop notification when someone mentions you")).to_be_checked()
    assert page.evaluate("window.__asked") == 0


def test_the_optional_sound_plays_for_news_in_a_hidden_tab(live_server: LiveServer, context_factory: Any) -> None:
    slug = live_server.create_event()["event"]["slug"]
    bob = live_server.join(slug, "bob")
    context = context_factory()
    context.add_init_script(
        HIDEABLE
        + """
        window.__tones = 0;
        const create = AudioContext.prototype.createOscillator;
        AudioContext.prototype.createOscillator = function () { window.__tones += 1; return create.call(this); };
    """
    )
    page = open_room(context, live_server, slug, "alice")
    page.get_by_text("Notifications", exact=True).click()
    page.get_by_label("A short sound when something new arrives").check()
    page.wait_for_function("() => window.__tones === 2")  # a sample when switched on
    hide(page)
    say(live_server, slug, bob, "ping")
    page.wait_for_function("() => window.__tones === 4")
