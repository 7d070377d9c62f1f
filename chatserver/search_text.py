"""Words for full-text search, said once in Python for both engines: what a message is indexed
under, what a query asks for, and the snippet that shows a match.

Both engines index the same normalised words (SQLite's FTS5 splits them again with unicode61, a
no-op on them; PostgreSQL takes them as lexemes with array_to_tsvector, bypassing its parser, which
splits differently by locale), so the two return the same messages for the same query."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# A word: a run of letters and digits (Unicode categories L* and N*), as FTS5's unicode61 sees one.
_WORD = re.compile(r"[^\W_]+")
# Longer words are no words a person searches for (and PostgreSQL refuses lexemes over 2 KB).
WORD_MAX = 64
# The longest query, in characters.
QUERY_MAX = 200
# The most words a query may hold: more narrow nothing down and only cost the database.
QUERY_WORDS_MAX = 16
# Query syntax of other search boxes, typed in capitals: left out rather than searched for.
OPERATORS = frozenset({"AND", "OR", "NOT", "NEAR"})
# About how many characters of a message a snippet shows.
SNIPPET_CHARS = 160


def fold(text: str) -> str:
    """Case and accents folded away: "Ça" and "ca" are one word."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _folded_parts(raw: str) -> list[str]:
    # Folding may expand a word ("½" to "1⁄2"): split it again, so every part is a plain word.
    return [part for part in _WORD.findall(fold(raw)) if len(part) <= WORD_MAX]


def words(text: str) -> list[str]:
    """The words text is indexed under, in order (repeats kept)."""
    out: list[str] = []
    for match in _WORD.finditer(text):
        out.extend(_folded_parts(match.group()))
    return out


def fts_rowid(event_id: int, item_id: int) -> int:
    """An item's row in SQLite's items_fts: items has no rowid of its own (WITHOUT ROWID), so the
    pair is packed into one, and an event's items are one range of rowids."""
    return (event_id << 32) | item_id


def index_text(text: str) -> str:
    """What SQLite's FTS5 table holds for text: its words, one space apart."""
    return " ".join(words(text))


def lexemes(text: str) -> list[str]:
    """What PostgreSQL's tsvector holds for text: its distinct words."""
    return sorted(set(words(text)))


@dataclass(frozen=True, slots=True)
class Term:
    """One word of a query: matched whole, or (prefix) as the start of a word."""

    word: str
    prefix: bool = False

    def matches(self, word: str) -> bool:
        return word.startswith(self.word) if self.prefix else word == self.word


def terms(query: str) -> list[Term]:
    """A query as terms, every one of which a message must contain: words in any order, `word*` a
    prefix. Anything else (quotes, operators, brackets) is taken as a separator, so no input can
    make a query the database refuses; the operators people type from other search boxes (AND, OR,
    NOT, NEAR in capitals) are dropped. Empty when the query holds no word."""
    out: list[Term] = []
    for match in _WORD.finditer(query):
        if match.group() in OPERATORS:
            continue
        prefix = query[match.end() : match.end() + 1] == "*"
        parts = _folded_parts(match.group())
        for i, part in enumerate(parts):
            term = Term(part, prefix and i == len(parts) - 1)
            if term not in out:
                out.append(term)
    return out[:QUERY_WORDS_MAX]


def fts5_query(query_terms: list[Term]) -> str:
    """The terms as an FTS5 MATCH expression: each word quoted (never an operator), all required."""
    return " ".join(f'"{t.word}"' + ("*" if t.prefix else "") for t in query_terms)


def tsquery(query_terms: list[Term]) -> str:
    """The terms as PostgreSQL tsquery text (cast, never parsed by a configuration): all required."""
    return " & ".join(f"'{t.word}'" + (":*" if t.prefix else "") for t in query_terms)


def snippet(text: str, query_terms: list[Term]) -> tuple[str, list[tuple[int, int]]]:
    """A one-line extract of text around its first match and the [start, end) code-point ranges
    of the matched words in it (to highlight; never markup, so the text stays plain)."""
    flat = " ".join(text.split())
    found = [(m.start(), m.end()) for m in _WORD.finditer(flat) if _hit(m.group(), query_terms)]
    start = 0
    if found and found[0][0] > SNIPPET_CHARS // 3:
        start = flat.rfind(" ", 0, found[0][0] - SNIPPET_CHARS // 4) + 1
    end = len(flat)
    if end - start > SNIPPET_CHARS:
        cut = flat.rfind(" ", start, start + SNIPPET_CHARS)
        end = cut if cut > start else start + SNIPPET_CHARS
    lead = "…" if start > 0 else ""
    shown = lead + flat[start:end] + ("…" if end < len(flat) else "")
    shift = len(lead) - start
    marks = [(a + shift, b + shift) for a, b in found if a >= start and b <= end]
    return shown, marks


def _hit(raw: str, query_terms: list[Term]) -> bool:
    return any(term.matches(part) for part in _folded_parts(raw) for term in query_terms)
