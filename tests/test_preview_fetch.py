"""Link previews against real servers on loopback: fetched when listed, never contacted otherwise, and
every cap, redirect rule, deadline, the cache and the bounds on fetches at once."""

from __future__ import annotations

import asyncio
import gzip
import shutil
import socket
import ssl
import subprocess
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import tornado.web
from tornado.httpserver import HTTPServer
from tornado.ioloop import IOLoop
from tornado.iostream import IOStream, StreamClosedError
from tornado.netutil import DefaultLoopResolver, bind_sockets

from chatserver.previews.addresses import Refused, parse_ip
from chatserver.previews.fetch import IMAGE, PAGE, Failed, Fetcher, GuardedTCPClient, PinnedResolver
from chatserver.previews.service import LinkPreviews
from tests.waiting import until

MiB = 1 << 20
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 100
HEAD = (
    '<html><head><title>Fallback</title><meta property="og:title" content="The &amp; title">'
    '<meta property="og:description" content="What it is about"><meta property="og:image" content="{image}">'
    '<meta property="og:site_name" content="Site"></head><body>body</body></html>'
)


@cache
def bomb() -> bytes:
    """50 MiB of zeros, gzipped into about 220 KiB (quickly, at level 1)."""
    deflate, zeros = zlib.compressobj(1, wbits=31), bytes(MiB)
    return b"".join(deflate.compress(zeros) for _ in range(50)) + deflate.flush()


@dataclass
class Site:
    """A server on 127.0.0.1 that counts connections, and requests per path."""

    port: int = 0
    server: CountingServer | None = None
    hits: Counter[str] = field(default_factory=Counter)
    headers: list[dict[str, str]] = field(default_factory=list)
    written: int = 0
    outcome: str = ""
    ended: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def connections(self) -> int:
        assert self.server is not None
        return self.server.connections

    def url(self, path: str, host: str = "localhost") -> str:
        return f"http://{host}:{self.port}{path}"


class CountingServer(HTTPServer):
    connections = 0

    def handle_stream(self, stream: IOStream, address: tuple[Any, ...]) -> None:
        self.connections += 1
        super().handle_stream(stream, address)


class Handler(tornado.web.RequestHandler):
    @property
    def site(self) -> Site:
        return self.application.settings["site"]  # type: ignore[no-any-return]

    def prepare(self) -> None:
        self.site.hits[self.request.path] += 1
        self.site.headers.append(dict(self.request.headers))

    def html(self, text: str) -> None:
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(text)


class Page(Handler):
    def get(self) -> None:
        self.html(HEAD.format(image=self.get_argument("image", "/img.png")))


class Image(Handler):
    def get(self) -> None:
        self.set_header("Content-Type", self.get_argument("type", "image/png"))
        self.finish(PNG)


class Typed(Handler):
    def get(self) -> None:
        self.set_header("Content-Type", self.get_argument("type"))
        self.finish(self.get_argument("body", "<title>Typed</title>"))


class Status(Handler):
    def get(self) -> None:
        self.set_status(int(self.get_argument("code")))
        self.html("<title>Status</title>")


class Redirect(Handler):
    def get(self) -> None:
        self.set_cookie("session", "secret")
        self.redirect(self.get_argument("to"), status=int(self.get_argument("code", "302")))


class Hops(Handler):
    def get(self, left: str) -> None:
        if int(left):
            self.redirect(f"{int(left) - 1}" if int(left) % 2 else f"/hop/{int(left) - 1}")  # relative too
        else:
            self.html(HEAD.format(image=""))


