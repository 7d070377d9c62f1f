"""The guarded HTTP fetcher: a URL is checked before any lookup (addresses.py), its addresses after the
one lookup, every redirect from the start, and the socket once connected; bodies capped as they stream."""

from __future__ import annotations

import asyncio
import datetime
import socket
import ssl
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

from tornado import gen
from tornado.httpclient import HTTPRequest, HTTPResponse
from tornado.httputil import HTTPHeaders, HTTPInputError
from tornado.ioloop import IOLoop
from tornado.iostream import IOStream
from tornado.netutil import DefaultLoopResolver, Resolver
from tornado.simple_httpclient import HTTPTimeoutError, SimpleAsyncHTTPClient
from tornado.tcpclient import TCPClient

from .addresses import IPAddress, PreviewError, Refused, Target, allow_entry, check_url, is_public, parse_ip

MAX_REDIRECTS = 3
MAX_HEADER_BYTES = 64 * 1024
REDIRECTS = frozenset({301, 302, 303, 307, 308})
_ENCODINGS = frozenset({"identity", "gzip", "x-gzip"})


class Failed(PreviewError):
    """The URL was allowed but gave nothing usable: lookup, network, timeout, status, type, size."""


@dataclass(frozen=True)
class Want:
    """What one fetch accepts: media types, its Accept header, and a byte cap past which the body is
    cut (a page: its head comes first) or refused (an image: half of one is no use)."""

    types: frozenset[str]
    accept: str
    cap: int
    cut: bool

    @property
    def largest_declared(self) -> int:
        """A Content-Length above this is refused before the body is read."""
        return LARGEST_BODY if self.cut else self.cap


# Tornado's max_body_size, a backstop over the caps (ours stop first, with their reason), and the
# longest page whose first 1 MiB is still read: past this it is not a page anybody means to share.
LARGEST_BODY = 16 << 20
PAGE = Want(frozenset({"text/html", "application/xhtml+xml"}), "text/html, application/xhtml+xml;q=0.9", 1 << 20, True)
IMAGE = Want(
    frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"}),
    "image/jpeg, image/png, image/gif, image/webp",
    5 << 20,
    False,
)


@dataclass(frozen=True)
class Fetched:
    """A body that passed: its final URL, media type, charset parameter, and bytes (at most the cap)."""

    url: str
    media_type: str
    charset: str | None
    body: bytes
    cut: bool


class PinnedResolver(Resolver):
    """Answers for one host and port only, with the addresses checked for it: no second lookup."""

    def initialize(self, host: str, port: int, addresses: list[tuple[int, Any]]) -> None:
        self.host, self.port, self.addresses = host, port, addresses

    async def resolve(
        self, host: str, port: int, family: socket.AddressFamily = socket.AF_UNSPEC
    ) -> list[tuple[int, Any]]:
        """The checked addresses when asked for the checked host and port; Refused otherwise."""
        if (host, port) != (self.host, self.port):
            raise Refused("unpinned")
        return [(f, a) for f, a in self.addresses if family in (socket.AF_UNSPEC, f)]


class GuardedTCPClient(TCPClient):
    """Connects in plain TCP, checks the peer is one of the checked addresses before TLS or any byte is
    sent, and keeps the stream so a response can be cut off."""

    def __init__(self, resolver: Resolver, peers: frozenset[IPAddress]) -> None:
        super().__init__(resolver=resolver)
        self.peers = peers
        self.stream: IOStream | None = None

    async def connect(
        self,
        host: str,
        port: int,
        af: socket.AddressFamily = socket.AF_UNSPEC,
        ssl_options: dict[str, Any] | ssl.SSLContext | None = None,
        max_buffer_size: int | None = None,
        source_ip: str | None = None,
        source_port: int | None = None,
        timeout: float | datetime.timedelta | None = None,
    ) -> IOStream:
        """A connection to a checked address, with TLS (for `host`) when asked."""
        if isinstance(timeout, datetime.timedelta):
            timeout = timeout.total_seconds()
        ends = None if timeout is None else IOLoop.current().time() + timeout
        stream = await super().connect(
            host,
            port,
            af=af,
            max_buffer_size=max_buffer_size,
            source_ip=source_ip,
            source_port=source_port,
            timeout=timeout,
        )
        self.stream = stream
        peer = parse_ip(stream.socket.getpeername()[0])
        if peer is None or peer not in self.peers:
            stream.close()
            raise Refused("peer")
        if ssl_options is None:
            return stream
        # As TCPClient.connect does it: cancelling the handshake closes the new stream and its socket.
        # The plain stream is spent once TLS starts (closing it would fail): forget it.
        self.stream = None
        tls = stream.start_tls(False, ssl_options=ssl_options, server_hostname=host)
        try:
            self.stream = await (tls if ends is None else gen.with_timeout(ends, tls))
        finally:
            tls.cancel()
        return self.stream


