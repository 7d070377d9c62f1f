"""Accepting connections within bounds: caps per client address and in all, and no spinning on EMFILE.

Tornado's own accept loop takes every connection offered and, when the process is out of file
descriptors, raises from accept() on every loop turn (a busy loop writing one traceback per turn).
`GatedHTTPServer` accepts for itself instead:
- at most `max_per_client` open connections per client key (an IPv4 address or an IPv6 /64),
  idle keep-alive connections and half-sent requests included; one more is answered with a short
  JSON 429 and closed;
- at most `max_total` in all, set with headroom below the descriptor limit: at the cap it stops
  accepting (new clients wait in the kernel's backlog) until a connection closes;
- on EMFILE, ENFILE, ENOBUFS or ENOMEM it stops accepting for a moment, with one log line per
  interval, never one per loop turn.
"""

from __future__ import annotations

import errno
import logging
import resource
import socket
from asyncio import Future
from collections.abc import Iterable
from typing import Any

from tornado.httpserver import HTTPServer
from tornado.ioloop import IOLoop
from tornado.iostream import IOStream

from chatserver import read_path
from chatserver.clients import ClientKeys
from chatserver.handlers.base import error_body
from chatserver.slots import Slots

log = logging.getLogger("chatserver.connections")

DEFAULT_MAX_PER_CLIENT = 1_000  # one address may be a whole office behind NAT
ACCEPT_BATCH = 128  # connections taken per readiness event, so one flood cannot starve the loop
PAUSE_S = 0.5  # how long accepting stops after the process ran out of descriptors or memory
LOG_EVERY_S = 10.0  # refusals and pauses are summed up in at most one line per interval
REFUSAL_RETRY_S = 5
_OUT_OF_RESOURCES = {errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM}


def raise_descriptor_limit() -> int:
    """Raise this process's soft limit on open files to its hard limit (as Go and nginx's
    worker_rlimit_nofile do); return the limit now in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else max(soft, 1 << 20)
    if soft != resource.RLIM_INFINITY and soft < target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass  # not allowed here: work within the soft limit
    return soft if soft != resource.RLIM_INFINITY else 1 << 20


def connection_caps(total: int | None, per_client: int | None) -> tuple[int, int]:
    """The caps in force (0: none). Unset, the total is the descriptor limit (raised to the hard
    limit first) less a reserve for the database, logs and listening sockets, and the cap per
    client DEFAULT_MAX_PER_CLIENT, but at most a quarter of the total, so that one address can
    never take every connection the server has."""
    if total is None:
        limit = raise_descriptor_limit()
        total = max(16, limit - (64 + limit // 16))
    if per_client is None:
        per_client = min(DEFAULT_MAX_PER_CLIENT, max(1, total // 4)) if total else DEFAULT_MAX_PER_CLIENT
    return total, per_client


def refusal(
    message: str,
    status: str = "429 Too Many Requests",
    code: str = "rate_limited",
    retry_after: int | None = REFUSAL_RETRY_S,
) -> bytes:
    """A complete HTTP response carrying the API's JSON error, for a connection refused before any
    handler runs."""
    body = error_body(code, message).encode()
    retry = f"Retry-After: {retry_after}\r\n" if retry_after is not None else ""
    head = (
        f"HTTP/1.1 {status}\r\nContent-Type: application/json; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\n{retry}Connection: close\r\n\r\n"
    )
    return head.encode() + body


# Tornado's HTTP/1 parser answers a request it cannot parse with exactly these bytes, then closes.
_BARE_400 = b"HTTP/1.1 400 Bad Request\r\n\r\n"


class _Stream(IOStream):
    """A connection whose parser-level 400 carries the API's JSON error, as every other refusal does."""

    def write(self, data: bytes | memoryview) -> Future[None]:
        if data == _BARE_400:
            data = refusal(
                "The request could not be parsed: its request line or headers are malformed.",
                "400 Bad Request",
                "invalid_request",
                None,
            )
        return super().write(data)