class Big(Handler):
    """`size` bytes after a title, in 64 KiB writes; chunked, or with a Content-Length when `declared`."""

    async def get(self) -> None:
        size = int(self.get_argument("size"))
        self.set_header("Content-Type", self.get_argument("type", "text/html"))
        start = b"<title>Big page</title>" if "html" in self.get_argument("type", "text/html") else b""
        if self.get_argument("declared", ""):
            self.set_header("Content-Length", str(len(start) + size))
        try:
            self.write(start)
            for _ in range(size // (64 * 1024)):
                self.write(bytes(64 * 1024))
                await self.flush()
                self.site.written += 64 * 1024
            self.site.outcome = "complete"
        except StreamClosedError:
            self.site.outcome = "closed"
        self.site.ended.set()


class Bomb(Handler):
    def get(self) -> None:
        self.set_header("Content-Type", self.get_argument("type", "text/html"))
        self.set_header("Content-Encoding", "gzip")
        self.finish(bomb())


class Gzipped(Handler):
    def get(self) -> None:
        self.set_header("Content-Type", "text/html")
        self.set_header("Content-Encoding", "gzip")
        self.finish(gzip.compress(b"<title>Compressed</title>" + b" " * 100_000))


ROUTES: list[tuple[str, type[Handler]]] = [
    ("/", Page),
    ("/img.png", Image),
    ("/typed", Typed),
    ("/status", Status),
    ("/redirect", Redirect),
    ("/hop/([0-9]+)", Hops),
    ("/big", Big),
    ("/bomb", Bomb),
    ("/gzipped", Gzipped),
]


@pytest.fixture
def sites(io_loop: IOLoop) -> Iterator[Callable[..., Site]]:
    """Starts sites on 127.0.0.1 on demand; stops them after the test."""
    started: list[Site] = []

    def start(tls: ssl.SSLContext | None = None) -> Site:
        [sock] = bind_sockets(0, "127.0.0.1")
        site = Site(sock.getsockname()[1])
        site.server = CountingServer(tornado.web.Application(ROUTES, site=site), ssl_options=tls)
        site.server.add_sockets([sock])
        started.append(site)
        return site

    yield start
    for site in started:
        assert site.server is not None
        site.server.stop()
        io_loop.run_sync(site.server.close_all_connections)


class CountingResolver(DefaultLoopResolver):
    """The system's lookup, counted; `answers` replaces it for names of our own."""

    def initialize(self, answers: dict[str, list[list[str]]] | None = None) -> None:
        self.names: list[str] = []
        self.answers = answers or {}

    async def resolve(
        self, host: str, port: int, family: socket.AddressFamily = socket.AF_UNSPEC
    ) -> list[tuple[int, Any]]:
        self.names.append(host)
        if host in self.answers:
            answer = self.answers[host].pop(0)
            return [(socket.AF_INET6 if ":" in a else socket.AF_INET, (a, port)) for a in answer]
        return await super().resolve(host, port, family)


def deadline(seconds: float = 5.0) -> float:
    return asyncio.get_running_loop().time() + seconds


# -- fetched when listed -------------------------------------------------------------------------------


async def test_a_listed_page_and_its_image_are_fetched_once_then_cached(sites: Callable[..., Site]) -> None:
    site = sites()
    previews = LinkPreviews(allow=[f"localhost:{site.port}"])
    preview = await previews.preview(site.url("/"))
    assert preview is not None
    assert (preview.url, preview.title, preview.description, preview.site_name) == (
        site.url("/"),
        "The & title",
        "What it is about",
        "Site",
    )
    assert preview.image == PNG
    assert site.hits == Counter({"/": 1, "/img.png": 1})
    assert await previews.preview(site.url("/")) is preview
    assert site.hits == Counter({"/": 1, "/img.png": 1})
    assert previews.stats()["cache_hits"] == 1
    # No cookie, credentials or referrer; a user agent that says what it is.
    for headers in site.headers:
        assert headers["User-Agent"].startswith("chatserver-link-preview/1")
        assert not {"Cookie", "Authorization", "Referer"} & set(headers)
    assert site.headers[0]["Accept"].startswith("text/html")
    assert site.headers[1]["Accept"].startswith("image/")


async def test_concurrent_requests_for_one_url_make_one_fetch(sites: Callable[..., Site]) -> None:
    site = sites()
    previews = LinkPreviews(allow=[f"localhost:{site.port}"])
    results = await asyncio.gather(*(previews.preview(site.url("/")) for _ in range(5)))
    assert all(r is not None and r == results[0] for r in results)
    assert site.hits == Counter({"/": 1, "/img.png": 1})
    assert previews.stats()["coalesced"] == 4


async def test_the_name_is_looked_up_once_and_that_answer_is_connected_to(sites: Callable[..., Site]) -> None:
    site = sites()
    # A rebinding name: a third lookup (Tornado's own, say) would get another address.
    resolver = CountingResolver(answers={"rebind.test": [["127.0.0.1"], ["127.0.0.1"], ["10.9.9.9"]]})
    previews = LinkPreviews(allow=[f"rebind.test:{site.port}"], resolver=resolver)
    preview = await previews.preview(f"http://rebind.test:{site.port}/?image=/img.png")
    assert preview is not None and preview.image == PNG
    assert resolver.names == ["rebind.test", "rebind.test"]  # once for the page, once for the image
    assert site.hits == Counter({"/": 1, "/img.png": 1})


# -- never contacted otherwise -------------------------------------------------------------------------

REFUSED = [
    ("http://127.0.0.1:{port}/", "port", 0),
    ("http://localhost:{port}/", "port", 0),
    ("http://[::ffff:127.0.0.1]:{port}/", "port", 0),
    ("http://2130706433:{port}/", "port", 0),
    ("http://0x7f.1:{port}/", "port", 0),
    ("http://127.0.0.1/", "address", 0),
    ("http://localhost/", "address", 1),
    ("https://localhost/", "address", 1),
    ("http://[::ffff:127.0.0.1]/", "address", 0),
    ("http://[::ffff:7f00:1]/", "address", 0),
    ("http://[64:ff9b::7f00:1]/", "address", 0),
    ("http://[::1]/", "address", 0),
    ("http://2130706433/", "address", 0),
    ("http://0x7f.1/", "address", 0),
    ("http://017700000001/", "address", 0),
    ("http://127.1/", "address", 0),
    ("http://example.com:8080/", "port", 0),
    ("http://user:pass@localhost/", "userinfo", 0),
]


@pytest.mark.parametrize(("template", "reason", "lookups"), REFUSED)
async def test_loopback_is_refused_before_any_connection(
    sites: Callable[..., Site], template: str, reason: str, lookups: int
) -> None:
    site = sites()
    resolver = CountingResolver()
    previews = LinkPreviews(resolver=resolver)
    assert await previews.preview(template.format(port=site.port)) is None
    assert site.connections == 0
    assert previews.stats()[f"refused_{reason}"] == 1
    assert len(resolver.names) == lookups  # a port or a literal is refused before any lookup


async def test_a_name_with_any_private_address_is_refused() -> None:
    resolver = CountingResolver(answers={"mixed.test": [["8.8.8.8", "127.0.0.1"]]})
    fetcher = Fetcher(user_agent="test", resolver=resolver)
    with pytest.raises(Refused, match="address"):
        await fetcher.get("http://mixed.test/", PAGE, deadline())


async def test_the_connected_peer_is_checked_too(sites: Callable[..., Site]) -> None:
    site = sites()
    # A resolver that answers what was not checked: the socket's peer is refused before any byte.
    resolver = PinnedResolver("evil.test", site.port, [(socket.AF_INET, ("127.0.0.1", site.port))])
    client = GuardedTCPClient(resolver, frozenset({parse_ip("192.0.2.1")}))  # type: ignore[arg-type]
    with pytest.raises(Refused, match="peer"):
        await client.connect("evil.test", site.port)
    with pytest.raises(Refused, match="unpinned"):
        await client.connect("other.test", site.port)
    assert site.hits == Counter()


async def test_tls_verifies_the_certificate_for_the_name(sites: Callable[..., Site], tmp_path: Path) -> None:
    if shutil.which("openssl") is None:
        pytest.skip("openssl not found")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        + ["-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem"), "-days", "1"]
        + ["-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"],
        check=True,
        capture_output=True,
    )
    names: list[str | None] = []
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    tls.sni_callback = lambda _sock, name, _ctx: names.append(name)
    site = sites(tls)
    fetcher = Fetcher(user_agent="test", allow=[f"localhost:{site.port}"])
    with pytest.raises(Failed, match="network"):  # a self-signed certificate: refused
        await fetcher.get(f"https://localhost:{site.port}/", PAGE, deadline())
    assert names == ["localhost"] and site.hits == Counter()


