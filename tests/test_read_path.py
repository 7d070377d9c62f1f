"""Plain reads on their own loop (chatserver/read_path.py): polls and SSE streams served as
Tornado's handlers serve them, every other request handed to Tornado on the same connection in
order, refusals in the reader's language, and the bounds: a client gone mid-hold, a head never
finished or too long, a client that sends polls without reading the answers."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tornado.httputil import HTTPHeaders, parse_request_start_line
from tornado.ioloop import IOLoop
from tornado.testing import bind_unused_port

from chatserver import read_path
from chatserver.connections import GatedHTTPServer
from chatserver.errors import StorageUnavailable
from chatserver.handlers.base import bearer
from chatserver.polling import Poll
from chatserver.read_path import ReadConnection, plain_read
from tests.conftest import Chat
from tests.helpers import Api
from tests.waiting import until

BACKENDS = ("sqlite", "postgresql")


@pytest.fixture
def settings() -> dict[str, object]:
    return {"max_wait": 60.0, "rate_limit": 0}


class Response:
    """One HTTP/1.1 response as read off the wire."""

    def __init__(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)

    def json(self) -> Any:
        return json.loads(self.body)


class Wire:
    """A raw keep-alive connection: requests written as bytes, responses read in order."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, port: int, receive_buffer: int | None = None) -> Wire:
        sock = socket.socket()
        if receive_buffer is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
        sock.setblocking(False)
        await asyncio.get_running_loop().sock_connect(sock, ("127.0.0.1", port))
        return cls(*await asyncio.open_connection(sock=sock))

    def send(self, data: bytes) -> None:
        self.writer.write(data)

    async def response(self) -> Response:
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin1").split("\r\n")
        status = int(lines[0].split(" ")[1])
        headers = [tuple(part.strip() for part in line.split(":", 1)) for line in lines[1:] if line]
        length = int(next(v for k, v in headers if k.lower() == "content-length"))
        return Response(status, headers, await self.reader.readexactly(length))  # type: ignore[arg-type]

    async def head(self) -> Response:
        """A response's status and headers, its body left to read (an SSE stream's chunks)."""
        lines = (await self.reader.readuntil(b"\r\n\r\n")).decode("latin1").split("\r\n")
        headers = [tuple(part.strip() for part in line.split(":", 1)) for line in lines[1:] if line]
        return Response(int(lines[0].split(" ")[1]), headers, b"")  # type: ignore[arg-type]

    async def chunk(self) -> bytes:
        """One chunk of a chunked body (b"" for the last)."""
        size = int((await self.reader.readuntil(b"\r\n"))[:-2], 16)
        data = await self.reader.readexactly(size + 2)
        assert data.endswith(b"\r\n")
        return data[:-2]

    async def events_until(self, text: bytes) -> bytes:
        """Chunks until one holds text: everything read."""
        seen = b""
        while text not in seen:
            seen += await self.chunk()
        return seen

    async def closed(self) -> bool:
        """Whether the server closes the connection (an EOF) rather than answer."""
        return await self.reader.read(65536) == b""

    def close(self) -> None:
        self.writer.close()


def get(path: str, *headers: str) -> bytes:
    return ("\r\n".join([f"GET {path} HTTP/1.1", "Host: test", *headers]) + "\r\n\r\n").encode()


def post(path: str, body: dict[str, Any], token: str) -> bytes:
    data = json.dumps(body).encode()
    head = (
        f"POST {path} HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer {token}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n"
    )
    return head.encode() + data


@pytest.fixture
def wires() -> Iterator[list[Wire]]:
    opened: list[Wire] = []
    yield opened
    for wire in opened:
        wire.close()


async def wire(port: int, wires: list[Wire], receive_buffer: int | None = None) -> Wire:
    opened = await Wire.open(port, receive_buffer)
    wires.append(opened)
    return opened


