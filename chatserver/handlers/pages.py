"""Server-rendered pages: home, room, transcript, host console, archive, and the HTML 404."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import tornado.web
from babel.lists import format_list
from babel.numbers import format_decimal, format_percent
from tornado.escape import xhtml_escape

from chatserver import transcript
from chatserver.errors import N_, ChatError, Forbidden, NotFound, ShuttingDown
from chatserver.handlers.base import Localized, error_body
from chatserver.handlers.page_files import shown_files, shown_preview
from chatserver.handlers.page_search import edited_at, reaction_chips, reply_quotes, search_event, search_site
from chatserver.handlers.services import Services
from chatserver.i18n import COOKIE, LANGUAGES, Language, fill
from chatserver.models import CLOSED, HOSTS, OPEN, SCHEDULED, Event, Item, fit
from chatserver.readers import refuse_reading
from chatserver.store.events import EDIT_FIELDS
from chatserver.timefmt import format_time, format_time_in
from chatserver.transcript import page_questions
from chatserver.validation import TITLE_MAX, query_cursor, query_int

TRANSCRIPT_PAGE = 1000
TRANSCRIPT_PAGE_BYTES = 2**20
ARCHIVE_PAGE = 30
HOME_LIST = 12
# Messages closer than this, from one author, read as one run in the transcript (as in the room).
GROUP_MS = 5 * 60 * 1000


# Pages load only their own scripts and styles (no inline script or style); user text is never markup.
def csp(frame_ancestors: str = "'none'") -> str:
    """The pages' Content-Security-Policy: our own scripts and styles only; framed only as allowed."""
    return (
        # blob: for a private item's files, fetched with the reader's credential (static/file-src.js).
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; "
        "connect-src 'self'; "
        f"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors {frame_ancestors}"
    )


def embed_ancestors(origins: tuple[str, ...] | None) -> str:
    """frame-ancestors for an event's embed page: any site when unset, else ours plus those listed."""
    if origins is None:
        return "*"
    return " ".join(["'self'", *origins])


_CSP = csp()

# The state badge's words; the namespace's state_labels has them in the reader's language.
STATE_LABELS = {SCHEDULED: N_("Not started"), OPEN: N_("Open"), CLOSED: N_("Closed")}

# System items' sentences by code: the store writes them in English (item.body, the contract's
# text); pages say them in the reader's language. Names are taken from the item, never translated.
_SYSTEM_SENTENCES = {
    "opened": N_("The event is open."),
    "closed": N_("The event is closed."),
    "joined": N_("{nickname} joined."),
    "banned": N_("{nickname} was removed by the host."),
    "renamed": N_("{previous} is now {nickname}."),
}
_NAMED_SUFFIX = {"joined": " joined.", "banned": " was removed by the host."}
_UPDATED = N_("The host changed {fields}.")
_EDITED_FIELDS = {
    "title": N_("the title"),
    "description": N_("the description"),
    "starts_at": N_("the start time"),
    "ends_at": N_("the end time"),
    "slow_mode": N_("slow mode"),
    "joins_locked": N_("who may join"),
    "transcript": N_("who may read the transcript"),
    "retention_days": N_("how long messages are kept"),
    "direct_messages": N_("who may write privately"),
    "qa": N_("whether questions are taken"),
    "qa_screening": N_("whether questions are screened"),
}
_BOTH_TIMES = N_("the start and end times")


def system_text(item: Item, language: Language) -> str:
    """A system item's sentence in a language; its English body when the language has no words
    for it (an unknown code, an untranslated sentence)."""
    template = _SYSTEM_SENTENCES.get(item.code or "")
    if item.code == "updated" and item.data and language.locale.translate(_UPDATED) != _UPDATED:
        changed = [name for name in EDIT_FIELDS if name in item.data.get("changes", {})]
        names = [language.translate(_EDITED_FIELDS[name]) for name in changed]
        if "starts_at" in changed and "ends_at" in changed:
            names[-2:] = [language.translate(_BOTH_TIMES)]
        if names:
            return language.translate(_UPDATED, {"fields": format_list(names, locale=language.code)})
    if template is None or language.locale.translate(template) == template:
        return item.body
    values = dict(item.data or {})
    suffix = _NAMED_SUFFIX.get(item.code or "")
    if suffix is not None:
        values["nickname"] = item.body.removesuffix(suffix)
    return language.translate(template, values)


def words(language: Language) -> Callable[..., str]:
    """The templates' `_`: Tornado's (message, plural_message, count), with {name} placeholders
    filled from keyword arguments: `_("It opens at {time}.", time=...)`; {count} for plurals."""

    def translate(message: str, plural_message: str | None = None, count: int | None = None, **values: object) -> str:
        if plural_message is not None and count is not None:
            return language.translate_plural(message, plural_message, count, values)
        return language.translate(message, values)

    return translate


