"""The handler bases: JSON in and out, bearer credentials, and the one write_error of the API."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable
from http import HTTPStatus
from types import TracebackType
from typing import Any, NoReturn

import tornado.locale
import tornado.web

from chatserver import credentials
from chatserver.errors import (
    N_,
    ChatError,
    Forbidden,
    Muted,
    NotFound,
    PayloadTooLarge,
    RateLimited,
    ShuttingDown,
    StorageUnavailable,
    Unauthorized,
    UnsupportedMediaType,
)
from chatserver.handlers.services import Services
from chatserver.i18n import COOKIE, Language, Languages
from chatserver.models import HOST, PUBLIC_VIEW, Event, Participant, Viewer
from chatserver.readers import Staff, require_readable, staff_of
from chatserver.series import Series
from chatserver.store import Store
from chatserver.timefmt import format_time, now_ms
from chatserver.validation import parse_json_object

log = logging.getLogger("chatserver.api")
SERVER_FAILED = N_("Something went wrong on the server; it has been logged. Try again.")
BODY_TOO_LARGE = N_("The request body is larger than {limit} bytes.")

# Codes for the errors Tornado raises itself (unknown method, malformed request line, ...).
HTTP_CODES = {
    400: "invalid_request",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
}


def http_code(status: int) -> str:
    """The error code for a status that no ChatError chose."""
    return HTTP_CODES.get(status, "http_error" if status < 500 else "internal_error")


def error_body(code: str, message: str) -> str:
    """API.md's error object, with the server's clock as every JSON answer carries it."""
    return json.dumps(
        {"error": {"code": code, "message": message}, "server_time": format_time(now_ms())},
        ensure_ascii=False,
        separators=(",", ":"),
    )


def bearer(authorization: str) -> str | None:
    """The credential of an `Authorization: Bearer <token>` header's value, or None."""
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def path_number(value: str, missing: str) -> int:
    """An id from the path: anything but up to 18 ASCII digits names nothing (404 with `missing`,
    a template with {id})."""
    if not (value.isascii() and value.isdigit()) or len(value) > 18:
        raise NotFound(missing, id=value)
    return int(value)


WRONG_HOST_KEY = N_("A missing or wrong host key: use the key from the host link.")


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def reader_language(handler: tornado.web.RequestHandler, languages: Languages, fallback: str | None = None) -> Language:
    """The language a request asks for: a `locale` query argument or the menu's cookie, else
    Accept-Language, else `fallback` (an event's language), else English."""
    try:
        chosen = handler.get_query_argument("locale", None) or handler.get_cookie(COOKIE)
    except tornado.web.HTTPError:  # a query that is not UTF-8: no choice made
        chosen = None
    return languages.negotiate(chosen, handler.request.headers.get("Accept-Language"), fallback)


class Localized(tornado.web.RequestHandler):
    """A handler that answers in the reader's language (see reader_language), chosen when first
    needed (tornado.locale's hook, with our catalogs)."""

    services: Services
    _language: Language | None = None
    _fallback: str | None = None

    def get_user_locale(self) -> tornado.locale.Locale:
        return self.language.locale

    @property
    def language(self) -> Language:
        if self._language is None:
            self._language = reader_language(self, self.services.languages, self._fallback)
        return self._language

    def fall_back_to(self, code: str | None) -> None:
        """Use this language (an event's) when the reader states none we speak; chosen anew."""
        self._fallback = code
        self._language = None
        self.__dict__.pop("_locale", None)  # Tornado's cache of get_user_locale(), if it was asked