# -- redirects ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("to", "reason"),
    [
        ("http://127.0.0.1:{other}/", "port"),  # another loopback server
        ("http://localhost:{other}/", "port"),  # the listed host on a port not listed
        ("http://127.0.0.1:{port}/", "port"),  # the listed port under another name
        ("http://localhost/", "address"),
        ("http://[::ffff:127.0.0.1]/", "address"),
        ("http://0x7f.1/", "address"),
        ("ftp://localhost/", "scheme"),
        ("http://user@localhost:{port}/", "userinfo"),
    ],
)
async def test_redirects_are_checked_from_the_start(sites: Callable[..., Site], to: str, reason: str) -> None:
    site, other = sites(), sites()
    previews = LinkPreviews(allow=[f"localhost:{site.port}"])
    location = to.format(port=site.port, other=other.port)
    for code in (301, 302, 303, 307, 308):
        assert await previews.preview(site.url(f"/redirect?code={code}&to={location}")) is None
    assert previews.stats()[f"refused_{reason}"] == 5
    assert other.connections == 0
    assert site.hits["/"] == 0


async def test_three_redirects_are_followed_and_a_fourth_is_refused(sites: Callable[..., Site]) -> None:
    site = sites()
    previews = LinkPreviews(allow=[f"localhost:{site.port}"])
    preview = await previews.preview(site.url("/hop/3"))
    assert preview is not None and preview.url == site.url("/hop/0")
    assert await previews.preview(site.url("/hop/4")) is None
    assert previews.stats()["refused_redirects"] == 1
    assert site.hits["/hop/0"] == 1  # the fourth redirect was not followed: hop/0 only for hop/3


