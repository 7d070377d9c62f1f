"""Series (API.md 1.1): one link for a recurring meeting, on both engines.

Occurrences are days apart, so these tests move the server's clock (the `server_clock` fixture) to just
before a boundary and let the scheduler fire it for real: a poll then wakes as a participant's would."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from chatserver.timefmt import format_time, now_ms, parse_time
from tests.conftest import Chat
from tests.helpers import Api, JumpClock, assert_error

BACKENDS = ("sqlite", "postgresql")
BERLIN = ZoneInfo("Europe/Berlin")
UTC = ZoneInfo("UTC")


@pytest.fixture
def server_clock() -> JumpClock:
    return JumpClock()


def local(day: str, hour: int, zone: ZoneInfo = BERLIN, minute: int = 0) -> str:
    """An RFC 3339 time in UTC for a wall-clock time on a day ("2027-03-23") in a zone."""
    moment = datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=zone)
    return format_time(int(moment.timestamp() * 1000))


def tomorrow_at(hour: int, zone: ZoneInfo = BERLIN) -> str:
    return (datetime.now(zone) + timedelta(days=1)).date().isoformat()


async def create_series(api: Api, rrule: str, starts_at: str, minutes: int = 60, **fields: Any) -> dict[str, Any]:
    body = {
        "title": "Weekly Tornado meeting",
        "starts_at": starts_at,
        "ends_at": format_time(parse_time(starts_at, "t") + minutes * 60_000),
        "rrule": rrule,
        "time_zone": "Europe/Berlin",
        **fields,
    }
    reply = await api.post("/api/series", body)
    assert reply.status == 201, reply.body
    return reply.body


async def read_series(api: Api, slug: str) -> dict[str, Any]:
    reply = await api.get(f"/api/series/{slug}")
    assert reply.status == 200, reply.body
    return reply.body


async def move_to(chat: Chat, clock: JumpClock, moment: str, before_ms: int = 300) -> None:
    """Set the server clock to just before `moment`; the scheduler re-arms from it."""
    clock.to(parse_time(moment, "t") - before_ms)
    await chat.scheduler.rescan()


# -- creating ------------------------------------------------------------------------------------


async def test_a_weekly_series_keeps_berlin_wall_clock_time_into_summer(api: Api) -> None:
    """10:00 in Berlin is 09:00 UTC in winter and 08:00 UTC in summer (DST began 28 March 2027)."""
    created = await create_series(api, "FREQ=WEEKLY;BYDAY=TU", local("2027-03-23", 10), description="Agenda")
    series, key = created["series"], created["host_key"]
    slug = series["slug"]
    assert created["links"] == {
        "series": f"/s/{slug}",
        "host": f"/s/{slug}/host#key={key}",
        "calendar": f"/s/{slug}.ics",
    }
    assert series["rrule"] == "FREQ=WEEKLY;BYDAY=TU" and series["time_zone"] == "Europe/Berlin"
    assert series["ended"] is False and series["listed"] is True
    assert series["current"]["starts_at"] == "2027-03-23T09:00:00.000Z"
    assert [u["starts_at"] for u in series["upcoming"]] == [
        "2027-03-23T09:00:00.000Z",
        "2027-03-30T08:00:00.000Z",
        "2027-04-06T08:00:00.000Z",
    ]
    body = await read_series(api, slug)
    occurrences = body["occurrences"]
    # The current one and the next exist as ordinary events; later ones are made as time goes on.
    assert [(o["starts_at"], o["ends_at"]) for o in occurrences] == [
        ("2027-03-23T09:00:00.000Z", "2027-03-23T10:00:00.000Z"),
        ("2027-03-30T08:00:00.000Z", "2027-03-30T09:00:00.000Z"),
    ]
    for occurrence in occurrences:
        assert occurrence["series"] == slug and occurrence["state"] == "scheduled"
        assert occurrence["title"] == "Weekly Tornado meeting" and occurrence["description"] == "Agenda"
        event = (await api.get(f"/api/events/{occurrence['slug']}")).body["event"]
        assert event == occurrence
    # The series' host key is every occurrence's.
    second = occurrences[1]["slug"]
    edited = await api.patch(f"/api/events/{second}", {"title": "Planning"}, token=key)
    assert edited.status == 200 and edited.body["event"]["title"] == "Planning"
    assert (await api.post(f"/api/events/{second}/announcements", {"body": "Bring notes"}, token=key)).status in (
        201,
        409,
    )


async def test_a_weekly_series_keeps_its_wall_clock_time_into_winter(api: Api) -> None:
    """And back: DST ended 31 October 2027, so 10:00 moves from 08:00 to 09:00 UTC."""
    created = await create_series(api, "FREQ=WEEKLY;BYDAY=TU;COUNT=3", local("2027-10-26", 10))
    occurrences = (await read_series(api, created["series"]["slug"]))["occurrences"]
    assert [o["starts_at"] for o in occurrences] == ["2027-10-26T08:00:00.000Z", "2027-11-02T09:00:00.000Z"]
    assert [u["starts_at"] for u in created["series"]["upcoming"]][2] == "2027-11-09T09:00:00.000Z"


async def test_monthly_on_the_second_tuesday_and_on_a_day_of_the_month(api: Api) -> None:
    second_tuesday = await create_series(api, "FREQ=MONTHLY;BYDAY=2TU", local("2027-01-12", 18))
    assert [u["starts_at"][:10] for u in second_tuesday["series"]["upcoming"]] == [
        "2027-01-12",
        "2027-02-09",
        "2027-03-09",
    ]
    fifteenth = await create_series(api, "FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=15;UNTIL=20270416", local("2027-01-15", 9))
    assert [u["starts_at"][:10] for u in fifteenth["series"]["upcoming"]] == ["2027-01-15", "2027-03-15"]
    # UNTIL as a date means that whole day in the series' zone; it is served in UTC, as RFC 5545 asks.
    assert fifteenth["series"]["rrule"] == "FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=15;UNTIL=20270416T215959Z"


BAD_SERIES = [
    ({"rrule": "FREQ=HOURLY"}, "rrule"),
    ({"rrule": "FREQ=WEEKLY;BYHOUR=9"}, "rrule"),
    ({"rrule": "FREQ=WEEKLY;BYDAY=XX"}, "rrule"),
    ({"rrule": "not a rule"}, "rrule"),
    ({"rrule": "FREQ=WEEKLY;COUNT=3;UNTIL=20280101T000000Z"}, "rrule"),
    ({"rrule": "FREQ=WEEKLY;UNTIL=20200101T000000Z"}, "rrule"),  # no occurrence at all
    ({"rrule": "FREQ=DAILY"}, "rrule"),  # 731 in two years
    ({"rrule": "FREQ=WEEKLY;BYDAY=MO"}, "rrule"),  # starts_at is a Tuesday
    ({"rrule": "FREQ=DAILY;COUNT=5", "minutes": 25 * 60}, "rrule"),  # they would overlap
    ({"rrule": "FREQ=MONTHLY;COUNT=2", "minutes": 32 * 24 * 60}, "ends_at"),
    ({"rrule": "FREQ=WEEKLY;BYDAY=+99TU"}, "rrule"),  # numbered weekdays are for MONTHLY
    ({"rrule": "FREQ=WEEKLY;UNTIL=99991231"}, "rrule"),  # the day's end in the zone is past 9999
    ({"rrule": "FREQ=WEEKLY;BYDAY=TU;BYSETPOS=1"}, "rrule"),
    ({"time_zone": "Mars/Olympus_Mons"}, "time_zone"),
    ({"time_zone": "localtime"}, "time_zone"),  # the server's own zone, in the system's list
    ({"time_zone": "../../etc/passwd"}, "time_zone"),
    ({"time_zone": None}, "time_zone"),
    ({"rrule": None}, "rrule"),
    ({"rrule": 7}, "rrule"),
    ({"starts_at": "past"}, "starts_at"),
    ({"starts_at": "9999"}, "starts_at"),
    ({"title": ""}, "title"),
]


@pytest.mark.parametrize(("change", "field"), BAD_SERIES)
async def test_bad_series_are_refused_naming_the_field_and_store_nothing(
    api: Api, chat: Chat, change: dict[str, Any], field: str
) -> None:
    starts = local("2027-03-23", 10)  # a Tuesday
    change = dict(change)
    minutes = change.pop("minutes", 60)
    body: dict[str, Any] = {
        "title": "Standup",
        "starts_at": starts,
        "ends_at": format_time(parse_time(starts, "t") + minutes * 60_000),
        "rrule": "FREQ=WEEKLY;BYDAY=TU",
        "time_zone": "America/New_York" if "UNTIL=9999" in str(change.get("rrule")) else "Europe/Berlin",
        **change,
    }
    if body["starts_at"] == "9999":
        body["starts_at"], body["ends_at"] = "9999-06-01T09:00:00Z", "9999-06-01T10:00:00Z"
    if body["starts_at"] == "past":
        body["starts_at"], body["ends_at"] = format_time(now_ms() - 60_000), format_time(now_ms() + 3_600_000)
    reply = await api.post("/api/series", body)
    assert_error(reply, 400, "invalid_request", field)
    assert chat.rows("SELECT COUNT(*) FROM series") == [("0",)]
    assert chat.rows("SELECT COUNT(*) FROM events") == [("0",)]


# Rules that match rarely or never again: dateutil would look for a next match until the year 9999
# (14 s of CPU for the first), so every expansion is bounded (recurrence.Schedule._starts).
HOSTILE_RULES = [  # rule, a Tuesday it gives first, the answer
    ("FREQ=DAILY;BYSETPOS=2", "2027-03-23", 400),
    ("FREQ=WEEKLY;BYDAY=TU;BYSETPOS=2", "2027-03-23", 400),
    ("FREQ=MONTHLY;BYDAY=TU;BYSETPOS=5;COUNT=5000", "2027-03-30", 201),  # fifth Tuesdays
    ("FREQ=MONTHLY;BYDAY=5TU;COUNT=5000", "2027-03-30", 201),
    ("FREQ=DAILY;INTERVAL=99;BYMONTHDAY=23;BYDAY=TU", "2027-03-23", 201),
    ("FREQ=MONTHLY;INTERVAL=99;BYMONTHDAY=23", "2027-03-23", 201),
    ("FREQ=WEEKLY;INTERVAL=99;BYDAY=TU;COUNT=5000", "2027-03-23", 201),
]


@pytest.mark.parametrize(("rule", "day", "status"), HOSTILE_RULES)
async def test_rules_that_match_rarely_are_answered_at_once(api: Api, rule: str, day: str, status: int) -> None:
    started = time.monotonic()
    starts, ends = local(day, 10, UTC), local(day, 11, UTC)
    body = {"title": "Rare", "starts_at": starts, "ends_at": ends, "rrule": rule, "time_zone": "UTC"}
    reply = await api.post("/api/series", body)
    assert reply.status == status, reply.body
    if status == 201:
        slug = reply.body["series"]["slug"]
        for path in (f"/api/series/{slug}", f"/s/{slug}.ics", f"/s/{slug}"):
            assert (await api.get(path)).status == 200
    assert time.monotonic() - started < 3  # without the bound: 14 s for the first rule alone


# -- the current occurrence across boundaries ----------------------------------------------------


async def test_current_moves_on_at_the_close_and_the_next_exists_before_it(
    api: Api, chat: Chat, server_clock: JumpClock
) -> None:
    day = tomorrow_at(10)
    created = await create_series(api, "FREQ=DAILY;COUNT=3", local(day, 10), minutes=30)
    slug = created["series"]["slug"]
    first, second = (await read_series(api, slug))["occurrences"]

    await move_to(chat, server_clock, first["starts_at"])
    opened = await api.poll(first["slug"], after=0, wait=5)
    assert [m.get("code") for m in opened.body["messages"]] == ["opened"]
    body = await read_series(api, slug)
    assert body["series"]["current"]["slug"] == first["slug"] and body["series"]["current"]["state"] == "open"
    assert [o["slug"] for o in body["occurrences"]] == [first["slug"], second["slug"]]  # the next exists

    await move_to(chat, server_clock, first["ends_at"])
    closed = await api.poll(first["slug"], after=opened.body["cursor"], wait=5)
    assert [m.get("code") for m in closed.body["messages"]] == ["closed"]
    # Made in the closing's own commit: the third exists as soon as the first has closed.
    body = await read_series(api, slug)
    assert body["series"]["current"]["slug"] == second["slug"]
    assert [o["state"] for o in body["occurrences"]] == ["closed", "scheduled", "scheduled"]
    third = body["occurrences"][2]
    assert third["starts_at"] == local((datetime.fromisoformat(day) + timedelta(days=2)).date().isoformat(), 10)

    # COUNT=3: nothing is made after the third, and once it closes the series has ended.
    for occurrence in body["occurrences"][1:]:
        await move_to(chat, server_clock, occurrence["ends_at"])
        await api.poll(occurrence["slug"], after=0, wait=0)
        cursor = (await api.poll(occurrence["slug"], after=0)).body["cursor"]
        while (await api.get(f"/api/events/{occurrence['slug']}")).body["event"]["state"] != "closed":
            await api.poll(occurrence["slug"], after=cursor, wait=2)
    body = await read_series(api, slug)
    assert len(body["occurrences"]) == 3
    assert body["series"]["current"] is None and body["series"]["ended"] is True


async def test_a_restart_in_the_middle_of_a_series_catches_up_and_steps_over_missed_weeks(
    api: Api, chat: Chat, server_clock: JumpClock
) -> None:
    created = await create_series(api, "FREQ=WEEKLY;BYDAY=TU", local("2027-03-23", 10))
    slug = created["series"]["slug"]
    # The server is down (its scheduler fires nothing) from before the first until the fourth is open.
    await chat.scheduler.stop()
    server_clock.to(parse_time("2027-04-13T08:30:00.000Z", "t"))
    chat.scheduler._running = True  # noqa: SLF001 - started again, as a restarted server does
    await chat.scheduler.start()
    body = await read_series(api, slug)
    states = [(o["starts_at"][:10], o["state"]) for o in body["occurrences"]]
    # The two made before are closed (the first never opened for anyone; both have their items),
    # the missed 6 April was never made, and 13 April is open now with 20 April made after it.
    assert states == [
        ("2027-03-23", "closed"),
        ("2027-03-30", "closed"),
        ("2027-04-13", "open"),
        ("2027-04-20", "scheduled"),
    ]
    assert body["series"]["current"]["starts_at"] == "2027-04-13T08:00:00.000Z"


# -- the host's changes --------------------------------------------------------------------------


async def test_editing_the_series_changes_it_and_the_occurrences_not_yet_open(
    api: Api, chat: Chat, server_clock: JumpClock
) -> None:
    created = await create_series(api, "FREQ=WEEKLY;BYDAY=TU", local("2027-03-23", 10))
    slug, key = created["series"]["slug"], created["host_key"]
    first, second = (await read_series(api, slug))["occurrences"]
    await move_to(chat, server_clock, first["starts_at"], before_ms=-1000)  # the first is open
    assert_error(await api.patch(f"/api/series/{slug}", {"title": "X"}), 403, "forbidden")
    assert_error(await api.patch(f"/api/series/{slug}", {"title": "X"}, token="wrong" * 9), 403, "forbidden")
    assert_error(
        await api.patch(f"/api/series/{slug}", {"rrule": "FREQ=DAILY"}, token=key), 400, "invalid_request", "rrule"
    )
    assert_error(await api.patch(f"/api/series/{slug}", {"title": ""}, token=key), 400, "invalid_request", "title")
    reply = await api.patch(f"/api/series/{slug}", {"title": "Tornado sync", "listed": False}, token=key)
    assert reply.status == 200, reply.body
    assert reply.body["series"]["title"] == "Tornado sync" and reply.body["series"]["listed"] is False
    body = await read_series(api, slug)
    # The open room keeps its title; the waiting one takes the new one, and its room is told.
    assert [(o["title"], o["listed"]) for o in body["occurrences"]] == [
        ("Weekly Tornado meeting", True),
        ("Tornado sync", False),
    ]
    items = await api.read_all(second["slug"])
    assert [(i.get("code"), i.get("changes")) for i in items] == [("updated", {"title": "Tornado sync"})]
    assert await api.read_all(first["slug"]) == (await api.poll(first["slug"])).body["messages"]
    assert all(i.get("code") != "updated" for i in await api.read_all(first["slug"]))


async def test_cancelling_one_occurrence_makes_the_next_and_moves_current(api: Api) -> None:
    created = await create_series(api, "FREQ=WEEKLY;BYDAY=TU", local("2027-03-23", 10))
    slug, key = created["series"]["slug"], created["host_key"]
    first, second = (await read_series(api, slug))["occurrences"]
    reply = await api.post(f"/api/events/{first['slug']}/close", token=key)
    assert reply.status == 200 and reply.body["event"]["cancelled"] is True
    body = await read_series(api, slug)
    assert body["series"]["current"]["slug"] == second["slug"]
    assert [(o["starts_at"][:10], o["cancelled"]) for o in body["occurrences"]] == [
        ("2027-03-23", True),
        ("2027-03-30", False),
        ("2027-04-06", False),
    ]
    assert [u["starts_at"][:10] for u in body["series"]["upcoming"]] == ["2027-03-30", "2027-04-06", "2027-04-13"]


async def test_ending_keeps_the_open_occurrence_and_cancels_the_rest(
    api: Api, chat: Chat, server_clock: JumpClock
) -> None:
    created = await create_series(api, "FREQ=WEEKLY;BYDAY=TU", local("2027-03-23", 10))
    slug, key = created["series"]["slug"], created["host_key"]
    first, second = (await read_series(api, slug))["occurrences"]
    await move_to(chat, server_clock, first["starts_at"], before_ms=-1000)
    assert_error(await api.post(f"/api/series/{slug}/end"), 403, "forbidden")
    reply = await api.post(f"/api/series/{slug}/end", token=key)
    assert reply.status == 200, reply.body
    assert reply.body["series"]["ended"] is True and reply.body["series"]["current"]["slug"] == first["slug"]
    assert_error(await api.post(f"/api/series/{slug}/end", token=key), 410, "event_closed")
    body = await read_series(api, slug)
    assert [(o["state"], o["cancelled"]) for o in body["occurrences"]] == [("open", False), ("closed", True)]
    assert body["series"]["upcoming"] == [{"starts_at": first["starts_at"], "ends_at": first["ends_at"]}]
    # Its close makes nothing new.
    await move_to(chat, server_clock, first["ends_at"])
    await api.poll(first["slug"], after=1, wait=3)
    body = await read_series(api, slug)
    assert len(body["occurrences"]) == 2 and body["series"]["current"] is None


async def test_ending_between_meetings_keeps_the_next_one(api: Api) -> None:
    """ "Stops it after the current one": with none open, the next to open is the current one."""
    created = await create_series(api, "FREQ=WEEKLY;BYDAY=TU", local("2027-03-23", 10))
    slug, key = created["series"]["slug"], created["host_key"]
    reply = await api.post(f"/api/series/{slug}/end", token=key)
    body = await read_series(api, slug)
    assert reply.body["series"]["current"]["starts_at"] == "2027-03-23T09:00:00.000Z"
    assert [(o["state"], o["cancelled"]) for o in body["occurrences"]] == [("scheduled", False), ("closed", True)]


async def test_unknown_series_are_404(api: Api) -> None:
    for path in ("/api/series/nosuchseries", "/api/series/%00", "/s/nosuchseries.ics"):
        assert_error(await api.get(path), 404, "not_found")
    assert_error(await api.post("/api/series/nosuchseries/end", token="x" * 43), 404, "not_found")


# -- moderation settings -------------------------------------------------------------------------


async def test_a_series_gives_its_moderation_settings_to_every_meeting(
    api: Api, chat: Chat, server_clock: JumpClock
) -> None:
    settings = {
        "slow_mode": 30,
        "joins_locked": False,
        "join_items": False,
        "transcript": "hosts",
        "retention_days": 7,
        "filter_words": ["crypto*"],
    }
    created = await create_series(api, "FREQ=WEEKLY;BYDAY=TU", local("2027-03-23", 10), **settings)
    slug, key = created["series"]["slug"], created["host_key"]
    public = {name: value for name, value in settings.items() if name != "filter_words"}
    assert {name: created["series"][name] for name in public} == public
    assert "filter_words" not in created["series"] and "crypto" not in str(await read_series(api, slug))
    host = await api.get(f"/api/series/{slug}/host", token=key)
    assert host.body["series"]["filter_words"] == ["crypto*"]
    first, second = (await read_series(api, slug))["occurrences"]
    for occurrence in (first, second):
        assert {name: occurrence[name] for name in public} == public
        check = await api.get(f"/api/events/{occurrence['slug']}/host", token=key)
        assert check.body["filter_words"] == ["crypto*"]

    # The first opens; the host relaxes the series: the waiting meeting takes it (and its room is
    # told), the open one keeps what its participants were told, and the next one made has it too.
    await move_to(chat, server_clock, first["starts_at"], before_ms=-1000)
    relaxed = {"slow_mode": 0, "transcript": "public", "retention_days": None}
    reply = await api.patch(f"/api/series/{slug}", relaxed, token=key)
    assert reply.status == 200, reply.body
    assert {name: reply.body["series"][name] for name in relaxed} == relaxed
    first, second = (await read_series(api, slug))["occurrences"]
    assert (first["slow_mode"], first["transcript"], first["retention_days"]) == (30, "hosts", 7)
    assert (second["slow_mode"], second["transcript"], second["retention_days"]) == (0, "public", None)
    assert second["join_items"] is False  # not changed: kept from the series
    changes = [i["changes"] for i in await api.read_all(second["slug"]) if i.get("code") == "updated"]
    assert changes == [{"slow_mode": 0, "transcript": "public", "retention_days": None}]
    await move_to(chat, server_clock, first["ends_at"], before_ms=-1000)  # closed: the third is made
    third = (await read_series(api, slug))["occurrences"][2]
    assert (third["slow_mode"], third["transcript"], third["retention_days"], third["join_items"]) == (
        0,
        "public",
        None,
        False,
    )
    assert (await api.get(f"/api/events/{third['slug']}/host", token=key)).body["filter_words"] == ["crypto*"]

    for bad in ({"slow_mode": 3601}, {"transcript": "secret"}, {"retention_days": 0}, {"filter_words": "x"}):
        name = next(iter(bad))
        assert_error(await api.patch(f"/api/series/{slug}", bad, token=key), 400, "invalid_request", name)
    assert (await read_series(api, slug))["series"]["slow_mode"] == 0  # nothing changed
