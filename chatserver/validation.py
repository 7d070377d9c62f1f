"""Parsing of request input: every check that turns bad input into a clear InvalidRequest."""

from __future__ import annotations

import json
import math
import re
import unicodedata
from typing import Any

from chatserver.errors import N_, InvalidRequest, NicknameTaken
from chatserver.i18n import LANGUAGES

TITLE_MAX = 200
DESCRIPTION_MAX = 5000
NICKNAME_MAX = 32
BODY_MAX = 4000
CLIENT_ID_MAX = 64
LIST_LIMIT_MAX = 200
POLL_LIMIT_MAX = 1000
CURSOR_MAX = 10**18 - 1  # the largest `after`/`reads` cursor: 18 digits, as chatserver/openapi.json publishes

# Bidirectional embeddings, overrides, isolates and marks let a nickname display as another (or
# reorder the text around it); they are refused in nicknames. Bodies keep them: people writing
# Arabic, Hebrew or Persian next to Latin text, numbers or code need them, and what they can
# reorder is only the message's own text -- the client shows each body (and each author) as an
# isolated bidi run (`unicode-bidi: isolate` on .item .body, its links and .item .author in
# static/style.css), so an unterminated U+202E cannot reach the next message or the author name.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
# Characters that show nothing: Unicode's Default_Ignorable_Code_Point set (zero-width space and
# joiners, word joiner, BOM, soft hyphen, variation selectors, Hangul fillers, tags, ...) plus the
# braille blank U+2800, a favourite "empty" name. They are left out when nicknames are compared
# (so "alice" and "al\u200bice" collide) and do not count as content: a nickname or a body made only
# of them and white space is refused.
_IGNORABLE_RANGES = (
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x061C, 0x061C),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x206F),
    (0x2800, 0x2800),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFF8),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
)
_IGNORABLE = re.compile("[" + "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in _IGNORABLE_RANGES) + "]")
_IGNORABLE_CHARS = frozenset(chr(c) for lo, hi in _IGNORABLE_RANGES for c in range(lo, hi + 1))
# Trimmed from both ends of one-line fields along with white space: invisible characters that
# copy-paste leaves behind (BOM, zero-width space, ...). Variation selectors and tag characters
# are not in it: they end emoji (U+FE0F) and flag sequences and are meaningful at the end.
_EDGE_INVISIBLE = frozenset(
    "\u00ad\u034f\u115f\u1160\u180e\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\u2800\u3164\ufeff\uffa0"
)
# Line and paragraph separators are line breaks: refused in one-line fields, turned into \n in bodies.
_LINE_SEPARATORS = ("\u2028", "\u2029")
# "Zalgo" text stacks dozens of combining marks on one letter so that it spills over the lines
# above and below. Real orthographies need far fewer non-spacing marks per character (Vietnamese
# 2, Arabic and Hebrew with vowels and cantillation 3-5, Tibetan stacks about 6), so more than this
# many in a row is refused. Only non-spacing marks (Mn, Me) count: a spacing mark (Mc, as in
# Myanmar or Devanagari) takes room on the line and starts a new run as a letter does. Invisible
# format characters between marks do not break the run, so they cannot be used to slip past it.
COMBINING_MAX = 8
# Plain ASCII digits only: str.isdigit, int() and float() also take Arabic-Indic, fullwidth, ... digits.
_DIGITS = re.compile(r"[0-9]+")
# A wait: a plain decimal number, with an optional fraction and exponent; no sign, no spaces, no "_".
_NUMBER = re.compile(r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
# scheme://host[:port], nothing after: what CSP frame-ancestors and postMessage compare.
_ORIGIN = re.compile(r"https?://(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?)(:[0-9]{1,5})?")
EMBED_ORIGINS_MAX = 20
TOO_LONG = N_("{field} must be at most {max} characters.")
# An event's language: a catalog code, however its case and separator are written ("pt-BR" is pt_BR).
_LANGUAGE_CODES = {code.lower().replace("_", "-"): code for code, _name in LANGUAGES}

# Nicknames nobody may join under, as nickname_key forms (issue 13: impersonation). The .txt
# transcript and the room label authors who are not participants "Announcement" (announcements)
# and "*" (system items), and the room shows one's own unsent messages as by
# "You"; the rest are words that claim a role. A name is reserved when its key, with punctuation,
# symbols and spaces trimmed from both ends, is one of these ("HOST", "Ho\u200bst", fullwidth
# "Ｈｏｓｔ", "(Host)", "Host:" all are), or when its first word is made only of punctuation and
# symbols ("*", "-", ">", "* alice joined."): what the transcript puts before a system item's text.
RESERVED_NICKNAMES = frozenset(
    {
        "announcement",
        "announcements",
        "you",
        "host",
        "hosts",
        "the host",
        "moderator",
        "moderators",
        "mod",
        "mods",
        "admin",
        "admins",
        "administrator",
        "administrators",
        "system",
        "chatserver",
    }
)
# What counts as punctuation or a symbol there: Unicode's P* and M* (marks riding on them) and the
# math, currency and modifier symbols. Other symbols (So: emoji, pictographs) are not: "🎉" or
# "❤ Anna" impersonate nobody.
_SYMBOL_CATEGORIES = frozenset({"Sm", "Sc", "Sk"})


def parse_json_object(raw: bytes) -> dict[str, Any]:
    """Decode a request body that must be one JSON object."""
    if not raw.strip():
        raise InvalidRequest(N_("The request body must be a JSON object."))
    try:
        value = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise InvalidRequest(N_("The request body is not valid UTF-8.")) from None
    except (ValueError, RecursionError):
        raise InvalidRequest(N_("The request body is not valid JSON.")) from None
    if not isinstance(value, dict):
        raise InvalidRequest(N_("The request body must be a JSON object."))
    return value


# Unicode's control characters (category Cc) and surrogates (Cs), as one scan instead of a
# category lookup per character.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def _has_control(text: str, allow: str = "") -> bool:
    if not allow:
        return _CONTROL.search(text) is not None
    return any(ch not in allow for ch in _CONTROL.findall(text))


def _trim(text: str) -> str:
    """Strip white space and stray invisible characters from both ends (linear, unlike a regex)."""
    start, end = 0, len(text)
    while start < end and (text[start].isspace() or text[start] in _EDGE_INVISIBLE):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in _EDGE_INVISIBLE):
        end -= 1
    return text[start:end]