def fill_in(text: str, **values: object) -> str:
    """The templates' `fill`: `fill(_("Starts at {when}"), when=...)`, escaped by {{ }} as a whole."""
    return fill(text, values)


def markup(message: str, **values: object) -> str:
    """A translated sentence with markup inside, for {% raw %}: the message's text escaped, its
    placeholders filled with the values as given (HTML the template built; it escapes user text)."""
    return fill(xhtml_escape(message), values)


# The language menu's cookie lives a year (as static/lang-menu.js sets it).
COOKIE_MAX_AGE = 365 * 24 * 3600
# What the menu's form sends along (where a page is: a later page, a search, the demo's room and
# options); nothing else, so that no key pasted into a query ends up in a page.
MENU_KEEPS = ("after", "before", "q", "in", "room")


def hue(name: str | None) -> int:
    """A stable 0–7 colour slot for a nickname: the same hash as hueOf in static/items.js."""
    h = 0
    for ch in name or "":
        h = (h * 31 + ord(ch)) & 0xFFFFFFFF
    return h % 8


@dataclass(slots=True)
class Line:
    """One transcript item and whether it continues the run of messages above it."""

    item: Item
    cont: bool


def transcript_lines(items: list[Item]) -> list[Line]:
    """Shown items (Store.shown_page) with consecutive messages from one author grouped."""
    lines: list[Line] = []
    prev: Item | None = None
    for item in items:
        cont = (
            prev is not None
            and item.kind == "message"
            and prev.kind == "message"
            and (prev.participant_id, prev.author) == (item.participant_id, item.author)
            and item.created_at - prev.created_at < GROUP_MS
        )
        lines.append(Line(item, cont))
        prev = item
    return lines


class PageHandler(Localized):
    """Renders templates; errors become an HTML page with the same wording as the API's."""

    services: Services
    # A page's ?locale= is the language menu without JavaScript: the choice is kept (the cookie).
    remembers_locale = True

    def initialize(self, services: Services) -> None:
        self.services = services

    def set_default_headers(self) -> None:
        # The words follow the reader's language choice: a shared cache must not mix them.
        self.set_header("Vary", "Accept-Language, Cookie")
        self.set_header("Content-Security-Policy", _CSP)
        self.set_header("X-Content-Type-Options", "nosniff")
        # Every page, and above all the host console: no address of ours leaks to other sites.
        self.set_header("Referrer-Policy", "no-referrer")

    def prepare(self) -> None:
        if self.services.closing:
            raise ShuttingDown()  # the store is closing: the page comes back with the next run
        self.remember_locale()

    def remember_locale(self) -> None:
        """Keep a language asked for with ?locale=<code> in the menu's cookie, for the next pages."""
        if not self.remembers_locale:
            return
        try:
            asked = self.get_query_argument("locale", None)
        except tornado.web.HTTPError:  # not UTF-8: no choice made
            return
        chosen = self.services.languages.match(asked)
        if chosen is not None:
            self.set_cookie(COOKIE, chosen.code, path="/", max_age=COOKIE_MAX_AGE, samesite="Lax")

    def client_key(self) -> str:
        """The key this request's per-address limits count under (as ApiHandler.client_key)."""
        return self.services.clients.key(self.request.remote_ip or "")

    def menu_query(self) -> list[tuple[str, str]]:
        """The page's query arguments that the menu's form sends along with its choice."""
        keeps = (*MENU_KEEPS, *EmbedDemoPage.OPTIONS)
        arguments = self.request.query_arguments
        pairs = [(name, arguments[name][0].decode("utf-8", "replace")[:500]) for name in keeps if name in arguments]
        # A pasted host link's key is never shown back (as on the demo page itself).
        return [(name, pasted_room(value) if name == "room" else value) for name, value in pairs]

    def get_template_namespace(self) -> dict[str, Any]:
        namespace = super().get_template_namespace()
        language = self.language
        namespace.update(
            iso=format_time,
            # A time as the reader's language writes it, in UTC (the scripts show it in their zone).
            plain=lambda ms: format_time_in(ms, language),
            now=self.services.store.clock(),
            hue=hue,
            state_labels={state: language.translate(label) for state, label in STATE_LABELS.items()},
            _=words(language),
            system_text=lambda item: system_text(item, language),
            embedded=False,
            series=None,  # the room as a series' page shows (/s/<slug>): the series and its past meetings
            past=(),
            # --public-url, for the scripts' absolute links; never the request's Host (anyone can send one).
            public_url=self.services.public_url,
            language=language,
            languages=LANGUAGES,
            catalog_url=catalog_url(language) if language.code != "en" else None,
            emoji_url=self.services.emojis.url(language.code),  # the picker's emoji, versioned
            max_upload=self.services.files.max_bytes,  # so a file too large is refused before it goes
            fill=fill_in,
            markup=markup,
            # A count and a share as the reader's language writes them (a poll's results).
            number=lambda n: format_decimal(n, locale=language.code),
            percent=lambda n: format_percent(n / 100, locale=language.code),
            menu_query=self.menu_query(),
        )
        return namespace

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        exc = kwargs.get("exc_info", (None, None, None))[1]
        translate = self.language.translate
        if isinstance(exc, ChatError):
            status_code, message = exc.status, exc.localized(translate)
            if isinstance(exc, ShuttingDown):
                self.set_header("Retry-After", str(exc.retry_after))
        elif status_code == 404:
            message = translate(N_("There is no page at this address."))
        else:
            message = translate(N_("Something went wrong on the server; it has been logged."))
        self.set_status(status_code)
        self.render("error.html", status=status_code, message=message)

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        if isinstance(value, ChatError) and value.status < 500:
            return
        super().log_exception(typ, value, tb)

    async def event_or_404(self, slug: str) -> Event:
        """The event of an event page; the page speaks its language when the reader states none.
        An event whose words retention erased answers 410 with a page saying when and why."""
        try:
            event = await self.services.store.get_event(slug)
        except NotFound:
            raise NotFound(N_("There is no event at this address. The link may be mistyped.")) from None
        self.fall_back_to(event.language)
        refuse_reading(event, self.services.store.clock())
        return event


