"""Files: uploads streamed to disk and then into the database, and downloads served from it with
the type the server detected, a sandbox, and Range requests."""

from __future__ import annotations

import asyncio
import math
from urllib.parse import quote

from tornado.http1connection import HTTP1Connection

from chatserver import filetypes, images
from chatserver.errors import (
    N_,
    ChatError,
    Forbidden,
    Gone,
    InvalidRequest,
    NotFound,
    RateLimited,
    Unauthorized,
    UnsupportedMediaType,
)
from chatserver.handlers.base import ApiHandler
from chatserver.models import Event, Viewer
from chatserver.store.files import OWNER_STAFF, NewFile, StoredFile, image_file
from chatserver.store.stream import refuse_posting
from chatserver.uploads import (
    FRAMING_BYTES,
    TOO_LARGE,
    MultipartReceiver,
    UploadTooLarge,
    aliases,
    clean_name,
    megabytes,
)

DURATION_MAX_S = 3600.0
UPLOAD_MIN_RATE = 32 * 1024  # bytes per second an upload must average, beyond its first 30 s
# The sandbox every file is served under: were a browser ever to render one as a page, it could run
# nothing and load nothing, and it would not be same-origin with chatserver.
FILE_CSP = "sandbox; default-src 'none'"
NO_FILE = N_("There is no such file.")
FILE_GONE = N_("This file was removed.")
UPLOADS_BUSY = N_("Too many uploads at once from your address; try again in {seconds} s.")
NOT_ACCEPTED = N_(
    "This kind of file is not accepted: send an image (JPEG, PNG, GIF, WebP), audio, a PDF, a plain text file or a ZIP."
)
IMAGE_TOO_LARGE = N_("The image has too many pixels to be processed (at most {megapixels} megapixels).")
BROKEN_IMAGE = N_("The image could not be read; it may be damaged.")


class FileUnsupported(UnsupportedMediaType):
    default_message = NOT_ACCEPTED


