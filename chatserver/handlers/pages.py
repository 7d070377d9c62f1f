"""Server-rendered pages: home, room, transcript, host console, archive, and the HTML 404."""

from __future__ import annotations

from typing import Any

import tornado.web

from chatserver.errors import ChatError, NotFound
from chatserver.handlers.base import Services
from chatserver.models import CLOSED, OPEN, SCHEDULED, Event
from chatserver.timefmt import format_time, format_time_plain
from chatserver.validation import TITLE_MAX, query_cursor, query_int

TRANSCRIPT_PAGE = 1000
ARCHIVE_PAGE = 30

# Pages load only their own scripts and styles; user text is never markup.
_CSP = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


class PageHandler(tornado.web.RequestHandler):
    """Renders templates; errors become an HTML page with the same wording as the API's."""

    services: Services

    def initialize(self, services: Services) -> None:
        self.services = services

    def set_default_headers(self) -> None:
        self.set_header("Content-Security-Policy", _CSP)
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Referrer-Policy", "no-referrer")

    def get_template_namespace(self) -> dict[str, Any]:
        namespace = super().get_template_namespace()
        namespace.update(iso=format_time, plain=format_time_plain, now=self.services.store.clock())
        return namespace

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        exc = kwargs.get("exc_info", (None, None, None))[1]
        if isinstance(exc, ChatError):
            status_code, message = exc.status, exc.message
        elif status_code == 404:
            message = "There is no page at this address."
        else:
            message = "Something went wrong on the server; it has been logged."
        self.set_status(status_code)
        self.render("error.html", status=status_code, message=message)

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        if isinstance(value, ChatError) and value.status < 500:
            return
        super().log_exception(typ, value, tb)

    async def event_or_404(self, slug: str) -> Event:
        try:
            return await self.services.store.get_event(slug)
        except NotFound:
            raise NotFound("There is no event at this address. The link may be mistyped.") from None


class HomePage(PageHandler):
    async def get(self) -> None:
        store = self.services.store
        open_events, _ = await store.list_events(OPEN, 20, None)
        upcoming, _ = await store.list_events(SCHEDULED, 20, None)
        self.render("home.html", open_events=open_events, upcoming=upcoming)


class RoomPage(PageHandler):
    async def get(self, slug: str) -> None:
        event = await self.event_or_404(slug)
        self.render("room.html", event=event, state=event.state(self.services.store.clock()))


class HostPage(PageHandler):
    async def get(self, slug: str) -> None:
        event = await self.event_or_404(slug)
        self.render("host.html", event=event, state=event.state(self.services.store.clock()))


class TranscriptPage(PageHandler):
    async def get(self, slug: str) -> None:
        event = await self.event_or_404(slug)
        after = query_cursor(self.get_query_argument("after", None))
        store = self.services.store
        items, more = await store.items_after(event.id, after, TRANSCRIPT_PAGE)
        self.render(
            "transcript.html", event=event, state=event.state(store.clock()),
            items=[i for i in items if i.kind != "retraction" and not i.retracted],
            next_after=items[-1].id if more else None,
        )


class ArchivePage(PageHandler):
    async def get(self) -> None:
        before_arg = self.get_query_argument("before", None)
        before = query_int(before_arg, "before", 0, 1, 2**62) if before_arg else None
        query = (self.get_query_argument("q", "") or "").strip()[:TITLE_MAX]
        events, next_cursor = await self.services.store.list_events(CLOSED, ARCHIVE_PAGE, before, query or None)
        self.render("archive.html", events=events, next_cursor=next_cursor, query=query)


class NotFoundPage(PageHandler):
    def prepare(self) -> None:
        raise tornado.web.HTTPError(404)