HOSTS_ONLY_PAGE = N_("The host keeps this event's transcript for the hosts only; they read it in the host console.")


class HomePage(PageHandler):
    async def get(self) -> None:
        store = self.services.store
        # What closes, or starts, soonest on top.
        open_events, more_open = await store.soonest(OPEN, HOME_LIST)
        upcoming, more_upcoming = await store.soonest(SCHEDULED, HOME_LIST)
        self.render(
            "home.html",
            open_events=open_events,
            more_open=more_open,
            upcoming=upcoming,
            more_upcoming=more_upcoming,
        )


class RoomPage(PageHandler):
    async def get(self, slug: str) -> None:
        event = await self.event_or_404(slug)
        self.render("room.html", event=event, state=event.state(self.services.store.clock()))


class EmbedPage(PageHandler):
    """/e/<slug>/embed: the room without the site around it, for the chat bar's iframe."""

    # Its ?locale= is the embedding site's choice (data-locale), not the reader's: not kept.
    remembers_locale = False

    async def get(self, slug: str) -> None:
        event = await self.event_or_404(slug)
        # Only the sites the host allowed may frame it (CSP frame-ancestors, enforced by browsers).
        self.set_header("Content-Security-Policy", csp(embed_ancestors(event.embed_origins)))
        self.render("room.html", event=event, state=event.state(self.services.store.clock()), embedded=True)


# A host link adds the key after '#' (maybe percent-encoded) or in a query, and /host after the room.
_KEY_PART = re.compile(r"#|%23|\?", re.IGNORECASE)
_HOST_PART = re.compile(r"(/e/[^/]*)/host\b.*", re.DOTALL)


def pasted_room(text: str) -> str:
    """A pasted slug or room link without what a host link adds: its key is never used nor shown back."""
    return _HOST_PART.sub(r"\1", _KEY_PART.split(text, maxsplit=1)[0])


class EmbedDemoPage(PageHandler):
    """/demo/embed: the chat bar on a mock web app, to try it (and its options) before pasting it."""

    OPTIONS = ("position", "accent", "label", "open", "nickname")

    async def get(self) -> None:
        # A pasted room link (…/e/<slug>, …/e/<slug>/host#…) works as well as the slug itself.
        # (static/demo.js cuts a host link down to the slug before the form is sent; this is for the rest.)
        asked = pasted_room(self.get_query_argument("room", "").strip())
        slug = asked.rstrip("/")
        if "/e/" in slug:
            slug = slug.rsplit("/e/", 1)[1].split("/")[0]
        event, problem = None, None
        if slug:
            try:
                event = await self.services.store.get_event(slug[:64])
            except NotFound:
                problem = self.language.translate(N_("There is no event with that link or slug."))
                self.set_status(404)
        store = self.services.store
        open_events, _ = await store.soonest(OPEN, HOME_LIST)
        upcoming, _ = await store.soonest(SCHEDULED, HOME_LIST)
        options = {name: self.get_query_argument(name, "").strip()[:100] for name in self.OPTIONS}
        self.render(
            "demo_embed.html",
            event=event,
            problem=problem,
            asked=asked,
            choices=open_events + upcoming,
            options=options,
        )


