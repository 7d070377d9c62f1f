"""A crowd of SSE readers on one chatserver, and the session that measures it once for several cases.

The readers come from the 64 loopback addresses (open_many), hold one stream each from a cursor,
and count what fails: transport errors, answers that are not a 200 event stream, readers that
stopped. Each case subclasses Crowd (its bookkeeping), StreamReader (what one event means to it)
and CrowdSession (its phases).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine
from contextlib import AsyncExitStack
from typing import Any, Generic, TypeVar

from bench.benchmarks.common import BenchError, Result, Settings
from bench.client import HTTPConnection, SSEParser, close_all, open_many
from bench.servers import CHATSERVER, ServerProcess, running

SETUP_TIMEOUT = 60.0  # seconds for every stream to be open (and every poll held)


class Crowd:
    """What every reader of a crowd shares: the order of its items, stream pieces and failures."""

    def __init__(self, readers: int) -> None:
        self.readers = readers
        self.last_id = [0] * readers
        self.stamp = [0.0] * readers  # receive time of the response / piece last counted as a carrier
        self.out_of_order = 0
        self.non_200 = 0
        self.transport_errors = 0
        self.bad_events = 0  # data that is not an item, or an id: line that is not its id
        self.failed_readers = 0
        self.streams_open = 0
        self.closing = False

    def errors(self) -> dict[str, int]:
        """The failure counters, as the JSON's errors name them."""
        return {
            "non_200": self.non_200,
            "transport": self.transport_errors,
            "out_of_order": self.out_of_order,
            "bad_events": self.bad_events,
        }

    def in_order(self, reader: int, item_id: int) -> None:
        """Count item_id out of order unless it is above the reader's last one."""
        if item_id <= self.last_id[reader]:
            self.out_of_order += 1
        self.last_id[reader] = item_id

    def new_carrier(self, reader: int, received_at: float) -> bool:
        """Whether this is the first counted item of the response / piece received at received_at."""
        if self.stamp[reader] == received_at:
            return False
        self.stamp[reader] = received_at
        return True

    def reader_failed(self) -> None:
        """A reader stopped (a failure unless the session is closing)."""
        if self.closing:
            return
        self.failed_readers += 1
        self.check()

    def check(self) -> None:
        """Called when a reader fails: a case whose phase waits for every reader settles it here."""


C = TypeVar("C", bound=Crowd)


class StreamReader(Generic[C]):
    """One SSE reader: counts its opening `state` event, hands every item event to on_item."""

    __slots__ = ("crowd", "ended", "number", "opened", "parser")

    def __init__(self, number: int, crowd: C) -> None:
        self.number = number
        self.crowd = crowd
        self.opened = False
        self.ended: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.parser = SSEParser(self.on_event)

    def on_event(self, kind: bytes, data: bytes, event_id: bytes | None, received_at: float) -> None:
        """One event of the stream."""
        if kind != b"message":
            if kind == b"state" and not self.opened:
                self.opened = True
                self.crowd.streams_open += 1
            return
        self.on_item(data, event_id, received_at)

    def on_item(self, data: bytes, event_id: bytes | None, received_at: float) -> None:
        """One item event (data: the item's JSON); each case overrides it."""
        raise NotImplementedError

    def on_end(self, exc: Exception | None) -> None:
        """The stream ended."""
        if not self.crowd.closing:  # a stream that ends while the session runs has failed
            self.crowd.transport_errors += 1
            self.crowd.reader_failed()
        if not self.ended.done():
            self.ended.set_result(None)


async def follow(conn: HTTPConnection, reader: StreamReader[Any], slug: str, cursor: int) -> None:
    """Open the event's stream at cursor on conn and read it until it ends."""
    crowd = reader.crowd
    try:
        head = await conn.stream(
            f"/api/events/{slug}/stream?after={cursor}",
            reader.parser.feed,
            reader.on_end,
            headers="Accept: text/event-stream\r\n",
            timeout=SETUP_TIMEOUT,
        )
    except (ConnectionError, TimeoutError):
        crowd.transport_errors += 1
        crowd.reader_failed()
        return
    if head.status != 200 or not head.headers.get("content-type", "").startswith("text/event-stream"):
        crowd.non_200 += 1
        crowd.reader_failed()
        conn.close()
        return
    await reader.ended


Follower = Callable[[HTTPConnection, int], Coroutine[Any, Any, None]]  # (connection, reader number)


class CrowdSession(Generic[C]):
    """One chatserver, a control connection, senders and a crowd of readers, measured once (by
    the first case to run) for the cases that share it, and stopped after."""

    def __init__(self, settings: Settings, readers: int) -> None:
        self.settings = settings
        self.readers = readers
        self.crowd: C | None = None
        self.failed: str | None = None
        self.results: dict[str, Result] | None = None
        self._stack: AsyncExitStack | None = None
        self._server: ServerProcess | None = None
        self._control: HTTPConnection | None = None
        self._senders: list[HTTPConnection] = []
        self._conns: list[HTTPConnection] = []
        self._tasks: list[asyncio.Task[None]] = []

    async def run(self, what: str, kind: str) -> Result:
        """One case's figures; the first call measures them all (and stops the server after)."""
        assert kind == CHATSERVER
        if self.results is None and self.failed is None:
            try:
                self.results = await self._measure()
            except BaseException as exc:
                self.failed = f"{type(exc).__name__}: {exc}"
                raise
            finally:
                await self.close()
        if self.results is None:
            raise BenchError(f"not measured: {self.failed}")
        return self.results[what]

    async def _measure(self) -> dict[str, Result]:
        """Every case's figures, by the name run() is given."""
        raise NotImplementedError

    async def close(self) -> None:
        """Stop the readers and the server (idempotent)."""
        if self.crowd is not None:
            self.crowd.closing = True
        for task in self._tasks:
            task.cancel()
        close_all(self._conns + self._senders + ([self._control] if self._control is not None else []))
        self._tasks, self._conns, self._senders, self._control = [], [], [], None
        if self._stack is not None:
            stack, self._stack = self._stack, None
            await stack.aclose()

    async def _start_server(self) -> tuple[ServerProcess, HTTPConnection]:
        """A fresh chatserver process and a control connection to it."""
        settings = self.settings
        self._stack = AsyncExitStack()
        server = self._server = await self._stack.enter_async_context(
            running(CHATSERVER, settings.workdir, max_wait=settings.max_wait, extra=settings.chatserver_args)
        )
        self._control = await HTTPConnection.open(server.port)
        return server, self._control

    async def _start_readers(self, follower: Follower) -> None:
        """A connection per reader, each followed by its own task."""
        assert self._server is not None
        self._conns = await open_many(self._server.port, self.readers)
        self._tasks = [asyncio.create_task(follower(conn, n)) for n, conn in enumerate(self._conns)]

    async def _wait_streams(self) -> None:
        """Until every stream has sent its first event and the server counts them all as open."""
        crowd, server, control = self.crowd, self._server, self._control
        assert crowd is not None and server is not None and control is not None
        deadline = time.monotonic() + SETUP_TIMEOUT
        open_streams = 0
        while time.monotonic() < deadline:
            if crowd.streams_open >= self.readers:
                open_streams = await server.total(control, "chatserver_open_streams")
                if open_streams >= self.readers:
                    return
            if crowd.failed_readers:
                break
            await asyncio.sleep(0.1)
        raise BenchError(
            f"only {crowd.streams_open} of {self.readers} streams sent their first event (server: "
            f"{open_streams} open, {crowd.non_200} not 200, {crowd.transport_errors} transport errors)"
        )
