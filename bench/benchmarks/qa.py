"""Q&A votes (issue 22): a crowd of SSE readers follows a room whose participants vote on questions.

One chatserver process, one event with `"qa": true`, V participants joined, Q questions asked by
the first Q of them, and N readers that each hold one SSE stream (`GET .../stream?after=<cursor>`,
opened at the newest cursor once the questions are in) for two phases, each measured on its own:

  message   the reference: one participant posts 30 messages at 20/s (fanout.py's open-loop
            schedule) to the same readers, each of which must receive all 30;
  votes     for `qa_seconds`, the V voters cast `qa_votes_each` votes each on distinct questions
            (`PUT .../questions/<id>/vote`), and every `UNVOTE_EVERY`-th voter takes one of its votes
            back (`DELETE` the same, sent once that vote was acknowledged), all in one seeded random
            order at a steady rate (open loop: each request goes out on time on a free connection of
            a pool of SENDERS keep-alive connections, whether or not earlier ones were answered).

The server coalesces votes (store/tally.py): at most about once a second per event it appends one
`votes` item carrying the absolute counts of every question voted on since the last one. So the
stream must grow by far fewer items than votes are cast (the target: items/votes at most
ITEMS_PER_VOTE_TARGET), and a vote's count reaches the readers within about a second (the target:
p99 under P99_TARGET_MS).

Figures of the votes phase, over the window from the first request until every reader has every
`votes` item the server appended (and the sampled readers the final counts):
  - votes cast: requests acknowledged with 200 (PUTs and DELETEs);
  - items appended: the stream's items of kind `votes` between the cursors before and after (read
    with GET .../messages after the window), and any other kind appended meanwhile (an error);
  - server CPU (utime+stime of the process, all threads) per reader update, a reader update being
    one `votes` item delivered to one reader (readers x items appended, when none is lost);
  - latency, per (vote, sampled reader): from writing the vote's request to the first stream piece,
    received after that, carrying a `votes` item whose count for that question is at least the
    count the vote's 200 reported (at most, for a DELETE). Only SAMPLED readers decode the items
    (json.loads); the others count `votes` events from the raw bytes, so the generator stays far
    cheaper than the server. (A stale item that was in flight when a vote was sent could satisfy a
    later vote's threshold only after an un-vote lowered that question's count in between: rare, and
    it would shorten a latency, not lengthen it.)
  - nothing lost: every reader received exactly the `votes` items appended; every sampled reader's
    last counts equal the final ones; GET .../questions at the end equals, for every question, the
    acknowledged PUTs minus the acknowledged DELETEs the generator counted.

The reference phase gives chatserver's own CPU per message delivered to the same readers (the
`message` items, readers x 30), from the same server in the same invocation: the baseline server has
no Q&A, so the table's baseline column holds those figures and the ratio is votes / messages.

The Session is shared by two cases (benchmarks/__init__.py): the reference (not shown in the table)
measures both phases and stops the server; the votes case reports its share.
"""

from __future__ import annotations

import asyncio
import bisect
import json
import random
import time
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.benchmarks.common import BenchError, Result, Settings, expect, ms, newest_cursor, percentile, post
from bench.client import HTTPConnection, SSEParser, close_all, open_many
from bench.servers import CHATSERVER, ServerProcess, event_window, quiesce, running, self_cpu

PHASES = ("message", "votes")
MESSAGE_PREFIX = "qa-m-"  # a reference message's client_id: qa-m-<n>
SENDERS = 100  # keep-alive connections the votes (and the reference posts) go out on
JOINERS = 20  # joins (and questions) in flight at once while setting up
UNVOTE_EVERY = 5  # every 5th voter takes one of its votes back
SETUP_TIMEOUT = 60.0  # seconds for every stream to be open
DRAIN_TIMEOUT = 30.0  # seconds after the last request for every reader to have every update
GAP_S = 1.2  # idle time before each phase: longer than the server's 1 s coalescing window
ITEMS_PER_VOTE_TARGET = 0.05  # `votes` items appended per vote cast, at most
P99_TARGET_MS = 2000.0  # vote to count at the readers, 99th percentile, at most
LOADGEN_LIMIT_PCT = 50.0  # the generator's CPU share of its core above which the figures are suspect

