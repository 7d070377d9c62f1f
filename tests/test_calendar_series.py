"""GET /s/<slug>.ics: a series' feed, read with the icalendar library and expanded independently by
recurring-ical-events; the expansion must give exactly the API's occurrences, at their true times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import icalendar
import recurring_ical_events

from chatserver.timefmt import parse_time
from tests.conftest import Chat
from tests.helpers import Api, JumpClock, parse_z
from tests.test_series import create_series, local, move_to, read_series, server_clock

BACKENDS = ("sqlite", "postgresql")
__all__ = ["server_clock"]  # the module's clock fixture, shared with tests/test_series.py


async def feed(api: Api, slug: str) -> tuple[str, icalendar.Calendar]:
    reply = await api.get(f"/s/{slug}.ics")
    assert reply.status == 200, reply.body
    assert reply.headers["Content-Type"] == "text/calendar; charset=utf-8"
    text = reply.body
    assert isinstance(text, str)
    # RFC 5545's form: CRLF only, lines folded at 75 octets.
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    return text, icalendar.Calendar.from_ical(text)


def expanded(cal: icalendar.Calendar, until: datetime) -> list[tuple[str, str, str]]:
    """(start, end, status) of every instance from 2026 to `until`, in UTC, by recurring-ical-events."""
    instances = recurring_ical_events.of(cal).between(datetime(2026, 1, 1, tzinfo=UTC), until)
    out = []
    for instance in instances:
        start, end = instance["DTSTART"].dt.astimezone(UTC), instance["DTEND"].dt.astimezone(UTC)
        out.append((_z(start), _z(end), str(instance.get("STATUS", "CONFIRMED"))))
    return sorted(out)


def _z(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def shown(occurrences: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    return sorted((o["starts_at"], o["ends_at"], "CANCELLED" if o["cancelled"] else "CONFIRMED") for o in occurrences)


def after(body: dict[str, Any]) -> datetime:
    """Just after the last occurrence made: where the API's list ends."""
    return parse_z(body["occurrences"][-1]["ends_at"]) + timedelta(minutes=1)


async def test_the_feed_is_valid_zoned_and_expands_to_the_occurrences(api: Api) -> None:
    created = await create_series(api, "FREQ=WEEKLY;BYDAY=TU", local("2027-03-23", 10), description="Agenda; notes")
    slug = created["series"]["slug"]
    text, cal = await feed(api, slug)
    assert str(cal["VERSION"]) == "2.0" and str(cal["X-WR-CALNAME"]) == "Weekly Tornado meeting"
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Berlin"]
    assert "DTSTART;TZID=Europe/Berlin:20270323T100000" in text
    master = next(e for e in cal.walk("VEVENT") if "RRULE" in e)
    assert master["RRULE"].to_ical() == b"FREQ=WEEKLY;BYDAY=TU"
    assert str(master["URL"]).endswith(f"/s/{slug}")
    assert master.walk("VALARM")[0]["TRIGGER"].dt == timedelta(minutes=-10)
    assert str(master["DESCRIPTION"]).startswith("Agenda; notes\n\n")
    body = await read_series(api, slug)
    # Exactly the API's occurrences: the first in winter (09:00 UTC), the second after DST (08:00 UTC).
    assert (
        expanded(cal, after(body))
        == shown(body["occurrences"])
        == [
            ("2027-03-23T09:00:00.000Z", "2027-03-23T10:00:00.000Z", "CONFIRMED"),
            ("2027-03-30T08:00:00.000Z", "2027-03-30T09:00:00.000Z", "CONFIRMED"),
        ]
    )
    # And beyond them, the dates the API announces.
    later = expanded(cal, parse_z(body["series"]["upcoming"][-1]["ends_at"]) + timedelta(minutes=1))
    assert [start for start, _, _ in later] == [u["starts_at"] for u in body["series"]["upcoming"]]