def _media_type(value: str) -> tuple[str, str | None]:
    """The media type and the charset parameter of a Content-Type value."""
    media, *params = value.split(";")
    charset = None
    for param in params:
        name, _, v = param.partition("=")
        if name.strip().lower() == "charset":
            charset = v.strip().strip("\"'") or None
    return media.strip().lower(), charset


class _Exchange:
    """One response as it arrives: its head judged before the body, its body kept up to the cap; a
    response refused or complete enough has its connection closed at once."""

    def __init__(self, want: Want, tcp: GuardedTCPClient) -> None:
        self.want, self.tcp = want, tcp
        self.lines: list[str] = []
        self.headers = HTTPHeaders()
        self.location: str | None = None
        self.problem: PreviewError | None = None
        self.accepted = self.reading = self.cut = False
        self.parts: list[bytes] = []
        self.size = 0
        self.inflate: Any = None  # zlib's decompressor object, for a gzip body

    def on_header(self, line: str) -> None:
        """Tornado's header_callback: lines, then an empty one when the head is complete."""
        if line.strip():
            self.lines.append(line)
            return
        lines, self.lines = self.lines, []
        try:
            status = int(lines[0].split(None, 2)[1])  # Tornado's own "HTTP/1.1 200 OK", rebuilt
            self.headers = HTTPHeaders.parse("".join(lines[1:]))
        except (IndexError, ValueError, HTTPInputError):
            self.stop(Failed("protocol"))
            return
        if 100 <= status < 200:
            return  # an interim answer: the real one follows
        if status in REDIRECTS and "Location" in self.headers:
            self.location = self.headers["Location"]
            self.stop()  # its body is of no use
        elif not 200 <= status < 300:
            self.stop(Failed("status"))
        elif (encoding := self.headers.get("Content-Encoding", "identity").strip().lower()) not in _ENCODINGS:
            self.stop(Failed("encoding"))  # we asked for gzip or nothing
        elif _media_type(self.headers.get("Content-Type", ""))[0] not in self.want.types:
            self.stop(Failed("type"))
        elif int(_digits(self.headers.get("Content-Length", "")) or 0) > self.want.largest_declared:
            self.stop(Failed("too_large"))
        else:
            self.accepted = self.reading = True
            if encoding != "identity":
                self.inflate = zlib.decompressobj(wbits=zlib.MAX_WBITS | 32)  # a gzip or zlib header

    def on_chunk(self, chunk: bytes) -> None:
        """Tornado's streaming_callback: pieces of at most 64 KiB as they arrive, inflated here."""
        if not self.reading:
            return  # after a stop, Tornado may still hand over what it had buffered
        room = self.want.cap - self.size
        if self.inflate is not None:
            # At most one byte past the cap is ever inflated, however well the piece compresses
            # (a gzip bomb); Tornado's own decompression would go on up to max_body_size.
            try:
                chunk = self.inflate.decompress(chunk, room + 1)
            except zlib.error:
                self.stop(Failed("encoding"))
                return
        if len(chunk) <= room:
            self.parts.append(chunk)
            self.size += len(chunk)
        elif self.want.cut:
            self.parts.append(chunk[:room])
            self.size, self.cut = self.want.cap, True
            self.stop()
        else:
            self.stop(Failed("too_large"))

    def stop(self, problem: PreviewError | None = None) -> None:
        """Read no more: close the connection (raising here would only be logged by Tornado)."""
        self.reading = False
        if problem is not None and self.problem is None:
            self.problem = problem
        if self.tcp.stream is not None:
            self.tcp.stream.close()


def _retrieve(answer: asyncio.Future[HTTPResponse]) -> None:
    """Mark the exception of a fetch nobody awaits any more as seen, so asyncio does not log it."""
    if not answer.cancelled():
        answer.exception()


def _digits(text: str) -> str:
    text = text.strip()
    return text if text.isdigit() else ""


