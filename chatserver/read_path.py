"""Plain reads of an event's stream (long polls and SSE) served on a loop of our own; every other
request by Tornado's HTTP/1.1.

Through Tornado, a long poll's round trip (an HTTP1Connection, the head parsed into HTTPHeaders,
an HTTPServerRequest, routing, a RequestHandler with its headers, futures to write and finish)
costs as much as a round trip of Tornado's chat demo, and nearly all of it is that machinery: the
poll itself answers from memory. A held SSE stream keeps all of those objects for as long as it
is open, most of the memory it holds. A `ReadConnection` reads each request's head itself. A
plain read, `GET /api/events/<slug>/messages` or `…/stream` with a simple query, over HTTP/1.1,
with no body and no Connection, Expect or Upgrade header, is parsed in a few string operations
and served through the same `polling.Poll` or `sse_stream.EventStream` as the handlers, its
bytes sent straight to the socket. Anything else, and any read that would be refused (400, 404,
409, 410, 429, a stop in progress) or has nothing to send (a stream's 204), is put back in front
of the stream's read buffer and read again by Tornado's HTTP1Connection, so that the handlers
answer it exactly as before, in the reader's language.

Two things here lean on Tornado's insides, and `supported()` checks both before the server uses
this path: IOStream's read buffer (`_read_buffer`, `_read_buffer_size`, to put a head back) and
`tornado.httpserver._HTTPRequestContext` (what every request of the connection carries, and its
`_apply_xheaders`, so that --xheaders reads a proxy's headers by Tornado's own rule).
"""

from __future__ import annotations

import asyncio
import logging
import re
import socket
import time
from dataclasses import dataclass
from email.utils import formatdate
from functools import lru_cache
from http import HTTPStatus
from typing import Any

import tornado
from tornado import httputil
from tornado.http1connection import HTTP1Connection, HTTP1ConnectionParameters, HTTP1ServerConnection
from tornado.iostream import IOStream, SSLIOStream, StreamClosedError, UnsatisfiableReadError

from chatserver.access_log import log_answer
from chatserver.errors import ChatError
from chatserver.handlers.base import SERVER_FAILED, bearer, error_body
from chatserver.handlers.services import Services
from chatserver.polling import HELD_CAP_RETRY_S, Poll, PollArgs
from chatserver.sse_stream import open_stream
from chatserver.sse_writer import Outlet, framed
from chatserver.validation import query_cursor

try:
    from tornado.httpserver import _HTTPRequestContext
except ImportError:  # a Tornado that reorganised its server: the plain path stays off
    _HTTPRequestContext = None  # type: ignore[assignment,misc]

log = logging.getLogger(__name__)

HEAD_END = rb"\r?\n\r?\n"  # as HTTP1Connection finds the end of a head
# Only what the poll's arguments can be: anything percent-encoded or stranger goes to Tornado.
PLAIN_TARGET = re.compile(r"/api/events/([A-Za-z0-9_-]{1,64})/(messages|stream)(?:\?([A-Za-z0-9_=&.-]{0,512}))?")
FIELD_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")  # RFC 9110's token: a header's name
FIELD_VALUE = re.compile(r"[\t\x20-\x7e]*")
# Headers that change how the request is read or answered: Tornado's HTTP/1 handles them.
NOT_PLAIN = frozenset({"transfer-encoding", "expect", "upgrade", "te"})
# What --xheaders reads (tornado.httpserver's _HTTPRequestContext._apply_xheaders).
FORWARDED = frozenset({"x-forwarded-for", "x-real-ip", "x-scheme", "x-forwarded-proto"})
SERVER = f"TornadoServer/{tornado.version}".encode()  # what every other answer says


@dataclass(frozen=True, slots=True)
class PlainRead:
    """A request head that read_path answers itself: a poll (`messages`) or an SSE `stream`."""

    target: str
    slug: str
    kind: str  # "messages" or "stream"
    query: dict[str, str]  # each argument's last value, as get_query_argument takes it
    key: str | None  # the bearer credential
    last_event_id: str | None  # an SSE client's resume point
    forwarded: dict[str, str]  # X-Forwarded-For, X-Real-Ip, ...: the client's address behind a proxy


