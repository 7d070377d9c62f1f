"""One SSE response of an event's stream, apart from how its request came in.

`open_stream` makes every check that may refuse a stream (the event at the cursor, the reader,
the cap on held connections); `EventStream.run` then writes it: items as they are committed,
`event: state` when the state changes, read receipts and call signals when asked, keepalives.
EventStreamHandler (Tornado's request cycle) and read_path (our own HTTP/1.1 loop for plain
requests) both serve streams through it, each with a `Sink` for the response's head and, where
the socket cannot be written directly, its chunks.

The broker tells the stream after each loop turn's commits and the stream writes what is new at
once, from memory; only what memory does not hold is read from disk, in a task.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any, Protocol

from tornado.ioloop import PeriodicCallback
from tornado.iostream import StreamClosedError

from chatserver import readers
from chatserver.errors import N_, RateLimited
from chatserver.handlers.base import dumps
from chatserver.handlers.services import Services
from chatserver.models import CLOSED, Event, Page, Participant, Viewer, party_of
from chatserver.polling import HELD_CAP_RETRY_S, reads_json
from chatserver.sse_writer import PAGE, Outlet, framed
from chatserver.timefmt import format_time, now_ms

log = logging.getLogger(__name__)

KEEPALIVE_S = 15.0  # a comment line this often keeps proxies and NATs from dropping a quiet stream
# A stream whose client has not taken one write (at most PAGE_BYTES) for this long is dropped.
STALL_S = 60.0


def encode_state(state: str) -> bytes:
    """The state, with the server's clock as every JSON answer carries it."""
    return f'event: state\ndata: {{"state":"{state}","server_time":"{format_time(now_ms())}"}}\n\n'.encode()


class Sink(Protocol):
    """Where a stream's bytes go: the response's head with the first chunk, then chunks."""

    def start(self, out: Outlet, chunk: bytes) -> None:
        """Send the head and the first chunk, and attach the outlet to the socket where it can be."""

    def write_chunk(self, chunk: bytes) -> asyncio.Future[None]:
        """Send a chunk the outlet cannot (not attached): done once the client has taken it."""

    def close(self) -> None:
        """Close the connection now."""


async def open_stream(
    services: Services, slug: str, after: int, known_reads: int | None, key: str | None, client: str
) -> EventStream | None:
    """The checks before a stream's first byte; None when nothing will ever come (the event is
    closed and the reader has its last item: 204). A stream returned holds a place under the cap
    on held connections until its run() ends, so the caller runs it."""
    store = services.store
    event = await readers.event_at(store, key, slug, after)
    reader = await readers.participant_of(services, key, event)
    viewer = await readers.viewer_of(store, key, event, reader)
    if event.state(store.clock()) == CLOSED and after >= event.last_item_id:
        return None
    if not services.broker.admit(client):
        # Over the cap of held connections: the web client falls back to (turned-away) polls.
        raise RateLimited(
            HELD_CAP_RETRY_S, N_("Too many connections held open from your address; try again in {seconds} s.")
        )
    return EventStream(services, slug, event, after, known_reads, reader, viewer, client)