async def test_a_plain_poll_answers_as_the_handler_does(
    api: Api, chat: Chat, http_server_port: tuple[object, int], wires: list[Wire]
) -> None:
    slug = (await api.create_event())["event"]["slug"]
    _, token = await api.join(slug, "alice")
    await api.say(slug, token, "hello")
    line = await wire(http_server_port[1], wires)
    before = chat.services.plain_polls
    line.send(get(f"/api/events/{slug}/messages?after=0&wait=0", f"Authorization: Bearer {token}"))
    plain = await line.response()
    assert chat.services.plain_polls == before + 1
    # An argument the plain path does not read, percent-encoded: Tornado's handler answers this one.
    line.send(get(f"/api/events/{slug}/messages?after=0&wait=0&x=%41", f"Authorization: Bearer {token}"))
    handled = await line.response()
    assert chat.services.plain_polls == before + 1
    assert plain.status == handled.status == 200
    assert [k for k, _ in plain.headers] == [k for k, _ in handled.headers]
    for name, value in handled.headers:
        if name not in ("Date", "Content-Length"):
            assert plain.header(name) == value, name
    first, second = plain.json(), handled.json()
    assert first.pop("server_time") and second.pop("server_time")
    assert first == second
    assert [m["body"] for m in first["messages"] if m["kind"] == "message"] == ["hello"]


async def test_one_connection_mixes_plain_polls_and_other_requests_in_order(
    api: Api, chat: Chat, http_server_port: tuple[object, int], wires: list[Wire]
) -> None:
    slug = (await api.create_event())["event"]["slug"]
    _, token = await api.join(slug, "alice")
    newest = (await api.read_all(slug))[-1]["id"]
    line = await wire(http_server_port[1], wires)
    before = chat.services.plain_polls
    # Pipelined in one write: a poll, a post (Tornado's), a poll that sees the post, a page (Tornado's).
    line.send(
        get(f"/api/events/{slug}/messages?after={newest}&wait=0")
        + post(f"/api/events/{slug}/messages", {"body": "one"}, token)
        + get(f"/api/events/{slug}/messages?after={newest}&wait=0")
        + get(f"/api/events/{slug}")
        + get(f"/api/events/{slug}/messages?after={newest}&wait=0")
    )
    answers = [await line.response() for _ in range(5)]
    assert [a.status for a in answers] == [200, 201, 200, 200, 200]
    assert answers[0].json()["messages"] == []
    assert [m["body"] for m in answers[2].json()["messages"]] == ["one"]
    assert answers[3].json()["event"]["slug"] == slug
    assert answers[4].json()["cursor"] == answers[2].json()["cursor"]
    assert chat.services.plain_polls == before + 3
    # A held poll on the same connection is woken by a post from elsewhere.
    line.send(get(f"/api/events/{slug}/messages?after={answers[4].json()['cursor']}&wait=5"))
    await until(lambda: chat.broker.held_polls == 1, what="the poll to be held")
    await api.say(slug, token, "two")
    woken = await line.response()
    assert [m["body"] for m in woken.json()["messages"]] == ["two"]


async def test_refusals_go_to_the_handler_in_the_readers_language(
    api: Api, chat: Chat, http_server_port: tuple[object, int], wires: list[Wire]
) -> None:
    slug = (await api.create_event())["event"]["slug"]
    line = await wire(http_server_port[1], wires)
    before = chat.services.plain_polls
    line.send(get("/api/events/nosuchevent/messages?after=0&wait=0", "Accept-Language: de"))
    missing = await line.response()
    line.send(get(f"/api/events/{slug}/messages?after=-1&wait=0"))
    bad = await line.response()
    line.send(get(f"/api/events/{slug}/messages?after=999&wait=0", "Accept-Language: de"))
    ahead = await line.response()
    assert (missing.status, missing.json()["error"]["code"]) == (404, "not_found")
    assert (bad.status, bad.json()["error"]["code"]) == (400, "invalid_request")
    assert (ahead.status, ahead.json()["error"]["code"]) == (409, "cursor_ahead")
    assert "neuesten" in ahead.json()["error"]["message"]  # German, as the handler words it
    assert chat.services.plain_polls == before
    line.send(get(f"/api/events/{slug}/messages?after=0&wait=0"))
    assert (await line.response()).status == 200  # the connection goes on
    assert chat.services.plain_polls == before + 1


