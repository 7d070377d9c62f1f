"""Uploaded images re-encoded with Pillow: metadata dropped, orientation applied, a WebP thumbnail made.

Re-encoding is what makes an image safe to serve inline: only pixels survive, so a polyglot's
payload (chatserver/filetypes.py exempts images from its markup check for this reason), EXIF with
GPS positions, maker notes, XMP, IPTC, comments and PNG text chunks are all gone.

Decisions:
- The output format is the input's: JPEG (quality 88, progressive, optimised Huffman tables), PNG,
  GIF, WebP (lossy, quality 88: the same for lossless sources, whose visible change is slight).
- The ICC profile is kept when it fits the output's colours (an RGB profile on RGB, a grey one on
  grey): without it wide-gamut photos (Display P3 from phones) shift colour, and a profile names a
  colour space, not a person or a place. CMYK JPEGs become RGB, through their profile if they have one.
- Animations (GIF, WebP, APNG) keep every frame, each frame's duration and the loop count. Pillow
  composes each frame whole, so the encoder derives disposal afresh instead of copying it. EXIF
  orientation is applied to still images only: Pillow's writers read an animation's frames from
  the source, and a rotated animation is rare.
- Bombs: the size is checked against max_pixels right after Image.open, which reads only the
  header, before any pixel is decoded; Pillow's own DecompressionBombError becomes TooLarge too.
  Image.MAX_IMAGE_PIXELS (process-wide) and warnings filters (not thread-safe) are left alone.
- The thumbnail is a still WebP: None for a still image already within THUMBNAIL_PX, the first
  frame for an animation of any size (lists and reduced-motion views show it still).
"""

from __future__ import annotations

import io
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Any

from PIL import ExifTags, Image, ImageCms, ImageFile

THUMBNAIL_PX = 480
DEFAULT_MAX_PIXELS = 40_000_000
#: An animation may have at most this many frames ...
MAX_FRAMES = 1000
#: ... and at most this many times max_pixels in all its frames together. Re-encoding costs about
#: 110 (WebP) to 160 (GIF: each frame is quantized again) ns per pixel of every frame on a loaded
#: 2-core machine, so the default 40 M pixel-frames take ~5 s at worst; 4x would take ~30 s.
ANIMATION_FACTOR = 1

#: The detected type (chatserver/filetypes.py) and the only Pillow decoder allowed to read it.
FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/gif": "GIF", "image/webp": "WEBP"}
_OUTPUT = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "GIF": ("image/gif", "gif")}
_OUTPUT["WEBP"] = ("image/webp", "webp")
_PNG_MODES = ("1", "L", "LA", "I", "I;16", "P", "RGB", "RGBA")
_GREY_MODES = ("1", "L", "LA", "I", "I;16")
_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
# A decoder fed hostile bytes fails in many ways; each of these means "not an image we can read".
_DECODE_ERRORS = (OSError, ValueError, SyntaxError, EOFError, struct.error, IndexError, KeyError, ZeroDivisionError)


@dataclass(frozen=True)
class Encoded:
    """An encoded image and what it is."""

    data: bytes
    type: str
    ext: str
    width: int
    height: int


@dataclass(frozen=True)
class Processed:
    """The re-encoded image and its thumbnail (None when the image is a small still one)."""

    image: Encoded
    thumbnail: Encoded | None


class TooLarge(Exception):
    """Over the pixel cap or a decompression bomb (the caller answers 413)."""


class Undecodable(Exception):
    """Not an image Pillow can decode although its signature said so (caller answers 415)."""


