"""POST /api/events, GET /api/events/<slug> and the listing GET /api/events, against API.md."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from tests.conftest import Chat
from tests.helpers import Api, assert_error, assert_server_time, iso_in, parse_z

BACKENDS = ("sqlite", "postgresql")  # the same tests on both engines (tests/conftest.py)

EVENT_KEYS = {"slug", "title", "description", "starts_at", "ends_at", "state", "listed", "created_at"}
DAY = 24 * 3600


def event_body(**fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"title": "Weekly Tornado meeting", "starts_at": iso_in(-60), "ends_at": iso_in(3600)}
    body.update(fields)
    return body


def count_rows(chat: Chat, table: str) -> int:
    """Rows in a table, read over a connection of its own (committed state only)."""
    return chat.count(table)


async def listed_slugs(api: Api, query: str = "") -> list[str]:
    reply = await api.get(f"/api/events{query}")
    assert reply.status == 200, reply.body
    return [e["slug"] for e in reply.body["events"]]


# -- POST /api/events: success ---------------------------------------------------------------------


async def test_create_returns_event_host_key_and_links(api: Api) -> None:
    body = event_body(description="Agenda: releases")
    reply = await api.post("/api/events", body)
    assert reply.status == 201, reply.body
    assert reply.headers["Content-Type"].startswith("application/json")
    assert "no-store" in reply.headers.get("Cache-Control", "")
    assert_server_time(reply)
    event = reply.body["event"]
    assert EVENT_KEYS <= set(event)
    assert re.fullmatch(r"[A-Za-z0-9_-]{8,}", event["slug"]), event["slug"]
    assert event["title"] == "Weekly Tornado meeting"
    assert event["description"] == "Agenda: releases"
    assert event["state"] == "open"
    assert event["listed"] is True
    assert event["starts_at"] == body["starts_at"] and event["ends_at"] == body["ends_at"]
    created = parse_z(event["created_at"])
    assert abs((created - datetime.now(UTC)).total_seconds()) < 5

    host_key = reply.body["host_key"]
    assert isinstance(host_key, str) and len(host_key) >= 22
    slug = event["slug"]
    assert reply.body["links"] == {
        "room": f"/e/{slug}",
        "host": f"/e/{slug}/host#key={host_key}",
        "transcript": f"/e/{slug}/transcript",
    }


async def test_each_event_gets_its_own_slug_and_host_key(api: Api) -> None:
    first = await api.create_event()
    second = await api.create_event()
    assert first["event"]["slug"] != second["event"]["slug"]
    assert first["host_key"] != second["host_key"]


async def test_future_event_is_scheduled_and_defaults_apply(api: Api) -> None:
    created = await api.create_event(starts_in=3600, lasts=3600)
    assert created["event"]["state"] == "scheduled"
    assert created["event"]["listed"] is True
    assert created["event"]["description"] == ""


async def test_unlisted_event_can_be_created(api: Api) -> None:
    created = await api.create_event(listed=False)
    assert created["event"]["listed"] is False


async def test_times_with_offsets_are_normalised_to_utc(api: Api) -> None:
    start = (datetime.now(UTC) + timedelta(days=1)).replace(microsecond=250_000)
    end = start + timedelta(hours=2, milliseconds=7)
    plus_one = timezone(timedelta(hours=1))
    minus_half = timezone(-timedelta(hours=5, minutes=30))
    body = event_body(
        starts_at=start.astimezone(plus_one).isoformat(timespec="milliseconds"),
        ends_at=end.astimezone(minus_half).isoformat(timespec="milliseconds"),
    )
    assert body["starts_at"].endswith("+01:00") and body["ends_at"].endswith("-05:30")
    reply = await api.post("/api/events", body)
    assert reply.status == 201, reply.body
    event = reply.body["event"]
    assert event["starts_at"] == start.strftime("%Y-%m-%dT%H:%M:%S.250Z")
    assert event["ends_at"] == end.strftime("%Y-%m-%dT%H:%M:%S.") + f"{end.microsecond // 1000:03d}Z"
    assert event["state"] == "scheduled"
    fetched = await api.get(f"/api/events/{event['slug']}")
    assert fetched.body["event"]["starts_at"] == event["starts_at"]
    assert fetched.body["event"]["ends_at"] == event["ends_at"]


async def test_boundary_lengths_are_accepted(api: Api) -> None:
    reply = await api.post("/api/events", event_body(title="t" * 200, description="d" * 5000))
    assert reply.status == 201, reply.body
    assert reply.body["event"]["title"] == "t" * 200
    assert len(reply.body["event"]["description"]) == 5000


async def test_exactly_31_days_is_accepted(api: Api) -> None:
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1)
    end = start + timedelta(days=31)
    body = event_body(
        starts_at=start.isoformat().replace("+00:00", "Z"), ends_at=end.isoformat().replace("+00:00", "Z")
    )
    reply = await api.post("/api/events", body)
    assert reply.status == 201, reply.body


# -- POST /api/events: 400 invalid_request -----------------------------------------------------------


def _without_title() -> dict[str, Any]:
    body = event_body()
    del body["title"]
    return body


def _without(field: str) -> dict[str, Any]:
    body = event_body()
    del body[field]
    return body


INVALID_EVENTS = [
    pytest.param(_without_title(), "title", id="missing-title"),
    pytest.param(event_body(title="t" * 201), "title", id="title-201-chars"),
    pytest.param(event_body(title=" \t  "), "title", id="whitespace-title"),
    pytest.param(event_body(title=""), "title", id="empty-title"),
    pytest.param(event_body(title=42), "title", id="number-title"),
    pytest.param(event_body(title=["a"]), "title", id="list-title"),
    pytest.param(event_body(description="d" * 5001), "description", id="description-5001-chars"),
    pytest.param(event_body(description=7), "description", id="number-description"),
    pytest.param(_without("starts_at"), "starts_at", id="missing-starts_at"),
    pytest.param(_without("ends_at"), "ends_at", id="missing-ends_at"),
    pytest.param(event_body(starts_at="2030-01-01T10:00:00"), "starts_at", id="time-without-offset"),
    pytest.param(event_body(ends_at="2030-01-01T10:00:00.000"), "ends_at", id="ends-without-offset"),
    pytest.param(event_body(starts_at="next tuesday"), "starts_at", id="garbage-time"),
    pytest.param(event_body(ends_at=1893456000), "ends_at", id="number-time"),
    pytest.param(event_body(starts_at="2030-02-30T10:00:00Z"), "starts_at", id="impossible-date"),
    pytest.param(event_body(starts_at=iso_in(7200), ends_at=iso_in(3600)), "ends_at", id="ends-before-starts"),
    pytest.param(event_body(starts_at=iso_in(3600), ends_at=iso_in(3600)), "ends_at", id="ends-equals-starts"),
    pytest.param(event_body(starts_at=iso_in(-7200), ends_at=iso_in(-3600)), "ends_at", id="ends-in-the-past"),
    pytest.param(
        event_body(starts_at=iso_in(60), ends_at=iso_in(60 + 31 * DAY + 60)), "ends_at", id="longer-than-31-days"
    ),
    pytest.param(event_body(listed="yes"), "listed", id="listed-string"),
    pytest.param(event_body(listed=1), "listed", id="listed-number"),
]


@pytest.mark.parametrize("body, field", INVALID_EVENTS)
async def test_invalid_event_is_refused_naming_the_field(
    api: Api, chat: Chat, body: dict[str, Any], field: str
) -> None:
    reply = await api.post("/api/events", body)
    assert_error(reply, 400, "invalid_request", field)
    assert count_rows(chat, "events") == 0


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(b'[{"title": "x"}]', id="json-list"),
        pytest.param(b'"a string"', id="json-string"),
        pytest.param(b"null", id="json-null"),
        pytest.param(b'{"title": "x", ', id="malformed-json"),
        pytest.param(b"title=x&starts_at=y", id="form-encoded"),
        pytest.param(b"", id="empty-body"),
        pytest.param(b'{"title": "caf\xe9", "starts_at": "x", "ends_at": "y"}', id="invalid-utf8"),
        pytest.param(b"\xff\xfe\x00", id="binary"),
    ],
)
async def test_body_that_is_not_a_json_object_is_refused(api: Api, chat: Chat, raw: bytes) -> None:
    reply = await api.post("/api/events", raw=raw)
    assert_error(reply, 400, "invalid_request")
    assert count_rows(chat, "events") == 0


# -- GET /api/events/<slug> --------------------------------------------------------------------------


async def test_get_event_returns_the_created_event(api: Api) -> None:
    created = await api.create_event(description="hello")
    slug = created["event"]["slug"]
    reply = await api.get(f"/api/events/{slug}")
    assert reply.status == 200, reply.body
    assert_server_time(reply)
    event = reply.body["event"]
    for key in EVENT_KEYS:
        assert event[key] == created["event"][key], key
    assert "host_key" not in reply.body and "host_key_hash" not in event


async def test_get_unknown_event_is_404(api: Api) -> None:
    reply = await api.get("/api/events/doesnotexist")
    assert_error(reply, 404, "not_found")


# -- GET /api/events (listing) -------------------------------------------------------------------------


async def test_listing_shows_only_listed_events_newest_first(api: Api) -> None:
    first = (await api.create_event(title="first"))["event"]["slug"]
    (await api.create_event(title="hidden", listed=False))["event"]["slug"]
    third = (await api.create_event(title="third"))["event"]["slug"]
    reply = await api.get("/api/events")
    assert reply.status == 200, reply.body
    assert_server_time(reply)
    assert [e["slug"] for e in reply.body["events"]] == [third, first]
    assert reply.body["next"] is None
    for event in reply.body["events"]:
        assert EVENT_KEYS <= set(event)
        assert "host_key" not in event


async def test_listing_filters_by_state(api: Api) -> None:
    open_slug = (await api.create_event(title="open"))["event"]["slug"]
    scheduled_slug = (await api.create_event(title="later", starts_in=3600))["event"]["slug"]
    closing = await api.create_event(title="done")
    closed_slug = closing["event"]["slug"]
    closed = await api.post(f"/api/events/{closed_slug}/close", token=closing["host_key"])
    assert closed.status == 200, closed.body

    assert await listed_slugs(api, "?state=open") == [open_slug]
    assert await listed_slugs(api, "?state=scheduled") == [scheduled_slug]
    assert await listed_slugs(api, "?state=closed") == [closed_slug]
    assert await listed_slugs(api) == [closed_slug, scheduled_slug, open_slug]
    reply = await api.get("/api/events?state=scheduled")
    assert [e["state"] for e in reply.body["events"]] == ["scheduled"]


async def test_listing_pages_with_limit_and_before(api: Api) -> None:
    slugs = [(await api.create_event(title=f"event {n}"))["event"]["slug"] for n in range(5)]
    await api.create_event(title="unlisted", listed=False)
    newest_first = list(reversed(slugs))

    seen: list[str] = []
    query = "?limit=2"
    pages = 0
    while True:
        reply = await api.get(f"/api/events{query}")
        assert reply.status == 200, reply.body
        page = [e["slug"] for e in reply.body["events"]]
        assert len(page) <= 2
        seen += page
        pages += 1
        if reply.body["next"] is None:
            break
        query = f"?limit=2&before={reply.body['next']}"
        assert pages < 10
    assert pages == 3
    assert seen == newest_first


async def test_listing_pages_within_a_state(api: Api) -> None:
    opened = [(await api.create_event(title=f"open {n}"))["event"]["slug"] for n in range(3)]
    await api.create_event(title="later", starts_in=3600)
    first = await api.get("/api/events?state=open&limit=2")
    assert [e["slug"] for e in first.body["events"]] == [opened[2], opened[1]]
    assert first.body["next"] is not None
    second = await api.get(f"/api/events?state=open&limit=2&before={first.body['next']}")
    assert [e["slug"] for e in second.body["events"]] == [opened[0]]
    assert second.body["next"] is None


async def test_listing_with_exactly_limit_events_has_no_next(api: Api) -> None:
    for n in range(2):
        await api.create_event(title=f"event {n}")
    reply = await api.get("/api/events?limit=2")
    assert len(reply.body["events"]) == 2
    assert reply.body["next"] is None


async def test_empty_listing(api: Api) -> None:
    reply = await api.get("/api/events")
    assert reply.status == 200
    assert reply.body["events"] == [] and reply.body["next"] is None


@pytest.mark.parametrize(
    "query, field",
    [
        ("state=bogus", "state"),
        ("state=OPEN", "state"),
        ("limit=0", "limit"),
        ("limit=-1", "limit"),
        ("limit=abc", "limit"),
        ("limit=2.5", "limit"),
        ("before=abc", "before"),
        ("before=-3", "before"),
    ],
)
async def test_listing_refuses_bad_query(api: Api, query: str, field: str) -> None:
    await api.create_event()
    reply = await api.get(f"/api/events?{query}")
    assert_error(reply, 400, "invalid_request", field)
