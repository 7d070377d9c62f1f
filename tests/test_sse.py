"""The SSE stream (GET /api/events/<slug>/stream): the poll's items, exactly once, resumable."""

from __future__ import annotations

import asyncio
import json
import re
import socket
from typing import Any

import pytest

from chatserver import sse_stream
from tests.conftest import Chat
from tests.helpers import TIME_RE, Api
from tests.waiting import until

BACKENDS = ("sqlite", "postgresql")  # the same tests on both engines (tests/conftest.py)
CHUNK_HEAD = re.compile(rb"[0-9a-f]+\r\n")  # a chunk's size line, as Tornado and the fast path write it


@pytest.fixture
def settings() -> dict[str, object]:
    return {"max_wait": 5.0, "rate_limit": 0}


class EventStream:
    """A raw HTTP/1.1 client reading one SSE response event by event."""

    strict = False  # fail on any flaw in the chunked framing instead of taking it as the end

    def __init__(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, status: int, headers: dict[str, str]
    ) -> None:
        self.reader, self.writer, self.status, self.headers = reader, writer, status, headers
        self._pending = ""  # body text read but not yet split into lines

    @classmethod
    async def open(
        cls,
        port: int,
        path: str,
        last_event_id: str | None = None,
        token: str | None = None,
        receive_buffer: int | None = None,
    ) -> EventStream:
        """receive_buffer: a small one makes a client that stops reading take little off the server."""
        sock = socket.socket()
        if receive_buffer is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
        sock.setblocking(False)
        await asyncio.get_running_loop().sock_connect(sock, ("127.0.0.1", port))
        reader, writer = await asyncio.open_connection(sock=sock)
        extra = f"Last-Event-ID: {last_event_id}\r\n" if last_event_id is not None else ""
        extra += f"Authorization: Bearer {token}\r\n" if token is not None else ""
        writer.write(f"GET {path} HTTP/1.1\r\nHost: test\r\nAccept: text/event-stream\r\n{extra}\r\n".encode())
        status = int((await reader.readline()).split()[1])
        headers: dict[str, str] = {}
        while line := (await reader.readline()).decode().strip():
            name, _, value = line.partition(":")
            headers[name.lower()] = value.strip()
        return cls(reader, writer, status, headers)

    async def chunk_line(self) -> str | None:
        """The next line of the chunked body (None at its end)."""
        while True:
            line, newline, rest = self._pending.partition("\n")
            if newline:
                self._pending = rest
                return line
            head = await asyncio.wait_for(self.reader.readline(), 5)
            assert not self.strict or not head or CHUNK_HEAD.fullmatch(head), head
            if not head.strip():
                return None  # the server closed the connection mid-stream
            size = int(head.strip(), 16)
            if size == 0:
                return None
            try:
                data = await self.reader.readexactly(size + 2)
            except asyncio.IncompleteReadError:
                return None  # cut off inside a chunk: what came of it is no whole event
            assert not self.strict or data.endswith(b"\r\n"), data[-10:]
            self._pending += data[:-2].decode()

    async def event(self) -> dict[str, Any] | None:
        """The next event: {"id", "event", "data"} (comments skipped), or None when the stream ends."""
        fields: dict[str, Any] = {}
        while True:
            line = await self.chunk_line()
            if line is None:
                return None
            if line == "":
                if "data" in fields:
                    fields["data"] = json.loads(fields["data"])
                    return fields
                fields = {}
                continue
            if line.startswith(":"):
                continue
            name, _, value = line.partition(": ")
            fields[name] = value

    async def items(self, count: int) -> list[dict[str, Any]]:
        got: list[dict[str, Any]] = []
        while len(got) < count:
            ev = await self.event()
            assert ev is not None, got
            if ev.get("event") is None:
                assert int(ev["id"]) == ev["data"]["id"]  # the SSE id is the cursor
                got.append(ev["data"])
        return got

    def close(self) -> None:
        self.writer.close()