def process_image(path: str, detected_type: str, max_pixels: int = DEFAULT_MAX_PIXELS) -> Processed:
    """The image at path re-encoded in its own format without metadata, and its thumbnail."""
    fmt = FORMATS.get(detected_type)
    if fmt is None:
        raise Undecodable(f"not an image type: {detected_type}")
    with _opened(path, [fmt], max_pixels) as im:
        icc = im.info.get("icc_profile")
        frames = _frame_count(im, max_pixels)
        if frames > 1:
            data = _animation(im, fmt, frames, max_pixels, icc)
            im.seek(0)
            return Processed(_encoded(data, fmt), _thumbnail(im, THUMBNAIL_PX, icc))
        upright = _upright(im)
        small = max(upright.size) <= THUMBNAIL_PX
        thumbnail = None if small else _thumbnail(upright, THUMBNAIL_PX, icc)
        return Processed(_encoded(_still(upright, fmt, icc), fmt), thumbnail)


def thumbnail_from_bytes(data: bytes, max_pixels: int = DEFAULT_MAX_PIXELS, px: int = THUMBNAIL_PX) -> Encoded:
    """For link-preview images fetched by the server: decode (any of JPEG/PNG/GIF/WebP), strip, and re-encode as a WebP of at most px on the long side. Raises TooLarge / Undecodable."""
    with _opened(io.BytesIO(data), list(FORMATS.values()), max_pixels) as im:
        return _thumbnail(_upright(im), px, im.info.get("icc_profile"))


@contextmanager
def _opened(source: str | IO[bytes], formats: list[str], max_pixels: int) -> Iterator[ImageFile.ImageFile]:
    """The image opened (header only) and within max_pixels; any decoding failure in the block is Undecodable."""
    try:
        with Image.open(source, formats=formats) as im:
            _check_size(im.size, 1, max_pixels)
            yield im
    except Image.DecompressionBombError as error:
        raise TooLarge(str(error)) from error
    except MemoryError as error:
        raise TooLarge("out of memory decoding the image") from error
    except _DECODE_ERRORS as error:
        raise Undecodable(f"{type(error).__name__}: {error}") from error


def _check_size(size: tuple[int, int], frames: int, max_pixels: int) -> None:
    """Raise TooLarge when one frame is over max_pixels or all frames together over their share."""
    pixels = size[0] * size[1]
    if pixels > max_pixels:
        raise TooLarge(f"{size[0]}x{size[1]} is over {max_pixels} pixels")
    if frames > 1 and pixels * frames > ANIMATION_FACTOR * max_pixels:
        raise TooLarge(f"{frames} frames of {size[0]}x{size[1]} are over {ANIMATION_FACTOR * max_pixels} pixels")


def _frame_count(im: ImageFile.ImageFile, max_pixels: int) -> int:
    """The number of frames, read from the headers (no decoding), within MAX_FRAMES and the pixel share."""
    frames = int(getattr(im, "n_frames", 1))
    if frames > MAX_FRAMES:
        raise TooLarge(f"{frames} frames are over {MAX_FRAMES}")
    _check_size(im.size, frames, max_pixels)
    return frames


def _upright(im: ImageFile.ImageFile) -> Image.Image:
    """The decoded image turned as its EXIF (or XMP) orientation says."""
    im.load()
    try:
        method = _TRANSPOSE.get(im.getexif().get(ExifTags.Base.Orientation, 1))
    except Exception:  # untrusted metadata, dropped anyway: if it is broken, nothing turns
        method = None
    # Not ImageOps.exif_transpose: it writes the EXIF back without the orientation, and a broken one fails there.
    return im if method is None else im.transpose(method)


def _animation(im: ImageFile.ImageFile, fmt: str, frames: int, max_pixels: int, icc: bytes | None) -> bytes:
    """Every frame re-encoded in fmt, with its duration, and the loop count."""
    durations, transparent = [], False
    for index in range(frames):
        im.seek(index)
        # A GIF frame may reach past the logical screen, and Pillow then grows the canvas.
        _check_size(im.size, frames, max_pixels)
        im.load()
        durations.append(int(im.info.get("duration") or 0))
        transparent |= im.has_transparency_data
    params: dict[str, Any] = {"save_all": True, "duration": durations}
    if "loop" in im.info:  # a GIF without a loop count plays once
        params["loop"] = im.info["loop"]
    if fmt == "GIF":
        params["comment"] = b""  # else the writer copies the source's comment
        if transparent:
            # Frames come whole; a frame drawn over the last cannot make pixels transparent again,
            # so each is drawn on a cleared canvas ("restore to background").
            params["disposal"] = 2
    elif fmt == "WEBP":
        params.update(quality=88, exif=b"", xmp=b"")
    # PNG's writer falls back to the source's profile: say which one, or none, every time.
    params["icc_profile"] = _icc(icc, "RGB")
    out = io.BytesIO()
    im.save(out, fmt, **params)
    return out.getvalue()