def _is_blank(text: str) -> bool:
    """Nothing a reader would see: only white space and invisible characters."""
    if text.isascii():
        return not text.strip()
    return not _IGNORABLE.sub("", text).strip()


def _longest_mark_run(text: str) -> int:
    """The most non-spacing combining marks stacked on one character (see COMBINING_MAX)."""
    if text.isascii():
        return 0  # the common case, at no cost per character
    longest = run = 0
    for ch in text:
        category = unicodedata.category(ch)
        if category in ("Mn", "Me"):
            run += 1
            longest = max(longest, run)
        elif category != "Cf" and ch not in _IGNORABLE_CHARS:
            run = 0
    return longest


def _check_marks(text: str, field: str) -> None:
    if _longest_mark_run(text) > COMBINING_MAX:
        raise InvalidRequest(
            N_("{field} must not stack more than {max} combining marks (accents) on one character."),
            field=field,
            max=COMBINING_MAX,
        )


def _string(obj: dict[str, Any], field: str, required: bool) -> str | None:
    if field not in obj or obj[field] is None:
        if required:
            raise InvalidRequest(N_("{field} is required."), field=field)
        return None
    value = obj[field]
    if not isinstance(value, str):
        raise InvalidRequest(N_("{field} must be a string."), field=field)
    return value


def single_line(obj: dict[str, Any], field: str, max_len: int, required: bool = True) -> str | None:
    """A trimmed one-line text field of 1..max_len characters with no control characters.

    Normalised to NFC, then trimmed of white space and stray invisible characters at both ends;
    the length is counted in code points after that.
    """
    value = _string(obj, field, required)
    if value is None:
        return None
    value = _trim(unicodedata.normalize("NFC", value))
    if not value:
        raise InvalidRequest(N_("{field} must not be empty."), field=field)
    if len(value) > max_len:
        raise InvalidRequest(TOO_LONG, field=field, max=max_len)
    if _has_control(value) or any(sep in value for sep in _LINE_SEPARATORS):
        raise InvalidRequest(N_("{field} must not contain control characters or line breaks."), field=field)
    _check_marks(value, field)
    return value


def multi_line(
    obj: dict[str, Any], field: str, max_len: int, required: bool = True, allow_empty: bool = False
) -> str | None:
    """A text field that may hold line breaks and tabs.

    CRLF, CR and the Unicode line/paragraph separators become LF; the text is normalised to NFC
    and otherwise kept as sent (not trimmed). The length is counted in code points after that.
    """
    value = _string(obj, field, required)
    if value is None:
        return None
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    for sep in _LINE_SEPARATORS:
        value = value.replace(sep, "\n")
    value = unicodedata.normalize("NFC", value)
    if not allow_empty and _is_blank(value):
        raise InvalidRequest(N_("{field} must not be empty or only white space."), field=field)
    if len(value) > max_len:
        raise InvalidRequest(TOO_LONG, field=field, max=max_len)
    if _has_control(value, allow="\n\t"):
        raise InvalidRequest(N_("{field} must not contain control characters."), field=field)
    _check_marks(value, field)
    return value


