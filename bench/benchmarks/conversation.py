"""Conversation fan-out: what it costs to deliver reactions and edits, against plain messages.

One chatserver process per transport, and one crowd of N readers that follows one room through
three phases, each measured on its own (the same readers, connections and room throughout):

  message   30 messages at 20/s by one participant (fanout.py's schedule: open loop, each request
            on its own connection, sent on time whether or not earlier ones were answered);
  reaction  30 reactions at 20/s to one message (PUT .../messages/<id>/reactions/<emoji>), each by
            a different participant, each added once (the server allows 30 reactions per
            participant per 10 s by default: a few each need no `--reaction-limit`);
  edit      30 edits at 20/s of that same message by its author (PATCH .../messages/<id>).

The three phases run in that order ROUNDS times (settings.conversation_rounds), interleaved, and
each kind's figures pool its rounds: on a machine whose speed drifts from second to second (a
shared VM, other processes), each kind then samples the same conditions, and the ratios between
kinds stop depending on which of them happened to run in a slow second. Round r reacts with
EMOJIS[r], so every round's reactions are new.

Readers either long-poll (transport="poll", re-polling at once with each returned cursor) or keep
one SSE stream open (transport="sse"), as in fanout.py. Every reader must receive every item of
every phase exactly once, and every item it receives (of any kind) in ascending id order. A
phase's items are told apart by kind: a message by its client_id (cv-<n>), a reaction by its
participant and emoji, an edit by its body (cv-edit-<n> ...).

Per phase: server CPU (utime+stime from /proc) from the first request until every reader has every
item, divided by the deliveries (readers x items); request-to-receipt latency per delivery;
and how many items each poll response or stream piece carried, counting only the responses and
pieces that carried at least one of the phase's items (SSE keepalive comments and empty poll
answers are left out).

Reactions are coalesced by the server (broker.REACTIONS_COALESCE_S): a held poll or an open
stream is woken for them at most once a second per event, so they cost less to deliver and
arrive up to about a second later. Each phase starts more than that window after the one before
(GAP_S), so the first reaction is not held back by the previous phase's last wake.

The Session is shared by three cases (one per kind, see benchmarks/__init__.py): the first to run
(messages) measures every round of every kind and stops the server; the other two report their
share of it.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Literal
from urllib.parse import quote

from bench.benchmarks.common import (
    BenchError,
    Result,
    Settings,
    create_event,
    expect,
    ms,
    newest_cursor,
    open_loop,
    percentile,
    post,
    settled,
)
from bench.benchmarks.conversation_crowd import (
    EDIT_PREFIX,
    EMOJIS,
    PREFIX,
    ConversationCrowd,
    Phase,
    StreamReader,
    poll_reader,
)
from bench.benchmarks.sse_crowd import SETUP_TIMEOUT, CrowdSession, follow
from bench.client import HTTPConnection, open_many
from bench.servers import quiesce, self_cpu, wait_held

Transport = Literal["poll", "sse"]
PHASES = ("message", "reaction", "edit")
GAP_S = 1.2  # idle time before each phase: longer than the server's 1 s reaction coalescing window
PHASE_TIMEOUT = 60.0  # seconds after the last request for every reader to have every item


async def _join(conn: HTTPConnection, slug: str, nickname: str) -> tuple[int, str]:
    """Join the event; return the participant's id and token."""
    body = expect(
        await conn.fetch("POST", f"/api/events/{slug}/participants", {"nickname": nickname}), 201, f"join as {nickname}"
    )
    return int(body["participant"]["id"]), str(body["token"])


@dataclass
class _Run:
    """One phase of one round, as measured."""

    round: int
    cpu_s: float
    generator_s: float
    window_s: float  # from the first request until every reader had every item (or the time-out)
    span_s: float  # from the first request to the last reader's last item
    deliveries: int
    carriers: int
    latencies: list[float]
    request_latencies: list[float]
    request_rate: float
    errors: dict[str, int]
    other_items: int
    timed_out: bool