# -- what is read -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/typed?type=text/plain", "type"),
        ("/typed?type=application/json", "type"),
        ("/typed?type=image/svg%2Bxml", "type"),
        ("/status?code=404", "status"),
        ("/status?code=500", "status"),
        ("/img.png", "type"),
        ("/typed?type=text/html&body=%3Cp%3Enone%3C/p%3E", "no_title"),
    ],
)
async def test_only_html_with_a_title_makes_a_preview(sites: Callable[..., Site], path: str, reason: str) -> None:
    site = sites()
    previews = LinkPreviews(allow=[f"localhost:{site.port}"])
    assert await previews.preview(site.url(path)) is None
    assert previews.stats()[f"failed_{reason}"] == 1


async def test_a_long_page_is_read_up_to_1_mib_and_the_connection_closed(sites: Callable[..., Site]) -> None:
    site = sites()
    fetcher = Fetcher(user_agent="test", allow=[f"localhost:{site.port}"])
    page = await fetcher.get(site.url(f"/big?size={32 * MiB}"), PAGE, deadline())
    assert (len(page.body), page.cut) == (MiB, True)
    await site.ended.wait()
    assert site.outcome == "closed" and site.written < 16 * MiB  # what the kernel's buffers took, no more
    page = await fetcher.get(site.url(f"/big?size={5 * MiB}&declared=1"), PAGE, deadline())
    assert (len(page.body), page.cut) == (MiB, True)
    with pytest.raises(Failed, match="too_large"):  # a declared length past any page is not read at all
        await fetcher.get(site.url(f"/big?size={17 * MiB}&declared=1"), PAGE, deadline())
    previews = LinkPreviews(allow=[f"localhost:{site.port}"])
    preview = await previews.preview(site.url(f"/big?size={5 * MiB}"))
    assert preview is not None and preview.title == "Big page"


