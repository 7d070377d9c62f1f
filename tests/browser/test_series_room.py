"""A series' one link in Chromium: the waiting room, the room opening and closing, then the next
meeting's countdown, all in one document; and "Notify me when it opens"."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import LiveServer

# Records the page's desktop notifications (the real API still runs): what a reader would see.
RECORD_NOTIFICATIONS = """
window.__notes = [];
const Real = window.Notification;
window.Notification = class extends Real {
  constructor(title, options) { super(title, options); window.__notes.push({ title, body: options && options.body }); }
};
window.Notification.requestPermission = (...a) => Real.requestPermission(...a);
Object.defineProperty(window.Notification, "permission", { get: () => Real.permission });
"""


def test_the_series_link_waits_opens_closes_and_counts_down_to_the_next(
    live_server: LiveServer, context_factory: Any
) -> None:
    created = live_server.create_series(title="Weekly sync", description="Agenda in the doc")
    slug, key = created["series"]["slug"], created["host_key"]
    first, second = live_server.occurrences(slug)
    live_server.move(first["slug"], key, starts_in=5, lasts=5)

    context = context_factory(timezone_id="Europe/Berlin", locale="en-GB")
    context.grant_permissions(["notifications"], origin=live_server.base)
    context.add_init_script(RECORD_NOTIFICATIONS)
    page = context.new_page()
    page.goto(f"{live_server.base}/s/{slug}")
    page.evaluate("window.sameDocument = true")  # survives only if the page is never reloaded

    # Before: the waiting room of the first meeting, with the series in words.
    expect(page.locator("#waiting")).to_be_visible()
    expect(page.locator("h1")).to_have_text("Weekly sync")
    expect(page.locator("#waiting .series-rule")).to_have_text(
        re.compile(r"^Every week on \w+day at \d\d:\d\d \(.+\)$")
    )
    subscribe = page.locator('#waiting a[data-calendar="subscribe"]')
    expect(subscribe).to_have_attribute("href", re.compile(rf"^webcal://127\.0\.0\.1:\d+/s/{slug}\.ics$"))
    notify = page.locator("#open-alert")
    expect(notify).to_have_text("Notify me when it opens")
    notify.click()
    expect(notify).to_have_attribute("aria-pressed", "true")
    expect(notify).to_have_text("✓ You will be notified when it opens")
    page.get_by_label("Choose a nickname").fill("sam")
    page.get_by_role("button", name="Join").click()
    expect(page.locator("#waiting-me")).to_contain_text("sam")

    # It opens: the chat, in the same document, and the reminder's desktop notification.
    expect(page.locator("#chat")).to_be_visible(timeout=8000)
    expect(page.locator("#state-badge")).to_have_text("Open")
    page.wait_for_function("window.__notes.length > 0")
    assert page.evaluate("window.__notes") == [
        {"title": "Weekly sync has started", "body": "The chat is open: join in."}
    ]
    page.get_by_label("Message").fill("hello from the series")
    page.keyboard.press("Enter")
    expect(page.locator("#messages li.message")).to_have_text(re.compile("hello from the series"))

    # It closes: the closed notice names the next meeting and counts down to it.
    expect(page.locator("#closed")).to_be_visible(timeout=8000)
    expect(page.locator("#series-next")).to_be_visible()
    expect(page.locator("#series-next-when")).to_have_text(re.compile(r"^Next meeting: .+"))
    expect(page.locator("#series-countdown")).to_have_text(re.compile(r"^Starts in [67]\u00a0days"))
    assert page.evaluate("window.sameDocument") is True
    # The meeting just held is under the past meetings, its transcript one click away.
    page.locator("#closed .past-meetings summary").click()
    expect(page.locator(f'#closed .past-meetings a[href="/e/{first["slug"]}/transcript"]')).to_be_visible()
    # The next meeting's room is what the link opens now.
    page.reload()
    expect(page.locator("#room")).to_have_attribute("data-slug", second["slug"])
    expect(page.locator("#waiting")).to_be_visible()


def test_the_reminder_is_one_notification_however_many_tabs(live_server: LiveServer, context_factory: Any) -> None:
    created = live_server.create_series(title="Office hour")
    slug, key = created["series"]["slug"], created["host_key"]
    first = live_server.occurrences(slug)[0]
    live_server.move(first["slug"], key, starts_in=4, lasts=60)
    context = context_factory()
    context.grant_permissions(["notifications"], origin=live_server.base)
    context.add_init_script(RECORD_NOTIFICATIONS)
    pages = [context.new_page() for _ in range(2)]
    for page in pages:
        page.goto(f"{live_server.base}/s/{slug}")
    pages[0].get_by_role("button", name="Notify me when it opens").click()
    expect(pages[0].get_by_role("button", name=re.compile("You will be notified"))).to_be_visible()
    for page in pages:
        expect(page.locator("#chat")).to_be_visible(timeout=9000)
    # Each tab saw the opening; the tabs agree on one notification (and both had time to claim it).
    pages[0].wait_for_function("window.__notes.length === 1")
    pages[1].wait_for_timeout(0)
    counts = [page.evaluate("window.__notes.length") for page in pages]
    assert sorted(counts) == [0, 1], counts