class Session(CrowdSession[ConversationCrowd]):
    """One server and one crowd of readers on one transport, for every round of the three phases."""

    def __init__(self, settings: Settings, transport: Transport) -> None:
        super().__init__(settings, settings.conversation_readers)
        self.transport = transport
        self.count = settings.conversation_items
        self.rounds = max(1, min(settings.conversation_rounds, len(EMOJIS)))
        self._slug = ""
        self._author = ""
        self._reactor_tokens: list[str] = []

    async def _measure(self) -> dict[str, Result]:
        """Every round of every kind, interleaved; each kind's figures pooled over its rounds."""
        await self._start()
        runs: dict[str, list[_Run]] = {phase: [] for phase in PHASES}
        for round_number in range(self.rounds):
            for phase in PHASES:
                runs[phase].append(await self._phase(phase, round_number))
        return {phase: self._result(phase, runs[phase]) for phase in PHASES}

    async def _start(self) -> None:
        server, control = await self._start_server()
        crowd = self.crowd = ConversationCrowd(self.readers, self.count)
        self._senders = await open_many(server.port, self.count)  # a connection per request of a phase
        slug = self._slug = await create_event(control, f"Conversation with {self.readers} readers")
        _, self._author = await _join(control, slug, "author")
        posted = expect(
            await post(control, slug, self._author, "Shall we ship it on Friday?", "cv-target"),
            201,
            "post the message to react to and edit",
        )
        crowd.target = int(posted["message"]["id"])
        crowd.target_bytes = str(crowd.target).encode()
        for i in range(self.count):
            participant, token = await _join(control, slug, f"reactor{i}")
            crowd.reactors[participant] = i
            self._reactor_tokens.append(token)
        cursor = await newest_cursor(control, slug)
        if self.transport == "sse":
            await self._start_readers(lambda conn, n: follow(conn, StreamReader(n, crowd), slug, cursor))
            await self._wait_streams()
        else:
            await self._start_readers(lambda conn, n: poll_reader(conn, n, slug, cursor, crowd))

    async def _send(self, what: str, index: int, phase: Phase, round_number: int) -> tuple[float, bool]:
        """Request index of a phase, on its own connection; its latency and whether it did what it should."""
        conn, slug, target = self._senders[index], self._slug, self.crowd.target if self.crowd else 0
        number = phase.offset + index
        phase.sent[index] = time.perf_counter()
        try:
            if what == "message":
                response = await post(conn, slug, self._author, f"conversation message {number}", f"{PREFIX}{number}")
                ok = response.status == 201
            elif what == "reaction":
                path = f"/api/events/{slug}/messages/{target}/reactions/{quote(EMOJIS[round_number])}"
                response = await conn.fetch("PUT", path, token=self._reactor_tokens[index])
                ok = response.status == 200 and b'"reaction":null' not in response.body  # null: nothing changed
            else:
                body = {"body": f"{EDIT_PREFIX}{number} shall we ship it on Friday?"}
                response = await conn.fetch("PATCH", f"/api/events/{slug}/messages/{target}", body, token=self._author)
                ok = response.status == 200
        except (ConnectionError, TimeoutError):
            return float("nan"), False
        return response.received_at - phase.sent[index], ok

    async def _phase(self, what: str, round_number: int) -> _Run:
        """One phase: the requests on schedule, until every reader has every item."""
        crowd, server, control = self.crowd, self._server, self._control
        assert crowd is not None and server is not None and control is not None
        count, rate = self.count, self.settings.fanout_rate
        await asyncio.sleep(GAP_S)
        if self.transport == "poll":
            held = await wait_held(control, self.readers - crowd.failed_readers, timeout=SETUP_TIMEOUT)
            if held < self.readers - crowd.failed_readers:
                raise BenchError(f"only {held} of {self.readers} polls were held after {SETUP_TIMEOUT:.0f} s")
        await quiesce(server)
        phase = Phase(what, self.readers, count, round_number * count)
        errors0, other0, failed0 = crowd.errors(), crowd.other_items, crowd.failed_readers
        crowd.phase = phase
        crowd.check()  # (every reader may have failed already)
        cpu0, gen0 = server.cpu(), self_cpu()
        start = time.perf_counter()
        outcomes = await open_loop(count, rate, start, lambda i: self._send(what, i, phase, round_number))
        timed_out = not await settled(phase.done, PHASE_TIMEOUT)
        cpu1, gen1, end = server.cpu(), self_cpu(), time.perf_counter()
        crowd.phase = None
        errors = {name: value - errors0[name] for name, value in crowd.errors().items()}
        errors.update(
            duplicates=phase.duplicates,
            missing=self.readers * count - phase.deliveries,
            requests_failed=sum(1 for _, ok in outcomes if not ok),
            readers_unfinished=sum(1 for got in phase.progress if got < count),
            readers_failed=crowd.failed_readers - failed0,
        )
        return _Run(
            round=round_number,
            cpu_s=cpu1 - cpu0,
            generator_s=gen1 - gen0,
            window_s=end - start,
            span_s=(end if timed_out else phase.last_receipt) - start,
            deliveries=phase.deliveries,
            carriers=phase.carriers,
            latencies=phase.latencies,
            request_latencies=[latency for latency, ok in outcomes if ok],
            request_rate=(count - 1) / max(1e-9, phase.sent[-1] - phase.sent[0]),
            errors=errors,
            other_items=crowd.other_items - other0,
            timed_out=timed_out,
        )

    def _result(self, what: str, runs: list[_Run]) -> Result:
        """One kind's figures, pooled over its rounds (each round's in the details)."""
        deliveries = sum(run.deliveries for run in runs)
        latencies = [latency for run in runs for latency in run.latencies]
        requests = [latency for run in runs for latency in run.request_latencies]
        errors: dict[str, int] = {}
        for run in runs:
            for name, value in run.errors.items():
                errors[name] = errors.get(name, 0) + value
        not_counted = ("readers_unfinished", "readers_failed")  # the missing items count already
        carried = "items/stream piece" if self.transport == "sse" else "items/response"
        result = Result()
        result.metrics = {
            "server CPU µs/delivery": sum(run.cpu_s for run in runs) / max(1, deliveries) * 1e6,
            "p50 publish-to-receipt ms": ms(percentile(latencies, 0.50)),
            "p99 publish-to-receipt ms": ms(percentile(latencies, 0.99)),
            carried: deliveries / max(1, sum(run.carriers for run in runs)),
            "errors": sum(value for name, value in errors.items() if name not in not_counted),
            "load-gen CPU %": sum(run.generator_s for run in runs) / sum(run.window_s for run in runs) * 100,
        }
        result.details = {
            "kind": what,
            "transport": self.transport,
            "readers": self.readers,
            "items_per_round": self.count,
            "rounds": len(runs),
            "request_rate_target": self.settings.fanout_rate,
            "deliveries": deliveries,
            "expected_deliveries": self.readers * self.count * len(runs),
            "server_cpu_s": sum(run.cpu_s for run in runs),
            "p90_publish_to_receipt_ms": ms(percentile(latencies, 0.90)),
            "max_publish_to_receipt_ms": ms(max(latencies, default=float("nan"))),
            "request_p50_ms": ms(percentile(requests, 0.50)),
            "request_p99_ms": ms(percentile(requests, 0.99)),
            "other_items": sum(run.other_items for run in runs),
            "errors": errors,
            "by_round": [
                {
                    "round": run.round,
                    "server_cpu_us_per_delivery": run.cpu_s / max(1, run.deliveries) * 1e6,
                    "p50_ms": ms(percentile(run.latencies, 0.50)),
                    "p99_ms": ms(percentile(run.latencies, 0.99)),
                    "items_per_carrier": run.deliveries / max(1, run.carriers),
                    "deliveries": run.deliveries,
                    "deliveries_per_s": run.deliveries / run.span_s if run.span_s > 0 else 0.0,
                    "span_s": run.span_s,
                    "request_rate_achieved": run.request_rate,
                    "generator_cpu_pct": run.generator_s / run.window_s * 100 if run.window_s > 0 else 0.0,
                    "timed_out": run.timed_out,
                }
                for run in runs
            ],
        }
        return result
