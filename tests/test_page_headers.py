"""Security headers on every page: a CSP without inline script, nosniff, and no referrer from the host console."""

from __future__ import annotations

import pytest

from tests.helpers import Api

PAGES = [
    "/",
    "/archive",
    "/archive?q=x",
    "/e/{slug}",
    "/e/{slug}/transcript",
    "/e/{slug}/host",
    "/admin",
    "/e/nosuchevent",
    "/no/such/page",
]


def directives(csp: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for part in csp.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


@pytest.mark.parametrize("path", PAGES)
async def test_every_page_sends_the_security_headers(api: Api, path: str) -> None:
    created = await api.create_event()
    reply = await api.get(path.format(slug=created["event"]["slug"]))
    assert reply.headers["Content-Type"].startswith("text/html")
    csp = directives(reply.headers["Content-Security-Policy"])
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["default-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    for values in csp.values():
        assert "'unsafe-inline'" not in values and "'unsafe-eval'" not in values
    assert reply.headers["X-Content-Type-Options"] == "nosniff"
    assert reply.headers["Referrer-Policy"] == "no-referrer"


async def test_the_host_console_is_not_cached(api: Api) -> None:
    created = await api.create_event()
    reply = await api.get(f"/e/{created['event']['slug']}/host")
    assert reply.status == 200
    assert reply.headers["Referrer-Policy"] == "no-referrer"
    assert reply.headers["Cache-Control"] == "no-store"
    # The key is never in the page: it stays in the fragment, which the browser does not send.
    assert created["host_key"] not in reply.body


async def test_static_files_are_not_sniffed(api: Api) -> None:
    for path in ("/static/style.css", "/static/common.js"):
        reply = await api.get(path)
        assert reply.status == 200, path
        assert reply.headers.get("X-Content-Type-Options") == "nosniff", path


HOST_PAGES = [
    "/",
    "/archive",
    "/e/{slug}",
    "/e/{slug}/host",
    "/admin",
    "/e/{slug}/embed",
    "/e/{slug}/transcript",
    "/demo/embed",
    "/demo/embed?room={slug}",
    "/e/nosuchevent",
    "/no/such/page",
]


@pytest.mark.parametrize("path", HOST_PAGES)
async def test_a_forged_host_header_is_never_reflected(api: Api, path: str) -> None:
    # Behind a cache or a proxy that passes Host on, a reflected Host would poison the page for everyone.
    slug = (await api.create_event(listed=True))["event"]["slug"]
    reply = await api.get(path.format(slug=slug), headers={"Host": "attacker.example"})
    assert reply.status in (200, 404)
    assert "attacker.example" not in reply.body
    assert "attacker.example" not in str(list(reply.headers.get_all()))
