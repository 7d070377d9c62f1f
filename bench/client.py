"""A lean HTTP/1.1 keep-alive client on asyncio Protocols: enough to drive 10,000 connections from one core.

One request at a time per connection (no pipelining); Content-Length and chunked bodies. The
receive time of each response is taken when its last byte is parsed, for latency figures.

stream() is the streaming mode (for Server-Sent Events): the future resolves as soon as the
response head is parsed, and each piece of the decoded body goes to a callback as it arrives,
without collecting the body. SSEParser turns those pieces into events.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Callable
from typing import Any

HOST = "127.0.0.1"

ChunkCallback = Callable[[bytes], None]  # one piece of the decoded body, in order
EndCallback = Callable[[Exception | None], None]  # the body ended: None when complete, else why not
EventCallback = Callable[[bytes, bytes, "bytes | None", float], None]  # event type, data, id, received at

_HEAD, _BODY, _CHUNK_SIZE, _CHUNK_DATA, _TRAILER, _UNTIL_CLOSE = range(6)


class Response:
    """A complete response: status, lower-cased headers, body bytes, and when it arrived."""

    __slots__ = ("body", "headers", "received_at", "status")

    def __init__(self, status: int, headers: dict[str, str], body: bytes, received_at: float) -> None:
        self.status = status
        self.headers = headers
        self.body = body
        self.received_at = received_at

    def json(self) -> Any:
        """The body decoded as JSON."""
        return json.loads(self.body)


# All of 127/8 is loopback on Linux: 64 client addresses, so 10,000 readers are 157 per address,
# well inside chatserver's defaults (1,000 connections and held polls per address).
_SOURCES = itertools.cycle([f"127.0.1.{n}" for n in range(1, 65)])


class HTTPConnection(asyncio.Protocol):
    """One keep-alive connection to 127.0.0.1:port."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.transport: asyncio.Transport | None = None
        self.closed = False
        self._closed_here = False  # by close(), not by the server
        self._buf = bytearray()
        self._future: asyncio.Future[Response] | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._state = _HEAD
        self._status = 0
        self._headers: dict[str, str] = {}
        self._remaining = 0
        self._parts: list[bytes] = []
        self._host = f"Host: {HOST}:{port}\r\n".encode()
        self._on_chunk: ChunkCallback | None = None  # set while a stream() is in progress
        self._on_end: EndCallback | None = None

    @classmethod
    async def open(cls, port: int, timeout: float = 30.0) -> HTTPConnection:
        """Connect, or raise (also on timeout). Successive connections come from different loopback
        addresses, as a crowd comes from many: the servers' per-address caps stay at their defaults."""
        loop = asyncio.get_running_loop()
        source = (next(_SOURCES), 0)
        _, proto = await asyncio.wait_for(
            loop.create_connection(lambda: cls(port), HOST, port, local_addr=source), timeout
        )
        return proto

    # -- asyncio.Protocol ------------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def connection_lost(self, exc: Exception | None) -> None:
        by = "this client" if self.closed else "the server"
        self.closed = True
        lost = ConnectionError(f"connection closed by {by} ({exc or 'EOF'})")
        if self._on_end is not None and self._future is None:  # a stream whose head was received
            self._end_stream(None if self._state == _UNTIL_CLOSE else lost)
        if self._state == _UNTIL_CLOSE and self._future is not None:
            self._complete(bytes(self._buf))
        self._fail(lost)

    def data_received(self, data: bytes) -> None:
        if self._on_chunk is not None and self._state == _CHUNK_SIZE and not self._buf:
            data = self._stream_chunks(data)  # the usual case, straight out of data
            if not data:
                return
        self._buf += data
        if self._future is not None or self._on_chunk is not None:
            try:
                self._parse()
            except (ValueError, IndexError) as exc:
                self._fail(ConnectionError(f"malformed response: {exc}"))
                self._end_stream(ConnectionError(f"malformed response: {exc}"))
                self.close()

    # -- requests --------------------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: str = "",
        timeout: float | None = 60.0,
        content_type: str = "application/json",
    ) -> asyncio.Future[Response]:
        """Send one request; the future resolves with its Response. headers: extra 'Name: value\\r\\n' lines;
        content_type: the body's (a file upload sends multipart/form-data)."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Response] = loop.create_future()
        if self.closed or self.transport is None:
            future.set_exception(ConnectionError("connection is closed"))
            return future
        if self._future is not None or self._on_chunk is not None:
            raise RuntimeError("one request at a time per connection")
        self._future = future
        self._state = _HEAD
        head = f"{method} {path} HTTP/1.1\r\n".encode() + self._host
        if body is not None:
            head += f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\n".encode()
        self.transport.write(head + headers.encode() + b"\r\n" + (body or b""))
        if timeout is not None:
            self._timer = loop.call_later(timeout, self._on_timeout)
        return future

    def stream(
        self, path: str, on_chunk: ChunkCallback, on_end: EndCallback, headers: str = "", timeout: float | None = 60.0
    ) -> asyncio.Future[Response]:
        """GET path in streaming mode. The future resolves with the response head (body b"") as soon
        as it is parsed; timeout only bounds the wait for it. Then on_chunk gets every piece of the
        decoded body as it arrives (chunked, Content-Length or until-close; piece boundaries are
        arbitrary) and on_end is called once: with None when the body is complete (the connection
        can be reused), or with the exception that cut it off. Close the connection to stop early."""
        if self._future is not None or self._on_chunk is not None:
            raise RuntimeError("one request at a time per connection")
        future = self.request("GET", path, None, headers, timeout)
        if not future.done():  # (done: the connection was closed already)
            self._on_chunk, self._on_end = on_chunk, on_end
        return future

    async def fetch(
        self, method: str, path: str, payload: Any = None, token: str | None = None, timeout: float | None = 60.0
    ) -> Response:
        """One request with an optional JSON payload and bearer token. A keep-alive connection the
        server closed while it was idle (as servers do after a while: chatserver after
        --header-timeout) is opened again first, as HTTP clients do."""
        if self.closed and not self._closed_here and self._future is None:
            await self._reopen()
        body = json.dumps(payload).encode() if payload is not None else None
        headers = f"Authorization: Bearer {token}\r\n" if token else ""
        return await self.request(method, path, body, headers, timeout)

    async def _reopen(self) -> None:
        self.closed, self.transport, self._buf, self._state = False, None, bytearray(), _HEAD
        await asyncio.get_running_loop().create_connection(
            lambda: self, HOST, self.port, local_addr=(next(_SOURCES), 0)
        )

    def close(self) -> None:
        """Close the connection; a pending request fails."""
        if self.transport is not None and not self.closed:
            self.transport.close()
        self.closed = self._closed_here = True

    # -- parsing ---------------------------------------------------------------------------------

    def _parse(self) -> None:
        buf = self._buf
        while self._future is not None or self._on_chunk is not None:
            state = self._state
            if state == _HEAD:
                end = buf.find(b"\r\n\r\n")
                if end < 0:
                    return
                lines = buf[:end].decode("latin-1").split("\r\n")
                del buf[: end + 4]
                self._status = int(lines[0].split(" ", 2)[1])
                headers = self._headers = {}
                for line in lines[1:]:
                    name, _, value = line.partition(":")
                    headers[name.strip().lower()] = value.strip()
                self._parts = []
                if "chunked" in headers.get("transfer-encoding", ""):
                    self._state = _CHUNK_SIZE
                elif "content-length" in headers:
                    self._remaining = int(headers["content-length"])
                    self._state = _BODY
                elif self._status in (204, 304) or 100 <= self._status < 200:
                    self._complete(b"")
                    continue
                else:
                    self._state = _UNTIL_CLOSE
                if self._on_chunk is not None:
                    self._stream_head()
            elif self._on_chunk is not None and state != _CHUNK_SIZE and state != _TRAILER:
                if not self._stream_body():
                    return
            elif state == _BODY:
                if len(buf) < self._remaining:
                    return
                body = bytes(buf[: self._remaining])
                del buf[: self._remaining]
                self._complete(body)
            elif state == _CHUNK_SIZE:
                end = buf.find(b"\r\n")
                if end < 0:
                    return
                size = int(buf[:end].split(b";", 1)[0], 16)
                del buf[: end + 2]
                self._remaining = size
                self._state = _CHUNK_DATA if size else _TRAILER
            elif state == _CHUNK_DATA:
                if len(buf) < self._remaining + 2:
                    return
                self._parts.append(bytes(buf[: self._remaining]))
                del buf[: self._remaining + 2]
                self._state = _CHUNK_SIZE
            elif state == _TRAILER:
                end = buf.find(b"\r\n")
                if end < 0:
                    return
                del buf[: end + 2]
                if end == 0:  # the empty line that ends the (usually empty) trailer section
                    if self._on_chunk is not None:
                        self._end_stream(None)
                    else:
                        self._complete(b"".join(self._parts))
            else:  # _UNTIL_CLOSE: the body ends when the server closes the connection
                return

    # -- streaming -------------------------------------------------------------------------------

    def _stream_head(self) -> None:
        """The head of a streamed response is in: resolve the future, keep parsing the body."""
        future, self._future = self._future, None
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if future is not None and not future.done():
            future.set_result(Response(self._status, self._headers, b"", time.perf_counter()))
        if self._state == _BODY and self._remaining == 0:
            self._end_stream(None)

    def _stream_body(self) -> bool:
        """Hand on what the buffer has of a Content-Length, chunk-data or until-close body; False
        when more bytes are needed."""
        buf = self._buf
        if self._state == _UNTIL_CLOSE:
            if buf:
                self._deliver(bytes(buf))
                buf.clear()
            return False
        if self._remaining:
            take = min(len(buf), self._remaining)
            if take == 0:
                return False
            self._remaining -= take
            self._deliver(bytes(buf) if take == len(buf) else bytes(buf[:take]))
            del buf[:take]
            if self._remaining or self._on_chunk is None:  # more to come, or the consumer ended it
                return False
        if self._state == _BODY:
            self._end_stream(None)
            return True
        if len(buf) < 2:  # the CRLF after the chunk data
            return False
        del buf[:2]
        self._state = _CHUNK_SIZE
        return True

    def _stream_chunks(self, data: bytes) -> bytes:
        """Whole non-final chunks at the start of data, handed on without copying into the buffer
        (one slice each); return the rest, for the general parser."""
        pos, size_end = 0, data.find(b"\r\n")
        while size_end > pos:
            try:
                size = int(data[pos:size_end], 16)
            except ValueError:  # a chunk extension: the general parser knows those
                break
            stop = size_end + 2 + size
            if size == 0 or len(data) < stop + 2:
                break
            pos = stop + 2
            self._deliver(data[size_end + 2 : stop])
            if self._on_chunk is None:  # the consumer ended the stream
                return b""
            size_end = data.find(b"\r\n", pos)
        return data[pos:] if pos else data

    def _deliver(self, piece: bytes) -> None:
        on_chunk = self._on_chunk
        if on_chunk is None:
            return
        try:
            on_chunk(piece)
        except Exception as exc:  # noqa: BLE001 - a broken consumer ends its own stream, not the loop
            self._end_stream(exc)
            self.close()

    def _end_stream(self, exc: Exception | None) -> None:
        on_end = self._on_end
        self._on_chunk = self._on_end = None
        if on_end is None:
            return
        self._state = _HEAD
        if exc is None and self._headers.get("connection", "").lower() == "close":
            self.close()
        on_end(exc)

    def _complete(self, body: bytes) -> None:
        if self._on_chunk is not None:  # a streamed response without a body (204, 304)
            self._stream_head()
            self._end_stream(None)
            return
        future, self._future = self._future, None
        self._state = _HEAD
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._headers.get("connection", "").lower() == "close":
            self.close()
        if future is not None and not future.done():
            future.set_result(Response(self._status, self._headers, body, time.perf_counter()))

    def _fail(self, exc: Exception) -> None:
        future, self._future = self._future, None
        if future is not None:  # a stream whose head never came: the future carries the error
            self._on_chunk = self._on_end = None
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if future is not None and not future.done():
            future.set_exception(exc)

    def _on_timeout(self) -> None:
        self._timer = None
        self._fail(TimeoutError("no complete response in time"))
        self.close()  # the connection's state is unknown now


class SSEParser:
    """Server-Sent Events out of body pieces, incrementally: feed() every piece, on_event gets
    (event type, data, id or None, when the piece arrived) for each complete event. Events end at a
    blank line; LF line ends only (what chatserver sends). Comments and retry: are skipped; an event
    without data is not dispatched, as in EventSource."""

    __slots__ = ("_pending", "events", "on_event", "pieces")

    def __init__(self, on_event: EventCallback) -> None:
        self.on_event = on_event
        self._pending = b""  # an incomplete event carried over to the next piece
        self.pieces = 0
        self.events = 0

    def feed(self, piece: bytes) -> None:
        """One piece of the body, as stream() hands it on."""
        received_at = time.perf_counter()
        self.pieces += 1
        blocks = (self._pending + piece if self._pending else piece).split(b"\n\n")
        self._pending = blocks.pop()
        on_event = self.on_event
        for block in blocks:
            # The usual shape first, "id: <id>\ndata: <one line>", without the general loop.
            newline = block.find(b"\n")
            if (
                block.startswith(b"id: ")
                and block.startswith(b"data: ", newline + 1)
                and block.find(b"\n", newline + 1) < 0
            ):
                self.events += 1
                on_event(b"message", block[newline + 7 :], block[4:newline], received_at)
                continue
            kind, data, event_id = b"message", None, None
            for line in block.split(b"\n"):
                if not line or line[0] == 58:  # empty, or a comment (":")
                    continue
                name, _, value = line.partition(b":")
                if value[:1] == b" ":
                    value = value[1:]
                if name == b"data":
                    data = value if data is None else data + b"\n" + value
                elif name == b"id":
                    event_id = value
                elif name == b"event":
                    kind = value
            if data is not None:
                self.events += 1
                on_event(kind, data, event_id, received_at)


async def open_many(
    port: int, count: int, concurrency: int = 100, timeout: float = 30.0, probe: str | None = "/metrics"
) -> list[HTTPConnection]:
    """Open count connections, each proven accepted by one GET probe before the next connect starts.

    The servers listen with Tornado's default backlog of 128 and accept more slowly than this client
    connects, so unchecked connects overflow the accept queue and stall on SYN retransmits (1 s, 3 s...).
    With at most concurrency (< 128) connects-plus-probe in flight, the queue cannot overflow.
    """
    gate = asyncio.Semaphore(concurrency)

    async def one() -> HTTPConnection:
        async with gate:
            conn = await HTTPConnection.open(port, timeout)
            if probe is not None:
                response = await conn.request("GET", probe, timeout=timeout)
                if response.status != 200:
                    conn.close()
                    raise ConnectionError(f"GET {probe} on a new connection got HTTP {response.status}")
            return conn

    return list(await asyncio.gather(*(one() for _ in range(count))))


def close_all(conns: list[HTTPConnection]) -> None:
    """Close every connection."""
    for conn in conns:
        conn.close()
