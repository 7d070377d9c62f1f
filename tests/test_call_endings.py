"""How calls end (API.md 1.1, "Calls"), on both engines: an answer stops the callee's other
connections ringing (`answered_elsewhere`), never anyone else's; a ring declined as busy leaves a
`busy` item; an event that closes (on time, or early by its host) ends its calls, tells both
parties and keeps each call's line in their thread before the closing item; `--ring-timeout`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from tornado.ioloop import IOLoop

from chatserver.calls import RING_S_MAX, RING_S_MIN, ending
from chatserver.signal_boxes import Envelope
from chatserver.transcript import call_words
from tests.conftest import Chat
from tests.helpers import Api, JumpClock
from tests.test_calls import Room, calls_in, events_until_marker, open_room
from tests.test_private import view
from tests.test_sse import EventStream
from tests.waiting import until

BACKENDS = ("sqlite", "postgresql")
RING_S = 10  # the ring timeout of these tests' server


@pytest.fixture
def server_clock() -> JumpClock:
    return JumpClock()


@pytest.fixture
def settings() -> dict[str, object]:
    return {"max_wait": 5.0, "rate_limit": 0, "signal_limit": 0, "ring_timeout": RING_S}


@pytest.fixture(autouse=True)
def relayed(request: pytest.FixtureRequest) -> Iterator[None]:
    """A test ends once the server's own hangups it caused are relayed and its items appended: none
    is left pending when its store closes."""
    chat: Chat | None = request.getfixturevalue("chat") if "chat" in request.fixturenames else None
    yield
    if chat is not None:
        calls = chat.services.calls
        io_loop: IOLoop = request.getfixturevalue("io_loop")
        io_loop.run_sync(lambda: until(lambda: calls.unfinished() == 0, what="the relays and appends"))


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


async def until_end(stream: EventStream) -> list[dict[str, Any]]:
    """The stream's events until it ends (it does once the closing item has gone out)."""
    seen: list[dict[str, Any]] = []
    while (event := await stream.event()) is not None:
        seen.append(event)
    return seen


async def streams_of(room: Room, *who: str | None) -> list[EventStream]:
    return [await room.stream(name) for name in who]


def close_all(streams: list[EventStream]) -> None:
    for stream in streams:
        stream.close()


# -- answered elsewhere ----------------------------------------------------------------------------


async def test_an_answer_stops_the_callees_other_connections_ringing_and_nobody_elses(api: Api, chat: Chat) -> None:
    room = await open_room(api)
    maya = await api.post(f"/api/events/{room.slug}/moderators", {"name": "Maya"}, token=room.key)
    room.people["maya"] = (0, maya.body["key"])
    answering, other_host, moderator, ann, cleo = opened = await streams_of(room, "host", "host", "maya", "ann", "cleo")
    try:
        assert (await room.signal("ann", "hosts", "ring", call_id="e1")).status == 202
        answer = await room.signal("host", room.id("ann"), "answer", call_id="e1", data={"accept": True})
        assert answer.status == 202
        assert (await api.say(room.slug, room.token("ann"), "marker")).status == 201
        rang = [("e1", "ring", {"media": "audio"}), ("e1", "hangup", {"reason": "answered_elsewhere"})]
        for stream in (answering, other_host, moderator):  # the answering one too: its tab ignores it
            assert signals(await events_until_marker(stream, "marker")) == rang
        assert signals(await events_until_marker(ann, "marker")) == [("e1", "answer", {"accept": True})]
        assert await events_until_marker(cleo, "marker") == []
        # It changes no call: the call goes on, and ends as answered when a party hangs up.
        event_id = chat.store.recent.event(room.slug).id
        assert chat.services.calls.calls[(event_id, "e1")].answered_at is not None
        assert (await room.signal("ann", "hosts", "hangup", call_id="e1")).status == 202
        (item,) = calls_in(items(await until_item(ann, "call")))
        assert (item["call_id"], item["missed"], item["reason"]) == ("e1", False, "hangup")
    finally:
        close_all(opened)


