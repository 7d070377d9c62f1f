"""Calls (API.md 1.1, "Calls"), on both engines: signals reach their recipient alone on every path
(SSE, polls with signals=1, held polls answered early), are kept 60 s of the server clock at most
and bounded, follow private items' rights, their size and rate limits; a call's end appends one
private `call` item to the parties' thread only; the ICE configuration and its TURN credentials."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import time
from typing import Any

import pytest

from chatserver.calls import BOX_BYTES_MAX, BOX_SIGNALS_MAX, DATA_MAX, Envelope, SignalBoxes
from chatserver.ice import IceSettings, parse_ice_server, turn_credential
from chatserver.remote import PART_BYTES, Parts, split_note
from tests.conftest import Chat
from tests.helpers import Api, JumpClock, assert_error
from tests.test_private import view
from tests.test_sse import EventStream
from tests.waiting import until

BACKENDS = ("sqlite", "postgresql")
SECRET = "coturn-shared-secret"


@pytest.fixture
def server_clock() -> JumpClock:
    return JumpClock()


@pytest.fixture
def settings() -> dict[str, object]:
    ice = IceSettings(
        (parse_ice_server("stun:stun.example.org:3478"), parse_ice_server("turn:turn.example.org:3478?transport=udp")),
        SECRET,
        600,
    )
    return {"max_wait": 5.0, "rate_limit": 0, "signal_limit": 0, "ice": ice}


@pytest.fixture(autouse=True)
def quick_sweeps(request: pytest.FixtureRequest) -> None:
    """Rings are checked against the (moved) server clock this often, in the tests with a server."""
    if "chat" in request.fixturenames:
        request.getfixturevalue("chat").services.calls.sweep_s = 0.05


class Room:
    """An open event with direct messages between everyone, its host key and three participants."""

    def __init__(self, api: Api, slug: str, key: str, people: dict[str, tuple[int, str]]) -> None:
        self.api, self.slug, self.key, self.people = api, slug, key, people

    def id(self, name: str) -> int:
        return self.people[name][0]

    def token(self, name: str) -> str:
        return self.people[name][1] if name != "host" else self.key

    async def signal(self, sender: str, to: Any, kind: str = "candidate", call_id: str = "c1", **extra: Any) -> Any:
        body: dict[str, Any] = {"to": to, "call_id": call_id, "type": kind, **extra}
        if kind == "ring" and "data" not in extra:
            body["data"] = {"media": "audio"}
        return await self.api.post(f"/api/events/{self.slug}/calls/signals", body, token=self.token(sender))

    async def poll(self, who: str | None, query: str = "signals=1", after: int = 0) -> Any:
        token = self.token(who) if who is not None else None
        reply = await self.api.get(f"/api/events/{self.slug}/messages?after={after}&{query}", token=token)
        assert reply.status == 200, reply.body
        return reply.body

    async def stream(self, who: str | None) -> EventStream:
        port = int(self.api.base_url.rsplit(":", 1)[1])
        cursor = (await self.poll(None, "limit=1000"))["cursor"]
        token = self.token(who) if who is not None else None
        stream = await EventStream.open(port, f"/api/events/{self.slug}/stream?after={cursor}", token=token)
        assert stream.status == 200
        assert (await stream.event() or {}).get("event") == "state"
        return stream


async def open_room(api: Api, direct_messages: str = "everyone") -> Room:
    created = await api.create_event(direct_messages=direct_messages)
    slug = created["event"]["slug"]
    people = {name: await api.join(slug, name) for name in ("ann", "bob", "cleo")}
    return Room(api, slug, created["host_key"], people)


async def events_until_marker(stream: EventStream, marker: str) -> list[dict[str, Any]]:
    """The stream's events up to the message whose body is marker (that one excluded)."""
    seen: list[dict[str, Any]] = []
    while True:
        event = await stream.event()
        assert event is not None, seen
        if event.get("event") is None and event["data"].get("body") == marker:
            return seen
        seen.append(event)


