"""/admin, the operator console's page: plain HTML with the pages' security headers, never indexed
nor cached, the same for everyone (the key stays in the fragment), in every language."""

from __future__ import annotations

import re

import pytest

from chatserver.i18n import COOKIE, LANGUAGES, Languages, tag
from tests.helpers import Api
from tests.test_page_headers import directives


async def test_the_operator_console_is_a_page_with_the_security_headers(api: Api) -> None:
    reply = await api.get("/admin")
    assert reply.status == 200
    assert reply.headers["Content-Type"].startswith("text/html")
    csp = directives(reply.headers["Content-Security-Policy"])
    assert csp["script-src"] == ["'self'"] and csp["frame-ancestors"] == ["'none'"]
    for values in csp.values():
        assert "'unsafe-inline'" not in values and "'unsafe-eval'" not in values
    assert reply.headers["X-Content-Type-Options"] == "nosniff"
    assert reply.headers["Referrer-Policy"] == "no-referrer"
    assert reply.headers["X-Robots-Tag"] == "noindex"
    assert reply.headers["Cache-Control"] == "no-store"
    page = reply.body
    assert '<meta name="referrer" content="no-referrer">' in page
    # Its script, its key check and the panels it fills; no words of the host console's key check.
    assert re.search(r'<script type="module" src="/static/admin\.js\?v=\w+"></script>', page)
    for element in ('id="key-checking"', 'id="key-problem"', 'id="events-rows"', 'id="series-rows"', 'id="audit-rows"'):
        assert element in page
    assert 'id="confirm"' in page and "Checking the operator key…" in page
    assert "host key" not in page and "like any participant" not in page


async def test_the_host_consoles_key_check_is_unchanged(api: Api) -> None:
    created = await api.create_event()
    page = (await api.get(f"/e/{created['event']['slug']}/host")).body
    assert "Checking the host key…" in page and "like any participant" in page
    assert "operator" not in page


async def test_only_get_is_answered(api: Api) -> None:
    assert (await api.post("/admin", {})).status == 405
    assert (await api.get("/admin/")).status == 404


@pytest.mark.parametrize("code", [code for code, _ in LANGUAGES])
async def test_the_page_answers_in_every_language(api: Api, code: str) -> None:
    language = Languages().by_code[code]
    reply = await api.get(f"/admin?locale={code}")
    assert reply.status == 200
    opening = re.search(r"<html\b[^>]*>", reply.body)
    assert opening, reply.body[:200]
    direction = "rtl" if code == "ar" else "ltr"
    assert f'lang="{tag(code)}"' in opening.group(0) and f'dir="{direction}"' in opening.group(0)
    if code != "en":
        assert f'data-catalog="/i18n/{code}.json?v={language.version}"' in opening.group(0)
    # The choice is kept, as on every page with ?locale=.
    assert f"{COOKIE}={code}" in reply.headers.get("Set-Cookie", "")