def client_id(obj: dict[str, Any]) -> str | None:
    """An opaque retry key of 1-64 characters, kept exactly as sent so it is echoed exactly.

    Not normalised or trimmed (" c1 " and "c1" are different keys); control characters and lone
    surrogates (which could not be stored or sent back as UTF-8) are refused.
    """
    value = _string(obj, "client_id", required=False)
    if value is None:
        return None
    if not 1 <= len(value) <= CLIENT_ID_MAX:
        raise InvalidRequest(N_("{field} must be 1 to {max} characters."), field="client_id", max=CLIENT_ID_MAX)
    if _has_control(value):
        raise InvalidRequest(N_("{field} must not contain control characters."), field="client_id")
    return value


def nickname(obj: dict[str, Any]) -> str:
    """A nickname: 1-32 characters after trimming, no control or bidirectional characters.

    The result is NFC and trimmed (see single_line) and has a visible character (a non-empty
    nickname_key); validating it again returns it unchanged.
    """
    value = single_line(obj, "nickname", NICKNAME_MAX)
    assert value is not None
    if any(ch in _BIDI_CONTROLS for ch in value):
        raise InvalidRequest(N_("{field} must not contain bidirectional control characters."), field="nickname")
    if not nickname_key(value):
        raise InvalidRequest(N_("{field} must contain a visible character."), field="nickname")
    return value


def nickname_key(nick: str) -> str:
    """The form two nicknames are compared in, so that look-alikes collide.

    Invisible characters are dropped; the rest is NFKC-normalised and case-folded (fullwidth
    "Ａlice", "ALICE" and "alice" are one key; casefold can leave text that is not NFKC, so it is
    normalised again), and runs of white space count as one space. Idempotent. Look-alikes from
    different scripts (Cyrillic "а" for Latin "a") are not caught.
    """
    key = unicodedata.normalize("NFKC", _IGNORABLE.sub("", nick))
    key = _IGNORABLE.sub("", unicodedata.normalize("NFKC", key.casefold()))
    return " ".join(key.split())


def _is_symbol(ch: str) -> bool:
    category = unicodedata.category(ch)
    return category[0] in "PM" or category in _SYMBOL_CATEGORIES


def is_reserved_nickname(nick: str) -> bool:
    """Whether nick names a role or mimics a label of the transcript (see RESERVED_NICKNAMES)."""
    key = nickname_key(nick)
    if all(_is_symbol(ch) for ch in key.split(" ", 1)[0]):
        return True
    start, end = 0, len(key)
    while start < end and (key[start] == " " or _is_symbol(key[start])):
        start += 1
    while end > start and (key[end - 1] == " " or _is_symbol(key[end - 1])):
        end -= 1
    core = key[start:end]
    # "Ben (host)" would read as the host's own line in the transcript file ("Ben (host): ...").
    if re.search(r"\(\s*(host|moderator)\s*\)?$", core):
        return True
    return core in RESERVED_NICKNAMES


def joining_nickname(obj: dict[str, Any]) -> str:
    """The nickname a new participant asks for: valid (see nickname) and not reserved.

    A reserved name is answered as a taken one (409 nickname_taken), with a message that says why.
    """
    value = nickname(obj)
    refuse_reserved(value)
    return value


def refuse_reserved(value: str) -> None:
    """409 nickname_taken, saying why, for a reserved nickname (a join's or a rename's)."""
    if is_reserved_nickname(value):
        raise NicknameTaken(N_("The nickname '{nickname}' is reserved; choose another."), nickname=value)


def optional_bool(obj: dict[str, Any], field: str) -> bool | None:
    """A JSON boolean, or None when absent."""
    if field not in obj or obj[field] is None:
        return None
    value = obj[field]
    if not isinstance(value, bool):
        raise InvalidRequest(N_("{field} must be true or false."), field=field)
    return value


def optional_int(obj: dict[str, Any], field: str, lo: int, hi: int) -> int | None:
    """A JSON whole number within [lo, hi], or None when absent or null."""
    if field not in obj or obj[field] is None:
        return None
    value = obj[field]
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise InvalidRequest(N_("{field} must be a whole number from {min} to {max}."), field=field, min=lo, max=hi)
    return value


_DEVICE = re.compile(r"[A-Za-z0-9_-]{16,64}")


