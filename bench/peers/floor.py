"""The floor as a peer: floor_server.py, a Python `socket.send` loop over the open streams.

Readers hold `GET /sse` (an event stream without chunking); `POST /pub` sends the body to every
one of them; `GET /metrics` counts the open streams. SSE only.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from bench.client import HTTPConnection
from bench.peers import Transport, marked
from bench.peers.process import PeerProcess, ProcessPeer, running_peer, wait_count
from bench.servers import free_port, gauge

NAME = "floor"
SCRIPT = Path(__file__).with_name("floor_server.py")


class Floor(ProcessPeer):
    """A started floor server."""

    name = NAME

    def __init__(self, process: PeerProcess, control: HTTPConnection) -> None:
        super().__init__(process)
        self.control = control

    def subscribe_args(self, transport: Transport) -> list[str]:
        if transport != "sse":
            raise ValueError("the floor has SSE only")
        return ["--mode", "sse", "--path", "/sse"]

    async def confirm(self, readers: int, transport: Transport) -> int | None:
        return await wait_count(lambda: gauge(self.control, "floor_streams"), readers)

    async def short_sends(self) -> int:
        """Streams dropped because a send() did not take a whole frame."""
        return await gauge(self.control, "floor_short_sends")

    async def publish(self, conn: HTTPConnection, seq: int) -> bool:
        response = await conn.request("POST", "/pub", marked(seq).encode(), content_type="text/plain")
        return response.status == 201


@asynccontextmanager
async def started(workdir: Path) -> AsyncIterator[Floor]:
    """A fresh floor server pinned to CPU 0."""
    port = free_port()
    log = workdir / f"{NAME}-{port}.log"
    process = PeerProcess(NAME, [sys.executable, str(SCRIPT), "--port", str(port)], port, log, "/metrics")
    async with running_peer(process):
        control = await HTTPConnection.open(port)
        try:
            yield Floor(process, control)
        finally:
            control.close()
