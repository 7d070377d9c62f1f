"""How calls end (API.md 1.1, "Calls"), on both engines: a ring declined as busy leaves a `busy` item;
`--ring-timeout`."""

from __future__ import annotations

from typing import Any

import pytest

from chatserver.calls import RING_S_MAX, RING_S_MIN
from tests.conftest import Chat
from tests.helpers import Api, JumpClock
from tests.test_calls import Room, calls_in, events_until_marker, open_room
from tests.test_private import view
from tests.test_sse import EventStream

BACKENDS = ("sqlite", "postgresql")
RING_S = 10  # the ring timeout of these tests' server


@pytest.fixture
def server_clock() -> JumpClock:
    return JumpClock()


@pytest.fixture
def settings() -> dict[str, object]:
    return {"max_wait": 5.0, "rate_limit": 0, "signal_limit": 0, "ring_timeout": RING_S}


def signals(events: list[dict[str, Any]]) -> list[tuple[str, str, Any]]:
    """The call signals among a stream's events: (call_id, type, data)."""
    return [(e["data"]["call_id"], e["data"]["type"], e["data"]["data"]) for e in events if e.get("event") == "signal"]


def items(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e["data"] for e in events if e.get("event") is None]


async def until_item(stream: EventStream, kind: str) -> list[dict[str, Any]]:
    """The stream's events up to and with the first item of this kind."""
    seen: list[dict[str, Any]] = []
    while True:
        event = await stream.event()
        assert event is not None, seen
        seen.append(event)
        if event.get("event") is None and event["data"]["kind"] == kind:
            return seen


async def streams_of(room: Room, *who: str | None) -> list[EventStream]:
    return [await room.stream(name) for name in who]


def close_all(streams: list[EventStream]) -> None:
    for stream in streams:
        stream.close()


# -- busy ------------------------------------------------------------------------------------------


async def test_a_ring_declined_as_busy_leaves_a_busy_call_item(api: Api) -> None:
    room = await open_room(api)
    bob, cleo = opened = await streams_of(room, "bob", "cleo")
    try:
        assert (await room.signal("host", room.id("bob"), "ring", call_id="b1")).status == 202
        declined = await room.signal("bob", "hosts", "decline", call_id="b1", data={"reason": "busy"})
        assert declined.status == 202
        (item,) = calls_in(items(await until_item(bob, "call")))
        assert (item["call_id"], item["missed"], item["reason"], item["role"]) == ("b1", True, "busy", "host")
        assert calls_in(await view(api, room.slug, room.key)) == [item]
        assert (await api.say(room.slug, room.token("ann"), "marker")).status == 201
        assert await events_until_marker(cleo, "marker") == []
    finally:
        close_all(opened)


# -- the ring timeout ------------------------------------------------------------------------------


async def test_a_ring_ends_as_missed_after_the_ring_timeout(api: Api, chat: Chat, server_clock: JumpClock) -> None:
    room = await open_room(api)
    calls = chat.services.calls
    assert calls.ring_ms == RING_S * 1000
    bob = await room.stream("bob")
    try:
        assert (await room.signal("ann", room.id("bob"), "ring", call_id="t1")).status == 202
        server_clock.forward((RING_S - 1) * 1000)
        calls.sweep()  # what the sweeper does: not yet
        assert len(calls.calls) == 1
        server_clock.forward(2000)
        calls.sweep()
        assert calls.calls == {}
        seen = await until_item(bob, "call")
    finally:
        bob.close()
    assert signals(seen) == [("t1", "ring", {"media": "audio"}), ("t1", "hangup", {"reason": "no_answer"})]
    (item,) = calls_in(items(seen))
    assert item["missed"] is True and item["reason"] == "no_answer"


def test_the_ring_timeout_is_checked_on_the_command_line(tmp_path: Any) -> None:
    from tests.test_cli import run_cli

    db = str(tmp_path / "chat.db")
    for bad in (str(RING_S_MIN - 1), str(RING_S_MAX + 1), "soon"):
        refused = run_cli("serve", "--db", db, "--ring-timeout", bad)
        assert refused.returncode == 2 and "--ring-timeout" in refused.stderr, refused.stderr
        assert f"from {RING_S_MIN} to {RING_S_MAX}" in refused.stderr or "whole number" in refused.stderr
        assert "Traceback" not in refused.stderr
