"""make_app: the routes, wired to the objects they use. No module-level state."""

from __future__ import annotations

import logging
import re
from typing import Any

import tornado.web

from chatserver import resources
from chatserver.access_log import RedactSecrets, log_request
from chatserver.broadcast import Broadcast
from chatserver.broker import Broker
from chatserver.calls import DEFAULT_RING_S, Calls
from chatserver.clients import DEFAULT_IPV6_PREFIX, ClientKeys
from chatserver.errors import N_
from chatserver.file_settings import UPLOAD_LIMIT_WINDOW_S, FileSettings
from chatserver.handlers.admin import (
    OperatorAuditHandler,
    OperatorCloseHandler,
    OperatorEraseHandler,
    OperatorEventHandler,
    OperatorEventsHandler,
    OperatorHandler,
    OperatorSeriesCloseHandler,
    OperatorSeriesEraseHandler,
    OperatorSeriesHandler,
    OperatorSeriesListHandler,
    OperatorStatsHandler,
)
from chatserver.handlers.admin_page import AdminPage
from chatserver.handlers.base import ApiNotFound, error_body, http_code, reader_language
from chatserver.handlers.calendar import CalendarHandler, SeriesCalendarHandler
from chatserver.handlers.calls import CallConfigHandler, SignalsHandler
from chatserver.handlers.conversation import (
    MessageHandler,
    ReactionHandler,
    SearchHandler,
    SiteSearchHandler,
    TypingHandler,
)
from chatserver.handlers.emoji import EmojiCatalogHandler
from chatserver.handlers.events import (
    CloseHandler,
    EventHandler,
    EventsHandler,
    HostCheckHandler,
)
from chatserver.handlers.files import FileHandler, UploadHandler
from chatserver.handlers.identity import IdentitySecretHandler, SeriesIdentitySecretHandler
from chatserver.handlers.inbox import NoticesHandler, ThreadHandler
from chatserver.handlers.metrics import MetricsHandler
from chatserver.handlers.moderation import (
    ActionsHandler,
    HeldApproveHandler,
    HeldHandler,
    HeldRejectHandler,
    ModeratorHandler,
    ModeratorsHandler,
    MuteHandler,
    RedactionsHandler,
)
from chatserver.handlers.openapi import OpenApiHandler
from chatserver.handlers.pages import (
    ArchivePage,
    CatalogHandler,
    EmbedDemoPage,
    EmbedPage,
    HomePage,
    HostPage,
    NotFoundPage,
    RoomPage,
    TranscriptPage,
)
from chatserver.handlers.participants import BanHandler, ParticipantHandler, ParticipantsHandler
from chatserver.handlers.polls import PollCloseHandler, PollHandler, PollsHandler, PollVoteHandler
from chatserver.handlers.qa import QuestionHandler, QuestionsHandler, QuestionVoteHandler
from chatserver.handlers.series import SeriesCollectionHandler, SeriesEndHandler, SeriesHandler, SeriesHostCheckHandler
from chatserver.handlers.series_pages import SeriesEmbedPage, SeriesHostPage, SeriesPage
from chatserver.handlers.services import Services
from chatserver.handlers.sse import EventStreamHandler
from chatserver.handlers.stream import (
    AnnouncementsHandler,
    MessagesHandler,
    ReadsHandler,
)
from chatserver.handlers.transcripts import TranscriptHandler
from chatserver.ice import IceSettings
from chatserver.limits import Limit, SlidingWindow
from chatserver.presence import Presence
from chatserver.preview_jobs import PreviewJobs
from chatserver.previews.service import LinkPreviews
from chatserver.store import Store

