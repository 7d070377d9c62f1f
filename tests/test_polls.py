"""Polls (API.md 1.1) on both engines: a host opens one, participants vote while it is open, the counts
reach the stream coalesced (never those the results option hides), and closing tells the final result;
every bad poll or vote is refused with a clear code and nothing stored."""

from __future__ import annotations

import time
from typing import Any

import pytest

from chatserver.store.polls import OPEN_POLLS_MAX
from tests.conftest import Chat
from tests.helpers import Api, assert_error
from tests.test_private import moderator_key, room, view
from tests.test_qa import kinds

BACKENDS = ("sqlite", "postgresql")


@pytest.fixture
def settings() -> dict[str, object]:
    return {"max_wait": 5.0, "rate_limit": 0, "vote_limit": 0}


async def open_poll(api: Api, slug: str, key: str | None, **fields: Any) -> Any:
    body = {"question": "Which day?", "options": ["Monday", "Tuesday", "Friday"], **fields}
    return await api.post(f"/api/events/{slug}/polls", body, token=key)


async def cast(api: Api, slug: str, token: str | None, poll_id: Any, options: Any) -> Any:
    return await api.request("PUT", f"/api/events/{slug}/polls/{poll_id}/vote", {"options": options}, token=token)


async def read_poll(api: Api, slug: str, poll_id: int, token: str | None = None) -> dict[str, Any]:
    reply = await api.get(f"/api/events/{slug}/polls/{poll_id}", token=token)
    assert reply.status == 200, reply.body
    return dict(reply.body["poll"])


def votes(poll: dict[str, Any]) -> list[int | None]:
    return [option["votes"] for option in poll["options"]]


async def until_poll_counts(api: Api, slug: str, start: int, poll_id: int, wanted: list[int]) -> list[dict[str, Any]]:
    """Follow the stream until a `votes` item carries the wanted counts of the poll; its items."""
    seen: list[dict[str, Any]] = []
    after = start
    for _ in range(20):
        reply = await api.poll(slug, after=after, wait=3)
        assert reply.status == 200
        seen += reply.body["messages"]
        after = reply.body["cursor"]
        told = [i["polls"][str(poll_id)] for i in kinds(seen, "votes") if str(poll_id) in i["polls"]]
        if told and told[-1]["counts"] == wanted:
            return seen
    raise AssertionError(f"the stream never told {wanted}: {kinds(seen, 'votes')}")


async def test_a_poll_is_opened_voted_on_and_closed(api: Api, chat: Chat) -> None:
    slug, key = await room(api)
    _, alice = await api.join(slug, "alice")
    _, bob = await api.join(slug, "bob")
    made = await open_poll(api, slug, key, multiple=True)
    assert made.status == 201, made.body
    poll = made.body["poll"]
    assert poll["question"] == "Which day?" and poll["closed"] is False and poll["voters"] == 0
    assert poll["options"] == [{"text": t, "votes": 0} for t in ("Monday", "Tuesday", "Friday")]
    assert poll["multiple"] is True and poll["results"] == "live"
    [item] = kinds(await view(api, slug), "poll")
    assert item["id"] == poll["id"] and item["question"] == "Which day?"
    start = (await view(api, slug))[-1]["id"]
    voted = await cast(api, slug, alice, poll["id"], [0, 2])
    assert voted.status == 200 and voted.body["poll"]["voted"] == [0, 2]
    assert (await cast(api, slug, bob, poll["id"], [2])).status == 200
    assert (await cast(api, slug, alice, poll["id"], [1])).status == 200  # changed while open
    seen = await read_poll(api, slug, poll["id"], alice)
    assert votes(seen) == [0, 1, 1] and seen["voters"] == 2 and seen["voted"] == [1]
    assert (await read_poll(api, slug, poll["id"]))["voted"] == []
    await until_poll_counts(api, slug, start, poll["id"], [0, 1, 1])
    # DELETE withdraws; doing it twice changes nothing more.
    for _ in range(2):
        withdrawn = await api.delete(f"/api/events/{slug}/polls/{poll['id']}/vote", token=bob)
        assert withdrawn.status == 200 and withdrawn.body["poll"]["voted"] == []
    closed = await api.post(f"/api/events/{slug}/polls/{poll['id']}/close", token=key)
    assert closed.status == 200 and closed.body["poll"]["closed"] is True
    assert votes(closed.body["poll"]) == [0, 1, 0] and closed.body["poll"]["voters"] == 1
    [final] = kinds(await view(api, slug), "poll_closed")
    assert final["target"] == poll["id"] and votes(final["poll"]) == [0, 1, 0]
    before = await view(api, slug, key)
    assert_error(await cast(api, slug, bob, poll["id"], [0]), 409, "poll_closed")
    assert (await api.post(f"/api/events/{slug}/polls/{poll['id']}/close", token=key)).status == 200  # idempotent
    assert await view(api, slug, key) == before
    transcript = (await api.get(f"/e/{slug}/transcript.json")).body
    assert [(p["id"], votes(p), p["closed"]) for p in transcript["polls"]] == [(poll["id"], [0, 1, 0], True)]
    assert all(m["kind"] not in ("poll", "poll_closed", "votes") for m in transcript["messages"])
    text = (await api.get(f"/e/{slug}/transcript.txt")).body
    assert "Poll: Which day? (closed, 1 voter)" in text and "    - Tuesday: 1" in text