def plain_read(head: bytes) -> PlainRead | None:
    """The head as a plain poll or stream, or None when Tornado's HTTP/1 is to read it."""
    try:
        text = head.decode("ascii")
    except UnicodeDecodeError:
        return None
    lines = text.split("\r\n")
    if len(lines) < 3 or lines[-1] or lines[-2]:
        return None  # bare LF line ends, or blank lines before the request line
    parts = lines[0].split(" ")
    if len(parts) != 3 or parts[0] != "GET" or parts[2] != "HTTP/1.1":
        return None
    target = PLAIN_TARGET.fullmatch(parts[1])
    if target is None:
        return None
    authorization: str | None = None
    last_event_id: str | None = None
    forwarded: dict[str, str] = {}
    for line in lines[1:-2]:
        name, colon, value = line.partition(":")
        if not colon or not FIELD_NAME.fullmatch(name):
            return None  # folded, malformed or oddly spaced: Tornado's parser decides
        lowered, value = name.lower(), value.strip(" \t")
        if not FIELD_VALUE.fullmatch(value):
            return None  # control characters: Tornado refuses the request
        if lowered in NOT_PLAIN:
            return None
        if lowered == "content-length" and value != "0":
            return None
        if lowered == "connection" and value.lower() != "keep-alive":
            return None
        if lowered == "authorization":
            if authorization is not None:
                return None  # twice: Tornado joins them, and the handler decides
            authorization = value
        elif lowered == "last-event-id":
            if last_event_id is not None:
                return None
            last_event_id = value
        elif lowered in FORWARDED:
            if lowered in forwarded:
                return None  # twice: Tornado joins them
            forwarded[lowered] = value
    query: dict[str, str] = {}
    for pair in (target.group(3) or "").split("&"):
        if pair:
            name, _, value = pair.partition("=")
            query[name] = value
    slug, kind = target.group(1), target.group(2)
    return PlainRead(parts[1], slug, kind, query, bearer(authorization or ""), last_event_id, forwarded)


