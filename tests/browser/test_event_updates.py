"""The host changes the event while people are in the room: open rooms (by long polls and by SSE),
the waiting room and the host console in another tab show the new details within a second."""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LiveServer
from tests.browser.steps import streams_and_polls
from tests.helpers import iso_in

SOON = 2000  # ms: "within a second", with room for a busy test machine


def connected(page: Any, server: LiveServer, streams: int, polls: int) -> None:
    """Until the server holds exactly this many SSE streams and long polls (the transport is up)."""
    deadline = time.monotonic() + 10
    seen = None
    while time.monotonic() < deadline:
        seen = streams_and_polls(server)
        if seen == (streams, polls):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"expected {streams} streams and {polls} polls, saw {seen}")


def later(iso: str, minutes: int) -> str:
    return (datetime.fromisoformat(iso.replace("Z", "+00:00")) + timedelta(minutes=minutes)).isoformat()


def short_time(page: Any, iso: str) -> str:
    """The time of day as the page shows it (the browser's language and zone)."""
    return str(
        page.evaluate("iso => new Intl.DateTimeFormat(undefined, {timeStyle: 'short'}).format(new Date(iso))", iso)
    )


def moment(page: Any, iso: str) -> float:
    """An RFC 3339 time as the browser reads it (ms since the epoch): the same moment, however written."""
    return float(page.evaluate("iso => Date.parse(iso)", iso))


@pytest.mark.parametrize("transport", ["poll", "stream"])
def test_an_open_room_shows_the_hosts_changes_at_once(
    transport: str, live_server: LiveServer, context_factory: Any
) -> None:
    created = live_server.create_event(title="Office hours", description="Ask anything.")
    slug, key, event = created["event"]["slug"], created["host_key"], created["event"]
    page = context_factory().new_page()
    page.goto(f"{live_server.base}/e/{slug}" + ("?transport=poll" if transport == "poll" else ""))
    expect(page.locator("#messages li.system[data-code=opened]")).to_have_count(1)
    connected(page, live_server, streams=int(transport == "stream"), polls=int(transport == "poll"))
    page.evaluate("""() => {
        window.details = [];
        document.getElementById("room").addEventListener("room:details", (ev) => window.details.push(ev.detail));
    }""")
    old_end = short_time(page, event["ends_at"])
    expect(page.locator(".event-head time.ends")).to_have_text(re.compile(re.escape(old_end)))

    host = None
    if transport == "stream":  # the host console in another tab follows too
        host = context_factory().new_page()
        host.goto(live_server.base + created["links"]["host"])
        expect(host.get_by_role("heading", name="Live chat")).to_be_visible()
        expect(host.locator("#messages li.system[data-code=opened]")).to_have_count(1)

    new_end = later(event["ends_at"], 10)
    status, reply = live_server.api(
        "PATCH", f"/api/events/{slug}", {"title": "Office hours, longer", "ends_at": new_end}, key
    )
    assert status == 200, reply

    head = page.locator(".event-head")
    expect(head.get_by_role("heading", level=1)).to_have_text("Office hours, longer", timeout=SOON)
    expect(head.locator("time.ends")).to_have_text(re.compile(re.escape(short_time(page, new_end))), timeout=SOON)
    expect(page).to_have_title(re.compile(r"^Office hours, longer · chatserver"))
    assert moment(page, page.evaluate("document.getElementById('room').dataset.endsAt")) == moment(page, new_end)
    expect(head.locator(".description")).to_have_text("Ask anything.")  # unchanged stays
    detail = page.evaluate("window.details.at(-1)")
    assert detail["title"] == "Office hours, longer"
    assert moment(page, detail["ends_at"]) == moment(page, new_end)

    if host is not None:
        expect(host.locator("#host-title")).to_have_text("Office hours, longer", timeout=SOON)
        expect(host.locator("#host-ends")).to_have_text(re.compile(re.escape(short_time(host, new_end))))
        expect(host.get_by_role("textbox", name="Title")).to_have_value("Office hours, longer")


def test_the_waiting_room_follows_a_new_start_and_description(live_server: LiveServer, context_factory: Any) -> None:
    created = live_server.create_event(starts_in=3600, title="Launch")
    slug, key = created["event"]["slug"], created["host_key"]
    page = context_factory().new_page()
    page.goto(f"{live_server.base}/e/{slug}")
    countdown = page.locator("#countdown")
    expect(countdown).to_have_text(re.compile(r"Starts in (59|60)\smin"))
    connected(page, live_server, streams=1, polls=0)

    new_start = iso_in(3 * 3600)
    status, reply = live_server.api(
        "PATCH",
        f"/api/events/{slug}",
        {"starts_at": new_start, "ends_at": iso_in(4 * 3600), "description": "Agenda: www.example.org/agenda"},
        key,
    )
    assert status == 200, reply
    expect(countdown).to_have_text(re.compile(r"Starts in (2\sh\s59|3\sh\s00)\smin"), timeout=SOON)
    expect(page.locator("#waiting time.starts")).to_have_text(re.compile(re.escape(short_time(page, new_start))))
    link = page.locator(".event-head .description a")
    expect(link).to_have_attribute("href", "https://www.example.org/agenda", timeout=SOON)