async def test_edits_cancels_moves_and_the_end_reach_the_feed(api: Api) -> None:
    created = await create_series(api, "FREQ=WEEKLY;BYDAY=TU;COUNT=10", local("2027-10-19", 10))
    slug, key = created["series"]["slug"], created["host_key"]
    first, second = (await read_series(api, slug))["occurrences"]
    _, cal = await feed(api, slug)
    master = next(e for e in cal.walk("VEVENT") if "RRULE" in e)
    assert int(master["SEQUENCE"]) == 0

    assert (await api.patch(f"/api/series/{slug}", {"title": "Tornado sync"}, token=key)).status == 200
    moved = await api.patch(
        f"/api/events/{second['slug']}",
        {"starts_at": local("2027-10-27", 15), "ends_at": local("2027-10-27", 16)},  # a Wednesday, once
        token=key,
    )
    assert moved.status == 200, moved.body
    assert (await api.post(f"/api/events/{first['slug']}/close", token=key)).status == 200  # cancelled
    assert (await api.post(f"/api/series/{slug}/end", token=key)).status == 200

    body = await read_series(api, slug)
    _, cal = await feed(api, slug)
    # The series' edits count in its SEQUENCE; a cancelled occurrence is CANCELLED with a higher one.
    master = next(e for e in cal.walk("VEVENT") if "RRULE" in e)
    assert int(master["SEQUENCE"]) == 2 and str(master["SUMMARY"]) == "Tornado sync"
    overrides = {str(e["RECURRENCE-ID"].dt.date()): e for e in cal.walk("VEVENT") if "RECURRENCE-ID" in e}
    assert str(overrides["2027-10-19"]["STATUS"]) == "CANCELLED"
    assert int(overrides["2027-10-19"]["SEQUENCE"]) > int(master["SEQUENCE"])
    assert str(overrides["2027-10-26"]["SUMMARY"]) == "Tornado sync"
    # Ended: the rule stops at the last occurrence made, whatever its COUNT said. Cancelling the
    # first made 2 November, and ending the series (after the moved one, now current) cancelled it.
    far = datetime(2028, 6, 1, tzinfo=UTC)
    assert (
        expanded(cal, far)
        == shown(body["occurrences"])
        == [
            ("2027-10-19T08:00:00.000Z", "2027-10-19T09:00:00.000Z", "CANCELLED"),
            ("2027-10-27T13:00:00.000Z", "2027-10-27T14:00:00.000Z", "CONFIRMED"),  # 15:00 in Berlin, still CEST
            ("2027-11-02T09:00:00.000Z", "2027-11-02T10:00:00.000Z", "CANCELLED"),
        ]
    )


async def test_weeks_missed_while_the_server_was_down_are_left_out(
    api: Api, chat: Chat, server_clock: JumpClock
) -> None:
    created = await create_series(api, "FREQ=WEEKLY;BYDAY=TU", local("2027-03-23", 10))
    slug = created["series"]["slug"]
    await chat.scheduler.stop()
    server_clock.to(parse_time("2027-04-13T08:30:00.000Z", "t"))
    chat.scheduler._running = True  # noqa: SLF001 - started again, as a restarted server does
    await chat.scheduler.start()
    body = await read_series(api, slug)
    _, cal = await feed(api, slug)
    master = next(e for e in cal.walk("VEVENT") if "RRULE" in e)
    assert "EXDATE;TZID=Europe/Berlin:20270406T100000" in master.to_ical().decode()
    assert expanded(cal, after(body)) == shown(body["occurrences"])
    assert [o["starts_at"][:10] for o in body["occurrences"]] == [
        "2027-03-23",
        "2027-03-30",
        "2027-04-13",
        "2027-04-20",
    ]


async def test_an_occurrences_own_file_is_an_ordinary_event_file(api: Api, chat: Chat, server_clock: JumpClock) -> None:
    created = await create_series(api, "FREQ=WEEKLY;BYDAY=TU", local("2027-03-23", 10))
    first = (await read_series(api, created["series"]["slug"]))["occurrences"][0]
    await move_to(chat, server_clock, first["starts_at"], before_ms=-1000)
    reply = await api.get(f"/e/{first['slug']}.ics")
    assert reply.status == 200
    vevent = icalendar.Calendar.from_ical(reply.body).walk("VEVENT")[0]
    assert vevent["DTSTART"].dt == parse_z(first["starts_at"])
