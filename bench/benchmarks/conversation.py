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
import json
import time
from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import quote

from bench.benchmarks.common import (
    BenchError,
    Result,
    Settings,
    create_event,
    expect,
    ms,
    newest_cursor,
    percentile,
    post,
)
from bench.client import HTTPConnection, SSEParser, close_all, open_many
from bench.servers import CHATSERVER, ServerProcess, quiesce, running, self_cpu, wait_held

Transport = Literal["poll", "sse"]
PHASES = ("message", "reaction", "edit")
PREFIX = "cv-"  # a phase message's client_id: cv-<n>, n = round * items + i
EDIT_PREFIX = "cv-edit-"  # an edit's body: cv-edit-<n> ...
EMOJIS = ("👍", "🎉", "🚀", "👀", "🙌")  # round r's reactions (each in its canonical form)
POLL_WAIT = 30  # seconds a reader asks the server to hold each poll
GAP_S = 1.2  # idle time before each phase: longer than the server's 1 s reaction coalescing window
SETUP_TIMEOUT = 60.0  # seconds for every poll to be held, or every stream to be open
PHASE_TIMEOUT = 60.0  # seconds after the last request for every reader to have every item


class _Phase:
    """What the readers saw of one phase's items: items offset .. offset + count - 1."""

    def __init__(self, what: str, readers: int, count: int, offset: int) -> None:
        self.what = what
        self.readers = readers
        self.count = count
        self.offset = offset
        self.sent = [0.0] * count  # perf_counter() when each request was written
        self.seen = [0] * readers  # per reader, bit i: item i arrived
        self.progress = [0] * readers
        self.latencies: list[float] = []
        self.deliveries = 0
        self.duplicates = 0
        self.carriers = 0  # poll responses / stream pieces that carried at least one of these items
        self.complete = 0  # readers that have every item
        self.last_receipt = 0.0
        self.done: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def receive(self, reader: int, index: int, received_at: float) -> bool:
        """Item index (of this phase) arrived at reader; False when it had it already (a duplicate)."""
        bit = 1 << index
        if self.seen[reader] & bit:
            self.duplicates += 1
            return False
        self.seen[reader] |= bit
        self.deliveries += 1
        self.latencies.append(received_at - self.sent[index])
        self.progress[reader] += 1
        if self.progress[reader] == self.count:
            self.complete += 1
            self.last_receipt = max(self.last_receipt, received_at)
        return True


class _Crowd:
    """The readers' shared bookkeeping, across phases."""

    def __init__(self, readers: int, count: int) -> None:
        self.readers = readers
        self.count = count
        self.phase: _Phase | None = None  # the phase being measured
        self.target = 0  # the message reacted to and edited
        self.target_bytes = b""
        self.reactors: dict[int, int] = {}  # participant id -> index of their reaction in a round
        self.rounds = {emoji: n for n, emoji in enumerate(EMOJIS)}
        self.round_bytes = {emoji.encode(): n for n, emoji in enumerate(EMOJIS)}
        self.last_id = [0] * readers
        self.stamp = [0.0] * readers  # receive time of the response / piece last counted as a carrier
        self.out_of_order = 0
        self.non_200 = 0
        self.transport_errors = 0
        self.bad_events = 0  # SSE: data that is not an item, or an id: line that is not its id
        self.other_items = 0  # items of no phase, or of a phase not being measured
        self.failed_readers = 0
        self.streams_open = 0
        self.parsers: list[SSEParser] = []
        self.closing = False

    def errors(self) -> dict[str, int]:
        return {
            "non_200": self.non_200,
            "transport": self.transport_errors,
            "out_of_order": self.out_of_order,
            "bad_events": self.bad_events,
        }

    def item(self, reader: int, what: str | None, number: int, item_id: int, received_at: float) -> None:
        """One item (item number of kind what, or of none) arrived at reader."""
        if item_id <= self.last_id[reader]:
            self.out_of_order += 1
        self.last_id[reader] = item_id
        phase = self.phase
        if phase is None or what != phase.what or not 0 <= number - phase.offset < phase.count:
            self.other_items += 1
            return
        if not phase.receive(reader, number - phase.offset, received_at):
            return
        if self.stamp[reader] != received_at:
            self.stamp[reader] = received_at
            phase.carriers += 1
        if phase.progress[reader] == phase.count:
            self.check()

    def reader_failed(self) -> None:
        if self.closing:
            return
        self.failed_readers += 1
        self.check()

    def check(self) -> None:
        """Settle the phase once every reader still running has all of its items."""
        phase = self.phase
        if phase is not None and phase.complete + self.failed_readers >= self.readers and not phase.done.done():
            phase.done.set_result(None)

    def reaction(self, participant: int | None, round_number: int | None) -> int:
        """The number of a reaction by participant in a round; -1 when it is none of ours."""
        index = self.reactors.get(participant) if participant is not None else None
        if index is None or round_number is None:
            return -1
        return round_number * self.count + index

    def classify(self, item: dict[str, Any]) -> tuple[str | None, int]:
        """(kind, item number) of a decoded item; (None, -1) for any other item."""
        kind = item.get("kind")
        if kind == "message":
            client_id = item.get("client_id") or ""
            if client_id.startswith(PREFIX) and client_id[len(PREFIX) :].isdigit():
                return "message", int(client_id[len(PREFIX) :])
        elif kind == "reaction" and item.get("target") == self.target and item.get("removed") is False:
            number = self.reaction(item.get("participant_id"), self.rounds.get(item.get("emoji", "")))
            if number >= 0:
                return "reaction", number
        elif kind == "edit" and item.get("target") == self.target:
            body = str(item.get("body", ""))
            number_text = body[len(EDIT_PREFIX) :].split(" ", 1)[0]
            if body.startswith(EDIT_PREFIX) and number_text.isdigit():
                return "edit", int(number_text)
        return None, -1

    def take(self, reader: int, items: list[dict[str, Any]], received_at: float) -> None:
        """A poll response's items."""
        for item in items:
            what, number = self.classify(item)
            self.item(reader, what, number, int(item["id"]), received_at)