def _still(img: Image.Image, fmt: str, icc: bytes | None) -> bytes:
    """One image re-encoded in fmt with nothing but its pixels (and a fitting ICC profile)."""
    transparency = img.info.get("transparency")
    img.info = {}  # writers fall back to info for comments, profiles and text: keep none of it
    params: dict[str, Any] = {}
    if fmt == "JPEG":
        if img.mode == "CMYK":
            img, icc = _cmyk_to_rgb(img, icc), None
        elif img.mode not in ("L", "RGB"):
            img = img.convert("RGB")
        params.update(quality=88, optimize=True, progressive=True)
    elif fmt == "PNG":
        if img.mode not in _PNG_MODES:
            img = img.convert("RGBA" if img.has_transparency_data else "RGB")
        # zlib level 3: a 12 MP photo saved as PNG takes a quarter of the time of Pillow's 6, ~10% larger
        params["compress_level"] = 3
    elif fmt == "WEBP":
        # method 2 of 0-6: 4x faster than Pillow's 4 on a 12 MP photo, output ~6% larger
        params.update(quality=88, method=2, exif=b"", xmp=b"")
    if transparency is not None and fmt in ("PNG", "GIF") and img.mode in ("1", "L", "I", "I;16", "P", "RGB"):
        params["transparency"] = transparency
    params["icc_profile"] = _icc(icc, img.mode)
    out = io.BytesIO()
    img.save(out, fmt, **params)
    return out.getvalue()


def _icc(profile: bytes | None, mode: str) -> bytes | None:
    """The profile when its colour space (bytes 16-20 of its header) is that of mode, else None."""
    wanted = b"GRAY" if mode in _GREY_MODES else b"RGB "
    return profile if profile and profile[16:20] == wanted else None


def _cmyk_to_rgb(img: Image.Image, icc: bytes | None) -> Image.Image:
    """A CMYK image in sRGB: through its own profile if it has a usable one, else Pillow's formula."""
    if icc:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            converted = ImageCms.profileToProfile(img, source, ImageCms.createProfile("sRGB"), outputMode="RGB")
        except (ImageCms.PyCMSError, OSError, ValueError):
            converted = None
        if converted is not None:
            return converted
    return img.convert("RGB")


def _thumbnail(img: Image.Image, px: int, icc: bytes | None) -> Encoded:
    """A WebP of img at most px on its long side (never enlarged), quality 80."""
    if img.mode == "CMYK":
        img, icc = _cmyk_to_rgb(img, icc), None
    mode = "RGBA" if img.has_transparency_data else "RGB"
    if img.mode != mode:
        img = img.convert(mode)
    width, height = img.size
    scale = min(1.0, px / max(width, height))
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    if size != img.size:
        # reducing_gap: a fast box reduction first, then Lanczos over the last factor of 3
        img = img.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
    out = io.BytesIO()
    img.save(out, "WEBP", quality=80, icc_profile=_icc(icc, mode), exif=b"", xmp=b"")
    return Encoded(out.getvalue(), "image/webp", "webp", *img.size)


def _encoded(data: bytes, fmt: str) -> Encoded:
    """data as an Encoded, its size read back from what was written."""
    with Image.open(io.BytesIO(data), formats=[fmt]) as written:
        width, height = written.size
    return Encoded(data, *_OUTPUT[fmt], width, height)
