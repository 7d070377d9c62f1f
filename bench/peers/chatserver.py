"""chatserver as a peer: the process the other cases start, one open event, one poster.

Readers follow `GET /api/events/<slug>/stream?after=<cursor>` (SSE) or long-poll
`GET /api/events/<slug>/messages?after=<cursor>&wait=30`, re-polling with the answer's `cursor`.
Each crowd connection first gets one `GET /metrics`, the proof that it was accepted (as
bench/client.py's open_many). The server counts open streams and held polls itself.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bench.benchmarks.common import Settings, create_event, join, newest_cursor, post
from bench.client import HTTPConnection
from bench.peers import Transport, marked
from bench.peers.process import wait_count
from bench.servers import CHATSERVER, HELD_POLLS, ServerProcess, gauge, running, runqueue_wait, task_cpu

POLL_WAIT = 30  # seconds a reader asks the server to hold each poll


class Chatserver:
    """A started chatserver with an event open for the crowd."""

    name = CHATSERVER

    def __init__(self, server: ServerProcess, control: HTTPConnection, slug: str, token: str, cursor: int) -> None:
        self.server = server
        self.port = server.port
        self.control = control
        self.slug = slug
        self.token = token
        self.cursor = cursor

    def cpu(self) -> float:
        return task_cpu(self.server.pid)

    def side_cpu(self) -> dict[str, float]:
        return {}

    def queued(self) -> float:
        return runqueue_wait(self.server.pid)

    def rss_kib(self) -> int:
        return self.server.rss_kib()

    def subscribe_args(self, transport: Transport) -> list[str]:
        if transport == "sse":
            path = f"/api/events/{self.slug}/stream?after={self.cursor}"
            return ["--mode", "sse", "--path", path, "--header", "Accept: text/event-stream", "--probe", "/metrics"]
        path = f"/api/events/{self.slug}/messages?after={{cursor}}&wait={POLL_WAIT}"
        return [
            *("--mode", "poll", "--path", path, "--cursor", str(self.cursor)),
            *("--cursor-key", '"cursor":', "--probe", "/metrics"),
        ]

    async def confirm(self, readers: int, transport: Transport) -> int | None:
        name = "chatserver_open_streams" if transport == "sse" else HELD_POLLS
        return await wait_count(lambda: gauge(self.control, name), readers)

    async def publish(self, conn: HTTPConnection, seq: int) -> bool:
        response = await post(conn, self.slug, self.token, marked(seq), f"peer-{seq}")
        return response.status == 201


@asynccontextmanager
async def started(settings: Settings) -> AsyncIterator[Chatserver]:
    """A fresh chatserver (as the fan-out cases start it) with one event and its poster."""
    async with running(
        CHATSERVER, settings.workdir, max_wait=settings.max_wait, extra=settings.chatserver_args
    ) as server:
        control = await HTTPConnection.open(server.port)
        try:
            slug = await create_event(control, "Peers")
            token = await join(control, slug, "poster")
            yield Chatserver(server, control, slug, token, await newest_cursor(control, slug))
        finally:
            control.close()
