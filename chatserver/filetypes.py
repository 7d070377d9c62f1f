"""What an uploaded file is, judged from its content alone: never its name or its declared Content-Type.

Accepted: JPEG, PNG (APNG too), GIF, WebP; PDF; UTF-8 plain text; audio: WebM (Opus, Vorbis), Ogg (Opus,
Vorbis), MP4 (AAC, Opus; served as audio/mp4 "m4a"), MP3; ZIP. Everything else raises Unsupported.

Decisions:
- SVG, HTML, XHTML and XML are refused outright and never stored: they are documents a browser runs
  script in, and no re-encoding makes them safe to serve from our origin.
- A non-image whose first KiB holds a marker browsers sniff as markup (the WHATWG MIME Sniffing
  standard's HTML patterns, plus <svg, <img and <?xml, anywhere in that KiB because older browsers
  and some viewers sniff past the start) is refused: that is how a polyglot, a PDF, ZIP or text
  file that is also HTML, is kept out. Images are exempt: the caller re-encodes every image
  (chatserver/images.py), which drops whatever the file carried besides pixels. In a ZIP's
  compressed data and a PDF's streams, only the long markers count (<script, <html, <svg,
  <!--...): their random bytes matched a short tag such as "<a " or "<p>" in about one file in
  three hundred, while a long one turns up by chance in about one in a hundred thousand, and a
  short tag alone runs nothing. A ZIP's entry names and stored (uncompressed) data, and a PDF's
  text outside its streams, are searched for every marker.
- Executables (ELF, PE "MZ", Mach-O) and anything starting with "#!" are refused. A script is
  something to run, not a document to read in a chat; a snippet belongs in a message.
- Video is refused: a WebM or MP4 is accepted only when it has an Opus/Vorbis (WebM, Ogg) or
  AAC/Opus (MP4) sound track and no video track, found by walking the container's headers. Any
  ftyp brand is fine except QuickTime's "qt  ".
- MP3 means MPEG-1/2/2.5 Layer III: a valid frame header (after an ID3v2 tag, if any) followed by
  another frame, an ID3v1/APE tag, or the end of the file.
- Text is UTF-8 only (a BOM allowed): UTF-16 is refused, to keep one text path.
"""

from __future__ import annotations

import codecs
import os
import re
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

import filetype

#: How many leading bytes detect() reads at most to recognise a binary format.
HEAD_BYTES = 8192
#: The window searched for markup, after a BOM and leading whitespace.
MARKUP_WINDOW = 1024
#: Text is decoded this many bytes at a time, so a large file is never held in memory.
TEXT_CHUNK = 64 * 1024


@dataclass(frozen=True)
class Detected:
    """A recognised file: the type it is served as, its canonical extension, how it is shown."""

    type: str
    ext: str
    media: str  # "image" | "audio" | "file"


class Unsupported(Exception):
    """The content is not an accepted type (or is a refused one); str(e) is a short English reason for logs."""


JPEG = Detected("image/jpeg", "jpg", "image")
PNG = Detected("image/png", "png", "image")
GIF = Detected("image/gif", "gif", "image")
WEBP = Detected("image/webp", "webp", "image")
PDF = Detected("application/pdf", "pdf", "file")
ZIP = Detected("application/zip", "zip", "file")
TEXT = Detected("text/plain; charset=utf-8", "txt", "file")
WEBM = Detected("audio/webm", "webm", "audio")
OGG = Detected("audio/ogg", "ogg", "audio")
M4A = Detected("audio/mp4", "m4a", "audio")
MP3 = Detected("audio/mpeg", "mp3", "audio")
ACCEPTED = (JPEG, PNG, GIF, WEBP, PDF, ZIP, TEXT, WEBM, OGG, M4A, MP3)

