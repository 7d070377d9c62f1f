""" "Add to calendar": the waiting room and the home page's confirmation offer the .ics file, Google
Calendar and Outlook, each with the event's title, times and room link."""

from __future__ import annotations

import urllib.request
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import icalendar
from playwright.sync_api import expect

from tests.browser.conftest import LiveServer
from tests.browser.steps import open_room
from tests.helpers import parse_z

TITLE = "Planning, Q3; budget & hiring"
DESCRIPTION = "Bring notes.\nAgenda: budget, hiring"


def compact(iso: str) -> str:
    return parse_z(iso).strftime("%Y%m%dT%H%M%SZ")


def query(href: str | None) -> dict[str, str]:
    assert href
    return {name: values[0] for name, values in parse_qs(urlsplit(href).query).items()}


def check_links(page: Any, box: str, base: str, event: dict[str, Any]) -> None:
    """The box's three links point at the event (title, times, room link), web ones in a new tab."""
    links = page.locator(box)
    room = f"{base}/e/{event['slug']}"
    details = f"{event['description']}\n\n{room}" if event["description"] else room
    ics = links.get_by_role("link", name="Calendar file (.ics)")
    assert ics.get_attribute("href") == f"/e/{event['slug']}.ics"
    assert ics.get_attribute("download") is not None
    google = links.get_by_role("link", name="Google Calendar")
    outlook = links.get_by_role("link", name="Outlook")
    for link in (google, outlook):
        expect(link).to_be_visible()
        assert link.get_attribute("target") == "_blank"
        assert link.get_attribute("rel") == "noopener noreferrer"
    href = google.get_attribute("href")
    assert href and href.startswith("https://calendar.google.com/calendar/render?")
    assert query(href) == {
        "action": "TEMPLATE",
        "text": event["title"],
        "dates": f"{compact(event['starts_at'])}/{compact(event['ends_at'])}",
        "details": details,
    }
    href = outlook.get_attribute("href")
    assert href and href.startswith("https://outlook.live.com/calendar/0/deeplink/compose?")
    asked = query(href)
    assert asked["subject"] == event["title"] and asked["body"] == details
    assert parse_z(asked["startdt"]) == parse_z(event["starts_at"])
    assert parse_z(asked["enddt"]) == parse_z(event["ends_at"])


def test_the_waiting_room_offers_the_calendar_links(live_server: LiveServer, context_factory: Any) -> None:
    created = live_server.create_event(starts_in=3600, title=TITLE, description=DESCRIPTION)
    event, key = created["event"], created["host_key"]
    room = open_room(context_factory(), live_server, event["slug"])
    expect(room.locator("#waiting")).to_be_visible()
    check_links(room, "#waiting .add-to-calendar", live_server.base, event)

    # The file behind the link is the event's.
    href = room.locator("#waiting a[data-calendar=ics]").get_attribute("href")
    with urllib.request.urlopen(live_server.base + str(href), timeout=10) as reply:
        assert reply.headers["Content-Type"] == "text/calendar; charset=utf-8"
        vevent = icalendar.Calendar.from_ical(reply.read()).walk("VEVENT")[0]
    assert str(vevent["SUMMARY"]) == TITLE and str(vevent["URL"]) == f"{live_server.base}/e/{event['slug']}"
    assert vevent["DTSTART"].dt == parse_z(event["starts_at"]).replace(microsecond=0)

    # The host renames it: the links follow without a reload.
    status, edited = live_server.api("PATCH", f"/api/events/{event['slug']}", {"title": "Planning, moved"}, key)
    assert status == 200, edited
    expect(room.locator(".event-head h1")).to_have_text("Planning, moved")
    check_links(room, "#waiting .add-to-calendar", live_server.base, edited["event"])


def test_the_confirmation_after_scheduling_offers_them(live_server: LiveServer, context_factory: Any) -> None:
    page = context_factory().new_page()
    page.goto(live_server.base + "/")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Description").fill(DESCRIPTION)
    page.get_by_label("Start date").fill(f"{datetime.now().year + 1}-03-10")
    page.get_by_label("Start time").fill("14:30")
    page.get_by_role("button", name="Schedule the event").click()
    expect(page.locator("#created")).to_be_visible()
    slug = page.locator("#room-link").input_value().rsplit("/", 1)[1]
    status, body = live_server.api("GET", f"/api/events/{slug}")
    assert status == 200
    check_links(page, "#created-calendar", live_server.base, body["event"])
