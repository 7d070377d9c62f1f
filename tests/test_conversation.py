"""Conversation (API.md 1.1) on both engines: replies, mentions, edits, deletion by the author and
reactions, as a second reader of the stream sees them, and what each refuses with nothing stored."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from tests.conftest import Chat
from tests.helpers import Api, assert_error
from tests.test_private import room, send, view

BACKENDS = ("sqlite", "postgresql")


@pytest.fixture
def settings() -> dict[str, object]:
    return {"max_wait": 5.0, "rate_limit": 0, "reaction_limit": 0}


def react_path(slug: str, item_id: int, emoji: str) -> str:
    return f"/api/events/{slug}/messages/{item_id}/reactions/{quote(emoji)}"


async def react(api: Api, slug: str, token: str, item_id: int, emoji: str, add: bool = True) -> Any:
    return await api.request("PUT" if add else "DELETE", react_path(slug, item_id, emoji), token=token)


def by_id(items: list[dict[str, Any]], item_id: int) -> dict[str, Any]:
    return next(item for item in items if item["id"] == item_id)


async def test_a_reply_names_what_it_answers_and_mentions_name_who(api: Api) -> None:
    slug, key = await room(api)
    alice_id, alice = await api.join(slug, "alice")
    ann_id, ann = await api.join(slug, "Ann Lee")
    _, _ = await api.join(slug, "Ann")
    question = (await api.say(slug, alice, "Who has the slides?")).body["message"]
    answer = await send(api, slug, ann, "@alice here, and @Ann Lee: ask @host", reply_to=question["id"])
    assert answer.status == 201, answer.body
    message = answer.body["message"]
    assert message["reply_to"] == question["id"]
    # The longest nickname after an @ wins ("Ann Lee", not "Ann"); @host reaches the hosts.
    assert message["mentions"] == [alice_id, ann_id] and message["mentions_hosts"] is True
    seen = by_id(await view(api, slug), message["id"])
    assert seen["reply_to"] == question["id"] and seen["mentions"] == [alice_id, ann_id]
    # A host replies from the console too.
    hosted = await api.post(f"/api/events/{slug}/messages", {"body": "Thanks", "reply_to": message["id"]}, token=key)
    assert hosted.status == 201 and hosted.body["message"]["reply_to"] == message["id"]


async def test_replies_to_what_cannot_be_answered_are_refused_and_nothing_stored(api: Api) -> None:
    slug, key = await room(api)
    _, alice = await api.join(slug, "alice")
    _, bob = await api.join(slug, "bob")
    other_slug, _ = await room(api)
    _, other = await api.join(other_slug, "carol")
    elsewhere = (await api.say(other_slug, other, "Another room")).body["message"]["id"]
    removed = (await api.say(slug, alice, "oops")).body["message"]["id"]
    assert (await api.delete(f"/api/events/{slug}/messages/{removed}", token=alice)).status == 200
    private = (await send(api, slug, alice, "to the hosts", to="hosts")).body["message"]["id"]
    system = min(item["id"] for item in await view(api, slug) if item["kind"] == "system")
    before = await view(api, slug, key)
    for target in (elsewhere + 1000, removed, private, system, -1, "1", True, 1.5):
        reply = await send(api, slug, bob, "an answer", reply_to=target)
        assert_error(reply, 400, "invalid_request", "reply_to")
    # alice may answer her own private line, privately.
    assert (await send(api, slug, alice, "more", to="hosts", reply_to=private)).status == 201
    # but not in public, which would show everybody it exists.
    assert_error(await send(api, slug, alice, "public", reply_to=private), 400, "invalid_request", "reply_to")
    assert len(await view(api, slug, key)) == len(before) + 1


async def test_an_edit_reaches_a_reader_who_had_the_old_text(api: Api) -> None:
    slug, key = await room(api)
    _, alice = await api.join(slug, "alice")
    _, bob = await api.join(slug, "bob")
    posted = (await api.say(slug, alice, "teh plan")).body["message"]
    first = await view(api, slug, bob)
    assert by_id(first, posted["id"])["body"] == "teh plan"
    edited = await api.patch(f"/api/events/{slug}/messages/{posted['id']}", {"body": "the plan"}, token=alice)
    assert edited.status == 200, edited.body
    assert edited.body["message"]["body"] == "the plan" and "edited_at" in edited.body["message"]
    news = await view(api, slug, bob, after=first[-1]["id"])
    [edit] = [item for item in news if item["kind"] == "edit"]
    assert edit["target"] == posted["id"] and edit["body"] == "the plan"
    # Later reads show the new text, from memory and from the database alike.
    again = by_id(await view(api, slug), posted["id"])
    assert again["body"] == "the plan" and again["edited_at"] == edited.body["message"]["edited_at"]
    transcript = (await api.get(f"/e/{slug}/transcript.json")).body
    [line] = [m for m in transcript["messages"] if m["id"] == posted["id"]]
    assert line["body"] == "the plan" and "edited_at" in line


async def test_edits_that_are_not_the_authors_to_make_are_refused(api: Api) -> None:
    slug, key = await room(api)
    _, alice = await api.join(slug, "alice")
    _, bob = await api.join(slug, "bob")
    mine = (await api.say(slug, alice, "mine")).body["message"]["id"]
    path = f"/api/events/{slug}/messages/{mine}"
    assert_error(await api.patch(path, {"body": "bob's now"}, token=bob), 403, "forbidden")
    assert_error(await api.patch(path, {"body": "   "}, token=alice), 400, "invalid_request", "body")
    assert_error(await api.patch(path, {"body": "x" * 4001}, token=alice), 400, "invalid_request", "body")
    assert_error(await api.patch(path, {"body": "no token"}), 401, "unauthorized")
    assert_error(await api.patch(f"/api/events/{slug}/messages/999", {"body": "x"}, token=alice), 404, "not_found")
    assert (await api.delete(path, token=alice)).status == 200
    assert_error(await api.patch(path, {"body": "back"}, token=alice), 409, "retracted")
    assert [i for i in await view(api, slug, key) if i["kind"] == "edit"] == []


async def test_the_author_deletes_their_own_message_and_nobody_elses(api: Api) -> None:
    slug, _ = await room(api)
    _, alice = await api.join(slug, "alice")
    _, bob = await api.join(slug, "bob")
    mine = (await api.say(slug, alice, "regret")).body["message"]["id"]
    assert_error(await api.delete(f"/api/events/{slug}/messages/{mine}", token=bob), 403, "forbidden")
    deleted = await api.delete(f"/api/events/{slug}/messages/{mine}", token=alice)
    assert deleted.status == 200 and deleted.body["message"]["by"] == "author"
    items = await view(api, slug)
    assert by_id(items, mine)["retracted"] is True and by_id(items, mine)["body"] == ""
    [retraction] = [i for i in items if i["kind"] == "retraction"]
    assert retraction["target"] == mine and retraction["by"] == "author"


async def test_reactions_toggle_idempotently_and_summarise_on_the_message(api: Api) -> None:
    slug, key = await room(api)
    _, alice = await api.join(slug, "alice")
    bob_id, bob = await api.join(slug, "bob")
    posted = (await api.say(slug, alice, "Ship it?")).body["message"]["id"]
    first = await react(api, slug, bob, posted, "👍")
    assert first.status == 200 and first.body["reaction"]["emoji"] == "👍"
    assert first.body["reaction"]["participant_id"] == bob_id and first.body["reaction"]["removed"] is False
    assert first.body["message"]["reactions"] == {"👍": ["bob"]}
    again = await react(api, slug, bob, posted, "👍")
    assert again.status == 200 and again.body["reaction"] is None
    assert (await react(api, slug, alice, posted, "👍")).body["message"]["reactions"] == {"👍": ["bob", "alice"]}
    # ❤ and ❤️ are one reaction.
    assert (await react(api, slug, alice, posted, "❤")).status == 200
    assert (await react(api, slug, bob, posted, "❤️")).body["message"]["reactions"]["❤️"] == ["alice", "bob"]
    taken = await react(api, slug, bob, posted, "👍", add=False)
    assert taken.body["reaction"]["removed"] is True
    assert (await react(api, slug, bob, posted, "👍", add=False)).body["reaction"] is None
    items = await view(api, slug)
    assert [(i["emoji"], i["author"], i["removed"]) for i in items if i["kind"] == "reaction"] == [
        ("👍", "bob", False),
        ("👍", "alice", False),
        ("❤️", "alice", False),
        ("❤️", "bob", False),
        ("👍", "bob", True),
    ]
    assert by_id(items, posted)["reactions"] == {"👍": ["alice"], "❤️": ["alice", "bob"]}
    transcript = (await api.get(f"/e/{slug}/transcript.json")).body
    assert [m for m in transcript["messages"] if m["id"] == posted][0]["reactions"] == {
        "👍": ["alice"],
        "❤️": ["alice", "bob"],
    }


@pytest.mark.parametrize(
    "emoji",
    ["x", "👍👍", "👍 ", " 👍", "\u200d", "\U0001f3fb", "\U0001f1e9", "1", "", "👍x", "%F0%9F", "<script>"],
)
async def test_a_reaction_must_be_exactly_one_emoji(api: Api, emoji: str) -> None:
    slug, key = await room(api)
    _, alice = await api.join(slug, "alice")
    posted = (await api.say(slug, alice, "hi")).body["message"]["id"]
    reply = await react(api, slug, alice, posted, emoji)
    assert reply.status in (400, 404, 405), reply.body
    assert [i for i in await view(api, slug, key) if i["kind"] == "reaction"] == []


@pytest.mark.parametrize("emoji", ["👍🏽", "👩‍💻", "👨‍👩‍👧", "🇩🇪", "1️⃣", "🏳️‍🌈"])
async def test_skin_tones_flags_and_sequences_are_one_emoji(api: Api, emoji: str) -> None:
    slug, _ = await room(api)
    _, alice = await api.join(slug, "alice")
    posted = (await api.say(slug, alice, "hi")).body["message"]["id"]
    reply = await react(api, slug, alice, posted, emoji)
    assert reply.status == 200, reply.body
    assert list(reply.body["message"]["reactions"]) == [reply.body["reaction"]["emoji"]]


async def test_a_message_carries_at_most_twenty_different_reactions(api: Api) -> None:
    slug, key = await room(api)
    _, alice = await api.join(slug, "alice")
    posted = (await api.say(slug, alice, "react!")).body["message"]["id"]
    faces = [chr(0x1F600 + i) for i in range(21)]
    for face in faces[:20]:
        assert (await react(api, slug, alice, posted, face)).status == 200
    assert_error(await react(api, slug, alice, posted, faces[20]), 409, "reaction_limit")
    # One already there takes more people.
    _, bob = await api.join(slug, "bob")
    assert (await react(api, slug, bob, posted, faces[0])).status == 200
    assert len(by_id(await view(api, slug), posted)["reactions"]) == 20


async def test_search_finds_whole_words_regardless_of_case_and_accents(api: Api) -> None:
    slug, key = await room(api)
    _, alice = await api.join(slug, "alice")
    ids = {}
    for text in ["Le café est prêt", "CAFE downstairs at noon", "the cafeteria opens", "tea, not coffee"]:
        ids[text] = (await api.say(slug, alice, text)).body["message"]["id"]
    removed = (await api.say(slug, alice, "secret café plans")).body["message"]["id"]
    await api.delete(f"/api/events/{slug}/messages/{removed}", token=alice)
    await send(api, slug, alice, "café for the hosts only", to="hosts")

    async def found(query: str) -> set[int]:
        reply = await api.get(f"/api/events/{slug}/search?q={quote(query)}")
        assert reply.status == 200, reply.body
        return {result["message"]["id"] for result in reply.body["results"]}

    assert await found("cafe") == {ids["Le café est prêt"], ids["CAFE downstairs at noon"]}
    assert await found("café*") == {ids["Le café est prêt"], ids["CAFE downstairs at noon"], ids["the cafeteria opens"]}
    assert await found("noon CAFE") == {ids["CAFE downstairs at noon"]}
    assert await found('"tea" -(coffee:') == {ids["tea, not coffee"]}  # operators are no operators
    assert await found("tea OR coffee") == {ids["tea, not coffee"]}  # every word; OR is no word
    reply = await api.get(f"/api/events/{slug}/search?q=pret")
    [result] = reply.body["results"]
    assert result["snippet"] == "Le café est prêt" and result["marks"] == [[12, 16]]
    for bad in ["", "* OR -", "x" * 201]:
        assert_error(await api.get(f"/api/events/{slug}/search?q={quote(bad)}"), 400, "invalid_request", "q")
    listed = await api.get(f"/api/search?q={quote('downstairs')}")
    assert [(r["event"]["slug"], r["message"]["id"]) for r in listed.body["results"]] == [
        (slug, ids["CAFE downstairs at noon"])
    ]


async def test_a_removed_message_takes_its_edits_text_with_it(api: Api, chat: Chat) -> None:
    slug, key = await room(api)
    _, alice = await api.join(slug, "alice")
    for remover in ("alice", "host"):
        posted = (await api.say(slug, alice, "first")).body["message"]["id"]
        path = f"/api/events/{slug}/messages/{posted}"
        assert (await api.patch(path, {"body": "call me at 555-0100"}, token=alice)).status == 200
        assert (await api.delete(path, token=alice if remover == "alice" else key)).status == 200
        items = await view(api, slug)
        assert "555-0100" not in str(items), remover
        event = await chat.store.get_event(slug)
        stored, _ = await chat.store.items_after(event.id, 0, 500, fresh=True)
        assert all("555-0100" not in item.body for item in stored), remover


async def test_a_private_line_removed_by_the_host_stays_private(api: Api) -> None:
    slug, key = await room(api)
    _, alice = await api.join(slug, "alice")
    line = (await send(api, slug, alice, "just for the hosts", to="hosts")).body["message"]["id"]
    assert (await api.delete(f"/api/events/{slug}/messages/{line}", token=key)).status == 200
    assert [i for i in await view(api, slug) if i.get("target") == line] == []
    [retraction] = [i for i in await view(api, slug, alice) if i.get("target") == line]
    assert retraction["kind"] == "retraction" and retraction["private"] is True


async def test_the_word_filter_guards_public_edits_only(api: Api) -> None:
    slug, key = await room(api, filter_words=["spoiler"])
    _, alice = await api.join(slug, "alice")
    public = (await api.say(slug, alice, "hello")).body["message"]["id"]
    private = (await send(api, slug, alice, "hello hosts", to="hosts")).body["message"]["id"]
    refused = await api.patch(f"/api/events/{slug}/messages/{public}", {"body": "a spoiler"}, token=alice)
    assert_error(refused, 403, "forbidden")
    assert by_id(await view(api, slug), public)["body"] == "hello"
    taken = await api.patch(f"/api/events/{slug}/messages/{private}", {"body": "a spoiler"}, token=alice)
    assert taken.status == 200 and taken.body["message"]["body"] == "a spoiler"


async def test_search_is_limited_per_address(api: Api) -> None:
    slug, _ = await room(api)
    for _ in range(30):
        assert (await api.get(f"/api/events/{slug}/search?q=x")).status == 200
    assert_error(await api.get(f"/api/events/{slug}/search?q=x"), 429, "rate_limited")
    assert_error(await api.get("/api/search?q=x"), 429, "rate_limited")
