"""Read receipts: reported forward only, listed, and delivered through the long poll, coalesced."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from chatserver.errors import Banned
from chatserver.store import Store
from tests.conftest import Chat
from tests.helpers import Api, assert_error
from tests.waiting import until

BACKENDS = ("sqlite", "postgresql")  # the same tests on both engines (tests/conftest.py)


async def room(api: Api) -> tuple[str, dict[str, tuple[int, str]], int]:
    slug = (await api.create_event())["event"]["slug"]
    people = {nick: await api.join(slug, nick) for nick in ("alice", "bob")}
    reply = await api.say(slug, people["alice"][1], "hello")
    return slug, people, reply.body["message"]["id"]


async def test_a_read_moves_forward_only_and_is_listed(api: Api) -> None:
    slug, people, newest = await room(api)
    bob_id, bob = people["bob"]
    reply = await api.post(f"/api/events/{slug}/reads", {"last_read_id": newest}, token=bob)
    assert reply.status == 200 and reply.body["last_read_id"] == newest and reply.body["participant_id"] == bob_id
    back = await api.post(f"/api/events/{slug}/reads", {"last_read_id": 1}, token=bob)
    assert back.status == 200 and back.body["last_read_id"] == newest  # never backwards

    listed = await api.get(f"/api/events/{slug}/reads")
    assert listed.body["reads"] == [{"participant_id": bob_id, "nickname": "bob", "last_read_id": newest}]
    assert listed.body["version"] == newest
    participants = (await api.get(f"/api/events/{slug}/participants")).body["participants"]
    assert {p["nickname"]: p["last_read_id"] for p in participants} == {"alice": 0, "bob": newest}


async def test_bad_read_reports_are_refused_and_change_nothing(api: Api) -> None:
    slug, people, newest = await room(api)
    _, bob = people["bob"]
    assert_error(await api.post(f"/api/events/{slug}/reads", {"last_read_id": newest}), 401, "unauthorized")
    assert_error(
        await api.post(f"/api/events/{slug}/reads", {"last_read_id": newest + 1}, token=bob),
        400,
        "invalid_request",
        "last_read_id",
    )
    for bad in ("3", -1, True, None, 2.5):
        assert_error(
            await api.post(f"/api/events/{slug}/reads", {"last_read_id": bad}, token=bob),
            400,
            "invalid_request",
            "last_read_id",
        )
    assert (await api.get(f"/api/events/{slug}/reads")).body["reads"] == []


async def test_a_banned_participant_cannot_report_reads(api: Api, chat: Chat) -> None:
    created = await api.create_event()
    slug, key = created["event"]["slug"], created["host_key"]
    _, alice = await api.join(slug, "alice")
    bob_id, bob = await api.join(slug, "bob")
    newest = (await api.say(slug, alice, "hello")).body["message"]["id"]
    assert (await api.post(f"/api/events/{slug}/participants/{bob_id}/ban", token=key)).status == 200

    refused = await api.post(f"/api/events/{slug}/reads", {"last_read_id": newest}, token=bob)
    assert_error(refused, 403, "banned")
    listed = await api.get(f"/api/events/{slug}/reads")
    assert listed.body["reads"] == [] and listed.body["version"] == 0  # nothing stored, nobody told
    participants = (await api.get(f"/api/events/{slug}/participants")).body["participants"]
    assert {p["nickname"]: p["last_read_id"] for p in participants} == {"alice": 0, "bob": 0}
    # The write job itself refuses, so a report racing the ban cannot slip in after it.
    with pytest.raises(Banned):
        await chat.store.mark_read((await chat.store.get_event(slug)).id, bob_id, newest)
    assert (await api.post(f"/api/events/{slug}/reads", {"last_read_id": newest}, token=alice)).status == 200


async def test_a_poll_asking_for_reads_gets_them_and_others_do_not(api: Api) -> None:
    slug, people, newest = await room(api)
    await api.post(f"/api/events/{slug}/reads", {"last_read_id": newest}, token=people["bob"][1])
    plain = await api.get(f"/api/events/{slug}/messages?after={newest}")
    assert "reads" not in plain.body
    started = time.monotonic()
    asked = await api.get(f"/api/events/{slug}/messages?after={newest}&wait=3&reads=0")
    assert time.monotonic() - started < 1  # not held: it had news
    assert asked.body["messages"] == []
    assert asked.body["reads"]["version"] == newest
    assert asked.body["reads"]["by"][0]["nickname"] == "bob"
    current = await api.get(f"/api/events/{slug}/messages?after={newest}&reads={newest}")
    assert "reads" not in current.body  # nothing newer than what the client has


async def test_held_polls_wake_for_reads_coalesced_and_only_if_they_asked(api: Api, chat: Chat) -> None:
    slug, people, newest = await room(api)
    alice, bob = people["alice"][1], people["bob"][1]
    base = f"/api/events/{slug}/messages?after={newest}"
    asking = asyncio.ensure_future(api.get(base + "&wait=4&reads=0"))
    ignoring = asyncio.ensure_future(api.get(base + "&wait=1.5"))
    await until(lambda: chat.broker.held_polls == 2, what="two held polls")
    await api.post(f"/api/events/{slug}/reads", {"last_read_id": newest}, token=bob)
    first = await asking
    assert first.body["reads"]["version"] == newest
    assert chat.broker.held_polls == 1  # the poll that did not ask for reads is still held

    # A second change right after a wake waits out the coalescing window (about 1 s).
    again = asyncio.ensure_future(api.get(base + f"&wait=4&reads={newest}"))
    await until(lambda: chat.broker.held_polls == 2, what="the next poll to be held")
    started = time.monotonic()
    await api.post(f"/api/events/{slug}/reads", {"last_read_id": newest}, token=alice)
    second = await again
    assert 0.5 < time.monotonic() - started < 2.5
    assert second.body["reads"]["version"] == 2 * newest
    assert (await ignoring).body["messages"] == [] and "reads" not in (await ignoring).body


async def test_the_reads_version_survives_a_restart(tmp_path: Path) -> None:
    path = str(tmp_path / "chat.db")
    store = await Store.open(path)
    try:
        now = store.clock()
        event, _ = await store.create_event("Reads", "", now - 1000, now + 3_600_000, True)
        bob, _ = await store.join(event.id, "bob")
        assert await store.reads_version(event.id) == 0
        assert await store.mark_read(event.id, bob.id, 2) == 2
        assert await store.reads_version(event.id) == 2
    finally:
        await store.close()
    store = await Store.open(path)
    try:
        assert await store.reads_version(event.id) == 2
    finally:
        await store.close()
