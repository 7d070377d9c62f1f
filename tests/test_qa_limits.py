"""Q&A's bounds (API.md 1.1) on both engines: questions counted with messages, the cap per participant,
the votes' own limit, settings carried by a series, and votes coalesced by two processes at once."""

from __future__ import annotations

from functools import partial

import pytest

from chatserver.store import qa as qa_store
from chatserver.store.qa import QUESTIONS_MAX
from tests.conftest import Chat
from tests.helpers import Api, assert_error, iso_in
from tests.pgcluster import PostgresCluster
from tests.serverproc import ServerProcess
from tests.test_pg_processes import RoundRobin, two_processes
from tests.test_private import room, view
from tests.test_qa import ask, vote
from tests.waiting import until_sync

BACKENDS = ("sqlite", "postgresql")


@pytest.fixture
def settings() -> dict[str, object]:
    return {"max_wait": 5.0, "rate_limit": 0, "vote_limit": 0}


async def test_each_participant_asks_at_most_so_many_questions(api: Api, chat: Chat) -> None:
    slug, key = await room(api, qa=True)
    _, alice = await api.join(slug, "alice")
    _, bob = await api.join(slug, "bob")
    for n in range(QUESTIONS_MAX):
        assert (await ask(api, slug, alice, f"Question {n}")).status == 201
    before = await view(api, slug, key)
    assert_error(await ask(api, slug, alice, "One too many"), 409, "question_limit")
    assert await view(api, slug, key) == before
    assert (await ask(api, slug, bob, "Bob still may")).status == 201


@pytest.mark.parametrize("settings", [{"max_wait": 5.0, "rate_limit": 0, "vote_limit": 3}])
async def test_votes_have_a_limit_of_their_own(api: Api, chat: Chat) -> None:
    slug, host = await room(api, qa=True)
    _, alice = await api.join(slug, "alice")
    _, bob = await api.join(slug, "bob")
    ids = [(await ask(api, slug, alice, f"Question {n}")).body["question"]["id"] for n in range(4)]
    for question_id in ids[:3]:
        assert (await vote(api, slug, bob, question_id)).status == 200
    again = await vote(api, slug, bob, ids[0])  # no change: not counted
    assert again.status == 200
    limited = await vote(api, slug, bob, ids[3])
    assert_error(limited, 429, "rate_limited")
    assert int(limited.headers["Retry-After"]) >= 1
    assert chat.count("question_votes") == 3
    assert (await api.say(slug, bob, "messages have their own limit")).status == 201
    # Votes in polls count in the same window.
    poll = await api.post(f"/api/events/{slug}/polls", {"question": "Q?", "options": ["a", "b"]}, token=host)
    assert poll.status == 201, poll.body
    path = f"/api/events/{slug}/polls/{poll.body['poll']['id']}/vote"
    assert_error(await api.request("PUT", path, {"options": [0]}, token=bob), 429, "rate_limited")
    assert chat.count("poll_votes") == 0