async def test_a_failure_after_the_hold_is_a_json_error_and_the_connection_goes_on(
    api: Api, chat: Chat, http_server_port: tuple[object, int], wires: list[Wire], monkeypatch: pytest.MonkeyPatch
) -> None:
    slug = (await api.create_event())["event"]["slug"]
    line = await wire(http_server_port[1], wires)
    failures: list[Exception] = [StorageUnavailable(), RuntimeError("a bug")]

    async def failing(self: Poll) -> bytes | None:
        raise failures.pop(0)

    monkeypatch.setattr(Poll, "answer", failing)
    line.send(get(f"/api/events/{slug}/messages?after=0&wait=0") * 2)
    full, bug = await line.response(), await line.response()
    assert (full.status, full.json()["error"]["code"], full.header("Retry-After")) == (503, "storage_unavailable", "5")
    assert (bug.status, bug.json()["error"]["code"]) == (500, "internal_error")
    assert "Traceback" not in bug.body.decode() and "a bug" not in bug.body.decode()
    monkeypatch.undo()
    line.send(get(f"/api/events/{slug}/messages?after=0&wait=0"))
    assert (await line.response()).status == 200
    assert chat.services.in_flight == 0


async def test_a_client_gone_mid_hold_frees_its_poll(
    api: Api, chat: Chat, http_server_port: tuple[object, int], wires: list[Wire]
) -> None:
    slug = (await api.create_event())["event"]["slug"]
    newest = (await api.read_all(slug))[-1]["id"]
    line = await wire(http_server_port[1], wires)
    line.send(get(f"/api/events/{slug}/messages?after={newest}&wait=60"))
    await until(lambda: chat.broker.held_polls == 1 and chat.services.in_flight == 1, what="the poll to be held")
    line.close()
    await until(lambda: chat.broker.held_polls == 0 and chat.services.in_flight == 0, what="the poll to be freed")


@pytest.fixture
def second_server(app: Any, io_loop: IOLoop) -> Iterator[Callable[..., int]]:
    """Another server on the same app, with options of its own: start(**options) gives its port."""
    started: list[GatedHTTPServer] = []

    def start(**options: Any) -> int:
        server = GatedHTTPServer(app, **options)
        sock, port = bind_unused_port()
        server.add_socket(sock)
        started.append(server)
        return port

    yield start
    for server in started:
        server.stop()
        io_loop.run_sync(server.close_all_connections)


async def test_a_head_never_finished_or_too_long_closes_the_connection(
    api: Api, chat: Chat, second_server: Callable[..., int], wires: list[Wire]
) -> None:
    strict_server = second_server(idle_connection_timeout=0.5, max_header_size=2048)
    slug = (await api.create_event())["event"]["slug"]
    slow = await wire(strict_server, wires)
    slow.send(f"GET /api/events/{slug}/messages?after=0 HTTP/1.1\r\nHost: te".encode())
    assert await asyncio.wait_for(slow.closed(), 5)  # after the 0.5 s header timeout
    idle = await wire(strict_server, wires)
    idle.send(get(f"/api/events/{slug}/messages?after=0&wait=0"))
    assert (await idle.response()).status == 200
    assert await asyncio.wait_for(idle.closed(), 5)  # no next request within the timeout
    long = await wire(strict_server, wires)
    long.send(get(f"/api/events/{slug}/messages?after=0&wait=0", "X-Pad: " + "a" * 4096))
    assert await asyncio.wait_for(long.closed(), 5)
    fine = await wire(strict_server, wires)
    fine.send(get(f"/api/events/{slug}/messages?after=0&wait=0"))
    assert (await fine.response()).status == 200