async def test_a_participants_other_device_stops_ringing_when_one_answers(api: Api) -> None:
    room = await open_room(api)
    first, second, ann = opened = await streams_of(room, "bob", "bob", "ann")
    try:
        assert (await room.signal("ann", room.id("bob"), "ring", call_id="e2")).status == 202
        assert (await room.signal("bob", room.id("ann"), "answer", call_id="e2", data={"accept": True})).status == 202
        assert (await api.say(room.slug, room.token("cleo"), "marker")).status == 201
        for stream in (first, second):
            assert [kind for _, kind, _ in signals(await events_until_marker(stream, "marker"))] == ["ring", "hangup"]
        assert [kind for _, kind, _ in signals(await events_until_marker(ann, "marker"))] == ["answer"]
    finally:
        close_all(opened)
    # The ring is withdrawn, the notice is kept for a device that comes now: it stops nothing there.
    assert [(s["type"], s["data"]) for s in (await room.poll("bob"))["signals"]] == [
        ("hangup", {"reason": "answered_elsewhere"})
    ]


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


async def test_a_hangup_saying_the_call_found_no_path_or_lost_it_words_the_item() -> None:
    """call.js ends a call with no network path with `ice_failed`, one that lost its path mid-call
    with `connection_lost`: the item says `failed` or `lost`; any other reason is a plain hangup."""
    cases = [("hangup", {"reason": "ice_failed"}, "failed"), ("hangup", {"reason": "connection_lost"}, "lost"),
             ("hangup", {"reason": "whatever"}, "hangup"), ("hangup", {"reason": ["ice_failed"]}, "hangup"),
             ("hangup", None, "hangup"), ("decline", {"reason": "busy"}, "busy"), ("decline", None, "declined")]  # fmt: skip
    for kind, data, reason in cases:
        envelope = Envelope("x-1", 1, "p2", 2, "p1", 1, "ann", None, "c1", kind, data)
        assert ending(envelope) == reason, (kind, data)


async def test_the_hosts_closing_a_calls_line_end_it_with_its_item(api: Api) -> None:
    """Under "hosts" two participants may no longer signal each other, not even a hangup: the server
    ends their call (line_closed: an item, a hangup to both) and leaves a call with the hosts on;
    "off" then ends that one too."""
    room = await open_room(api)  # direct_messages: "everyone"
    ann, bob, cleo = opened = await streams_of(room, "ann", "bob", "cleo")
    try:
        assert (await room.signal("ann", room.id("bob"), "ring", call_id="p1", data={"media": "audio"})).status == 202
        assert (await room.signal("bob", room.id("ann"), "answer", call_id="p1")).status == 202
        assert (await room.signal("cleo", "hosts", "ring", call_id="h1", data={"media": "audio"})).status == 202
        assert (await room.signal("host", room.id("cleo"), "answer", call_id="h1")).status == 202
        patched = await api.patch(f"/api/events/{room.slug}", {"direct_messages": "hosts"}, token=room.key)
        assert patched.status == 200
        for stream in (ann, bob):
            seen = await until_item(stream, "call")
            assert ("p1", "hangup", {"reason": "line_closed"}) in signals(seen)
            (item,) = calls_in(items(seen))
            assert (item["call_id"], item["reason"], item["missed"]) == ("p1", "line_closed", False)
        patched = await api.patch(f"/api/events/{room.slug}", {"direct_messages": "off"}, token=room.key)
        assert patched.status == 200
        seen = await until_item(cleo, "call")
        assert ("h1", "hangup", {"reason": "line_closed"}) in signals(seen)
        assert [(c["call_id"], c["reason"]) for c in calls_in(items(seen))] == [("h1", "line_closed")]
        assert [c["call_id"] for c in calls_in(await view(api, room.slug, room.key))] == ["h1"]
    finally:
        close_all(opened)


# -- the event closes mid-call ---------------------------------------------------------------------