def device_id(obj: dict[str, Any]) -> str | None:
    """The browser's own random id (16–64 URL-safe characters), or None when absent."""
    value = obj.get("device")
    if value is None:
        return None
    if not isinstance(value, str) or not _DEVICE.fullmatch(value):
        raise InvalidRequest(N_("{field} must be 16 to 64 letters, digits, - or _."), field="device")
    return value


def query_flag(raw: str | None, field: str) -> bool:
    """A yes-or-no query argument: 1 or true, 0 or false; absent is no."""
    if raw is None or raw in ("0", "false"):
        return False
    if raw in ("1", "true"):
        return True
    raise InvalidRequest(N_("{field} must be 1 or 0."), field=field)


def query_int(raw: str | None, field: str, default: int, lo: int, hi: int) -> int:
    """A decimal integer query argument within [lo, hi]: ASCII digits only (leading zeros are fine)."""
    if raw is None:
        return default
    digits = raw.lstrip("0") or "0"
    # Compare lengths first, so a long string is never turned into a huge int.
    if not _DIGITS.fullmatch(raw) or len(digits) > len(str(hi)) or not lo <= int(digits) <= hi:
        raise InvalidRequest(N_("{field} must be a whole number from {lo} to {hi}."), field=field, lo=lo, hi=hi)
    return int(digits)


def query_cursor(raw: str | None, field: str = "after") -> int:
    """A stream cursor: an integer >= 0."""
    return query_int(raw, field, 0, 0, CURSOR_MAX)


def query_wait(raw: str | None, max_wait: float) -> float:
    """Seconds to hold a poll: a plain decimal number >= 0 (25, 0.5, 1e1), capped at max_wait."""
    if raw is None or raw == "":
        return 0.0
    if raw.startswith("-") and _NUMBER.fullmatch(raw[1:]):
        raise InvalidRequest(N_("{field} must be a number of seconds from 0 up."), field="wait")
    if not _NUMBER.fullmatch(raw):
        raise InvalidRequest(N_("{field} must be a number of seconds, such as 25 or 0.5."), field="wait")
    value = float(raw)
    if not math.isfinite(value):
        raise InvalidRequest(N_("{field} must be a number of seconds from 0 up to the server's limit."), field="wait")
    return float(min(value, max_wait))


def embed_origins(obj: dict[str, Any]) -> tuple[str, ...] | None:
    """Sites allowed to embed the room: null (any site) or a list of origins like https://app.example."""
    value = obj.get("embed_origins")
    if value is None:
        return None
    if not isinstance(value, list) or len(value) > EMBED_ORIGINS_MAX:
        raise InvalidRequest(
            N_("{field} must be null (any site) or a list of at most {max} origins."),
            field="embed_origins",
            max=EMBED_ORIGINS_MAX,
        )
    origins: list[str] = []
    for entry in value:
        match = _ORIGIN.fullmatch(entry.strip()) if isinstance(entry, str) else None
        # A port above 65535 is no origin: browsers' postMessage would throw on it.
        if not match or (match.group(2) and int(match.group(2)[1:]) > 65535):
            raise InvalidRequest(
                N_("{field} must list origins such as https://app.example.org or http://localhost:8000, with no path."),
                field="embed_origins",
            )
        origin = entry.strip().lower()
        if origin not in origins:
            origins.append(origin)
    return tuple(origins)


def event_language(obj: dict[str, Any]) -> str | None:
    """An event's default language: null (none) or a catalog code, as "pt_BR" or in BCP 47 ("pt-BR")."""
    value = obj.get("language")
    if value is None:
        return None
    code = _LANGUAGE_CODES.get(value.strip().lower().replace("_", "-")) if isinstance(value, str) else None
    if code is None:
        raise InvalidRequest(
            N_("{field} must be null or one of {codes}."),
            field="language",
            codes=", ".join(code for code, _name in LANGUAGES),
        )
    return code


def public_url(text: str) -> str:
    """The server's public origin (--public-url): http(s), a host, an optional port; no trailing slash."""
    origin = text.strip().removesuffix("/")
    scheme, sep, rest = origin.partition("://")
    # Scheme and host are case-insensitive; lower-casing them gives links one spelling.
    origin = scheme.lower() + sep + rest.lower()
    match = _ORIGIN.fullmatch(origin)
    if not match or (match.group(2) and int(match.group(2)[1:]) > 65535):
        # Said to whoever starts the server (--public-url), in English: not a catalog message.
        raise InvalidRequest(
            "the public URL must be an origin such as https://chat.example.org (http or https, a host, "
            f"an optional port; no path, query or fragment), not {text!r}."
        )
    return origin
