"""GET /api/events/<slug>/stream: the same stream as Server-Sent Events, one SSE event per item.

It resumes from Last-Event-ID (or ?after=), which is the cursor, so reconnecting yields every item
exactly once, in order, as the long poll does. Long-poll stays the default and always works. The
stream itself is sse_stream.EventStream; a plain request usually comes by read_path.py instead.
"""

from __future__ import annotations

import asyncio

from chatserver.handlers.stream import StreamReader
from chatserver.sse_stream import EventStream, open_stream
from chatserver.sse_writer import Outlet
from chatserver.validation import query_cursor


class EventStreamHandler(StreamReader):
    """Items as they are committed, on one long response (sse_stream.EventStream)."""

    _stream: EventStream | None = None

    async def get(self, slug: str) -> None:
        resume = self.request.headers.get("Last-Event-ID")
        after = query_cursor(resume if resume is not None else self.get_query_argument("after", None))
        reads_arg = self.get_query_argument("reads", None)
        known_reads = query_cursor(reads_arg, "reads") if reads_arg is not None else None
        stream = await open_stream(self.services, slug, after, known_reads, self.bearer_token(), self.client_key())
        if stream is None:
            # Nothing will ever come: 204 tells EventSource not to reconnect.
            self.set_status(204)
            self.clear_header("Content-Type")
            self.finish()
            return
        self._stream = stream
        if self._gone:
            stream.gone()
        self.set_header("Content-Type", "text/event-stream; charset=utf-8")
        self.set_header("X-Accel-Buffering", "no")  # nginx: pass each event on at once
        await stream.run(self)
        if not self._gone:
            self.finish()

    def start(self, out: Outlet, chunk: bytes) -> None:
        """The head with the first chunk, Tornado's way; then the outlet writes to the socket itself."""
        out.flushing = self.write_chunk(chunk)
        out.attach(self.request.connection, self._headers.get("Transfer-Encoding") == "chunked")

    def write_chunk(self, chunk: bytes) -> asyncio.Future[None]:
        """A chunk through Tornado (an HTTP/1.0 response, or TLS): done once the client has taken it."""
        self.write(chunk)
        return self.flush()

    def close(self) -> None:
        if self.request.connection is not None:
            self.request.connection.close()  # type: ignore[attr-defined]

    def on_connection_close(self) -> None:
        super().on_connection_close()
        if self._stream is not None:
            self._stream.gone()