_SLOW = (None, -2)
_CLIENT_ID = b'"client_id":"' + PREFIX.encode()
_PARTICIPANT = b'"participant_id":'
_EMOJI = b'"emoji":"'
_EDIT_BODY = b'"body":"' + EDIT_PREFIX.encode()


def _int_at(data: bytes, key: bytes, stop: bytes) -> int | None:
    """The decimal number after key in data, up to stop; None when there is none."""
    start = data.find(key)
    if start < 0:
        return None
    start += len(key)
    end = data.find(stop, start)
    if end < 0:
        return None
    try:
        return int(data[start:end])
    except ValueError:
        return None


def _fast(crowd: _Crowd, data: bytes, event_id: bytes) -> tuple[str | None, int]:
    """(kind, item number) of a stream event's item without decoding its JSON, for chatserver's
    compact items (`{"id":<id>,"kind":"<kind>",...}`); _SLOW for anything else, for json.loads to
    decide. The generator must stay far cheaper than the server (see fanout._fast_index)."""
    head = b'{"id":' + event_id + b',"kind":"'
    if not data.startswith(head) or data[-1:] != b"}":
        return _SLOW
    at = len(head)
    if data.startswith(b'message"', at):
        number = _int_at(data, _CLIENT_ID, b'"')
        return ("message", number) if number is not None else _SLOW
    target = b'"target":' + crowd.target_bytes
    if target + b"," not in data and not data.endswith(target + b"}"):
        return _SLOW
    if data.startswith(b'reaction"', at) and b'"removed":false' in data:
        start = data.find(_EMOJI)
        end = data.find(b'"', start + len(_EMOJI)) if start >= 0 else -1
        round_number = crowd.round_bytes.get(data[start + len(_EMOJI) : end]) if end >= 0 else None
        number = crowd.reaction(_int_at(data, _PARTICIPANT, b","), round_number)
        return ("reaction", number) if number >= 0 else _SLOW
    if data.startswith(b'edit"', at):
        number = _int_at(data, _EDIT_BODY, b" ")
        return ("edit", number) if number is not None else _SLOW
    return _SLOW


class _StreamReader:
    """One SSE reader: the stream's events go to the crowd as they arrive."""

    __slots__ = ("crowd", "ended", "number", "opened", "parser")

    def __init__(self, number: int, crowd: _Crowd) -> None:
        self.number = number
        self.crowd = crowd
        self.opened = False
        self.ended: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.parser = SSEParser(self.on_event)
        crowd.parsers.append(self.parser)

    def on_event(self, kind: bytes, data: bytes, event_id: bytes | None, received_at: float) -> None:
        crowd = self.crowd
        if kind != b"message":
            if kind == b"state" and not self.opened:
                self.opened = True
                crowd.streams_open += 1
            return
        what, number = _fast(crowd, data, event_id) if event_id is not None else _SLOW
        if number == _SLOW[1]:
            try:
                item = json.loads(data)
                if event_id is None or int(event_id) != item["id"]:
                    raise ValueError("the id: line is not the item's id")
            except (ValueError, TypeError, KeyError):
                crowd.bad_events += 1
                return
            what, number = crowd.classify(item)
        crowd.item(self.number, what, number, int(event_id or 0), received_at)

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


