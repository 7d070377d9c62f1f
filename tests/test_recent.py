"""Woken polls are answered from memory (the event row and its newest items), and never wrongly."""

from __future__ import annotations

import asyncio
import threading

import pytest

from chatserver.models import Item
from chatserver.tail import TAIL_ITEMS, Tail
from tests.conftest import Chat
from tests.helpers import Api
from tests.waiting import until

WAITERS = 8  # under the test client's 10 connections


@pytest.fixture
def settings() -> dict[str, object]:
    return {"max_wait": 5.0, "rate_limit": 0}


def item(n: int, body: str = "x") -> Item:
    return Item(n, "message", None, "a", 1, body, 0, None, None, False)


def test_a_tail_answers_only_what_it_holds_whole() -> None:
    tail = Tail(item(10))
    for n in range(11, 15):
        tail.append(item(n))
    assert tail.after(8, 10) is None  # item 9 is not held: the caller reads the disk
    assert [i.id for i in tail.after(9, 10)[0]] == [10, 11, 12, 13, 14]  # type: ignore[index]
    assert tail.after(11, 2) == ([item(12), item(13)], True)
    assert tail.after(14, 5) == ([], False)
    assert tail.after(15, 5) is None  # beyond what it knows: not an empty answer
    tail.retract(12)
    page = tail.after(11, 1)
    assert page is not None and page[0][0].retracted and page[0][0].body == ""


def test_a_tail_stays_bounded_and_contiguous() -> None:
    tail = Tail(item(1))
    for n in range(2, 5 * TAIL_ITEMS):
        tail.append(item(n))
    assert len(tail.items) <= 2 * TAIL_ITEMS and tail.last == 5 * TAIL_ITEMS - 1
    assert [i.id for i in tail.items] == list(range(tail.first, tail.last + 1))
    tail.append(item(tail.last + 5))  # a hole (never expected): a new run, never a gap inside one
    assert tail.first == tail.last and tail.after(tail.first - 2, 5) is None


async def test_woken_polls_read_nothing_from_disk_and_share_one_answer(api: Api, chat: Chat) -> None:
    slug = (await api.create_event())["event"]["slug"]
    _, token = await api.join(slug, "alice")
    cursor = (await api.say(slug, token, "first")).body["message"]["id"]
    polls = [asyncio.ensure_future(api.poll(slug, after=cursor, wait=5)) for _ in range(WAITERS)]
    await until(lambda: chat.broker.held_polls == WAITERS, what="every poll to be held")

    statements: list[str] = []
    lock = threading.Lock()

    def record(sql: str) -> None:
        with lock:
            statements.append(sql)

    encoded = chat.services.answers.encoded
    await chat.store.db.set_trace(record)
    posted = await api.say(slug, token, "to all eight")
    replies = await asyncio.gather(*polls)
    await chat.store.db.set_trace(None)

    posted_id = posted.body["message"]["id"]
    for reply in replies:
        assert reply.status == 200
        assert [m["id"] for m in reply.body["messages"]] == [posted_id]
        assert reply.body["messages"][0]["body"] == "to all eight" and reply.body["cursor"] == posted_id
    # The poll path's reads (the event by slug, items after a cursor) never ran: the post's did.
    assert any("INSERT INTO items" in sql for sql in statements)
    assert [sql for sql in statements if "slug = ?" in sql or "id > ?" in sql] == []
    assert chat.services.answers.encoded - encoded == 1  # one encoding, eight answers


async def test_a_retraction_reaches_polls_served_from_memory(api: Api, chat: Chat) -> None:
    created = await api.create_event()
    slug, key = created["event"]["slug"], created["host_key"]
    _, token = await api.join(slug, "alice")
    start = (await api.say(slug, token, "warm up")).body["message"]["id"]
    spam = (await api.say(slug, token, "buy pills")).body["message"]["id"]
    first = await api.poll(slug, after=start, limit=1)
    assert first.body["messages"][0]["body"] == "buy pills" and first.body["more"] is False

    assert (await api.delete(f"/api/events/{slug}/messages/{spam}", token=key)).status == 200
    again = await api.poll(slug, after=start, limit=1)  # the same cursor and limit as before
    assert again.body["messages"][0]["body"] == "" and again.body["messages"][0]["retracted"] is True
    assert again.body["more"] is True  # the retraction item follows
