"""A real rename: PATCH /api/events/<slug>/participants/<id> with one's own token."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.conftest import Chat
from tests.helpers import Api, Reply, assert_error
from tests.test_openapi import check_reply
from tests.waiting import until

BACKENDS = ("sqlite", "postgresql")  # the same tests on both engines (tests/conftest.py)
OPERATION = "/api/events/{slug}/participants/{participant_id}"


async def rename(api: Api, slug: str, participant_id: int | str, token: str | None, nickname: Any) -> Reply:
    reply = await api.patch(f"/api/events/{slug}/participants/{participant_id}", {"nickname": nickname}, token=token)
    check_reply(reply, "PATCH", OPERATION)
    return reply


async def room(api: Api, **fields: Any) -> tuple[str, str]:
    created = await api.create_event(**fields)
    return created["event"]["slug"], created["host_key"]


async def names(api: Api, slug: str) -> dict[int, str]:
    reply = await api.get(f"/api/events/{slug}/participants")
    return {p["id"]: p["nickname"] for p in reply.body["participants"]}


async def items_after(api: Api, slug: str, after: int) -> list[dict[str, Any]]:
    return await api.read_all(slug, after)


async def newest(api: Api, slug: str) -> int:
    return int((await api.poll(slug)).body["cursor"])


async def test_a_rename_keeps_the_id_and_token_and_tells_the_room(api: Api, chat: Chat) -> None:
    slug, _ = await room(api)
    bob_id, bob = await api.join(slug, "Bob")
    alice_id, _ = await api.join(slug, "alice")
    said = await api.say(slug, bob, "before")
    event = await chat.store.get_event(slug)
    cursor = await newest(api, slug)
    poll = asyncio.ensure_future(api.poll(slug, after=cursor, wait=10))
    await until(lambda: chat.broker.waiting(event.id) == 1, what="the poll to be held")

    reply = await rename(api, slug, bob_id, bob, "  Robert ")
    assert reply.status == 200, reply.body
    assert reply.body["participant"] == {"id": bob_id, "nickname": "Robert"}

    [item] = (await poll).body["messages"]
    assert {k: item[k] for k in ("kind", "code", "author", "participant_id", "body", "previous", "nickname")} == {
        "kind": "system",
        "code": "renamed",
        "author": None,
        "participant_id": bob_id,
        "body": "Bob is now Robert.",
        "previous": "Bob",
        "nickname": "Robert",
    }
    assert await names(api, slug) == {bob_id: "Robert", alice_id: "alice"}
    online = (await api.get(f"/api/events/{slug}/participants")).body["participants"]
    assert [p["online"] for p in online if p["id"] == bob_id] == [True]
    # The same token posts under the new name; the earlier message keeps the name it was sent with.
    after = await api.say(slug, bob, "after")
    assert after.status == 201 and after.body["message"]["author"] == "Robert"
    assert after.body["message"]["participant_id"] == bob_id
    messages = [i for i in await api.read_all(slug) if i["kind"] == "message"]
    assert [(m["author"], m["body"]) for m in messages] == [("Bob", "before"), ("Robert", "after")]
    assert messages[0]["id"] == said.body["message"]["id"]
    # The old name is free again; the new one is taken.
    assert (await api.post(f"/api/events/{slug}/participants", {"nickname": "ROBERT"})).status == 409
    assert (await api.post(f"/api/events/{slug}/participants", {"nickname": "bob"})).status == 201


async def test_the_same_name_changes_nothing_and_a_change_of_case_is_a_rename(api: Api) -> None:
    slug, _ = await room(api, starts_in=3600)  # scheduled: renames are allowed before the start too
    bob_id, bob = await api.join(slug, "Bob")
    before = await newest(api, slug)
    for _ in range(4):  # more than the limit: an unchanged name is not counted
        reply = await rename(api, slug, bob_id, bob, "Bob")
        assert reply.status == 200 and reply.body["participant"] == {"id": bob_id, "nickname": "Bob"}
    assert await newest(api, slug) == before
    reply = await rename(api, slug, bob_id, bob, "BOB")
    assert reply.status == 200 and reply.body["participant"]["nickname"] == "BOB"
    [item] = await items_after(api, slug, before)
    assert (item["body"], item["previous"], item["nickname"]) == ("Bob is now BOB.", "Bob", "BOB")
    assert await names(api, slug) == {bob_id: "BOB"}


async def test_refusals_say_why_and_change_nothing(api: Api, chat: Chat) -> None:
    slug, key = await room(api)
    bob_id, bob = await api.join(slug, "Bob")
    alice_id, alice = await api.join(slug, "Alice")
    other_slug, _ = await room(api)
    _, stranger = await api.join(other_slug, "Bob")
    before = await newest(api, slug)

    assert_error(await rename(api, slug, bob_id, bob, "alice"), 409, "nickname_taken")
    assert_error(await rename(api, slug, bob_id, bob, "AL\u200bICE"), 409, "nickname_taken")
    reserved = await rename(api, slug, bob_id, bob, "Host")
    assert_error(reserved, 409, "nickname_taken")
    assert "reserved" in reserved.body["error"]["message"]
    for bad in ("", "   ", "x" * 33, "a\nb", "\u202eevil", 7, None):
        assert_error(await rename(api, slug, bob_id, bob, bad), 400, "invalid_request")
    no_body = await api.patch(f"/api/events/{slug}/participants/{bob_id}", token=bob)
    check_reply(no_body, "PATCH", OPERATION)
    assert_error(no_body, 400, "invalid_request")
    assert_error(await rename(api, slug, bob_id, None, "Robert"), 401, "unauthorized")
    assert_error(await rename(api, slug, bob_id, "not-a-token", "Robert"), 401, "unauthorized")
    assert_error(await rename(api, slug, bob_id, stranger, "Robert"), 401, "unauthorized")
    assert_error(await rename(api, slug, bob_id, key, "Robert"), 401, "unauthorized")  # the host key is no token
    assert_error(await rename(api, slug, bob_id, alice, "Robert"), 403, "forbidden")
    assert_error(await rename(api, slug, 999_999, bob, "Robert"), 404, "not_found")
    assert_error(await rename(api, slug, "bob", bob, "Robert"), 404, "not_found")
    assert_error(await rename(api, "nosuchevent", bob_id, bob, "Robert"), 404, "not_found")
    assert (await api.post(f"/api/events/{slug}/participants/{alice_id}/ban", token=key)).status == 200
    assert_error(await rename(api, slug, alice_id, alice, "Alicia"), 403, "banned")
    banned_at = await newest(api, slug)

    assert await names(api, slug) == {bob_id: "Bob", alice_id: "Alice"}
    assert [i["code"] for i in await items_after(api, slug, before)] == ["banned"]
    # None of the refusals counted: three renames still go through.
    for name in ("Rob", "Robbie", "Robert"):
        assert (await rename(api, slug, bob_id, bob, name)).status == 200
    assert await newest(api, slug) == banned_at + 3

    assert (await api.post(f"/api/events/{slug}/close", token=key)).status == 200
    assert_error(await rename(api, slug, bob_id, bob, "Bobby"), 410, "event_closed")
    assert (await names(api, slug))[bob_id] == "Robert"


async def test_the_fourth_rename_within_ten_minutes_is_refused_with_retry_after(api: Api) -> None:
    slug, _ = await room(api)
    bob_id, bob = await api.join(slug, "Bob")
    for name in ("Bob 1", "Bob 2", "Bob 3"):
        assert (await rename(api, slug, bob_id, bob, name)).status == 200
    before = await newest(api, slug)
    refused = await rename(api, slug, bob_id, bob, "Bob 4")
    assert_error(refused, 429, "rate_limited")
    wait = int(refused.headers["Retry-After"])
    assert 590 <= wait <= 600 and f"{wait} s" in refused.body["error"]["message"]
    assert await names(api, slug) == {bob_id: "Bob 3"}
    assert await newest(api, slug) == before
    assert (await api.say(slug, bob, "still here")).status == 201  # posting has its own limit
    # Another participant's renames are counted apart.
    carol_id, carol = await api.join(slug, "Carol")
    assert (await rename(api, slug, carol_id, carol, "Caroline")).status == 200


async def test_a_client_hammering_renames_gets_three_and_then_nothing(api: Api) -> None:
    slug, _ = await room(api)
    bob_id, bob = await api.join(slug, "Bob")
    before = await newest(api, slug)
    replies = await asyncio.gather(*(rename(api, slug, bob_id, bob, f"Bot {n}") for n in range(40)))
    statuses = sorted(reply.status for reply in replies)
    assert statuses == [200] * 3 + [429] * 37, statuses
    assert all(r.headers.get("Retry-After", "").isdigit() for r in replies if r.status == 429)
    renamed = await items_after(api, slug, before)
    assert [i["code"] for i in renamed] == ["renamed"] * 3
    chain = ["Bob"] + [i["nickname"] for i in renamed]
    assert [i["previous"] for i in renamed] == chain[:-1]
    last = [r.body["participant"]["nickname"] for r in replies if r.status == 200]
    assert await names(api, slug) == {bob_id: chain[-1]} and chain[-1] in last


async def test_a_post_that_races_a_rename_carries_the_new_name(api: Api, chat: Chat) -> None:
    """The author name is read in the post's own transaction, not from the token's look-up before it."""
    slug, _ = await room(api)
    bob_id, bob = await api.join(slug, "Bob")
    event = await chat.store.get_event(slug)
    looked_up = await chat.store.participant_by_token(event.id, bob)
    assert looked_up is not None and looked_up.nickname == "Bob"
    assert (await rename(api, slug, bob_id, bob, "Robert")).status == 200

    async def admit(tx: object) -> None:
        pass

    item, _ = await chat.store.post_message(event.id, looked_up, "hi", None, admit)
    assert item.author == "Robert"


async def test_transcripts_show_the_renamed_item(api: Api) -> None:
    slug, _ = await room(api)
    bob_id, bob = await api.join(slug, "Bob")
    await api.say(slug, bob, "hello")
    assert (await rename(api, slug, bob_id, bob, "Robert")).status == 200
    text = (await api.get(f"/e/{slug}/transcript.txt")).body
    assert "] Bob: hello\n" in text and "] * Bob is now Robert.\n" in text
    last = (await api.get(f"/e/{slug}/transcript.json")).body["messages"][-1]
    assert (last["code"], last["participant_id"], last["previous"], last["nickname"]) == (
        "renamed",
        bob_id,
        "Bob",
        "Robert",
    )
    page = (await api.get(f"/e/{slug}/transcript")).body
    assert 'data-code="renamed"' in page and "Bob is now Robert." in page


async def test_the_rename_is_stored_not_only_held_in_memory(api: Api, chat: Chat) -> None:
    slug, _ = await room(api)
    bob_id, bob = await api.join(slug, "Bob")
    assert (await rename(api, slug, bob_id, bob, "Robert")).status == 200
    event = await chat.store.get_event(slug)
    items, _ = await chat.store.items_after(event.id, 0, 100, fresh=True)  # from the database
    assert items[-1].to_json()["previous"] == "Bob" and items[-1].to_json()["nickname"] == "Robert"
    assert chat.rows(f"SELECT nickname FROM participants WHERE id = {bob_id}") == [("Robert",)]