async def test_bad_polls_are_refused_and_nothing_stored(api: Api, chat: Chat) -> None:
    slug, key = await room(api)
    mod = await moderator_key(api, slug, key)
    _, alice = await api.join(slug, "alice")
    before = await view(api, slug, key)
    bad_options: list[Any] = [
        ["only one"],
        [],
        [f"option {n}" for n in range(11)],
        ["same", "Same"],
        ["yes", ""],
        ["yes", "   "],
        ["yes", 2],
        ["yes", "x" * 201],
        "yes,no",
        None,
    ]
    for options in bad_options:
        assert_error(await open_poll(api, slug, key, options=options), 400, "invalid_request", "options")
    for question in ("", "  ", None, "x" * 301, 5):
        assert_error(await open_poll(api, slug, key, question=question), 400, "invalid_request", "question")
    assert_error(await open_poll(api, slug, key, multiple="yes"), 400, "invalid_request", "multiple")
    assert_error(await open_poll(api, slug, key, results="never"), 400, "invalid_request", "results")
    for credential in (None, alice, "wrong"):
        assert_error(await open_poll(api, slug, credential), 403, "forbidden")
    assert await view(api, slug, key) == before and chat.count("polls") == 0
    # A moderator may open one (as they may announce).
    assert (await open_poll(api, slug, mod)).status == 201


async def test_bad_votes_are_refused_and_nothing_stored(api: Api, chat: Chat) -> None:
    slug, key = await room(api)
    _, alice = await api.join(slug, "alice")
    single = (await open_poll(api, slug, key, options=["Yes", "No"])).body["poll"]
    several = (await open_poll(api, slug, key, multiple=True)).body["poll"]
    before = await view(api, slug, key)
    assert_error(await cast(api, slug, alice, single["id"], [0, 1]), 400, "invalid_request", "options")
    for options in ([2], [5], [-1], [], [True], ["0"], [0.5], 0, None, [0, 0]):
        assert_error(await cast(api, slug, alice, single["id"], options), 400, "invalid_request", "options")
    assert_error(await cast(api, slug, alice, several["id"], [0, 3]), 400, "invalid_request", "options")
    assert_error(await cast(api, slug, alice, several["id"], [1, 1]), 400, "invalid_request", "options")
    for unknown in (several["id"] + 50, "x", before[0]["id"]):
        assert_error(await cast(api, slug, alice, unknown, [0]), 404, "not_found")
    assert_error(await cast(api, slug, None, single["id"], [0]), 401, "unauthorized")
    assert_error(await cast(api, slug, key, single["id"], [0]), 401, "unauthorized")  # hosts do not vote
    assert_error(await api.post(f"/api/events/{slug}/polls/{single['id']}/close", token=alice), 403, "forbidden")
    assert_error(await api.get(f"/api/events/{slug}/polls/{several['id'] + 50}"), 404, "not_found")
    await_nothing = await view(api, slug, key)
    assert await_nothing == before
    assert chat.count("poll_votes") == 0 and votes(await read_poll(api, slug, single["id"])) == [0, 0]


