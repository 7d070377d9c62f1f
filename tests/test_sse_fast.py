"""The SSE fast path (chatserver/sse_writer.py, broadcast.py): chunks framed by the server and sent
straight to the socket, one frame per commit for the streams level with it. What it must keep:
the order after a partial send, the bound on a reader that does not read, privacy, and HTTP/1.0."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import pytest
from tornado.iostream import IOStream, StreamClosedError

from chatserver import sse_stream
from chatserver.broadcast import Broadcast
from chatserver.models import PAGE_BYTES
from chatserver.sse_writer import Outlet, framed
from tests.conftest import Chat
from tests.helpers import Api
from tests.test_sse import EventStream
from tests.waiting import until

BACKENDS = ("sqlite", "postgresql")
BIG = "中" * 3990  # about 12 KB of UTF-8: a few of them fill a small receive window


@pytest.fixture
def settings() -> dict[str, object]:
    return {"max_wait": 5.0, "rate_limit": 0}


class StrictStream(EventStream):
    """An EventStream that fails on any flaw in the chunked framing instead of reading past it."""

    strict = True

    async def state(self) -> None:
        opening = await self.event()
        assert opening is not None and opening["event"] == "state"


async def open_stream(
    port: int, path: str, token: str | None = None, receive_buffer: int | None = None
) -> StrictStream:
    stream = await StrictStream.open(port, path, token=token, receive_buffer=receive_buffer)
    assert stream.status == 200 and "transfer-encoding" in stream.headers
    await stream.state()
    return stream


@pytest.fixture
def queued(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    """Every write the kernel did not take whole: (bytes it took, bytes then queued in the IOStream)."""
    seen: list[tuple[int, int]] = []
    original = Outlet.queue

    def queue(self: Outlet, chunk: bytes, sent: int) -> None:
        original(self, chunk, sent)
        assert self.stream is not None
        seen.append((sent, len(self.stream._write_buffer)))

    monkeypatch.setattr(Outlet, "queue", queue)
    return seen


async def newest(api: Api, slug: str) -> int:
    return int((await api.read_all(slug))[-1]["id"])


async def test_a_reader_behind_a_small_window_gets_every_item_once_in_order(
    api: Api, chat: Chat, http_server_port: tuple[object, int], queued: list[tuple[int, int]]
) -> None:
    slug = (await api.create_event())["event"]["slug"]
    _, token = await api.join(slug, "alice")
    port = http_server_port[1]
    stream = await open_stream(port, f"/api/events/{slug}/stream?after={await newest(api, slug)}", receive_buffer=4096)
    await until(lambda: chat.services.open_streams == 1, what="the stream to be open")
    posted: list[int] = []
    while not queued and len(posted) < 400:  # until a write no longer fits the kernel's buffers
        posted.append((await api.say(slug, token, f"{len(posted)} {BIG}")).body["message"]["id"])
    assert queued, "every write fitted: the fallback to the IOStream was never taken"
    for n in range(5):  # these follow behind what is queued
        posted.append((await api.say(slug, token, f"after {n}")).body["message"]["id"])
    received = await stream.items(len(posted))
    assert [item["id"] for item in received] == posted  # every item exactly once, in order
    stream.close()


async def test_a_reader_that_never_reads_is_dropped_while_another_gets_everything(
    api: Api,
    chat: Chat,
    http_server_port: tuple[object, int],
    queued: list[tuple[int, int]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sse_stream, "STALL_S", 0.5)
    slug = (await api.create_event())["event"]["slug"]
    _, token = await api.join(slug, "alice")
    port, path = http_server_port[1], f"/api/events/{slug}/stream?after={await newest(api, slug)}"
    stalled = await open_stream(port, path, receive_buffer=4096)
    healthy = await open_stream(port, path)
    got: list[dict[str, Any]] = []

    async def read() -> None:
        while (event := await healthy.event()) is not None:
            if event.get("event") is None:
                got.append(event["data"])

    reading = asyncio.ensure_future(read())
    await until(lambda: chat.services.open_streams == 2, what="both streams to be open")
    posted: list[int] = []
    while chat.services.open_streams == 2 and len(posted) < 800:
        posted.append((await api.say(slug, token, f"{len(posted)} {BIG}")).body["message"]["id"])
    await until(lambda: chat.services.open_streams == 1, timeout=15, what="the stalled stream to be dropped")
    posted.append((await api.say(slug, token, "still here")).body["message"]["id"])
    await until(lambda: len(got) == len(posted), timeout=15, what="the healthy reader to have every item")
    assert [item["id"] for item in got] == posted
    # Never more than one write was queued for the stalled reader, whatever was committed meanwhile.
    assert queued and max(size for _, size in queued) <= PAGE_BYTES + 1024
    reading.cancel()
    stalled.close()
    healthy.close()


async def test_a_private_item_reaches_only_its_readers_and_public_frames_are_shared(
    api: Api, chat: Chat, http_server_port: tuple[object, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    groups: list[int] = []  # the size of each group the broadcast wrote one frame to
    original = Broadcast._send_all

    def send_all(self: Broadcast, group: list[Any], chunk: bytes, cursor: int) -> None:
        groups.append(len(group))
        original(self, group, chunk, cursor)

    monkeypatch.setattr(Broadcast, "_send_all", send_all)
    created = await api.create_event()
    slug, key = created["event"]["slug"], created["host_key"]
    _, alice = await api.join(slug, "alice")
    _, bob = await api.join(slug, "bob")
    port, path = http_server_port[1], f"/api/events/{slug}/stream?after={await newest(api, slug)}"
    readers = {
        "public": await open_stream(port, path),
        "alice": await open_stream(port, path, token=alice),
        "bob": await open_stream(port, path, token=bob),
        "hosts": await open_stream(port, path, token=key),
    }
    await until(lambda: chat.services.open_streams == 4, what="the streams to be open")
    message = f"/api/events/{slug}/messages"
    secret = (await api.post(message, {"body": "my invoice", "to": "hosts"}, token=alice)).body["message"]
    hello = (await api.say(slug, alice, "hello all")).body["message"]
    again = (await api.say(slug, bob, "hello again")).body["message"]
    for name in ("alice", "hosts"):
        assert await readers[name].items(3) == [secret, hello, again]
    for name in ("public", "bob"):
        assert await readers[name].items(2) == [hello, again]  # never a frame that held the secret
    assert 4 in groups  # once all four were level, one frame went to all of them
    for stream in readers.values():
        stream.close()


async def test_an_http_1_0_stream_is_not_chunked_and_carries_items(
    api: Api, http_server_port: tuple[object, int]
) -> None:
    slug = (await api.create_event())["event"]["slug"]
    _, token = await api.join(slug, "alice")
    reader, writer = await asyncio.open_connection("127.0.0.1", http_server_port[1])
    after = await newest(api, slug)
    writer.write(f"GET /api/events/{slug}/stream?after={after} HTTP/1.0\r\nHost: test\r\n\r\n".encode())
    head = (await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)).decode().lower()
    assert head.startswith("http/1.1 200") and "transfer-encoding" not in head
    body = await asyncio.wait_for(reader.readuntil(b"event: state"), 5)
    posted = (await api.say(slug, token, "over HTTP/1.0")).body["message"]
    body += await asyncio.wait_for(reader.readuntil(f"id: {posted['id']}\n".encode()), 5)
    assert b"\r\n" not in body  # no chunk framing: the body is the SSE text itself
    writer.close()


async def test_a_send_to_a_connection_gone_closes_it_and_fails_the_write() -> None:
    ours, theirs = socket.socketpair()
    outlet = Outlet(0, "open", None)
    outlet.stream, outlet.sock = IOStream(ours), ours  # as attach() sets them on a chunked response
    outlet.send(framed(b"data: 1\n\n"))
    assert outlet.drained() and theirs.recv(100) == b"9\r\ndata: 1\n\n\r\n"
    theirs.close()
    outlet.send(framed(b"data: 2\n\n"))  # EPIPE: the peer is gone
    assert outlet.stream.closed() and outlet.sock is None  # the broadcast leaves it alone now
    with pytest.raises(StreamClosedError):
        await outlet.flushing
