"""Emoji: whether a text is exactly one emoji (a reaction), the one form it is stored in, and the
picker's catalog in each language (static/emoji-picker.js, served at /emoji/<code>.json).

What counts as one emoji: exactly one entry of Unicode's emoji-test.txt (as the `emoji` package
carries it, RGI sequences included: skin tones, ZWJ sequences, flags, keycaps), fully-qualified,
minimally-qualified or unqualified (with or without U+FE0F), and nothing else: no space or text
around it, no second emoji, no non-RGI sequence. Refused as well: Unicode's "component" entries,
which the emoji package lists but which are no emoji alone (the skin-tone modifiers 🏻-🏿 and the
hair components 🦰🦱🦳🦲), and what the emoji package does not list at all (a bare regional
indicator, ZWJ or U+FE0F; a digit, "#" or "*" without its keycap; a text presentation sequence
with U+FE0E). Unqualified forms such as "©", "™" and "❤" are accepted: they are listed emoji
whose fully-qualified form ("©️", "™️", "❤️") is what canonical_emoji stores.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from types import MappingProxyType

import emoji

from chatserver.emoji_groups import GROUPS
from chatserver.i18n import LANGUAGES

VS16 = "\ufe0f"  # VARIATION SELECTOR-16: emoji presentation
_COMPONENT = emoji.STATUS["component"]
_FULLY_QUALIFIED = emoji.STATUS["fully_qualified"]


def _qualified() -> MappingProxyType[str, str]:
    """Every emoji without its U+FE0F → its fully-qualified form (the two differ only in FE0F)."""
    table = {
        text.replace(VS16, ""): text for text, data in emoji.EMOJI_DATA.items() if data["status"] == _FULLY_QUALIFIED
    }
    return MappingProxyType(table)


# Read-only, made once from the emoji package's data.
_QUALIFIED = _qualified()


def one_emoji(text: str) -> bool:
    """Whether text is exactly one emoji (see the module's docstring for the rule)."""
    return emoji.is_emoji(text) and emoji.EMOJI_DATA[text]["status"] != _COMPONENT


def canonical_emoji(text: str) -> str:
    """The fully-qualified form of one emoji: "❤" and "❤️" are one reaction, stored as "❤️".
    ValueError when text is not one emoji (one_emoji says so first)."""
    if not one_emoji(text):
        raise ValueError(f"not one emoji: {text!r}")
    return _QUALIFIED[text.replace(VS16, "")]


# -- the picker's catalog ------------------------------------------------------------------------


def group_id(name: str) -> str:
    """The catalog's id of a Unicode group: "Smileys & Emotion" → "smileys-emotion"."""
    return "-".join(name.lower().replace("&", " ").split())


def picker_groups() -> list[tuple[str, list[str]]]:
    """Unicode's groups in order, each with its emoji in order (chatserver/emoji_groups.py)."""
    groups = []
    for name, block in GROUPS:
        points = (line.partition("#")[0].split() for line in block.splitlines())
        groups.append((name, ["".join(chr(int(p, 16)) for p in hexes) for hexes in points if hexes]))
    return groups


def names_language(code: str) -> str:
    """The emoji package's language for one of ours (pt_BR → pt); English when it has none."""
    base = code.split("_")[0]
    return base if base in emoji.LANGUAGES else "en"


def _words(shortcode: str) -> str:
    """A name as people read it: ":thumbs_up:" → "thumbs up"."""
    return " ".join(shortcode.strip(":").replace("_", " ").split())


def emoji_catalog(language: str) -> bytes:
    """The picker's JSON for one of our language codes: {"code", "groups": [{"id", "emoji": [[emoji,
    name, keywords?], ...]}]}. Names in the language (English where it has none), keywords the
    English shortcodes and, in another language, the English name's words, less the name's own."""
    names = names_language(language)
    emoji.config.load_language(names)
    groups = []
    for name, members in picker_groups():
        entries: list[list[str]] = []
        for one in members:
            data = emoji.EMOJI_DATA.get(one)
            if data is None:
                continue  # newer than the installed emoji package: it has no name for it yet
            shown = _words(data.get(names) or data["en"])
            seen = set(shown.lower().split())
            keywords: list[str] = []
            for phrase in [data["en"], *data.get("alias", [])]:
                for word in _words(phrase).lower().split():
                    if word not in seen:
                        seen.add(word)
                        keywords.append(word)
            entries.append([one, shown, " ".join(keywords)] if keywords else [one, shown])
        groups.append({"id": group_id(name), "emoji": entries})
    body = {"code": language, "groups": groups}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


@dataclass(frozen=True, slots=True)
class EmojiCatalog:
    """One language's catalog and its version (a hash of it, for the cache-busting ?v=)."""

    body: bytes
    version: str

    @property
    def etag(self) -> str:
        return f'"{self.version}"'


class EmojiCatalogs:
    """The picker's catalogs for our languages, each built when first asked for, then kept."""

    def __init__(self, codes: Iterable[str] | None = None) -> None:
        self.codes = frozenset(codes if codes is not None else (code for code, _name in LANGUAGES))
        self._built: dict[str, EmojiCatalog] = {}

    def catalog(self, code: str) -> EmojiCatalog | None:
        """The catalog of one of our language codes; None for any other code."""
        if code not in self.codes:
            return None
        found = self._built.get(code)
        if found is None:
            body = emoji_catalog(code)
            found = self._built[code] = EmojiCatalog(body, hashlib.sha256(body).hexdigest()[:12])
        return found

    def url(self, code: str) -> str | None:
        """The catalog's cache-busting URL, for a page's <html data-emoji>; None for an unknown code."""
        found = self.catalog(code)
        return None if found is None else f"/emoji/{code}.json?v={found.version}"