_BOM = b"\xef\xbb\xbf"
_WHITESPACE = b" \t\n\r\f"
# Tag names long enough to match as prefixes; one-letter ones need a tag-terminating byte after them.
_MARKUP = re.compile(
    rb"<(?:!doctype|!--|\?xml|html|head|body|script|iframe|svg|style|img|div|title|table|font|h1|br"
    rb"|[abp][\s/>])",
    re.IGNORECASE,
)
# The markers that cannot turn up by chance in a few hundred random bytes: all but the short tags.
_LONG_MARKUP = re.compile(
    rb"<(?:!doctype|!--|\?xml|html|head|body|script|iframe|svg|style|img|div|title|table|font)",
    re.IGNORECASE,
)
# A PDF stream's data (often compressed), to its end or the end of the window.
_PDF_STREAM = re.compile(rb"stream\r?\n.*?(?=endstream|\Z)", re.DOTALL)
_EXECUTABLE = (
    (b"\x7fELF", "an ELF executable"),
    (b"MZ", "a Windows executable"),
    (b"\xfe\xed\xfa\xce", "a Mach-O executable"),
    (b"\xfe\xed\xfa\xcf", "a Mach-O executable"),
    (b"\xce\xfa\xed\xfe", "a Mach-O executable"),
    (b"\xcf\xfa\xed\xfe", "a Mach-O executable"),
    (b"\xca\xfe\xba\xbe", "a Mach-O universal binary or Java class"),
    (b"#!", "a script (#!)"),
)
# C0 controls other than \t \n \f \r: their presence means binary data, not text.
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f]")
# Walking a container's headers stops after this many elements or boxes (a hostile file loops forever).
_MAX_STEPS = 4096


def detect(path: str) -> Detected:
    """The type of the file at path from its content; raises Unsupported."""
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        head = f.read(HEAD_BYTES)
        if not head:
            raise Unsupported("empty file")
        for magic, what in _EXECUTABLE:
            if head.startswith(magic):
                raise Unsupported(f"refused: {what}")
        image = _image(head)
        if image is not None:
            return image
        window = head.removeprefix(_BOM).lstrip(_WHITESPACE)[:MARKUP_WINDOW]
        # In a ZIP's or a PDF's compressed data a short tag turns up by chance: there only the long
        # markers count, and the short ones only where a reader could see text.
        packed = _zip_text if head.startswith(b"PK\x03\x04") else _pdf_text if head.startswith(b"%PDF-") else None
        if packed is not None and _LONG_MARKUP.search(window):
            raise Unsupported("refused: HTML, SVG or XML markup")
        if _MARKUP.search(packed(window) if packed is not None else window):
            raise Unsupported("refused: HTML, SVG or XML markup")
        if head.startswith(b"%PDF-"):
            return PDF
        if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
            return ZIP
        audio = _audio(f, head, size)
        if audio is not None:
            return audio
        return _text(f, head)


def _pdf_text(window: bytes) -> bytes:
    """A PDF window without its streams' data."""
    return _PDF_STREAM.sub(b"stream\0", window)


def _zip_text(window: bytes) -> bytes:
    """The parts of a ZIP's first bytes a reader could see as text: each local header's name and extra
    field, and a stored entry's data, up to the first compressed one. Joined with NULs, so that no
    tag is made across two parts."""
    parts: list[bytes] = []
    pos = 0
    while window.startswith(b"PK\x03\x04", pos) and pos + 30 <= len(window):
        method, size = struct.unpack_from("<H", window, pos + 8)[0], struct.unpack_from("<I", window, pos + 18)[0]
        name_len, extra_len = struct.unpack_from("<HH", window, pos + 26)
        start = pos + 30 + name_len + extra_len
        parts.append(window[pos + 30 : start])
        if method != 0:  # deflated or other: bytes no reader shows as text
            break
        parts.append(window[start : start + size])
        pos = start + size
    return b"\0".join(parts)


def _image(head: bytes) -> Detected | None:
    """JPEG, PNG, GIF or WebP by filetype's signatures, each confirmed by its full signature."""
    kind = filetype.image_match(head)
    mime = kind.mime if kind is not None else None
    if mime == "image/jpeg":
        return JPEG
    if mime in ("image/png", "image/apng") and head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR":
        return PNG
    if mime == "image/gif" and head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if mime == "image/webp" and head[12:16] in (b"VP8 ", b"VP8L", b"VP8X"):
        return WEBP
    return None


def _audio(f: BinaryIO, head: bytes, size: int) -> Detected | None:
    """WebM, Ogg, MP4 or MP3 audio, or None."""
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return WEBM if _webm_audio(f, head, size) else None
    if head.startswith(b"OggS"):
        return OGG if _ogg_audio(head) else None
    if head[4:8] == b"ftyp":
        return M4A if _mp4_audio(f, size) else None
    return MP3 if _mp3(f, head, size) else None


def _read_at(f: BinaryIO, offset: int, n: int) -> bytes:
    """n bytes (or fewer at the end) from offset."""
    f.seek(offset)
    return f.read(n)


# -- WebM -----------------------------------------------------------------------------------------


