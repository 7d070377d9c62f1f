"""Long-poll delivery: exactly once and in order under concurrency; wake, timeout, disconnect."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from tests.conftest import Chat
from tests.helpers import Api
from tests.waiting import until

BACKENDS = ("sqlite", "postgresql")  # the same tests on both engines (tests/conftest.py)

POSTERS = 4
PER_POSTER = 75
POLLERS = 4


@pytest.fixture
def settings() -> dict[str, object]:
    return {"max_wait": 5.0, "rate_limit": 0}


async def test_every_poller_gets_every_item_once_in_order(api: Api, chat: Chat, backend: str) -> None:
    slug = (await api.create_event())["event"]["slug"]
    tokens = [(await api.join(slug, f"poster{n}"))[1] for n in range(POSTERS)]
    baseline = await api.read_all(slug)  # the opening and join items
    total = len(baseline) + POSTERS * PER_POSTER

    async def follow(limit: int) -> list[dict[str, Any]]:
        seen: list[dict[str, Any]] = []
        cursor = 0
        while len(seen) < total:
            reply = await api.poll(slug, after=cursor, wait=2, limit=limit)
            assert reply.status == 200, reply.body
            seen += reply.body["messages"]
            cursor = reply.body["cursor"]
        return seen

    async def post_all(n: int) -> list[int]:
        ids = []
        for i in range(PER_POSTER):
            reply = await api.say(slug, tokens[n], f"p{n}-{i}", client_id=f"p{n}-{i}")
            assert reply.status == 201, reply.body
            ids.append(reply.body["message"]["id"])
        return ids

    # Small, different page sizes make the pollers page while posts race with them.
    pollers = [asyncio.ensure_future(follow(limit)) for limit in (1, 3, 7, 500)[:POLLERS]]
    posted = await asyncio.gather(*(post_all(n) for n in range(POSTERS)))
    streams = await asyncio.gather(*pollers)

    expected_ids = list(range(1, total + 1))
    for stream in streams:
        assert [item["id"] for item in stream] == expected_ids  # every id once, in order
        bodies = [item["body"] for item in stream if item["kind"] == "message"]
        for n in range(POSTERS):  # each poster's messages arrive in the order they were acknowledged
            assert [b for b in bodies if b.startswith(f"p{n}-")] == [f"p{n}-{i}" for i in range(PER_POSTER)]
    for ids in posted:
        assert ids == sorted(ids)
    if backend == "sqlite":
        # Concurrent posts shared transactions: fewer commits than writes (SQLite's group commit;
        # PostgreSQL commits each in its own transaction, many at once).
        assert chat.store.db.batches_committed < chat.store.db.jobs_committed


async def test_held_poll_wakes_at_once_when_a_message_is_posted(api: Api, chat: Chat) -> None:
    slug = (await api.create_event())["event"]["slug"]
    _, token = await api.join(slug, "alice")
    cursor = (await api.poll(slug)).body["cursor"]
    poll = asyncio.ensure_future(api.poll(slug, after=cursor, wait=5))
    await until(lambda: chat.broker.held_polls == 1, what="the poll to be held")
    started = time.monotonic()
    posted = await api.say(slug, token, "wake up")
    reply = await poll
    woke_after = time.monotonic() - started
    assert posted.status == 201
    assert reply.status == 200
    assert [m["body"] for m in reply.body["messages"]] == ["wake up"]
    assert reply.body["cursor"] == posted.body["message"]["id"]
    assert woke_after < 1.0, f"woke after {woke_after:.3f}s: by the post, not the 5 s timeout"
    assert chat.broker.held_polls == 0 and chat.broker.waiting() == 0


async def test_held_poll_times_out_with_an_empty_answer(api: Api, chat: Chat) -> None:
    slug = (await api.create_event())["event"]["slug"]
    cursor = (await api.poll(slug)).body["cursor"]
    started = time.monotonic()
    reply = await api.poll(slug, after=cursor, wait=0.3)
    elapsed = time.monotonic() - started
    assert reply.status == 200
    assert reply.body["messages"] == [] and reply.body["cursor"] == cursor and reply.body["more"] is False
    assert 0.28 <= elapsed < 3
    assert chat.broker.held_polls == 0 and chat.broker.waiting() == 0


async def test_other_events_do_not_wake_a_held_poll(api: Api, chat: Chat) -> None:
    quiet = (await api.create_event(title="Quiet"))["event"]["slug"]
    busy = (await api.create_event(title="Busy"))["event"]["slug"]
    _, token = await api.join(busy, "bob")
    cursor = (await api.poll(quiet)).body["cursor"]
    poll = asyncio.ensure_future(api.poll(quiet, after=cursor, wait=0.5))
    await until(lambda: chat.broker.waiting() == 1, what="the poll to be held")
    assert (await api.say(busy, token, "elsewhere")).status == 201
    reply = await poll
    assert reply.body["messages"] == []


async def test_a_client_that_disconnects_frees_its_waiter(api: Api, chat: Chat) -> None:
    slug = (await api.create_event())["event"]["slug"]
    cursor = (await api.poll(slug)).body["cursor"]
    host, port = api.base_url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(f"GET /api/events/{slug}/messages?after={cursor}&wait=30 HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    await writer.drain()
    await until(lambda: chat.broker.held_polls == 1, what="the poll to be held")
    writer.close()
    await until(
        lambda: chat.broker.waiting() == 0 and chat.broker.held_polls == 0, timeout=2, what="the waiter to be freed"
    )


async def test_shutdown_answers_held_polls(api: Api, chat: Chat) -> None:
    slug = (await api.create_event())["event"]["slug"]
    cursor = (await api.poll(slug)).body["cursor"]
    polls = [asyncio.ensure_future(api.poll(slug, after=cursor, wait=5)) for _ in range(3)]
    await until(lambda: chat.broker.held_polls == 3, what="three held polls")
    started = time.monotonic()
    chat.broker.shutdown()
    replies = await asyncio.gather(*polls)
    assert time.monotonic() - started < 1
    assert all(r.status == 200 and r.body["messages"] == [] and r.body["cursor"] == cursor for r in replies)
    # After shutdown no poll is held: it answers at once.
    started = time.monotonic()
    assert (await api.poll(slug, after=cursor, wait=5)).status == 200
    assert time.monotonic() - started < 1


async def test_a_poll_that_is_behind_returns_at_once_even_with_wait(api: Api) -> None:
    slug = (await api.create_event())["event"]["slug"]
    _, token = await api.join(slug, "carol")
    await api.say(slug, token, "one")
    started = time.monotonic()
    reply = await api.poll(slug, after=0, wait=5)
    assert time.monotonic() - started < 1
    assert [m["body"] for m in reply.body["messages"]][-1] == "one"
