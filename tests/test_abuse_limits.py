"""Abuse limits: per-address limits on scheduling and joining, caps on held connections, and
bounded request sizes. Each refusal is a clear JSON answer that changes nothing."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import pytest

from tests.conftest import Chat
from tests.helpers import Api, assert_error, iso_in
from tests.serverproc import ServerProcess
from tests.waiting import until


@pytest.fixture
def settings() -> dict[str, object]:
    return {"max_wait": 5.0, "rate_limit": 0, "event_limit": 3, "join_limit": 3}


def _event(title: str) -> dict[str, str]:
    return {"title": title, "starts_at": iso_in(-60), "ends_at": iso_in(3600)}


async def test_scheduling_is_limited_per_address(api: Api) -> None:
    for n in range(3):
        assert (await api.post("/api/events", _event(f"E{n}"))).status == 201
    refused = await api.post("/api/events", _event("one too many"))
    assert_error(refused, 429, "rate_limited")
    assert "new events from your address" in refused.body["error"]["message"]
    assert 3000 <= int(refused.headers["Retry-After"]) <= 3600
    titles = [e["title"] for e in (await api.get("/api/events?state=open")).body["events"]]
    assert "one too many" not in titles and len(titles) == 3
    # Invalid requests are refused for what they are and do not use the allowance up.
    assert_error(await api.post("/api/events", {"title": ""}), 400, "invalid_request")


async def test_series_share_the_scheduling_limit(api: Api, chat: Chat) -> None:
    """A series makes events too: it counts as one scheduling, and a refused one makes nothing."""
    for n in range(2):
        assert (await api.post("/api/events", _event(f"E{n}"))).status == 201
    weekly = {"rrule": "FREQ=WEEKLY", "time_zone": "UTC", "starts_at": iso_in(60), "ends_at": iso_in(3660)}
    assert (await api.post("/api/series", {"title": "S1", **weekly})).status == 201
    refused = await api.post("/api/series", {"title": "S2", **weekly})
    assert_error(refused, 429, "rate_limited")
    assert chat.rows("SELECT COUNT(*) FROM series") == [("1",)]
    assert chat.rows("SELECT COUNT(*) FROM events") == [("4",)]  # two events, and S1's first two meetings


async def test_joins_are_limited_per_address(api: Api, chat: Chat) -> None:
    slug = (await api.post("/api/events", _event("Joins"))).body["event"]["slug"]
    for name in ("ann", "bob", "cy"):
        assert (await api.post(f"/api/events/{slug}/participants", {"nickname": name})).status == 201
    refused = await api.post(f"/api/events/{slug}/participants", {"nickname": "dee"})
    assert_error(refused, 429, "rate_limited")
    assert "joins from your address" in refused.body["error"]["message"]
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    names = [p["nickname"] for p in (await api.get(f"/api/events/{slug}/participants")).body["participants"]]
    assert names == ["ann", "bob", "cy"]


async def test_held_polls_beyond_the_cap_are_answered_at_once(api: Api, chat: Chat) -> None:
    chat.broker.held.max_per_client = 2
    slug = (await api.post("/api/events", _event("Held"))).body["event"]["slug"]
    token = (await api.post(f"/api/events/{slug}/participants", {"nickname": "ann"})).body["token"]
    newest = (await api.get(f"/api/events/{slug}/messages")).body["cursor"]
    url = f"/api/events/{slug}/messages?after={newest}&wait=5"
    held = [asyncio.ensure_future(api.get(url)) for _ in range(2)]
    await until(lambda: chat.broker.held.taken == 2, what="both polls to be held")
    turned_away = await api.get(url)
    assert turned_away.status == 200 and turned_away.body["messages"] == []
    assert turned_away.body["cursor"] == newest and turned_away.body["retry_after"] == 5
    assert turned_away.headers["Retry-After"] == "5"
    assert not any(poll.done() for poll in held)
    # A stream is a held connection too: over the cap it is refused, and the client polls instead.
    stream = await api.get(f"/api/events/{slug}/stream?after={newest}")
    assert_error(stream, 429, "rate_limited")
    # The held polls still get what comes, and their places are free again afterwards.
    said = await api.say(slug, token, "wake")
    for reply in await asyncio.gather(*held):
        assert [m["id"] for m in reply.body["messages"]] == [said.body["message"]["id"]]
        assert "retry_after" not in reply.body
    assert chat.broker.held.taken == 0
    chat.broker.held.max_per_client, chat.broker.held.max_total = 0, 1
    again = asyncio.ensure_future(api.get(f"/api/events/{slug}/messages?after={said.body['message']['id']}&wait=5"))
    await until(lambda: chat.broker.held.taken == 1, what="the poll to be held")
    assert (await api.get(url.replace(f"after={newest}", f"after={said.body['message']['id']}"))).body[
        "retry_after"
    ] == 5
    again.cancel()


async def test_a_poll_without_wait_is_never_turned_away(api: Api, chat: Chat) -> None:
    chat.broker.held.max_total = 1
    chat.broker.held.taken = 1  # as if the server were full
    try:
        slug = (await api.post("/api/events", _event("Full"))).body["event"]["slug"]
        reply = await api.get(f"/api/events/{slug}/messages?after=0")
        assert reply.status == 200 and "retry_after" not in reply.body
    finally:
        chat.broker.held.taken = 0


def test_oversized_headers_are_cut_off_and_the_server_goes_on(tmp_path: Path) -> None:
    with ServerProcess(tmp_path / "chat.db") as server:
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
            sock.sendall(b"GET /api/events HTTP/1.1\r\nHost: x\r\nX-Padding: " + b"a" * 40_000 + b"\r\n\r\n")
            answer = b""
            try:
                while chunk := sock.recv(65536):
                    answer += chunk
            except ConnectionResetError:
                pass
        # Tornado stops reading at the limit and drops the connection, before any handler runs.
        assert b"200 OK" not in answer
        status, listed = server.request("GET", "/api/events")
        assert status == 200 and listed["events"] == []