class ReadConnection(HTTP1ServerConnection):
    """One client connection: plain reads on this loop, other requests one at a time by Tornado's
    HTTP1Connection, as HTTP1ServerConnection's own loop reads them."""

    def __init__(
        self, stream: IOStream, params: HTTP1ConnectionParameters, context: Any, services: Services, xheaders: bool
    ) -> None:
        super().__init__(stream, params, context)
        self.services = services
        self.xheaders = xheaders  # the client's address is the one a proxy names (--xheaders)
        self.remote_ip: str = context.remote_ip
        self._nodelay = False  # Tornado turns Nagle back on after each of its requests

    async def _server_request_loop(self, delegate: httputil.HTTPServerConnectionDelegate) -> None:
        stream = self.stream
        try:
            while True:
                head = await self._read_head()
                if head is None:
                    return
                read = None if self.services.closing else plain_read(head)
                answered = await self._answer(read) if read is not None else None
                if answered is None:
                    unread(stream, head)
                    if not await self._tornado_request(delegate):
                        return
                    self._nodelay = False
                    await asyncio.sleep(0)  # as Tornado's loop: let other callbacks run between requests
                elif not answered:
                    return
        finally:
            delegate.on_close(self)

    async def _read_head(self) -> bytes | None:
        """The next request's head, or None once the client has closed, sent a head over the
        limit, or sent none within the idle timeout (Tornado's header_timeout)."""
        stream = self.stream
        try:
            future = stream.read_until_regex(HEAD_END, max_bytes=self.params.max_header_size)
        except (StreamClosedError, UnsatisfiableReadError):
            return None
        timeout = self.params.header_timeout
        timer = stream.io_loop.call_later(timeout, stream.close) if timeout else None
        try:
            return await future
        except (StreamClosedError, UnsatisfiableReadError):
            return None
        finally:
            if timer is not None:
                stream.io_loop.remove_timeout(timer)

    async def _tornado_request(self, delegate: httputil.HTTPServerConnectionDelegate) -> bool:
        """One request read and answered by Tornado's HTTP1Connection: whether to go on reading."""
        conn = HTTP1Connection(self.stream, False, self.params, self.context)
        request_delegate = delegate.start_request(self, conn)
        try:
            return await conn.read_response(request_delegate)
        except (StreamClosedError, UnsatisfiableReadError, asyncio.CancelledError):
            return False
        except Exception:
            log.error("Uncaught exception", exc_info=True)
            conn.close()
            return False

    async def _answer(self, request: PlainRead) -> bool | None:
        """Answer a plain read: whether to go on reading, or None if Tornado is to answer it."""
        if request.kind == "stream":
            return await self._answer_stream(request)
        return await self._answer_poll(request)

    async def _answer_poll(self, request: PlainRead) -> bool | None:
        """Answer a plain poll: whether to go on reading, or None if Tornado is to answer it."""
        services, stream = self.services, self.stream
        started, ip = time.perf_counter(), self._client_ip(request)
        try:
            args = PollArgs.parse(request.query.get, services)
            poll = Poll(services, args, request.key, services.clients.key(ip))
            await poll.begin(request.slug)
        except Exception:
            return None  # a refusal: the handler answers it, in the reader's language
        services.request_started()
        stream.set_close_callback(poll.gone)
        status, retry_after = 200, None
        try:
            body = await poll.answer()
        except ChatError as error:  # after the hold: the disk failed or the server is stopping
            status, retry_after = error.status, getattr(error, "retry_after", None)
            body = error_body(error.code, error.message).encode()
        except Exception:
            log.error("Uncaught exception answering a poll", exc_info=True)
            status, retry_after = 500, None  # as ApiHandler.write_error words a failure
            body = error_body("internal_error", services.languages.source.translate(SERVER_FAILED)).encode()
        finally:
            stream.set_close_callback(None)
            services.request_finished()
        if body is None:
            return False  # the client went away while the poll was held
        retry_after = HELD_CAP_RETRY_S if poll.turned_away and status == 200 else retry_after
        extra = b"Retry-After: %d\r\n" % retry_after if retry_after is not None else b""
        if not await self._write(response_head(status, JSON, extra, len(body)) + body):
            return False
        services.plain_polls += 1
        log_answer(status, True, "GET", request.target, ip, time.perf_counter() - started)
        return True

    async def _answer_stream(self, request: PlainRead) -> bool | None:
        """Serve a plain SSE stream to its end: whether to go on reading, or None if Tornado is to
        answer (a refusal, the 204 of a stream with nothing to come, TLS)."""
        services, stream = self.services, self.stream
        if isinstance(stream, SSLIOStream):
            return None
        started, ip = time.perf_counter(), self._client_ip(request)
        try:
            resume = request.last_event_id
            after = query_cursor(resume if resume is not None else request.query.get("after"))
            reads = request.query.get("reads")
            known_reads = query_cursor(reads, "reads") if reads is not None else None
            client = services.clients.key(ip)
            events = await open_stream(services, request.slug, after, known_reads, request.key, client)
        except Exception:
            return None  # a refusal: the handler answers it, in the reader's language
        if events is None:
            return None
        services.plain_streams += 1
        services.request_started()
        stream.set_close_callback(events.gone)
        try:
            self._nodelay = True  # the outlet turns Nagle off
            await events.run(_PlainSink(stream))
        finally:
            stream.set_close_callback(None)
            services.request_finished()
        if events.gone_away or not await self._write(b"0\r\n\r\n"):  # the body's last chunk
            return False
        log_answer(200, True, "GET", request.target, ip, time.perf_counter() - started)
        return True

    def _client_ip(self, request: PlainRead) -> str:
        """The client's address: the socket's, or with --xheaders the one the proxy names, read by
        Tornado's own rule (the request context's, applied for this request only)."""
        if not self.xheaders or not request.forwarded:
            return self.remote_ip
        context: Any = self.context
        context._apply_xheaders(httputil.HTTPHeaders(request.forwarded))  # noqa: SLF001
        try:
            return str(context.remote_ip)
        finally:
            context._unapply_xheaders()  # noqa: SLF001

    async def _write(self, data: bytes) -> bool:
        """Send a whole response, straight to the socket when nothing is queued: whether it went."""
        stream = self.stream
        if stream.closed():
            return False
        if not isinstance(stream, SSLIOStream) and not stream.writing() and stream.socket is not None:
            if not self._nodelay:
                stream.set_nodelay(True)  # each send is a whole answer: Nagle could only delay it
                self._nodelay = True
            try:
                sent = stream.socket.send(data)
            except (BlockingIOError, InterruptedError):
                sent = 0
            except OSError as error:
                stream.close(exc_info=error)
                return False
            if sent == len(data):
                return True
            data = data[sent:]
        try:
            await stream.write(data)  # the rest as the client takes it; the next request waits for it
        except StreamClosedError:
            return False
        return True


