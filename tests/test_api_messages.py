"""POST and GET /api/events/<slug>/messages: posting, safe retries, the rate limit and the long poll."""

from __future__ import annotations

import asyncio
import re
import time
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.conftest import Chat
from tests.helpers import Api, assert_error, assert_server_time
from tests.waiting import until

BACKENDS = ("sqlite", "postgresql")  # the same tests on both engines (tests/conftest.py)

RATE_LIMIT = 3


@pytest.fixture
def settings() -> dict[str, object]:
    """This module's server: a small post limit, so the limit is reached in a few requests."""
    return {"max_wait": 5.0, "rate_limit": RATE_LIMIT}


async def event_with(api: Api, *nicks: str, **fields: Any) -> tuple[dict[str, Any], list[str]]:
    created = await api.create_event(**fields)
    tokens = [(await api.join(created["event"]["slug"], nick))[1] for nick in nicks]
    return created, tokens


def messages(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [i for i in items if i["kind"] == "message"]


# -- POST: success -------------------------------------------------------------------------------------


async def test_post_returns_the_item(api: Api) -> None:
    created, [token] = await event_with(api, "alice")
    slug = created["event"]["slug"]
    reply = await api.say(slug, token, "hello, world", client_id="c-7f3a")
    assert reply.status == 201, reply.body
    assert reply.headers["Content-Type"].startswith("application/json")
    assert_server_time(reply)
    item = reply.body["message"]
    assert isinstance(item["id"], int) and not isinstance(item["id"], bool)
    assert item["kind"] == "message"
    assert item["author"] == "alice"
    assert item["body"] == "hello, world"
    assert item["client_id"] == "c-7f3a"
    created_at = datetime.strptime(item["created_at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    assert abs((created_at - datetime.now(UTC)).total_seconds()) < 5

    stream = await api.read_all(slug)
    assert stream[-1] == item
    assert [i["id"] for i in stream] == sorted({i["id"] for i in stream})


async def test_post_without_client_id(api: Api) -> None:
    created, [token] = await event_with(api, "alice")
    reply = await api.say(created["event"]["slug"], token, "no id")
    assert reply.status == 201, reply.body
    assert reply.body["message"].get("client_id") is None


async def test_body_keeps_line_breaks_and_4000_characters_fit(api: Api) -> None:
    created, [token] = await event_with(api, "alice")
    slug = created["event"]["slug"]
    multi = await api.say(slug, token, "line one\nline two")
    assert multi.status == 201 and multi.body["message"]["body"] == "line one\nline two"
    longest = await api.say(slug, token, "x" * 4000)
    assert longest.status == 201, longest.body
    assert len(longest.body["message"]["body"]) == 4000


async def test_posted_item_is_in_the_database_when_the_answer_arrives(api: Api, chat: Chat) -> None:
    created, [token] = await event_with(api, "alice")
    reply = await api.say(created["event"]["slug"], token, "durable")
    assert reply.status == 201
    # A second connection sees only committed data.
    rows = chat.rows("SELECT id, body FROM items WHERE kind = 'message'")
    assert rows == [(str(reply.body["message"]["id"]), "durable")]


async def test_ids_strictly_increase(api: Api) -> None:
    created, tokens = await event_with(api, "alice", "bob")
    slug = created["event"]["slug"]
    ids = []
    for n in range(3):
        for token in tokens:
            reply = await api.say(slug, token, f"m{n}")
            assert reply.status == 201
            ids.append(reply.body["message"]["id"])
    assert ids == sorted(ids) and len(set(ids)) == len(ids)


# -- POST: safe retries ----------------------------------------------------------------------------------


async def test_same_client_id_again_returns_the_first_item_and_stores_nothing(api: Api) -> None:
    created, [token] = await event_with(api, "alice")
    slug = created["event"]["slug"]
    first = await api.say(slug, token, "once", client_id="c-1")
    assert first.status == 201
    before = await api.read_all(slug)
    again = await api.say(slug, token, "once", client_id="c-1")
    assert again.status == 200, again.body
    assert again.body["message"] == first.body["message"]
    assert_server_time(again)
    # Even a retry with an edited body is the same message.
    edited = await api.say(slug, token, "once, edited", client_id="c-1")
    assert edited.status == 200 and edited.body["message"] == first.body["message"]
    assert await api.read_all(slug) == before


async def test_a_retry_after_close_still_gets_the_first_item(api: Api) -> None:
    created, [token] = await event_with(api, "alice")
    slug = created["event"]["slug"]
    first = await api.say(slug, token, "just in time", client_id="c-9")
    assert first.status == 201
    assert (await api.post(f"/api/events/{slug}/close", token=created["host_key"])).status == 200
    retry = await api.say(slug, token, "just in time", client_id="c-9")
    assert retry.status == 200, retry.body
    assert retry.body["message"] == first.body["message"]
    assert_error(await api.say(slug, token, "new one", client_id="c-10"), 410, "event_closed")


async def test_client_id_is_echoed_exactly_and_distinct_ids_stay_distinct(api: Api) -> None:
    created, [token] = await event_with(api, "alice")
    slug = created["event"]["slug"]
    spaced = await api.say(slug, token, "first", client_id=" c1 ")
    assert spaced.status == 201 and spaced.body["message"]["client_id"] == " c1 "
    plain = await api.say(slug, token, "second", client_id="c1")
    assert plain.status == 201, plain.body
    assert plain.body["message"]["body"] == "second"
    decomposed = "cafe\u0301"
    reply = await api.say(slug, token, "third", client_id=decomposed)
    assert reply.status == 201 and reply.body["message"]["client_id"] == decomposed
    assert [m["body"] for m in messages(await api.read_all(slug))] == ["first", "second", "third"]


async def test_client_ids_belong_to_their_participant(api: Api) -> None:
    created, [alice, bob] = await event_with(api, "alice", "bob")
    slug = created["event"]["slug"]
    first = await api.say(slug, alice, "from alice", client_id="same")
    second = await api.say(slug, bob, "from bob", client_id="same")
    assert first.status == 201 and second.status == 201, (first.body, second.body)
    assert second.body["message"]["author"] == "bob"
    assert [m["body"] for m in messages(await api.read_all(slug))] == ["from alice", "from bob"]


async def test_a_retry_is_not_counted_by_the_rate_limit(api: Api) -> None:
    created, [token] = await event_with(api, "alice")
    slug = created["event"]["slug"]
    for n in range(RATE_LIMIT):
        assert (await api.say(slug, token, f"m{n}", client_id=f"c{n}")).status == 201
    retry = await api.say(slug, token, f"m{RATE_LIMIT - 1}", client_id=f"c{RATE_LIMIT - 1}")
    assert retry.status == 200, retry.body


# -- POST: errors --------------------------------------------------------------------------------------------


async def test_post_without_token_is_401(api: Api) -> None:
    created, _ = await event_with(api, "alice")
    slug = created["event"]["slug"]
    before = await api.read_all(slug)
    reply = await api.post(f"/api/events/{slug}/messages", {"body": "anonymous"})
    assert_error(reply, 401, "unauthorized")
    assert await api.read_all(slug) == before


@pytest.mark.parametrize(
    "header",
    [
        "Bearer not-a-real-token",
        "Bearer ",
        "Basic YWxpY2U6c2VjcmV0",
        "not-a-real-token",
    ],
)
async def test_post_with_a_bad_authorization_is_401(api: Api, header: str) -> None:
    created, _ = await event_with(api, "alice")
    slug = created["event"]["slug"]
    before = await api.read_all(slug)
    reply = await api.post(f"/api/events/{slug}/messages", {"body": "hi"}, headers={"Authorization": header})
    assert_error(reply, 401, "unauthorized")
    assert await api.read_all(slug) == before


async def test_post_with_another_events_token_is_401(api: Api) -> None:
    created, _ = await event_with(api, "alice")
    _, [stranger] = await event_with(api, "alice")
    slug = created["event"]["slug"]
    before = await api.read_all(slug)
    reply = await api.say(slug, stranger, "wrong room")
    assert_error(reply, 401, "unauthorized")
    assert await api.read_all(slug) == before


async def test_token_in_the_query_string_is_not_accepted(api: Api) -> None:
    created, [token] = await event_with(api, "alice")
    slug = created["event"]["slug"]
    reply = await api.post(f"/api/events/{slug}/messages?token={token}&access_token={token}", {"body": "hi"})
    assert_error(reply, 401, "unauthorized")


async def test_banned_participant_gets_403(api: Api) -> None:
    created, [alice, bob] = await event_with(api, "alice", "bob")
    slug = created["event"]["slug"]
    alice_id = (await api.get(f"/api/events/{slug}/participants")).body["participants"][0]["id"]
    banned = await api.post(f"/api/events/{slug}/participants/{alice_id}/ban", token=created["host_key"])
    assert banned.status == 200, banned.body
    before = await api.read_all(slug)
    reply = await api.say(slug, alice, "let me back in")
    assert_error(reply, 403, "banned")
    assert await api.read_all(slug) == before
    assert (await api.say(slug, bob, "still here")).status == 201


async def test_post_while_scheduled_is_409_not_open(api: Api) -> None:
    created, [token] = await event_with(api, "alice", starts_in=3600)
    slug = created["event"]["slug"]
    reply = await api.say(slug, token, "too early")
    assert_error(reply, 409, "not_open")
    assert messages(await api.read_all(slug)) == []


async def test_post_after_close_is_410(api: Api) -> None:
    created, [token] = await event_with(api, "alice")
    slug = created["event"]["slug"]
    assert (await api.post(f"/api/events/{slug}/close", token=created["host_key"])).status == 200
    reply = await api.say(slug, token, "too late")
    assert_error(reply, 410, "event_closed")
    assert messages(await api.read_all(slug)) == []


async def test_post_to_unknown_event_is_404(api: Api) -> None:
    _, [token] = await event_with(api, "alice")
    reply = await api.say("doesnotexist", token, "hello")
    assert_error(reply, 404, "not_found")


@pytest.mark.parametrize(
    "payload, field",
    [
        pytest.param({"body": ""}, "body", id="empty"),
        pytest.param({"body": "  \n\t  "}, "body", id="white-space-only"),
        pytest.param({"body": "\u00a0\u2003"}, "body", id="unicode-space-only"),
        pytest.param({"body": "x" * 4001}, "body", id="4001-chars"),
        pytest.param({"body": 12}, "body", id="number"),
        pytest.param({"body": ["hi"]}, "body", id="list"),
        pytest.param({"body": None}, "body", id="null"),
        pytest.param({}, "body", id="missing"),
        pytest.param({"body": "bell\x07"}, "body", id="control-character"),
        pytest.param({"body": "hi", "client_id": "c" * 65}, "client_id", id="client_id-65-chars"),
        pytest.param({"body": "hi", "client_id": ""}, "client_id", id="client_id-empty"),
        pytest.param({"body": "hi", "client_id": 7}, "client_id", id="client_id-number"),
    ],
)
async def test_invalid_message_is_400(api: Api, payload: dict[str, Any], field: str) -> None:
    created, [token] = await event_with(api, "alice")
    slug = created["event"]["slug"]
    reply = await api.post(f"/api/events/{slug}/messages", payload, token=token)
    assert_error(reply, 400, "invalid_request", field)
    assert messages(await api.read_all(slug)) == []


@pytest.mark.parametrize("raw", [b"", b'{"body": "hi"', b'["hi"]', b'{"body": "\xff"}'])
async def test_message_body_that_is_not_a_json_object_is_400(api: Api, raw: bytes) -> None:
    created, [token] = await event_with(api, "alice")
    slug = created["event"]["slug"]
    reply = await api.post(f"/api/events/{slug}/messages", raw=raw, token=token)
    assert_error(reply, 400, "invalid_request")
    assert messages(await api.read_all(slug)) == []


async def test_client_id_of_64_characters_is_accepted(api: Api) -> None:
    created, [token] = await event_with(api, "alice")
    reply = await api.say(created["event"]["slug"], token, "hi", client_id="c" * 64)
    assert reply.status == 201, reply.body
    assert reply.body["message"]["client_id"] == "c" * 64


# -- POST: the rate limit ----------------------------------------------------------------------------------


async def test_rate_limit_is_429_with_retry_after(api: Api) -> None:
    created, [alice, bob] = await event_with(api, "alice", "bob")
    slug = created["event"]["slug"]
    for n in range(RATE_LIMIT):
        assert (await api.say(slug, alice, f"m{n}")).status == 201
    before = await api.read_all(slug)
    reply = await api.say(slug, alice, "one too many")
    assert_error(reply, 429, "rate_limited")
    retry_after = reply.headers.get("Retry-After")
    assert retry_after is not None and retry_after.isdigit(), retry_after
    assert 1 <= int(retry_after) <= 10
    assert retry_after in reply.body["error"]["message"]
    assert await api.read_all(slug) == before
    # The limit is per participant.
    assert (await api.say(slug, bob, "my turn")).status == 201


async def test_refused_posts_do_not_count_against_the_limit(api: Api) -> None:
    created, [token] = await event_with(api, "alice")
    slug = created["event"]["slug"]
    for _ in range(RATE_LIMIT):
        assert (await api.say(slug, token, "   ")).status == 400
    for n in range(RATE_LIMIT):
        reply = await api.say(slug, token, f"m{n}")
        assert reply.status == 201, (n, reply.body)


@pytest.mark.parametrize("settings", [{"max_wait": 5.0, "rate_limit": 0}], ids=["rate_limit-0"])
async def test_rate_limit_zero_turns_the_limit_off(api: Api, settings: dict[str, object]) -> None:
    created, [token] = await event_with(api, "alice")
    slug = created["event"]["slug"]
    for n in range(25):
        reply = await api.say(slug, token, f"m{n}")
        assert reply.status == 201, (n, reply.body)


# -- GET: reading --------------------------------------------------------------------------------------------


async def test_read_pages_follow_the_cursor(api: Api) -> None:
    created, [alice, bob] = await event_with(api, "alice", "bob")
    slug = created["event"]["slug"]
    for n in range(RATE_LIMIT):
        assert (await api.say(slug, alice, f"a{n}")).status == 201
        assert (await api.say(slug, bob, f"b{n}")).status == 201
    everything = await api.poll(slug, limit=1000)
    assert everything.body["more"] is False
    all_items = everything.body["messages"]
    assert len(all_items) == 1 + 2 + 2 * RATE_LIMIT  # opened, two joins, the messages

    seen: list[dict[str, Any]] = []
    after = 0
    for _ in range(10):
        reply = await api.poll(slug, after=after, limit=3)
        assert reply.status == 200, reply.body
        assert_server_time(reply)
        page = reply.body["messages"]
        assert all(item["id"] > after for item in page)
        assert [i["id"] for i in page] == sorted(i["id"] for i in page)
        assert reply.body["cursor"] == (page[-1]["id"] if page else after)
        assert reply.body["state"] == "open"
        seen += page
        after = reply.body["cursor"]
        if not reply.body["more"]:
            break
        assert len(page) == 3
    assert seen == all_items

    tail = await api.poll(slug, after=after)
    assert tail.status == 200
    assert tail.body["messages"] == [] and tail.body["cursor"] == after and tail.body["more"] is False


async def test_defaults_read_from_the_start_without_waiting(api: Api) -> None:
    created, [token] = await event_with(api, "alice")
    slug = created["event"]["slug"]
    await api.say(slug, token, "hi")
    started = time.monotonic()
    reply = await api.get(f"/api/events/{slug}/messages")
    assert time.monotonic() - started < 1
    assert reply.status == 200, reply.body
    assert [i["kind"] for i in reply.body["messages"]] == ["system", "system", "message"]
    assert reply.body["messages"][0]["id"] >= 1


async def test_empty_stream_of_a_scheduled_event(api: Api) -> None:
    created, _ = await event_with(api, starts_in=3600)
    reply = await api.poll(created["event"]["slug"])
    assert reply.status == 200
    assert reply.body["messages"] == []
    assert reply.body["cursor"] == 0 and reply.body["more"] is False
    assert reply.body["state"] == "scheduled"


async def test_stream_is_public_after_close(api: Api) -> None:
    created, [token] = await event_with(api, "alice")
    slug = created["event"]["slug"]
    await api.say(slug, token, "for the record")
    assert (await api.post(f"/api/events/{slug}/close", token=created["host_key"])).status == 200
    reply = await api.poll(slug)
    assert reply.status == 200 and reply.body["state"] == "closed"
    kinds = [(i["kind"], i.get("code")) for i in reply.body["messages"]]
    assert kinds[-1] == ("system", "closed")
    assert "for the record" in [i["body"] for i in reply.body["messages"]]


async def test_limit_bounds_are_accepted(api: Api) -> None:
    created, _ = await event_with(api, "alice", "bob")
    slug = created["event"]["slug"]
    one = await api.poll(slug, limit=1)
    assert len(one.body["messages"]) == 1 and one.body["more"] is True
    most = await api.poll(slug, limit=1000)
    assert most.status == 200 and most.body["more"] is False


@pytest.mark.parametrize(
    "query, field",
    [
        ("after=-1", "after"),
        ("after=abc", "after"),
        ("after=1.5", "after"),
        ("after=", "after"),
        ("after=99999999999999999999999", "after"),
        ("limit=0", "limit"),
        ("limit=1001", "limit"),
        ("limit=abc", "limit"),
        ("limit=-5", "limit"),
        ("wait=-1", "wait"),
        ("wait=abc", "wait"),
        ("wait=nan", "wait"),
        ("wait=inf", "wait"),
    ],
)
async def test_malformed_query_is_400(api: Api, query: str, field: str) -> None:
    created, _ = await event_with(api, "alice")
    reply = await api.get(f"/api/events/{created['event']['slug']}/messages?{query}")
    assert_error(reply, 400, "invalid_request", field)


async def test_cursor_beyond_the_newest_item_is_409(api: Api) -> None:
    created, _ = await event_with(api, "alice")
    slug = created["event"]["slug"]
    newest = (await api.poll(slug)).body["cursor"]
    assert newest > 0
    at_end = await api.poll(slug, after=newest)
    assert at_end.status == 200 and at_end.body["messages"] == []
    for after in (newest + 1, 10**9):
        assert_error(await api.poll(slug, after=after), 409, "cursor_ahead")


async def test_read_unknown_event_is_404(api: Api) -> None:
    assert_error(await api.poll("doesnotexist"), 404, "not_found")


# -- GET: the long poll --------------------------------------------------------------------------------------


async def test_held_poll_times_out_with_an_empty_answer(api: Api) -> None:
    created, _ = await event_with(api, "alice")
    slug = created["event"]["slug"]
    cursor = (await api.poll(slug)).body["cursor"]
    started = time.monotonic()
    reply = await api.poll(slug, after=cursor, wait=0.3)
    elapsed = time.monotonic() - started
    assert reply.status == 200, reply.body
    assert reply.body["messages"] == [] and reply.body["cursor"] == cursor
    assert 0.25 <= elapsed < 2, elapsed


@pytest.mark.parametrize("settings", [{"max_wait": 0.3, "rate_limit": RATE_LIMIT}], ids=["max_wait-0.3"])
async def test_wait_above_max_wait_is_capped(api: Api, settings: dict[str, object]) -> None:
    created, _ = await event_with(api, "alice")
    slug = created["event"]["slug"]
    cursor = (await api.poll(slug)).body["cursor"]
    started = time.monotonic()
    reply = await api.poll(slug, after=cursor, wait=100)
    assert time.monotonic() - started < 1.5
    assert reply.status == 200, reply.body
    assert reply.body["messages"] == [] and reply.body["cursor"] == cursor


async def test_held_poll_wakes_when_a_message_is_posted(api: Api, chat: Chat) -> None:
    created, [token] = await event_with(api, "alice")
    slug = created["event"]["slug"]
    cursor = (await api.poll(slug)).body["cursor"]
    started = time.monotonic()
    held = asyncio.ensure_future(api.poll(slug, after=cursor, wait=4))
    await until(lambda: chat.broker.held_polls == 1)
    posted = await api.say(slug, token, "wake up")
    reply = await held
    assert time.monotonic() - started < 2
    assert reply.status == 200
    assert reply.body["messages"] == [posted.body["message"]]
    assert reply.body["cursor"] == posted.body["message"]["id"]


async def test_held_poll_wakes_when_the_host_closes(api: Api, chat: Chat) -> None:
    created, _ = await event_with(api, "alice")
    slug = created["event"]["slug"]
    cursor = (await api.poll(slug)).body["cursor"]
    held = asyncio.ensure_future(api.poll(slug, after=cursor, wait=4))
    await until(lambda: chat.broker.held_polls == 1)
    assert (await api.post(f"/api/events/{slug}/close", token=created["host_key"])).status == 200
    reply = await held
    assert [(i["kind"], i.get("code"), i["author"]) for i in reply.body["messages"]] == [("system", "closed", None)]
    assert reply.body["state"] == "closed"


async def test_held_poll_wakes_when_the_event_opens(api: Api) -> None:
    created = await api.create_event(starts_in=0.4, lasts=3600)
    slug = created["event"]["slug"]
    assert created["event"]["state"] == "scheduled"
    started = time.monotonic()
    reply = await api.poll(slug, after=0, wait=3)
    assert time.monotonic() - started < 2
    assert [(i["kind"], i.get("code")) for i in reply.body["messages"]] == [("system", "opened")]
    assert reply.body["state"] == "open"


async def test_held_poll_wakes_when_the_event_ends(api: Api) -> None:
    created = await api.create_event(starts_in=-60, lasts=60.4)
    slug = created["event"]["slug"]
    cursor = (await api.poll(slug)).body["cursor"]
    started = time.monotonic()
    reply = await api.poll(slug, after=cursor, wait=3)
    assert time.monotonic() - started < 2
    assert [(i["kind"], i.get("code")) for i in reply.body["messages"]] == [("system", "closed")]
    assert reply.body["state"] == "closed"


async def test_two_held_polls_on_different_events_wake_separately(api: Api, chat: Chat) -> None:
    first, [alice] = await event_with(api, "alice")
    second, _ = await event_with(api, "bob")
    slug1, slug2 = first["event"]["slug"], second["event"]["slug"]
    c1, c2 = (await api.poll(slug1)).body["cursor"], (await api.poll(slug2)).body["cursor"]
    held1 = asyncio.ensure_future(api.poll(slug1, after=c1, wait=4))
    held2 = asyncio.ensure_future(api.poll(slug2, after=c2, wait=0.3))
    await until(lambda: chat.broker.held_polls == 2)
    await api.say(slug1, alice, "only for event one")
    assert [i["body"] for i in (await held1).body["messages"]] == ["only for event one"]
    assert (await held2).body["messages"] == []


# -- transcripts and metrics --------------------------------------------------------------------------------------


async def test_transcripts_in_text_and_json(api: Api) -> None:
    created, [token] = await event_with(api, "alice", description="Agenda")
    slug = created["event"]["slug"]
    posted = (await api.say(slug, token, "hello")).body["message"]

    text = await api.get(f"/e/{slug}/transcript.txt")
    assert text.status == 200
    assert text.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert "Weekly Tornado meeting" in text.body.splitlines()[0]
    stamp = datetime.strptime(posted["created_at"], "%Y-%m-%dT%H:%M:%S.%fZ").strftime("%Y-%m-%d %H:%M:%S UTC")
    assert f"[{stamp}] alice: hello" in text.body.splitlines()

    as_json = await api.get(f"/e/{slug}/transcript.json")
    assert as_json.status == 200
    assert as_json.headers["Content-Type"].startswith("application/json")
    assert as_json.body["event"]["slug"] == slug
    assert posted in as_json.body["messages"]


async def test_transcript_of_an_empty_stream_is_valid(api: Api) -> None:
    created, _ = await event_with(api, starts_in=3600)
    slug = created["event"]["slug"]
    as_json = await api.get(f"/e/{slug}/transcript.json")
    assert as_json.status == 200
    assert as_json.body["messages"] == [] and as_json.body["event"]["state"] == "scheduled"
    text = await api.get(f"/e/{slug}/transcript.txt")
    assert text.status == 200 and "Weekly Tornado meeting" in text.body


async def test_transcript_of_unknown_event_is_404(api: Api) -> None:
    for fmt in ("txt", "json"):
        reply = await api.get(f"/e/doesnotexist/transcript.{fmt}")
        assert reply.status == 404
        assert "<html" not in str(reply.body).lower()


async def test_metrics_count_held_polls_and_items(api: Api, chat: Chat) -> None:
    created, [token] = await event_with(api, "alice")
    slug = created["event"]["slug"]

    def metric(text: str, name: str) -> float:
        match = re.search(rf"^{name} (\S+)$", text, re.M)
        assert match, name
        return float(match.group(1))

    before = (await api.get("/metrics")).body
    assert metric(before, "chatserver_held_polls") == 0
    assert metric(before, "chatserver_open_streams") == 0
    cursor = (await api.poll(slug)).body["cursor"]
    held = asyncio.ensure_future(api.poll(slug, after=cursor, wait=4))
    await until(lambda: chat.broker.held_polls == 1)
    during = (await api.get("/metrics")).body
    assert metric(during, "chatserver_held_polls") == 1
    await api.say(slug, token, "done")
    await held
    after = (await api.get("/metrics")).body
    assert metric(after, "chatserver_held_polls") == 0
    assert metric(after, "chatserver_items_total") == metric(before, "chatserver_items_total") + 1


# -- concurrent requests ------------------------------------------------------------------------------------------


async def test_concurrent_retries_store_one_message(api: Api) -> None:
    created, [token] = await event_with(api, "alice")
    slug = created["event"]["slug"]
    replies = await asyncio.gather(*(api.say(slug, token, "once", client_id="same") for _ in range(3)))
    assert sorted(r.status for r in replies) == [200, 200, 201], [r.body for r in replies]
    assert len({r.body["message"]["id"] for r in replies}) == 1
    assert [m["body"] for m in messages(await api.read_all(slug))] == ["once"]


async def test_concurrent_posts_respect_the_rate_limit(api: Api) -> None:
    created, [token] = await event_with(api, "alice")
    slug = created["event"]["slug"]
    replies = await asyncio.gather(*(api.say(slug, token, f"m{n}") for n in range(8)))
    statuses = sorted(r.status for r in replies)
    assert statuses == [201] * RATE_LIMIT + [429] * (8 - RATE_LIMIT), [r.body for r in replies]
    assert len(messages(await api.read_all(slug))) == RATE_LIMIT