_VOTES = b'"kind":"votes"'
_MESSAGE = b'"kind":"message"'
_CLIENT_ID = b'"client_id":"' + MESSAGE_PREFIX.encode()


@dataclass
class _Vote:
    """One scheduled request: a vote (add) or an un-vote on question index q by voter v."""

    voter: int
    question: int
    add: bool
    key: float  # its place in the schedule
    put: _Vote | None = None  # an un-vote's vote, acknowledged before the un-vote is sent
    sent: float = 0.0
    acked: float = 0.0
    count: int = -1  # the question's votes in the 200 answer
    server_time: str = ""  # the 200 answer's server_time (after the vote committed)
    ok: bool = False
    done: asyncio.Future[bool] | None = None


@dataclass
class _Crowd:
    """The readers' shared bookkeeping."""

    readers: int
    sampled: int  # readers 0 .. sampled-1 decode the items
    phase: str | None = None
    messages_expected: int = 0
    message_sent: list[float] = field(default_factory=list)
    message_count: list[int] = field(default_factory=list)
    message_latencies: list[float] = field(default_factory=list)
    message_complete: int = 0
    message_done: asyncio.Future[None] | None = None
    message_carriers: int = 0
    votes_count: list[int] = field(default_factory=list)  # per reader, `votes` items received in the phase
    votes_carriers: int = 0
    waves: dict[int, list[float]] = field(default_factory=dict)  # `votes` item id -> [first, last receipt]
    # per sampled reader: question id -> (receive times, counts, created_at) of the `votes` items that carried it
    seen: list[dict[int, tuple[list[float], list[int], list[str]]]] = field(default_factory=list)
    last_id: list[int] = field(default_factory=list)
    stamp: list[float] = field(default_factory=list)
    out_of_order: int = 0
    other_items: int = 0
    bad_events: int = 0
    non_200: int = 0
    transport_errors: int = 0
    failed_readers: int = 0
    streams_open: int = 0
    closing: bool = False

    def __post_init__(self) -> None:
        self.message_count = [0] * self.readers
        self.votes_count = [0] * self.readers
        self.last_id = [0] * self.readers
        self.stamp = [0.0] * self.readers
        self.seen = [{} for _ in range(self.sampled)]

    def errors(self) -> dict[str, int]:
        return {
            "non_200": self.non_200,
            "transport": self.transport_errors,
            "out_of_order": self.out_of_order,
            "bad_events": self.bad_events,
        }

    def reader_failed(self) -> None:
        if not self.closing:
            self.failed_readers += 1

    def last_counts(self, reader: int) -> dict[int, int]:
        """A sampled reader's latest count for every question it was told of."""
        return {question: counts[-1] for question, (_, counts, _) in self.seen[reader].items()}

    def on_event(self, reader: int, data: bytes, event_id: bytes, received_at: float) -> None:
        item_id = int(event_id)
        if item_id <= self.last_id[reader]:
            self.out_of_order += 1
        self.last_id[reader] = item_id
        kind_at = data.find(b'"kind":', 0, 40)
        if data.startswith(_VOTES, kind_at):
            if self.phase != "votes":
                self.other_items += 1
                return
            self.votes_count[reader] += 1
            wave = self.waves.get(item_id)
            if wave is None:
                self.waves[item_id] = [received_at, received_at]
            elif received_at > wave[1]:
                wave[1] = received_at
            if self.stamp[reader] != received_at:
                self.stamp[reader] = received_at
                self.votes_carriers += 1
            if reader < self.sampled:
                try:
                    item = json.loads(data)
                    created, seen = str(item["created_at"]), self.seen[reader]
                    for question, count in item["questions"].items():
                        times, values, stamps = seen.setdefault(int(question), ([], [], []))
                        times.append(received_at)
                        values.append(int(count))
                        stamps.append(created)
                except (ValueError, TypeError, KeyError, AttributeError):
                    self.bad_events += 1
            return
        if data.startswith(_MESSAGE, kind_at) and self.phase == "message" and _CLIENT_ID in data:
            self.message_count[reader] += 1
            if self.stamp[reader] != received_at:
                self.stamp[reader] = received_at
                self.message_carriers += 1
            if reader < self.sampled:
                try:
                    client_id = str(json.loads(data)["client_id"])
                    self.message_latencies.append(
                        received_at - self.message_sent[int(client_id[len(MESSAGE_PREFIX) :])]
                    )
                except (ValueError, TypeError, KeyError, IndexError):
                    self.bad_events += 1
            if self.message_count[reader] == self.messages_expected:
                self.message_complete += 1
                if self.message_complete + self.failed_readers >= self.readers and self.message_done is not None:
                    if not self.message_done.done():
                        self.message_done.set_result(None)
            return
        self.other_items += 1