def _vint(data: bytes, pos: int, marker: bool) -> tuple[int, int] | None:
    """An EBML variable-length integer at pos: (value, next pos); an ID keeps its length marker."""
    if pos >= len(data) or data[pos] == 0:
        return None
    length = 9 - data[pos].bit_length()
    if pos + length > len(data):
        return None
    value = data[pos] if marker else data[pos] & (0xFF >> length)
    for byte in data[pos + 1 : pos + length]:
        value = (value << 8) | byte
    if not marker and value == (1 << (7 * length)) - 1:
        value = -1  # unknown size: the element runs to the end of its parent
    return value, pos + length


def _element(data: bytes, pos: int) -> tuple[int, int, int] | None:
    """The EBML element header at pos: (id, payload start, payload size or -1 when unknown)."""
    ident = _vint(data, pos, True)
    size = _vint(data, ident[1], False) if ident else None
    if ident is None or size is None:
        return None
    return ident[0], size[1], size[0]


def _ebml(data: bytes, pos: int, end: int) -> Iterator[tuple[int, int, int]]:
    """The elements from pos to end in data: (id, payload start, payload end)."""
    for _ in range(_MAX_STEPS):
        element = _element(data, pos) if pos < end else None
        if element is None:
            return
        ident, start, size = element
        pos = end if size < 0 else start + size
        yield ident, start, pos


def _webm_audio(f: BinaryIO, head: bytes, size: int) -> bool:
    """An EBML file of DocType "webm" whose tracks include Opus or Vorbis sound and no video."""
    header = _element(head, 0)
    if header is None or header[0] != 0x1A45DFA3 or not 0 <= header[1] + header[2] <= len(head):
        return False
    end = header[1] + header[2]
    doctype = [head[a:b].rstrip(b"\0") for ident, a, b in _ebml(head, header[1], end) if ident == 0x4282]
    segment = _element(_read_at(f, end, 12), 0)
    if doctype != [b"webm"] or segment is None or segment[0] != 0x18538067:
        return False
    pos = end + segment[1]
    # The Segment's children lie in the file, possibly far apart: read each one's header and skip on.
    for _ in range(_MAX_STEPS):
        child = _element(_read_at(f, pos, 12), 0)
        if child is None or child[0] == 0x1F43B675 or not 0 <= child[2] <= size:
            return False  # no Tracks before the first Cluster, or a size that cannot be
        if child[0] == 0x1654AE6B:
            return _webm_tracks(_read_at(f, pos + child[1], min(child[2], TEXT_CHUNK)))
        pos += child[1] + child[2]
    return False


def _webm_tracks(tracks: bytes) -> bool:
    """At least one Opus or Vorbis audio track and no video track."""
    sound = False
    for ident, a, b in _ebml(tracks, 0, len(tracks)):
        if ident != 0xAE:  # TrackEntry
            continue
        fields = {i: tracks[x:y] for i, x, y in _ebml(tracks, a, min(b, len(tracks)))}
        kind = int.from_bytes(fields.get(0x83, b""), "big")  # TrackType: 1 video, 2 audio
        if kind == 1:
            return False
        sound |= kind == 2 and fields.get(0x86, b"").rstrip(b"\0") in (b"A_OPUS", b"A_VORBIS")
    return sound


# -- Ogg, MP4, MP3 --------------------------------------------------------------------------------


def _ogg_audio(head: bytes) -> bool:
    """Every beginning-of-stream page at the start carries an Opus or Vorbis header (no Theora video)."""
    pos, streams = 0, 0
    while head[pos : pos + 4] == b"OggS" and len(head) >= pos + 27 and head[pos + 5] & 0x02:
        count = head[pos + 26]
        lacing = head[pos + 27 : pos + 27 + count]
        body = pos + 27 + count
        if head[pos + 4] != 0 or len(lacing) < count:
            return False
        if not head[body:].startswith((b"OpusHead", b"\x01vorbis")):
            return False
        streams += 1
        pos = body + sum(lacing)
    return streams > 0


def _boxes(f: BinaryIO, pos: int, end: int) -> Iterator[tuple[bytes, int, int]]:
    """The ISO BMFF boxes from pos to end: (type, payload start, box end); stops at a malformed one."""
    for _ in range(_MAX_STEPS):
        header = _read_at(f, pos, 16)
        if len(header) < 8:
            return
        size, kind = struct.unpack(">I4s", header[:8])
        start = pos + 8
        if size == 1 and len(header) == 16:
            size, start = struct.unpack(">Q", header[8:])[0], pos + 16
        elif size == 0:
            size = end - pos
        if size < start - pos or pos + size > end:
            return
        yield kind, start, pos + size
        pos += size