def calls_in(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [item for item in items if item["kind"] == "call"]


# -- delivery --------------------------------------------------------------------------------------


async def test_a_signal_reaches_its_recipient_alone_on_streams_and_polls(api: Api) -> None:
    room = await open_room(api)
    streams = {who: await room.stream(who) for who in ("bob", "cleo", "host", None)}
    try:
        offer = {"sdp": "v=0 ...", "kind": "offer"}
        sent = await room.signal("ann", room.id("bob"), "offer", data=offer)
        assert sent.status == 202, sent.body
        assert isinstance(sent.body["signal"]["id"], str)
        framed = await streams["bob"].event()
        assert framed is not None and framed["event"] == "signal" and "id" not in framed  # no cursor moved
        assert framed["data"] == {
            "id": sent.body["signal"]["id"], "from": room.id("ann"), "from_name": "ann", "call_id": "c1",
            "type": "offer", "data": offer,
        }  # fmt: skip
        assert (await api.say(room.slug, room.token("ann"), "marker")).status == 201
        for who in ("cleo", "host", None):
            assert await events_until_marker(streams[who], "marker") == [], who
        assert await events_until_marker(streams["bob"], "marker") == []  # and the signal only once
    finally:
        for stream in streams.values():
            stream.close()
    # Polls that ask: the recipient's alone carries it; no cursor moves, no item is added.
    assert [s["type"] for s in (await room.poll("bob"))["signals"]] == ["offer"]
    for who in ("ann", "cleo", "host", None):
        assert (await room.poll(who))["signals"] == [], who
    assert "signals" not in await room.poll("bob", "limit=10")
    everything = await view(api, room.slug, room.token("bob"))
    assert [item["body"] for item in everything if item["kind"] == "message"] == ["marker"]
    # A host's signal to a participant, and the participant's to the hosts: every host and moderator.
    mod = (await api.post(f"/api/events/{room.slug}/moderators", {"name": "Maya"}, token=room.key)).body["key"]
    assert (await room.signal("host", room.id("cleo"), "answer", call_id="c2")).status == 202
    assert [s["from"] for s in (await room.poll("cleo"))["signals"]] == ["host"]
    assert (await room.signal("cleo", "hosts", "candidate", call_id="c2")).status == 202
    for key in (room.key, mod):
        reply = await api.get(f"/api/events/{room.slug}/messages?after=0&signals=1", token=key)
        assert [(s["from"], s["type"]) for s in reply.body["signals"]] == [(room.id("cleo"), "candidate")]
    assert [s["type"] for s in (await room.poll("bob"))["signals"]] == ["offer"]


async def test_a_held_poll_that_asked_is_answered_early_and_the_cursor_skips_what_it_had(api: Api) -> None:
    room = await open_room(api)
    cursor = (await room.poll(None))["cursor"]
    held = asyncio.ensure_future(room.poll("bob", "signals=1&wait=4", after=cursor))
    plain = asyncio.ensure_future(room.poll("bob", "wait=1", after=cursor))
    await asyncio.sleep(0.2)
    started = time.monotonic()
    assert (await room.signal("ann", room.id("bob"), "ring")).status == 202
    answer = await held
    assert time.monotonic() - started < 2
    assert answer["messages"] == [] and answer["cursor"] == cursor
    assert [(s["type"], s["data"]) for s in answer["signals"]] == [("ring", {"media": "audio"})]
    assert "signals" not in await plain  # a poll that did not ask is not woken, and gets none
    # signals_after: the next poll has only what is newer; a new connection gets all that is kept.
    after = answer["signals_cursor"]
    assert (await room.poll("bob", f"signals=1&signals_after={after}"))["signals"] == []
    assert (await room.signal("ann", room.id("bob"), "offer")).status == 202
    assert [s["type"] for s in (await room.poll("bob", f"signals=1&signals_after={after}"))["signals"]] == ["offer"]
    assert [s["type"] for s in (await room.poll("bob"))["signals"]] == ["ring", "offer"]
    # A tab opened while the call rings rings too: its stream starts with what is kept.
    stream = await room.stream("bob")
    try:
        assert [(await stream.event() or {}).get("data", {}).get("type") for _ in range(2)] == ["ring", "offer"]
    finally:
        stream.close()


async def test_signals_are_kept_60_seconds_of_the_server_clock(api: Api, server_clock: JumpClock) -> None:
    room = await open_room(api)
    assert (await room.signal("ann", room.id("bob"), "candidate")).status == 202
    server_clock.forward(59_000)
    assert len((await room.poll("bob"))["signals"]) == 1
    server_clock.forward(2_000)
    assert (await room.poll("bob"))["signals"] == []
    stream = await room.stream("bob")
    try:
        assert (await api.say(room.slug, room.token("ann"), "marker")).status == 201
        assert await events_until_marker(stream, "marker") == []
    finally:
        stream.close()


# -- rights and limits -----------------------------------------------------------------------------


async def test_signalling_takes_the_rights_of_a_private_message(api: Api, chat: Chat) -> None:
    room = await open_room(api, direct_messages="hosts")
    bob = room.id("bob")
    assert_error(await room.signal("ann", bob), 403, "forbidden")  # participants write to the hosts only
    assert (await room.signal("ann", "hosts")).status == 202
    assert (await room.signal("host", bob)).status == 202  # a host may write to anyone
    assert_error(await room.signal("host", "hosts"), 400, "invalid_request", "to")
    path = f"/api/events/{room.slug}/calls/signals"
    body = {"to": "hosts", "call_id": "c1", "type": "hangup"}
    assert_error(await api.post(path, body), 401, "unauthorized")
    assert_error(await api.post(path, body, token="not-a-token"), 401, "unauthorized")
    other = await api.create_event()
    _, stranger = await api.join(other["event"]["slug"], "stranger")
    assert_error(await api.post(path, body, token=stranger), 401, "unauthorized")
    assert (await api.patch(f"/api/events/{room.slug}", {"direct_messages": "everyone"}, token=room.key)).status == 200
    assert (await room.signal("ann", bob)).status == 202
    assert_error(await room.signal("ann", room.id("ann")), 400, "invalid_request", "to")
    assert_error(await room.signal("ann", 999_999), 400, "invalid_request", "to")
    for bad in ({"to": bob, "call_id": "", "type": "offer"}, {"to": bob, "call_id": "a b", "type": "offer"},
                {"to": bob, "call_id": "x" * 65, "type": "offer"}, {"to": bob, "call_id": "c", "type": "chat"},
                {"to": bob, "call_id": "c", "type": "offer", "data": [1]}, {"call_id": "c", "type": "offer"},
                {"to": bob, "call_id": "c", "type": "ring"}, {"to": bob, "call_id": "c", "type": "ring",
                 "data": {"media": "fax"}}):  # fmt: skip
        assert (await api.post(path, bad, token=room.token("ann"))).status == 400, bad
    mute = await api.post(
        f"/api/events/{room.slug}/participants/{room.id('cleo')}/mute", {"minutes": 5}, token=room.key
    )
    assert mute.status == 200, mute.body
    assert_error(await room.signal("cleo", "hosts"), 403, "muted")
    assert (await api.post(f"/api/events/{room.slug}/participants/{bob}/ban", token=room.key)).status == 200
    assert_error(await room.signal("bob", "hosts"), 403, "banned")
    assert_error(await room.signal("ann", bob), 403, "forbidden")  # nor does a banned one get any
    assert (await api.patch(f"/api/events/{room.slug}", {"direct_messages": "off"}, token=room.key)).status == 200
    assert_error(await room.signal("ann", "hosts"), 403, "forbidden")
    assert (await api.post(f"/api/events/{room.slug}/close", token=room.key)).status == 200
    assert_error(await room.signal("host", room.id("ann")), 410, "event_closed")
    scheduled = await api.create_event(starts_in=600)
    _, early = await api.join(scheduled["event"]["slug"], "early")
    reply = await api.post(f"/api/events/{scheduled['event']['slug']}/calls/signals", body, token=early)
    assert_error(reply, 409, "not_open")


async def test_data_over_16_kib_is_413_and_bodies_are_bounded(api: Api) -> None:
    room = await open_room(api)
    overhead = len('{"blob":""}')
    assert (await room.signal("ann", room.id("bob"), data={"blob": "x" * (DATA_MAX - overhead)})).status == 202
    over = await room.signal("ann", room.id("bob"), data={"blob": "x" * (DATA_MAX - overhead + 1)})
    assert_error(over, 413, "too_large", "data")
    assert_error(await room.signal("ann", room.id("bob"), data={"blob": "é" * DATA_MAX}), 413, "too_large")
    huge = await room.signal("ann", room.id("bob"), data={"blob": "x" * (1024 * 1024)})
    assert_error(huge, 413, "too_large")
    assert len((await room.poll("bob"))["signals"]) == 1


async def test_signals_have_a_rate_limit_of_their_own(api: Api, chat: Chat) -> None:
    room = await open_room(api)
    chat.services.signal_limiter.limit = 3
    for _ in range(3):
        assert (await room.signal("ann", room.id("bob"))).status == 202
    refused = await room.signal("ann", room.id("bob"))
    assert_error(refused, 429, "rate_limited")
    assert int(refused.headers["Retry-After"]) >= 1
    assert (await room.signal("cleo", room.id("bob"))).status == 202  # per sender
    assert (await api.say(room.slug, room.token("ann"), "posting is counted apart")).status == 201


async def test_a_hostile_sender_cannot_grow_a_recipients_box(api: Api, chat: Chat) -> None:
    room = await open_room(api)
    blob = "y" * 8000
    for n in range(BOX_SIGNALS_MAX + 60):
        reply = await room.signal("ann", room.id("bob"), data={"n": n, "blob": blob if n % 2 else ""})
        assert reply.status == 202
    count, size = chat.services.calls.boxes.held(chat.store.recent.event(room.slug).id, f"p{room.id('bob')}")
    assert count <= BOX_SIGNALS_MAX and size <= BOX_BYTES_MAX
    kept = (await room.poll("bob"))["signals"]
    assert kept[-1]["data"]["n"] == BOX_SIGNALS_MAX + 59  # the oldest went first
    assert len(kept) == count


def test_the_boxes_drop_the_oldest_past_every_bound() -> None:
    now = [0]
    boxes = SignalBoxes(lambda: now[0], ttl_ms=1000, box_signals=3, box_bytes=10_000, total_bytes=2_500)

    def envelope(n: int, to: str, size: int = 10) -> Envelope:
        return Envelope(str(n), 1, to, 1, "p9", 9, "x", None, "c", "candidate", {"b": "z" * size})

    for n in range(5):
        boxes.put(envelope(n, "p1"))
    assert [s.envelope.id for s in boxes.after(1, "p1", 0)] == ["2", "3", "4"]
    for n in range(5, 10):
        boxes.put(envelope(n, "p2", 700))
    assert boxes.bytes <= 2_500
    assert [s.envelope.id for s in boxes.after(1, "p2", 0)] == ["7", "8", "9"]
    assert [s.envelope.id for s in boxes.after(1, "p1", 0)] == ["4"]  # all boxes together: the oldest first
    now[0] = 1000
    boxes.expire(now[0])
    assert boxes.after(1, "p2", 0) == [] and boxes.bytes == 0


async def test_a_caller_has_a_few_calls_at_once(api: Api) -> None:
    room = await open_room(api)
    for n in range(4):
        assert (await room.signal("ann", room.id("bob"), "ring", call_id=f"k{n}")).status == 202
    assert_error(await room.signal("ann", room.id("cleo"), "ring", call_id="k5"), 429, "rate_limited")
    assert (await room.signal("ann", room.id("bob"), "hangup", call_id="k0")).status == 202
    assert (await room.signal("ann", room.id("cleo"), "ring", call_id="k5")).status == 202


# -- calls and their items -------------------------------------------------------------------------


async def test_a_ring_nobody_answers_is_a_missed_call_after_45_seconds(
    api: Api, chat: Chat, server_clock: JumpClock
) -> None:
    room = await open_room(api)
    assert (await room.signal("ann", room.id("bob"), "ring", call_id="m1", data={"media": "video"})).status == 202
    assert (await room.signal("ann", room.id("bob"), "offer", call_id="m1")).status == 202
    server_clock.forward(44_000)
    await asyncio.sleep(0.3)
    assert calls_in(await view(api, room.slug, room.token("ann"))) == []
    server_clock.forward(2_000)

    async def missed() -> list[dict[str, Any]]:
        return calls_in(await view(api, room.slug, room.token("ann")))

    deadline = time.monotonic() + 5
    while not await missed():
        assert time.monotonic() < deadline, "no missed call"
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.3)
    (item,) = await missed()
    assert {k: item[k] for k in ("kind", "call_id", "to", "media", "duration_s", "missed", "private")} == {
        "kind": "call", "call_id": "m1", "to": room.id("bob"), "media": "video", "duration_s": 0,
        "missed": True, "private": True,
    }  # fmt: skip
    assert item["author"] == "ann" and item["participant_id"] == room.id("ann")
    assert calls_in(await view(api, room.slug, room.token("bob"))) == [item]
    for who in (room.token("cleo"), room.key, None):
        assert calls_in(await view(api, room.slug, who)) == []
    # Both sides are told to stop, and the ring is no longer kept for a tab opened now.
    assert [(s["type"], s["data"]) for s in (await room.poll("bob"))["signals"]] == [
        ("hangup", {"reason": "no_answer"})
    ]
    assert [s["type"] for s in (await room.poll("ann"))["signals"]] == ["hangup"]
    transcript = await api.get(f"/e/{room.slug}/transcript.json")
    assert "m1" not in str(transcript.body)
    search = await api.get(f"/api/events/{room.slug}/search?q=m1")
    assert search.body["results"] == []