def test_two_processes_coalesce_their_own_votes_and_converge(postgres_cluster: PostgresCluster) -> None:
    """Each process appends `votes` items for the votes it took, with absolute counts, so the stream
    ends at the true count whichever process told last; each process's list follows the other's."""
    dsn = postgres_cluster.new_database()
    options = ("--rate-limit", "0", "--join-limit", "0", "--vote-limit", "0", "--log-level", "warning")
    with two_processes(dsn, *options) as (first, second):
        both = RoundRobin([first, second])
        status, created = both.request(
            "POST", "/api/events", {"title": "Q&A", "starts_at": iso_in(-60), "ends_at": iso_in(3600), "qa": True}
        )
        assert status == 201, created
        slug = created["event"]["slug"]
        tokens = []
        for n in range(20):
            status, joined = both.request("POST", f"/api/events/{slug}/participants", {"nickname": f"p{n}"})
            assert status == 201, joined
            tokens.append(joined["token"])
        status, asked = both.request("POST", f"/api/events/{slug}/questions", {"body": "Shared?"}, token=tokens[0])
        assert status == 201, asked
        question = asked["question"]["id"]
        for server in (first, second):  # both processes hold the list in memory before the votes
            assert server.request("GET", f"/api/events/{slug}/questions")[0] == 200
        for token in tokens:
            status, voted = both.request("PUT", f"/api/events/{slug}/questions/{question}/vote", token=token)
            assert status == 200, voted

        def told(server: ServerProcess) -> list[int]:
            items = server.request("GET", f"/api/events/{slug}/messages?after={question}&limit=1000")[1]["messages"]
            return [item["questions"][str(question)] for item in items if item["kind"] == "votes"]

        def counted(server: ServerProcess) -> list[tuple[int, int]]:
            listed = server.request("GET", f"/api/events/{slug}/questions")[1]["questions"]
            return [(q["id"], q["votes"]) for q in listed]

        for server in (first, second):
            until_sync(partial(lambda s: told(s)[-1:] == [20], server), what="the final count in the stream")
            until_sync(partial(lambda s: counted(s) == [(question, 20)], server), what="each process's list")
        assert len(told(first)) < 20  # coalesced: far fewer items than votes


async def test_a_series_carries_qa_to_its_occurrences(api: Api) -> None:
    body = {"title": "Weekly AMA", "starts_at": iso_in(3600), "ends_at": iso_in(7200)}
    made = await api.post("/api/series", {**body, "rrule": "FREQ=DAILY;COUNT=3", "time_zone": "UTC", "qa": True})
    assert made.status == 201, made.body
    assert made.body["series"]["qa"] is True and made.body["series"]["qa_screening"] is False
    slug, key = made.body["series"]["slug"], made.body["host_key"]
    occurrences = (await api.get(f"/api/series/{slug}")).body["occurrences"]
    assert occurrences and all(event["qa"] is True and event["qa_screening"] is False for event in occurrences)
    patched = await api.patch(f"/api/series/{slug}", {"qa_screening": True}, token=key)
    assert patched.status == 200, patched.body
    occurrences = (await api.get(f"/api/series/{slug}")).body["occurrences"]
    assert all(event["qa_screening"] is True for event in occurrences)


@pytest.mark.parametrize("settings", [{"max_wait": 5.0, "rate_limit": 2, "vote_limit": 0}])
async def test_questions_and_messages_share_one_rate_limit(api: Api, chat: Chat) -> None:
    slug, key = await room(api, qa=True)
    _, alice = await api.join(slug, "alice")
    assert (await api.say(slug, alice, "one")).status == 201
    assert (await ask(api, slug, alice, "two?")).status == 201
    before = await view(api, slug, key)
    limited = await ask(api, slug, alice, "three?")
    assert_error(limited, 429, "rate_limited")
    assert int(limited.headers["Retry-After"]) >= 1
    assert_error(await api.say(slug, alice, "four"), 429, "rate_limited")
    assert await view(api, slug, key) == before and chat.count("questions") == 1


async def test_an_event_takes_at_most_so_many_questions_and_lists_are_bounded(
    api: Api, chat: Chat, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(qa_store, "EVENT_QUESTIONS_MAX", 3)
    slug, key = await room(api, qa=True)
    tokens = [(await api.join(slug, f"p{n}"))[1] for n in range(4)]
    ids = [(await ask(api, slug, token, f"Question {n}")).body["question"]["id"] for n, token in enumerate(tokens[:3])]
    before = await view(api, slug, key)
    assert_error(await ask(api, slug, tokens[3], "One too many"), 409, "question_limit")
    assert await view(api, slug, key) == before and chat.count("questions") == 3
    listed = await api.get(f"/api/events/{slug}/questions?sort=new&limit=2")
    assert [q["id"] for q in listed.body["questions"]] == ids[::-1][:2]
    for bad in ("0", "1001", "x", "-1"):
        assert_error(await api.get(f"/api/events/{slug}/questions?limit={bad}"), 400, "invalid_request", "limit")