class _PlainSink:
    """A plain stream's head and chunks, straight to the socket (sse_stream.Sink)."""

    def __init__(self, stream: IOStream) -> None:
        self.stream = stream

    def start(self, out: Outlet, chunk: bytes) -> None:
        if out.attach_stream(self.stream):
            out.send(response_head(200, EVENT_STREAM, b"X-Accel-Buffering: no\r\n") + framed(chunk))
        else:
            self.stream.close()  # closed meanwhile: the stream hears of it and ends

    def write_chunk(self, chunk: bytes) -> asyncio.Future[None]:
        return self.stream.write(framed(chunk))

    def close(self) -> None:
        self.stream.close()


JSON = b"application/json; charset=utf-8"
EVENT_STREAM = b"text/event-stream; charset=utf-8"


def response_head(status: int, content_type: bytes, extra: bytes = b"", length: int | None = None) -> bytes:
    """The status line and headers Tornado sends with an ApiHandler's answer, in its order: a body of
    `length` bytes, or a chunked one (an SSE stream) without it."""
    size = b"Content-Length: %d\r\n" % length if length is not None else b"Transfer-Encoding: chunked\r\n"
    return (
        b"HTTP/1.1 %d %s\r\nServer: %s\r\nContent-Type: %s\r\nDate: %s\r\n"
        b"Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n%s%s\r\n"
        % (status, HTTPStatus(status).phrase.encode(), SERVER, content_type, _http_date(int(time.time())), extra, size)
    )


@lru_cache(maxsize=4)
def _http_date(seconds: int) -> bytes:
    """The Date header's value, formatted once a second rather than once per answer."""
    return formatdate(seconds, usegmt=True).encode()


def unread(stream: IOStream, data: bytes) -> None:
    """Put a head back in front of whatever the stream has buffered, to be read again."""
    stream._read_buffer[:0] = data  # noqa: SLF001 (see the module's docstring)
    stream._read_buffer_size += len(data)  # noqa: SLF001


def supported() -> bool:
    """Whether this Tornado has the insides the plain path leans on (see the module's docstring)."""
    if _HTTPRequestContext is None or not all(
        hasattr(_HTTPRequestContext, name) for name in ("_apply_xheaders", "_unapply_xheaders")
    ):
        return False
    left, right = socket.socketpair()
    try:
        probe = IOStream(left)
        buffer, size = getattr(probe, "_read_buffer", None), getattr(probe, "_read_buffer_size", None)
        return isinstance(buffer, bytearray) and isinstance(size, int)
    finally:
        left.close()
        right.close()


def serve_stream(server: Any, stream: IOStream, address: Any, services: Services) -> None:
    """What HTTPServer.handle_stream does, with a ReadConnection in place of HTTP1ServerConnection."""
    context = _HTTPRequestContext(stream, address, server.protocol, server.trusted_downstream)
    conn = ReadConnection(stream, server.conn_params, context, services, server.xheaders)
    server._connections.add(conn)  # noqa: SLF001 (close_all_connections waits for it)
    conn.start_serving(server)
