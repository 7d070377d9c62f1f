"""Secrets: tokens and host keys are random, stored only as hashes, never logged, never in URLs."""

from __future__ import annotations

import logging
import sqlite3

import pytest

from tests.conftest import Chat
from tests.helpers import Api, assert_error, iso_in


async def _exercise_everything(api: Api, chat: Chat) -> list[str]:
    """A session touching every credentialed path, with right and wrong secrets; the secrets used."""
    created = (
        await api.post("/api/events", {"title": "Secret", "starts_at": iso_in(-60), "ends_at": iso_in(3600)})
    ).body
    slug, key = created["event"]["slug"], created["host_key"]
    alice = (await api.post(f"/api/events/{slug}/participants", {"nickname": "alice"})).body
    bob = (await api.post(f"/api/events/{slug}/participants", {"nickname": "bob"})).body
    token = alice["token"]
    said = (await api.say(slug, token, "hello", client_id="c1")).body["message"]
    await api.get(f"/api/events/{slug}/messages?after=0", token=token)
    await api.get(f"/api/events/{slug}/messages?after={said['id']}&wait=0.05", token=token)
    await api.post(f"/api/events/{slug}/reads", {"last_read_id": said["id"]}, token=token)
    await api.patch(f"/api/events/{slug}", {"title": "Renamed"}, token=key)
    await api.post(f"/api/events/{slug}/announcements", {"body": "note"}, token=key)
    await api.delete(f"/api/events/{slug}/messages/{said['id']}", token=key)
    await api.post(f"/api/events/{slug}/participants/{bob['participant']['id']}/ban", token=key)
    # Wrong and misplaced secrets: refused, and the refusal logs no secret either.
    # The host key posts as the host (API.md 1.1); a key of nothing here is refused.
    assert (await api.say(slug, key, "with the host key")).body["message"]["role"] == "host"
    assert_error(await api.say(slug, key[::-1], "with a reversed key"), 401, "unauthorized")
    assert_error(await api.patch(f"/api/events/{slug}", {"title": "x"}, token=token), 403, "forbidden")
    assert_error(await api.say(slug, bob["token"], "banned"), 403, "banned")
    await api.get(f"/api/events/{slug}/host", token=key)
    await api.post(f"/api/events/{slug}/close", token=key)
    # The operator's key, where it works and where it is refused.
    _operator, operator_key = await chat.store.create_operator("ops")
    assert (await api.get("/api/admin/events?q=Renamed", token=operator_key)).status == 200
    assert (await api.patch(f"/api/admin/events/{slug}", {"listed": False}, token=operator_key)).status == 200
    assert (await api.post(f"/api/admin/events/{slug}/erase", token=operator_key)).status == 200
    assert_error(await api.get("/api/admin/audit", token=key), 403, "forbidden")
    assert_error(await api.get(f"/api/events/{slug}/host", token=operator_key), 403, "forbidden")
    return [token, bob["token"], key, operator_key]


async def test_no_secret_reaches_any_log(api: Api, chat: Chat, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        secrets = await _exercise_everything(api, chat)
    lines = [record.getMessage() for record in caplog.records]
    assert any("/participants" in line for line in lines), "the access log was not captured"
    for secret in secrets:
        assert not [line for line in lines if secret in line]


async def test_only_hashes_are_stored(api: Api, chat: Chat) -> None:
    secrets = await _exercise_everything(api, chat)
    await chat.store.db.writer_pragma("PRAGMA wal_checkpoint(TRUNCATE)")
    with sqlite3.connect(chat.db_path) as conn:
        dump = "\n".join(conn.iterdump())
    raw = b"".join(path.read_bytes() for path in chat.db_path.parent.glob("chat.db*"))
    for secret in secrets:
        assert secret not in dump
        assert secret.encode() not in raw


async def test_secrets_are_long_random_and_distinct(api: Api) -> None:
    created = (await api.post("/api/events", {"title": "Keys", "starts_at": iso_in(-60), "ends_at": iso_in(3600)})).body
    slug = created["event"]["slug"]
    tokens = [
        (await api.post(f"/api/events/{slug}/participants", {"nickname": f"p{n}"})).body["token"] for n in range(20)
    ]
    for secret in [created["host_key"], *tokens]:
        assert len(secret) >= 43  # 256 bits, URL-safe base64
    assert len(set(tokens)) == len(tokens)


async def test_a_secret_put_in_a_url_is_not_logged(api: Api, caplog: pytest.LogCaptureFixture) -> None:
    created = (
        await api.post("/api/events", {"title": "Leaky client", "starts_at": iso_in(-60), "ends_at": iso_in(3600)})
    ).body
    slug, key = created["event"]["slug"], created["host_key"]
    with caplog.at_level(logging.DEBUG, logger="tornado.access"):
        await api.post(f"/api/events/{slug}/close?key={key}&x=1")
        await api.get(f"/api/events/{slug}/messages?after=0&access_token={key}")
    lines = [r.getMessage() for r in caplog.records if r.name == "tornado.access"]
    assert len(lines) == 2 and not [line for line in lines if key in line]
    assert "/close?key=[redacted]&x=1" in lines[0] and "after=0&access_token=[redacted]" in lines[1]


async def test_credentials_never_travel_in_urls(api: Api) -> None:
    created = (await api.post("/api/events", {"title": "URLs", "starts_at": iso_in(-60), "ends_at": iso_in(3600)})).body
    slug, key = created["event"]["slug"], created["host_key"]
    # The host link keeps the key in the fragment, which browsers never send to a server.
    assert created["links"]["host"] == f"/e/{slug}/host#key={key}"
    token = (await api.post(f"/api/events/{slug}/participants", {"nickname": "ann"})).body["token"]
    # A secret in the query string is not read: nothing is accepted that way.
    for name in ("token", "access_token", "key", "authorization"):
        reply = await api.post(f"/api/events/{slug}/messages?{name}={token}", {"body": "x"})
        assert_error(reply, 401, "unauthorized")
        reply = await api.post(f"/api/events/{slug}/close?{name}={key}")
        assert_error(reply, 403, "forbidden")
