"""SSE writes without Tornado's per-write machinery: chunks framed by us and sent to the socket.

An SSE response is one long chunked body. Tornado writes each chunk through RequestHandler.flush,
HTTP1Connection.write and IOStream.write: two futures, a callback and buffer bookkeeping per
write, paid once per reader per message. An `Outlet` frames the chunk itself (the bytes
HTTP1Connection would have sent) and, when nothing is queued in the IOStream, hands it to the
socket at once. What the kernel does not take goes into the IOStream's buffer, and every later
write follows it there until it has drained, so the order holds; HTTP1Connection's own state is
untouched (its final 0-chunk goes through the same IOStream, after everything we queued).
"""

from __future__ import annotations

import asyncio
from asyncio import Future
from socket import socket

from tornado.http1connection import HTTP1Connection
from tornado.iostream import IOStream, SSLIOStream, StreamClosedError

PAGE = 500  # items per write at most (and PAGE_BYTES of them)


def framed(payload: bytes) -> bytes:
    """One chunk of a chunked body, as HTTP1Connection frames it (never empty: that ends the body)."""
    return b"%x\r\n%b\r\n" % (len(payload), payload)


class Outlet:
    """One SSE response's write side and position: the cursor and state its client has been sent,
    and the socket it is written to directly once its headers have gone (sock None: Tornado's way)."""

    __slots__ = ("after", "state", "reader_id", "busy", "flushing", "sock", "stream")

    def __init__(self, after: int, state: str, reader_id: int | None) -> None:
        self.after = after  # the newest item sent (the stream's cursor)
        self.state = state  # the event's state last sent
        self.reader_id = reader_id  # the participant reading, counted online while items go out
        # The handler is catching up or has ended: news goes through it, not the broadcast.
        self.busy = False
        self.flushing: Future[None] | None = None  # the last write queued, until the client has taken it
        self.sock: socket | None = None
        self.stream: IOStream | None = None

    def attach(self, connection: object, chunked: bool) -> None:
        """Write straight to the socket from now on, if the response is chunked over plain TCP
        (HTTP/1.0 bodies and TLS keep Tornado's path)."""
        if chunked and isinstance(connection, HTTP1Connection):
            self.attach_stream(connection.stream)

    def attach_stream(self, stream: IOStream) -> bool:
        """Write straight to this stream's socket from now on, if it is plain TCP and open."""
        if isinstance(stream, SSLIOStream) or stream.socket is None:
            return False
        self.stream, self.sock = stream, stream.socket
        # Each write is whole events, due now: Nagle would hold one back until the last is acked.
        stream.set_nodelay(True)
        return True

    def drained(self) -> bool:
        """Whether everything written so far has gone to the kernel."""
        return self.flushing is None or self.flushing.done()

    def send(self, chunk: bytes) -> None:
        """Write one framed chunk: to the socket when nothing is queued ahead of it, else behind it."""
        if self.flushing is not None and not self.flushing.done():
            self.queue(chunk, 0)
            return
        try:
            sent = self.sock.send(chunk)  # type: ignore[union-attr]
        except (BlockingIOError, InterruptedError):
            sent = 0
        except OSError as error:
            self.fail(error)
            return
        if sent != len(chunk):
            self.queue(chunk, sent)

    def queue(self, chunk: bytes, sent: int) -> None:
        """Leave the rest of a chunk to the IOStream, which sends it as the client takes it."""
        stream = self.stream
        assert stream is not None
        if stream.closed():
            self.fail(StreamClosedError())
            return
        self.flushing = stream.write(memoryview(chunk)[sent:] if sent else chunk)

    def fail(self, error: BaseException) -> None:
        """The connection broke: close it (the handler hears of it), leave the fast path (anything
        written until the handler ends takes Tornado's, which fails at once) and fail what waits."""
        self.sock = None
        if self.stream is not None:
            self.stream.close(exc_info=error)
        failed: Future[None] = asyncio.get_running_loop().create_future()
        failed.set_exception(StreamClosedError())
        failed.exception()  # retrieved: nobody need wait on it
        self.flushing = failed
