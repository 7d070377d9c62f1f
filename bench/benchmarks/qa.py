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
import random
import time

from bench.benchmarks.common import (
    Result,
    Settings,
    bounded,
    create_event,
    expect,
    join,
    ms,
    newest_cursor,
    open_loop,
    percentile,
    post,
    read_items,
    settled,
)
from bench.benchmarks.qa_crowd import MESSAGE_PREFIX, QACrowd, StreamReader
from bench.benchmarks.qa_votes import (
    UNVOTE_EVERY,
    VoteSender,
    expected_counts,
    item_gaps,
    schedule,
    slow_requests,
    vote_latencies,
    wave_spans,
)
from bench.benchmarks.sse_crowd import CrowdSession, follow
from bench.client import HTTPConnection, close_all, open_many
from bench.servers import quiesce, runqueue_wait, self_cpu

PHASES = ("message", "votes")
SENDERS = 100  # keep-alive connections the votes (and the reference posts) go out on
JOINERS = 20  # joins (and questions) in flight at once while setting up
DRAIN_TIMEOUT = 30.0  # seconds after the last request for every reader to have every update
GAP_S = 1.2  # idle time before each phase: longer than the server's 1 s coalescing window
ITEMS_PER_VOTE_TARGET = 0.05  # `votes` items appended per vote cast, at most
P99_TARGET_MS = 2000.0  # vote to count at the readers, 99th percentile, at most
LOADGEN_LIMIT_PCT = 50.0  # the generator's CPU share of its core above which the figures are suspect


class Session(CrowdSession[QACrowd]):
    """One server and one crowd of SSE readers for the reference phase and the votes phase."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings, settings.qa_readers)
        self._pool: asyncio.Queue[HTTPConnection] | None = None
        self._slug = ""
        self._tokens: list[str] = []
        self._questions: list[int] = []  # question ids, by index
        self._cursor = 0
        self._setup_s = 0.0

    async def _measure(self) -> dict[str, Result]:
        """Both phases: the reference, then the votes."""
        started = time.perf_counter()
        await self._start()
        self._setup_s = time.perf_counter() - started
        reference = await self._messages()
        votes = await self._votes()
        return {"message": reference, "votes": votes}

    async def _start(self) -> None:
        settings = self.settings
        # The default vote limit (60 per participant per 10 s) is far above qa_votes_each + 1 in
        # qa_seconds: nothing here is refused for it, so the server runs with its default.
        _, control = await self._start_server()
        slug = self._slug = await create_event(control, f"Q&A with {self.readers} readers", qa=True)
        pool = await self._fresh_senders()
        self._tokens = [""] * settings.qa_voters

        async def join_one(voter: int) -> None:
            conn = await pool.get()
            try:
                self._tokens[voter] = await join(conn, slug, f"voter{voter}")
            finally:
                pool.put_nowait(conn)

        await bounded(JOINERS, [join_one(v) for v in range(settings.qa_voters)])
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

        await bounded(JOINERS, [ask(i) for i in range(settings.qa_questions)])
        self._questions = asked
        self._cursor = await newest_cursor(control, slug)
        crowd = self.crowd = QACrowd(self.readers, min(settings.qa_sampled, self.readers))
        await self._start_readers(lambda conn, n: follow(conn, StreamReader(n, crowd), slug, self._cursor))
        await self._wait_streams()

    async def _fresh_senders(self) -> asyncio.Queue[HTTPConnection]:
        """New sender connections (for the setup, then for each phase: the server closes keep-alive
        connections idle for longer than its --header-timeout (10 s), and setting up the readers takes
        longer than that)."""
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
        done = crowd.message_done = loop.create_future()
        errors0 = crowd.errors()
        crowd.phase = "message"
        cpu0, gen0, waited0 = server.cpu(), self_cpu(), runqueue_wait(server.pid)
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

        outcomes = await open_loop(count, rate, start, send)
        timed_out = not await settled(done, DRAIN_TIMEOUT)
        cpu1, gen1, end = server.cpu(), self_cpu(), time.perf_counter()
        waited1 = runqueue_wait(server.pid)
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
        requests = schedule(settings, len(self._questions), random.Random(22))
        loop = asyncio.get_running_loop()
        for request in requests:
            request.done = loop.create_future()
        await asyncio.sleep(GAP_S)
        pool = await self._fresh_senders()
        await quiesce(server)
        cursor0 = await newest_cursor(control, slug)
        sender = VoteSender(server.port, slug, self._questions, self._tokens, pool, self._senders)
        errors0, other0 = crowd.errors(), crowd.other_items
        crowd.phase = "votes"
        cpu0, gen0, waited0 = server.cpu(), self_cpu(), runqueue_wait(server.pid)
        start = time.perf_counter()
        rate = len(requests) / settings.qa_seconds
        await open_loop(len(requests), rate, start, lambda i: sender.send(requests[i]))
        last_ack = time.perf_counter()
        expected = expected_counts(requests, self._questions)
        voted = {self._questions[r.question] for r in requests if r.ok}
        wanted = {q: expected[q] for q in voted}
        deadline = time.perf_counter() + DRAIN_TIMEOUT
        while not crowd.caught_up(wanted) and time.perf_counter() < deadline:
            await asyncio.sleep(0.01)
        timed_out = not crowd.caught_up(wanted)
        cpu1, gen1, end = server.cpu(), self_cpu(), time.perf_counter()
        waited1 = runqueue_wait(server.pid)
        crowd.phase = None

        # After the window: what the stream holds, and the counts the server lists.
        appended, _ = await read_items(control, slug, cursor0)
        votes_items = [item for item in appended if item.get("kind") == "votes"]
        other_kinds = sorted({str(item.get("kind")) for item in appended if item.get("kind") != "votes"})
        listed = expect(
            await control.fetch("GET", f"/api/events/{slug}/questions?sort=new&limit=1000"), 200, "list the questions"
        )
        final = {int(q["id"]): int(q["votes"]) for q in listed["questions"]}
        told: dict[int, int] = {}
        for item in votes_items:
            told.update({int(q): int(n) for q, n in item.get("questions", {}).items()})

        latencies, from_ack, until_all, unseen, by_time = vote_latencies(crowd, requests, self._questions)
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
            "requests_waiting_for_a_connection": sender.waited_for_conn,
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
            "fan_out_wave_ms": wave_spans(crowd.waves),
            "questions_per_votes_item": sum(len(i.get("questions", {})) for i in votes_items)
            / max(1, len(votes_items)),
            "votes_item_gaps_ms": item_gaps(votes_items),
            "slow_requests": slow_requests(requests, start),
            "request_failures": sender.failures,
            "other_kinds_appended": other_kinds,
            "other_items_received": crowd.other_items - other0,
            "errors": errors,
        }
        return result