class _StreamReader:
    """One SSE reader: its events go to the crowd as they arrive."""

    __slots__ = ("crowd", "ended", "number", "opened", "parser")

    def __init__(self, number: int, crowd: _Crowd) -> None:
        self.number = number
        self.crowd = crowd
        self.opened = False
        self.ended: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.parser = SSEParser(self.on_event)

    def on_event(self, kind: bytes, data: bytes, event_id: bytes | None, received_at: float) -> None:
        if kind != b"message":
            if kind == b"state" and not self.opened:
                self.opened = True
                self.crowd.streams_open += 1
            return
        if event_id is None or not event_id.isdigit():
            self.crowd.bad_events += 1
            return
        self.crowd.on_event(self.number, data, event_id, received_at)

    def on_end(self, exc: Exception | None) -> None:
        if not self.crowd.closing:  # a stream that ends while the session runs has failed
            self.crowd.transport_errors += 1
            self.crowd.reader_failed()
        if not self.ended.done():
            self.ended.set_result(None)


async def _sse_reader(conn: HTTPConnection, number: int, slug: str, cursor: int, crowd: _Crowd) -> None:
    reader = _StreamReader(number, crowd)
    try:
        head = await conn.stream(
            f"/api/events/{slug}/stream?after={cursor}",
            reader.parser.feed,
            reader.on_end,
            headers="Accept: text/event-stream\r\n",
            timeout=SETUP_TIMEOUT,
        )
    except (ConnectionError, TimeoutError):
        crowd.transport_errors += 1
        crowd.reader_failed()
        return
    if head.status != 200 or not head.headers.get("content-type", "").startswith("text/event-stream"):
        crowd.non_200 += 1
        crowd.reader_failed()
        conn.close()
        return
    await reader.ended


def _schedule(settings: Settings, questions: int, rng: random.Random) -> list[_Vote]:
    """Every voter's votes on distinct questions, and some un-votes each after its vote, in one order."""
    requests: list[_Vote] = []
    each = min(settings.qa_votes_each, questions)
    for voter in range(settings.qa_voters):
        votes = [_Vote(voter, q, True, rng.random()) for q in rng.sample(range(questions), each)]
        requests += votes
        if voter % UNVOTE_EVERY == UNVOTE_EVERY - 1:
            put = rng.choice(votes)
            requests.append(_Vote(voter, put.question, False, put.key + rng.random() * (1.0 - put.key), put=put))
    requests.sort(key=lambda vote: vote.key)
    return requests


