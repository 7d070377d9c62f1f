"""A page's title, description, image and site name, read from its head with the standard HTMLParser."""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

MAX_TITLE = 200
MAX_DESCRIPTION = 500
MAX_SITE_NAME = 100
MAX_IMAGE_URL = 2048
_FEED = 64 * 1024  # fed in pieces, so that parsing stops soon after the head ends

_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_META_CHARSET = re.compile(rb"""<meta\s[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_:.+-]{1,40})""", re.IGNORECASE)
_IMAGE_KEYS = ("og:image", "og:image:url", "og:image:secure_url", "twitter:image", "twitter:image:src")


@dataclass(frozen=True)
class PageMeta:
    """What a card shows of a page; image_url is absolute http(s) or None."""

    title: str
    description: str
    image_url: str | None
    site_name: str


def _codec(label: str | None, *, declared_in_page: bool) -> str | None:
    """Python's codec for a charset label, or None when there is no such text encoding."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip()).name
        b"".decode(name)  # only text encodings: codecs.lookup also knows "zlib", "base64", ...
    except LookupError:
        return None
    if name in ("latin-1", "iso8859-1", "ascii"):
        return "cp1252"  # what browsers mean by these labels (WHATWG Encoding), and a superset
    if name == "utf-7" or (declared_in_page and name.startswith(("utf-16", "utf-32"))):
        return "utf-8"  # a <meta> readable as ASCII cannot be UTF-16; browsers never decode UTF-7
    return name


def decode(body: bytes, charset: str | None) -> str:
    """The text of a page: by its byte order mark, else the Content-Type charset, else the first
    <meta charset> in its first 1024 bytes, else UTF-8; undecodable bytes replaced."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(name, errors="replace")
    found = _META_CHARSET.search(body[:1024])
    encoding = (
        _codec(charset, declared_in_page=False)
        or _codec(found.group(1).decode("ascii") if found else None, declared_in_page=True)
        or "utf-8"
    )
    return body.decode(encoding, errors="replace")


class _HeadParser(HTMLParser):
    """Collects <meta> contents by property or name, and the first <title>, until the head ends."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)  # entities in text and attributes come unescaped
        self.meta: dict[str, str] = {}
        self.title: list[str] | None = None
        self.in_title = False
        self.done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.done:
            return
        if tag == "body":
            self.done = True
        elif tag == "title" and self.title is None:
            self.title, self.in_title = [], True
        elif tag == "meta":
            values = {name: value or "" for name, value in attrs}
            if "content" not in values:
                return
            for attribute in ("property", "name"):  # og: uses property=, twitter: name=; pages mix them
                key = values.get(attribute, "").strip().lower()
                if key and key not in self.meta:
                    self.meta[key] = values["content"]

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        elif tag == "head":
            self.done = True

    def handle_data(self, data: str) -> None:
        # <script> and <style> contents never arrive inside a title: HTMLParser reads them as
        # raw text of their own element.
        if self.in_title and self.title is not None and not self.done:
            self.title.append(data)


def clean(text: str, limit: int) -> str:
    """Text for a card: control characters dropped, white space collapsed, at most limit characters."""
    text = "".join(c for c in text if unicodedata.category(c) != "Cc" or c.isspace())
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def image_url(page_url: str, value: str) -> str | None:
    """An og:image value made absolute against the page; only http(s)."""
    value = value.strip()
    if not value or len(value) > MAX_IMAGE_URL:
        return None
    absolute = urljoin(page_url, value)
    return absolute if urlsplit(absolute).scheme in ("http", "https") else None


def parse_page(body: bytes, charset: str | None, page_url: str) -> PageMeta:
    """The card's fields from a page's bytes (at most the fetch cap); the title is '' when it has none."""
    text = decode(body, charset)
    parser = _HeadParser()
    for start in range(0, len(text), _FEED):
        parser.feed(text[start : start + _FEED])
        if parser.done:
            break
    else:
        parser.close()  # the text it holds back in case an entity goes on: a body cut at the cap
    meta = parser.meta

    def first(*keys: str, limit: int) -> str:
        for key in keys:
            value = clean(meta.get(key, ""), limit)
            if value:
                return value
        return ""

    title = first("og:title", "twitter:title", limit=MAX_TITLE) or clean("".join(parser.title or ()), MAX_TITLE)
    description = first("og:description", "twitter:description", "description", limit=MAX_DESCRIPTION)
    image = next((u for u in (image_url(page_url, meta[k]) for k in _IMAGE_KEYS if k in meta) if u), None)
    site_name = first("og:site_name", limit=MAX_SITE_NAME) or (urlsplit(page_url).hostname or "")
    return PageMeta(title, description, image, site_name)