async def test_the_events_close_ends_its_calls_and_keeps_their_lines(
    api: Api, chat: Chat, server_clock: JumpClock
) -> None:
    room = await open_room(api)  # open for 3540 s more
    opened = await streams_of(room, "ann", "bob", "cleo", "host", None)
    try:
        assert (await room.signal("ann", room.id("bob"), "ring", call_id="k1", data={"media": "video"})).status == 202
        assert (await room.signal("bob", room.id("ann"), "answer", call_id="k1")).status == 202
        assert (await room.signal("cleo", "hosts", "ring", call_id="k2")).status == 202  # still ringing
        server_clock.forward(3_541_000)
        await chat.scheduler.rescan()  # what the scheduler's timer does at the close
        ann, bob, cleo, host, public = [await until_end(stream) for stream in opened]
    finally:
        close_all(opened)
    closed = ("hangup", {"reason": "closed"})
    assert [(kind, data) for call_id, kind, data in signals(ann) if call_id == "k1"][-1] == closed
    assert signals(bob)[-1] == ("k1", *closed)
    assert signals(cleo) == [("k2", *closed)]
    assert signals(host) == [("k2", "ring", {"media": "audio"}), ("k2", *closed)]
    assert signals(public) == []
    # One line per call, in the parties' thread only, just before the closing item.
    for seen, call_ids in ((ann, ["k1"]), (bob, ["k1"]), (cleo, ["k2"]), (host, ["k2"]), (public, [])):
        lines = calls_in(items(seen))
        assert [line["call_id"] for line in lines] == call_ids
        assert items(seen)[-1]["code"] == "closed"
        assert all(line["id"] < items(seen)[-1]["id"] and line["reason"] == "closed" for line in lines)
    (answered,) = calls_in(items(ann))
    assert answered["missed"] is False and answered["media"] == "video" and 3540 <= answered["duration_s"] <= 3543
    (ringing,) = calls_in(items(host))
    assert ringing["missed"] is True and ringing["duration_s"] == 0 and ringing["to"] == "hosts"
    assert chat.services.calls.calls == {}
    assert calls_in(await view(api, room.slug, room.token("bob"))) == [answered]  # stored so, read so


async def test_a_call_ends_when_the_host_closes_the_event_early(api: Api, chat: Chat) -> None:
    room = await open_room(api)
    ann, bob = opened = await streams_of(room, "ann", "bob")
    try:
        assert (await room.signal("ann", room.id("bob"), "ring", call_id="k3")).status == 202
        assert (await room.signal("bob", room.id("ann"), "answer", call_id="k3")).status == 202
        assert (await api.post(f"/api/events/{room.slug}/close", token=room.key)).status == 200
        for seen in (await until_end(ann), await until_end(bob)):
            assert signals(seen)[-1] == ("k3", "hangup", {"reason": "closed"})
            (line,) = calls_in(items(seen))
            assert line["reason"] == "closed" and line["missed"] is False
    finally:
        close_all(opened)
    assert chat.services.calls.calls == {}


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


def test_the_hosts_txt_export_says_how_each_call_ended() -> None:
    """A call's line in the .txt export (transcript.call_words): its length, or why it never began."""
    said = {
        "hangup": call_words({"media": "video", "duration_s": 125, "missed": False, "reason": "hangup"}),
        "lost": call_words({"media": "audio", "duration_s": 40, "missed": False, "reason": "lost"}),
        "failed": call_words({"media": "audio", "duration_s": 25, "missed": False, "reason": "failed"}),
        "no_answer": call_words({"media": "audio", "duration_s": 0, "missed": True, "reason": "no_answer"}),
        "busy": call_words({"media": "audio", "duration_s": 0, "missed": True, "reason": "busy"}),
        "declined": call_words({"media": "video", "duration_s": 0, "missed": True, "reason": "declined"}),
        "closed": call_words({"media": "audio", "duration_s": 0, "missed": True, "reason": "closed"}),
        "older": call_words({"media": "audio", "missed": True}),
    }
    assert said == {
        "hangup": "video call, 125 s", "lost": "audio call, 40 s (connection lost)",
        "failed": "audio call, could not connect", "no_answer": "missed audio call", "busy": "audio call, busy",
        "declined": "video call, declined", "closed": "audio call, ended by the close", "older": "missed audio call",
    }  # fmt: skip