async def test_a_client_that_does_not_read_has_at_most_one_answer_queued(
    api: Api, chat: Chat, http_server: GatedHTTPServer, http_server_port: tuple[object, int], wires: list[Wire]
) -> None:
    slug = (await api.create_event())["event"]["slug"]
    _, token = await api.join(slug, "alice")
    for n in range(20):
        last = (await api.say(slug, token, f"{n} " + "中" * 1000)).body["message"]["id"]  # about 60 KB a page
    line = await wire(http_server_port[1], wires, receive_buffer=4096)
    count = 200
    line.send(get(f"/api/events/{slug}/messages?after=0&wait=0") * count)
    before = chat.services.plain_polls

    def queued() -> int:
        conns = [c for c in http_server._connections if isinstance(c, ReadConnection)]
        return max((len(c.stream._write_buffer) for c in conns), default=0)

    await until(lambda: queued() > 0, what="an answer the client has not taken")
    answered = chat.services.plain_polls - before
    assert answered < count / 4  # the server stopped reading requests while an answer waits
    first = await line.response()
    assert queued() <= len(first.body) + 1024  # one answer at most, never a growing queue
    rest = [await line.response() for _ in range(count - 1)]  # then every answer, in order
    ids = [m["id"] for m in first.json()["messages"]]
    assert ids[-1] == last and all(r.status == 200 and [m["id"] for m in r.json()["messages"]] == ids for r in rest)


async def test_a_plain_stream_is_served_as_the_handler_serves_it(
    api: Api, chat: Chat, http_server_port: tuple[object, int], wires: list[Wire]
) -> None:
    created = await api.create_event()
    slug = created["event"]["slug"]
    _, token = await api.join(slug, "alice")
    newest = (await api.read_all(slug))[-1]["id"]
    before = chat.services.plain_streams
    plain = await wire(http_server_port[1], wires)
    plain.send(get(f"/api/events/{slug}/stream?after={newest}", "Accept: text/event-stream"))
    plain_head = await plain.head()
    assert chat.services.plain_streams == before + 1
    handled = await wire(http_server_port[1], wires)
    handled.send(get(f"/api/events/{slug}/stream?after={newest}&x=%41", "Accept: text/event-stream"))
    handled_head = await handled.head()
    assert chat.services.plain_streams == before + 1  # that one took Tornado's path
    assert plain_head.status == handled_head.status == 200
    assert [k for k, _ in plain_head.headers] == [k for k, _ in handled_head.headers]
    for name, value in handled_head.headers:
        if name != "Date":
            assert plain_head.header(name) == value, name
    for stream in (plain, handled):
        assert (await stream.chunk()).startswith(b'retry: 2000\n\nevent: state\ndata: {"state":"open"')
    said = (await api.say(slug, token, "over SSE")).body["message"]["id"]
    for stream in (plain, handled):
        assert f"id: {said}\n".encode() in await stream.events_until(b"over SSE")
    # The event closes: both streams end with the closing item, and the plain connection goes on.
    assert (await api.post(f"/api/events/{slug}/close", token=created["host_key"])).status == 200
    for stream in (plain, handled):
        assert b'"state":"closed"' in await stream.events_until(b'"state":"closed"')
        while await stream.chunk():
            pass  # to the last chunk
    plain.send(get(f"/api/events/{slug}/messages?after={said}&wait=0"))
    after = await plain.response()
    assert after.status == 200 and after.json()["state"] == "closed"


