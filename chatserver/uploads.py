"""An upload as it streams in: multipart/form-data parsed chunk by chunk, the file part written to a
temporary file (never held whole in memory), its size limit enforced while it arrives."""

from __future__ import annotations

import hashlib
import os
import tempfile
import unicodedata
from dataclasses import dataclass, field
from typing import IO

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

from chatserver.errors import N_, InvalidRequest, PayloadTooLarge, UnsupportedMediaType

MIB = 1024 * 1024
DEFAULT_MAX_UPLOAD_MB = 10
DEFAULT_EVENT_QUOTA_MB = 500
# Multipart framing around the file (boundaries, part headers, a duration field) beyond its bytes.
FRAMING_BYTES = 64 * 1024
# Text fields other than the file (today: duration) are short; anything longer is refused.
FIELD_MAX = 64
NAME_MAX = 120

TOO_LARGE = N_("The file is larger than this server takes ({limit_mb} MB).")


class UploadTooLarge(PayloadTooLarge):
    code = "too_large"
    default_message = TOO_LARGE


@dataclass
class Received:
    """What one upload request carried, once its body has arrived."""

    path: str | None = None  # the temporary file with the file's bytes
    name: str = ""
    size: int = 0
    sha256: str = ""
    fields: dict[str, str] = field(default_factory=dict)


class MultipartReceiver:
    """Feeds a request body to python-multipart; writes the part named `file` to a temporary file
    and keeps the small text parts. Raises UploadTooLarge the moment the file passes max_bytes."""

    def __init__(self, content_type: str, max_bytes: int, directory: str | None = None) -> None:
        media, params = parse_options_header(content_type)
        boundary = params.get(b"boundary")
        if media != b"multipart/form-data" or not boundary:
            raise UnsupportedMediaType(N_("Send the file as multipart/form-data with one part named file."))
        self.max_bytes = max_bytes
        self.received = Received()
        self._directory = directory
        self._file: IO[bytes] | None = None
        self._hash = hashlib.sha256()
        self._headers: dict[bytes, bytes] = {}
        self._header_field = b""
        self._part: str | None = None  # "file", a field's name, or "" for a part we skip
        self._value = bytearray()
        self._parser = MultipartParser(
            boundary,
            {
                "on_part_begin": self._part_begin,
                "on_header_field": self._header_name,
                "on_header_value": self._header_value,
                "on_header_end": self._header_end,
                "on_headers_finished": self._headers_done,
                "on_part_data": self._data,
                "on_part_end": self._part_end,
            },
        )

    def feed(self, chunk: bytes) -> None:
        """Parse the next piece of the body."""
        try:
            self._parser.write(chunk)
        except MultipartParseError:
            raise InvalidRequest(N_("The multipart/form-data body is malformed.")) from None

    def finish(self) -> Received:
        """The upload, once the whole body has been fed: a file part is required."""
        self._parser.finalize()
        if self._file is None:
            raise InvalidRequest(N_("The upload has no part named {field}."), field="file")
        self._file.close()
        self.received.sha256 = self._hash.hexdigest()
        return self.received

    def discard(self) -> None:
        """Remove the temporary file (the upload is stored or refused)."""
        if self._file is not None and not self._file.closed:
            self._file.close()
        if self.received.path is not None:
            try:
                os.unlink(self.received.path)
            except FileNotFoundError:
                pass
            self.received.path = None

    # -- the parser's callbacks --------------------------------------------------------------------

    def _part_begin(self) -> None:
        self._headers = {}
        self._part = None

    def _header_name(self, data: bytes, start: int, end: int) -> None:
        self._header_field += data[start:end]

    def _header_value(self, data: bytes, start: int, end: int) -> None:
        key = self._header_field.lower()
        self._headers[key] = self._headers.get(key, b"") + data[start:end]

    def _header_end(self) -> None:
        self._header_field = b""

    def _headers_done(self) -> None:
        _, params = parse_options_header(self._headers.get(b"content-disposition", b""))
        name = params.get(b"name", b"").decode("utf-8", "replace")
        if name == "file":
            if self._file is not None:
                raise InvalidRequest(N_("Send one file per upload."))
            self._file = tempfile.NamedTemporaryFile(prefix="chatserver-upload-", dir=self._directory, delete=False)
            self.received.path = self._file.name
            self.received.name = params.get(b"filename", b"").decode("utf-8", "replace")
            self._part = "file"
        else:
            self._part = name if name and len(self.received.fields) < 4 else ""
            self._value = bytearray()

    def _data(self, data: bytes, start: int, end: int) -> None:
        piece = data[start:end]
        if self._part == "file":
            assert self._file is not None
            self.received.size += len(piece)
            if self.received.size > self.max_bytes:
                raise UploadTooLarge(TOO_LARGE, limit_mb=megabytes(self.max_bytes))
            self._file.write(piece)
            self._hash.update(piece)
        elif self._part:
            if len(self._value) + len(piece) > FIELD_MAX:
                raise InvalidRequest(N_("{field} is too long."), field=self._part)
            self._value += piece

    def _part_end(self) -> None:
        if self._part and self._part != "file":
            self.received.fields[self._part] = self._value.decode("utf-8", "replace")
        self._part = None


# The extensions a name may keep for each detected type; any other is followed by the right one.
EXTENSIONS = {
    "jpg": ("jpg", "jpeg", "jpe"),
    "png": ("png",),
    "gif": ("gif",),
    "webp": ("webp",),
    "pdf": ("pdf",),
    "txt": ("txt", "text", "md", "markdown", "csv", "tsv", "log", "json", "yaml", "yml", "ini", "rst"),
    "webm": ("webm", "weba"),
    "ogg": ("ogg", "oga", "opus"),
    "m4a": ("m4a", "mp4", "aac"),
    "mp3": ("mp3",),
    "zip": ("zip",),
}


def aliases(ext: str) -> tuple[str, ...]:
    """The extensions a file detected as `ext` may be named with."""
    return EXTENSIONS.get(ext, (ext,))


def megabytes(size: int) -> str:
    """A limit in MB (of 1,048,576 bytes, as the options count them), as a number: "10", "0.3"."""
    return f"{size / MIB:.1f}".removesuffix(".0")


def clean_name(name: str, ext: str, aliases: tuple[str, ...]) -> str:
    """A file name safe to show and to put in a URL and a Content-Disposition: no path, no control
    characters, at most NAME_MAX characters, ending in an extension that fits the detected type
    (a PNG named x.pdf is served as x.png, so nobody opens it expecting a PDF)."""
    name = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C" and c not in '"<>|*?:').strip(" .")
    stem, dot, given = name.rpartition(".")
    if not dot:
        stem, given = name, ""
    if given.lower() not in aliases:
        stem = name if given else stem
        given = ext
    stem = stem[: NAME_MAX - len(given) - 1].strip() or "file"
    return f"{stem}.{given}"