class EventStream:
    """Items as they are committed, on one long response; `event: state` when the state changes,
    and with a reads version, `event: reads` whenever the read receipts are newer."""

    def __init__(
        self,
        services: Services,
        slug: str,
        event: Event,
        after: int,
        known_reads: int | None,
        reader: Participant | None,
        viewer: Viewer,
        client: str,
    ) -> None:
        self.services = services
        self.store = services.store
        # _event is as of the last page this stream wrote (the broadcast moves only the outlet's
        # cursor): use it for its id, which never changes.
        self._slug, self._event = slug, event
        self._reader, self._viewer = reader, viewer
        self._known_reads = known_reads
        self._client = client
        # The cursor, the state sent and the write side, shared with the broker's broadcast.
        self._out = Outlet(after, event.state(self.store.clock()), reader.id if reader is not None else None)
        self._done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._gone = False
        self._pumping = False  # the pump is catching up; news waits for it
        self._missed = False  # news came while the pump was reading
        self._reads_due = known_reads is not None  # newer receipts are to be sent
        self._signal_seq = 0  # the newest call signal written (calls.SignalBoxes' order): 0, none yet
        self._signals_due = False  # call signals wait for the client to take what was written before
        self._sink: Sink

    async def run(self, sink: Sink) -> None:
        """Write the stream until the event has closed and its last item gone out, the client
        goes away, or the server stops; the caller then ends the response."""
        self._sink = sink
        broker, services = self.services.broker, self.services
        services.open_streams += 1
        subscriber = broker.subscribe(
            self._event.id,
            self._told,
            wants_reads=self._known_reads is not None,
            viewer=self._viewer,
            typing=self._typing,
            signals=self._signalled if party_of(self._viewer) is not None else None,
            outlet=self._out,
        )
        keepalive = PeriodicCallback(self._keepalive, KEEPALIVE_S * 1000)
        keepalive.start()
        try:
            sink.start(self._out, b"retry: 2000\n\n" + encode_state(self._out.state))
            self._told(False)  # what is there already (and newer receipts, in the pump)
            self._signalled()  # the call signals kept for this reader (a tab opened while a call rings)
            await self._done
        finally:
            keepalive.stop()
            broker.unsubscribe(subscriber)
            broker.discharge(self._client)
            services.open_streams -= 1

    @property
    def gone_away(self) -> bool:
        """Whether the client went away (its response is not to be ended)."""
        return self._gone

    def _end(self) -> None:
        self._out.busy = True  # the broadcast leaves it alone from now on
        if not self._done.done():
            self._done.set_result(None)

    def gone(self) -> None:
        """The client went away."""
        self._gone = True
        self._end()

    def _told(self, reads: bool) -> None:
        """New items for this event (or, with reads, newer receipts): write them now if the
        connection has taken everything written before, else let the pump catch up."""
        if self._done.done():
            return
        if self._gone or self.services.broker.closing:
            return self._end()
        if reads:
            self._reads_due = True
        if self._pumping or self._reads_due or not self._drained():
            return self._pump_soon()
        page = self.store.memory_page(self._slug, self._out.after, PAGE, self._viewer)
        if page is None:
            return self._pump_soon()  # older than memory holds: the pump reads it from the database
        if page.items:
            self._write_items(page)
        if page.more:
            self._pump_soon()

    def _typing(self, frame: bytes) -> None:
        """Somebody is typing: sent now if the client has taken everything, else dropped (the
        typist's client says so again in 3 s, and a reader behind has items to take first)."""
        if self._done.done() or self._gone or self._pumping or not self._drained():
            return
        self._send(frame)

    def _signalled(self) -> None:
        """Call signals for this reader are kept: written now if the client has taken everything,
        else by the pump once it has (never dropped, unlike typing)."""
        if self._done.done() or self._gone:
            return
        if self._pumping or not self._drained():
            self._signals_due = True
            return self._pump_soon()
        self._send_signals()

    def _send_signals(self) -> None:
        """Write the signals kept for this reader that this connection has not had, as
        `event: signal` frames: no `id:` line, so they never move the stream's cursor."""
        pending = self.services.calls.pending(self._event.id, self._viewer, self._signal_seq)
        if pending:
            self._signal_seq = pending[-1].seq
            self._send(b"".join(b"event: signal\ndata: " + signal.frame + b"\n\n" for signal in pending))

    def _drained(self) -> bool:
        """Whether everything written so far has gone to the client."""
        return self._out.drained()

    def _send(self, chunk: bytes) -> None:
        """Write a chunk: framed by the outlet once the headers went, else by Tornado; only ever one
        is outstanding (Tornado resolves just the newest flush)."""
        out = self._out
        if out.sock is not None:
            out.send(framed(chunk))
        else:
            out.flushing = self._sink.write_chunk(chunk)

    def _write_items(self, page: Page) -> None:
        """Write a page's items (and a new state); the stream ends once the closing item has gone out."""
        event = page.event
        state = event.state(self.store.clock())
        chunk = self.services.answers.stream_chunk(page, state)
        out = self._out
        if state != out.state:
            out.state = state
            chunk += encode_state(state)
        self._event, out.after = event, page.cursor
        self._send(chunk)
        if self._reader is not None:
            self.services.presence.touch(self._reader.id)  # connected is online, as a poll is
        if state == CLOSED and not page.more and out.after >= event.last_item_id:
            self._end()  # the closing item has gone out: the stream is complete

    def _pump_soon(self) -> None:
        if self._pumping:
            self._missed = True  # the pump looks again before it stops
            return
        self._pumping = self._out.busy = True
        self._spawn(self._pump())

    async def _pump(self) -> None:
        """Catch up, one page at a time, each once the client has taken the one before. A client
        that takes nothing for STALL_S is dropped: it resumes from Last-Event-ID when it returns."""
        try:
            while not self._done.done():
                self._missed = False
                flushing = self._out.flushing
                if flushing is not None:
                    await asyncio.wait_for(asyncio.shield(flushing), STALL_S)
                if self._done.done():
                    break
                if self._reads_due:
                    self._reads_due = False
                    await self._send_reads()
                    continue
                if self._signals_due:
                    self._signals_due = False
                    self._send_signals()
                    continue
                page = await self.store.page(self._slug, self._event, self._out.after, PAGE, viewer=self._viewer)
                if self._done.done() or (not page.items and not self._missed):
                    break
                if page.items:
                    self._write_items(page)
        except TimeoutError:
            log.info("dropped a stream that took nothing for %.0f s", STALL_S)
            self._drop()
        except StreamClosedError:
            self._end()
        finally:
            self._pumping = False
            self._out.busy = self._done.done()

    def _drop(self) -> None:
        """Close the connection now, freeing whatever it still had queued."""
        self._end()
        self._sink.close()

    async def _send_reads(self) -> None:
        known = self._known_reads
        if known is None or await self.store.reads_version(self._event.id) <= known:
            return
        receipts = await reads_json(self.store, self._event)
        if self._done.done() or receipts["version"] <= (self._known_reads or 0):
            return
        self._known_reads = receipts["version"]
        self._send(b"event: reads\ndata: " + dumps(receipts).encode() + b"\n\n")

    def _keepalive(self) -> None:
        if self._done.done() or not self._drained():
            return  # a client still taking our last write needs no keep-alive
        if self._reader is not None:
            self.services.presence.touch(self._reader.id)
        self._send(b": keepalive\n\n")

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(work)
        _tasks.add(task)
        task.add_done_callback(_forget)


_tasks: set[asyncio.Future[None]] = set()  # running tasks of streams, kept from the collector


def _forget(task: asyncio.Future[None]) -> None:
    _tasks.discard(task)
    if not task.cancelled() and task.exception() is not None:
        log.error("a stream's task failed", exc_info=task.exception())