async def test_behind_a_proxy_a_plain_poll_counts_under_the_address_the_proxy_names(
    api: Api, chat: Chat, second_server: Callable[..., int], wires: list[Wire]
) -> None:
    proxied_server = second_server(xheaders=True)
    slug = (await api.create_event())["event"]["slug"]
    newest = (await api.read_all(slug))[-1]["id"]
    chat.broker.held.max_per_client = 1
    before = chat.services.plain_polls
    path = f"/api/events/{slug}/messages?after={newest}&wait=30"
    first, second, third = [await wire(proxied_server, wires) for _ in range(3)]
    first.send(get(path, "X-Real-Ip: 203.0.113.7"))
    second.send(get(path, "X-Forwarded-For: 198.51.100.1, 203.0.113.8"))
    await until(lambda: chat.broker.held.taken == 2, what="two clients' polls to be held")
    third.send(get(path, "X-Real-Ip: 203.0.113.7"))  # the first one's address again: over its cap
    turned = await third.response()
    assert turned.status == 200 and turned.header("Retry-After") == "5" and turned.json()["retry_after"] == 5
    assert chat.services.plain_polls == before + 1  # the turned-away answer came by the plain path
    assert chat.broker.held.taken == 2


def test_plain_heads_and_those_left_to_tornado() -> None:
    path = "/api/events/abc123/messages?after=5&wait=30"
    ok = plain_read(get(path, "Authorization: Bearer tok", "Accept: */*"))
    assert ok is not None and (ok.slug, ok.query, ok.key) == ("abc123", {"after": "5", "wait": "30"}, "tok")
    assert plain_read(get(path, "Connection: keep-alive", "Content-Length: 0")) is not None
    sse = plain_read(get("/api/events/abc123/stream?reads=2", "Last-Event-ID: 7", "Accept: text/event-stream"))
    assert sse is not None and (sse.kind, sse.query, sse.last_event_id) == ("stream", {"reads": "2"}, "7")
    for head in [
        get(path).replace(b"HTTP/1.1", b"HTTP/1.0"),
        get(path).replace(b"GET", b"HEAD"),
        get(path, "Connection: close"),
        get(path, "Transfer-Encoding: chunked"),
        get(path, "Content-Length: 4"),
        get(path, "Expect: 100-continue"),
        get(path, "Authorization: Bearer a", "Authorization: Bearer b"),
        get(path, "X-Folded: a", " b"),
        get(path, "Bad Name: a"),
        get(path.replace("after=5", "after=%35")),
        get("/api/events/abc123/messages/x?after=5"),
        get("/api/events/abc123/streams?after=5"),
        get(path).replace(b"\r\n", b"\n"),
        b"\r\n" + get(path),
        get(path, "X-Control: a\x01b"),
        get(path).replace(b"Host: test", b"Host: caf\xe9"),
    ]:
        assert plain_read(head) is None, head


ARGS = st.sampled_from(["after", "wait", "limit", "reads", "typing", "signals", "x"])
VALUES = st.text(alphabet="0123456789abcxyz_.-", max_size=6)


@given(
    st.lists(st.tuples(ARGS, VALUES), max_size=6),
    st.one_of(st.none(), st.text(alphabet="AaBbz09_- ", max_size=12)),
)
def test_a_plain_head_reads_as_tornado_reads_it(pairs: list[tuple[str, str]], authorization: str | None) -> None:
    query = "&".join(f"{k}={v}" for k, v in pairs)
    headers = [f"Authorization: {authorization}"] if authorization is not None else []
    head = get(f"/api/events/ev_1/messages?{query}", *headers)
    found = plain_read(head)
    if found is None:
        return  # Tornado reads it: nothing to compare
    lines = head.decode().split("\r\n")
    start = parse_request_start_line(lines[0])
    tornado_headers = HTTPHeaders.parse("\r\n".join(lines[1:]))
    tornado_args = parse_qs(start.path.partition("?")[2], keep_blank_values=True)
    assert found.query == {name: values[-1] for name, values in tornado_args.items()}
    assert found.key == bearer(tornado_headers.get("Authorization", ""))


def test_this_tornado_has_what_the_plain_path_leans_on() -> None:
    # If this fails after a Tornado upgrade, the server quietly serves every poll through Tornado.
    assert read_path.supported()
