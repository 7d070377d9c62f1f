"""Q&A's votes: the schedule of votes and un-votes, and the figures drawn from what the readers saw."""

from __future__ import annotations

import asyncio
import bisect
import json
import random
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bench.benchmarks.common import Settings, ms, percentile
from bench.benchmarks.qa_crowd import QACrowd
from bench.client import HTTPConnection

UNVOTE_EVERY = 5  # every 5th voter takes one of its votes back


@dataclass
class Vote:
    """One scheduled request: a vote (add) or an un-vote on question index q by voter v."""

    voter: int
    question: int
    add: bool
    key: float  # its place in the schedule
    put: Vote | None = None  # an un-vote's vote, acknowledged before the un-vote is sent
    sent: float = 0.0
    acked: float = 0.0
    count: int = -1  # the question's votes in the 200 answer
    server_time: str = ""  # the 200 answer's server_time (after the vote committed)
    ok: bool = False
    done: asyncio.Future[bool] | None = None


def schedule(settings: Settings, questions: int, rng: random.Random) -> list[Vote]:
    """Every voter's votes on distinct questions, and some un-votes each after its vote, in one order."""
    requests: list[Vote] = []
    each = min(settings.qa_votes_each, questions)
    for voter in range(settings.qa_voters):
        votes = [Vote(voter, q, True, rng.random()) for q in rng.sample(range(questions), each)]
        requests += votes
        if voter % UNVOTE_EVERY == UNVOTE_EVERY - 1:
            put = rng.choice(votes)
            requests.append(Vote(voter, put.question, False, put.key + rng.random() * (1.0 - put.key), put=put))
    requests.sort(key=lambda vote: vote.key)
    return requests


def expected_counts(requests: list[Vote], questions: list[int]) -> dict[int, int]:
    """Per question id: its answered votes minus its answered un-votes."""
    expected: dict[int, int] = dict.fromkeys(questions, 0)
    for request in requests:
        if request.ok:
            expected[questions[request.question]] += 1 if request.add else -1
    return expected


async def answered(request: Vote) -> bool:
    assert request.done is not None
    return await request.done


class VoteSender:
    """Sends the scheduled requests on a pool of keep-alive connections; each answer goes to its Vote."""

    def __init__(
        self,
        port: int,
        slug: str,
        questions: list[int],
        tokens: list[str],
        pool: asyncio.Queue[HTTPConnection],
        senders: list[HTTPConnection],
    ) -> None:
        self.port = port
        self.slug = slug
        self.questions = questions  # question ids, by index
        self.tokens = tokens  # by voter
        self.pool = pool
        self.senders = senders  # every connection, the ones opened here too (the session closes them)
        self.failures: dict[str, int] = {}  # requests not answered 200, by status or exception
        self.waited_for_conn = 0  # requests that found no free connection

    async def send(self, request: Vote) -> None:
        """One request, once its vote (for an un-vote) was answered; settles request.done."""
        pool = self.pool
        assert request.done is not None
        try:
            if request.put is not None and not await asyncio.shield(answered(request.put)):
                return  # its vote was not acknowledged: nothing to take back
            if pool.empty():
                self.waited_for_conn += 1
            conn = await pool.get()
            try:
                question = self.questions[request.question]
                request.sent = time.perf_counter()
                response = await conn.fetch(
                    "PUT" if request.add else "DELETE",
                    f"/api/events/{self.slug}/questions/{question}/vote",
                    token=self.tokens[request.voter],
                )
                request.acked = response.received_at
                if response.status != 200:
                    self.failures[f"HTTP {response.status}"] = self.failures.get(f"HTTP {response.status}", 0) + 1
                if response.status == 200:
                    answer = json.loads(response.body)
                    body, request.server_time = answer["question"], str(answer["server_time"])
                    request.count, request.ok = int(body["votes"]), int(body["id"]) == question
            except (ConnectionError, TimeoutError, ValueError, KeyError) as exc:
                self.failures[type(exc).__name__] = self.failures.get(type(exc).__name__, 0) + 1
            finally:
                if conn.closed:  # timed out: its state is unknown, use a new one
                    conn = await HTTPConnection.open(self.port)
                    self.senders.append(conn)
                pool.put_nowait(conn)
        finally:
            if not request.done.done():
                request.done.set_result(request.ok)


