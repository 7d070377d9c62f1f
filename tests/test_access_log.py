"""The access log: answered reads of the stream only at DEBUG, everything else as Tornado logs it."""

from __future__ import annotations

import logging
from urllib.parse import quote, unquote

import pytest

from chatserver.access_log import loggable_uri
from tests.helpers import Api


async def test_polls_are_debug_lines_and_writes_and_errors_are_info_or_above(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    slug = (await api.create_event())["event"]["slug"]
    _, token = await api.join(slug, "alice")
    with caplog.at_level(logging.DEBUG, logger="tornado.access"):
        await api.poll(slug)
        await api.say(slug, token, "hello")
        await api.poll(slug, after=10_000)  # 409
    lines = [(r.levelno, r.getMessage()) for r in caplog.records if r.name == "tornado.access"]
    polls = [level for level, text in lines if text.startswith("200 GET") and "/messages" in text]
    assert polls == [logging.DEBUG]
    assert any(level == logging.INFO and text.startswith("201 POST") for level, text in lines)
    assert any(level == logging.WARNING and text.startswith("409 GET") for level, text in lines)
    assert all(token not in text for _, text in lines)  # credentials never reach the log


async def test_at_info_a_poll_is_not_logged_at_all(api: Api, caplog: pytest.LogCaptureFixture) -> None:
    slug = (await api.create_event())["event"]["slug"]
    with caplog.at_level(logging.INFO, logger="tornado.access"):
        await api.poll(slug)
    assert [r for r in caplog.records if r.name == "tornado.access" and "/messages" in r.getMessage()] == []


def host_link(slug: str, key: str) -> str:
    """The host link as the home page shows it, to be pasted where it does not belong."""
    return f"https://chat.example.org/e/{slug}/host#key={key}"


def logged_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Every message logged, by any logger (the access log and Tornado's own warnings)."""
    return [record.getMessage() for record in caplog.records]


@pytest.mark.parametrize(
    "shape",
    [
        "/demo/embed?room={link}",  # the demo's own form takes a pasted host link
        "/demo/embed?room={link_twice}",  # ... encoded once more by a careless client
        "/e/{slug}/host%23key={key}",  # a host link whose '#' was percent-encoded on the way
        "/e/{slug}?k={key}",  # any parameter name
        "/e/{slug}/{key}",  # anywhere in the path
        "/e/{slug}/host%23key={key_encoded}",  # every character of the key percent-encoded
        "/demo/embed?room={link}&accent=%ff",  # refused (400): Tornado logs the URL with its own warning
    ],
)
async def test_a_host_key_never_reaches_the_log_by_value(
    api: Api, caplog: pytest.LogCaptureFixture, shape: str
) -> None:
    created = await api.create_event()
    slug, key = created["event"]["slug"], created["host_key"]
    link = quote(host_link(slug, key), safe="")
    path = shape.format(
        slug=slug,
        key=key,
        link=link,
        link_twice=quote(link, safe=""),
        key_encoded="".join(f"%{ord(c):02X}" for c in key),
    )
    with caplog.at_level(logging.INFO):
        reply = await api.get(path)
    assert reply.status < 500
    lines = logged_lines(caplog)
    access = [line for line in lines if f"GET /{path.split('/')[1]}" in line]
    assert access, lines  # the request was logged...
    assert all(slug in line for line in access), access  # ... with the slug still readable
    for line in lines:
        assert key not in line and key[:32] not in line and unquote(unquote(line)).find(key[:32]) == -1, line


def test_static_file_versions_stay_readable() -> None:
    version = "e929b0e7b580f16be6d5c37bd48702d2a57837ee13b16e2275eb3f0e18faebdbbde0c73516b660c932f6b9f58cd9fd92"
    assert loggable_uri(f"/static/style.css?v={version}") == f"/static/style.css?v={version}"
    key = "Xk2_9fQ-aZ0pLm4RtY7uBv1cD3eF5gH6iJ8kL0mN2oP"  # the shape of a host key
    assert loggable_uri(f"/static/style.css?v={key}") == "/static/style.css?v=[redacted]"


def test_search_words_are_not_logged() -> None:
    assert (
        loggable_uri("/api/events/abc/search?q=my+phone+555&limit=5") == "/api/events/abc/search?q=[redacted]&limit=5"
    )
    assert loggable_uri("/api/search?limit=5&q=secret%20plans") == "/api/search?limit=5&q=[redacted]"
    assert loggable_uri("/api/events/abc/messages?after=3&wait=30") == "/api/events/abc/messages?after=3&wait=30"