class UploadHandler(ApiHandler):
    """POST /api/events/<slug>/files: one file, as multipart/form-data, by a participant or the staff."""

    _receiver: MultipartReceiver | None = None
    _slot: str | None = None
    _refused = False

    @property
    def body_limit(self) -> int:
        return self.services.files.max_bytes + FRAMING_BYTES

    def accepts_type(self, content_type: str) -> bool:
        return True  # MultipartReceiver refuses anything but multipart/form-data, saying so

    async def prepare(self) -> None:  # async: Tornado awaits it before it reads the body
        # Everything is checked before the body is read (Tornado reads it once prepare() is done):
        # a stranger, a full event or a busy client costs no bytes on disk.
        settings = self.services.files
        declared = self.request.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.body_limit:
            raise UploadTooLarge(TOO_LARGE, limit_mb=megabytes(settings.max_bytes))
        super().prepare()
        connection = self.request.connection
        if isinstance(connection, HTTP1Connection):
            connection.set_max_body_size(self.body_limit)
            # The server's body timeout suits JSON; a file may take longer, but not at a trickle:
            # 30 s plus the declared length at UPLOAD_MIN_RATE (a slot held by a slow body ends).
            length = int(declared) if declared.isdigit() else settings.max_bytes
            connection._body_timeout = 30 + min(length, self.body_limit) / UPLOAD_MIN_RATE  # noqa: SLF001
        slug = self.path_args[0] if self.path_args else self.path_kwargs.get("slug", "")
        event = await self.store.get_event(slug)
        self._event = event
        token = self.bearer_token()
        participant = await self.store.participant_by_token(event.id, token) if token else None
        if participant is not None:
            if participant.banned:
                raise Forbidden(N_("You were removed from this event and can no longer send files."))
            self._owner, limit_key = f"p{participant.id}", f"p{participant.id}"
        elif await self.staff(event) is not None:
            self._owner, limit_key = OWNER_STAFF, f"s{event.id}"
        else:
            raise Unauthorized(N_("A participant token or the host's key is required to send files."))
        refuse_posting(event, self.store.clock())
        await self.services.upload_limiter.check(limit_key)
        client = self.client_key()
        if not settings.uploads.admit(client):
            raise RateLimited(5, UPLOADS_BUSY)
        self._slot = client
        self._receiver = MultipartReceiver(
            self.request.headers.get("Content-Type", ""), settings.max_bytes, settings.tmp_dir
        )

    def data_received(self, chunk: bytes) -> None:
        if self._refused or self._receiver is None:
            return
        try:
            self._receiver.feed(chunk)
        except ChatError as error:
            # Answer now, mid-body: the client learns at once, and the rest is read and dropped
            # (at most the framing allowance) or the connection is cut at the body limit.
            self._refused = True
            self._receiver.discard()
            self.send_error(error.status, exc_info=(type(error), error, None))

    async def post(self, slug: str) -> None:
        if self._finished or self._receiver is None:
            return
        receiver = self._receiver
        try:
            received = receiver.finish()
            assert received.path is not None
            new = await self._examine(received.path, received.name, received.size, received.sha256, received.fields)
            stored = await self.store.add_file(self._event.id, self._owner, new, self.services.files.quota_bytes)
        finally:
            receiver.discard()
        self.write_json(201, {"file": stored.to_json()})

    async def _examine(self, path: str, name: str, size: int, sha256: str, fields: dict[str, str]) -> NewFile:
        """What the bytes are (from their content), images re-encoded without their metadata."""
        loop = asyncio.get_running_loop()
        settings = self.services.files
        try:
            detected = await loop.run_in_executor(None, filetypes.detect, path)
        except filetypes.Unsupported:
            raise FileUnsupported() from None
        shown = clean_name(name, detected.ext, aliases(detected.ext))
        if detected.media != "image":
            duration = audio_duration(fields.get("duration")) if detected.media == "audio" else None
            return NewFile(shown, detected.type, size, sha256, path, duration_ms=duration)
        async with settings.decoding:
            try:
                done = await loop.run_in_executor(None, images.process_image, path, detected.type, settings.max_pixels)
            except images.TooLarge:
                raise UploadTooLarge(IMAGE_TOO_LARGE, megapixels=settings.max_pixels // 1_000_000) from None
            except images.Undecodable:
                raise FileUnsupported(BROKEN_IMAGE) from None
        return image_file(clean_name(name, done.image.ext, aliases(done.image.ext)), done.image, done.thumbnail)

    def on_finish(self) -> None:
        self._release()
        super().on_finish()

    def on_connection_close(self) -> None:
        self._release()
        super().on_connection_close()

    def _release(self) -> None:
        if self._receiver is not None:
            self._receiver.discard()
        if self._slot is not None:
            self.services.files.uploads.release(self._slot)
            self._slot = None


def audio_duration(value: str | None) -> int | None:
    """A voice note's length as its recorder told it (seconds), in milliseconds; None if not given."""
    if value is None or not value.strip():
        return None
    try:
        seconds = float(value)
    except ValueError:
        seconds = math.nan
    if not 0 <= seconds <= DURATION_MAX_S:  # NaN fails this too
        raise InvalidRequest(N_("{field} must be a number of seconds from 0 to 3600."), field="duration")
    return round(seconds * 1000)


class FileHandler(ApiHandler):
    """GET /files/<id>/<name> and /files/<id>/thumb/<name>: a file's bytes, to whoever may read its message."""

    async def get(self, file_id: str, thumb: str | None, name: str) -> None:
        await self._serve(file_id, bool(thumb), include_body=True)

    async def head(self, file_id: str, thumb: str | None, name: str) -> None:
        await self._serve(file_id, bool(thumb), include_body=False)

    async def _serve(self, file_id: str, thumbnail: bool, include_body: bool) -> None:
        found = await self.store.file_with_slug(file_id)
        if found is None:
            raise NotFound(NO_FILE)
        stored, slug = found
        event = await self.store.get_event(slug)
        await self._check_reader(event, stored)
        variant = stored.variant(thumbnail)
        if variant is None:
            raise NotFound(NO_FILE)
        number, media_type, size = variant
        etag = f'"{stored.sha256[:32]}{"t" if thumbnail else ""}"'
        self._file_headers(stored, media_type, etag, thumbnail)
        if etag in [tag.strip() for tag in self.request.headers.get("If-None-Match", "").split(",")]:
            self.set_status(304)
            self.finish()
            return
        span = byte_range(self.request.headers.get("Range"), size)
        if span is None or (self.request.headers.get("If-Range") not in (None, etag)):
            start, end = 0, size - 1
            self.set_status(200)
        elif span == UNSATISFIABLE:
            self.set_status(416)
            self.set_header("Content-Range", f"bytes */{size}")
            self.finish()
            return
        else:
            start, end = span
            self.set_status(206)
            self.set_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.set_header("Content-Length", str(max(end - start + 1, 0)))
        if not include_body or size == 0:
            self.finish()
            return
        async for chunk in self.store.file_bytes(stored.id, number, start, end):
            self.write(chunk)
            await self.flush()  # a chunk at a time: a slow reader holds one chunk, not the file
        self.finish()

    async def _check_reader(self, event: Event, stored: StoredFile) -> None:
        """Refuse a reader who may not see the file's message, as if the file did not exist."""
        if event.erased_at is not None:
            raise Gone(FILE_GONE)
        if stored.erased_at is not None:
            raise Gone(FILE_GONE)
        viewer = await self._viewer(event)
        if stored.item_id is None:  # not sent yet: only its uploader may look at it
            mine = stored.owner in viewer.keys or (stored.owner == OWNER_STAFF and viewer.staff)
            # Held for review: the hosts and moderators deciding on it see its files too.
            if not mine and not (stored.held_id is not None and viewer.staff):
                raise NotFound(NO_FILE)
            return
        await self.require_readable(event)
        items = await self.store.items_by_id(event.id, [stored.item_id], viewer)
        if stored.item_id not in items:
            raise NotFound(NO_FILE)

    async def _viewer(self, event: Event) -> Viewer:
        token = self.bearer_token()
        if token is None:
            return Viewer()
        participant = await self.store.participant_by_token(event.id, token)
        if participant is not None:
            return Viewer(participant.id, sub=participant.sub)
        return await self.staff_view(event)

    def _file_headers(self, stored: StoredFile, media_type: str, etag: str, thumbnail: bool) -> None:
        shown = media_type.startswith(("image/", "audio/"))
        name = f"{stored.name}.webp" if thumbnail else stored.name
        self.set_header("Content-Type", media_type)
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Content-Security-Policy", FILE_CSP)
        self.set_header("Cross-Origin-Resource-Policy", "same-origin")
        self.set_header("Content-Disposition", f"{'inline' if shown else 'attachment'}; filename*=UTF-8''{quote(name)}")
        # Revalidated on every use (a cheap 304): once a message is removed, its files are gone too.
        self.set_header("Cache-Control", "private, no-cache")
        self.set_header("ETag", etag)
        self.set_header("Accept-Ranges", "bytes")

    def compute_etag(self) -> None:
        return None


UNSATISFIABLE = (-1, -1)


def byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The one range `Range: bytes=...` asks for, as (start, end) inclusive; None to send the whole
    file (no header, a malformed one, or several ranges); UNSATISFIABLE when it starts past the end."""
    if header is None or size <= 0:
        return None
    unit, _, spec = header.partition("=")
    if unit.strip().lower() != "bytes" or "," in spec:
        return None
    first, dash, last = spec.strip().partition("-")
    if not dash or not (first.isdigit() or first == "") or not (last.isdigit() or last == ""):
        return None
    if first == "":
        if last == "" or int(last) == 0:
            return None if last == "" else UNSATISFIABLE
        return max(size - int(last), 0), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size:
        return UNSATISFIABLE
    if end < start:
        return None
    return start, end