async def test_the_stream_carries_the_polls_items_then_new_ones(
    api: Api, chat: Chat, http_server_port: tuple[object, int]
) -> None:
    slug = (await api.create_event())["event"]["slug"]
    _, token = await api.join(slug, "alice")
    await api.say(slug, token, "before")
    polled = await api.read_all(slug)
    stream = await EventStream.open(http_server_port[1], f"/api/events/{slug}/stream")
    assert stream.status == 200 and stream.headers["content-type"].startswith("text/event-stream")
    first = await stream.event()
    assert first is not None and first["event"] == "state" and first["data"]["state"] == "open"
    assert TIME_RE.match(first["data"]["server_time"])
    assert await stream.items(len(polled)) == polled  # the same items, the same JSON
    await until(lambda: chat.services.open_streams == 1, what="the stream to be counted")
    assert "chatserver_open_streams 1" in (await api.get("/metrics")).body
    assert chat.broker.held_polls == 0  # a stream is not a held poll

    posted = (await api.say(slug, token, "live")).body["message"]
    assert await stream.items(1) == [posted]
    stream.close()
    await until(lambda: chat.services.open_streams == 0 and chat.broker.waiting() == 0, what="the stream to be freed")


async def test_reconnecting_with_last_event_id_resumes_exactly_once(
    api: Api, chat: Chat, http_server_port: tuple[object, int]
) -> None:
    slug = (await api.create_event())["event"]["slug"]
    _, token = await api.join(slug, "alice")
    for n in range(5):
        await api.say(slug, token, f"m{n}")
    everything = await api.read_all(slug)
    port = http_server_port[1]
    stream = await EventStream.open(port, f"/api/events/{slug}/stream")
    seen = await stream.items(3)
    stream.close()
    for n in range(5, 8):
        await api.say(slug, token, f"m{n}")
    everything = await api.read_all(slug)
    again = await EventStream.open(port, f"/api/events/{slug}/stream", last_event_id=str(seen[-1]["id"]))
    seen += await again.items(len(everything) - 3)
    assert seen == everything  # no gap, no repeat
    again.close()


async def test_closing_ends_the_stream_and_a_finished_one_says_204(
    api: Api, chat: Chat, http_server_port: tuple[object, int]
) -> None:
    created = await api.create_event()
    slug, key = created["event"]["slug"], created["host_key"]
    port = http_server_port[1]
    newest = (await api.read_all(slug))[-1]["id"]
    stream = await EventStream.open(port, f"/api/events/{slug}/stream?after={newest}")
    assert (await stream.event() or {})["data"]["state"] == "open"
    await api.post(f"/api/events/{slug}/close", token=key)
    closed_item = (await stream.items(1))[0]
    assert closed_item["kind"] == "system" and closed_item["code"] == "closed"
    closing = await stream.event()
    assert closing is not None and closing["event"] == "state" and closing["data"]["state"] == "closed"
    assert await stream.event() is None  # the response ends: nothing more can come

    done = await EventStream.open(port, f"/api/events/{slug}/stream", last_event_id=str(closed_item["id"]))
    assert done.status == 204  # EventSource stops reconnecting
    done.close()


async def test_bad_cursors_get_the_polls_errors(api: Api, http_server_port: tuple[object, int]) -> None:
    slug = (await api.create_event())["event"]["slug"]
    port = http_server_port[1]
    bad = await api.get(f"/api/events/{slug}/stream?after=-1")
    assert bad.status == 400 and bad.error_code == "invalid_request"
    ahead = await EventStream.open(port, f"/api/events/{slug}/stream", last_event_id="999")
    assert ahead.status == 409
    ahead.close()
    assert (await api.get("/api/events/nosuchroom/stream")).status == 404


