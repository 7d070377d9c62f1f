"""Private items (API.md 1.1, "a direct line to the hosts"), on both engines: who may write to whom
(`direct_messages`), and that a reader without rights never learns a private item exists, through
polls, held polls, streams, transcripts and read receipts, while `cursor` still yields everything
each reader may see exactly once."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.conftest import Chat
from tests.helpers import Api, assert_error
from tests.test_sse import EventStream
from tests.waiting import until

BACKENDS = ("sqlite", "postgresql")


@pytest.fixture
def settings() -> dict[str, object]:
    return {"max_wait": 5.0, "rate_limit": 0}


async def room(api: Api, **fields: Any) -> tuple[str, str]:
    created = await api.create_event(**fields)
    return created["event"]["slug"], created["host_key"]


async def moderator_key(api: Api, slug: str, key: str) -> str:
    reply = await api.post(f"/api/events/{slug}/moderators", {"name": "Maya"}, token=key)
    assert reply.status == 201, reply.body
    return str(reply.body["key"])


async def view(api: Api, slug: str, token: str | None = None, after: int = 0) -> list[dict[str, Any]]:
    """Every item a reader gets by following `cursor`, a small page at a time; each exactly once."""
    items: list[dict[str, Any]] = []
    while True:
        reply = await api.poll(slug, after=after, limit=2, token=token)
        assert reply.status == 200, reply.body
        page = reply.body["messages"]
        assert reply.body["cursor"] == (page[-1]["id"] if page else after)
        assert not (reply.body["more"] and not page), "more, but nothing to read on from"
        items += page
        after = reply.body["cursor"]
        if not reply.body["more"]:
            ids = [item["id"] for item in items]
            assert ids == sorted(set(ids))
            return items


def bodies(items: list[dict[str, Any]]) -> list[str]:
    return [item["body"] for item in items if item["kind"] == "message"]


async def send(api: Api, slug: str, token: str, body: str, to: Any = None, **extra: Any) -> Any:
    payload: dict[str, Any] = {"body": body, **extra}
    if to is not None:
        payload["to"] = to
    return await api.post(f"/api/events/{slug}/messages", payload, token=token)


async def test_a_line_to_the_hosts_is_seen_by_its_author_and_the_hosts_only(api: Api) -> None:
    slug, key = await room(api)
    mod = await moderator_key(api, slug, key)
    alice_id, alice = await api.join(slug, "alice")
    _, bob = await api.join(slug, "bob")
    assert (await send(api, slug, alice, "public hello")).status == 201
    private = await send(api, slug, alice, "my invoice is wrong", to="hosts", client_id="p1")
    assert private.status == 201, private.body
    item = private.body["message"]
    assert item["private"] is True and item["to"] == "hosts" and item["participant_id"] == alice_id
    again = await send(api, slug, alice, "my invoice is wrong", to="hosts", client_id="p1")
    assert again.status == 200 and again.body["message"]["id"] == item["id"]  # a safe retry
    assert (await send(api, slug, bob, "public from bob")).status == 201

    # The host answers alice privately, by her id.
    reply = await api.post(f"/api/events/{slug}/messages", {"body": "We will fix it today", "to": alice_id}, token=key)
    assert reply.status == 201, reply.body
    assert reply.body["message"]["role"] == "host" and reply.body["message"]["to"] == alice_id

    everyone = ["public hello", "public from bob"]
    assert bodies(await view(api, slug)) == everyone
    assert bodies(await view(api, slug, bob)) == everyone
    thread = ["public hello", "my invoice is wrong", "public from bob", "We will fix it today"]
    assert bodies(await view(api, slug, alice)) == thread
    assert bodies(await view(api, slug, key)) == thread
    assert bodies(await view(api, slug, mod)) == thread
    # Nothing of it in the public transcript, its files, or the public item count.
    for path in (f"/e/{slug}/transcript.txt", f"/e/{slug}/transcript.json", f"/e/{slug}/transcript"):
        text = str((await api.get(path)).body)
        assert "invoice" not in text and "fix it today" not in text, path
    # A reader that started after the private items finds nothing either (no gap to notice but ids).
    last_public = (await view(api, slug))[-1]["id"]
    assert await view(api, slug, after=last_public) == []


async def test_who_may_write_to_whom_follows_direct_messages(api: Api, chat: Chat) -> None:
    slug, key = await room(api)
    alice_id, alice = await api.join(slug, "alice")
    bob_id, bob = await api.join(slug, "bob")
    _, cleo = await api.join(slug, "cleo")
    assert (await api.get(f"/api/events/{slug}")).body["event"]["direct_messages"] == "hosts"
    assert_error(await send(api, slug, alice, "psst", to=bob_id), 403, "forbidden")

    assert (await api.patch(f"/api/events/{slug}", {"direct_messages": "everyone"}, token=key)).status == 200
    sent = await send(api, slug, alice, "psst bob", to=bob_id)
    assert sent.status == 201 and sent.body["message"]["to"] == bob_id
    assert "psst bob" in bodies(await view(api, slug, bob))
    assert "psst bob" in bodies(await view(api, slug, alice))
    for other in (cleo, key, None):  # not another participant, not the hosts, not the public
        assert "psst bob" not in bodies(await view(api, slug, other))

    assert (await api.patch(f"/api/events/{slug}", {"direct_messages": "off"}, token=key)).status == 200
    assert_error(await send(api, slug, alice, "to the hosts", to="hosts"), 403, "forbidden")
    assert_error(await send(api, slug, alice, "to bob", to=bob_id), 403, "forbidden")
    # The hosts may still write to anyone.
    assert (await api.post(f"/api/events/{slug}/messages", {"body": "note", "to": bob_id}, token=key)).status == 201
    assert_error(
        await api.patch(f"/api/events/{slug}", {"direct_messages": "some"}, token=key),
        400,
        "invalid_request",
        "direct_messages",
    )


async def test_a_bad_recipient_is_refused_and_nothing_is_stored(api: Api) -> None:
    slug, key = await room(api, direct_messages="everyone")
    alice_id, alice = await api.join(slug, "alice")
    bob_id, _ = await api.join(slug, "bob")
    other, _ = await room(api)
    stranger_id, _ = await api.join(other, "stranger")
    before = await view(api, slug, key)
    for to in ("everyone", 0, -1, True, 1.5, [bob_id], stranger_id, 10**9, alice_id):
        assert_error(await send(api, slug, alice, "x", to=to), 400, "invalid_request", "to")
    assert_error(
        await api.post(f"/api/events/{slug}/messages", {"body": "x", "to": "hosts"}, token=key), 400, "invalid_request"
    )
    assert (await api.post(f"/api/events/{slug}/participants/{bob_id}/ban", token=key)).status == 200
    assert_error(await send(api, slug, alice, "x", to=bob_id), 403, "forbidden")
    assert [i for i in await view(api, slug, key) if i["kind"] == "message"] == [
        i for i in before if i["kind"] == "message"
    ]


async def test_a_private_item_wakes_only_the_polls_that_may_see_it(api: Api, chat: Chat) -> None:
    slug, key = await room(api)
    _, alice = await api.join(slug, "alice")
    _, bob = await api.join(slug, "bob")
    newest = (await view(api, slug, key))[-1]["id"]
    public = asyncio.ensure_future(api.poll(slug, after=newest, wait=3))
    bobs = asyncio.ensure_future(api.poll(slug, after=newest, wait=3, token=bob))
    hosts = asyncio.ensure_future(api.poll(slug, after=newest, wait=3, token=key))
    await until(lambda: chat.broker.held_polls == 3, what="the three polls to be held")
    sent = (await send(api, slug, alice, "for the hosts", to="hosts")).body["message"]
    host_answer = await hosts
    assert [i["id"] for i in host_answer.body["messages"]] == [sent["id"]]
    later = (await send(api, slug, alice, "for all")).body["message"]
    for poll in (public, bobs):
        answer = await poll
        assert [i["id"] for i in answer.body["messages"]] == [later["id"]]
        assert answer.body["cursor"] == later["id"]


async def test_streams_carry_private_items_to_those_who_may_see_them(
    api: Api, http_server_port: tuple[object, int]
) -> None:
    slug, key = await room(api)
    alice_id, alice = await api.join(slug, "alice")
    newest = (await view(api, slug, key))[-1]["id"]
    port = http_server_port[1]
    public = await EventStream.open(port, f"/api/events/{slug}/stream?after={newest}")
    hosts = await EventStream.open(port, f"/api/events/{slug}/stream?after={newest}", token=key)
    mine = await EventStream.open(port, f"/api/events/{slug}/stream?after={newest}", token=alice)
    for stream in (public, hosts, mine):
        first = await stream.event()
        assert first is not None and first["event"] == "state"
    private = (await send(api, slug, alice, "question for the hosts", to="hosts")).body["message"]
    answer = (await api.post(f"/api/events/{slug}/messages", {"body": "answer", "to": alice_id}, token=key)).body[
        "message"
    ]
    public_item = (await send(api, slug, alice, "everyone")).body["message"]
    assert [i["id"] for i in await hosts.items(3)] == [private["id"], answer["id"], public_item["id"]]
    assert [i["id"] for i in await mine.items(3)] == [private["id"], answer["id"], public_item["id"]]
    assert [i["id"] for i in await public.items(1)] == [public_item["id"]]
    for stream in (public, hosts, mine):
        stream.close()


async def test_read_receipts_never_name_a_private_item(api: Api) -> None:
    slug, key = await room(api)
    _, alice = await api.join(slug, "alice")
    _, bob = await api.join(slug, "bob")
    public = (await send(api, slug, alice, "hello")).body["message"]
    private = (await send(api, slug, bob, "secret question", to="hosts")).body["message"]
    reply = await api.post(f"/api/events/{slug}/reads", {"last_read_id": private["id"]}, token=bob)
    assert reply.status == 200 and reply.body["last_read_id"] == private["id"]  # bob's own, as he sent it
    reads = (await api.get(f"/api/events/{slug}/reads")).body["reads"]
    assert [(r["nickname"], r["last_read_id"]) for r in reads] == [("bob", public["id"])]
    people = (await api.get(f"/api/events/{slug}/participants")).body["participants"]
    assert {p["nickname"]: p["last_read_id"] for p in people}["bob"] == public["id"]
    # Reading a private item moved nothing anyone else can see: the reads version stays.
    version = (await api.get(f"/api/events/{slug}/reads")).body["version"]
    later = (await send(api, slug, key, "answer", to=None)).status
    assert later == 201
    assert (await api.get(f"/api/events/{slug}/reads")).body["version"] == version


async def test_private_posts_count_toward_the_rate_limit(api: Api, chat: Chat) -> None:
    chat.services.limiter.memory.limit = 2  # this module runs without a limit otherwise
    slug, _ = await room(api)
    _, alice = await api.join(slug, "alice")
    assert (await send(api, slug, alice, "one", to="hosts")).status == 201
    assert (await send(api, slug, alice, "two")).status == 201
    assert_error(await send(api, slug, alice, "three", to="hosts"), 429, "rate_limited")
