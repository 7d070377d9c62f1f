"""The transcript page shows the conversation: a reply's quote of what it answers (on this page or an
earlier one, "Removed message" once removed, never a private line), reactions and "(edited)"; its
search box and the archive's message search answer without JavaScript."""

from __future__ import annotations

import json
import re
import sqlite3
from contextlib import closing
from html import unescape
from typing import Any
from urllib.parse import quote

import pytest

from chatserver.handlers import pages
from chatserver.models import PUBLIC_VIEW
from tests.conftest import Chat
from tests.helpers import Api
from tests.test_pages import closed_event, page


async def say(api: Api, slug: str, token: str, body: str, **fields: Any) -> dict[str, Any]:
    reply = await api.post(f"/api/events/{slug}/messages", {"body": body, **fields}, token=token)
    assert reply.status == 201, reply.body
    return dict(reply.body["message"])


def element(html: str, element_id: str) -> str:
    """The <li> of one item, up to the next item (enough to look inside one message)."""
    match = re.search(rf'<li id="{element_id}".*?(?=<li id="m\d+"|</ol>)', html, re.S)
    assert match, f"no item {element_id}"
    return match.group(0)


def quote_of(html: str, item_id: int) -> str | None:
    """The reply quote inside an item, or None."""
    match = re.search(r'<(a|p) class="reply-quote[^"]*".*?</\1>', element(html, f"m{item_id}"), re.S)
    return match.group(0) if match else None


async def test_a_reply_quotes_its_original_and_links_to_it(api: Api) -> None:
    slug = (await api.create_event())["event"]["slug"]
    _, alice = await api.join(slug, "alice")
    _, bob = await api.join(slug, "bob")
    asked = await say(api, slug, alice, "Where are the **slides** for the\nrelease talk?")
    answer = await say(api, slug, bob, "On the second shelf.", reply_to=asked["id"])

    html = await page(api, f"/e/{slug}/transcript")
    quoted = quote_of(html, answer["id"])
    assert quoted is not None
    assert f'href="#m{asked["id"]}"' in quoted  # the original is on this page
    assert ">alice</span>" in quoted
    # One line, without Markdown's marks.
    assert "Where are the slides for the release talk?" in quoted
    assert 'aria-label="In reply to alice: Where are the slides for the release talk?"' in quoted
    assert quote_of(html, asked["id"]) is None


async def test_a_quote_links_to_the_page_its_original_is_on(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pages, "TRANSCRIPT_PAGE", 3)
    slug = (await api.create_event())["event"]["slug"]
    _, alice = await api.join(slug, "alice")
    first = await say(api, slug, alice, "The first thing said")
    for n in range(4):
        await say(api, slug, alice, f"filler {n}")
    reply = await say(api, slug, alice, "Back to that", reply_to=first["id"])

    # The reply is on a later page: its quote links to the page that holds the original.
    path: str | None = f"/e/{slug}/transcript"
    html = ""
    while path is not None and f'id="m{reply["id"]}"' not in html:
        html = await page(api, path)
        match = re.search(r'<a class="next" href="([^"]+)"', html)
        path = unescape(match.group(1)) if match else None
    assert f'id="m{first["id"]}"' not in html
    quoted = quote_of(html, reply["id"])
    assert quoted is not None and "The first thing said" in quoted
    href = unescape(re.search(r'href="([^"]+)"', quoted).group(1))  # type: ignore[union-attr]
    assert href.startswith(f"/e/{slug}/transcript") and href.endswith(f"#m{first['id']}")
    target = await page(api, href.split("#")[0])
    assert f'<li id="m{first["id"]}"' in target


async def test_a_removed_original_is_quoted_as_removed(api: Api) -> None:
    created = await api.create_event()
    slug, key = created["event"]["slug"], created["host_key"]
    _, alice = await api.join(slug, "alice")
    _, bob = await api.join(slug, "bob")
    gone = await say(api, slug, alice, "Something I regret")
    reply = await say(api, slug, bob, "Well said", reply_to=gone["id"])
    assert (await api.delete(f"/api/events/{slug}/messages/{gone['id']}", token=key)).status == 200

    html = await page(api, f"/e/{slug}/transcript")
    quoted = quote_of(html, reply["id"])
    assert quoted is not None
    assert "Removed message" in quoted and "quote-missing" in quoted
    assert "href=" not in quoted
    assert "Something I regret" not in html


async def test_the_public_transcript_never_quotes_a_private_line(api: Api, chat: Chat) -> None:
    created = await api.create_event()
    slug = created["event"]["slug"]
    _, alice = await api.join(slug, "alice")
    secret = await say(api, slug, alice, "My private phone number is 555-0199", to="hosts")
    assert secret.get("private") is True
    # A private reply to it stays out of the public transcript with its original.
    private_reply = await say(api, slug, alice, "Or call me after six", to="hosts", reply_to=secret["id"])
    # No API makes a public reply to a private line: one is written into the database, as a bug
    # (or a future change) might leave it, and the page must still not show the line.
    public = await say(api, slug, alice, "Thanks for the help!")
    with closing(sqlite3.connect(chat.db_path)) as db:
        db.execute(
            "UPDATE items SET data = ? WHERE event_id = (SELECT id FROM events WHERE slug = ?) AND id = ?",
            (json.dumps({"reply_to": secret["id"]}), slug, public["id"]),
        )
        db.commit()

    html = await page(api, f"/e/{slug}/transcript")
    assert "555-0199" not in html
    assert "after six" not in html
    assert f'id="m{private_reply["id"]}"' not in html
    assert quote_of(html, public["id"]) is None
    assert f"m{secret['id']}" not in html

    # The store's batch read sees with the public's eyes unless told otherwise.
    event = await chat.store.get_event(slug)
    read = await chat.store.items_by_id(event.id, [secret["id"], public["id"]], PUBLIC_VIEW)
    assert list(read) == [public["id"]]


