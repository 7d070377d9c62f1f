"""Identity from the embedding app (API.md 1.1), on both engines: the host's identity secret, a JWT
signed with it joining as the app's user (the same participant on every device and day, marked
verified), every malformed or forged token refused with 401 invalid_identity and nothing stored,
and names that collide with nicknames."""

from __future__ import annotations

import time
from typing import Any

import jwt
import pytest

from tests.conftest import Chat
from tests.helpers import Api, assert_error
from tests.test_private import room
from tests.test_series import create_series, local

BACKENDS = ("sqlite", "postgresql")


@pytest.fixture
def settings() -> dict[str, object]:
    return {"max_wait": 5.0, "rate_limit": 0}


def signed(secret: str, sub: Any = "user-42", name: Any = "Ada Lovelace", ahead: float = 3600, **extra: Any) -> str:
    """A token as the app's server signs it (PyJWT, as docs/embed.md shows)."""
    claims: dict[str, Any] = {"sub": sub, "name": name, "exp": int(time.time() + ahead), **extra}
    return jwt.encode({k: v for k, v in claims.items() if v is not None}, secret, algorithm="HS256")


async def secret_of(api: Api, slug: str, key: str) -> str:
    reply = await api.post(f"/api/events/{slug}/identity-secret", token=key)
    assert reply.status == 200, reply.body
    return str(reply.body["secret"])


async def join(api: Api, slug: str, identity: Any, **extra: Any) -> Any:
    return await api.post(f"/api/events/{slug}/participants", {"identity": identity, **extra})


async def test_the_same_app_user_is_the_same_participant_on_every_device(api: Api) -> None:
    created = await api.create_event()
    slug, key = created["event"]["slug"], created["host_key"]
    secret = await secret_of(api, slug, key)
    first = await join(api, slug, signed(secret), device="device-aaaaaaaaaaaaaaaa")
    assert first.status == 201, first.body
    participant = first.body["participant"]
    assert participant["nickname"] == "Ada Lovelace" and participant["verified"] is True
    again = await join(api, slug, signed(secret, ahead=600), device="device-bbbbbbbbbbbbbbbb")
    assert again.status == 200, again.body
    assert again.body["participant"]["id"] == participant["id"] and again.body["token"] != first.body["token"]
    # Both devices post as that one participant.
    for token in (first.body["token"], again.body["token"]):
        assert (await api.say(slug, token, "from a device")).body["message"]["participant_id"] == participant["id"]
    people = (await api.get(f"/api/events/{slug}/participants")).body["participants"]
    assert [(p["nickname"], p.get("verified")) for p in people] == [("Ada Lovelace", True)]
    joined = [i for i in await api.read_all(slug) if i.get("code") == "joined"]
    assert len(joined) == 1  # coming back is no new join


async def test_a_forged_or_malformed_identity_is_refused_and_stores_nothing(api: Api, chat: Chat) -> None:
    created = await api.create_event()
    slug, key = created["event"]["slug"], created["host_key"]
    assert_error(await join(api, slug, signed("x" * 43)), 401, "invalid_identity")  # no secret made yet
    secret = await secret_of(api, slug, key)
    unsigned = jwt.encode({"sub": "u", "exp": int(time.time()) + 60}, None, algorithm="none")
    bad = [
        signed("another secret entirely, long enough for HMAC-SHA256"),
        unsigned,
        jwt.encode({"sub": "u", "exp": int(time.time()) + 60}, secret * 2, algorithm="HS512"),
        signed(secret, ahead=-120),  # expired
        signed(secret, ahead=25 * 3600),  # good for more than a day
        signed(secret, sub=None),
        signed(secret, sub="x" * 129),
        signed(secret, sub=42),
        signed(secret, sub=""),
        jwt.encode({"sub": "u", "name": "n"}, secret, algorithm="HS256"),  # no exp
        signed(secret, name="a\nb"),
        signed(secret, name=""),
        "not.a.jwt",
        "",
        42,
        None,
        signed(secret)[:-3] + "AAA",  # a changed signature
    ]
    for token in bad:
        reply = await join(api, slug, token)
        assert_error(reply, 401, "invalid_identity")
    assert (await api.get(f"/api/events/{slug}/participants")).body["participants"] == []
    # A new secret: tokens signed with the old one stop working.
    old = signed(secret)
    assert (await join(api, slug, old)).status == 201
    await secret_of(api, slug, key)
    assert_error(await join(api, slug, old), 401, "invalid_identity")