class HostPage(PageHandler):
    async def get(self, slug: str) -> None:
        event = await self.event_or_404(slug)
        # The key never reaches us (it is in the fragment), but the page is private in spirit.
        self.set_header("Cache-Control", "no-store")
        self.render("host.html", event=event, state=event.state(self.services.store.clock()))


class TranscriptPage(PageHandler):
    async def get(self, slug: str) -> None:
        event = await self.event_or_404(slug)
        store = self.services.store
        if event.transcript == HOSTS and event.state(store.clock()) == CLOSED:
            # A page cannot carry the key (it is never sent in a URL): the host reads it in the console.
            raise Forbidden(HOSTS_ONLY_PAGE)
        after = query_cursor(self.get_query_argument("after", None))
        items, more = await store.shown_page(event.id, after, TRANSCRIPT_PAGE)
        items, cut = fit(items, TRANSCRIPT_PAGE_BYTES)  # a page of the longest messages stays small
        more = more or cut
        # The search box without JavaScript: its results above the page (page-search.js: as one types).
        query = (self.get_query_argument("q", "") or "").strip()
        found = None
        if query:
            on_page = {item.id for item in items}
            found = await search_event(self.services, self.client_key(), event, query, on_page, self.language)
        # After the chat, on its last page: the questions everyone saw.
        questions, more_questions = await page_questions(store, event) if not more else ([], False)
        now = store.clock()
        shown = [transcript.shown_poll(poll, event, now) for poll in await store.polls_of(event)]
        polls_before, polls_after = transcript.polls_between(shown, [item.id for item in items], after, not more)
        self.render(
            "transcript.html",
            event=event,
            state=event.state(store.clock()),
            lines=transcript_lines(items),
            polls_before=polls_before,
            polls_after=polls_after,
            after=after,
            next_after=items[-1].id if more else None,
            query=query,
            found=found,
            quotes=await reply_quotes(self.services, event, items),
            chips=lambda item: reaction_chips(item, self.language),
            edited=edited_at,
            files_of=lambda item: shown_files(item, self.language),
            preview_of=shown_preview,
            questions=questions,
            more_questions=more_questions,
        )


class ArchivePage(PageHandler):
    async def get(self) -> None:
        before_arg = self.get_query_argument("before", None)
        before = query_int(before_arg, "before", 0, 1, 2**62) if before_arg else None
        asked = (self.get_query_argument("q", "") or "").strip()
        # Two searches: event titles (the list below, filtered), or the messages of every listed event.
        messages = self.get_query_argument("in", "") == "messages"
        query = "" if messages else asked[:TITLE_MAX]
        found = (
            await search_site(self.services, self.client_key(), asked, self.language) if messages and asked else None
        )
        store = self.services.store
        events: list[Event] = []
        next_cursor: int | None = None
        if found is None:  # the messages found take the list's place
            # A series shows once, where its newest meeting would, with its meetings under it.
            events, next_cursor = await store.list_events(
                CLOSED, ARCHIVE_PAGE, before, query or None, one_per_series=True
            )
        groups = await store.series_pasts(sorted({e.series for e in events if e.series is not None}))
        self.render(
            "archive.html",
            events=events,
            groups=groups,
            next_cursor=next_cursor,
            query=query,
            before=before,
            messages=messages,
            asked=asked,
            found=found,
        )


class NotFoundPage(PageHandler):
    def prepare(self) -> None:
        raise tornado.web.HTTPError(404)


def catalog_url(language: Language) -> str:
    """The front end's catalog for a language, named by its version: cached for good."""
    return f"/i18n/{language.code}.json?v={language.version}"


class CatalogHandler(Localized):
    """GET /i18n/<code>.json: the front end's words in one language (static/i18n.js reads it)."""

    def initialize(self, services: Services) -> None:
        self.services = services

    def get(self, code: str) -> None:
        language = self.services.languages.by_code.get(code)
        if language is None:
            self.set_status(404)
            self.set_header("Content-Type", "application/json; charset=utf-8")
            message = self.language.translate(N_("There is no catalog for that language."))
            self.finish(error_body("not_found", message))
            return
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Access-Control-Allow-Origin", "*")  # public words; a worker may fetch them
        if self.get_query_argument("v", None) == language.version:
            self.set_header("Cache-Control", "public, max-age=31536000, immutable")
        else:
            self.set_header("Cache-Control", "no-cache")
        self.finish(language.catalog)
