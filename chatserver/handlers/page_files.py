"""What the transcript page shows of a message's files and its link preview (templates/item_files.html):
each file as the room draws it (static/file-view.js): an image with its size reserved, audio with
its length, anything else as a card with its kind and its size in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from babel.units import format_unit

from chatserver.i18n import Language
from chatserver.models import Item

IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp")
KINDS = {"application/pdf": "pdf", "text/plain": "text", "application/zip": "zip"}
UNITS = ("digital-byte", "digital-kilobyte", "digital-megabyte", "digital-gigabyte")
SINGLE = (360, 300)  # the box one image is shown within, in CSS pixels (file-view.js: the same)


@dataclass(frozen=True, slots=True)
class ShownFile:
    """One file of a message as the page draws it."""

    name: str
    url: str
    kind: str  # "image", "audio", "pdf", "text", "zip" or "other"
    size: str  # as the reader's language writes it
    src: str  # an image's thumbnail (or the image), else the url
    width: int  # of what src shows (0: unknown)
    height: int
    shown_width: int  # one image alone: how wide it is shown, in CSS pixels
    duration: str  # an audio file's length as a clock reads it ("" when not given)
    duration_iso: str


@dataclass(frozen=True, slots=True)
class ShownPreview:
    """A message's link preview as the page draws it."""

    url: str
    title: str
    description: str
    site: str
    image: str | None  # a path on this server, never another site's address
    width: int
    height: int


def kind_of(media_type: str) -> str:
    """What a file is, for how it is drawn."""
    media = media_type.split(";")[0].strip().lower()
    if media in IMAGE_TYPES:
        return "image"
    if media.startswith("audio/"):
        return "audio"
    return KINDS.get(media, "other")


def size_text(size: int, language: Language) -> str:
    """Bytes as the reader's language writes them: 830 bytes, 12 kB, 1.2 MB (powers of 1000)."""
    value, unit = float(max(0, size)), 0
    while value >= 1000 and unit < len(UNITS) - 1:
        value /= 1000
        unit += 1
    pattern = "#,##0.#" if unit and value < 10 else "#,##0"
    return format_unit(value, UNITS[unit], "short" if unit else "long", format=pattern, locale=language.code)


def duration_text(seconds: float) -> str:
    """A length as a clock reads it: 0:07, 12:30, 1:02:03."""
    whole = max(0, round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{secs:02}" if hours else f"{minutes}:{secs:02}"


def _int(value: Any) -> int:
    return value if isinstance(value, int) and value > 0 else 0


def shown_files(item: Item, language: Language) -> list[ShownFile]:
    """A message's files (none once it was removed), in the order they were sent."""
    files = (item.data or {}).get("files")
    if item.retracted or not isinstance(files, list):
        return []
    images = sum(1 for f in files if isinstance(f, dict) and kind_of(str(f.get("type", ""))) == "image")
    shown = []
    for f in files:
        if not isinstance(f, dict) or not isinstance(f.get("url"), str) or not isinstance(f.get("name"), str):
            continue
        kind = kind_of(str(f.get("type", "")))
        thumb = f.get("thumbnail_url") if isinstance(f.get("thumbnail_url"), str) else None
        width = _int(f.get("thumbnail_width") if thumb else f.get("width")) or _int(f.get("width"))
        height = _int(f.get("thumbnail_height") if thumb else f.get("height")) or _int(f.get("height"))
        shown_width = 0
        if kind == "image" and images == 1 and width and height:
            shown_width = max(48, round(width * min(1, SINGLE[0] / width, SINGLE[1] / height)))
        duration = f.get("duration")
        seconds = float(duration) if isinstance(duration, (int, float)) and duration > 0 else 0.0
        shown.append(
            ShownFile(
                name=f["name"],
                url=f["url"],
                kind=kind,
                size=size_text(_int(f.get("size")), language),
                src=thumb or f["url"],
                width=width,
                height=height,
                shown_width=shown_width,
                duration=duration_text(seconds) if seconds else "",
                duration_iso=f"PT{round(seconds)}S" if seconds else "",
            )
        )
    return shown


def shown_preview(item: Item) -> ShownPreview | None:
    """A message's link preview (kept in its data) as the card shows it; None when it has none, was
    removed, or the preview has no http(s) address or no title."""
    value = (item.data or {}).get("preview")
    if item.retracted or not isinstance(value, dict):
        return None
    url, title = value.get("url"), value.get("title")
    if not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https") or not isinstance(title, str):
        return None
    if not title.strip():
        return None
    image = value.get("image_url")
    own = isinstance(image, str) and image.startswith("/") and not image.startswith("//")
    site = value.get("site_name")
    description = value.get("description")
    return ShownPreview(
        url=url,
        title=title.strip(),
        description=description.strip() if isinstance(description, str) else "",
        site=site.strip() if isinstance(site, str) and site.strip() else urlsplit(url).hostname or "",
        image=image if own else None,
        width=_int(value.get("image_width")),
        height=_int(value.get("image_height")),
    )