class Session:
    """One server and one crowd of SSE readers for the reference phase and the votes phase."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.readers = settings.qa_readers
        self.crowd: _Crowd | None = None
        self.failed: str | None = None
        self.results: dict[str, Result] | None = None
        self._stack: AsyncExitStack | None = None
        self._server: ServerProcess | None = None
        self._control: HTTPConnection | None = None
        self._pool: asyncio.Queue[HTTPConnection] | None = None
        self._senders: list[HTTPConnection] = []
        self._conns: list[HTTPConnection] = []
        self._tasks: list[asyncio.Task[None]] = []
        self._slug = ""
        self._tokens: list[str] = []
        self._questions: list[int] = []  # question ids, by index
        self._cursor = 0
        self._setup_s = 0.0

    async def run(self, what: str, kind: str) -> Result:
        """One phase's figures; the first call measures both (and stops the server after)."""
        assert kind == CHATSERVER
        if self.results is None and self.failed is None:
            try:
                started = time.perf_counter()
                await self._start()
                self._setup_s = time.perf_counter() - started
                reference = await self._messages()
                votes = await self._votes()
                self.results = {"message": reference, "votes": votes}
            except BaseException as exc:
                self.failed = f"{type(exc).__name__}: {exc}"
                raise
            finally:
                await self.close()
        if self.results is None:
            raise BenchError(f"not measured: {self.failed}")
        return self.results[what]

    async def close(self) -> None:
        """Stop the readers and the server (idempotent)."""
        if self.crowd is not None:
            self.crowd.closing = True
        for task in self._tasks:
            task.cancel()
        close_all(self._conns + self._senders + ([self._control] if self._control is not None else []))
        self._tasks, self._conns, self._senders, self._control = [], [], [], None
        if self._stack is not None:
            stack, self._stack = self._stack, None
            await stack.aclose()

    async def _start(self) -> None:
        settings = self.settings
        self._stack = AsyncExitStack()
        # The default vote limit (60 per participant per 10 s) is far above qa_votes_each + 1 in
        # qa_seconds: nothing here is refused for it, so the server runs with its default.
        server = self._server = await self._stack.enter_async_context(
            running(CHATSERVER, settings.workdir, max_wait=settings.max_wait, extra=settings.chatserver_args)
        )
        control = self._control = await HTTPConnection.open(server.port)
        starts_at, ends_at = event_window()
        event = expect(
            await control.fetch(
                "POST",
                "/api/events",
                {"title": f"Q&A with {self.readers} readers", "starts_at": starts_at, "ends_at": ends_at, "qa": True},
            ),
            201,
            "create the Q&A event",
        )
        slug = self._slug = str(event["event"]["slug"])
        self._senders = await open_many(server.port, SENDERS)
        pool = self._pool = asyncio.Queue()
        for conn in self._senders:
            pool.put_nowait(conn)
        self._tokens = [""] * settings.qa_voters

        async def join(voter: int) -> None:
            conn = await pool.get()
            try:
                body = expect(
                    await conn.fetch("POST", f"/api/events/{slug}/participants", {"nickname": f"voter{voter}"}),
                    201,
                    f"join as voter{voter}",
                )
                self._tokens[voter] = str(body["token"])
            finally:
                pool.put_nowait(conn)

        await _bounded(JOINERS, [join(v) for v in range(settings.qa_voters)])
        asked = [0] * settings.qa_questions

        async def ask(index: int) -> None:
            conn = await pool.get()
            try:
                body = expect(
                    await conn.fetch(
                        "POST",
                        f"/api/events/{slug}/questions",
                        {"body": f"Question {index}: what about the roadmap for part {index}?"},
                        token=self._tokens[index % len(self._tokens)],
                    ),
                    201,
                    f"ask question {index}",
                )
                asked[index] = int(body["question"]["id"])
            finally:
                pool.put_nowait(conn)

        await _bounded(JOINERS, [ask(i) for i in range(settings.qa_questions)])
        self._questions = asked
        self._cursor = await newest_cursor(control, slug)
        crowd = self.crowd = _Crowd(self.readers, min(settings.qa_sampled, self.readers))
        self._conns = await open_many(server.port, self.readers)
        self._tasks = [
            asyncio.create_task(_sse_reader(conn, n, slug, self._cursor, crowd)) for n, conn in enumerate(self._conns)
        ]
        deadline = time.monotonic() + SETUP_TIMEOUT
        open_streams = 0
        while time.monotonic() < deadline:
            if crowd.streams_open >= self.readers:
                open_streams = await server.total(control, "chatserver_open_streams")
                if open_streams >= self.readers:
                    return
            if crowd.failed_readers:
                break
            await asyncio.sleep(0.1)
        raise BenchError(
            f"only {crowd.streams_open} of {self.readers} streams sent their first event (server: "
            f"{open_streams} open, {crowd.non_200} not 200, {crowd.transport_errors} transport errors)"
        )

    async def _fresh_senders(self) -> asyncio.Queue[HTTPConnection]:
        """New sender connections for a phase: the server closes keep-alive connections idle for
        longer than its --header-timeout (10 s), and setting up the readers takes longer than that."""
        server = self._server
        assert server is not None
        close_all(self._senders)
        self._senders = await open_many(server.port, SENDERS)
        pool = self._pool = asyncio.Queue()
        for conn in self._senders:
            pool.put_nowait(conn)
        return pool

    async def _messages(self) -> Result:
        """The reference: 30 messages at 20/s by one participant, every reader must get all 30."""
        crowd, server = self.crowd, self._server
        assert crowd is not None and server is not None
        count, rate = self.settings.fanout_messages, self.settings.fanout_rate
        await asyncio.sleep(GAP_S)
        pool = await self._fresh_senders()
        await quiesce(server)
        loop = asyncio.get_running_loop()
        crowd.messages_expected, crowd.message_sent = count, [0.0] * count
        crowd.message_done = loop.create_future()
        errors0 = crowd.errors()
        crowd.phase = "message"
        cpu0, gen0, waited0 = server.cpu(), self_cpu(), _runqueue_wait(server.pid)
        start = time.perf_counter()

        failures: dict[str, int] = {}

        async def send(i: int) -> bool:
            conn = await pool.get()
            try:
                crowd.message_sent[i] = time.perf_counter()
                response = await post(
                    conn, self._slug, self._tokens[0], f"message {i} before the votes", f"{MESSAGE_PREFIX}{i}"
                )
                if response.status != 201:
                    failures[f"HTTP {response.status}"] = failures.get(f"HTTP {response.status}", 0) + 1
                return response.status == 201
            except (ConnectionError, TimeoutError) as exc:
                failures[type(exc).__name__] = failures.get(type(exc).__name__, 0) + 1
                return False
            finally:
                pool.put_nowait(conn)

        sends = []
        for i in range(count):
            await asyncio.sleep(max(0.0, start + i / rate - time.perf_counter()))
            sends.append(asyncio.create_task(send(i)))
        outcomes = await asyncio.gather(*sends)
        try:
            await asyncio.wait_for(asyncio.shield(crowd.message_done), DRAIN_TIMEOUT)
            timed_out = False
        except TimeoutError:
            timed_out = True
        cpu1, gen1, end = server.cpu(), self_cpu(), time.perf_counter()
        waited1 = _runqueue_wait(server.pid)
        crowd.phase = None
        deliveries = sum(crowd.message_count)
        errors = {name: value - errors0[name] for name, value in crowd.errors().items()}
        errors.update(
            requests_failed=sum(1 for ok in outcomes if not ok),
            missing=sum(max(0, count - got) for got in crowd.message_count),
            duplicates=sum(max(0, got - count) for got in crowd.message_count),
        )
        latencies = crowd.message_latencies
        result = Result()
        result.metrics = {
            "server CPU µs/reader update": (cpu1 - cpu0) / max(1, deliveries) * 1e6,
            "p50 send-to-reader ms": ms(percentile(latencies, 0.50)),
            "p99 send-to-reader ms": ms(percentile(latencies, 0.99)),
            "updates/stream piece": deliveries / max(1, crowd.message_carriers),
            "errors": sum(errors.values()),
            "server waiting for CPU %": (waited1 - waited0) / (end - start) * 100,
            "load-gen CPU %": (gen1 - gen0) / (end - start) * 100,
        }
        result.details = {
            "kind": "message",
            "readers": self.readers,
            "sampled_readers": crowd.sampled,
            "messages": count,
            "rate_target": rate,
            "deliveries": deliveries,
            "expected_deliveries": self.readers * count,
            "server_cpu_s": cpu1 - cpu0,
            "server_runqueue_wait_s": waited1 - waited0,
            "window_s": end - start,
            "timed_out": timed_out,
            "latency_note": "sampled readers only",
            "max_send_to_reader_ms": ms(max(latencies, default=float("nan"))),
            "setup_s": self._setup_s,
            "request_failures": failures,
            "errors": errors,
        }
        return result

    async def _votes(self) -> Result:
        """The votes phase: the schedule at a steady rate, then until every reader has every update."""
        crowd, server, control = self.crowd, self._server, self._control
        assert crowd is not None and server is not None and control is not None
        settings, slug = self.settings, self._slug
        requests = _schedule(settings, len(self._questions), random.Random(22))
        loop = asyncio.get_running_loop()
        for request in requests:
            request.done = loop.create_future()
        await asyncio.sleep(GAP_S)
        pool = await self._fresh_senders()
        await quiesce(server)
        cursor0 = await newest_cursor(control, slug)
        failures: dict[str, int] = {}
        errors0, other0 = crowd.errors(), crowd.other_items
        crowd.phase = "votes"
        waited_for_conn = 0
        cpu0, gen0, waited0 = server.cpu(), self_cpu(), _runqueue_wait(server.pid)
        start = time.perf_counter()
        rate = len(requests) / settings.qa_seconds

        async def send(request: _Vote) -> None:
            nonlocal waited_for_conn
            assert request.done is not None
            try:
                if request.put is not None and not await asyncio.shield(_done(request.put)):
                    return  # its vote was not acknowledged: nothing to take back
                if pool.empty():
                    waited_for_conn += 1
                conn = await pool.get()
                try:
                    question = self._questions[request.question]
                    request.sent = time.perf_counter()
                    response = await conn.fetch(
                        "PUT" if request.add else "DELETE",
                        f"/api/events/{slug}/questions/{question}/vote",
                        token=self._tokens[request.voter],
                    )
                    request.acked = response.received_at
                    if response.status != 200:
                        failures[f"HTTP {response.status}"] = failures.get(f"HTTP {response.status}", 0) + 1
                    if response.status == 200:
                        answer = json.loads(response.body)
                        body, request.server_time = answer["question"], str(answer["server_time"])
                        request.count, request.ok = int(body["votes"]), int(body["id"]) == question
                except (ConnectionError, TimeoutError, ValueError, KeyError) as exc:
                    failures[type(exc).__name__] = failures.get(type(exc).__name__, 0) + 1
                finally:
                    if conn.closed:  # timed out: its state is unknown, use a new one
                        conn = await HTTPConnection.open(server.port)
                        self._senders.append(conn)
                    pool.put_nowait(conn)
            finally:
                if not request.done.done():
                    request.done.set_result(request.ok)

        sends = []
        for i, request in enumerate(requests):
            await asyncio.sleep(max(0.0, start + i / rate - time.perf_counter()))
            sends.append(asyncio.create_task(send(request)))
        await asyncio.gather(*sends)
        last_ack = time.perf_counter()
        expected: dict[int, int] = dict.fromkeys(self._questions, 0)
        for request in requests:
            if request.ok:
                expected[self._questions[request.question]] += 1 if request.add else -1
        voted = {self._questions[r.question] for r in requests if r.ok}
        wanted = {q: expected[q] for q in voted}

        def caught_up() -> bool:
            if crowd.failed_readers:
                return False
            if any(crowd.last_counts(r) != wanted for r in range(crowd.sampled)):
                return False
            top = crowd.votes_count[0] if crowd.sampled else max(crowd.votes_count)
            return all(got == top for got in crowd.votes_count)

        deadline = time.perf_counter() + DRAIN_TIMEOUT
        while not caught_up() and time.perf_counter() < deadline:
            await asyncio.sleep(0.01)
        timed_out = not caught_up()
        cpu1, gen1, end = server.cpu(), self_cpu(), time.perf_counter()
        waited1 = _runqueue_wait(server.pid)
        crowd.phase = None

        # After the window: what the stream holds, and the counts the server lists.
        appended = await _items_after(control, slug, cursor0)
        votes_items = [item for item in appended if item.get("kind") == "votes"]
        other_kinds = sorted({str(item.get("kind")) for item in appended if item.get("kind") != "votes"})
        listed = expect(
            await control.fetch("GET", f"/api/events/{slug}/questions?sort=new&limit=1000"), 200, "list the questions"
        )
        final = {int(q["id"]): int(q["votes"]) for q in listed["questions"]}
        told: dict[int, int] = {}
        for item in votes_items:
            told.update({int(q): int(n) for q, n in item.get("questions", {}).items()})

        latencies, from_ack, until_all, unseen, by_time = _latencies(crowd, requests, self._questions)
        cast = sum(1 for r in requests if r.ok)
        updates = sum(crowd.votes_count)
        errors = {name: value - errors0[name] for name, value in crowd.errors().items()}
        errors.update(
            requests_failed=sum(1 for r in requests if not r.ok and (r.put is None or r.put.ok)),
            wrong_final_counts=sum(1 for q in self._questions if final.get(q, -1) != expected[q]),
            stream_final_differs=sum(1 for q in voted if told.get(q) != expected[q]),
            readers_missing_updates=sum(1 for got in crowd.votes_count if got != len(votes_items)),
            other_items_appended=len(appended) - len(votes_items),
            unseen_by_sampled_reader=unseen,
            readers_failed=crowd.failed_readers,
        )
        window = end - start
        server_cpu = cpu1 - cpu0
        result = Result()
        result.metrics = {
            "votes cast": cast,
            "votes items appended": len(votes_items),
            "items/votes": len(votes_items) / max(1, cast),
            "server CPU µs/reader update": server_cpu / max(1, updates) * 1e6,
            "server CPU ms/vote": server_cpu / max(1, cast) * 1e3,
            "server CPU %": server_cpu / window * 100,
            "p50 send-to-reader ms": ms(percentile(latencies, 0.50)),
            "p99 send-to-reader ms": ms(percentile(latencies, 0.99)),
            "p99 answer-to-reader ms": ms(percentile(from_ack, 0.99)),
            "p99 vote answered ms": ms(percentile([r.acked - r.sent for r in requests if r.ok], 0.99)),
            "updates/stream piece": updates / max(1, crowd.votes_carriers),
            "errors": sum(errors.values()),
            "server waiting for CPU %": (waited1 - waited0) / window * 100,
            "load-gen CPU %": (gen1 - gen0) / window * 100,
        }
        puts = [r for r in requests if r.add and r.ok]
        result.details = {
            "kind": "votes",
            "readers": self.readers,
            "sampled_readers": crowd.sampled,
            "voters": settings.qa_voters,
            "questions": len(self._questions),
            "votes_each": settings.qa_votes_each,
            "unvote_every": UNVOTE_EVERY,
            "seconds": settings.qa_seconds,
            "requests_scheduled": len(requests),
            "puts_acknowledged": len(puts),
            "deletes_acknowledged": cast - len(puts),
            "request_rate_target": rate,
            "request_rate_achieved": (len(requests) - 1) / max(1e-9, requests[-1].sent - requests[0].sent)
            if len(requests) > 1
            else 0.0,
            "requests_waiting_for_a_connection": waited_for_conn,
            "request_p50_ms": ms(percentile([r.acked - r.sent for r in requests if r.ok], 0.50)),
            "request_p99_ms": ms(percentile([r.acked - r.sent for r in requests if r.ok], 0.99)),
            "reader_updates": updates,
            "votes_items_received_per_reader": {
                "min": min(crowd.votes_count, default=0),
                "max": max(crowd.votes_count, default=0),
            },
            "server_cpu_s": server_cpu,
            "server_runqueue_wait_s": waited1 - waited0,
            "window_s": window,
            "last_ack_to_end_s": end - last_ack,
            "timed_out": timed_out,
            "latency_note": "per (vote, sampled reader), from writing the request",
            "pairs_settled_by_created_at": by_time,
            "p90_send_to_reader_ms": ms(percentile(latencies, 0.90)),
            "max_send_to_reader_ms": ms(max(latencies, default=float("nan"))),
            "p50_ack_to_reader_ms": ms(percentile(from_ack, 0.50)),
            "p99_ack_to_reader_ms": ms(percentile(from_ack, 0.99)),
            "p50_send_to_all_sampled_ms": ms(percentile(until_all, 0.50)),
            "p99_send_to_all_sampled_ms": ms(percentile(until_all, 0.99)),
            "fan_out_wave_ms": _waves(crowd.waves),
            "questions_per_votes_item": sum(len(i.get("questions", {})) for i in votes_items)
            / max(1, len(votes_items)),
            "votes_item_gaps_ms": _gaps(votes_items),
            "slow_requests": _slow(requests, start),
            "request_failures": failures,
            "other_kinds_appended": other_kinds,
            "other_items_received": crowd.other_items - other0,
            "errors": errors,
        }
        return result


