"""Plain long polls answered on a loop of our own; every other request by Tornado's HTTP/1.1.

Through Tornado, a long poll's round trip (an HTTP1Connection, the head parsed into HTTPHeaders,
an HTTPServerRequest, routing, a RequestHandler with its headers, futures to write and finish)
costs as much as a round trip of Tornado's chat demo, and nearly all of it is that machinery:
the poll itself answers from memory. A `PollConnection` reads each request's head itself. A plain
poll, `GET /api/events/<slug>/messages?<simple query>` over HTTP/1.1 with no body and no
Connection, Expect or Upgrade header, is parsed in a few string operations, answered through the
same `polling.Poll` as MessagesHandler, and written with one send. Anything else, and any poll
that would be refused (400, 404, 409, 410, a stop in progress), is put back in front of the
stream's read buffer and read again by Tornado's HTTP1Connection, so that the handlers answer it
exactly as before, in the reader's language.

Two things here lean on Tornado's insides, and `supported()` checks both before the server uses
this path: IOStream's read buffer (`_read_buffer`, `_read_buffer_size`, to put a head back) and
`tornado.httpserver._HTTPRequestContext` (what every request of the connection carries).
"""

from __future__ import annotations

import asyncio
import logging
import re
import socket
import time
from dataclasses import dataclass
from email.utils import formatdate
from http import HTTPStatus
from typing import Any

import tornado
from tornado import httputil
from tornado.http1connection import HTTP1Connection, HTTP1ConnectionParameters, HTTP1ServerConnection
from tornado.iostream import IOStream, SSLIOStream, StreamClosedError, UnsatisfiableReadError

from chatserver.access_log import log_answer
from chatserver.errors import ChatError
from chatserver.handlers.base import bearer, error_body
from chatserver.handlers.services import Services
from chatserver.polling import HELD_CAP_RETRY_S, Poll, PollArgs

try:
    from tornado.httpserver import _HTTPRequestContext
except ImportError:  # a Tornado that reorganised its server: the plain path stays off
    _HTTPRequestContext = None  # type: ignore[assignment,misc]

log = logging.getLogger(__name__)

HEAD_END = rb"\r?\n\r?\n"  # as HTTP1Connection finds the end of a head
# Only what the poll's arguments can be: anything percent-encoded or stranger goes to Tornado.
PLAIN_TARGET = re.compile(r"/api/events/([A-Za-z0-9_-]{1,64})/messages(?:\?([A-Za-z0-9_=&.-]{0,512}))?")
FIELD_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")  # RFC 9110's token: a header's name
FIELD_VALUE = re.compile(r"[\t\x20-\x7e]*")
# Headers that change how the request is read or answered: Tornado's HTTP/1 handles them.
NOT_PLAIN = frozenset({"transfer-encoding", "expect", "upgrade", "te"})
SERVER = f"TornadoServer/{tornado.version}"  # what every other answer says


@dataclass(frozen=True, slots=True)
class PlainPoll:
    """A request head that poll_path answers itself."""

    target: str
    slug: str
    query: dict[str, str]  # each argument's last value, as get_query_argument takes it
    key: str | None  # the bearer credential


def plain_poll(head: bytes) -> PlainPoll | None:
    """The head as a plain poll, or None when Tornado's HTTP/1 is to read it."""
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
    query: dict[str, str] = {}
    for pair in (target.group(2) or "").split("&"):
        if pair:
            name, _, value = pair.partition("=")
            query[name] = value
    return PlainPoll(parts[1], target.group(1), query, bearer(authorization or ""))


class PollConnection(HTTP1ServerConnection):
    """One client connection: plain polls on this loop, other requests one at a time by Tornado's
    HTTP1Connection, as HTTP1ServerConnection's own loop reads them."""

    def __init__(self, stream: IOStream, params: HTTP1ConnectionParameters, context: Any, services: Services) -> None:
        super().__init__(stream, params, context)
        self.services = services
        self.remote_ip: str = context.remote_ip
        self._nodelay = False  # Tornado turns Nagle back on after each of its requests

    async def _server_request_loop(self, delegate: httputil.HTTPServerConnectionDelegate) -> None:
        stream = self.stream
        try:
            while True:
                head = await self._read_head()
                if head is None:
                    return
                poll = None if self.services.closing else plain_poll(head)
                answered = await self._answer(poll) if poll is not None else None
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

    async def _answer(self, request: PlainPoll) -> bool | None:
        """Answer a plain poll: whether to go on reading, or None if Tornado is to answer it."""
        services, stream = self.services, self.stream
        started = time.perf_counter()
        try:
            args = PollArgs.parse(request.query.get, services)
            poll = Poll(services, args, request.key, services.clients.key(self.remote_ip))
            await poll.begin(request.slug)
        except Exception:
            return None  # a refusal: the handler answers it, in the reader's language
        services.request_started()
        stream.set_close_callback(poll.gone)
        status, retry_after = 200, HELD_CAP_RETRY_S if poll.turned_away else None
        try:
            body = await poll.answer()
        except ChatError as error:  # after the hold: the disk failed or the server is stopping
            status, retry_after = error.status, getattr(error, "retry_after", None)
            body = error_body(error.code, error.message).encode()
        except Exception:
            log.error("Uncaught exception answering a poll", exc_info=True)
            status, retry_after = 500, None
            body = error_body("internal_error", "The server failed to answer; try again.").encode()
        finally:
            stream.set_close_callback(None)
            services.request_finished()
        if body is None:
            return False  # the client went away while the poll was held
        retry_after = HELD_CAP_RETRY_S if poll.turned_away and status == 200 else retry_after
        if not await self._write(response_head(status, len(body), retry_after) + body):
            return False
        services.plain_polls += 1
        log_answer(status, True, "GET", request.target, self.remote_ip, time.perf_counter() - started)
        return True

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


class _Date:
    """The Date header's value, formatted once a second."""

    second = -1
    value = b""


_date = _Date()


def response_head(status: int, length: int, retry_after: int | None) -> bytes:
    """The status line and headers Tornado's ApiHandler sends with a JSON answer, in its order."""
    now = int(time.time())
    if now != _date.second:
        _date.second, _date.value = now, formatdate(now, usegmt=True).encode()
    retry = b"Retry-After: %d\r\n" % retry_after if retry_after is not None else b""
    return (
        b"HTTP/1.1 %d %s\r\nServer: %s\r\nContent-Type: application/json; charset=utf-8\r\nDate: %s\r\n"
        b"Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n%sContent-Length: %d\r\n\r\n"
        % (status, HTTPStatus(status).phrase.encode(), SERVER.encode(), _date.value, retry, length)
    )


def unread(stream: IOStream, data: bytes) -> None:
    """Put a head back in front of whatever the stream has buffered, to be read again."""
    stream._read_buffer[:0] = data  # noqa: SLF001 (see the module's docstring)
    stream._read_buffer_size += len(data)  # noqa: SLF001


def supported() -> bool:
    """Whether this Tornado has the insides the plain path leans on (see the module's docstring)."""
    if _HTTPRequestContext is None:
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
    """What HTTPServer.handle_stream does, with a PollConnection in place of HTTP1ServerConnection."""
    context = _HTTPRequestContext(stream, address, server.protocol, server.trusted_downstream)
    conn = PollConnection(stream, server.conn_params, context, services)
    server._connections.add(conn)  # noqa: SLF001 (close_all_connections waits for it)
    conn.start_serving(server)