async def test_an_answered_call_hung_up_has_its_duration_in_the_hosts_thread(
    api: Api, chat: Chat, server_clock: JumpClock
) -> None:
    room = await open_room(api)
    assert (await room.signal("ann", "hosts", "ring", call_id="h1")).status == 202
    assert (await room.signal("host", room.id("ann"), "answer", call_id="h1")).status == 202
    # Once answered, the ring is no longer kept: only the notice that stops the others' rings.
    assert [(s["type"], s["data"]) for s in (await room.poll("host"))["signals"]] == [
        ("hangup", {"reason": "answered_elsewhere"})
    ]
    server_clock.forward(90_000)  # past the ring's 45 s: answered, so not missed
    await asyncio.sleep(0.2)
    assert (await room.signal("ann", "hosts", "hangup", call_id="h1")).status == 202
    await until(lambda: chat.services.calls.calls == {}, what="the call ended")

    async def items(token: str | None) -> list[dict[str, Any]]:
        return calls_in(await view(api, room.slug, token))

    deadline = time.monotonic() + 5
    while not await items(room.key):
        assert time.monotonic() < deadline
        await asyncio.sleep(0.05)
    (item,) = await items(room.key)
    assert item["to"] == "hosts" and item["missed"] is False and item["media"] == "audio"
    assert 90 <= item["duration_s"] <= 92
    assert await items(room.token("ann")) == [item]
    assert await items(room.token("bob")) == [] and await items(None) == []
    # A second hangup (the other side's) adds nothing.
    assert (await room.signal("host", room.id("ann"), "hangup", call_id="h1")).status == 202
    await asyncio.sleep(0.3)
    assert len(await items(room.key)) == 1
    hosts = await api.get(f"/e/{room.slug}/transcript.json", token=room.key)
    assert [m["call_id"] for m in hosts.body["messages"] if m["kind"] == "call"] == ["h1"]
    text = (await api.get(f"/e/{room.slug}/transcript.txt", token=room.key)).body
    assert f"* ann -> hosts: audio call, {item['duration_s']} s" in text
    assert "audio call" not in (await api.get(f"/e/{room.slug}/transcript.txt")).body
    assert "h1" not in str((await api.get(f"/e/{room.slug}/transcript.json")).body)


