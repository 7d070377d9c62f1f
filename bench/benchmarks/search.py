"""Search: how fast GET /api/events/<slug>/search answers in a room of N messages, on SQLite and PostgreSQL.

The room's text is generated from a fixed seed: a vocabulary of VOCABULARY words (about 150 common
English chat words first, then made-up pronounceable ones) drawn with Zipf-like frequencies
(rank r has weight 1/r), 3 to about 40 words a message, first word capitalised, some punctuation.
So some words are in most messages ("the", "to") and the rarest in a few dozen of 100,000.

Filling goes through chatserver's Store, in this process, before the server starts: the event
and its speakers through Store.create_event and Store.join, the messages in transactions of
CHUNK each. On SQLite each message goes through the Store's own append (Store._append: the
item, its id from the event row, its FTS5 row: what every post runs once it is checked), about
6,000 a second here; posting over HTTP (the transcript case's 64 posters) manages 1,500-3,500 a
second on two cores, and Store.post_message one job at a time about 4,000. On PostgreSQL the
same append costs three round trips per message and manages about 800 a second (two minutes for
100,000), so the rows are inserted in bulk (asyncpg executemany) with what the append and
SearchIndex.add write: the same columns, and `search` from search_text.lexemes. Then VACUUM
ANALYZE, as autovacuum does after an insert of that size (it also empties the GIN index's pending
list). The fill is not measured; its time is in the JSON.

Then, against a fresh server on the filled database (pinned to CPU 0 like the other cases;
PostgreSQL is not pinned), the measured queries are asked one after another, after a few
warm-up queries, each on the next of SEARCHERS connections from as many client addresses (the
server allows 30 searches per address per 10 s): settings.search_queries - 1 queries of two
words (common+common, common+rare, rare+rare, in a fixed shuffled order) and the prefix query
`wor*`. Latency runs from writing the request to the last byte of the answer. Every answer must be 200 with exactly min(limit, matches) results,
where matches is the number of messages holding every word, counted from the generated text.
A few site-wide queries (GET /api/search) follow, with the same checks.
"""

from __future__ import annotations

import gc
import itertools
import random
import re
import statistics
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from bench.benchmarks.common import BenchError, Result, Settings, ms, percentile
from bench.client import HTTPConnection, close_all
from bench.servers import CHATSERVER, GENERATOR_CPU, free_port, pin, quiesce, running, self_cpu, unpin

if TYPE_CHECKING:
    from bench.benchmarks.fanout_pg import SharedCluster

SEED = 20240611
VOCABULARY = 4000
COMMON = (0, 100)  # ranks (from 0) a common query word is drawn from
RARE = (1000, VOCABULARY)  # ... and a rare one
PREFIX_QUERY = "wor*"
SPEAKERS = 64
CHUNK = 2000  # messages per fill transaction
LIMIT = 20  # results per query: the server's default
WARM_UP = 10  # queries (not measured) after the server starts: the first ones pay for imports and caches
SITE_PER_CATEGORY = 2  # site-wide queries per two-word category (and the prefix query)
SEARCHERS = 16  # connections (client addresses) the queries take turns on: at most 14 each per run
CATEGORIES = ("common+common", "common+rare", "rare+rare")

# The most frequent words, most frequent first: the head of the vocabulary.
HEAD = """the to and a i you it is that of in we for this on be so have with but not can what are
just do if will my at all was your about like me think they there one how know get yes no now good
out up more some time would here see when our an or from then really people need going thanks also
well which work right make because did very question talk could go new should first great who way
much want any over other only use into back them us still where next why same data slides point
agree part last after long world day code team said even most both let each again maybe word
release test tomorrow today meeting idea done sure problem thing things look fix bug deploy users
""".split()
# Real words placed further down the ranks (with the prefix query's words among them).
PLACED = {300: "worth", 450: "café", 600: "working", 900: "worry", 1200: "words", 1500: "naïve", 2500: "worse"}


def vocabulary(seed: int = SEED, size: int = VOCABULARY) -> list[str]:
    """The words, by rank: HEAD, then made-up words of two or three syllables, with PLACED put in."""
    rng = random.Random(seed)
    onsets, vowels, codas = "bcdfghjklmnprstvwz", "aeiou", "nrslt"
    words: list[str] = list(dict.fromkeys(HEAD))
    taken = set(words) | set(PLACED.values())
    while len(words) < size - len(PLACED):
        word = "".join(
            rng.choice(onsets) + rng.choice(vowels) + (rng.choice(codas) if rng.random() < 0.3 else "")
            for _ in range(rng.randint(2, 3))
        )
        if word not in taken:
            taken.add(word)
            words.append(word)
    for rank, word in sorted(PLACED.items()):
        words.insert(rank, word)
    return words


