"""A lean HTTP/1.1 keep-alive client on asyncio Protocols: enough to drive 10,000 connections from one core.

One request at a time per connection (no pipelining); Content-Length and chunked bodies. The
receive time of each response is taken when its last byte is parsed, for latency figures.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

HOST = "127.0.0.1"

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


class HTTPConnection(asyncio.Protocol):
    """One keep-alive connection to 127.0.0.1:port."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.transport: asyncio.Transport | None = None
        self.closed = False
        self._buf = bytearray()
        self._future: asyncio.Future[Response] | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._state = _HEAD
        self._status = 0
        self._headers: dict[str, str] = {}
        self._remaining = 0
        self._parts: list[bytes] = []
        self._host = f"Host: {HOST}:{port}\r\n".encode()

    @classmethod
    async def open(cls, port: int, timeout: float = 30.0) -> HTTPConnection:
        """Connect, or raise (also on timeout)."""
        loop = asyncio.get_running_loop()
        _, proto = await asyncio.wait_for(loop.create_connection(lambda: cls(port), HOST, port), timeout)
        return proto

    # -- asyncio.Protocol ------------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self._state == _UNTIL_CLOSE and self._future is not None:
            self._complete(bytes(self._buf))
        self._fail(ConnectionError(f"connection closed by the server ({exc or 'EOF'})"))

    def data_received(self, data: bytes) -> None:
        self._buf += data
        if self._future is not None:
            try:
                self._parse()
            except (ValueError, IndexError) as exc:
                self._fail(ConnectionError(f"malformed response: {exc}"))
                self.close()

    # -- requests --------------------------------------------------------------------------------

    def request(self, method: str, path: str, body: bytes | None = None, headers: str = "",
                timeout: float | None = 60.0) -> asyncio.Future[Response]:
        """Send one request; the future resolves with its Response. headers: extra 'Name: value\\r\\n' lines."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Response] = loop.create_future()
        if self.closed or self.transport is None:
            future.set_exception(ConnectionError("connection is closed"))
            return future
        if self._future is not None:
            raise RuntimeError("one request at a time per connection")
        self._future = future
        self._state = _HEAD
        head = f"{method} {path} HTTP/1.1\r\n".encode() + self._host
        if body is not None:
            head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n".encode()
        self.transport.write(head + headers.encode() + b"\r\n" + (body or b""))
        if timeout is not None:
            self._timer = loop.call_later(timeout, self._on_timeout)
        return future

    async def fetch(self, method: str, path: str, payload: Any = None, token: str | None = None,
                    timeout: float | None = 60.0) -> Response:
        """One request with an optional JSON payload and bearer token."""
        body = json.dumps(payload).encode() if payload is not None else None
        headers = f"Authorization: Bearer {token}\r\n" if token else ""
        return await self.request(method, path, body, headers, timeout)

    def close(self) -> None:
        """Close the connection; a pending request fails."""
        if self.transport is not None and not self.closed:
            self.transport.close()
        self.closed = True

    # -- parsing ---------------------------------------------------------------------------------

    def _parse(self) -> None:
        buf = self._buf
        while self._future is not None:
            state = self._state
            if state == _HEAD:
                end = buf.find(b"\r\n\r\n")
                if end < 0:
                    return
                lines = buf[:end].decode("latin-1").split("\r\n")
                del buf[:end + 4]
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
                else:
                    self._state = _UNTIL_CLOSE
            elif state == _BODY:
                if len(buf) < self._remaining:
                    return
                body = bytes(buf[:self._remaining])
                del buf[:self._remaining]
                self._complete(body)
            elif state == _CHUNK_SIZE:
                end = buf.find(b"\r\n")
                if end < 0:
                    return
                size = int(buf[:end].split(b";", 1)[0], 16)
                del buf[:end + 2]
                self._remaining = size
                self._state = _CHUNK_DATA if size else _TRAILER
            elif state == _CHUNK_DATA:
                if len(buf) < self._remaining + 2:
                    return
                self._parts.append(bytes(buf[:self._remaining]))
                del buf[:self._remaining + 2]
                self._state = _CHUNK_SIZE
            elif state == _TRAILER:
                end = buf.find(b"\r\n")
                if end < 0:
                    return
                del buf[:end + 2]
                if end == 0:  # the empty line that ends the (usually empty) trailer section
                    self._complete(b"".join(self._parts))
            else:  # _UNTIL_CLOSE: the body ends when the server closes the connection
                return

    def _complete(self, body: bytes) -> None:
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
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if future is not None and not future.done():
            future.set_exception(exc)

    def _on_timeout(self) -> None:
        self._timer = None
        self._fail(TimeoutError("no complete response in time"))
        self.close()  # the connection's state is unknown now


async def open_many(port: int, count: int, concurrency: int = 100, timeout: float = 30.0,
                    probe: str | None = "/metrics") -> list[HTTPConnection]:
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


async def bounded(count: int, concurrency: int, job: Callable[[int], Awaitable[None]]) -> None:
    """Run job(0..count-1) with at most concurrency running at once."""
    counter = iter(range(count))

    async def worker() -> None:
        for index in counter:
            await job(index)

    await asyncio.gather(*(worker() for _ in range(min(concurrency, count))))
