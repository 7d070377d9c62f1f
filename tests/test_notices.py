"""Notices to chosen users, the hosts' shared inbox marks, and the hosts' transcript (API.md 1.1,
"a direct line to the hosts"), on both engines: each notice reaches its recipient only (also one
who joins later with that app identity), bad input sends nothing, sendings are capped and
limited, the inbox's marks reach the hosts alone, and only a host's key exports private lines."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.helpers import Api, assert_error
from tests.test_identity import join, secret_of, signed
from tests.test_private import moderator_key, room, send, view
from tests.test_sse import EventStream

BACKENDS = ("sqlite", "postgresql")


@pytest.fixture
def settings() -> dict[str, object]:
    return {"max_wait": 5.0, "rate_limit": 0, "notice_limit": 3}


async def notify(api: Api, slug: str, key: str | None, **payload: Any) -> Any:
    return await api.post(f"/api/events/{slug}/notices", payload, token=key)


def notices(items: list[dict[str, Any]]) -> list[str]:
    return [item["body"] for item in items if item["kind"] == "notice"]


async def test_a_notice_reaches_exactly_the_users_named(api: Api) -> None:
    slug, key = await room(api)
    secret = await secret_of(api, slug, key)
    alice_id, alice = await api.join(slug, "alice")
    _, bob = await api.join(slug, "bob")
    joined = await join(api, slug, signed(secret, sub="u-7", name="Carol"))
    carol_id, carol = joined.body["participant"]["id"], joined.body["token"]

    sent = await notify(
        api, slug, key, body="The export failed; we fixed it.", participants=[alice_id], users=["u-7", "u-9"]
    )
    assert sent.status == 201 and sent.body == {"sent": 3, "server_time": sent.body["server_time"]}

    alice_view = await view(api, slug, alice)
    [notice] = [item for item in alice_view if item["kind"] == "notice"]
    assert notice["body"] == "The export failed; we fixed it." and notice["private"] is True
    assert notice["to"] == alice_id and notice["role"] == "host" and notice["author"] == "Host"
    assert [item["to"] for item in await view(api, slug, carol) if item["kind"] == "notice"] == [carol_id]
    assert notices(await view(api, slug, bob)) == []
    assert notices(await view(api, slug)) == []
    # The hosts see every notice, the one to a user who has not joined yet too.
    assert len(notices(await view(api, slug, key))) == 3

    # u-9 joins later (another day, another device) and finds it waiting.
    dave = await join(api, slug, signed(secret, sub="u-9", name="Dave"))
    # The hosts can tell which participant the notice to_user "u-9" became; nobody else learns user ids.
    staff_list = (await api.get(f"/api/events/{slug}/participants", token=key)).body["participants"]
    assert {p["nickname"]: p.get("user") for p in staff_list}["Dave"] == "u-9"
    assert all("user" not in p for p in (await api.get(f"/api/events/{slug}/participants")).body["participants"])
    assert notices(await view(api, slug, dave.body["token"])) == ["The export failed; we fixed it."]
    # and may answer the hosts privately, in the same thread
    assert (await send(api, slug, dave.body["token"], "Thanks!", to="hosts")).status == 201


async def test_the_console_counts_delivered_and_read(api: Api) -> None:
    slug, key = await room(api)
    secret = await secret_of(api, slug, key)
    alice_id, alice = await api.join(slug, "alice")
    _, bob = await api.join(slug, "bob")
    bob_id = (await api.get(f"/api/events/{slug}/participants")).body["participants"][1]["id"]
    assert (
        await notify(api, slug, key, body="Heads up", participants=[alice_id, bob_id], users=["later"])
    ).status == 201
    listed = (await api.get(f"/api/events/{slug}/notices", token=key)).body["notices"]
    assert [(n["body"], n["sent"], n["delivered"], n["read"]) for n in listed] == [("Heads up", 3, 2, 0)]
    notice_id = max(item["id"] for item in await view(api, slug, alice) if item["kind"] == "notice")
    read = await api.post(f"/api/events/{slug}/reads", {"last_read_id": notice_id}, token=alice)
    assert read.status == 200
    await join(api, slug, signed(secret, sub="later", name="Lou"))
    listed = (await api.get(f"/api/events/{slug}/notices", token=key)).body["notices"]
    assert [(n["sent"], n["delivered"], n["read"]) for n in listed] == [(3, 3, 1)]
    # Reading a notice tells nobody else that it exists: bob's view of alice's receipt stays public.
    receipts = (await api.get(f"/api/events/{slug}/reads")).body["reads"]
    public_ids = {item["id"] for item in await view(api, slug)}
    assert [r["last_read_id"] in public_ids for r in receipts if r["participant_id"] == alice_id] == [True]
    # The list is the hosts' own.
    assert (await api.get(f"/api/events/{slug}/notices", token=bob)).status == 403
    assert (await api.get(f"/api/events/{slug}/notices")).status in (401, 403)


async def test_bad_notices_send_nothing(api: Api) -> None:
    slug, key = await room(api)
    other_slug, other_key = await room(api)
    alice_id, alice = await api.join(slug, "alice")
    stranger_id, _ = await api.join(other_slug, "stranger")
    mod = await moderator_key(api, slug, key)
    bad: list[tuple[dict[str, Any], str | None]] = [
        ({"body": "x", "participants": [stranger_id]}, "participants"),  # of another event
        ({"body": "x", "participants": [alice_id, 999_999]}, "participants"),
        ({"body": "x"}, "participants"),
        ({"body": "x", "participants": [], "users": []}, "participants"),
        ({"body": "x", "participants": "1"}, "participants"),
        ({"body": "x", "participants": [True]}, "participants"),
        ({"body": "x", "users": [""]}, "users"),
        ({"body": "x", "users": ["a" * 129]}, "users"),
        ({"body": "x", "users": ["tab\there"]}, "users"),
        ({"body": "x", "users": [7]}, "users"),
        ({"body": "", "participants": [alice_id]}, "body"),
        ({"participants": [alice_id]}, "body"),
        ({"body": "x", "users": [f"u{n}" for n in range(10_001)]}, "at most 10000 recipients"),
    ]
    for payload, field in bad:
        reply = await notify(api, slug, key, **payload)
        assert_error(reply, 400, "invalid_request")
        assert field in reply.body["error"]["message"], (payload, reply.body)
    assert (await notify(api, slug, mod, body="x", participants=[alice_id])).status == 403  # a moderator
    assert (await notify(api, slug, alice, body="x", participants=[alice_id])).status in (401, 403)
    assert (await notify(api, slug, other_key, body="x", participants=[alice_id])).status in (401, 403)
    assert (await notify(api, slug, None, body="x", participants=[alice_id])).status in (401, 403)
    assert notices(await view(api, slug, key)) == []
    # 10,000 recipients is allowed (and fits in one request).
    many = await notify(api, slug, key, body="All of you", users=[f"user-{n:05d}" for n in range(10_000)])
    assert many.status == 201 and many.body["sent"] == 10_000
    assert notices(await view(api, slug, alice)) == []


async def test_a_banned_recipient_is_left_out_and_a_retry_sends_once(api: Api) -> None:
    slug, key = await room(api)
    alice_id, alice = await api.join(slug, "alice")
    bob_id, _ = await api.join(slug, "bob")
    assert (await api.post(f"/api/events/{slug}/participants/{bob_id}/ban", token=key)).status == 200
    first = await notify(api, slug, key, body="Hi", participants=[alice_id, bob_id, alice_id], client_id="n1")
    assert first.status == 201 and first.body["sent"] == 1
    again = await notify(api, slug, key, body="Hi", participants=[alice_id, bob_id], client_id="n1")
    assert again.status == 200 and again.body["sent"] == 1
    assert notices(await view(api, slug, alice)) == ["Hi"]


async def test_sendings_are_limited_per_event(api: Api) -> None:
    slug, key = await room(api)
    alice_id, _ = await api.join(slug, "alice")
    for n in range(3):  # the test's limit: 3 a minute
        assert (await notify(api, slug, key, body=f"n{n}", participants=[alice_id])).status == 201
    limited = await notify(api, slug, key, body="one too many", participants=[alice_id])
    assert_error(limited, 429, "rate_limited")
    assert "one too many" not in notices(await view(api, slug, key))


async def test_a_notice_wakes_only_its_recipients_held_poll_and_stream(
    api: Api, http_server_port: tuple[object, int]
) -> None:
    slug, key = await room(api)
    alice_id, alice = await api.join(slug, "alice")
    _, bob = await api.join(slug, "bob")
    cursor = (await view(api, slug, key))[-1]["id"]
    stream = await EventStream.open(http_server_port[1], f"/api/events/{slug}/stream?after={cursor}", token=alice)
    first = await stream.event()
    assert first is not None and first["event"] == "state"
    alice_poll = asyncio.ensure_future(api.poll(slug, after=cursor, wait=5, token=alice))
    bob_poll = asyncio.ensure_future(api.poll(slug, after=cursor, wait=1, token=bob))
    assert (await notify(api, slug, key, body="for alice", participants=[alice_id])).status == 201
    [got] = await stream.items(1)
    assert got["kind"] == "notice" and got["body"] == "for alice"
    stream.close()
    assert [i["body"] for i in (await alice_poll).body["messages"]] == ["for alice"]
    assert (await bob_poll).body["messages"] == []  # held to its end: nothing it may see came


async def test_inbox_marks_reach_the_hosts_alone(api: Api) -> None:
    slug, key = await room(api)
    mod = await moderator_key(api, slug, key)
    alice_id, alice = await api.join(slug, "alice")
    line = (await send(api, slug, alice, "Where is my invoice?", to="hosts")).body["message"]
    marked = await api.post(f"/api/events/{slug}/threads/{alice_id}", {"read": line["id"]}, token=mod)
    assert marked.status == 201, marked.body
    mark = marked.body["mark"]
    assert mark["kind"] == "thread" and mark["target"] == alice_id and mark["read"] == line["id"]
    assert mark["role"] == "moderator" and mark["author"] == "Maya" and mark["private"] is True
    done = await api.post(f"/api/events/{slug}/threads/{alice_id}", {"done": True}, token=key)
    assert done.status == 201 and done.body["mark"]["done"] is True
    # Every host and moderator sees both marks through the stream; alice and the public never.
    host_marks = [i for i in await view(api, slug, key) if i["kind"] == "thread"]
    assert [(m.get("read"), m.get("done")) for m in host_marks] == [(line["id"], None), (None, True)]
    assert [i["kind"] for i in await view(api, slug, mod)].count("thread") == 2
    assert all(i["kind"] != "thread" for i in await view(api, slug, alice))
    assert all(i["kind"] != "thread" for i in await view(api, slug))
    transcript = await api.get(f"/e/{slug}/transcript.json", token=key)
    assert all(m["kind"] != "thread" for m in transcript.body["messages"])

    for payload, field in [({}, "read"), ({"read": -1}, "read"), ({"read": "3"}, "read"), ({"done": "yes"}, "done")]:
        reply = await api.post(f"/api/events/{slug}/threads/{alice_id}", payload, token=key)
        assert_error(reply, 400, "invalid_request")
        assert field in reply.body["error"]["message"]
    assert_error(
        await api.post(f"/api/events/{slug}/threads/{alice_id}", {"read": 10**6}, token=key), 400, "invalid_request"
    )
    assert_error(await api.post(f"/api/events/{slug}/threads/424242", {"done": True}, token=key), 404, "not_found")
    assert_error(await api.post(f"/api/events/{slug}/threads/x", {"done": True}, token=key), 404, "not_found")
    assert (await api.post(f"/api/events/{slug}/threads/{alice_id}", {"done": True}, token=alice)).status == 403


async def test_only_the_hosts_transcript_holds_private_lines(api: Api) -> None:
    slug, key = await room(api, direct_messages="everyone")
    alice_id, alice = await api.join(slug, "alice")
    bob_id, bob = await api.join(slug, "bob")
    await api.say(slug, alice, "hello all")
    await send(api, slug, alice, "a question for the hosts", to="hosts")
    await send(api, slug, alice, "psst bob", to=bob_id)
    await api.post(f"/api/events/{slug}/messages", {"body": "an answer", "to": alice_id, "name": "Ann"}, token=key)
    await notify(api, slug, key, body="a notice", users=["not-joined"])

    public = await api.get(f"/e/{slug}/transcript.json")
    assert [m["body"] for m in public.body["messages"] if m["kind"] == "message"] == ["hello all"]
    for token in (alice, bob):  # a participant's token is no key to the hosts' transcript
        theirs = await api.get(f"/e/{slug}/transcript.json", token=token)
        assert theirs.body["messages"] == public.body["messages"]
    hosts = await api.get(f"/e/{slug}/transcript.json", token=key)
    lines = [
        (m["body"], m.get("private"), m.get("to"), m.get("to_user"))
        for m in hosts.body["messages"]
        if m["kind"] != "system"
    ]
    assert lines == [
        ("hello all", None, None, None),
        ("a question for the hosts", True, "hosts", None),
        ("an answer", True, alice_id, None),
        ("a notice", True, None, "not-joined"),
    ]  # never one participant's line to another: not the hosts' to read
    text = (await api.get(f"/e/{slug}/transcript.txt", token=key)).body
    assert "alice -> hosts (private): a question for the hosts" in text
    assert "Ann (host) -> alice (private): an answer" in text
    assert "Host (host) -> user not-joined (notice): a notice" in text
    assert "psst" not in text
    assert "a question" not in (await api.get(f"/e/{slug}/transcript.txt")).body
