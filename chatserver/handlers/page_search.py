"""What the transcript and archive pages show beyond the items: the quote of the message a reply
answers, reactions and the edited mark under a message, and their search boxes, answered here for
readers without JavaScript (static/page-search.js searches as they type, through the API)."""

from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass

from babel.lists import format_list
from tornado.escape import url_escape

from chatserver.errors import ChatError, InvalidRequest
from chatserver.handlers.conversation import query_terms
from chatserver.handlers.services import Services
from chatserver.i18n import Language
from chatserver.models import Event, Item
from chatserver.search_text import Term, snippet
from chatserver.timefmt import Millis, parse_time

# Results a page's search box shows (the API gives at most 100).
PAGE_RESULTS = 50
# A result's link opens the transcript this many ids before the message, so that what led to it
# shows too; a page holds 1000 items, so the message is always on it (search-results.js: the same).
CONTEXT_IDS = 10
# Characters of the original a reply's quote shows (the room's reply-quote.js: the same).
QUOTE_CHARS = 80
REPLIED = ("message", "announcement")
# Markdown's marks, left out of a one-line quote: code fences and ticks, emphasis, a quote's ">".
_MARKUP = re.compile(r"```|`|\*\*|__|~~|(?m:^\s*>+\s?)")


def transcript_href(slug: str, item_id: int, on_page: Container[int] = ()) -> str:
    """A link to an item of the transcript: its anchor when it is on this page, else the page that
    starts a few ids before it (the anchor is always on that page)."""
    if item_id in on_page:
        return f"#m{item_id}"
    base = f"/e/{url_escape(slug, plus=False)}/transcript"
    after = max(0, item_id - 1 - CONTEXT_IDS)
    return f"{base}?after={after}#m{item_id}" if after else f"{base}#m{item_id}"


def one_line(text: str, limit: int = QUOTE_CHARS) -> str:
    """The start of a message's text on one line, without Markdown's marks; "…" where it was cut."""
    line = " ".join(_MARKUP.sub(" ", text).split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


# --- a message's extras on the transcript page ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class Quote:
    """A reply's one-line quote of its original: author (None for a removed one), the start of its
    text (empty when removed), a link to it (None when removed), and whether it is an announcement."""

    author: str | None
    text: str
    href: str | None
    announcement: bool = False

    @property
    def removed(self) -> bool:
        return self.href is None


async def reply_quotes(services: Services, event: Event, items: list[Item]) -> dict[int, Quote]:
    """The quotes of the replies among a page's items, by the reply's id. Originals on earlier pages
    (or removed) are read from the store as the public transcript sees them: a private line is
    never found, so a reply to one shows no quote at all."""
    on_page = {item.id: item for item in items}
    wanted = {item.id: reply_to(item) for item in items}
    replies = {reply: original for reply, original in wanted.items() if original is not None}
    missing = {original for original in replies.values() if original not in on_page}
    read = await services.store.items_by_id(event.id, missing) if missing else {}
    quotes: dict[int, Quote] = {}
    for reply, original_id in replies.items():
        original = on_page.get(original_id) or read.get(original_id)
        if original is None or original.kind not in REPLIED or original.private:
            continue
        if original.retracted:
            quotes[reply] = Quote(None, "", None)
            continue
        announcement = original.kind == "announcement"
        href = transcript_href(event.slug, original.id, on_page)
        quotes[reply] = Quote(
            None if announcement else original.author or "", one_line(original.body), href, announcement
        )
    return quotes


def reply_to(item: Item) -> int | None:
    """The id a message answers (its reply_to), or None."""
    value = (item.data or {}).get("reply_to") if item.kind in REPLIED else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@dataclass(frozen=True, slots=True)
class Chip:
    """One reaction under a message: the emoji, how many reacted, and who (a list in words)."""

    emoji: str
    count: int
    names: str


def reaction_chips(item: Item, language: Language) -> list[Chip]:
    """A message's reactions, as the transcript shows them (in the order they came)."""
    reactions = (item.data or {}).get("reactions")
    if item.retracted or not isinstance(reactions, dict):
        return []
    chips = []
    for emoji, names in reactions.items():
        if isinstance(emoji, str) and isinstance(names, list) and names:
            said = format_list([str(name) for name in names], locale=language.code)
            chips.append(Chip(emoji, len(names), said))
    return chips


def edited_at(item: Item) -> tuple[str, Millis] | None:
    """When a message was last edited: its RFC 3339 time and that in milliseconds; None if never."""
    value = (item.data or {}).get("edited_at")
    if item.retracted or not isinstance(value, str):
        return None
    try:
        return value, parse_time(value, "edited_at")
    except InvalidRequest:
        return None


# --- the search boxes ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Hit:
    """One message found: the item, its snippet as (text, matched) runs, and the link to it."""

    item: Item
    parts: list[tuple[str, bool]]
    href: str


@dataclass(frozen=True, slots=True)
class EventHits:
    """An event's messages found by the archive's search, best first."""

    event: Event
    hits: list[Hit]


@dataclass(frozen=True, slots=True)
class Found:
    """A search box's answer: the query, what was found (by event on the archive), and why nothing
    could be searched (the API's message in the reader's language), if so."""

    query: str
    hits: list[Hit]
    events: list[EventHits]
    problem: str | None = None

    @property
    def count(self) -> int:
        return len(self.hits) + sum(len(group.hits) for group in self.events)


def snippet_parts(item: Item, found: list[Term]) -> list[tuple[str, bool]]:
    """The item's snippet as runs of plain and matched text (the API's marks are code points, as
    Python indexes a str)."""
    text, marks = snippet(item.body, found)
    parts: list[tuple[str, bool]] = []
    at = 0
    for start, end in marks:
        if start < at:
            continue
        if start > at:
            parts.append((text[at:start], False))
        parts.append((text[start:end], True))
        at = end
    if at < len(text):
        parts.append((text[at:], False))
    return parts


def _terms(services: Services, client: str, query: str, language: Language) -> tuple[list[Term], str | None]:
    """The query's terms, or the reason it cannot be searched: the API's rules, limit and messages."""
    try:
        services.search_limiter.check(client)
        return query_terms(query), None
    except ChatError as refused:
        return [], refused.localized(language.translate)


async def search_event(
    services: Services, client: str, event: Event, query: str, on_page: Container[int], language: Language
) -> Found:
    """The transcript's search box: the event's messages with every word of the query."""
    found, problem = _terms(services, client, query, language)
    if problem is not None:
        return Found(query, [], [], problem)
    items = await services.store.search_event(event.id, found, PAGE_RESULTS)
    hits = [Hit(item, snippet_parts(item, found), transcript_href(event.slug, item.id, on_page)) for item in items]
    return Found(query, hits, [])


async def search_site(services: Services, client: str, query: str, language: Language) -> Found:
    """The archive's message search: every listed event with a public transcript, grouped by event
    in the order of each event's best match."""
    found, problem = _terms(services, client, query, language)
    if problem is not None:
        return Found(query, [], [], problem)
    groups: dict[int, EventHits] = {}
    for event, item in await services.store.search_listed(found, PAGE_RESULTS):
        group = groups.setdefault(event.id, EventHits(event, []))
        group.hits.append(Hit(item, snippet_parts(item, found), transcript_href(event.slug, item.id)))
    return Found(query, [], list(groups.values()))
