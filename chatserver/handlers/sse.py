"""GET /api/events/<slug>/stream: the same stream as Server-Sent Events, one SSE event per item.

It resumes from Last-Event-ID (or ?after=), which is the cursor, so reconnecting yields every item
exactly once, in order, as the long poll does. Long-poll stays the default and always works.
"""

from __future__ import annotations

import json

from tornado.iostream import StreamClosedError

from chatserver.broker import RELEASED, TIMED_OUT
from chatserver.handlers.base import dumps
from chatserver.handlers.stream import StreamReader, reads_json
from chatserver.models import CLOSED, Item
from chatserver.timefmt import format_time, now_ms
from chatserver.validation import query_cursor

KEEPALIVE_S = 15.0  # a comment line this often keeps proxies and NATs from dropping a quiet stream
PAGE = 500


def encode_items(items: list[Item]) -> bytes:
    """`id: <cursor>` and `data: <item as in the poll>` for each item."""
    return "".join(
        f"id: {item.id}\ndata: {json.dumps(item.to_json(), ensure_ascii=False, separators=(',', ':'))}\n\n"
        for item in items
    ).encode()


def encode_state(state: str) -> bytes:
    """The state, with the server's clock as every JSON answer carries it."""
    return f'event: state\ndata: {{"state":"{state}","server_time":"{format_time(now_ms())}"}}\n\n'.encode()


class EventStreamHandler(StreamReader):
    """Items as they are committed, on one long response; `event: state` when the state changes,
    and with ?reads=<version>, `event: reads` whenever the read receipts are newer."""

    async def get(self, slug: str) -> None:
        resume = self.request.headers.get("Last-Event-ID")
        after = query_cursor(resume if resume is not None else self.get_query_argument("after", None))
        reads_arg = self.get_query_argument("reads", None)
        known_reads = query_cursor(reads_arg, "reads") if reads_arg is not None else None
        event = await self.event_at(slug, after)
        participant = await self.participant(event)
        state = event.state(self.store.clock())
        if state == CLOSED and after >= event.last_item_id:
            # Nothing will ever come: 204 tells EventSource not to reconnect.
            self.set_status(204)
            self.clear_header("Content-Type")
            self.finish()
            return
        self.set_header("Content-Type", "text/event-stream; charset=utf-8")
        self.set_header("X-Accel-Buffering", "no")  # nginx: pass each event on at once
        broker, services = self.services.broker, self.services
        services.open_streams += 1
        try:
            await self._send(b"retry: 2000\n\n" + encode_state(state))
            while not self._gone and not broker.closing:
                if participant is not None:
                    services.presence.touch(participant.id)  # connected is online, as a poll is
                waiter = self._waiter = broker.watch(event.id, wants_reads=known_reads is not None)
                try:
                    if known_reads is not None and await self.store.reads_version(event.id) > known_reads:
                        receipts = await reads_json(self.store, event)
                        known_reads = receipts["version"]
                        await self._send(b"event: reads\ndata: " + dumps(receipts).encode() + b"\n\n")
                    event, items, more, shared = await self.page(slug, event, after, PAGE)
                    outcome = None if items else await broker.hold(waiter, KEEPALIVE_S, poll=False)
                finally:
                    broker.release(waiter)
                if self._gone or outcome == RELEASED:
                    break
                if outcome == TIMED_OUT:
                    await self._send(b": keepalive\n\n")
                    continue
                if not items:
                    continue  # woken (new items or receipts): look again
                key = (event.id, after, PAGE, event.last_item_id, "sse")
                chunk = services.answers.shared(key, items, encode_items) if shared else encode_items(items)
                now_state = event.state(self.store.clock())
                if now_state != state:
                    state = now_state
                    chunk += encode_state(state)
                await self._send(chunk)
                after = items[-1].id
                if state == CLOSED and not more and after >= event.last_item_id:
                    break  # the closing item has gone out: the stream is complete
        except StreamClosedError:
            pass
        finally:
            services.open_streams -= 1
        if not self._gone:
            self.finish()

    async def _send(self, chunk: bytes) -> None:
        self.write(chunk)
        await self.flush()
