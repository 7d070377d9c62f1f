"""Woken polls are answered from memory (the event row and its newest items), and never wrongly."""

from __future__ import annotations

import asyncio
import dataclasses
import threading
from typing import Any

import pytest
from hypothesis import given
from hypothesis import settings as examples
from hypothesis import strategies as st

from chatserver.answers import AnswerKey, Answers, encode_answer
from chatserver.models import PAGE_BYTES, Item, Viewer, fit
from chatserver.recent import TAIL_ITEMS, Recent, Tail, item_bytes
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


def test_a_tail_steps_over_what_a_reader_may_not_see() -> None:
    """Private items are left out of another reader's page, never counted toward its limit, and
    `more` is true only when something the reader may see follows (so a page is never empty with
    more: the reader would ask again from the same cursor for ever)."""
    tail = Tail(item(1))
    for n in range(2, 9):  # 3, 4 and 7 are alice's (participant 5) line to the hosts
        tail.append(dataclasses.replace(item(n), participant_id=5, private=True) if n in (3, 4, 7) else item(n))
    public, alice, hosts = Viewer(), Viewer(5), Viewer(staff=True)
    assert tail.after(0, 3, public) == ([item(1), item(2), item(5)], True)
    assert tail.after(5, 3, public) == ([item(6), item(8)], False)
    assert tail.after(6, 1, public) == ([item(8)], False)  # 7 is stepped over, not a "more"
    assert [i.id for i in tail.after(2, 2, alice)[0]] == [3, 4]  # type: ignore[index]
    assert [i.id for i in tail.after(0, 10, hosts)[0]] == list(range(1, 9))  # type: ignore[index]
    assert [i.id for i in tail.after(2, 2, Viewer(6))[0]] == [5, 6]  # type: ignore[index]
    tail.drop_oldest(4)  # the private ones among them leave the count too
    assert tail.private == 1


# A random item's privacy: public, or private from/to participants 1-3, to the hosts, from a host,
# or a notice to the app user "u1" (who is participant 3 once joined).
_PRIVACY = st.sampled_from(
    [
        {},
        {"private": True, "participant_id": 1},  # 1 to the hosts
        {"private": True, "participant_id": 2, "to_participant": 1},
        {"private": True, "role": "host", "participant_id": None, "to_participant": 2},
        {"private": True, "role": "host", "participant_id": None, "to_sub": "u1"},
        {"private": True, "role": "host", "participant_id": None, "to_participant": 3},
    ]
)
_VIEWERS = [Viewer(), Viewer(1), Viewer(2), Viewer(3, sub="u1"), Viewer(4), Viewer(staff=True)]


@examples(max_examples=300, deadline=None)
@given(
    kinds=st.lists(_PRIVACY, min_size=1, max_size=60),
    trim=st.integers(0, 30),
    after=st.integers(0, 70),
    limit=st.integers(1, 8),
)
def test_a_tails_page_is_what_the_rule_keeps(kinds: list[dict[str, Any]], trim: int, after: int, limit: int) -> None:
    """Tail.after, through its index by audience, gives each reader exactly what Viewer.sees keeps, in
    order, at most limit, with `more` only when one more visible item is held; also after trims."""
    items = [dataclasses.replace(item(n + 1), **fields) for n, fields in enumerate(kinds)]
    tail = Tail(items[0])
    for held in items[1:]:
        tail.append(held)
    trim = min(trim, len(items) - 1)
    tail.drop_oldest(trim)
    kept = items[trim:]
    for viewer in _VIEWERS:
        page = tail.after(after, limit, viewer)
        if after < kept[0].id - 1 or after > kept[-1].id:
            assert page is None
            continue
        visible = [i for i in kept if i.id > after and viewer.sees(i)]
        assert page == (visible[:limit], len(visible) > limit), viewer


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


def big(n: int) -> Item:
    return item(n, "x" * 10_000)


def test_tails_stay_within_their_byte_budget_least_recently_read_first() -> None:
    recent = Recent(max_bytes=200_000)
    for event_id in (1, 2, 3):
        for n in range(1, 7):
            recent.appended(event_id, big(n))  # 6 × ~10 KB per event: all three fit
    assert recent.bytes <= recent.max_bytes
    assert recent.items_after(1, 0, 10) is not None  # event 1 is read: now the most recently used
    for n in range(1, 13):
        recent.appended(4, big(n))  # 120 KB more: something must go
    assert recent.bytes <= recent.max_bytes
    assert recent.items_after(2, 0, 10) is None  # the least recently used went first
    assert recent.items_after(1, 0, 10) is not None and recent.items_after(4, 0, 20) is not None
    assert recent.bytes == sum(tail.bytes for tail in recent._tails.values())


def test_one_event_over_the_whole_budget_keeps_its_newest_items() -> None:
    recent = Recent(max_bytes=100_000)
    for n in range(1, 41):
        recent.appended(7, big(n))
    assert recent.bytes <= recent.max_bytes
    held = recent.items_after(7, 39, 10)
    assert held is not None and [i.id for i in held[0]] == [40]  # the newest is always held
    assert recent.items_after(7, 0, 10) is None  # the oldest are read from the disk
    recent.retracted(7, 40)
    assert recent.bytes == sum(tail.bytes for tail in recent._tails.values())


def test_a_tail_counts_its_bytes_through_trims_and_retractions() -> None:
    tail = Tail(item(1, "a" * 100))
    for n in range(2, 3 * TAIL_ITEMS):
        tail.append(item(n, "a" * (n % 50)))
    assert tail.bytes == sum(item_bytes(i) for i in tail.items)
    tail.retract(tail.last)
    assert tail.bytes == sum(item_bytes(i) for i in tail.items)


async def test_a_page_is_cut_to_its_byte_budget_and_says_more() -> None:
    items = [item(n, "中" * 4000) for n in range(1, 101)]
    page, cut = fit(items)
    assert cut and 1 < len(page) < 100
    assert len(encode_answer(page, page[-1].id, True, "open")) <= PAGE_BYTES
    assert fit(items[:1], budget=10) == (items[:1], False)  # one item always goes, however large
    assert fit([item(1), item(2)]) == ([item(1), item(2)], False)


async def test_held_answers_last_one_loop_turn() -> None:
    answers = Answers()
    key = AnswerKey(1, 0, 1, 3, "open", "poll", "public")
    first = answers.once(key, [item(3)], lambda page: b"encoded")
    assert answers.once(key, [item(3)], lambda page: b"again") is first  # shared within the turn
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert answers.held_bytes == 0  # forgotten once the turn is over: a one-off read is never kept
    assert answers.once(key, [item(3)], lambda page: b"again") == b"again"


async def test_held_answers_stay_within_their_byte_budget() -> None:
    answers = Answers(max_bytes=1000)
    for n in range(10):
        answers.once(AnswerKey(1, n, 0, 3, "open", "poll", "public"), [], lambda page: b"x" * 300)
    assert answers.held_bytes <= 1000
