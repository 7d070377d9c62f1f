"""POST/GET /api/events/<slug>/participants: joining without an account, and who is online."""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

import pytest

from chatserver.presence import Presence
from chatserver.timefmt import now_ms
from tests.conftest import Chat
from tests.helpers import Api, Reply, assert_error, assert_server_time
from tests.waiting import until

BACKENDS = ("sqlite", "postgresql")  # the same tests on both engines (tests/conftest.py)


class FakeClock:
    """A monotonic clock the test moves by hand, so presence windows pass without sleeping."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def presence(clock: FakeClock) -> Presence:
    return Presence(window_s=60.0, clock=clock)


@pytest.fixture
def settings(presence: Presence) -> dict[str, object]:
    """The server of this module marks presence by a clock the tests control."""
    return {"max_wait": 5.0, "rate_limit": 20, "presence": presence}


async def join(api: Api, slug: str, body: Any) -> Reply:
    return await api.post(f"/api/events/{slug}/participants", body)


async def participants(api: Api, slug: str) -> list[dict[str, Any]]:
    reply = await api.get(f"/api/events/{slug}/participants")
    assert reply.status == 200, reply.body
    assert_server_time(reply)
    return reply.body["participants"]  # type: ignore[no-any-return]


async def nicknames(api: Api, slug: str) -> list[str]:
    return [p["nickname"] for p in await participants(api, slug)]


async def open_event(api: Api, **fields: Any) -> str:
    return (await api.create_event(**fields))["event"]["slug"]  # type: ignore[no-any-return]


# -- joining -------------------------------------------------------------------------------------------


async def test_join_returns_participant_and_a_long_random_token(api: Api) -> None:
    slug = await open_event(api)
    reply = await join(api, slug, {"nickname": "alice"})
    assert reply.status == 201, reply.body
    assert reply.headers["Content-Type"].startswith("application/json")
    assert_server_time(reply)
    participant = reply.body["participant"]
    assert isinstance(participant["id"], int) and not isinstance(participant["id"], bool)
    assert participant["nickname"] == "alice"
    token = reply.body["token"]
    # >= 128 bits: at least 22 URL-safe base64 characters (or 32 hex digits).
    assert isinstance(token, str) and len(token) >= 22
    assert re.fullmatch(r"[A-Za-z0-9_\-.~+/=]+", token), token

    other = await join(api, slug, {"nickname": "bob"})
    assert other.status == 201
    assert other.body["token"] != token
    assert other.body["participant"]["id"] != participant["id"]
    listed = await participants(api, slug)
    assert [(p["id"], p["nickname"]) for p in listed] == [
        (participant["id"], "alice"),
        (other.body["participant"]["id"], "bob"),
    ]


async def test_join_appends_a_joined_item(api: Api) -> None:
    slug = await open_event(api)
    await api.join(slug, "alice")
    items = await api.read_all(slug)
    joined = [i for i in items if i["kind"] == "system" and i.get("code") == "joined"]
    assert len(joined) == 1
    assert "alice" in joined[0]["body"] and joined[0]["author"] is None


async def test_token_lets_the_participant_post(api: Api) -> None:
    slug = await open_event(api)
    _, token = await api.join(slug, "alice")
    reply = await api.say(slug, token, "hi")
    assert reply.status == 201, reply.body
    assert reply.body["message"]["author"] == "alice"


async def test_nickname_is_trimmed(api: Api) -> None:
    slug = await open_event(api)
    reply = await join(api, slug, {"nickname": "  alice \t"})
    assert reply.status == 201, reply.body
    assert reply.body["participant"]["nickname"] == "alice"
    assert await nicknames(api, slug) == ["alice"]


async def test_32_characters_after_trimming_is_accepted(api: Api) -> None:
    slug = await open_event(api)
    nick = "n" * 32
    reply = await join(api, slug, {"nickname": f"   {nick}   "})
    assert reply.status == 201, reply.body
    assert reply.body["participant"]["nickname"] == nick


async def test_join_is_allowed_while_scheduled(api: Api) -> None:
    slug = await open_event(api, starts_in=3600)
    reply = await join(api, slug, {"nickname": "early bird"})
    assert reply.status == 201, reply.body
    event = await api.get(f"/api/events/{slug}")
    assert event.body["event"]["state"] == "scheduled"
    assert await nicknames(api, slug) == ["early bird"]


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"nickname": "n" * 33}, id="33-chars"),
        pytest.param({"nickname": "   "}, id="whitespace-only"),
        pytest.param({"nickname": ""}, id="empty"),
        pytest.param({"nickname": "al\x07ice"}, id="bell"),
        pytest.param({"nickname": "al\nice"}, id="newline"),
        pytest.param({"nickname": "al\tice"}, id="tab"),
        pytest.param({"nickname": "al\x00ice"}, id="nul"),
        pytest.param({"nickname": "al\x7fice"}, id="del"),
        pytest.param({"nickname": "al\u0085ice"}, id="c1-control"),
        pytest.param({"nickname": 42}, id="number"),
        pytest.param({"nickname": ["alice"]}, id="list"),
        pytest.param({}, id="missing"),
        pytest.param({"name": "alice"}, id="wrong-field"),
    ],
)
async def test_invalid_nickname_is_refused(api: Api, body: dict[str, Any]) -> None:
    slug = await open_event(api)
    before = await api.read_all(slug)
    reply = await join(api, slug, body)
    assert_error(reply, 400, "invalid_request", "nickname")
    assert await participants(api, slug) == []
    assert await api.read_all(slug) == before


@pytest.mark.parametrize("raw", [b"", b"[]", b'"alice"', b'{"nickname": ', b'{"nickname": "\xff"}'])
async def test_join_body_that_is_not_a_json_object_is_refused(api: Api, raw: bytes) -> None:
    slug = await open_event(api)
    reply = await api.post(f"/api/events/{slug}/participants", raw=raw)
    assert_error(reply, 400, "invalid_request")
    assert await participants(api, slug) == []


@pytest.mark.parametrize("second", ["alice", "ALICE", "  Alice  "])
async def test_nickname_taken_is_case_insensitive(api: Api, second: str) -> None:
    slug = await open_event(api)
    first = await join(api, slug, {"nickname": "Alice"})
    assert first.status == 201
    items_before = await api.read_all(slug)
    reply = await join(api, slug, {"nickname": second})
    assert_error(reply, 409, "nickname_taken")
    assert await nicknames(api, slug) == ["Alice"]
    assert await api.read_all(slug) == items_before


async def test_same_nickname_in_another_event_is_fine(api: Api) -> None:
    first, second = await open_event(api), await open_event(api)
    await api.join(first, "alice")
    reply = await join(api, second, {"nickname": "Alice"})
    assert reply.status == 201, reply.body


async def test_join_after_close_is_410(api: Api) -> None:
    created = await api.create_event()
    slug = created["event"]["slug"]
    await api.join(slug, "alice")
    closed = await api.post(f"/api/events/{slug}/close", token=created["host_key"])
    assert closed.status == 200, closed.body
    reply = await join(api, slug, {"nickname": "bob"})
    assert_error(reply, 410, "event_closed")
    assert await nicknames(api, slug) == ["alice"]


async def test_join_unknown_event_is_404(api: Api) -> None:
    reply = await join(api, "doesnotexist", {"nickname": "alice"})
    assert_error(reply, 404, "not_found")


async def test_participant_list_of_unknown_event_is_404(api: Api) -> None:
    reply = await api.get("/api/events/doesnotexist/participants")
    assert_error(reply, 404, "not_found")


# -- who is online -------------------------------------------------------------------------------------


async def online(api: Api, slug: str) -> dict[str, bool]:
    return {p["nickname"]: p["online"] for p in await participants(api, slug)}


async def test_a_participant_who_just_joined_is_online(api: Api) -> None:
    slug = await open_event(api)
    await api.join(slug, "alice")
    listed = await participants(api, slug)
    assert listed[0]["online"] is True
    assert set(listed[0]) >= {"id", "nickname", "online"}


async def test_a_participant_who_never_polls_goes_offline(api: Api, clock: FakeClock) -> None:
    slug = await open_event(api)
    await api.join(slug, "alice")
    clock.advance(120)
    assert await online(api, slug) == {"alice": False}


async def test_polling_with_the_token_keeps_a_participant_online(api: Api, clock: FakeClock) -> None:
    slug = await open_event(api)
    _, alice = await api.join(slug, "alice")
    _, bob = await api.join(slug, "bob")
    await api.join(slug, "carol")
    clock.advance(120)
    assert await online(api, slug) == {"alice": False, "bob": False, "carol": False}

    assert (await api.poll(slug, token=alice)).status == 200
    assert (await api.say(slug, bob, "still here")).status == 201
    assert await online(api, slug) == {"alice": True, "bob": True, "carol": False}


async def test_polling_without_or_with_a_foreign_token_marks_nobody(api: Api, clock: FakeClock) -> None:
    slug, other = await open_event(api), await open_event(api)
    await api.join(slug, "alice")
    _, stranger = await api.join(other, "alice")
    clock.advance(120)
    assert (await api.poll(slug)).status == 200
    assert (await api.poll(slug, token="not-a-token")).status == 200
    assert (await api.poll(slug, token=stranger)).status == 200
    assert await online(api, slug) == {"alice": False}


async def test_participant_list_reveals_no_secrets(api: Api) -> None:
    slug = await open_event(api)
    _, token = await api.join(slug, "alice")
    reply = await api.get(f"/api/events/{slug}/participants")
    assert token not in json.dumps(reply.body)
    assert not {"token", "token_hash"} & set(reply.body["participants"][0])


async def test_concurrent_joins_with_the_same_nickname_admit_one(api: Api) -> None:
    slug = await open_event(api)
    replies = await asyncio.gather(
        join(api, slug, {"nickname": "Alice"}),
        join(api, slug, {"nickname": "alice"}),
        join(api, slug, {"nickname": "ALICE"}),
    )
    assert sorted(r.status for r in replies) == [201, 409, 409], [r.body for r in replies]
    for reply in replies:
        if reply.status == 409:
            assert_error(reply, 409, "nickname_taken")
    assert len(await participants(api, slug)) == 1


# -- banned participants are never online (issue 13, item 10) -------------------------------------------
# These take `chat` so that they run on both engines: pytest-tornasync's http_server looks `app` up by
# name, so `api` alone does not make a test depend on `backend`.


async def ban(api: Api, slug: str, key: str, participant_id: int) -> None:
    reply = await api.post(f"/api/events/{slug}/participants/{participant_id}/ban", token=key)
    assert reply.status == 200, reply.body


async def test_a_banned_participant_is_offline_at_once_and_polling_does_not_bring_them_back(
    api: Api, chat: Chat
) -> None:
    created = await api.create_event()
    slug, key = created["event"]["slug"], created["host_key"]
    await api.join(slug, "alice")
    bob_id, bob = await api.join(slug, "bob")
    assert (await api.poll(slug, token=bob)).status == 200
    assert await online(api, slug) == {"alice": True, "bob": True}

    await ban(api, slug, key, bob_id)  # a moment after bob's poll
    assert await online(api, slug) == {"alice": True, "bob": False}
    again = await api.poll(slug, token=bob)
    assert again.status == 200 and again.body["messages"]  # reading stays public
    assert await online(api, slug) == {"alice": True, "bob": False}


async def test_a_poll_held_across_the_ban_does_not_mark_the_banned_online(api: Api, chat: Chat) -> None:
    created = await api.create_event()
    slug, key = created["event"]["slug"], created["host_key"]
    _, alice = await api.join(slug, "alice")
    bob_id, bob = await api.join(slug, "bob")
    newest = (await api.poll(slug)).body["cursor"]
    held = asyncio.ensure_future(api.poll(slug, after=newest, wait=4, token=bob))
    await until(lambda: chat.broker.held_polls == 1, what="bob's poll to be held")
    await ban(api, slug, key, bob_id)  # wakes the poll with the "removed" item; it ends after the ban
    answer = await held
    assert answer.status == 200 and answer.body["messages"]
    assert (await api.say(slug, alice, "still here")).status == 201
    assert await online(api, slug) == {"alice": True, "bob": False}


async def test_a_banned_participant_seen_by_another_process_is_offline(api: Api, chat: Chat) -> None:
    # Several processes share presence through participants.seen_at: another one saw bob just now.
    created = await api.create_event()
    slug, key = created["event"]["slug"], created["host_key"]
    bob_id, _ = await api.join(slug, "bob")
    chat.services.presence = Presence(share=chat.store.record_presence)  # remembers nobody itself
    await chat.store.record_presence({bob_id: now_ms()})
    assert await online(api, slug) == {"bob": True}
    await ban(api, slug, key, bob_id)
    assert await online(api, slug) == {"bob": False}
