"""Host actions with the host key: edit, close, announce, retract, ban."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from tests.helpers import TIME_RE, Api, assert_error, iso_in

BACKENDS = ("sqlite", "postgresql")  # the same tests on both engines (tests/conftest.py)


class Room:
    """An open event with its host key and two participants."""

    def __init__(self, created: dict[str, Any], alice: tuple[int, str], bob: tuple[int, str]) -> None:
        self.event = created["event"]
        self.slug: str = created["event"]["slug"]
        self.key: str = created["host_key"]
        self.alice_id, self.alice = alice
        self.bob_id, self.bob = bob


async def make_room(api: Api, **fields: Any) -> Room:
    created = await api.create_event(**fields)
    slug = created["event"]["slug"]
    return Room(created, await api.join(slug, "alice"), await api.join(slug, "bob"))


async def get_event(api: Api, slug: str) -> dict[str, Any]:
    reply = await api.get(f"/api/events/{slug}")
    assert reply.status == 200, reply.body
    return reply.body["event"]  # type: ignore[no-any-return]


async def close(api: Api, room: Room) -> None:
    reply = await api.post(f"/api/events/{room.slug}/close", token=room.key)
    assert reply.status == 200, reply.body


# -- PATCH /api/events/<slug> ------------------------------------------------------------------------------


async def test_patch_edits_title_description_and_listed(api: Api) -> None:
    room = await make_room(api)
    reply = await api.patch(
        f"/api/events/{room.slug}",
        {"title": "  Renamed  ", "description": "New agenda", "listed": False},
        token=room.key,
    )
    assert reply.status == 200, reply.body
    assert TIME_RE.match(reply.body["server_time"])
    event = reply.body["event"]
    assert event["title"] == "Renamed"
    assert event["description"] == "New agenda"
    assert event["listed"] is False
    assert event["slug"] == room.slug and event["state"] == "open"
    assert await get_event(api, room.slug) == event
    listing = await api.get("/api/events")
    assert room.slug not in [e["slug"] for e in listing.body["events"]]
    relisted = await api.patch(f"/api/events/{room.slug}", {"listed": True}, token=room.key)
    assert relisted.status == 200 and relisted.body["event"]["listed"] is True
    assert room.slug in [e["slug"] for e in (await api.get("/api/events")).body["events"]]


async def test_patch_changes_times_normalised_to_utc(api: Api) -> None:
    room = await make_room(api, starts_in=3600, lasts=3600)
    start = (datetime.now(UTC) + timedelta(days=2)).replace(microsecond=125_000)
    end = start + timedelta(hours=3)
    reply = await api.patch(
        f"/api/events/{room.slug}",
        {
            "starts_at": start.astimezone(timezone(timedelta(hours=1))).isoformat(timespec="milliseconds"),
            "ends_at": end.astimezone(timezone(-timedelta(hours=5, minutes=30))).isoformat(timespec="milliseconds"),
        },
        token=room.key,
    )
    assert reply.status == 200, reply.body
    event = reply.body["event"]
    assert event["starts_at"] == start.strftime("%Y-%m-%dT%H:%M:%S.125Z")
    assert event["ends_at"] == end.strftime("%Y-%m-%dT%H:%M:%S.125Z")
    assert event["state"] == "scheduled"
    assert (await get_event(api, room.slug))["ends_at"] == event["ends_at"]


async def test_patch_can_extend_an_open_event(api: Api) -> None:
    room = await make_room(api)
    ends_at = iso_in(7200)
    reply = await api.patch(f"/api/events/{room.slug}", {"ends_at": ends_at}, token=room.key)
    assert reply.status == 200, reply.body
    assert reply.body["event"]["ends_at"] == ends_at
    assert reply.body["event"]["state"] == "open"


async def test_patch_with_nothing_changes_nothing(api: Api) -> None:
    room = await make_room(api)
    reply = await api.patch(f"/api/events/{room.slug}", {}, token=room.key)
    assert reply.status == 200, reply.body
    assert reply.body["event"] == await get_event(api, room.slug)
    assert reply.body["event"]["title"] == room.event["title"]


@pytest.mark.parametrize(
    "payload, field",
    [
        pytest.param({"title": ""}, "title", id="empty-title"),
        pytest.param({"title": "   "}, "title", id="whitespace-title"),
        pytest.param({"title": "t" * 201}, "title", id="title-201"),
        pytest.param({"title": 5}, "title", id="number-title"),
        pytest.param({"description": "d" * 5001}, "description", id="description-5001"),
        pytest.param({"listed": "no"}, "listed", id="listed-string"),
        pytest.param({"ends_at": "tomorrow"}, "ends_at", id="garbage-time"),
        pytest.param({"ends_at": "2030-01-01T10:00:00"}, "ends_at", id="time-without-offset"),
        pytest.param({"ends_at": iso_in(-30)}, "ends_at", id="ends-in-the-past"),
        pytest.param({"ends_at": iso_in(40 * 24 * 3600)}, "ends_at", id="longer-than-31-days"),
        pytest.param({"title": "Fine", "listed": 0}, "listed", id="one-bad-field-of-two"),
        pytest.param({"slug": "mine"}, "slug", id="not-editable"),
    ],
)
async def test_patch_with_bad_fields_is_400_and_changes_nothing(api: Api, payload: dict[str, Any], field: str) -> None:
    room = await make_room(api)
    before = await get_event(api, room.slug)
    reply = await api.patch(f"/api/events/{room.slug}", payload, token=room.key)
    assert_error(reply, 400, "invalid_request", field)
    assert await get_event(api, room.slug) == before


async def test_patch_ends_before_starts_is_400(api: Api) -> None:
    room = await make_room(api, starts_in=7200, lasts=3600)
    before = await get_event(api, room.slug)
    reply = await api.patch(f"/api/events/{room.slug}", {"ends_at": iso_in(3600)}, token=room.key)
    assert_error(reply, 400, "invalid_request", "ends_at")
    assert await get_event(api, room.slug) == before


@pytest.mark.parametrize("raw", [b"", b"[]", b'{"title": '])
async def test_patch_body_that_is_not_a_json_object_is_400(api: Api, raw: bytes) -> None:
    room = await make_room(api)
    reply = await api.patch(f"/api/events/{room.slug}", raw=raw, token=room.key)
    assert_error(reply, 400, "invalid_request")


async def test_patch_of_a_closed_event_is_410(api: Api) -> None:
    room = await make_room(api)
    await close(api, room)
    before = await get_event(api, room.slug)
    reply = await api.patch(f"/api/events/{room.slug}", {"title": "Too late"}, token=room.key)
    assert_error(reply, 410, "event_closed")
    assert await get_event(api, room.slug) == before


async def test_patch_unknown_event_is_404(api: Api) -> None:
    room = await make_room(api)
    reply = await api.patch("/api/events/doesnotexist", {"title": "x"}, token=room.key)
    assert_error(reply, 404, "not_found")


# -- who may act: 403 forbidden for every host action ----------------------------------------------------------


def host_actions(room: Room) -> list[tuple[str, str, Any]]:
    return [
        ("PATCH", f"/api/events/{room.slug}", {"title": "Hijacked"}),
        ("POST", f"/api/events/{room.slug}/close", None),
        ("POST", f"/api/events/{room.slug}/announcements", {"body": "Hijacked"}),
        ("DELETE", f"/api/events/{room.slug}/messages/{{message_id}}", None),
        ("POST", f"/api/events/{room.slug}/participants/{room.bob_id}/ban", None),
    ]


@pytest.mark.parametrize("action", ["patch", "close", "announce", "retract", "ban"])
async def test_host_actions_need_the_host_key(api: Api, action: str) -> None:
    room = await make_room(api)
    other = await api.create_event()
    message_id = (await api.say(room.slug, room.bob, "keep me")).body["message"]["id"]
    method, path, body = host_actions(room)[["patch", "close", "announce", "retract", "ban"].index(action)]
    path = path.replace("{message_id}", str(message_id))
    wrong_key = room.key[:-4] + ("wxyz" if room.key.endswith("abcd") else "abcd")
    attempts: list[tuple[str, str | None, str]] = [
        ("no key", None, path),
        ("wrong key", wrong_key, path),
        ("participant token", room.alice, path),
        ("another event's host key", other["host_key"], path),
        ("key in the query string", None, f"{path}?key={room.key}&host_key={room.key}"),
    ]
    event_before = await get_event(api, room.slug)
    stream_before = await api.read_all(room.slug)
    for label, token, target in attempts:
        reply = await api.request(method, target, body, token=token)
        assert reply.status == 403, (label, reply.body)
        assert_error(reply, 403, "forbidden")
        assert await get_event(api, room.slug) == event_before, label
        assert await api.read_all(room.slug) == stream_before, label
    assert (await api.say(room.slug, room.bob, "still allowed")).status == 201
    # The same request with the host key is accepted: the 403s above were about the key alone.
    allowed = await api.request(method, path, body, token=room.key)
    assert allowed.status in (200, 201), allowed.body


# -- POST /api/events/<slug>/close -------------------------------------------------------------------------------


async def test_close_closes_now_and_appends_a_closed_item(api: Api) -> None:
    room = await make_room(api)
    reply = await api.post(f"/api/events/{room.slug}/close", token=room.key)
    assert reply.status == 200, reply.body
    assert TIME_RE.match(reply.body["server_time"])
    assert reply.body["event"]["state"] == "closed"
    assert (await get_event(api, room.slug))["state"] == "closed"
    last = (await api.read_all(room.slug))[-1]
    assert (last["kind"], last.get("code"), last["author"]) == ("system", "closed", None)


async def test_after_close_the_event_can_no_longer_change(api: Api) -> None:
    room = await make_room(api)
    message_id = (await api.say(room.slug, room.alice, "before")).body["message"]["id"]
    await close(api, room)
    stream = await api.read_all(room.slug)

    assert_error(await api.say(room.slug, room.alice, "after"), 410, "event_closed")
    assert_error(await api.post(f"/api/events/{room.slug}/participants", {"nickname": "carol"}), 410, "event_closed")
    assert_error(await api.post(f"/api/events/{room.slug}/close", token=room.key), 410, "event_closed")
    assert_error(
        await api.post(f"/api/events/{room.slug}/announcements", {"body": "hi"}, token=room.key), 410, "event_closed"
    )
    assert_error(
        await api.delete(f"/api/events/{room.slug}/messages/{message_id}", token=room.key), 410, "event_closed"
    )
    assert_error(
        await api.post(f"/api/events/{room.slug}/participants/{room.bob_id}/ban", token=room.key), 410, "event_closed"
    )
    assert await api.read_all(room.slug) == stream
    assert (await get_event(api, room.slug))["state"] == "closed"


async def test_closing_a_scheduled_event_means_it_never_opens(api: Api) -> None:
    room = await make_room(api, starts_in=3600)
    await close(api, room)
    assert (await get_event(api, room.slug))["state"] == "closed"
    items = await api.read_all(room.slug)
    codes = [i.get("code") for i in items if i["kind"] == "system"]
    assert "opened" not in codes and codes[-1] == "closed"


async def test_close_unknown_event_is_404(api: Api) -> None:
    room = await make_room(api)
    assert_error(await api.post("/api/events/doesnotexist/close", token=room.key), 404, "not_found")


# -- announcements ---------------------------------------------------------------------------------------------------


async def test_announcement_is_appended(api: Api) -> None:
    room = await make_room(api)
    reply = await api.post(f"/api/events/{room.slug}/announcements", {"body": "Break until 20:30"}, token=room.key)
    assert reply.status == 201, reply.body
    assert TIME_RE.match(reply.body["server_time"])
    item = reply.body["message"]
    assert item["kind"] == "announcement"
    assert item["body"] == "Break until 20:30"
    assert isinstance(item["id"], int)
    assert TIME_RE.match(item["created_at"])
    assert (await api.read_all(room.slug))[-1] == item


@pytest.mark.parametrize("payload", [{}, {"body": ""}, {"body": "   "}, {"body": "x" * 4001}, {"body": 3}])
async def test_invalid_announcement_is_400(api: Api, payload: dict[str, Any]) -> None:
    room = await make_room(api)
    stream = await api.read_all(room.slug)
    reply = await api.post(f"/api/events/{room.slug}/announcements", payload, token=room.key)
    assert_error(reply, 400, "invalid_request", "body")
    assert await api.read_all(room.slug) == stream


# -- retraction ---------------------------------------------------------------------------------------------------------


async def test_delete_appends_a_retraction_and_blanks_the_message(api: Api) -> None:
    room = await make_room(api)
    bad = (await api.say(room.slug, room.bob, "something rude")).body["message"]
    kept = (await api.say(room.slug, room.alice, "something nice")).body["message"]
    reply = await api.delete(f"/api/events/{room.slug}/messages/{bad['id']}", token=room.key)
    assert reply.status == 200, reply.body
    assert TIME_RE.match(reply.body["server_time"])

    items = await api.read_all(room.slug)
    retraction = items[-1]
    assert reply.body["message"] == retraction
    assert retraction["kind"] == "retraction"
    assert retraction["target"] == bad["id"]
    assert retraction["id"] > kept["id"]
    reread = {i["id"]: i for i in items}
    assert reread[bad["id"]]["body"] == ""
    assert "something rude" not in str(items)
    assert reread[kept["id"]]["body"] == "something nice"

    transcript = await api.get(f"/e/{room.slug}/transcript.txt")
    assert "something rude" not in transcript.body
    assert "alice: something nice" in transcript.body
    as_json = await api.get(f"/e/{room.slug}/transcript.json")
    assert bad["id"] not in [i["id"] for i in as_json.body["messages"]]


async def test_announcements_can_be_retracted(api: Api) -> None:
    room = await make_room(api)
    item = (await api.post(f"/api/events/{room.slug}/announcements", {"body": "wrong room"}, token=room.key)).body
    reply = await api.delete(f"/api/events/{room.slug}/messages/{item['message']['id']}", token=room.key)
    assert reply.status == 200, reply.body
    assert (await api.read_all(room.slug))[-1]["target"] == item["message"]["id"]


async def test_deleting_twice_appends_one_retraction(api: Api) -> None:
    room = await make_room(api)
    message_id = (await api.say(room.slug, room.bob, "oops")).body["message"]["id"]
    first = await api.delete(f"/api/events/{room.slug}/messages/{message_id}", token=room.key)
    second = await api.delete(f"/api/events/{room.slug}/messages/{message_id}", token=room.key)
    assert first.status == 200 and second.status == 200, (first.body, second.body)
    retractions = [i for i in await api.read_all(room.slug) if i["kind"] == "retraction"]
    assert len(retractions) == 1


@pytest.mark.parametrize("item_id", ["999", "0", "abc", "-1", "99999999999999999999999"])
async def test_delete_missing_message_is_404(api: Api, item_id: str) -> None:
    room = await make_room(api)
    await api.say(room.slug, room.bob, "hello")
    stream = await api.read_all(room.slug)
    reply = await api.delete(f"/api/events/{room.slug}/messages/{item_id}", token=room.key)
    assert_error(reply, 404, "not_found")
    assert await api.read_all(room.slug) == stream


async def test_delete_a_message_of_another_event_is_404(api: Api) -> None:
    room = await make_room(api)
    other = await make_room(api)
    theirs = (await api.say(other.slug, other.bob, "theirs")).body["message"]["id"]
    mine_before = await api.read_all(room.slug)
    # Item ids are per event; make sure this id does not exist in room.
    assert theirs > mine_before[-1]["id"]
    reply = await api.delete(f"/api/events/{room.slug}/messages/{theirs}", token=room.key)
    assert_error(reply, 404, "not_found")
    assert (await api.read_all(other.slug))[-1]["body"] == "theirs"


# -- ban -------------------------------------------------------------------------------------------------------------------


async def test_ban_stops_the_token_from_posting(api: Api) -> None:
    room = await make_room(api)
    reply = await api.post(f"/api/events/{room.slug}/participants/{room.bob_id}/ban", token=room.key)
    assert reply.status == 200, reply.body
    assert TIME_RE.match(reply.body["server_time"])
    assert reply.body["participant"] == {"id": room.bob_id, "nickname": "bob", "banned": True}
    banned_item = (await api.read_all(room.slug))[-1]
    assert (banned_item["kind"], banned_item.get("code"), banned_item.get("participant_id")) == (
        "system",
        "banned",
        room.bob_id,
    )
    listed = (await api.get(f"/api/events/{room.slug}/participants")).body["participants"]
    assert {p["nickname"]: p["banned"] for p in listed} == {"alice": False, "bob": True}
    assert_error(await api.say(room.slug, room.bob, "hello?"), 403, "banned")
    assert_error(await api.say(room.slug, room.bob, "hello?", client_id="new-id"), 403, "banned")
    assert (await api.say(room.slug, room.alice, "bye bob")).status == 201
    # Reading stays public, also for the banned participant.
    assert (await api.poll(room.slug, token=room.bob)).status == 200
    assert "hello?" not in [i["body"] for i in await api.read_all(room.slug)]


async def test_ban_twice_is_harmless(api: Api) -> None:
    room = await make_room(api)
    path = f"/api/events/{room.slug}/participants/{room.bob_id}/ban"
    assert (await api.post(path, token=room.key)).status == 200
    stream = await api.read_all(room.slug)
    assert (await api.post(path, token=room.key)).status == 200
    assert await api.read_all(room.slug) == stream


@pytest.mark.parametrize("participant_id", ["999", "abc", "-1"])
async def test_ban_unknown_participant_is_404(api: Api, participant_id: str) -> None:
    room = await make_room(api)
    reply = await api.post(f"/api/events/{room.slug}/participants/{participant_id}/ban", token=room.key)
    assert_error(reply, 404, "not_found")


async def test_ban_participant_of_another_event_is_404(api: Api) -> None:
    room = await make_room(api)
    other = await make_room(api)
    reply = await api.post(f"/api/events/{room.slug}/participants/{other.bob_id}/ban", token=room.key)
    assert_error(reply, 404, "not_found")
    assert (await api.say(other.slug, other.bob, "unaffected")).status == 201


# -- edits that move the schedule -----------------------------------------------------------------------------------------


async def test_patch_starts_at_into_the_past_opens_a_scheduled_event(api: Api) -> None:
    room = await make_room(api, starts_in=3600)
    assert_error(await api.say(room.slug, room.alice, "too early"), 409, "not_open")
    reply = await api.patch(f"/api/events/{room.slug}", {"starts_at": iso_in(-5)}, token=room.key)
    assert reply.status == 200, reply.body
    assert reply.body["event"]["state"] == "open"
    codes = [i.get("code") for i in await api.read_all(room.slug) if i["kind"] == "system"]
    assert codes.count("opened") == 1
    assert (await api.say(room.slug, room.alice, "now we talk")).status == 201


async def test_patch_ends_at_soon_closes_the_event_then(api: Api) -> None:
    room = await make_room(api)
    reply = await api.patch(f"/api/events/{room.slug}", {"ends_at": iso_in(0.4)}, token=room.key)
    assert reply.status == 200, reply.body
    assert reply.body["event"]["state"] == "open"
    cursor = (await api.poll(room.slug)).body["cursor"]
    held = await api.poll(room.slug, after=cursor, wait=3)
    assert [(i["kind"], i.get("code")) for i in held.body["messages"]] == [("system", "closed")]
    assert held.body["state"] == "closed"
    assert_error(await api.say(room.slug, room.alice, "late"), 410, "event_closed")