DEFAULT_MAX_WAIT = 55.0
DEFAULT_RATE_LIMIT = 20
DEFAULT_MAX_BODY = 64 * 1024
# Per client address: events scheduled per hour, joins per minute. Generous, since one address may
# be a whole office behind NAT; they stop scripts that fill a room or the home page.
DEFAULT_EVENT_LIMIT = 60
DEFAULT_JOIN_LIMIT = 120
# Per participant: nickname changes per ten minutes. Each one is an item everyone sees.
DEFAULT_RENAME_LIMIT = 3
POST_LIMIT_WINDOW_S = 10.0
EVENT_LIMIT_WINDOW_S = 3600.0
JOIN_LIMIT_WINDOW_S = 60.0
RENAME_LIMIT_WINDOW_S = 600.0
# Sendings of notices per event and window: a host's backend telling users of an incident sends a
# few; a leaked host key cannot turn the event into a mass mailer.
NOTICE_LIMIT = 10
NOTICE_LIMIT_WINDOW_S = 60.0
# Reactions per participant and window: a person clicking through the picker stays well within it.
REACTION_LIMIT = 30
REACTION_LIMIT_WINDOW_S = 10.0
# Votes (on questions and in polls) per participant and window: each changes a count; a person
# clicking through a list of questions stays well within it.
VOTE_LIMIT = 60
VOTE_LIMIT_WINDOW_S = 10.0
# Typing signals per participant and window: a client sends one every 3 s while its person types.
TYPING_LIMIT = 15
TYPING_LIMIT_WINDOW_S = 30.0
# Call signals per sender and window: a call's ICE candidates come in bursts of a few dozen.
SIGNAL_LIMIT = 120
SIGNAL_LIMIT_WINDOW_S = 10.0
# Searches per client address and window: each reads the index; a person searches a few a minute.
SEARCH_LIMIT = 30
SEARCH_LIMIT_WINDOW_S = 10.0

_SLUG = r"([^/]+)"
WIDGET = "widget.js"  # the chat bar's script, which other sites include by its unversioned URL


# A control character, raw or percent-encoded (the router sees the encoded path): no static file's
# name has one, and a NUL would reach the file system (os.stat raises). Slugs are checked by
# Store.get_event before any database sees them.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]|%(?:[01][0-9a-f]|7f)", re.IGNORECASE)

_FILE_MESSAGES = {
    400: N_("The address is malformed (it is not valid UTF-8, or a parameter is not)."),
    404: N_("There is no such file."),
    405: N_("This method is not allowed on a file; use GET."),
}


class StaticFiles(tornado.web.StaticFileHandler):
    """Static files with the same no-sniffing rule as the pages (a script is only ever a script)."""

    def set_default_headers(self) -> None:
        self.set_header("X-Content-Type-Options", "nosniff")

    async def get(self, path: str, include_body: bool = True) -> None:
        """The file; a name with a control character, outside the root or of a directory is a 404."""
        if _CONTROL.search(path):
            raise tornado.web.HTTPError(404)
        try:
            await super().get(path, include_body)
        except tornado.web.HTTPError as exc:
            # Tornado says 403 (and logs a warning) for ../ or a directory: to a client, no such file.
            if exc.status_code == 403:
                raise tornado.web.HTTPError(404) from None
            raise

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """The API's JSON error, so that every refusal outside the pages reads alike (and is short)."""
        services: Services = self.settings["services"]
        message = reader_language(self, services.languages).translate(
            _FILE_MESSAGES.get(status_code, N_("The file could not be served."))
        )
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(error_body(http_code(status_code), message))

    def get_content_type(self) -> str:
        """The guessed type, with charset=utf-8 for text (a host page's own encoding must not apply)."""
        kind = super().get_content_type()
        if kind.startswith("text/") or kind in ("application/javascript", "application/json", "image/svg+xml"):
            return kind + "; charset=utf-8"
        return kind

    def set_extra_headers(self, path: str) -> None:
        # (Only whether a version is there: junk in it, such as invalid UTF-8, must not refuse the file.)
        versioned = "v" in self.request.query_arguments
        if path == WIDGET:
            # Other sites load it by its plain URL: a short cache, and usable by pages that need CORP.
            if not versioned:
                self.set_header("Cache-Control", "public, max-age=300")
            self.set_header("Cross-Origin-Resource-Policy", "cross-origin")
        elif not versioned:
            # A module imported by another (`import "./x.js"`) has no ?v=: the browser asks again on
            # every load (a 304 by the ETag while unchanged), so a release reaches it at once.
            self.set_header("Cache-Control", "no-cache")


