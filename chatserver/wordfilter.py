"""The host's word filter: words and phrases (with * for any word ending) whose messages are held
for review. Matched on case-folded, NFKC-normalised text, as whole words, without regular
expressions over the message: a hostile list and a long message cost time linear in the message
for each entry (a backtracking pattern took 4.6 s, blocking every write)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

from chatserver.errors import N_, InvalidRequest

ENTRIES_MAX = 200
ENTRY_MAX = 100
STARS_MAX = 2
_WORD = re.compile(r"\w+")  # one linear scan; no backtracking


def normalise(text: str) -> str:
    """What the filter compares: compatibility forms folded (ｆｕｌｌ width, ligatures), case folded,
    runs of white space as one space."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def parse_filter(body: dict[str, Any]) -> tuple[str, ...] | None:
    """`filter_words`: a list of up to 200 words or phrases (null or [] for none), normalised."""
    value = body.get("filter_words")
    if value is None:
        return None
    too_many = N_("{field} must be a list of at most {max} words or phrases.")
    if not isinstance(value, list) or len(value) > ENTRIES_MAX:
        raise InvalidRequest(too_many, field="filter_words", max=ENTRIES_MAX)
    entries: list[str] = []
    for raw in value:
        if not isinstance(raw, str):
            raise InvalidRequest(too_many, field="filter_words", max=ENTRIES_MAX)
        entry = re.sub(r"\*+", "*", normalise(raw))
        letters = "".join(_WORD.findall(entry))
        if len(entry) > ENTRY_MAX or entry.count("*") > STARS_MAX or len(letters) < 2:
            raise InvalidRequest(
                N_("{field}: each entry is 2 to {max} characters, with at most two * (any ending)."),
                field="filter_words",
                max=ENTRY_MAX,
            )
        if entry not in entries:
            entries.append(entry)
    return tuple(entries) or None


@lru_cache(maxsize=256)
def _patterns(entries: tuple[str, ...]) -> tuple[frozenset[str], tuple[tuple[tuple[str, ...], ...], ...]]:
    """Plain one-word entries (a set lookup), and the rest as sequences of word patterns, each
    pattern the parts between its stars."""
    plain: set[str] = set()
    others: list[tuple[tuple[str, ...], ...]] = []
    for entry in entries:
        words = [w for w in re.split(r"[^\w*]+", entry) if w.strip("*") or "*" in w]
        if len(words) == 1 and "*" not in words[0]:
            plain.add(words[0])
        elif words:
            others.append(tuple(tuple(word.split("*")) for word in words))
    return frozenset(plain), tuple(others)


def _word_matches(parts: tuple[str, ...], word: str) -> bool:
    """A glob with * as any run of word characters, on one word: prefix, suffix, middles in order."""
    if len(parts) == 1:
        return word == parts[0]
    if len(word) < sum(map(len, parts)) or not word.startswith(parts[0]) or not word.endswith(parts[-1]):
        return False
    at, end = len(parts[0]), len(word) - len(parts[-1])
    for middle in parts[1:-1]:
        found = word.find(middle, at, end)
        if found < 0:
            return False
        at = found + len(middle)
    return True


def matches(entries: tuple[str, ...] | None, text: str) -> bool:
    """Whether the text has one of the entries as whole words."""
    if not entries:
        return False
    plain, others = _patterns(entries)
    words = _WORD.findall(normalise(text))
    distinct = set(words)
    if not plain.isdisjoint(distinct):
        return True
    for phrase in others:
        if len(phrase) == 1:  # one word with stars: each different word once
            if any(_word_matches(phrase[0], word) for word in distinct):
                return True
            continue
        span = len(phrase)
        for start in range(len(words) - span + 1):
            if all(_word_matches(parts, words[start + i]) for i, parts in enumerate(phrase)):
                return True
    return False
