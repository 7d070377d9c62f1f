"""Typing and coalesced reactions (API.md 1.1, "Conversation"), on both engines: typing reaches SSE
readers and the polls that ask for it, is never stored nor in the cursor, wakes no other poll and
expires by itself; reactions wake an event's readers at most once a second, each still delivered."""

from __future__ import annotations

import asyncio
import time
from urllib.parse import quote

import pytest

from chatserver import broker as broker_module
from tests.conftest import Chat
from tests.helpers import Api, assert_error
from tests.test_private import room
from tests.test_sse import EventStream

BACKENDS = ("sqlite", "postgresql")


@pytest.fixture
def settings() -> dict[str, object]:
    return {"max_wait": 10.0, "rate_limit": 0, "reaction_limit": 0}


async def typing(api: Api, slug: str, token: str | None) -> object:
    return await api.post(f"/api/events/{slug}/typing", {}, token=token)


async def test_typing_reaches_streams_and_is_never_an_item(
    api: Api, chat: Chat, http_server_port: tuple[object, int]
) -> None:
    slug, _ = await room(api)
    alice_id, alice = await api.join(slug, "alice")
    cursor = (await api.poll(slug)).body["cursor"]
    stream = await EventStream.open(http_server_port[1], f"/api/events/{slug}/stream?after={cursor}")
    try:
        assert (await stream.event() or {}).get("event") == "state"
        reply = await typing(api, slug, alice)
        assert reply.status == 200, reply.body  # type: ignore[attr-defined]
        told = await stream.event()
        assert told is not None and told["event"] == "typing" and "id" not in told
        assert told["data"] == {"participant_id": alice_id, "nickname": "alice", "expires_in": 6.0}
        # Nothing was stored: the cursor stands where it was.
        assert (await api.poll(slug, after=cursor)).body["messages"] == []
        assert (await api.get(f"/api/events/{slug}")).body["event"].get("last_item_id", cursor) == cursor
    finally:
        stream.close()


async def test_typing_wakes_only_the_polls_that_asked_for_it(api: Api, chat: Chat) -> None:
    slug, _ = await room(api)
    alice_id, alice = await api.join(slug, "alice")
    _, bob = await api.join(slug, "bob")
    cursor = (await api.poll(slug)).body["cursor"]
    plain = asyncio.ensure_future(api.get(f"/api/events/{slug}/messages?after={cursor}&wait=8"))
    asking = asyncio.ensure_future(api.get(f"/api/events/{slug}/messages?after={cursor}&wait=8&typing=1"))
    event_id = (await chat.store.get_event(slug)).id
    while chat.broker.waiting(event_id) < 2:
        await asyncio.sleep(0.01)  # both polls are held (a state of the server, awaited)
    await typing(api, slug, alice)
    answered = await asyncio.wait_for(asyncio.shield(asking), 5)
    assert answered.status == 200 and answered.body["messages"] == []
    assert answered.body["typing"] == [{"participant_id": alice_id, "nickname": "alice"}]
    assert not plain.done() and chat.broker.waiting(event_id) == 1
    # The plain poll is answered by the next item, and says nothing of typing.
    await api.say(slug, bob, "hello")
    woken = await asyncio.wait_for(plain, 5)
    assert [m["body"] for m in woken.body["messages"]] == ["hello"] and "typing" not in woken.body
    # Sending a message ends one's typing.
    await typing(api, slug, bob)
    await api.say(slug, bob, "done")
    after = (await api.get(f"/api/events/{slug}/messages?after={cursor}&typing=1")).body
    assert after["typing"] == [{"participant_id": alice_id, "nickname": "alice"}]


async def test_typing_refusals(api: Api) -> None:
    slug, key = await room(api)
    _, alice = await api.join(slug, "alice")
    assert_error(await typing(api, slug, None), 401, "unauthorized")  # type: ignore[arg-type]
    assert_error(await typing(api, slug, key), 401, "unauthorized")  # type: ignore[arg-type]
    assert_error(await api.get(f"/api/events/{slug}/messages?typing=maybe"), 400, "invalid_request", "typing")
    for _ in range(15):
        assert (await typing(api, slug, alice)).status == 200  # type: ignore[attr-defined]
    assert_error(await typing(api, slug, alice), 429, "rate_limited")  # type: ignore[arg-type]


async def test_typists_expire_by_themselves(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(broker_module, "TYPING_TTL_S", 0.05)
    broker = broker_module.Broker()
    broker.typing(1, 7, "alice")
    assert broker.typists(1) == [(7, "alice")]
    while broker.typists(1):
        await asyncio.sleep(0.01)  # gone by itself, with no call but the reading
    assert broker._typists == {}


async def test_reactions_reach_readers_coalesced_each_one_delivered(api: Api, chat: Chat) -> None:
    slug, _ = await room(api)
    _, alice = await api.join(slug, "alice")
    people = [await api.join(slug, f"p{n}") for n in range(12)]
    message = (await api.say(slug, alice, "react to me")).body["message"]["id"]
    cursor = (await api.poll(slug)).body["cursor"]
    event_id = (await chat.store.get_event(slug)).id
    wakes = 0
    original = chat.broker._wake_coalesced

    def counted(event: int) -> None:
        nonlocal wakes
        wakes += 1
        original(event)

    chat.broker._wake_coalesced = counted  # type: ignore[method-assign]
    chat.broker.reactions_coalesce_s = 4.0  # a window wide enough for twelve posts on a busy machine
    held = asyncio.ensure_future(api.poll(slug, after=cursor, wait=9))
    while chat.broker.waiting(event_id) < 1:
        await asyncio.sleep(0.01)  # the poll is held (a state of the server, awaited)
    chat.broker._items_woken_at[event_id] = time.monotonic()  # as if a wake had just happened
    faces = [chr(0x1F600 + n) for n in range(12)]
    answers = await asyncio.gather(
        *(
            api.request("PUT", f"/api/events/{slug}/messages/{message}/reactions/{quote(face)}", token=token)
            for (_, token), face in zip(people, faces, strict=True)
        )
    )
    assert all(a.status == 200 for a in answers)
    assert not held.done()  # twelve reactions woke nobody yet
    reply = await asyncio.wait_for(held, 9)
    # One answer carries every reaction: one wake for twelve, each still delivered once.
    assert sorted(m["emoji"] for m in reply.body["messages"] if m["kind"] == "reaction") == sorted(faces)
    assert wakes == 1


async def test_a_banned_participant_is_told_so(api: Api) -> None:
    slug, key = await room(api)
    alice_id, alice = await api.join(slug, "alice")
    assert (await api.post(f"/api/events/{slug}/participants/{alice_id}/ban", {}, token=key)).status == 200
    assert_error(await typing(api, slug, alice), 403, "banned")  # type: ignore[arg-type]
