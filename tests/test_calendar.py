"""GET /e/<slug>.ics: one event's calendar file, valid RFC 5545, read back with the icalendar library."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import icalendar
import pytest

from tests.helpers import Api, parse_z

BACKENDS = ("sqlite", "postgresql")  # the same tests on both engines (tests/conftest.py)

LONG_TITLE = ("Quarterly planning, budget; and hiring — " + "a very long title " * 6).strip()
DESCRIPTION = "Agenda: budget, hiring; roadmap\nBring notes, please."
PUBLIC = {
    "max_wait": 5.0,
    "rate_limit": 20,
    "event_limit": 0,
    "join_limit": 0,
    "public_url": "https://chat.example.org",
}


async def ics(api: Api, slug: str, **kw: Any) -> tuple[str, icalendar.Component, icalendar.Component]:
    """The served file's text, its VCALENDAR and its one VEVENT."""
    reply = await api.get(f"/e/{slug}.ics", **kw)
    assert reply.status == 200, reply.body
    assert reply.headers["Content-Type"] == "text/calendar; charset=utf-8"
    cal = icalendar.Calendar.from_ical(reply.body)
    events = cal.walk("VEVENT")
    assert len(events) == 1
    return reply.body, cal, events[0]


async def test_the_calendar_file_describes_the_event(api: Api) -> None:
    created = await api.create_event(starts_in=3600, lasts=1800, title=LONG_TITLE, description=DESCRIPTION)
    slug, event = created["event"]["slug"], created["event"]
    reply = await api.get(f"/e/{slug}.ics")
    text, cal, vevent = await ics(api, slug)
    # The file as RFC 5545 writes it: CRLF line ends only, lines folded at 75 octets.
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    lines = text.split("\r\n")[:-1]
    assert all(len(line.encode()) <= 75 for line in lines)
    assert any(line.startswith(" ") for line in lines)  # the long title and description were folded
    assert "SUMMARY:Quarterly planning\\, budget\\; and hiring" in text.replace("\r\n ", "")  # escaped
    assert str(cal["VERSION"]) == "2.0" and str(cal["METHOD"]) == "PUBLISH" and cal["PRODID"]
    assert str(vevent["UID"]) == f"{slug}@chatserver"
    assert vevent["DTSTAMP"].dt.tzinfo is not None
    # Whole seconds: RFC 5545 has no fractions.
    assert vevent["DTSTART"].dt == parse_z(event["starts_at"]).replace(microsecond=0)
    assert vevent["DTEND"].dt == parse_z(event["ends_at"]).replace(microsecond=0)
    assert vevent["DTSTART"].dt.utcoffset() == timedelta(0) and "DTSTART:" in text  # UTC, no TZID
    assert "VTIMEZONE" not in text
    assert str(vevent["SUMMARY"]) == LONG_TITLE
    room = f"{api.base_url}/e/{slug}"
    assert str(vevent["URL"]) == room
    assert str(vevent["DESCRIPTION"]) == f"{DESCRIPTION}\n\n{room}"  # commas, semicolons, newlines kept
    assert int(vevent["SEQUENCE"]) == 0 and str(vevent["STATUS"]) == "CONFIRMED"
    alarms = vevent.walk("VALARM")
    assert len(alarms) == 1
    assert str(alarms[0]["ACTION"]) == "DISPLAY"
    assert alarms[0]["TRIGGER"].dt == timedelta(minutes=-10)
    assert str(alarms[0]["DESCRIPTION"]) == f"Starts in 10 minutes: {LONG_TITLE}"
    # A download, named as the transcript files are.
    date = event["starts_at"][:10]
    assert reply.headers["Content-Disposition"].startswith('attachment; filename="Quarterly-planning-budget')
    assert reply.headers["Content-Disposition"].endswith(f"-{date}.ics")
    assert reply.headers["Cache-Control"] == "no-store"


async def test_sequence_grows_with_edits_and_a_cancellation(api: Api) -> None:
    created = await api.create_event(starts_in=3600, title="Standup")
    slug, key = created["event"]["slug"], created["host_key"]
    before = await api.read_all(slug), (await api.get(f"/api/events/{slug}")).body["event"]
    _, _, vevent = await ics(api, slug)
    assert int(vevent["SEQUENCE"]) == 0
    # Reading the file changes nothing: no item, the same event.
    assert (await api.read_all(slug), (await api.get(f"/api/events/{slug}")).body["event"]) == before
    assert (await api.patch(f"/api/events/{slug}", {"title": "Standup, moved"}, token=key)).status == 200
    _, _, vevent = await ics(api, slug)
    assert int(vevent["SEQUENCE"]) == 1 and str(vevent["SUMMARY"]) == "Standup, moved"
    assert (await api.patch(f"/api/events/{slug}", {"listed": False}, token=key)).status == 200
    _, _, vevent = await ics(api, slug)
    assert int(vevent["SEQUENCE"]) == 1  # not shown in a calendar: no new revision
    assert (await api.post(f"/api/events/{slug}/close", token=key)).status == 200
    _, _, vevent = await ics(api, slug)
    assert str(vevent["STATUS"]) == "CANCELLED" and int(vevent["SEQUENCE"]) == 2


async def test_an_open_event_closed_early_is_not_cancelled(api: Api) -> None:
    created = await api.create_event()
    slug, key = created["event"]["slug"], created["host_key"]
    assert (await api.post(f"/api/events/{slug}/close", token=key)).status == 200
    _, _, vevent = await ics(api, slug)
    assert str(vevent["STATUS"]) == "CONFIRMED" and int(vevent["SEQUENCE"]) == 0


async def test_the_reminder_speaks_the_events_language(api: Api) -> None:
    slug = (await api.create_event(starts_in=600, title="Treffen", language="de"))["event"]["slug"]
    # The event's language, whatever the reader's: the file is for everyone's calendar.
    _, _, vevent = await ics(api, slug, headers={"Accept-Language": "fr"})
    assert str(vevent.walk("VALARM")[0]["DESCRIPTION"]) == "Beginnt in 10 Minuten: Treffen"


async def test_an_unknown_event_is_a_json_404(api: Api) -> None:
    reply = await api.get("/e/nosuchevent.ics")
    assert reply.status == 404 and reply.error_code == "not_found"


@pytest.mark.parametrize("settings", [PUBLIC])  # the server started with --public-url https://chat.example.org
async def test_links_and_uid_use_the_public_url(api: Api, settings: dict[str, object]) -> None:
    slug = (await api.create_event(starts_in=600))["event"]["slug"]
    text, _, vevent = await ics(api, slug, headers={"Host": "attacker.example"})
    assert str(vevent["UID"]) == f"{slug}@chat.example.org"
    assert str(vevent["URL"]) == f"https://chat.example.org/e/{slug}"
    assert "attacker.example" not in text
    assert vevent["DTSTART"].dt > datetime.now(UTC)