async def test_a_call_between_two_participants_is_theirs_alone(api: Api, chat: Chat, server_clock: JumpClock) -> None:
    room = await open_room(api)  # direct_messages: "everyone"
    ann, bob = room.id("ann"), room.id("bob")
    streams = {who: await room.stream(who) for who in ("bob", "cleo", "host", None)}
    try:
        ring = await room.signal("ann", bob, "ring", call_id="pp1", data={"media": "video"})
        assert ring.status == 202, ring.body
        framed = await streams["bob"].event()
        assert framed is not None and framed["event"] == "signal"
        assert {k: framed["data"][k] for k in ("from", "from_name", "type", "data")} == {
            "from": ann, "from_name": "ann", "type": "ring", "data": {"media": "video"},
        }  # fmt: skip
        assert (await api.say(room.slug, room.token("ann"), "marker")).status == 201
        for who in ("cleo", "host", None):
            assert await events_until_marker(streams[who], "marker") == [], who
    finally:
        for stream in streams.values():
            stream.close()
    for who in ("ann", "cleo", "host", None):
        assert (await room.poll(who))["signals"] == [], who
    assert (await room.signal("bob", ann, "answer", call_id="pp1", data={"accept": True})).status == 202
    assert [s["type"] for s in (await room.poll("ann"))["signals"]] == ["answer"]
    # Answered: the ring is withdrawn; what stays tells bob's other devices it was answered elsewhere.
    assert [(s["type"], s["data"]) for s in (await room.poll("bob"))["signals"]] == [
        ("hangup", {"reason": "answered_elsewhere"})
    ]
    server_clock.forward(30_000)
    assert (await room.signal("ann", bob, "hangup", call_id="pp1")).status == 202
    await until(lambda: chat.services.calls.calls == {}, what="the call ended")

    async def items(who: str | None) -> list[dict[str, Any]]:
        return calls_in(await view(api, room.slug, room.token(who) if who is not None else None))

    deadline = time.monotonic() + 5
    while not await items("bob"):
        assert time.monotonic() < deadline, "no call item"
        await asyncio.sleep(0.05)
    (item,) = await items("bob")
    assert {k: item[k] for k in ("call_id", "to", "media", "missed", "reason", "participant_id", "author")} == {
        "call_id": "pp1", "to": bob, "media": "video", "missed": False, "reason": "hangup",
        "participant_id": ann, "author": "ann",
    }  # fmt: skip
    assert 30 <= item["duration_s"] <= 32 and "role" not in item
    assert await items("ann") == [item]
    for who in ("cleo", "host", None):
        assert await items(who) == [], who

    # Where participants may no longer write to each other, they may not call each other either.
    for policy in ("hosts", "off"):
        assert (await api.patch(f"/api/events/{room.slug}", {"direct_messages": policy}, token=room.key)).status == 200
        assert_error(await room.signal("ann", bob, "ring", call_id="pp2"), 403, "forbidden")
        assert_error(await room.signal("bob", ann, "candidate", call_id="pp1"), 403, "forbidden")
    assert [(s["call_id"], s["type"]) for s in (await room.poll("bob"))["signals"]] == [("pp1", "hangup")]


