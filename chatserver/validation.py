"""Parsing of request input: every check that turns bad input into a clear InvalidRequest."""

from __future__ import annotations

import json
import math
import re
import unicodedata
from typing import Any

from chatserver.errors import InvalidRequest

TITLE_MAX = 200
DESCRIPTION_MAX = 5000
NICKNAME_MAX = 32
BODY_MAX = 4000
CLIENT_ID_MAX = 64
LIST_LIMIT_MAX = 200
POLL_LIMIT_MAX = 1000

# Bidirectional overrides and isolates let a nickname display as another; they are refused there.
_BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
# Invisible characters that would make "alice" and "al\u200bice" look the same: ignored in the key.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_DIGITS = re.compile(r"[0-9]{1,18}")
# scheme://host[:port], nothing after: what CSP frame-ancestors and postMessage compare.
_ORIGIN = re.compile(r"https?://(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?)(:[0-9]{1,5})?")
EMBED_ORIGINS_MAX = 20


def parse_json_object(raw: bytes) -> dict[str, Any]:
    """Decode a request body that must be one JSON object."""
    if not raw.strip():
        raise InvalidRequest("The request body must be a JSON object.")
    try:
        value = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise InvalidRequest("The request body is not valid UTF-8.") from None
    except (ValueError, RecursionError):
        raise InvalidRequest("The request body is not valid JSON.") from None
    if not isinstance(value, dict):
        raise InvalidRequest("The request body must be a JSON object.")
    return value


def _has_control(text: str, allow: str = "") -> bool:
    return any(unicodedata.category(ch) in ("Cc", "Cs") and ch not in allow for ch in text)


def _string(obj: dict[str, Any], field: str, required: bool) -> str | None:
    if field not in obj or obj[field] is None:
        if required:
            raise InvalidRequest(f"{field} is required.")
        return None
    value = obj[field]
    if not isinstance(value, str):
        raise InvalidRequest(f"{field} must be a string.")
    return value


def single_line(obj: dict[str, Any], field: str, max_len: int, required: bool = True) -> str | None:
    """A trimmed one-line text field of 1..max_len characters with no control characters."""
    value = _string(obj, field, required)
    if value is None:
        return None
    value = unicodedata.normalize("NFC", value).strip()
    if not value:
        raise InvalidRequest(f"{field} must not be empty.")
    if len(value) > max_len:
        raise InvalidRequest(f"{field} must be at most {max_len} characters.")
    if _has_control(value):
        raise InvalidRequest(f"{field} must not contain control characters or line breaks.")
    return value


def multi_line(
    obj: dict[str, Any], field: str, max_len: int, required: bool = True, allow_empty: bool = False
) -> str | None:
    """A text field that may hold line breaks and tabs; CRLF is normalised to LF."""
    value = _string(obj, field, required)
    if value is None:
        return None
    value = unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n"))
    if not allow_empty and not value.strip():
        raise InvalidRequest(f"{field} must not be empty or only white space.")
    if len(value) > max_len:
        raise InvalidRequest(f"{field} must be at most {max_len} characters.")
    if _has_control(value, allow="\n\t"):
        raise InvalidRequest(f"{field} must not contain control characters.")
    return value


def client_id(obj: dict[str, Any]) -> str | None:
    """An opaque retry key of 1-64 characters, kept exactly as sent so it is echoed exactly."""
    value = _string(obj, "client_id", required=False)
    if value is None:
        return None
    if not 1 <= len(value) <= CLIENT_ID_MAX:
        raise InvalidRequest(f"client_id must be 1 to {CLIENT_ID_MAX} characters.")
    if _has_control(value):
        raise InvalidRequest("client_id must not contain control characters.")
    return value


def nickname(obj: dict[str, Any]) -> str:
    """A nickname: 1-32 characters after trimming, no control or bidirectional characters."""
    value = single_line(obj, "nickname", NICKNAME_MAX)
    assert value is not None
    if any(ch in _BIDI_CONTROLS for ch in value):
        raise InvalidRequest("nickname must not contain bidirectional control characters.")
    if not nickname_key(value):
        raise InvalidRequest("nickname must contain a visible character.")
    return value


def nickname_key(nick: str) -> str:
    """The form two nicknames are compared in: case-folded, compatibility-normalised, no invisibles."""
    return unicodedata.normalize("NFKC", nick.translate(_INVISIBLE)).casefold().strip()


def optional_bool(obj: dict[str, Any], field: str) -> bool | None:
    """A JSON boolean, or None when absent."""
    if field not in obj or obj[field] is None:
        return None
    value = obj[field]
    if not isinstance(value, bool):
        raise InvalidRequest(f"{field} must be true or false.")
    return value


def query_int(raw: str | None, field: str, default: int, lo: int, hi: int) -> int:
    """A decimal integer query argument within [lo, hi]."""
    if raw is None:
        return default
    if not _DIGITS.fullmatch(raw):
        raise InvalidRequest(f"{field} must be a whole number from {lo} to {hi}.")
    value = int(raw)
    if not lo <= value <= hi:
        raise InvalidRequest(f"{field} must be a whole number from {lo} to {hi}.")
    return value


def query_cursor(raw: str | None, field: str = "after") -> int:
    """A stream cursor: an integer >= 0."""
    return query_int(raw, field, 0, 0, 10**18)


def query_wait(raw: str | None, max_wait: float) -> float:
    """Seconds to hold a poll: a number >= 0, capped at max_wait."""
    if raw is None or raw == "":
        return 0.0
    try:
        value = float(raw)
    except ValueError:
        raise InvalidRequest("wait must be a number of seconds, such as 25 or 0.5.") from None
    if not math.isfinite(value) or value < 0:
        raise InvalidRequest("wait must be a number of seconds from 0 up.")
    return min(value, max_wait)


def embed_origins(obj: dict[str, Any]) -> tuple[str, ...] | None:
    """Sites allowed to embed the room: null (any site) or a list of origins like https://app.example."""
    value = obj.get("embed_origins")
    if value is None:
        return None
    if not isinstance(value, list) or len(value) > EMBED_ORIGINS_MAX:
        raise InvalidRequest(f"embed_origins must be null (any site) or a list of at most {EMBED_ORIGINS_MAX} origins.")
    origins: list[str] = []
    for entry in value:
        if not isinstance(entry, str) or not _ORIGIN.fullmatch(entry.strip()):
            raise InvalidRequest(
                "embed_origins must list origins such as https://app.example.org or http://localhost:8000, "
                "with no path."
            )
        origin = entry.strip().lower()
        if origin not in origins:
            origins.append(origin)
    return tuple(origins)
