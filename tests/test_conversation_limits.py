"""The conversation's limits under attack, on both engines: reactions per participant, edits
counted with posts, and the emoji cap, each refused with 429 or 409 and nothing stored."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.helpers import Api, assert_error
from tests.test_private import room, view

BACKENDS = ("sqlite", "postgresql")


@pytest.fixture
def settings() -> dict[str, object]:
    return {"max_wait": 5.0, "rate_limit": 3, "reaction_limit": 4}


async def test_reactions_beyond_the_limit_are_refused_and_not_stored(api: Api) -> None:
    slug, key = await room(api)
    _, alice = await api.join(slug, "alice")
    _, bob = await api.join(slug, "bob")
    posted = (await api.say(slug, alice, "react")).body["message"]["id"]
    faces = [chr(0x1F600 + n) for n in range(6)]
    path = f"/api/events/{slug}/messages/{posted}/reactions/"
    for face in faces[:4]:
        assert (await api.request("PUT", path + quote(face), token=bob)).status == 200
    refused = await api.request("PUT", path + quote(faces[4]), token=bob)
    assert_error(refused, 429, "rate_limited")
    assert refused.headers.get("Retry-After")
    # Taking one back counts too; another participant has a budget of their own.
    assert_error(await api.request("DELETE", path + quote(faces[0]), token=bob), 429, "rate_limited")
    assert (await api.request("PUT", path + quote(faces[5]), token=alice)).status == 200
    reactions = [i for i in await view(api, slug, key) if i["kind"] == "reaction"]
    assert [(r["author"], r["emoji"]) for r in reactions] == [("bob", f) for f in faces[:4]] + [("alice", faces[5])]


async def test_edits_count_with_posts(api: Api) -> None:
    slug, key = await room(api)
    _, alice = await api.join(slug, "alice")
    posted = (await api.say(slug, alice, "one")).body["message"]["id"]
    path = f"/api/events/{slug}/messages/{posted}"
    assert (await api.patch(path, {"body": "two"}, token=alice)).status == 200
    assert (await api.patch(path, {"body": "three"}, token=alice)).status == 200
    assert_error(await api.patch(path, {"body": "four"}, token=alice), 429, "rate_limited")
    assert_error(await api.say(slug, alice, "five"), 429, "rate_limited")
    items = await view(api, slug, key)
    assert [i["body"] for i in items if i["kind"] == "edit"] == ["two", "three"]
    assert [i["body"] for i in items if i["kind"] == "message"] == ["three"]