def corpus(count: int, words: list[str], seed: int = SEED) -> list[list[int]]:
    """count messages, each as the ranks of its words."""
    rng = random.Random(seed + 1)
    weights = list(itertools.accumulate(1.0 / (rank + 1) for rank in range(len(words))))
    ranks = range(len(words))
    return [rng.choices(ranks, cum_weights=weights, k=min(40, 3 + int(rng.expovariate(1 / 8)))) for _ in range(count)]


def body(message: list[int], words: list[str], number: int) -> str:
    """A message's text: its words, the first capitalised, with a comma now and then and an ending."""
    parts = [words[rank] for rank in message]
    parts[0] = parts[0].capitalize()
    if len(parts) > 6 and number % 3 == 0:
        parts[len(parts) // 2] += ","
    return " ".join(parts) + (".", "?", "!", "", ".")[number % 5]


def queries(count: int, words: list[str], seed: int = SEED) -> list[tuple[str, str]]:
    """(category, query): count - 1 two-word queries in CATEGORIES, shuffled, then the prefix query."""
    rng = random.Random(seed + 2)

    def pick(span: tuple[int, int]) -> str:
        return words[rng.randrange(*span)]

    spans = {"common+common": (COMMON, COMMON), "common+rare": (COMMON, RARE), "rare+rare": (RARE, RARE)}
    out: list[tuple[str, str]] = []
    for n in range(count - 1):
        category = CATEGORIES[n % len(CATEGORIES)]
        first, second = spans[category]
        a = pick(first)
        b = pick(second)
        while b == a:
            b = pick(second)
        out.append((category, f"{a} {b}"))
    rng.shuffle(out)
    out.append(("prefix", PREFIX_QUERY))
    return out


def matches(messages: list[list[int]], words: list[str], asked: list[tuple[str, str]]) -> list[int]:
    """For each query, how many messages hold every one of its words (as chatserver folds them)."""
    from chatserver.search_text import fold

    folded = [fold(word) for word in words]
    wanted: dict[str, set[int]] = {}
    prefixes: set[str] = set()
    for _, query in asked:
        for term in query.split():
            wanted.setdefault(fold(term.rstrip("*")), set())
            if term.endswith("*"):
                prefixes.add(fold(term.rstrip("*")))
    rank_terms: dict[int, list[str]] = {}
    for rank, word in enumerate(folded):
        hits = [term for term in wanted if word == term or (term in prefixes and word.startswith(term))]
        if hits:
            rank_terms[rank] = hits
    for number, message in enumerate(messages):
        for rank in message:
            for term in rank_terms.get(rank, ()):
                wanted[term].add(number)
    counts = []
    for _, query in asked:
        sets = [wanted[fold(term.rstrip("*"))] for term in query.split()]
        counts.append(len(set.intersection(*sets)))
    return counts


async def run(settings: Settings, shared: SharedCluster | None, kind: str) -> Result:
    """Fill a room (SQLite, or PostgreSQL when shared is given), then time the queries against a server."""
    assert kind == CHATSERVER
    words = vocabulary()
    messages = corpus(settings.search_messages, words)
    asked = queries(settings.search_queries, words)
    site = [q for c in CATEGORIES for q in [x for x in asked if x[0] == c][:SITE_PER_CATEGORY]] + [asked[-1]]
    warm = queries(WARM_UP + 1, words, SEED + 100)[:WARM_UP]
    expected = matches(messages, words, asked)
    expected_site = matches(messages, words, site)
    result = Result()
    if shared is None:
        target = str(settings.workdir / f"search-{free_port()}.db")
    else:
        target = shared.get().new_database()  # blocks for initdb and start the first time (a few seconds)
    try:
        slug, fill = await _fill(target, messages, words, shared)
        result.details.update(fill)
        del messages  # a million objects the generator's collector would otherwise walk while it times
        if shared is not None:
            database = target.rsplit("/", 1)[1]
            shared.get().psql("VACUUM ANALYZE items", database=database)
        async with running(
            CHATSERVER, settings.workdir, db=target, max_wait=settings.max_wait, extra=settings.chatserver_args
        ) as server:
            # One search at a time, each on the next of SEARCHERS connections from as many client
            # addresses: chatserver allows 30 searches per address per 10 s (app.SEARCH_LIMIT).
            conns = [await HTTPConnection.open(server.port) for _ in range(SEARCHERS)]
            turn = itertools.cycle(conns)
            try:
                for _, query in warm:
                    await next(turn).fetch("GET", f"/api/events/{slug}/search?q={quote(query)}")
                await next(turn).fetch("GET", f"/api/search?q={quote(warm[0][1])}")
                await quiesce(server)
                side = shared.cpu if shared is not None else dict
                gc.collect()
                gc.disable()  # no collection in the generator while it times a query
                cpu0, side0, gen0, start = server.cpu(), side(), self_cpu(), time.perf_counter()
                answers = [await _ask(next(turn), f"/api/events/{slug}/search?q=", query) for _, query in asked]
                cpu1, side1, gen1, end = server.cpu(), side(), self_cpu(), time.perf_counter()
                site_answers = [await _ask(next(turn), "/api/search?q=", query) for _, query in site]
            finally:
                gc.enable()
                close_all(conns)
            log_path = server.log_path
    finally:
        if shared is not None:
            problems = shared.log_problems()
            result.details["postgresql_log_problems"] = problems
            shared.close()
    _figures(result, asked, answers, expected, site, site_answers, expected_site, slug)
    # The server's own time per query (Tornado's access log: from the parsed request to the
    # finished answer): what is left of the latency when the machine is busy with other work.
    handled = _handler_ms(log_path, slug, len(warm), len(asked))
    figures = list(result.metrics.items())
    result.metrics = dict(figures[:2] + [("p99 in-server ms", percentile(handled, 0.99))] + figures[2:])
    result.details["in_server_ms"] = {
        "logged": len(handled),
        "p50": percentile(handled, 0.50),
        "p99": percentile(handled, 0.99),
        "max": max(handled, default=float("nan")),
    }
    result.metrics["server CPU ms/query"] = (cpu1 - cpu0) / len(asked) * 1000
    for name, used in side1.items():
        result.metrics[f"{name} CPU ms/query"] = (used - side0.get(name, 0.0)) / len(asked) * 1000
    errors = result.details["errors"]
    result.metrics["errors"] = sum(errors.values())
    result.metrics["load-gen CPU %"] = (gen1 - gen0) / (end - start) * 100
    return result


def _handler_ms(log_path: Path, slug: str, warm_up: int, measured: int) -> list[float]:
    """The server's own time for each measured one-room query, from its access log: the queries
    run one at a time, so their lines come in order after the warm-up's (the log hides the words)."""
    pattern = re.compile(rf"GET /api/events/{re.escape(slug)}/search\?\S* \(\S+\) ([\d.]+)ms")
    try:
        lines = log_path.read_text(errors="replace").splitlines()
    except OSError:
        return []
    times = [float(found.group(1)) for line in lines if (found := pattern.search(line))]
    return times[warm_up : warm_up + measured] if len(times) >= warm_up + measured else []


async def _ask(conn: HTTPConnection, prefix: str, query: str) -> tuple[float, int, list[str] | None]:
    """(latency s, status, the slugs of the results or None when not 200)."""
    sent = time.perf_counter()
    response = await conn.fetch("GET", prefix + quote(query), timeout=60)
    if response.status != 200:
        return response.received_at - sent, response.status, None
    results = response.json()["results"]
    slugs = [str(r["event"]["slug"]) if "event" in r else "" for r in results]
    return response.received_at - sent, response.status, slugs


def _figures(
    result: Result,
    asked: list[tuple[str, str]],
    answers: list[tuple[float, int, list[str] | None]],
    expected: list[int],
    site: list[tuple[str, str]],
    site_answers: list[tuple[float, int, list[str] | None]],
    expected_site: list[int],
    slug: str,
) -> None:
    """The table's figures and the JSON's details from the answers."""
    latencies = [latency for latency, _, _ in answers]
    by_category: dict[str, list[int]] = {}
    for n, (category, _) in enumerate(asked):
        by_category.setdefault(category, []).append(n)

    def wrong(answer: tuple[float, int, list[str] | None], matched: int, site_wide: bool) -> bool:
        _, status, slugs = answer
        if status != 200 or slugs is None:
            return True
        return len(slugs) != min(LIMIT, matched) or (site_wide and any(s != slug for s in slugs))

    returned = [len(slugs) if slugs is not None else 0 for _, _, slugs in answers]
    site_latencies = [latency for latency, _, _ in site_answers]
    result.metrics = {
        "p50 search ms": ms(percentile(latencies, 0.50)),
        "p99 search ms": ms(percentile(latencies, 0.99)),
        **{
            f"p99 {category} ms": ms(percentile([latencies[n] for n in by_category[category]], 0.99))
            for category in CATEGORIES
        },
        f"{PREFIX_QUERY} ms": ms(latencies[by_category["prefix"][0]]),
        "results/query": statistics.fmean(returned),
        "site-wide p50 ms": ms(percentile(site_latencies, 0.50)),
        "site-wide max ms": ms(max(site_latencies)),
    }
    result.details["errors"] = {
        "non_200": sum(1 for _, status, _ in answers + site_answers if status != 200),
        "wrong_result_count": sum(
            1 for a, m in zip(answers, expected, strict=True) if a[1] == 200 and wrong(a, m, False)
        ),
        "site_wrong_results": sum(
            1 for a, m in zip(site_answers, expected_site, strict=True) if a[1] == 200 and wrong(a, m, True)
        ),
    }
    result.details["categories"] = {
        category: {
            "queries": len(numbers),
            "p50_ms": ms(percentile([latencies[n] for n in numbers], 0.50)),
            "p99_ms": ms(percentile([latencies[n] for n in numbers], 0.99)),
            "max_ms": ms(max(latencies[n] for n in numbers)),
            "mean_results": statistics.fmean(returned[n] for n in numbers),
            "no_results": sum(1 for n in numbers if returned[n] == 0),
            "median_matches": statistics.median(expected[n] for n in numbers),
            "max_matches": max(expected[n] for n in numbers),
        }
        for category, numbers in by_category.items()
    }
    result.details["queries"] = [
        {"category": c, "q": q, "ms": ms(a[0]), "status": a[1], "results": len(a[2] or []), "matches": m}
        for (c, q), a, m in zip(asked, answers, expected, strict=True)
    ]
    result.details["site_queries"] = [
        {"category": c, "q": q, "ms": ms(a[0]), "status": a[1], "results": len(a[2] or []), "matches": m}
        for (c, q), a, m in zip(site, site_answers, expected_site, strict=True)
    ]
    result.details["limit"] = LIMIT


async def _fill(
    target: str, messages: list[list[int]], words: list[str], shared: SharedCluster | None
) -> tuple[str, dict[str, Any]]:
    """Create the event and its speakers and append every message through the Store; return the
    slug and how long it took. Unpinned meanwhile: no server runs yet, and the Store's threads (and
    PostgreSQL's backend) may use both cores."""
    from chatserver.store import Store
    from chatserver.timefmt import now_ms

    unpin()
    try:
        store = await Store.open(target)
        try:
            now = now_ms()
            event, _ = await store.create_event("A searchable room", "", now, now + 2 * 3600 * 1000, listed=True)
            speakers = [(await store.join(event.id, f"speaker{i}"))[0] for i in range(SPEAKERS)]
            start = time.perf_counter()
            bodies = [body(message, words, n) for n, message in enumerate(messages)]
            for first in range(0, len(bodies), CHUNK):
                chunk = bodies[first : first + CHUNK]
                if shared is None:
                    await store.db.write(_appends(store, event.id, speakers, first, chunk))
                else:
                    await store.db.write(_bulk(event.id, speakers, first, chunk))
            elapsed = time.perf_counter() - start
        finally:
            await store.close()
    finally:
        pin(GENERATOR_CPU)
    if elapsed <= 0:
        raise BenchError("the fill took no time")
    return event.slug, {
        "messages": len(messages),
        "vocabulary": len(words),
        "fill_s": elapsed,
        "fill_messages_per_s": len(messages) / elapsed,
        "fill_path": "Store._append per message" if shared is None else "bulk INSERT (executemany)",
    }


def _appends(store: Any, event_id: int, speakers: list[Any], first: int, chunk: list[str]) -> Any:
    """A write job: each message through the Store's own append (item, id, FTS5 row)."""

    async def job(tx: Any) -> None:
        now = store.clock()
        for n, text in enumerate(chunk):
            speaker = speakers[(first + n) % len(speakers)]
            await store._append(  # noqa: SLF001 - the append every post runs, without the HTTP around it
                tx, event_id, "message", text, now, author=speaker.nickname, participant_id=speaker.id
            )

    return job


def _bulk(event_id: int, speakers: list[Any], first: int, chunk: list[str]) -> Any:
    """A write job for PostgreSQL: the chunk's ids from the event row, then every row in one
    executemany with what Store._append and SearchIndex.add write for a public message."""
    from chatserver.search_text import lexemes
    from chatserver.timefmt import now_ms

    async def job(tx: Any) -> None:
        now = now_ms()
        row = await tx.fetchone(
            "UPDATE events SET last_item_id = last_item_id + ? WHERE id = ? RETURNING last_item_id",
            (len(chunk), event_id),
        )
        base = int(row[0]) - len(chunk)
        rows = []
        for n, text in enumerate(chunk):
            speaker = speakers[(first + n) % len(speakers)]
            rows.append((event_id, base + n + 1, speaker.nickname, speaker.id, text, now, lexemes(text)))
        await tx.conn.executemany(
            "INSERT INTO items (event_id, id, kind, author, participant_id, body, created_at, private, search)"
            " VALUES ($1, $2, 'message', $3, $4, $5, $6, 0, array_to_tsvector($7::text[]))",
            rows,
        )

    return job