@tornado.web.stream_request_body
class ApiHandler(Localized):
    """JSON API handler: bodies are streamed in so an oversized one gets a JSON 413, not a reset."""

    services: Services

    def initialize(self, services: Services) -> None:
        self.services = services
        self._body = bytearray()
        self._body_too_large = False

    def set_default_headers(self) -> None:
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")

    def prepare(self) -> Awaitable[None] | None:
        if self.services.closing:
            # The store is closing: a new poll, stream or request is told to come back (to the
            # server's next run) rather than answered from a database that is going away.
            raise ShuttingDown()
        self.services.request_started()
        self._counted = True
        headers = self.request.headers
        length = headers.get("Content-Length")
        if length is not None and length.isdigit() and int(length) > self.body_limit:
            raise self.body_too_large()
        has_body = (length is not None and length != "0") or "Transfer-Encoding" in headers
        content_type = headers.get("Content-Type", "")
        if has_body and self.request.method not in ("GET", "HEAD") and not self.accepts_type(content_type):
            # A cross-site <form> can only send urlencoded, multipart or text/plain bodies; refusing
            # them means no page elsewhere can make a browser post here. (An empty body carries
            # nothing, so a client library's default type on a bare POST /close does no harm.)
            if content_type:
                raise UnsupportedMediaType(
                    N_("Send the request body as JSON with Content-Type: application/json, not {content_type}."),
                    content_type=content_type,
                )
            raise UnsupportedMediaType()  # no type at all: the plain advice
        return None

    def accepts_type(self, content_type: str) -> bool:
        """Whether a request body of this type is taken (JSON; an upload takes multipart)."""
        return is_json_type(content_type)

    def on_finish(self) -> None:
        if getattr(self, "_counted", False):
            self._counted = False
            self.services.request_finished()

    def on_connection_close(self) -> None:
        # A client gone before the answer (or cut off mid-body by the body timeout) never reaches
        # on_finish: stop counting it here, or a graceful stop would wait for it in vain.
        self.on_finish()
        super().on_connection_close()  # ends a body still being read, so no handler waits for it

    def data_received(self, chunk: bytes) -> None:
        if len(self._body) + len(chunk) > self.body_limit:
            self._body_too_large = True
            self._body.clear()
        elif not self._body_too_large:
            self._body.extend(chunk)

    @property
    def body_limit(self) -> int:
        """The most bytes of request body this handler takes."""
        return self.services.max_body

    def body_too_large(self) -> ChatError:
        """The refusal of a body over body_limit."""
        return PayloadTooLarge(BODY_TOO_LARGE, limit=self.body_limit)

    def client_key(self) -> str:
        """The key this request's per-address limits count under (an IPv6 /64, an IPv4 address)."""
        return self.services.clients.key(self.request.remote_ip or "")

    @property
    def store(self) -> Store:
        return self.services.store

    def json_body(self) -> dict[str, Any]:
        """The request body as a JSON object (prepare() has checked that it was sent as JSON)."""
        if self._body_too_large:
            raise self.body_too_large()
        return parse_json_object(bytes(self._body))

    def optional_json_body(self) -> dict[str, Any]:
        """The JSON object, or {} when the request has no body (a bare POST, as version 1 sends it)."""
        return self.json_body() if self._body or self._body_too_large else {}

    def bearer_token(self) -> str | None:
        """The credential from `Authorization: Bearer <token>`, never from the URL."""
        return bearer(self.request.headers.get("Authorization", ""))

    async def require_participant(self, event: Event, refusal: str) -> Participant:
        """The participant of this event whose token the request carries, or 401 with the refusal
        (a message saying why the token is needed)."""
        token = self.bearer_token()
        participant = await self.store.participant_by_token(event.id, token) if token else None
        if participant is None:
            raise Unauthorized(refusal)
        return participant

    async def require_host(self, event: Event | Series) -> None:
        """Refuse unless the request carries this event's (or series') host key; an occurrence's is its series'."""
        key = self.bearer_token()
        if key is None or not credentials.secret_matches(key, event.host_key_hash):
            await self.refuse_staff(WRONG_HOST_KEY)

    async def refuse_staff(self, message: str) -> NoReturn:
        """403 with the message; for an operator's key, say that it manages the server, not an event."""
        key = self.bearer_token()
        if key is not None and await self.store.operator_by_key(key) is not None:
            raise Forbidden(
                N_("An operator key manages the server from /admin; it does not act as this event's host or moderator.")
            )
        raise Forbidden(message)

    async def staff(self, event: Event) -> Staff | None:
        """Who of the event's staff the request's key names: the host, a moderator, or nobody."""
        return await staff_of(self.store, self.bearer_token(), event)

    async def staff_view(self, event: Event) -> Viewer:
        """The hosts' view of the event's private items with a host or moderator key, else the public's."""
        return Viewer(staff=True) if await self.staff(event) is not None else PUBLIC_VIEW

    async def require_staff(self, event: Event) -> Staff:
        """The host or a moderator, by the request's key, or 403."""
        staff = await self.staff(event)
        if staff is None:
            await self.refuse_staff(N_("A missing or wrong key: use the host link, or a moderator's link."))
        return staff

    async def require_readable(self, event: Event) -> None:
        """Refuse to show the event's items where its host said so: erased by retention (410), or,
        once closed, a transcript for the hosts only without a host or moderator key (403)."""
        await require_readable(self.store, self.bearer_token(), event)

    async def require_host_only(self, event: Event) -> None:
        """The host's key, and a clear refusal for a moderator's (which may moderate, not manage)."""
        staff = await self.staff(event)
        if staff is None:
            await self.refuse_staff(WRONG_HOST_KEY)
        if staff.role != HOST:
            raise Forbidden(N_("A moderator cannot do this: it needs the host's own key."))

    def compute_etag(self) -> None:
        """No ETag: API answers are no-store, and hashing every body costs the poll path."""

    def write_json_prefix(self, status: int, prefix: bytes) -> None:
        """Finish a JSON object whose members so far are `prefix` (ending in a comma) with server_time."""
        self.set_status(status)
        self.finish(prefix + b'"server_time":"' + format_time(now_ms()).encode() + b'"}')

    def write_json(self, status: int, payload: dict[str, Any]) -> None:
        payload["server_time"] = format_time(now_ms())
        self.set_status(status)
        self.finish(dumps(payload))

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        exc = kwargs.get("exc_info", (None, None, None))[1]
        if isinstance(exc, ChatError):
            status, code, message = exc.status, exc.code, exc.localized(self.language.translate)
            if isinstance(exc, RateLimited | StorageUnavailable | ShuttingDown | Muted):
                self.set_header("Retry-After", str(exc.retry_after))
            if isinstance(exc, ShuttingDown):
                self.set_header("Connection", "close")  # the next try goes to a new connection
        elif isinstance(exc, tornado.web.HTTPError) or exc is None:
            status = exc.status_code if exc is not None else status_code
            code = http_code(status)
            message = http_message(status, self.language)
        else:
            status, code = 500, "internal_error"
            message = self.language.translate(SERVER_FAILED)
        # send_error() cleared the response; restore our headers with the real status.
        self.set_default_headers()
        self.set_status(status)
        self.finish(error_body(code, message))

    def log_exception(
        self,
        typ: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # A ChatError is an answer, not a fault: no traceback in the log.
        if isinstance(value, ChatError):
            if value.status >= 500:
                log.warning("%s %s: %s", self.request.method, self.request.path, value.message)
            return
        super().log_exception(typ, value, tb)


def is_json_type(content_type: str) -> bool:
    """application/json or a +json type such as application/merge-patch+json, any parameters."""
    media = content_type.partition(";")[0].strip().lower()
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))


# The messages of the errors Tornado raises itself on the API's paths, by status; any other status
# says its standard reason phrase (English: HTTP's own words, as a client library shows them).
_HTTP_MESSAGES = {
    400: N_("Bad Request."),
    404: N_("There is no such API endpoint; see the API documentation."),
    405: N_("This method is not allowed on this endpoint."),
    413: N_("Request Entity Too Large."),
}


def http_message(status: int, language: Language) -> str:
    """The message of an error Tornado raised, in the reader's language where it has one."""
    if status in _HTTP_MESSAGES:
        return language.translate(_HTTP_MESSAGES[status])
    try:
        return f"{HTTPStatus(status).phrase}."
    except ValueError:
        return language.translate(N_("The request could not be handled."))


class ApiNotFound(ApiHandler):
    """Any /api/ path that matches no endpoint."""

    def prepare(self) -> None:
        raise tornado.web.HTTPError(404)
