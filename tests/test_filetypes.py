"""What an upload is, from its content (chatserver/filetypes.py): every accepted type, and the refusals.

The audio files are built byte by byte (no ffmpeg here): minimal but well-formed containers, each
with the structure a real encoder writes (an Ogg page's CRC, an EBML header, MP4 boxes, MPEG frames).
"""

from __future__ import annotations

import io
import random
import struct
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from chatserver.filetypes import ACCEPTED, HEAD_BYTES, Detected, Unsupported, detect

PROPS = settings(
    max_examples=300,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

# -- builders -------------------------------------------------------------------------------------


def pillow(fmt: str, size: tuple[int, int] = (16, 8), **params: object) -> bytes:
    """An image in fmt, written by Pillow."""
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 40)).save(out, fmt, **params)
    return out.getvalue()


PDF = (
    b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)


def zip_file(entries: dict[str, bytes]) -> bytes:
    """A ZIP archive of entries."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def ebml(ident: int, payload: bytes | int | str | list[bytes]) -> bytes:
    """One EBML element: its ID, its size as a vint, its payload."""
    if isinstance(payload, list):
        payload = b"".join(payload)
    elif isinstance(payload, int):
        payload = payload.to_bytes(max(1, (payload.bit_length() + 7) // 8), "big")
    elif isinstance(payload, str):
        payload = payload.encode()
    size = bytes([0x80 | len(payload)]) if len(payload) < 127 else b"\x01" + len(payload).to_bytes(7, "big")
    return ident.to_bytes((ident.bit_length() + 7) // 8, "big") + size + payload


OPUS_HEAD = b"OpusHead" + struct.pack("<BBHIhB", 1, 1, 312, 48000, 0, 0)


def webm(doctype: str = "webm", tracks: tuple[tuple[int, str], ...] = ((2, "A_OPUS"),)) -> bytes:
    """A WebM (or Matroska) file: EBML header, Segment of unknown size, Info, Tracks, one Cluster."""
    header = ebml(
        0x1A45DFA3,
        [
            ebml(0x4286, 1),
            ebml(0x42F7, 1),
            ebml(0x42F2, 4),
            ebml(0x42F3, 8),
            ebml(0x4282, doctype),
            ebml(0x4287, 4),
            ebml(0x4285, 2),
        ],
    )
    entries = []
    for number, (kind, codec) in enumerate(tracks, 1):
        media = ebml(0xE1, [ebml(0xB5, struct.pack(">f", 48000.0)), ebml(0x9F, 1)]) if kind == 2 else b""
        if kind == 1:
            media = ebml(0xE0, [ebml(0xB0, 64), ebml(0xBA, 48)])
        private = ebml(0x63A2, OPUS_HEAD) if codec == "A_OPUS" else b""
        fields = [ebml(0xD7, number), ebml(0x73C5, number), ebml(0x83, kind), ebml(0x86, codec), private, media]
        entries.append(ebml(0xAE, fields))
    info = ebml(0x1549A966, [ebml(0x2AD7B1, 1_000_000), ebml(0x4D80, "test"), ebml(0x5741, "test")])
    void = ebml(0xEC, bytes(200))  # the space a muxer reserves for a SeekHead, to be skipped
    cluster = ebml(0x1F43B675, [ebml(0xE7, 0), ebml(0xA3, b"\x81\x00\x00\x80" + bytes(40))])
    segment = b"\x18\x53\x80\x67\x01\xff\xff\xff\xff\xff\xff\xff" + void + info + ebml(0x1654AE6B, entries) + cluster
    return header + segment


def ogg_crc(data: bytes) -> int:
    """The Ogg page checksum (CRC-32, polynomial 0x04C11DB7, not reflected)."""
    crc = 0
    for byte in data:
        crc ^= byte << 24
        for _ in range(8):
            crc = ((crc << 1) ^ 0x04C11DB7 if crc & 0x80000000 else crc << 1) & 0xFFFFFFFF
    return crc


def ogg_page(packet: bytes, flags: int, serial: int, sequence: int, granule: int = 0) -> bytes:
    """One Ogg page holding one whole packet, with its checksum."""
    lacing = bytes([255] * (len(packet) // 255) + [len(packet) % 255])
    header = b"OggS" + struct.pack("<BBqIII", 0, flags, granule, serial, sequence, 0) + bytes([len(lacing)]) + lacing
    page = header + packet
    return page[:22] + struct.pack("<I", ogg_crc(page)) + page[26:]


# A Vorbis stream also needs a setup header (codebooks) to play; detection reads only the first page.
VORBIS_ID = b"\x01vorbis" + struct.pack("<IBIiiiBB", 0, 1, 44100, 0, 128000, 0, 0xB8, 1)
THEORA_ID = b"\x80theora" + bytes([3, 2, 1, 0, 4, 0, 3]) + bytes(35)
OPUS_TAGS = b"OpusTags" + struct.pack("<I", 4) + b"test" + bytes(4)
VORBIS_TAGS = b"\x03vorbis" + struct.pack("<I", 4) + b"test" + bytes(4) + b"\x01"


def ogg(first: bytes = OPUS_HEAD, *more_streams: bytes) -> bytes:
    """An Ogg file: each stream's beginning-of-stream page, then the first stream's tags and last page."""
    pages = [ogg_page(head, 0x02, 7 + n, 0) for n, head in enumerate((first, *more_streams))]
    pages.append(ogg_page(OPUS_TAGS if first == OPUS_HEAD else VORBIS_TAGS, 0, 7, 1))
    pages.append(ogg_page(b"\xf8\xff\xfe", 0x04, 7, 2, 960))
    return b"".join(pages)


def box(kind: bytes, *children: bytes) -> bytes:
    """One ISO BMFF box."""
    payload = b"".join(children)
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def full(kind: bytes, body: bytes) -> bytes:
    """A full box: version 0, no flags."""
    return box(kind, bytes(4) + body)


def mp4(brand: bytes = b"M4A ", tracks: tuple[tuple[bytes, bytes], ...] = ((b"soun", b"mp4a"),)) -> bytes:
    """An MP4: ftyp, moov with one trak per (handler, format), mdat."""
    traks = []
    for number, (handler, fmt) in enumerate(tracks, 1):
        hdlr = full(b"hdlr", bytes(4) + handler + bytes(12) + b"track\0")
        # AudioSampleEntry: reserved, data reference 1, reserved, 1 channel, 16 bits, reserved, 48 kHz
        entry = box(fmt, bytes(6) + struct.pack(">H", 1) + bytes(8) + struct.pack(">HH4xI", 1, 16, 48000 << 16))
        stbl = box(b"stbl", full(b"stsd", struct.pack(">I", 1) + entry), full(b"stts", bytes(4)))
        minf = box(b"minf", full(b"smhd", bytes(4)), stbl)
        mdhd = full(b"mdhd", struct.pack(">IIII", 0, 0, 48000, 0) + bytes(4))
        tkhd = full(b"tkhd", struct.pack(">IIII", 0, 0, number, 0) + bytes(64))
        traks.append(box(b"trak", tkhd, box(b"mdia", mdhd, hdlr, minf)))
    mvhd = full(b"mvhd", struct.pack(">IIII", 0, 0, 1000, 0) + bytes(80))
    ftyp = box(b"ftyp", brand, struct.pack(">I", 0), brand, b"mp42", b"isom")
    return ftyp + box(b"moov", mvhd, *traks) + box(b"mdat", bytes(64))


FRAME = b"\xff\xfb\x90\x64" + bytes(413)  # MPEG-1 Layer III, 128 kbit/s, 44.1 kHz: 417 bytes


def id3(title: str = "a song") -> bytes:
    """An ID3v2.3 tag with one title frame."""
    text = b"\x03" + title.encode()
    frame = b"TIT2" + struct.pack(">I", len(text)) + b"\0\0" + text
    size = len(frame)
    syncsafe = bytes([(size >> 21) & 0x7F, (size >> 14) & 0x7F, (size >> 7) & 0x7F, size & 0x7F])
    return b"ID3\x03\x00\x00" + syncsafe + frame


ELF = b"\x7fELF\x02\x01\x01" + bytes(9) + struct.pack("<HHI", 2, 0x3E, 1) + bytes(40)
PE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(50) + struct.pack("<I", 64) + b"PE\0\0" + bytes(64)


Upload = Callable[..., Detected]


@pytest.fixture
def upload(tmp_path: Path) -> Upload:
    """Write bytes to a file (its name says nothing true) and detect what they are."""

    def run(data: bytes, name: str = "upload.bin") -> Detected:
        path = tmp_path / name
        path.write_bytes(data)
        return detect(str(path))

    return run


ACCEPTED_SAMPLES = {
    "png": (pillow("PNG"), "image/png", "png", "image"),
    "jpeg": (pillow("JPEG"), "image/jpeg", "jpg", "image"),
    "gif": (pillow("GIF"), "image/gif", "gif", "image"),
    "webp": (pillow("WEBP"), "image/webp", "webp", "image"),
    "webp-lossless": (pillow("WEBP", lossless=True), "image/webp", "webp", "image"),
    "pdf": (PDF, "application/pdf", "pdf", "file"),
    "zip": (zip_file({"a.txt": b"hello " * 100, "b/c.bin": bytes(range(256))}), "application/zip", "zip", "file"),
    "empty-zip": (zip_file({}), "application/zip", "zip", "file"),
    "text": ("Hello, wörld 👋\n\tindented\r\nx < y, a<=b\f".encode(), "text/plain; charset=utf-8", "txt", "file"),
    "text-bom": (b"\xef\xbb\xbfwith a BOM\n", "text/plain; charset=utf-8", "txt", "file"),
    "webm-opus": (webm(), "audio/webm", "webm", "audio"),
    "webm-vorbis": (webm(tracks=((2, "A_VORBIS"),)), "audio/webm", "webm", "audio"),
    "ogg-opus": (ogg(), "audio/ogg", "ogg", "audio"),
    "ogg-vorbis": (ogg(VORBIS_ID), "audio/ogg", "ogg", "audio"),
    "m4a": (mp4(), "audio/mp4", "m4a", "audio"),
    "mp4-isom-aac": (mp4(b"isom"), "audio/mp4", "m4a", "audio"),
    "mp4-opus": (mp4(b"iso6", ((b"soun", b"Opus"),)), "audio/mp4", "m4a", "audio"),
    "m4b-with-chapters": (mp4(b"M4B ", ((b"soun", b"mp4a"), (b"text", b"text"))), "audio/mp4", "m4a", "audio"),
    "mp3-id3": (id3() + FRAME + FRAME, "audio/mpeg", "mp3", "audio"),
    "mp3-bare": (FRAME * 3, "audio/mpeg", "mp3", "audio"),
    "mp3-id3v1": (FRAME * 2 + b"TAG" + bytes(125), "audio/mpeg", "mp3", "audio"),
    "mp3-padded-id3": (id3() + bytes(300) + FRAME * 2, "audio/mpeg", "mp3", "audio"),
}


@pytest.mark.parametrize("name", ACCEPTED_SAMPLES)
def test_every_accepted_type_is_recognised(upload: Upload, name: str) -> None:
    data, mime, ext, media = ACCEPTED_SAMPLES[name]
    assert upload(data) == Detected(mime, ext, media)


def test_the_name_is_not_even_an_input(upload: Upload) -> None:
    assert upload(pillow("PNG"), "x.pdf").type == "image/png"
    assert upload(PDF, "photo.jpg").type == "application/pdf"
    assert upload(b"just words\n", "evil.html").type.startswith("text/plain")


def test_moov_after_mdat_is_found(upload: Upload) -> None:
    data = mp4()
    ftyp_len = struct.unpack(">I", data[:4])[0]
    moov_len = struct.unpack(">I", data[ftyp_len : ftyp_len + 4])[0]
    ftyp, moov, mdat = data[:ftyp_len], data[ftyp_len : ftyp_len + moov_len], data[ftyp_len + moov_len :]
    big_mdat = box(b"mdat", bytes(3 * HEAD_BYTES))
    assert upload(ftyp + mdat + big_mdat + moov).type == "audio/mp4"


def test_a_large_id3_tag_is_skipped_to_the_first_frame(upload: Upload) -> None:
    assert upload(id3("x" * 3 * HEAD_BYTES) + FRAME * 2).type == "audio/mpeg"


def test_long_text_is_read_to_its_end(upload: Upload) -> None:
    line = "ünïcödé text, a long line of it\n".encode()
    good = line * 10_000  # 350 KB: several 64 KiB chunks, multi-byte characters cut at their edges
    assert upload(good).ext == "txt"
    with pytest.raises(Unsupported, match="control"):
        upload(good + b"\x00")
    with pytest.raises(Unsupported, match="UTF-8"):
        upload(good + b"\xc3")  # a character cut short at the end


REFUSED = {
    "empty": b"",
    "html": b"<!DOCTYPE html><html><body>hi</body></html>",
    "html-after-bom-and-space": b"\xef\xbb\xbf \n\t <HTML><p>x</p>",
    "svg": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    "xml": b'<?xml version="1.0"?><note>hi</note>',
    "xhtml": b'<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml"></html>',
    "comment-markup": b"some words <!-- a comment -->",
    "pdf-html-polyglot": b"%PDF-1.4\n<html><script>alert(1)</script></html>\n" + PDF[9:],
    "zip-html-polyglot": zip_file({"<iframe src=x>.txt": b"x"}),
    "text-with-script": b"a perfectly normal note\nthen <script>alert(1)</script>\n",
    "text-with-link": b"click <a href='https://evil.example'>here</a>",
    "text-with-bold": b"some <b>bold</b> words",
    "mp3-tag-with-markup": id3("<img src=x onerror=alert(1)>") + FRAME * 2,
    "elf": ELF,
    "pe": PE,
    "mach-o": b"\xcf\xfa\xed\xfe\x07\x00\x00\x01" + bytes(64),
    "shell-script": b"#!/bin/sh\necho hello\n",
    "random": random.Random(1).randbytes(4096),
    "utf16-le": "\ufeffhello in UTF-16\n".encode("utf-16-le"),
    "utf16-be": "\ufeffhello in UTF-16\n".encode("utf-16-be"),
    "utf16-no-bom": "hello in UTF-16\n".encode("utf-16-le"),
    "text-with-nul": b"hello\x00world\n",
    "text-with-escape": b"colours \x1b[31mred\x1b[0m\n",
    "latin-1": "café\n".encode("latin-1"),
    "matroska": webm("matroska"),
    "webm-video": webm(tracks=((1, "V_VP8"), (2, "A_OPUS"))),
    "webm-aac": webm(tracks=((2, "A_AAC"),)),
    "webm-no-tracks": webm(tracks=()),
    "ogg-theora": ogg(THEORA_ID, VORBIS_ID),
    "ogg-vorbis-theora": ogg(VORBIS_ID, THEORA_ID),
    "ogg-flac": ogg(b"\x7fFLAC\x01\x00\x00\x01fLaC" + bytes(38)),
    "mp4-video": mp4(b"isom", ((b"vide", b"avc1"), (b"soun", b"mp4a"))),
    "mp4-amr": mp4(b"3gp4", ((b"soun", b"samr"),)),
    "quicktime": mp4(b"qt  "),
    "mp4-no-moov": mp4()[:32],
    "heic": box(b"ftyp", b"heic", bytes(4), b"mif1heic") + full(b"meta", b""),
    "mp3-one-truncated-frame": FRAME[:100],
    "mp3-frame-then-junk": FRAME + b"\x12\x34\x56\x78" + bytes(100),
    "mpeg-layer-2": b"\xff\xfd\x90\x64" + bytes(413),
    "aac-adts": b"\xff\xf1\x50\x80\x02\x1f\xfc" + bytes(64),
    "flac": b"fLaC\x00\x00\x00\x22" + bytes(34),
    "wav": b"RIFF" + struct.pack("<I", 36) + b"WAVEfmt " + bytes(28),
    "gif-bad-version": b"GIF12a" + pillow("GIF")[6:],
    "png-short-signature": b"\x89PNG" + bytes(60),
    "webp-vp9": b"RIFF" + struct.pack("<I", 60) + b"WEBPVP9 " + bytes(60),
    "bmp": pillow("BMP"),
    "tiff": pillow("TIFF"),
    "gzip": b"\x1f\x8b\x08\x00" + bytes(20),
    "spanned-zip-marker": b"PK\x07\x08" + bytes(30),
    "pdf-not-at-start": b"junk\n" + PDF,
}


@pytest.mark.parametrize("name", REFUSED)
def test_refused(upload: Upload, name: str) -> None:
    with pytest.raises(Unsupported) as refusal:
        upload(REFUSED[name])
    assert str(refusal.value)


def test_refusals_say_why(upload: Upload) -> None:
    reasons = {}
    for name in ("empty", "html", "elf", "pe", "shell-script", "utf16-le", "text-with-nul", "latin-1", "tiff"):
        with pytest.raises(Unsupported) as refusal:
            upload(REFUSED[name])
        reasons[name] = str(refusal.value)
    assert reasons == {
        "empty": "empty file",
        "html": "refused: HTML, SVG or XML markup",
        "elf": "refused: an ELF executable",
        "pe": "refused: a Windows executable",
        "shell-script": "refused: a script (#!)",
        "utf16-le": "UTF-16 text is not accepted",
        "text-with-nul": "binary data (control characters)",
        "latin-1": "not UTF-8 text",
        "tiff": "image/tiff is not accepted",
    }


def test_images_are_exempt_from_the_markup_check(upload: Upload) -> None:
    # The re-encoding in chatserver/images.py drops the comment; the file's signature decides here.
    gif = pillow("GIF", comment=b"<script>alert(1)</script>")
    assert b"<script>" in gif[:HEAD_BYTES]
    assert upload(gif).type == "image/gif"


def test_markup_past_the_first_kib_does_not_refuse_text(upload: Upload) -> None:
    # Decision: the sniffing window is the first KiB (after a BOM and leading whitespace).
    assert upload(b"x" * 1100 + b"<script>\n").ext == "txt"
    with pytest.raises(Unsupported):
        upload(b"x" * 1000 + b"<script>\n")
    with pytest.raises(Unsupported):
        upload(b" " * 5000 + b"x" * 1000 + b"<script>\n")


def test_a_text_file_that_starts_like_a_binary_format_is_still_text(upload: Upload) -> None:
    # filetype's loose matchers (SWF is "FWS", PostScript "%!") must not refuse valid text.
    for text in (b"FWS is an abbreviation\n", b"%!PS-Adobe-3.0\n", b"{\\rtf1 plain}\n"):
        assert upload(text).ext == "txt"


# -- properties -----------------------------------------------------------------------------------

SIGNATURES = [
    b"",
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    b"\xff\xd8\xff",
    b"GIF89a",
    b"RIFF\x00\x00\x00\x00WEBPVP8 ",
    b"%PDF-1.7\n",
    b"PK\x03\x04",
    b"\x1aE\xdf\xa3",
    b"OggS\x00\x02",
    b"\x00\x00\x00\x18ftypM4A ",
    b"ID3\x03\x00\x00\x00\x00\x00\x00",
    b"\xff\xfb\x90\x64",
    b"\xef\xbb\xbf",
    b"#!",
    b"MZ",
]
MARKUP = [b"<script", b"<SCRIPT>", b"<html", b"<svg", b"<?xml", b"<!--", b"<iframe ", b"<a ", b"<p>"]
SHORT_TAGS = (b"<a ", b"<p>")
SAMPLES = [data for data, *_ in ACCEPTED_SAMPLES.values()]
ACCEPTED_TYPES = {d.type for d in ACCEPTED}
IMAGE_TYPES = {d.type for d in ACCEPTED if d.media == "image"}


@st.composite
def uploads(draw: st.DrawFn) -> bytes:
    """Arbitrary bytes, often starting like an accepted format and sometimes carrying markup."""
    data = draw(st.sampled_from(SIGNATURES)) + draw(st.binary(max_size=600))
    if draw(st.booleans()):
        data += draw(st.text(max_size=200)).encode()
    if draw(st.booleans()):
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.sampled_from(MARKUP)) + data[at:]
    return data


@st.composite
def damaged(draw: st.DrawFn) -> bytes:
    """A valid sample cut short, with bytes overwritten, or both: the parsers meet broken structures."""
    data = bytearray(draw(st.sampled_from(SAMPLES)))
    for _ in range(draw(st.integers(0, 4))):
        if data:
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    return bytes(data[: draw(st.integers(0, len(data)))])


@pytest.fixture(scope="module")
def scratch() -> Iterator[Path]:
    """One file rewritten for every example (Hypothesis runs many examples per test)."""
    with tempfile.TemporaryDirectory() as folder:
        yield Path(folder) / "upload"


def outcome(path: Path, data: bytes) -> Detected | None:
    """detect() on data: the type, or None when refused; any other exception fails the test."""
    path.write_bytes(data)
    try:
        found = detect(str(path))
    except Unsupported as refusal:
        assert str(refusal)
        return None
    assert found in ACCEPTED
    return found


@PROPS
@given(data=st.one_of(uploads(), damaged(), st.binary(max_size=2048)))
def test_any_bytes_give_an_accepted_type_or_a_refusal(scratch: Path, data: bytes) -> None:
    found = outcome(scratch, data)
    if found is not None and found.type not in IMAGE_TYPES:
        assert b"<script" not in data[:1024].lower()
        assert not data.startswith((b"#!", b"MZ", b"\x7fELF"))
        assert found.type in ACCEPTED_TYPES


@PROPS
@given(sample=st.sampled_from(SAMPLES), markup=st.sampled_from(MARKUP), where=st.integers(0, 1000))
def test_markup_in_the_first_kib_refuses_every_non_image(
    scratch: Path, sample: bytes, markup: bytes, where: int
) -> None:
    at = min(where, len(sample))
    found = outcome(scratch, sample[:at] + markup + b">" + sample[at:])
    if found is not None and found.type in ("application/zip", "application/pdf") and markup in SHORT_TAGS:
        return  # a short tag in compressed data is chance (test_compressed_bytes_in_a_...)
    assert found is None or found.media == "image"


def zip_entry(name: bytes, data: bytes, method: int) -> bytes:
    """One local file header and its data, as it is in a ZIP (method 0: stored, 8: deflated)."""
    header = struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, method, 0, 0, 0, len(data), len(data), len(name), 0)
    return header + name + data


def test_compressed_bytes_in_a_zip_are_not_taken_for_markup(upload: Upload) -> None:
    # Deflated data is random-looking: "<a " or "<p>" turn up in it by chance, and mean nothing.
    chance = b"\x8f\x13<a \x02\x99<p>\x00<B/\x17" * 4
    assert upload(zip_entry(b"data.bin", chance, 8) + b"PK\x05\x06" + bytes(18)).type == "application/zip"


def test_markup_a_reader_could_see_in_a_zip_is_refused(upload: Upload) -> None:
    stored = zip_entry(b"page.txt", b"<html><script>alert(1)</script></html>", 0)
    after_stored = zip_entry(b"a.txt", b"hello", 0) + zip_entry(b"<svg onload=x>.bin", b"\x00", 8)
    smuggled = zip_entry(b"data.bin", b"\x8f\x13<script>alert(1)</script>", 8)  # "compressed"
    for data in (stored, after_stored, smuggled):
        with pytest.raises(Unsupported, match="markup"):
            upload(data + b"PK\x05\x06" + bytes(18))


def pdf_with_stream(data: bytes, before: bytes = b"") -> bytes:
    """A PDF whose first object is a stream of `data` (compressed, as far as anyone reading it knows)."""
    return (
        b"%PDF-1.5\n"
        + before
        + b"1 0 obj\n<</Length %d>>\nstream\n" % len(data)
        + data
        + b"\nendstream\nendobj\n%%EOF\n"
    )


def test_compressed_bytes_in_a_pdf_stream_are_not_taken_for_markup(upload: Upload) -> None:
    assert upload(pdf_with_stream(b"\x8f\x13<a \x02\x99<p>\x00<B/\x17" * 4)).type == "application/pdf"


def test_markup_a_reader_could_see_in_a_pdf_is_refused(upload: Upload) -> None:
    for data in (
        pdf_with_stream(b"\x00\x01", before=b"<p>hello</p>\n"),  # outside any stream: a short tag counts
        pdf_with_stream(b"\x8f<script>alert(1)</script>"),  # a long marker counts anywhere
    ):
        with pytest.raises(Unsupported, match="markup"):
            upload(data)