async def test_only_the_host_makes_an_identity_secret(api: Api) -> None:
    created = await api.create_event()
    slug, key = created["event"]["slug"], created["host_key"]
    mod = await api.post(f"/api/events/{slug}/moderators", {"name": "Maya"}, token=key)
    _, token = await api.join(slug, "alice")
    for wrong in (None, token, mod.body["key"]):
        assert_error(await api.post(f"/api/events/{slug}/identity-secret", token=wrong), 403, "forbidden")


async def test_a_nickname_never_passes_for_a_verified_name(api: Api) -> None:
    created = await api.create_event()
    slug, key = created["event"]["slug"], created["host_key"]
    secret = await secret_of(api, slug, key)
    await api.join(slug, "ada lovelace")  # someone took the name first, without an identity
    verified = await join(api, slug, signed(secret))
    assert verified.body["participant"]["nickname"] == "Ada Lovelace (2)" and verified.body["participant"]["verified"]
    # And once a verified user holds a name, a nickname cannot take it.
    second = await join(api, slug, signed(secret, sub="user-7", name="Grace Hopper"))
    assert second.body["participant"]["nickname"] == "Grace Hopper"
    assert_error(
        await api.post(f"/api/events/{slug}/participants", {"nickname": "grace hopper"}), 409, "nickname_taken"
    )
    people = {
        p["nickname"]: p.get("verified", False)
        for p in (await api.get(f"/api/events/{slug}/participants")).body["participants"]
    }
    assert people == {"ada lovelace": False, "Ada Lovelace (2)": True, "Grace Hopper": True}


async def test_a_banned_app_user_cannot_come_back_with_a_new_token(api: Api) -> None:
    created = await api.create_event()
    slug, key = created["event"]["slug"], created["host_key"]
    secret = await secret_of(api, slug, key)
    joined = await join(api, slug, signed(secret))
    pid = joined.body["participant"]["id"]
    assert (await api.post(f"/api/events/{slug}/participants/{pid}/ban", token=key)).status == 200
    assert_error(await join(api, slug, signed(secret)), 403, "banned")


async def test_a_series_secret_signs_for_every_meeting(api: Api) -> None:
    made = await create_series(api, "FREQ=WEEKLY;BYDAY=TU", local("2027-03-23", 10))
    slug, key = made["series"]["slug"], made["host_key"]
    reply = await api.post(f"/api/series/{slug}/identity-secret", token=key)
    assert reply.status == 200
    secret = reply.body["secret"]
    assert_error(await api.post(f"/api/series/{slug}/identity-secret"), 403, "forbidden")
    for occurrence in (await api.get(f"/api/series/{slug}")).body["occurrences"]:
        assert (await join(api, occurrence["slug"], signed(secret))).status == 201


async def test_an_app_user_id_cannot_spell_the_hosts_name_among_readers(api: Api, chat: Chat) -> None:
    # A reader's names once were "p<id>", "staff" and "s<app user id>": the user "taff" was "staff".
    slug, key = await room(api)
    secret = await secret_of(api, slug, key)
    _, alice = await api.join(slug, "alice")
    said = await api.post(f"/api/events/{slug}/messages", {"body": "for the hosts only", "to": "hosts"}, token=alice)
    assert said.status == 201, said.body
    answer = await api.post(
        f"/api/events/{slug}/messages",
        {"body": "the hosts answer", "to": said.body["message"]["participant_id"]},
        token=key,
    )
    assert answer.status == 201, answer.body
    for sub in ("taff", "p1", "1", "staff"):
        joined = await join(api, slug, signed(secret, sub=sub, name=f"user {sub}"))
        assert joined.status == 201, joined.body
        token = joined.body["token"]
        read = await api.get(f"/api/events/{slug}/messages?after=0", token=token)
        assert read.status == 200, read.body
        bodies = [item["body"] for item in read.body["messages"]]
        assert "for the hosts only" not in bodies and "the hosts answer" not in bodies, (sub, bodies)
    # The hosts still read both.
    read = await api.get(f"/api/events/{slug}/messages?after=0", token=key)
    assert {"for the hosts only", "the hosts answer"} <= {item["body"] for item in read.body["messages"]}