async def test_hidden_results_are_not_told_to_whom_they_are_hidden(api: Api, chat: Chat) -> None:
    slug, key = await room(api)
    _, alice = await api.join(slug, "alice")
    _, bob = await api.join(slug, "bob")
    after_vote = (await open_poll(api, slug, key, results="voted")).body["poll"]
    at_close = (await open_poll(api, slug, key, results="closed")).body["poll"]
    live = (await open_poll(api, slug, key, question="Live one?")).body["poll"]
    assert votes(after_vote) == [0, 0, 0]  # the host sees them
    start = (await view(api, slug, key))[-1]["id"]
    for poll in (after_vote, at_close, live):
        assert (await cast(api, slug, alice, poll["id"], [1])).status == 200
    await until_poll_counts(api, slug, start, live["id"], [0, 1, 0])
    await chat.store.flush_all_votes()
    public = kinds(await view(api, slug, after=start), "votes")
    assert all(set(item["polls"]) <= {str(live["id"])} for item in public), public
    hosts = kinds(await view(api, slug, key, after=start), "votes")
    assert any(str(at_close["id"]) in item["polls"] for item in hosts), hosts
    # Who may see the counts now: everyone (live), voters and hosts (voted), the hosts (closed).
    assert votes(await read_poll(api, slug, after_vote["id"], bob)) == [None, None, None]
    assert votes(await read_poll(api, slug, after_vote["id"], alice)) == [0, 1, 0]
    assert votes(await read_poll(api, slug, at_close["id"], alice)) == [None, None, None]
    assert votes(await read_poll(api, slug, at_close["id"], key)) == [0, 1, 0]
    assert votes(await read_poll(api, slug, live["id"])) == [0, 1, 0]
    transcript = (await api.get(f"/e/{slug}/transcript.json")).body
    assert {p["id"]: votes(p) for p in transcript["polls"]}[at_close["id"]] == [None, None, None]
    # Closed: everyone sees the final counts.
    assert (await api.post(f"/api/events/{slug}/polls/{at_close['id']}/close", token=key)).status == 200
    assert votes(await read_poll(api, slug, at_close["id"], bob)) == [0, 1, 0]


async def test_an_event_has_at_most_so_many_open_polls(api: Api, chat: Chat) -> None:
    slug, key = await room(api)
    ids = [(await open_poll(api, slug, key)).body["poll"]["id"] for _ in range(OPEN_POLLS_MAX)]
    before = await view(api, slug, key)
    assert_error(await open_poll(api, slug, key), 409, "poll_limit")
    assert await view(api, slug, key) == before
    assert (await api.post(f"/api/events/{slug}/polls/{ids[0]}/close", token=key)).status == 200
    assert (await open_poll(api, slug, key)).status == 201


async def test_many_votes_make_few_items(api: Api, chat: Chat) -> None:
    slug, key = await room(api)
    poll = (await open_poll(api, slug, key)).body["poll"]
    tokens = [(await api.join(slug, f"p{n}"))[1] for n in range(40)]
    start = (await view(api, slug))[-1]["id"]
    began = time.monotonic()
    for n, token in enumerate(tokens):
        assert (await cast(api, slug, token, poll["id"], [n % 3])).status == 200
    took = time.monotonic() - began
    seen = await until_poll_counts(api, slug, start, poll["id"], [14, 13, 13])
    # At most an item per second of voting (and the last window's), far fewer than the 40 votes.
    told = kinds(seen, "votes")
    assert 1 <= len(told) <= took / chat.store.tally_window_s + 2 and len(told) < 20, (len(told), took)
    assert [i["polls"][str(poll["id"])]["voters"] for i in kinds(seen, "votes")][-1] == 40
    assert chat.count("items", "kind = 'votes'") == len(told)


async def test_votes_need_an_open_event(api: Api) -> None:
    slug, key = await room(api, starts_in=600)
    _, alice = await api.join(slug, "alice")
    poll = (await open_poll(api, slug, key)).body["poll"]  # prepared before the start
    assert_error(await cast(api, slug, alice, poll["id"], [0]), 409, "not_open")
    assert (await api.post(f"/api/events/{slug}/close", token=key)).status == 200
    assert_error(await cast(api, slug, alice, poll["id"], [0]), 410, "event_closed")
    assert_error(await open_poll(api, slug, key), 410, "event_closed")
    assert (await read_poll(api, slug, poll["id"]))["closed"] is True  # ended with its event
