"""GET /api/events/<slug>/stream: the same stream as Server-Sent Events, one SSE event per item.

It resumes from Last-Event-ID (or ?after=), which is the cursor, so reconnecting yields every item
exactly once, in order, as the long poll does. Long-poll stays the default and always works.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

from tornado.ioloop import PeriodicCallback
from tornado.iostream import StreamClosedError

from chatserver.errors import N_, RateLimited
from chatserver.handlers.base import dumps
from chatserver.handlers.stream import StreamReader
from chatserver.models import CLOSED, Page, party_of
from chatserver.polling import HELD_CAP_RETRY_S, reads_json
from chatserver.sse_writer import PAGE, Outlet, framed
from chatserver.timefmt import format_time, now_ms
from chatserver.validation import query_cursor

log = logging.getLogger(__name__)

KEEPALIVE_S = 15.0  # a comment line this often keeps proxies and NATs from dropping a quiet stream
# A stream whose client has not taken one write (at most PAGE_BYTES) for this long is dropped.
STALL_S = 60.0


def encode_state(state: str) -> bytes:
    """The state, with the server's clock as every JSON answer carries it."""
    return f'event: state\ndata: {{"state":"{state}","server_time":"{format_time(now_ms())}"}}\n\n'.encode()


class EventStreamHandler(StreamReader):
    """Items as they are committed, on one long response; `event: state` when the state changes,
    and with ?reads=<version>, `event: reads` whenever the read receipts are newer.

    The broker tells the stream after each loop turn's commits and the stream writes what is new
    at once, from memory; only what memory does not hold is read from disk, in a task."""

    _done: asyncio.Future[None]

    async def get(self, slug: str) -> None:
        resume = self.request.headers.get("Last-Event-ID")
        after = query_cursor(resume if resume is not None else self.get_query_argument("after", None))
        reads_arg = self.get_query_argument("reads", None)
        self._known_reads = query_cursor(reads_arg, "reads") if reads_arg is not None else None
        event = await self.event_at(slug, after)
        self._reader = await self.participant(event)
        self._viewer = await self.viewer(event, self._reader)
        state = event.state(self.store.clock())
        if state == CLOSED and after >= event.last_item_id:
            # Nothing will ever come: 204 tells EventSource not to reconnect.
            self.set_status(204)
            self.clear_header("Content-Type")
            self.finish()
            return
        self.set_header("Content-Type", "text/event-stream; charset=utf-8")
        self.set_header("X-Accel-Buffering", "no")  # nginx: pass each event on at once
        # _event is as of the last page this handler wrote (the broadcast moves only the outlet's
        # cursor): use it for its id, which never changes.
        self._slug, self._event = slug, event
        # The cursor, the state sent and the write side, shared with the broker's broadcast.
        self._out = Outlet(after, state, self._reader.id if self._reader is not None else None)
        self._done = asyncio.get_running_loop().create_future()
        self._pumping = False  # the pump is catching up; news waits for it
        self._missed = False  # news came while the pump was reading
        self._reads_due = self._known_reads is not None  # newer receipts are to be sent
        self._signal_seq = 0  # the newest call signal written (calls.SignalBoxes' order): 0, none yet
        self._signals_due = False  # call signals wait for the client to take what was written before
        broker, services = self.services.broker, self.services
        client = self.client_key()
        if not broker.admit(client):
            # Over the cap of held connections: the web client falls back to (turned-away) polls.
            raise RateLimited(
                HELD_CAP_RETRY_S, N_("Too many connections held open from your address; try again in {seconds} s.")
            )
        services.open_streams += 1
        subscriber = broker.subscribe(
            event.id,
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
            self._send(b"retry: 2000\n\n" + encode_state(state))  # with the headers, Tornado's way
            self._out.attach(self.request.connection, self._headers.get("Transfer-Encoding") == "chunked")
            self._told(False)  # what is there already (and newer receipts, in the pump)
            self._signalled()  # the call signals kept for this reader (a tab opened while a call rings)
            await self._done
        finally:
            keepalive.stop()
            broker.unsubscribe(subscriber)
            broker.discharge(client)
            services.open_streams -= 1
        if not self._gone:
            self.finish()

    def _end(self) -> None:
        self._out.busy = True  # the broadcast leaves it alone from now on
        if not self._done.done():
            self._done.set_result(None)

    def on_connection_close(self) -> None:
        super().on_connection_close()
        if hasattr(self, "_done"):
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
            self.write(chunk)
            out.flushing = self.flush()

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
        if self.request.connection is not None:
            self.request.connection.close()  # type: ignore[attr-defined]

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