async def test_a_declined_call_from_the_host(api: Api, chat: Chat) -> None:
    room = await open_room(api)
    assert (await room.signal("host", room.id("bob"), "ring", call_id="d1")).status == 202
    assert (await room.signal("cleo", room.id("bob"), "decline", call_id="d1")).status == 202  # not a party
    assert (await room.signal("bob", "hosts", "decline", call_id="d1")).status == 202
    await until(lambda: chat.services.calls.calls == {}, what="the call ended")
    deadline = time.monotonic() + 5
    while not calls_in(await view(api, room.slug, room.token("bob"))):
        assert time.monotonic() < deadline
        await asyncio.sleep(0.05)
    (item,) = calls_in(await view(api, room.slug, room.token("bob")))
    assert item["role"] == "host" and item["to"] == room.id("bob") and item["missed"] is True
    assert item["reason"] == "declined"
    assert calls_in(await view(api, room.slug, room.key)) == [item]
    assert calls_in(await view(api, room.slug, room.token("cleo"))) == []


# -- the ICE configuration -------------------------------------------------------------------------


async def test_the_ice_configuration_gives_turn_credentials_to_callers_only(api: Api, server_clock: JumpClock) -> None:
    room = await open_room(api)
    path = f"/api/events/{room.slug}/calls/config"
    public = await api.get(path)
    assert public.status == 200 and public.body["ice_servers"] == [{"urls": ["stun:stun.example.org:3478"]}]
    assert "server_time" in public.body
    now_s = server_clock() // 1000
    for who, name in ((room.token("ann"), str(room.id("ann"))), (room.key, "host")):
        servers = (await api.get(path, token=who)).body["ice_servers"]
        assert servers[0] == {"urls": ["stun:stun.example.org:3478"]}
        turn = servers[1]
        expiry, _, user = turn["username"].partition(":")
        assert user == name and now_s + 599 <= int(expiry) <= now_s + 602
        expected = base64.b64encode(hmac.new(SECRET.encode(), turn["username"].encode(), hashlib.sha1).digest())
        assert turn["credential"] == expected.decode() == turn_credential(SECRET, turn["username"])
        assert turn["urls"] == ["turn:turn.example.org:3478?transport=udp"]
    assert_error(await api.get(path, token="wrong"), 401, "unauthorized")