class Fetcher:
    """GETs a URL under the rules; raises Refused or Failed, never anything else."""

    def __init__(self, *, user_agent: str, allow: Iterable[str] = (), resolver: Resolver | None = None) -> None:
        self.user_agent = user_agent
        self.allow = frozenset(allow_entry(e) for e in allow)
        self.lookup = resolver if resolver is not None else DefaultLoopResolver()

    async def get(self, url: str, want: Want, deadline: float) -> Fetched:
        """The body at url after at most MAX_REDIRECTS redirects, each checked from the start;
        `deadline` is on the asyncio loop's clock."""
        for _ in range(MAX_REDIRECTS + 1):
            target = check_url(url, self.allow)
            addresses = await self.resolve(target)
            outcome = await self._exchange(target, addresses, want, deadline)
            if isinstance(outcome, Fetched):
                return outcome
            url = urljoin(target.url, outcome)
        raise Refused("redirects")

    async def resolve(self, target: Target) -> list[tuple[int, Any]]:
        """The target's addresses, every one of them public (unless the host:port is allowed)."""
        if target.literal is not None:
            if target.literal.version == 4:
                return [(socket.AF_INET, (target.host, target.port))]
            return [(socket.AF_INET6, (target.host, target.port, 0, 0))]
        try:
            found = await self.lookup.resolve(target.host, target.port, socket.AF_UNSPEC)
        except Exception:
            raise Failed("dns") from None
        if not found:
            raise Failed("dns")
        for family, sockaddr in found:
            address = parse_ip(str(sockaddr[0]))
            if family not in (socket.AF_INET, socket.AF_INET6) or address is None:
                raise Refused("address")
            if not target.allowed and not is_public(address):
                raise Refused("address")  # one bad answer spoils the name: we do not pick
        return list(found)

    async def _exchange(
        self, target: Target, addresses: list[tuple[int, Any]], want: Want, deadline: float
    ) -> Fetched | str:
        """One request to the checked addresses: the body, or the Location of a redirect."""
        remaining = deadline - asyncio.get_running_loop().time()
        if remaining <= 0:
            raise Failed("timeout")
        pinned = PinnedResolver(target.host, target.port, addresses)
        peers = frozenset(a for a in (parse_ip(str(s[0])) for _, s in addresses) if a is not None)
        tcp = GuardedTCPClient(pinned, peers)
        # A client per request, never the shared AsyncHTTPClient: our resolver and TCP client, no
        # proxy, no cookies, nothing configured globally.
        client = SimpleAsyncHTTPClient(
            force_instance=True,
            resolver=pinned,
            max_buffer_size=1 << 20,
            max_header_size=MAX_HEADER_BYTES,
            max_body_size=LARGEST_BODY,
        )
        assert isinstance(client, SimpleAsyncHTTPClient)
        client.tcp_client = tcp
        exchange = _Exchange(want, tcp)
        request = HTTPRequest(
            target.url,
            headers={"Accept": want.accept, "Accept-Encoding": "gzip"},
            user_agent=self.user_agent,
            follow_redirects=False,
            decompress_response=False,  # inflated in on_chunk, so that the cap counts inflated bytes
            header_callback=exchange.on_header,
            streaming_callback=exchange.on_chunk,
            connect_timeout=remaining,
            request_timeout=remaining,
        )
        error: BaseException | None = None
        response: HTTPResponse | None = None
        answer = client.fetch(request, raise_error=False)
        answer.add_done_callback(_retrieve)
        try:
            # Shielded: Tornado logs an error when it finishes a future that was cancelled. On our
            # deadline the stream is closed below, and Tornado finishes it with an error at once.
            response = await asyncio.shield(answer)
        except PreviewError:
            raise
        except Exception as failure:  # HTTPClientError, OSError, ssl.SSLError, ...: reported below
            error = failure
        finally:
            if tcp.stream is not None:
                tcp.stream.close()  # also when cancelled by the caller's deadline
            client.close()
        if exchange.problem is not None:
            raise exchange.problem
        if exchange.location is not None:
            return exchange.location
        if exchange.accepted and (exchange.cut or (response is not None and error is None)):
            media, charset = _media_type(exchange.headers.get("Content-Type", ""))
            return Fetched(target.url, media, charset, b"".join(exchange.parts), exchange.cut)
        raise Failed("timeout" if isinstance(error, HTTPTimeoutError) else "network")
