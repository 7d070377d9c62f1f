"""Slow clients: a body that trickles in, headers that never end and idle connections are cut off
by the server's own timeouts (server.py), without running a handler and without harm to others."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from chatserver.server import SHUTDOWN_GRACE_S, ServeOptions, serve
from tests.serverproc import free_port

BODY_TIMEOUT = 0.5
IDLE_TIMEOUT = 0.8


@asynccontextmanager
async def running(tmp_path: Path) -> AsyncIterator[int]:
    """serve() in this process with short timeouts; stopped with SIGTERM, as an operator would."""
    port = free_port()
    ready = asyncio.Event()
    options = ServeOptions(
        port=port, db=str(tmp_path / "chat.db"), body_timeout=BODY_TIMEOUT, header_timeout=IDLE_TIMEOUT
    )
    task = asyncio.ensure_future(serve(options, ready))
    await asyncio.wait_for(ready.wait(), 10)
    try:
        yield port
    finally:
        os.kill(os.getpid(), signal.SIGTERM)  # serve() handles it on the loop: a graceful stop
        stopping = time.monotonic()
        await asyncio.wait_for(task, 15)
        # Requests cut off by a timeout are not waited for: it would take SHUTDOWN_GRACE_S (10 s).
        assert time.monotonic() - stopping < SHUTDOWN_GRACE_S / 2


async def closed_after(reader: asyncio.StreamReader) -> tuple[float, bytes]:
    """Seconds until the server closes the connection, and what it sent before that."""
    start, received = time.monotonic(), b""
    while chunk := await asyncio.wait_for(reader.read(65536), 10):
        received += chunk
    return time.monotonic() - start, received


async def get(port: int, path: str) -> dict[str, object]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
    _, answer = await closed_after(reader)
    writer.close()
    return json.loads(answer.split(b"\r\n\r\n", 1)[1])  # type: ignore[no-any-return]


async def test_a_trickling_body_is_cut_off_and_nothing_is_created(tmp_path: Path) -> None:
    async with running(tmp_path) as port:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(
            b"POST /api/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b'Content-Length: 500\r\n\r\n{"title": "slow'
        )
        waited, answer = await closed_after(reader)
        writer.close()
        assert BODY_TIMEOUT * 0.8 <= waited < BODY_TIMEOUT + 2
        assert b"201" not in answer
        assert (await get(port, "/api/events?state=scheduled"))["events"] == []


async def test_headers_that_never_end_are_cut_off(tmp_path: Path) -> None:
    async with running(tmp_path) as port:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET /api/events HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        waited, answer = await closed_after(reader)
        writer.close()
        assert IDLE_TIMEOUT * 0.8 <= waited < IDLE_TIMEOUT + 2 and answer == b""


async def test_an_idle_keep_alive_connection_is_closed_and_others_go_on(tmp_path: Path) -> None:
    async with running(tmp_path) as port:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET /api/events HTTP/1.1\r\nHost: x\r\n\r\n")
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
        assert head.startswith(b"HTTP/1.1 200")
        length = int(
            next(line.split(b":")[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length"))
        )
        await reader.readexactly(length)
        waited, _ = await closed_after(reader)  # then nothing more is sent on it
        writer.close()
        assert IDLE_TIMEOUT * 0.8 <= waited < IDLE_TIMEOUT + 2
        assert (await get(port, "/api/events"))["events"] == []