async def test_shutdown_answers_open_streams(api: Api, chat: Chat, http_server_port: tuple[object, int]) -> None:
    slug = (await api.create_event())["event"]["slug"]
    newest = (await api.read_all(slug))[-1]["id"]
    stream = await EventStream.open(http_server_port[1], f"/api/events/{slug}/stream?after={newest}")
    await stream.event()
    await until(lambda: chat.services.open_streams == 1, what="the stream to be open")
    chat.broker.shutdown()
    assert await stream.event() is None


async def test_a_stream_with_a_token_is_online_and_carries_read_receipts(
    api: Api, chat: Chat, http_server_port: tuple[object, int]
) -> None:
    slug = (await api.create_event())["event"]["slug"]
    alice_id, alice = await api.join(slug, "alice")
    bob_id, bob = await api.join(slug, "bob")
    newest = (await api.say(slug, alice, "read me")).body["message"]["id"]
    presence = chat.services.presence
    presence.window_s = 0.2
    # What joining and posting counted passes: both are offline before the stream opens.
    await until(lambda: not presence.is_online(alice_id) and not presence.is_online(bob_id), what="both offline")
    stream = await EventStream.open(
        http_server_port[1], f"/api/events/{slug}/stream?after={newest}&reads=0", token=alice
    )
    assert (await stream.event() or {}).get("event") == "state"
    people = (await api.get(f"/api/events/{slug}/participants")).body["participants"]
    assert {p["nickname"]: p["online"] for p in people} == {"alice": True, "bob": False}

    assert (await api.post(f"/api/events/{slug}/reads", {"last_read_id": newest}, token=bob)).status == 200
    receipts = await stream.event()
    assert receipts is not None and receipts["event"] == "reads"
    assert {"participant_id": bob_id, "nickname": "bob", "last_read_id": newest} in receipts["data"]["by"]
    stream.close()


async def test_a_stream_behind_memory_reads_the_disk_then_goes_on_live(
    api: Api, chat: Chat, http_server_port: tuple[object, int]
) -> None:
    slug = (await api.create_event())["event"]["slug"]
    _, token = await api.join(slug, "alice")
    for n in range(3):
        await api.say(slug, token, f"old {n}")
    everything = await api.read_all(slug)
    chat.store.recent._tails.clear()  # as after a restart: none of it is in memory any more
    stream = await EventStream.open(http_server_port[1], f"/api/events/{slug}/stream")
    assert await stream.items(len(everything)) == everything
    posted = (await api.say(slug, token, "new")).body["message"]
    assert await stream.items(1) == [posted]
    stream.close()


async def test_a_stream_that_stops_reading_is_dropped_and_resumes_without_loss(
    api: Api, chat: Chat, http_server_port: tuple[object, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sse_stream, "STALL_S", 0.5)
    slug = (await api.create_event())["event"]["slug"]
    _, token = await api.join(slug, "alice")
    path = f"/api/events/{slug}/stream"
    stalled = await EventStream.open(http_server_port[1], path, receive_buffer=4096)
    await until(lambda: chat.services.open_streams == 1, what="the stream to be open")
    for n in range(400):  # 4.8 MB: more than the kernel's buffers take for a client that reads nothing
        assert (await api.say(slug, token, f"{n} " + "中" * 3990)).status == 201
    # The stream was never sent more than it could take, and once it took nothing for STALL_S the
    # server let it go.
    await until(lambda: chat.services.open_streams == 0, timeout=15, what="the stalled stream to be dropped")
    received: list[dict[str, Any]] = []
    while (event := await stalled.event()) is not None:
        if event.get("event") is None:
            received.append(event["data"])
    stalled.close()
    assert received, "the stream carried nothing before it stalled"
    resumed = await EventStream.open(http_server_port[1], path, last_event_id=str(received[-1]["id"]))
    everything = await api.read_all(slug)
    rest = await resumed.items(len(everything) - len(received))
    assert received + rest == everything  # every item exactly once, in order
    resumed.close()
