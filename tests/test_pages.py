"""The server-rendered pages: they answer HTML, escape user text, 404 plainly, link transcript items,
list the archive, and load only the site's own scripts (which never use innerHTML)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from chatserver.handlers import pages
from tests.helpers import Api, Reply

XSS_TITLE = "<script>alert(1)</script>"
XSS_TITLE_ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
XSS_BODY = "<img src=x onerror=alert(1)>"
XSS_BODY_ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"
STATIC = Path(__file__).resolve().parent.parent / "static"


def assert_html(reply: Reply, status: int = 200) -> str:
    """The reply is an HTML page with this status; return its text."""
    assert reply.status == status, (reply.status, reply.body)
    assert reply.headers["Content-Type"].startswith("text/html"), reply.headers["Content-Type"]
    assert isinstance(reply.body, str)
    return reply.body


async def page(api: Api, path: str, status: int = 200) -> str:
    return assert_html(await api.get(path), status)


async def closed_event(api: Api, **fields: Any) -> dict[str, Any]:
    """Schedule an open event, close it now, and return the 201 body."""
    created = await api.create_event(**fields)
    reply = await api.post(f"/api/events/{created['event']['slug']}/close", token=created["host_key"])
    assert reply.status == 200, reply.body
    return created


def opening_tag(html: str, element_id: str) -> str:
    match = re.search(rf'<[a-z]+ id="{element_id}"[^>]*>', html)
    assert match, f"no element with id {element_id}"
    return match.group(0)


# -- every page answers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/archive",
        "/e/{slug}",
        "/e/{slug}/transcript",
        "/e/{slug}/host",
    ],
)
async def test_every_page_answers_html(api: Api, path: str) -> None:
    created = await api.create_event()
    html = await page(api, path.format(slug=created["event"]["slug"]))
    assert "<!doctype html>" in html.lower()
    assert 'href="/archive"' in html


@pytest.mark.parametrize(
    ("starts_in", "close", "shown", "hidden"),
    [
        (3600, False, "waiting", ("chat", "closed")),
        (-60, False, "chat", ("waiting", "closed")),
        (-60, True, "closed", ("waiting", "chat")),
    ],
    ids=["scheduled", "open", "closed"],
)
async def test_room_shows_the_part_for_its_state(
    api: Api, starts_in: float, close: bool, shown: str, hidden: tuple[str, ...]
) -> None:
    created = await (closed_event(api) if close else api.create_event(starts_in=starts_in))
    slug = created["event"]["slug"]
    html = await page(api, f"/e/{slug}")
    assert " hidden" not in opening_tag(html, shown)
    for element_id in hidden:
        assert " hidden" in opening_tag(html, element_id)
    if close:
        assert f'href="/e/{slug}/transcript"' in html


# -- user text is escaped --------------------------------------------------------------------------


async def test_user_text_is_escaped_on_room_transcript_and_host(api: Api) -> None:
    created = await api.create_event(title=XSS_TITLE, description=XSS_BODY)
    slug = created["event"]["slug"]
    _, token = await api.join(slug, "<b>mallory</b>")
    assert (await api.say(slug, token, XSS_BODY)).status == 201
    for path in (f"/e/{slug}", f"/e/{slug}/transcript", f"/e/{slug}/host"):
        html = await page(api, path)
        assert XSS_TITLE_ESCAPED in html, path
        assert XSS_TITLE not in html, path
        assert XSS_BODY not in html, path
    transcript = await page(api, f"/e/{slug}/transcript")
    assert XSS_BODY_ESCAPED in transcript
    assert "&lt;b&gt;mallory&lt;/b&gt;" in transcript
    assert "<b>mallory</b>" not in transcript


async def test_user_text_is_escaped_on_home_and_archive(api: Api) -> None:
    await api.create_event(title=XSS_TITLE)
    await closed_event(api, title=XSS_TITLE)
    for path in ("/", "/archive", "/archive?q=%3Cscript%3E"):
        html = await page(api, path)
        assert XSS_TITLE_ESCAPED in html, path
        assert XSS_TITLE not in html, path
    html = await page(api, "/archive?q=%22%3E%3Cimg+src%3Dx%3E")
    assert '"><img src=x>' not in html
    assert "&quot;&gt;&lt;img src=x&gt;" in html


# -- unknown addresses -----------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/e/nosuchevent", "/e/nosuchevent/transcript", "/e/nosuchevent/host"])
async def test_unknown_slug_is_an_html_404(api: Api, path: str) -> None:
    html = await page(api, path, status=404)
    assert "Not found" in html
    assert "There is no event at this address" in html


async def test_unknown_path_is_an_html_404(api: Api) -> None:
    html = await page(api, "/no/such/page", status=404)
    assert "There is no page at this address" in html


# -- the transcript --------------------------------------------------------------------------------


async def test_transcript_links_each_item_and_omits_retracted_ones(api: Api) -> None:
    created = await api.create_event()
    slug, key = created["event"]["slug"], created["host_key"]
    _, token = await api.join(slug, "alice")
    kept = (await api.say(slug, token, "keep me\nsecond line")).body["message"]
    removed = (await api.say(slug, token, "remove me")).body["message"]
    assert (await api.delete(f"/api/events/{slug}/messages/{removed['id']}", token=key)).status == 200

    html = await page(api, f"/e/{slug}/transcript")
    anchors = [int(n) for n in re.findall(r'<li id="m(\d+)"', html)]
    shown = [i["id"] for i in await api.read_all(slug) if i["kind"] != "retraction" and not i.get("retracted")]
    assert anchors == shown
    assert kept["id"] in anchors and removed["id"] not in anchors
    assert f'href="#m{kept["id"]}"' in html
    assert "keep me\nsecond line" in html
    assert "remove me" not in html
    assert f'<time datetime="{kept["created_at"]}"' in html
    assert f'href="/e/{slug}/transcript.txt"' in html
    assert f'href="/e/{slug}/transcript.json"' in html
    assert "Next page" not in html


async def test_transcript_pages_follow_next_after(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pages, "TRANSCRIPT_PAGE", 2)
    created = await api.create_event()
    slug = created["event"]["slug"]
    _, token = await api.join(slug, "alice")
    for n in range(3):
        assert (await api.say(slug, token, f"line {n}")).status == 201
    expected = [i["id"] for i in await api.read_all(slug)]  # opened, joined, 3 messages

    seen: list[int] = []
    path: str | None = f"/e/{slug}/transcript"
    while path is not None:
        html = await page(api, path)
        seen += [int(n) for n in re.findall(r'<li id="m(\d+)"', html)]
        match = re.search(r'href="(/e/[^"]+/transcript\?after=\d+)"', html)
        path = match.group(1) if match else None
        assert len(seen) <= len(expected)
    assert seen == expected


# -- the archive -----------------------------------------------------------------------------------


async def test_archive_lists_only_closed_listed_events_newest_first(api: Api) -> None:
    await api.create_event(title="Open one")
    await api.create_event(title="Scheduled one", starts_in=3600)
    await closed_event(api, title="Hidden closed one", listed=False)
    older = await closed_event(api, title="Older closed one")
    newer = await closed_event(api, title="Newer closed one")
    html = await page(api, "/archive")
    assert "Open one" not in html
    assert "Scheduled one" not in html
    assert "Hidden closed one" not in html
    assert html.index(newer["event"]["slug"]) < html.index(older["event"]["slug"])


async def test_archive_search_filters_by_title(api: Api) -> None:
    await closed_event(api, title="Alpha planning")
    await closed_event(api, title="Beta retrospective")
    html = await page(api, "/archive?q=alpha")
    assert "Alpha planning" in html
    assert "Beta retrospective" not in html
    assert 'value="alpha"' in html
    assert "No ended event" in await page(api, "/archive?q=gamma")


async def test_archive_older_link_keeps_the_query(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pages, "ARCHIVE_PAGE", 1)
    await closed_event(api, title="Talk one")
    await closed_event(api, title="Talk two")
    html = await page(api, "/archive?q=talk")
    assert "Talk two" in html and "Talk one" not in html
    match = re.search(r'href="(/archive\?before=\d+&amp;q=talk)"', html)
    assert match
    older = await page(api, match.group(1).replace("&amp;", "&"))
    assert "Talk one" in older and "Talk two" not in older


# -- scripts and styles ----------------------------------------------------------------------------


def test_static_js_never_uses_inner_html() -> None:
    scripts = sorted(STATIC.glob("*.js"))
    assert scripts, "static/ has no scripts"
    for script in scripts:
        text = script.read_text(encoding="utf-8")
        for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write"):
            assert sink not in text, f"{script.name} uses {sink}"


async def test_pages_load_only_their_own_scripts_and_styles(api: Api) -> None:
    created = await api.create_event()
    slug = created["event"]["slug"]
    for path in (f"/e/{slug}", f"/e/{slug}/transcript", f"/e/{slug}/host", "/e/nosuchevent"):
        reply = await api.get(path)
        assert "default-src 'self'" in reply.headers["Content-Security-Policy"]
        html = reply.body
        assert " style=" not in html, path
        assert not re.search(r"\son[a-z]+=", html), path  # no inline event handlers
        scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S)
        assert scripts, path
        for _attributes, inline in scripts:
            assert inline.strip() == "", f"inline script on {path}"
        urls = re.findall(r'<(?:script|link)\b[^>]*(?:src|href)="([^"]+)"', html)
        for url in urls:
            assert url.startswith("/static/"), url
            assert (await api.get(url.replace("&amp;", "&"))).status == 200, url
