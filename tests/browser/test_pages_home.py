"""The start page: scheduling an event through the form, in the browser's own time zone, and the two links."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from tests.browser.conftest import LiveServer

ZONE = "America/New_York"


def test_schedule_an_event_and_open_both_links(live_server: LiveServer, context_factory: Any) -> None:
    context = context_factory(timezone_id=ZONE, permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    urls: list[str] = []
    context.on("request", lambda request: urls.append(request.url))
    page.goto(live_server.base + "/")

    start = (datetime.now(ZoneInfo(ZONE)) + timedelta(days=2)).replace(hour=14, minute=30, second=0, microsecond=0)
    page.get_by_label("Title").fill("Release party")
    page.get_by_label("Description").fill("Cake at four.")
    page.get_by_label("Start date").fill(start.strftime("%Y-%m-%d"))
    page.get_by_label("Start time").fill("14:30")
    page.get_by_label("Duration").select_option(label="1½ hours")
    expect(page.locator("#when-summary")).to_contain_text("1 hour 30 min")
    page.get_by_role("button", name="Schedule the event").click()

    expect(page.get_by_role("heading", name="“Release party” is scheduled")).to_be_visible()
    expect(page.get_by_text("The host link is the key to this event.")).to_be_visible()
    # The new event shows in the upcoming list at once, without a reload.
    upcoming = page.locator('section[aria-labelledby="upcoming-heading"]')
    expect(upcoming.get_by_role("link", name="Release party")).to_be_visible()
    room_url = page.locator("#room-link").input_value()
    host_url = page.locator("#host-link").input_value()
    assert room_url.startswith(live_server.base + "/e/")
    assert host_url.startswith(room_url + "/host#key=")
    slug = room_url.rsplit("/", 1)[1]

    # The times were sent with the browser's offset: 14:30 in New York, for 90 minutes.
    status, body = live_server.api("GET", f"/api/events/{slug}")
    assert status == 200
    event = body["event"]
    expected_start = start.astimezone(UTC)
    assert event["starts_at"] == expected_start.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    assert event["ends_at"] == (expected_start + timedelta(minutes=90)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    assert (event["title"], event["description"], event["listed"]) == ("Release party", "Cake at four.", True)

    page.get_by_role("button", name="Copy the host link").click()
    expect(page.locator("#copy-status")).to_have_text("Host link copied to the clipboard.")
    assert page.evaluate("navigator.clipboard.readText()") == host_url

    with context.expect_page() as opened:
        page.get_by_role("link", name="Open the room").click()
    room = opened.value
    expect(room.get_by_role("heading", level=1)).to_have_text("Release party")
    assert room.url == room_url

    with context.expect_page() as opened:
        page.get_by_role("link", name="Open the host console").click()
    host = opened.value
    expect(host.get_by_role("heading", name="Live chat")).to_be_visible()
    expect(host.get_by_role("textbox", name="Title")).to_have_value("Release party")
    expect(host.get_by_text("host key is wrong")).to_have_count(0)

    key = host_url.split("#key=", 1)[1]
    assert not [url for url in urls if key in url.split("#", 1)[0]], "the host key went into a URL"


def test_field_errors_show_next_to_their_field(live_server: LiveServer, context_factory: Any) -> None:
    page = context_factory().new_page()
    page.goto(live_server.base + "/")
    title = page.get_by_label("Title")

    # Checked in the browser: no title.
    page.get_by_role("button", name="Schedule the event").click()
    expect(page.locator("#f-title-error")).to_have_text("Give the event a title.")
    expect(title).to_have_attribute("aria-invalid", "true")
    expect(title).to_be_focused()

    # Checked by the server: its message names the field, and the page puts it beside that field.
    title.fill("Tab\tin the title")
    expect(page.locator("#f-title-error")).to_be_hidden()
    page.get_by_role("button", name="Schedule the event").click()
    expect(page.locator("#f-title-error")).to_contain_text("The title must not contain control characters")
    expect(page.locator("#schedule-error")).to_be_hidden()

    # A custom end before the start is refused beside the end.
    title.fill("Backwards")
    page.get_by_label("Duration").select_option(label="Custom end…")
    end = page.get_by_label("End date and time")
    expect(end).to_be_focused()
    start_date = page.get_by_label("Start date").input_value()
    end.fill(f"{start_date}T00:00")
    page.get_by_role("button", name="Schedule the event").click()
    expect(page.locator("#f-end-error")).to_have_text("The end must come after the start.")
    expect(end).to_have_attribute("aria-invalid", "true")
    assert live_server.api("GET", "/api/events?state=scheduled")[1]["events"] == []


def test_lists_show_open_and_upcoming_events_in_local_time(live_server: LiveServer, context_factory: Any) -> None:
    live_server.create_event(title="Happening now")
    upcoming = live_server.create_event(title="Later today", starts_in=3 * 3600)
    live_server.create_event(title="Secret", listed=False)
    page = context_factory(timezone_id="Asia/Kolkata", locale="en-GB").new_page()
    page.goto(live_server.base + "/")

    open_list = page.get_by_role("region", name="Open now")
    expect(open_list.get_by_role("link")).to_have_text(["Happening now"])
    upcoming_list = page.get_by_role("region", name="Upcoming")
    expect(upcoming_list.get_by_role("link")).to_have_text(["Later today"])
    start = datetime.strptime(upcoming["event"]["starts_at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    local = start.astimezone(ZoneInfo("Asia/Kolkata")).strftime("%H:%M")
    expect(upcoming_list.locator("time")).to_contain_text(local)
    expect(upcoming_list).to_contain_text("in 3 hours")
    expect(page.get_by_text("Secret")).to_have_count(0)


def test_a_scheduled_event_joins_its_list_like_the_others(live_server: LiveServer, context_factory: Any) -> None:
    live_server.create_event(title="Tomorrow", starts_in=86400 + 3600)
    live_server.create_event(title="In four days", starts_in=4 * 86400)
    page = context_factory(timezone_id=ZONE, locale="en-US").new_page()
    page.goto(live_server.base + "/")
    upcoming = page.get_by_role("region", name="Upcoming")
    expect(upcoming.locator(".count")).to_have_text("2")

    start = datetime.now(ZoneInfo(ZONE)) + timedelta(days=2)
    page.get_by_label("Title").fill("The new one")
    page.get_by_label("Start date").fill(start.strftime("%Y-%m-%d"))
    page.get_by_label("Start time").fill("11:00")
    page.get_by_role("button", name="Schedule the event").click()
    expect(page.get_by_role("heading", name="“The new one” is scheduled")).to_be_visible()

    # Soonest first, the count beside the list, and every line in one format: "Dec 4, 2026, 11:00 AM · in 2 days".
    expect(upcoming.get_by_role("link")).to_have_text(["Tomorrow", "The new one", "In four days"])
    expect(upcoming.locator(".count")).to_have_text("3")
    shape = r"^[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d{2}\s[AP]M · (tomorrow|in \d+ days)$"
    whens = upcoming.locator(".event-when")
    expect(whens).to_have_text([re.compile(shape)] * 3, use_inner_text=True)
    assert whens.nth(1).inner_text().startswith(start.strftime("%b ") + str(start.day) + start.strftime(", %Y, 11:00"))