async def test_an_image_over_5_mib_is_refused_and_the_card_has_none(sites: Callable[..., Site]) -> None:
    site = sites()
    fetcher = Fetcher(user_agent="test", allow=[f"localhost:{site.port}"])
    for path in (
        f"/big?type=image/png&size={6 * MiB}",
        f"/big?type=image/png&size={6 * MiB}&declared=1",
        "/bomb?type=image/png",
    ):
        with pytest.raises(Failed, match="too_large"):
            await fetcher.get(site.url(path), IMAGE, deadline())
    with pytest.raises(Failed, match="type"):
        await fetcher.get(site.url("/img.png?type=image/svg%2Bxml"), IMAGE, deadline())
    previews = LinkPreviews(allow=[f"localhost:{site.port}"])
    preview = await previews.preview(site.url(f"/?image=/big%3Ftype%3Dimage/png%26size%3D{6 * MiB}"))
    assert preview is not None and preview.title == "The & title" and preview.image is None
    assert previews.stats()["image_too_large"] == 1


async def test_a_gzip_bomb_is_inflated_only_up_to_the_cap(sites: Callable[..., Site]) -> None:
    site = sites()
    bomb()  # compressed before the clock starts
    fetcher = Fetcher(user_agent="test", allow=[f"localhost:{site.port}"])
    page = await fetcher.get(site.url("/bomb"), PAGE, deadline(2.0))
    assert (len(page.body), page.cut) == (MiB, True)
    page = await fetcher.get(site.url("/gzipped"), PAGE, deadline())
    assert page.body.startswith(b"<title>Compressed</title>") and not page.cut
    previews = LinkPreviews(allow=[f"localhost:{site.port}"])
    assert await previews.preview(site.url("/bomb")) is None
    assert previews.stats()["failed_no_title"] == 1


async def test_a_server_that_never_answers_gives_none_within_the_deadline() -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)  # connections complete in the kernel and are never accepted
        port = silent.getsockname()[1]
        previews = LinkPreviews(allow=[f"127.0.0.1:{port}"], deadline=0.5)
        loop = asyncio.get_running_loop()
        started = loop.time()
        assert await previews.preview(f"http://127.0.0.1:{port}/") is None
        assert 0.4 < loop.time() - started < 1.5
        assert previews.stats()["failed_timeout"] == 1


# -- the cache and the bounds ------------------------------------------------------------------------------


async def test_failures_are_cached_for_less_long_than_previews(sites: Callable[..., Site]) -> None:
    site = sites()
    now = [0.0]
    previews = LinkPreviews(allow=[f"localhost:{site.port}"], cache_ttl=3600, clock=lambda: now[0])
    failing, working = site.url("/status?code=503"), site.url("/?image=")
    for _ in range(2):
        assert await previews.preview(failing) is None
        assert await previews.preview(working) is not None
    assert site.hits == Counter({"/status": 1, "/": 1})
    now[0] = 301.0
    assert await previews.preview(failing) is None
    assert await previews.preview(working) is not None
    assert site.hits == Counter({"/status": 2, "/": 1})
    now[0] = 3601.0
    assert await previews.preview(working) is not None
    assert site.hits == Counter({"/status": 2, "/": 2})


async def test_fetches_at_once_are_bounded_and_so_is_the_queue() -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        previews = LinkPreviews(allow=[f"127.0.0.1:{port}"], deadline=0.3, max_at_once=1, max_waiting=1)
        running = asyncio.ensure_future(previews.preview(f"http://127.0.0.1:{port}/a"))
        await until(lambda: previews.stats()["misses"] == 1, what="the first fetch to start")
        queued = asyncio.ensure_future(previews.preview(f"http://127.0.0.1:{port}/b"))
        await until(lambda: previews.queued == 1, what="the second to wait")
        assert await previews.preview(f"http://127.0.0.1:{port}/c") is None
        assert previews.stats()["overflow"] == 1 and not running.done()
        assert await running is None and await queued is None
        assert previews.stats()["misses"] == 2