def _child(f: BinaryIO, kind: bytes, start: int, end: int) -> tuple[int, int] | None:
    """The payload (start, end) of the first box of kind between start and end."""
    return next(((a, b) for k, a, b in _boxes(f, start, end) if k == kind), None)


def _mp4_audio(f: BinaryIO, size: int) -> bool:
    """An ftyp file (not QuickTime) whose moov has an AAC or Opus sound track and no video track."""
    boxes = _boxes(f, 0, size)
    first = next(boxes, None)
    if first is None or first[0] != b"ftyp" or _read_at(f, first[1], 4) == b"qt  ":
        return False
    moov = next(((a, b) for k, a, b in boxes if k == b"moov"), None)
    if moov is None:
        return False
    sound = False
    for kind, a, b in _boxes(f, *moov):
        mdia = _child(f, b"mdia", a, b) if kind == b"trak" else None
        hdlr = _child(f, b"hdlr", *mdia) if mdia else None
        handler = _read_at(f, hdlr[0] + 8, 4) if hdlr else b""
        if handler == b"vide":
            return False
        if handler == b"soun" and mdia:
            minf = _child(f, b"minf", *mdia)
            stbl = _child(f, b"stbl", *minf) if minf else None
            stsd = _child(f, b"stsd", *stbl) if stbl else None
            # stsd: version and flags, entry count, then the first entry's size and format
            sound |= stsd is not None and _read_at(f, stsd[0] + 12, 4) in (b"mp4a", b"Opus")
    return sound


_MPEG1_KBPS = (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)
_MPEG2_KBPS = (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160)
_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


def _mpeg_frame(h: bytes) -> int | None:
    """The length of the MPEG Layer III frame whose header h starts with, or None if it is not one."""
    if len(h) < 4 or h[0] != 0xFF or h[1] & 0xE0 != 0xE0:
        return None
    version, layer = (h[1] >> 3) & 3, (h[1] >> 1) & 3
    bitrate, rate = h[2] >> 4, (h[2] >> 2) & 3
    if version == 1 or layer != 1 or bitrate in (0, 15) or rate == 3 or h[3] & 3 == 2:
        return None
    kbps = (_MPEG1_KBPS if version == 3 else _MPEG2_KBPS)[bitrate]
    padding = (h[2] >> 1) & 1
    return (144 if version == 3 else 72) * kbps * 1000 // _RATES[version][rate] + padding


def _mp3(f: BinaryIO, head: bytes, size: int) -> bool:
    """An optional ID3v2 tag, then an MPEG Layer III frame followed by another, a tag or the end."""
    pos = 0
    if head.startswith(b"ID3"):
        if len(head) < 10 or head[3] not in (2, 3, 4) or head[4] == 0xFF or any(b & 0x80 for b in head[6:10]):
            return False
        length = (head[6] << 21) | (head[7] << 14) | (head[8] << 7) | head[9]
        pos = 10 + length + (10 if head[5] & 0x10 else 0)
        # Some writers pad past the size they declare: skip zeros before the first frame.
        after = _read_at(f, pos, 4096)
        pos += len(after) - len(after.lstrip(b"\0"))
    frame = _mpeg_frame(_read_at(f, pos, 4))
    if frame is None or pos + frame > size:
        return False
    following = _read_at(f, pos + frame, 4)
    return not following or _mpeg_frame(following) is not None or following.startswith((b"TAG", b"APET"))


# -- text -----------------------------------------------------------------------------------------


def _text(f: BinaryIO, head: bytes) -> Detected:
    """UTF-8 text without NUL or control characters other than tab, line breaks and form feed."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise Unsupported("UTF-16 text is not accepted")
    decoder = codecs.getincrementaldecoder("utf-8-sig")(errors="strict")
    f.seek(0)
    try:
        while chunk := f.read(TEXT_CHUNK):
            if _CONTROL.search(decoder.decode(chunk)):
                raise Unsupported(_not_text(head, "binary data (control characters)"))
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise Unsupported(_not_text(head, "not UTF-8 text")) from None
    return TEXT


def _not_text(head: bytes, reason: str) -> str:
    """Why a file that is not text was refused: the format filetype recognises, if any."""
    kind = filetype.guess(head)
    return f"{kind.mime} is not accepted" if kind is not None else reason