async def test_reactions_and_edits_show_under_a_message(api: Api) -> None:
    slug = (await api.create_event())["event"]["slug"]
    _, alice = await api.join(slug, "alice")
    _, bob = await api.join(slug, "bob")
    said = await say(api, slug, alice, "Ship it on Friday?")
    plain = await say(api, slug, bob, "Nothing to see here")
    for token, emoji in ((alice, "👍"), (bob, "👍"), (bob, "🎉")):
        path = f"/api/events/{slug}/messages/{said['id']}/reactions/{quote(emoji)}"
        assert (await api.request("PUT", path, token=token)).status == 200
    edited = await api.patch(f"/api/events/{slug}/messages/{said['id']}", {"body": "Ship it on Monday?"}, token=alice)
    assert edited.status == 200, edited.body

    html = await page(api, f"/e/{slug}/transcript")
    item = element(html, f"m{said['id']}")
    assert "Ship it on Monday?" in item and "Friday" not in html
    chips = re.findall(
        r'<li class="reaction" title="([^"]+)">.*?"reaction-emoji"[^>]*>([^<]+)<.*?"reaction-count"[^>]*>(\d+)<',
        item,
        re.S,
    )
    assert chips == [("alice and bob reacted with 👍", "👍", "2"), ("bob reacted with 🎉", "🎉", "1")]
    assert "👍 2: alice and bob" in item  # what a screen reader hears
    assert "(edited)" in item
    moment = edited.body["message"]["edited_at"]
    assert f'datetime="{moment}"' in item
    assert re.search(r'class="edited" title="Edited [^"]+"', item)
    # A message never edited nor reacted to has neither.
    other = element(html, f"m{plain['id']}")
    assert "(edited)" not in other and 'class="reactions"' not in other


async def test_the_transcript_search_box_answers_without_javascript(api: Api) -> None:
    slug = (await api.create_event())["event"]["slug"]
    _, alice = await api.join(slug, "alice")
    found = await say(api, slug, alice, "Shall we meet at the Café at noon?")
    await say(api, slug, alice, "Tea is fine too")

    html = await page(api, f"/e/{slug}/transcript?q=cafe")
    results = re.search(r'<ol class="search-results">(.*?)</ol>', html, re.S)
    assert results
    hits = re.findall(r'<a class="search-hit" href="([^"]+)"', results.group(1))
    assert hits == [f"#m{found['id']}"]  # on this very page
    assert "<mark>Café</mark>" in results.group(1)
    assert "1 message found" in html
    assert 'value="cafe"' in html

    nothing = await page(api, f"/e/{slug}/transcript?q=coffee")
    assert "No messages found" in nothing
    # An operator-only query: the API's own words, on the page.
    refused = await page(api, f"/e/{slug}/transcript?q=OR")
    assert "q holds no word to search for." in refused
    # Without a query the results' place is there, empty and hidden, for page-search.js.
    assert re.search(r'<section id="search-found"[^>]* hidden>', await page(api, f"/e/{slug}/transcript"))


async def test_the_archive_searches_messages_grouped_by_event(api: Api) -> None:
    await closed_event(api, title="Café without words")  # a title is no message
    said: dict[str, dict[str, Any]] = {}
    events = (
        ("Planning", "Budget for the café", True),
        ("Retro", "The café was loud", True),
        ("Hush", "Private café chat", False),
    )
    for title, body, listed in events:
        created = await api.create_event(title=title, listed=listed)
        slug, key = created["event"]["slug"], created["host_key"]
        _, token = await api.join(slug, "alice")
        said[title] = {"slug": slug, "message": await say(api, slug, token, body)}
        await say(api, slug, token, "Also the café downstairs" if title == "Retro" else "Nothing else")
        assert (await api.post(f"/api/events/{slug}/close", token=key)).status == 200

    html = await page(api, "/archive?in=messages&q=cafe")
    groups = re.findall(r'<li class="event-hit">(.*?)</ol>\s*</li>', html, re.S)
    titles = [re.search(r'/transcript">([^<]+)</a>', group).group(1) for group in groups]  # type: ignore[union-attr]
    assert sorted(titles) == ["Planning", "Retro"]  # each once, the unlisted one never
    retro = groups[titles.index("Retro")]
    links = re.findall(r'<a class="search-hit" href="([^"]+)"', retro)
    assert len(links) == 2
    slug, first = said["Retro"]["slug"], said["Retro"]["message"]["id"]
    assert f"/e/{slug}/transcript#m{first}" in links
    assert "Private café" not in html and "Hush" not in html
    assert "3 messages found" in html
    # The title search is as it was.
    titles_page = await page(api, "/archive?q=retro")
    assert "Retro" in titles_page and "Planning" not in titles_page and "event-hit" not in titles_page