class Tally:
    """Something that may happen very often, logged at once the first time, then as one line per
    interval with the count, for as long as it goes on."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.count = 0  # since the last line
        self._quiet: object | None = None  # the interval's timer: lines are held back until it ends

    def add(self, detail: str) -> None:
        if self._quiet is None:
            log.warning("%s (%s)", self.what, detail)
            self._quiet = IOLoop.current().call_later(LOG_EVERY_S, self._report)
        else:
            self.count += 1

    def _report(self) -> None:
        if not self.count:
            self._quiet = None
            return
        log.warning("%s: %d more times in the last %.0f s", self.what, self.count, LOG_EVERY_S)
        self.count = 0
        self._quiet = IOLoop.current().call_later(LOG_EVERY_S, self._report)


class GatedHTTPServer(HTTPServer):
    """Tornado's HTTPServer with an accept loop that keeps within caps (see the module's docstring)."""

    def initialize(
        self, *args: Any, max_total: int = 0, max_per_client: int = 0, clients: ClientKeys | None = None, **kwargs: Any
    ) -> None:
        """max_total, max_per_client: 0 is no cap; clients None counts nobody per address (behind
        a proxy every connection comes from the proxy: cap per client there, e.g. nginx limit_conn)."""
        super().initialize(*args, **kwargs)
        self.open = Slots(max_total, max_per_client if clients is not None else 0)
        self.clients = clients or ClientKeys()
        self._client_of: dict[IOStream, str] = {}
        # Plain reads of the stream (polls, SSE) on a loop of our own (read_path.py).
        services = getattr(self.request_callback, "settings", {}).get("services")
        self._plain_reads = services if services is not None and read_path.supported() else None
        self._listening: dict[int, socket.socket] = {}
        self._accepting = False
        self._retry: object | None = None
        self._refused = Tally("connections refused over the per-client cap (--max-connections-per-client)")
        self._full = Tally("accepting paused at the cap on open connections (--max-connections)")
        self._starved = Tally("accepting paused: the process is out of file descriptors or memory")

    def add_sockets(self, sockets: Iterable[socket.socket]) -> None:
        for sock in sockets:
            self._listening[sock.fileno()] = sock
        self._resume()

    def stop(self) -> None:
        """Stop listening (connections already open go on)."""
        self._pause()
        for sock in self._listening.values():
            sock.close()
        self._listening.clear()

    def _resume(self) -> None:
        self._retry = None
        if self._accepting or not self._listening:
            return
        self._accepting = True
        loop = IOLoop.current()
        for sock in self._listening.values():
            loop.add_handler(sock, self._accept, IOLoop.READ)

    def _pause(self) -> None:
        if not self._accepting:
            return
        self._accepting = False
        loop = IOLoop.current()
        for sock in self._listening.values():
            loop.remove_handler(sock)

    def _accept(self, sock: socket.socket, _events: int) -> None:
        for _ in range(ACCEPT_BATCH):
            if not self._accepting:
                return
            if self.open.full():
                self._full.add(f"{self.open.taken} open")
                self._pause()  # on_close resumes once one has gone
                return
            try:
                connection, address = sock.accept()
            except BlockingIOError:
                return
            except ConnectionAbortedError:
                continue
            except OSError as exc:
                if exc.errno not in _OUT_OF_RESOURCES:
                    raise
                self._starved.add(exc.strerror or str(exc))
                self._pause()
                self._retry = IOLoop.current().call_later(PAUSE_S, self._resume)
                return
            self._take(connection, address)

    def _take(self, connection: socket.socket, address: Any) -> None:
        key = self.clients.key(address[0] if isinstance(address, tuple) else "")
        if not self.open.admit(key):
            self._refused.add(key)
            _refuse(
                connection,
                refusal(
                    f"Too many connections from your address ({self.open.held(key)}); close some and try again "
                    f"in {REFUSAL_RETRY_S} s."
                ),
            )
            return
        try:
            stream = _Stream(connection, max_buffer_size=self.max_buffer_size, read_chunk_size=self.read_chunk_size)
        except OSError:
            self.open.release(key)
            connection.close()
            return
        self._client_of[stream] = key
        self.handle_stream(stream, address)

    def handle_stream(self, stream: IOStream, address: Any) -> None:
        if self._plain_reads is None:
            super().handle_stream(stream, address)
        else:
            read_path.serve_stream(self, stream, address, self._plain_reads)

    def on_close(self, server_conn: object) -> None:
        super().on_close(server_conn)
        stream = getattr(server_conn, "stream", None)
        key = self._client_of.pop(stream, None) if isinstance(stream, IOStream) else None
        if key is None:
            return
        self.open.release(key)
        if not self._accepting and self._retry is None and self._listening:
            self._resume()


def _refuse(connection: socket.socket, response: bytes) -> None:
    """Answer and close without blocking; whatever the client had sent is read first, so that
    closing sends FIN, not a reset that would throw our answer away."""
    try:
        connection.setblocking(False)
        try:
            connection.recv(65536)
        except BlockingIOError:
            pass
        connection.send(response)
    except OSError:
        pass
    finally:
        connection.close()
