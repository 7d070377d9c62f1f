"""Hostile paths: each gets a 400 or 404 with a proper error body, never a 500 or a traceback in the log."""

from __future__ import annotations

import asyncio
import logging

import pytest

from tests.conftest import Chat
from tests.helpers import Api, Reply, assert_server_time

# PostgreSQL's text type refuses a NUL that SQLite stores: both engines (the table's test names `chat`
# for that: tests/conftest.py parametrizes by engine only the tests that ask for it).
BACKENDS = ("sqlite", "postgresql")

LONG = "a" * 4000

# {slug} is a real event's slug: a NUL or junk after it must not reach a database that chokes on it.
# "json": the API's error shape (the API, files, transcripts); "html": the HTML error page.
PATHS = [
    # static files
    *(
        (path, "json")
        for path in (
            "/static/x%00",
            "/static/style.css%00",
            "/static/x%00.js?v=1",
            "/static/%00",
            "/static/%ff",
            "/static/..%2fchatserver%2fapp.py",
            "/static/%2e%2e/%2e%2e/setup.cfg",
            "/static/..%2f..%2fsetup.cfg",
            "/static/..\\..\\setup.cfg",
            "/static/..%5c..%5csetup.cfg",
            "/static/x%0d%0aSet-Cookie:%20a=b",
            "/static/",
            "/static/.",
            "/static/%2e",
            f"/static/{LONG}",
            "/static/widget.js%00?v=%ff",
        )
    ),
    # pages (and paths no route takes)
    *(
        (path, "html")
        for path in (
            "/e/{slug}%00",
            "/e/{slug}%00/host",
            "/e/{slug}%00/embed",
            "/e/{slug}%00/transcript",
            "/e/%00/transcript",
            "/e/{slug}%0d%0a",
            "/e/%ff",
            "/e/%ff/host",
            "/e/%ff/embed",
            "/e/..%2f..%2fsetup.cfg",
            f"/e/{LONG}",
            "/e/{slug}\\host",
            "/e/{slug}/host%00",
            "/%ff",
            "/%00",
            "/demo/embed?room=%ff",
            "/sw.js%00",
            "/sw.js/..%2fsetup.cfg",
            "/e/{slug}/transcript?after=%ff",
            "/archive?before=%ff",
            "/archive?q=%ff",
        )
    ),
    # transcripts and the API
    *(
        (path, "json")
        for path in (
            "/e/%ff/transcript.json",
            "/e/{slug}%00/transcript.txt",
            "/api/events/{slug}%00",
            "/api/events/%ff",
            "/api/events/{slug}%00/messages?after=0",
            "/api/events/{slug}%00/stream",
            "/api/events/%ff/messages",
            "/api/events/{slug}%00/participants",
            "/api/events/%00",
            "/api/%ff",
            "/api/events/..%2f..%2fsetup.cfg",
            f"/api/events/{LONG}",
            "/api/events/{slug}%0d%0a/messages",
            "/api/events/{slug}/messages?after=%ff",
            "/api/events?q=%ff",
        )
    ),
]


def logged_faults(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Log records that carry a traceback, or that say the server failed (an uncaught exception, a 500)."""
    return [
        r.getMessage()
        for r in caplog.records
        if r.exc_info or r.name == "tornado.application" or r.levelno >= logging.ERROR
    ]


def assert_json_error(reply: Reply) -> None:
    """API.md's error shape: {"error": {"code", "message"}, "server_time"}."""
    assert reply.headers.get("Content-Type", "").startswith("application/json"), reply.headers
    assert isinstance(reply.body, dict), reply.body
    assert isinstance(reply.body["error"]["code"], str) and reply.body["error"]["code"]
    assert isinstance(reply.body["error"]["message"], str) and reply.body["error"]["message"].strip()
    assert_server_time(reply)


@pytest.mark.parametrize(("template", "kind"), PATHS, ids=[path[:48] for path, _ in PATHS])
async def test_a_malformed_path_is_refused_cleanly(
    api: Api, chat: Chat, caplog: pytest.LogCaptureFixture, template: str, kind: str
) -> None:
    slug = (await api.create_event())["event"]["slug"]
    path = template.replace("{slug}", slug)
    with caplog.at_level(logging.INFO):
        reply = await api.get(path)
    assert reply.status in (400, 404), (path, reply.status, reply.body)
    if kind == "json":
        assert_json_error(reply)
    else:
        assert reply.headers["Content-Type"].startswith("text/html")
        assert "<title>" in reply.body and "Traceback" not in reply.body
    assert logged_faults(caplog) == []


@pytest.mark.parametrize("method", ["POST", "DELETE", "PATCH"])
async def test_other_methods_on_static_files_get_the_json_error(api: Api, method: str) -> None:
    reply = await api.request(method, "/static/style.css%00")
    assert reply.status in (404, 405)
    assert_json_error(reply)


async def test_junk_in_a_static_files_version_still_serves_the_file(api: Api, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO):
        for path in (
            "/static/widget.js?v=%ff",
            "/static/style.css?v=%00%ff",
            "/static/style.css?v=..%2f..%2fx",
            "/sw.js?v=%ff%00",
        ):
            reply = await api.get(path)
            assert reply.status == 200, (path, reply.body)
    assert logged_faults(caplog) == []


@pytest.mark.parametrize("target", [b"/static/x\x00", b"/e/a\x00b", b"/api/events/a\rb", b"/e/a b/host"])
async def test_raw_control_bytes_in_the_request_line_are_a_400(
    api: Api, caplog: pytest.LogCaptureFixture, target: bytes
) -> None:
    # Tornado's HTTP/1 parser refuses these before any handler runs: a bare 400 (no body) and a close.
    host, port = api.base_url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    with caplog.at_level(logging.INFO):
        writer.write(b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        answer = await reader.read()  # to the server's close
    writer.close()
    assert answer.startswith(b"HTTP/1.1 400 ")
    assert logged_faults(caplog) == []