class ServiceWorkerFile(StaticFiles):
    """/sw.js: the service worker, served from the root so that it may control /e/<slug> pages."""

    def set_default_headers(self) -> None:
        super().set_default_headers()
        self.set_header("Service-Worker-Allowed", "/")

    def set_extra_headers(self, path: str) -> None:
        self.set_header("Cache-Control", "no-cache")  # a new release must reach browsers at once


def make_app(
    store: Store,
    broker: Broker,
    *,
    max_wait: float = DEFAULT_MAX_WAIT,
    rate_limit: int = DEFAULT_RATE_LIMIT,
    max_body: int = DEFAULT_MAX_BODY,
    event_limit: int = DEFAULT_EVENT_LIMIT,
    join_limit: int = DEFAULT_JOIN_LIMIT,
    rename_limit: int = DEFAULT_RENAME_LIMIT,
    notice_limit: int = NOTICE_LIMIT,
    reaction_limit: int = REACTION_LIMIT,
    vote_limit: int = VOTE_LIMIT,
    search_limit: int = SEARCH_LIMIT,
    signal_limit: int = SIGNAL_LIMIT,
    ring_timeout: int = DEFAULT_RING_S,
    ice: IceSettings | None = None,
    presence: Presence | None = None,
    public_url: str | None = None,
    ipv6_prefix: int = DEFAULT_IPV6_PREFIX,
    files: FileSettings | None = None,
    previews: LinkPreviews | None = None,
    **settings: Any,
) -> tornado.web.Application:
    """Build the Tornado application around a Store and a Broker."""
    files = files or FileSettings()
    store.on_item(broker.publish)  # wake held polls after every committed append
    store.on_reads(broker.publish_reads)  # and, coalesced, those that asked for read receipts
    store.on_typing(broker.typing)  # somebody typing, here or in another process: never stored
    services = Services(
        store=store,
        broker=broker,
        presence=presence or Presence(share=store.record_presence if store.multiprocess else None),
        limiter=Limit(
            "post", rate_limit, POST_LIMIT_WINDOW_S, N_("Too many messages; try again in {seconds} s."), store
        ),
        event_limiter=Limit(
            "event",
            event_limit,
            EVENT_LIMIT_WINDOW_S,
            N_("Too many new events from your address; try again in {seconds} s."),
            store,
        ),
        join_limiter=Limit(
            "join",
            join_limit,
            JOIN_LIMIT_WINDOW_S,
            N_("Too many joins from your address; try again in {seconds} s."),
            store,
        ),
        rename_limiter=Limit(
            "rename",
            rename_limit,
            RENAME_LIMIT_WINDOW_S,
            N_("Too many nickname changes; try again in {seconds} s."),
            store,
        ),
        reaction_limiter=Limit(
            "react",
            reaction_limit,
            REACTION_LIMIT_WINDOW_S,
            N_("Too many reactions; try again in {seconds} s."),
            store,
        ),
        vote_limiter=Limit(
            "vote",
            vote_limit,
            VOTE_LIMIT_WINDOW_S,
            N_("Too many votes; try again in {seconds} s."),
            store,
        ),
        # Counted in this process's memory even with several processes: typing is never stored.
        typing_limiter=SlidingWindow(
            TYPING_LIMIT, TYPING_LIMIT_WINDOW_S, message=N_("Too many typing signals; try again in {seconds} s.")
        ),
        # Counted in this process's memory even with several processes: signals are never stored.
        calls=Calls(store, broker, ring_s=ring_timeout),
        signal_limiter=SlidingWindow(
            signal_limit, SIGNAL_LIMIT_WINDOW_S, message=N_("Too many call signals; try again in {seconds} s.")
        ),
        ice=ice or IceSettings(),
        search_limiter=SlidingWindow(
            search_limit, SEARCH_LIMIT_WINDOW_S, message=N_("Too many searches; try again in {seconds} s.")
        ),
        notice_limiter=Limit(
            "notice",
            notice_limit,
            NOTICE_LIMIT_WINDOW_S,
            N_("Too many notices from this event; try again in {seconds} s."),
            store,
        ),
        upload_limiter=Limit(
            "upload",
            files.upload_limit,
            UPLOAD_LIMIT_WINDOW_S,
            N_("Too many files sent; try again in {seconds} s."),
            store,
        ),
        files=files,
        max_wait=max_wait,
        max_body=max_body,
        public_url=public_url,
        clients=ClientKeys(ipv6_prefix),
    )
    if previews is not None:
        services.previews = PreviewJobs(store, previews, files)
    broker.fanout = Broadcast(store, services.answers, services.presence)  # SSE streams level with a commit
    for name in ("tornado.general", "tornado.application"):  # once per process, however many apps
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecrets) for f in logger.filters):
            logger.addFilter(RedactSecrets())
    deps = {"services": services}
    routes: list[tuple[str, type[tornado.web.RequestHandler], dict[str, Any]]] = [
        # The stream's routes first: they take nearly every request, so they are matched first.
        (rf"/api/events/{_SLUG}/messages", MessagesHandler, deps),
        (rf"/api/events/{_SLUG}/stream", EventStreamHandler, deps),
        (r"/api/events", EventsHandler, deps),
        (rf"/api/events/{_SLUG}", EventHandler, deps),
        (rf"/api/events/{_SLUG}/close", CloseHandler, deps),
        (rf"/api/events/{_SLUG}/host", HostCheckHandler, deps),
        (rf"/api/events/{_SLUG}/participants", ParticipantsHandler, deps),
        (rf"/api/events/{_SLUG}/participants/{_SLUG}", ParticipantHandler, deps),
        (rf"/api/events/{_SLUG}/participants/{_SLUG}/ban", BanHandler, deps),
        (rf"/api/events/{_SLUG}/participants/{_SLUG}/mute", MuteHandler, deps),
        (rf"/api/events/{_SLUG}/moderators", ModeratorsHandler, deps),
        (rf"/api/events/{_SLUG}/moderators/{_SLUG}", ModeratorHandler, deps),
        (rf"/api/events/{_SLUG}/redactions", RedactionsHandler, deps),
        (rf"/api/events/{_SLUG}/actions", ActionsHandler, deps),
        (rf"/api/events/{_SLUG}/held", HeldHandler, deps),
        (rf"/api/events/{_SLUG}/held/{_SLUG}", HeldRejectHandler, deps),
        (rf"/api/events/{_SLUG}/held/{_SLUG}/approve", HeldApproveHandler, deps),
        (rf"/api/events/{_SLUG}/messages/{_SLUG}", MessageHandler, deps),
        (rf"/api/events/{_SLUG}/messages/{_SLUG}/reactions/{_SLUG}", ReactionHandler, deps),
        (rf"/api/events/{_SLUG}/typing", TypingHandler, deps),
        (rf"/api/events/{_SLUG}/calls/config", CallConfigHandler, deps),
        (rf"/api/events/{_SLUG}/calls/signals", SignalsHandler, deps),
        (rf"/api/events/{_SLUG}/questions", QuestionsHandler, deps),
        (rf"/api/events/{_SLUG}/questions/{_SLUG}", QuestionHandler, deps),
        (rf"/api/events/{_SLUG}/questions/{_SLUG}/vote", QuestionVoteHandler, deps),
        (rf"/api/events/{_SLUG}/polls", PollsHandler, deps),
        (rf"/api/events/{_SLUG}/polls/{_SLUG}", PollHandler, deps),
        (rf"/api/events/{_SLUG}/polls/{_SLUG}/vote", PollVoteHandler, deps),
        (rf"/api/events/{_SLUG}/polls/{_SLUG}/close", PollCloseHandler, deps),
        (rf"/api/events/{_SLUG}/search", SearchHandler, deps),
        (rf"/api/events/{_SLUG}/files", UploadHandler, deps),
        (rf"/api/events/{_SLUG}/announcements", AnnouncementsHandler, deps),
        (rf"/api/events/{_SLUG}/reads", ReadsHandler, deps),
        (rf"/api/events/{_SLUG}/identity-secret", IdentitySecretHandler, deps),
        (rf"/api/events/{_SLUG}/notices", NoticesHandler, deps),
        (rf"/api/events/{_SLUG}/threads/{_SLUG}", ThreadHandler, deps),
        (rf"/api/series/{_SLUG}/identity-secret", SeriesIdentitySecretHandler, deps),
        (r"/api/search", SiteSearchHandler, deps),
        (r"/api/series", SeriesCollectionHandler, deps),
        (rf"/api/series/{_SLUG}", SeriesHandler, deps),
        (rf"/api/series/{_SLUG}/end", SeriesEndHandler, deps),
        (rf"/api/series/{_SLUG}/host", SeriesHostCheckHandler, deps),
        (r"/api/admin", OperatorHandler, deps),
        (r"/api/admin/stats", OperatorStatsHandler, deps),
        (r"/api/admin/events", OperatorEventsHandler, deps),
        (rf"/api/admin/events/{_SLUG}", OperatorEventHandler, deps),
        (rf"/api/admin/events/{_SLUG}/close", OperatorCloseHandler, deps),
        (rf"/api/admin/events/{_SLUG}/erase", OperatorEraseHandler, deps),
        (r"/api/admin/series", OperatorSeriesListHandler, deps),
        (rf"/api/admin/series/{_SLUG}", OperatorSeriesHandler, deps),
        (rf"/api/admin/series/{_SLUG}/close", OperatorSeriesCloseHandler, deps),
        (rf"/api/admin/series/{_SLUG}/erase", OperatorSeriesEraseHandler, deps),
        (r"/api/admin/audit", OperatorAuditHandler, deps),
        (r"/api/openapi\.json", OpenApiHandler, deps),
        (r"/api/.*", ApiNotFound, deps),
        (r"/metrics", MetricsHandler, deps),
        (r"/files/([A-Za-z0-9_-]{16,64})/(thumb/)?([^/]+)", FileHandler, deps),
        (r"/(sw\.js)", ServiceWorkerFile, {"path": resources.static_path()}),
        (r"/emoji/([A-Za-z_]+)\.json", EmojiCatalogHandler, deps),
        (rf"/e/{_SLUG}/transcript\.(txt|json)", TranscriptHandler, deps),
        (rf"/e/{_SLUG}\.ics", CalendarHandler, deps),  # before the room's /e/<slug>, which would take it
        (rf"/s/{_SLUG}\.ics", SeriesCalendarHandler, deps),
        (r"/", HomePage, deps),
        (r"/archive", ArchivePage, deps),
        (r"/admin", AdminPage, deps),
        (rf"/e/{_SLUG}", RoomPage, deps),
        (rf"/e/{_SLUG}/transcript", TranscriptPage, deps),
        (rf"/e/{_SLUG}/host", HostPage, deps),
        (rf"/e/{_SLUG}/embed", EmbedPage, deps),
        (rf"/s/{_SLUG}", SeriesPage, deps),
        (rf"/s/{_SLUG}/host", SeriesHostPage, deps),
        (rf"/s/{_SLUG}/embed", SeriesEmbedPage, deps),
        (r"/demo/embed", EmbedDemoPage, deps),
        (r"/i18n/([A-Za-z_]{2,12})\.json", CatalogHandler, deps),
    ]
    app_settings: dict[str, Any] = {
        "template_path": resources.template_path(),
        "static_path": resources.static_path(),
        "static_handler_class": StaticFiles,
        "default_handler_class": NotFoundPage,
        "default_handler_args": deps,
        "serve_traceback": False,
        "compress_response": False,
        "log_function": log_request,
        "services": services,  # for the server's shutdown and for tests
    }
    app_settings.update(settings)
    return tornado.web.Application(routes, **app_settings)