def test_ice_servers_are_checked() -> None:
    assert parse_ice_server("stun:a.example:3478,stun:b.example").urls == ("stun:a.example:3478", "stun:b.example")
    for bad in ("http://x", "turn:user:pw@host", "stun:a,turn:b", "", "stun:host:99999"):
        with pytest.raises(ValueError):
            parse_ice_server(bad)
    with pytest.raises(ValueError):
        IceSettings((parse_ice_server("turn:t.example"),))  # TURN without the shared secret
    assert IceSettings().for_caller("1", 0) == []


def test_a_long_note_travels_in_parts_and_is_put_together() -> None:
    note = "c " + "é" * 9000 + "x" * 10_000
    parts = split_note(note)
    assert parts is not None and len(parts) > 2
    assert all(len(part.encode()) < PART_BYTES + 64 for part in parts)
    joined = Parts()
    assert [joined.add(part) for part in parts][-1] == note
    assert split_note("c short") is None
    assert Parts().add(parts[1]) is None  # its first part lost: dropped


def test_the_ice_options_are_checked_on_the_command_line(tmp_path: Any) -> None:
    from tests.test_cli import run_cli

    db = str(tmp_path / "chat.db")
    no_secret = run_cli("serve", "--db", db, "--ice-server", "turn:turn.example.org:3478")
    assert no_secret.returncode == 2 and "--turn-secret" in no_secret.stderr and "Traceback" not in no_secret.stderr
    bad = run_cli("serve", "--db", db, "--ice-server", "http://stun.example.org")
    assert bad.returncode == 2 and "--ice-server" in bad.stderr
    ttl = run_cli("serve", "--db", db, "--turn-ttl", "5")
    assert ttl.returncode == 2 and "--turn-ttl" in ttl.stderr
