"""Full-text search (API.md 1.1, "Conversation"): on a corpus with accents, case, punctuation,
several scripts, retracted and private lines, each engine finds exactly what a plain reading of
the rule finds (every query word, whole or as a prefix, case and accents ignored), so SQLite and
PostgreSQL find the same messages; and no input reaches the database as a query it refuses."""

from __future__ import annotations

import random
import sqlite3
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import settings as examples
from hypothesis import strategies as st

from chatserver.search_text import Term, fts5_query, snippet, terms, words
from tests.conftest import Chat
from tests.helpers import Api
from tests.test_private import room, send

BACKENDS = ("sqlite", "postgresql")


@pytest.fixture
def settings() -> dict[str, object]:
    return {"rate_limit": 0}


VOCABULARY = [
    "café", "Cafe", "CAFÉ", "cafeteria", "naïve", "naive", "Straße", "strasse", "über", "uber", "résumé",
    "resume", "日本語", "テスト", "مرحبا", "Привет", "привет", "tea", "team", "teams", "x2", "2x", "42",
    "co-op", "e-mail", "don't", "snake_case", "ÅNGSTRÖM", "angstrom", "ﬁle", "file", "½",
]  # fmt: skip


def corpus(seed: int, count: int) -> list[str]:
    pick = random.Random(seed)
    lines = []
    for _ in range(count):
        chosen = pick.sample(VOCABULARY, pick.randint(1, 5))
        glue = pick.choice([" ", ", ", " - ", "! ", "\n", " (", "… "])
        lines.append(glue.join(chosen))
    return lines


def reference(texts: dict[int, str], query: list[Term]) -> set[int]:
    """What the rule says a query finds: every term matches one of the message's words."""
    return {i for i, text in texts.items() if all(any(t.matches(w) for w in words(text)) for t in query)}


async def test_each_engine_finds_exactly_what_the_rule_finds(api: Api, chat: Chat) -> None:
    slug, _ = await room(api)
    _, alice = await api.join(slug, "alice")
    texts: dict[int, str] = {}
    for line in corpus(7, 80):
        texts[(await api.say(slug, alice, line)).body["message"]["id"]] = line
    # Never found: a retracted line and a private one, whatever they say.
    gone = (await api.say(slug, alice, "café tea team")).body["message"]["id"]
    await api.delete(f"/api/events/{slug}/messages/{gone}", token=alice)
    await send(api, slug, alice, "café tea team", to="hosts")
    event = await chat.store.get_event(slug)
    pick = random.Random(11)
    for _ in range(150):
        raw = " ".join(pick.sample(VOCABULARY, pick.randint(1, 2)))
        if pick.random() < 0.3:
            raw = raw[: max(2, len(raw) // 2)] + "*"
        query = terms(raw)
        if not query:
            continue
        found = {item.id for item in await chat.store.search_event(event.id, query, 100)}
        assert found == reference(texts, query), raw


async def test_results_come_best_first_with_marks_on_the_words(api: Api) -> None:
    slug, _ = await room(api)
    _, alice = await api.join(slug, "alice")
    once = (await api.say(slug, alice, "a long line about many things, and the deploy, among others")).body
    thrice = (await api.say(slug, alice, "deploy deploy deploy")).body
    reply = await api.get(f"/api/events/{slug}/search?q={quote('DEPLOY')}")
    ids = [r["message"]["id"] for r in reply.body["results"]]
    assert ids == [thrice["message"]["id"], once["message"]["id"]]
    for result in reply.body["results"]:
        marked = [result["snippet"][a:b] for a, b in result["marks"]]
        assert marked and all(m.lower() == "deploy" for m in marked)


@given(st.text(max_size=200))
@examples(max_examples=300, deadline=None)
def test_any_query_text_is_a_query_fts5_accepts(raw: str) -> None:
    query = terms(raw)
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE f USING fts5 (words, tokenize = 'unicode61 remove_diacritics 2')")
    conn.execute("INSERT INTO f (words) VALUES (?)", (" ".join(words(raw)),))
    if query:
        # Every query finds the text it was made from (its own words, as whole words or prefixes).
        assert conn.execute("SELECT count(*) FROM f WHERE f MATCH ?", (fts5_query(query),)).fetchone() == (1,)


@given(st.text(max_size=300), st.text(min_size=1, max_size=40))
@examples(max_examples=300, deadline=None)
def test_snippet_marks_only_matching_words(text: str, raw: str) -> None:
    query = terms(raw)
    shown, marks = snippet(text, query)
    assert len(shown) <= 170
    for start, end in marks:
        assert 0 <= start < end <= len(shown)
        assert any(t.matches(w) for w in words(shown[start:end]) for t in query)