def item_gaps(items: list[dict[str, Any]]) -> dict[str, Any]:
    """The time between consecutive `votes` items (their created_at), in ms: min, p50, max, and
    every gap over 1.5 s with the created_at of the item that ended it."""
    stamps = [str(i["created_at"]) for i in items]
    times = [datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp() for stamp in stamps]
    gaps = [(b - a) * 1000 for a, b in zip(times, times[1:], strict=False)]
    if not gaps:
        return {}
    long = [{"ms": gap, "until": stamp} for gap, stamp in zip(gaps, stamps[1:], strict=True) if gap > 1500]
    return {"min": min(gaps), "p50": percentile(gaps, 0.5), "max": max(gaps), "over_1500": long}


def wave_spans(waves: dict[int, list[float]]) -> dict[str, float]:
    """From the first reader's receipt of a `votes` item to the last reader's, in ms: p50, p99, max."""
    spans = [last - first for first, last in waves.values()]
    return {"p50": ms(percentile(spans, 0.5)), "p99": ms(percentile(spans, 0.99)), "max": ms(max(spans, default=0.0))}


def slow_requests(requests: list[Vote], start: float) -> dict[str, Any]:
    """Requests answered in more than 500 ms: how many, and per second of the window (from its
    start) how many and the slowest, to tell a stall from a steady backlog."""
    per_second: dict[int, list[float]] = {}
    for request in requests:
        if request.acked and request.acked - request.sent > 0.5:
            per_second.setdefault(int(request.sent - start), []).append(request.acked - request.sent)
    return {
        "count": sum(len(v) for v in per_second.values()),
        "by_second": {str(k): {"n": len(v), "max_ms": ms(max(v))} for k, v in sorted(per_second.items())},
    }


_NOTHING: tuple[list[float], list[int], list[str]] = ([], [], [])


def vote_latencies(
    crowd: QACrowd, requests: list[Vote], questions: list[int]
) -> tuple[list[float], list[float], list[float], int, int]:
    """Per (acknowledged vote, sampled reader): from writing the request (and from its 200) to the
    first `votes` item received after it was written that carries the vote's count for its question
    (at least it for a vote, at most it for an un-vote), or failing that, one created after the
    vote's 200 answer (its created_at later than that answer's server_time: the item's counts were
    read after the vote committed; this settles a vote whose count a later un-vote took back before
    the next item); per vote, until every sampled reader had it; and how many (vote, reader) pairs
    never saw it (and how many the created_at rule settled). Both times are the server's, in ms, in the same format: they compare as strings."""
    from_send: list[float] = []
    from_ack: list[float] = []
    until_all: list[float] = []
    unseen = by_time = 0
    for request in requests:
        if not request.ok:
            continue
        question, count, add, after = questions[request.question], request.count, request.add, request.server_time
        slowest = 0.0
        for reader in range(crowd.sampled):
            times, counts, created = crowd.seen[reader].get(question, _NOTHING)
            at = bisect.bisect_left(times, request.sent)
            while at < len(times) and (counts[at] < count if add else counts[at] > count) and created[at] <= after:
                at += 1
            if at == len(times):
                unseen += 1
                continue
            if counts[at] < count if add else counts[at] > count:
                by_time += 1
            from_send.append(times[at] - request.sent)
            from_ack.append(times[at] - request.acked)
            slowest = max(slowest, times[at] - request.sent)
        until_all.append(slowest)
    return from_send, from_ack, until_all, unseen, by_time