async def _poll_reader(conn: HTTPConnection, number: int, slug: str, cursor: int, crowd: _Crowd) -> None:
    prefix = f"/api/events/{slug}/messages?wait={POLL_WAIT}&after="
    while True:
        try:
            response = await conn.request("GET", prefix + str(cursor), timeout=POLL_WAIT + 30)
        except (ConnectionError, TimeoutError):
            crowd.transport_errors += 1
            crowd.reader_failed()
            return
        if response.status != 200:
            crowd.non_200 += 1
            crowd.reader_failed()
            return
        body = json.loads(response.body)
        crowd.take(number, body["messages"], response.received_at)
        cursor = int(body["cursor"])


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


class Session:
    """One server and one crowd of readers on one transport, for every round of the three phases."""

    def __init__(self, settings: Settings, transport: Transport) -> None:
        self.settings = settings
        self.transport = transport
        self.readers = settings.conversation_readers
        self.count = settings.conversation_items
        self.rounds = max(1, min(settings.conversation_rounds, len(EMOJIS)))
        self.crowd: _Crowd | None = None
        self.failed: str | None = None
        self.results: dict[str, Result] | None = None
        self._stack: AsyncExitStack | None = None
        self._server: ServerProcess | None = None
        self._control: HTTPConnection | None = None
        self._senders: list[HTTPConnection] = []
        self._conns: list[HTTPConnection] = []
        self._tasks: list[asyncio.Task[None]] = []
        self._slug = ""
        self._author = ""
        self._reactor_tokens: list[str] = []

    async def run(self, what: str, kind: str) -> Result:
        """One kind's figures; the first call measures every round of every kind (and stops the
        server after), the others report their share."""
        assert kind == CHATSERVER
        if self.results is None and self.failed is None:
            try:
                await self._start()
                runs: dict[str, list[_Run]] = {phase: [] for phase in PHASES}
                for round_number in range(self.rounds):
                    for phase in PHASES:
                        runs[phase].append(await self._phase(phase, round_number))
                self.results = {phase: self._result(phase, runs[phase]) for phase in PHASES}
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
        server = self._server = await self._stack.enter_async_context(
            running(CHATSERVER, settings.workdir, max_wait=settings.max_wait, extra=settings.chatserver_args)
        )
        crowd = self.crowd = _Crowd(self.readers, self.count)
        control = self._control = await HTTPConnection.open(server.port)
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
        self._conns = await open_many(server.port, self.readers)
        follow = _sse_reader if self.transport == "sse" else _poll_reader
        self._tasks = [asyncio.create_task(follow(conn, n, slug, cursor, crowd)) for n, conn in enumerate(self._conns)]
        if self.transport == "sse":
            await self._wait_streams()

    async def _wait_streams(self) -> None:
        """Until every stream has sent its first event and the server counts them all as open."""
        crowd, server, control = self.crowd, self._server, self._control
        assert crowd is not None and server is not None and control is not None
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

    async def _send(self, what: str, index: int, phase: _Phase, round_number: int) -> tuple[float, bool]:
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
        phase = _Phase(what, self.readers, count, round_number * count)
        errors0, other0, failed0 = crowd.errors(), crowd.other_items, crowd.failed_readers
        crowd.phase = phase
        crowd.check()  # (every reader may have failed already)
        cpu0, gen0 = server.cpu(), self_cpu()
        start = time.perf_counter()
        sends = []
        for i in range(count):  # open loop: on schedule, whether or not earlier requests were answered
            await asyncio.sleep(max(0.0, start + i / rate - time.perf_counter()))
            sends.append(asyncio.create_task(self._send(what, i, phase, round_number)))
        outcomes = await asyncio.gather(*sends)
        try:
            await asyncio.wait_for(asyncio.shield(phase.done), PHASE_TIMEOUT)
            timed_out = False
        except TimeoutError:
            timed_out = True
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