def _runqueue_wait(pid: int) -> float:
    """Seconds the server's threads have spent runnable but waiting for a CPU (schedstat's second
    field, summed over /proc/<pid>/task): other processes on CPU 0 show here, not in its CPU time."""
    total = 0
    for task in Path(f"/proc/{pid}/task").glob("*/schedstat"):
        try:
            total += int(task.read_text().split()[1])
        except (OSError, IndexError, ValueError):
            continue
    return total / 1e9


async def _done(request: _Vote) -> bool:
    assert request.done is not None
    return await request.done


async def _bounded(limit: int, jobs: list[Any]) -> None:
    """Run the coroutines with at most limit at once; the first failure is raised."""
    gate = asyncio.Semaphore(limit)

    async def one(job: Any) -> None:
        async with gate:
            await job

    await asyncio.gather(*(one(job) for job in jobs))


async def _items_after(conn: HTTPConnection, slug: str, cursor: int) -> list[dict[str, Any]]:
    """Every item the stream holds after cursor."""
    items: list[dict[str, Any]] = []
    more = True
    while more:
        body = expect(await conn.fetch("GET", f"/api/events/{slug}/messages?after={cursor}&limit=1000"), 200, "read")
        items += body["messages"]
        cursor, more = int(body["cursor"]), bool(body["more"])
    return items


def _gaps(items: list[dict[str, Any]]) -> dict[str, Any]:
    """The time between consecutive `votes` items (their created_at), in ms: min, p50, max, and
    every gap over 1.5 s with the created_at of the item that ended it."""
    stamps = [str(i["created_at"]) for i in items]
    times = [datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp() for stamp in stamps]
    gaps = [(b - a) * 1000 for a, b in zip(times, times[1:], strict=False)]
    if not gaps:
        return {}
    long = [{"ms": gap, "until": stamp} for gap, stamp in zip(gaps, stamps[1:], strict=True) if gap > 1500]
    return {"min": min(gaps), "p50": percentile(gaps, 0.5), "max": max(gaps), "over_1500": long}


def _waves(waves: dict[int, list[float]]) -> dict[str, float]:
    """From the first reader's receipt of a `votes` item to the last reader's, in ms: p50, p99, max."""
    spans = [last - first for first, last in waves.values()]
    return {"p50": ms(percentile(spans, 0.5)), "p99": ms(percentile(spans, 0.99)), "max": ms(max(spans, default=0.0))}


def _slow(requests: list[_Vote], start: float) -> dict[str, Any]:
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


def _latencies(
    crowd: _Crowd, requests: list[_Vote], questions: list[int]
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
