"""Fan-out: N waiters follow one room while one poster posts M messages at R per second.

Two kinds of waiter. transport="poll": `_waiter()` long-polls, one poll after another, re-polling at
once with each returned cursor. transport="sse": `_sse_waiter()` opens
`GET /api/events/<slug>/stream?after=<cursor>` once and counts the items as they come off the
chunked response (HTTPConnection.stream() + SSEParser). The poster, the latency bookkeeping,
`_Tally` and the checks are the same for both: every waiter must receive every message exactly
once, in id order; latency runs from writing the POST to receiving the poll response or the stream
piece that carries the item.

run() starts a fresh server of the given kind, or takes one from its `serve` argument (fanout_pg.py
passes chatserver on PostgreSQL with several processes): gauges are then totals over its processes,
and the CPU of helpers it reports (PostgreSQL) gets a row of its own.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Literal

from bench.benchmarks.common import (
    BenchError,
    Result,
    Settings,
    create_event,
    join,
    ms,
    newest_cursor,
    percentile,
    post,
)
from bench.client import HTTPConnection, SSEParser, close_all, open_many
from bench.servers import Server, quiesce, running, self_cpu, wait_held

POLL_WAIT = 30  # seconds a waiter asks the server to hold each poll
PREFIX = "fan-"
SETUP_TIMEOUT = 60.0  # seconds for every poll to be held, or every stream to be open

Transport = Literal["poll", "sse"]
ServerFactory = Callable[[], AbstractAsyncContextManager[Server]]


class _Tally:
    """What the waiters saw, shared by all of them."""

    def __init__(self, waiters: int, messages: int) -> None:
        self.messages = messages
        self.sent = [0.0] * messages  # perf_counter() when each POST was written
        self.progress = [0] * waiters  # per waiter: how many of the messages it has received
        self.latencies: list[float] = []
        self.deliveries = 0
        self.responses = 0
        self.duplicates = 0
        self.out_of_order = 0
        self.non_200 = 0
        self.transport_errors = 0
        self.bad_events = 0  # SSE only: data that is not an item, or an id: line that is not its id
        self.streams_open = 0  # SSE only: streams whose first event (the state) has arrived
        self.parsers: list[SSEParser] = []  # SSE only: one per stream, for the pieces read
        self.last_receipt = 0.0


async def _waiter(conn: HTTPConnection, number: int, slug: str, cursor: int, tally: _Tally) -> None:
    """Long-poll from cursor, re-polling at once with each returned cursor, until all messages arrived."""
    prefix = f"/api/events/{slug}/messages?wait={POLL_WAIT}&after="
    seen = 0  # bit i: message i arrived
    count = last_id = 0
    while count < tally.messages:
        try:
            response = await conn.request("GET", prefix + str(cursor), timeout=POLL_WAIT + 30)
        except (ConnectionError, TimeoutError):
            tally.transport_errors += 1
            return
        if response.status != 200:
            tally.non_200 += 1
            return
        tally.responses += 1
        body = json.loads(response.body)
        for item in body["messages"]:
            client_id = item.get("client_id") or ""
            if item.get("kind") != "message" or not client_id.startswith(PREFIX):
                continue  # system items and the like are not part of the count
            index = int(client_id[len(PREFIX) :])
            if seen >> index & 1:
                tally.duplicates += 1
                continue
            if item["id"] <= last_id:
                tally.out_of_order += 1
            seen |= 1 << index
            last_id = item["id"]
            count += 1
            tally.latencies.append(response.received_at - tally.sent[index])
        tally.deliveries += count - tally.progress[number]
        tally.progress[number] = count
        cursor = int(body["cursor"])
    tally.last_receipt = max(tally.last_receipt, response.received_at)


_OTHER, _BAD, _SLOW = -1, -2, -3
_CLIENT_ID = b'"client_id":"' + PREFIX.encode()


def _fast_index(data: bytes, event_id: bytes | None) -> int:
    """The message index of a poster's item without decoding the JSON (the generator must stay far
    cheaper than the server): chatserver's items are flat objects that start with "id" and carry
    "kind" and "client_id" in compact form. Anything else, including every item that is not one
    of the poster's messages, returns _SLOW for json.loads to decide."""
    if event_id is None or not data.startswith(b'{"id":' + event_id + b',"kind":"message",') or data[-1:] != b"}":
        return _SLOW
    start = data.find(_CLIENT_ID)
    end = data.find(b'"', start + len(_CLIENT_ID))
    if start < 0 or end < 0:
        return _SLOW
    try:
        return int(data[start + len(_CLIENT_ID) : end])
    except ValueError:
        return _SLOW


class _StreamWaiter:
    """One SSE waiter's view of its stream: the same checks as _waiter(), per event as it arrives."""

    __slots__ = ("count", "done", "last_id", "number", "opened", "parser", "seen", "tally")

    def __init__(self, number: int, tally: _Tally) -> None:
        self.number = number
        self.tally = tally
        self.seen = 0  # bit i: message i arrived
        self.count = self.last_id = 0
        self.opened = False
        self.done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.parser = SSEParser(self.on_event)
        tally.parsers.append(self.parser)

    def on_event(self, kind: bytes, data: bytes, event_id: bytes | None, received_at: float) -> None:
        tally = self.tally
        if kind != b"message":
            if kind == b"state" and not self.opened:
                self.opened = True
                tally.streams_open += 1
            return
        index = _fast_index(data, event_id)
        if index == _SLOW:
            index = self._decode(data, event_id)
        if index < 0:
            return  # not one of the poster's messages (or a bad event, counted)
        if self.seen >> index & 1:
            tally.duplicates += 1
            return
        assert event_id is not None  # both paths checked that it is the item's id
        item_id = int(event_id)
        if item_id <= self.last_id:
            tally.out_of_order += 1
        self.seen |= 1 << index
        self.last_id = item_id
        self.count += 1
        tally.latencies.append(received_at - tally.sent[index])
        tally.deliveries += 1
        tally.progress[self.number] = self.count
        if self.count == tally.messages:
            tally.last_receipt = max(tally.last_receipt, received_at)
            if not self.done.done():
                self.done.set_result(None)

    def _decode(self, data: bytes, event_id: bytes | None) -> int:
        """The general path: decode the item; its message index, _OTHER, or _BAD (counted)."""
        try:
            item = json.loads(data)
            if event_id is None or int(event_id) != item["id"]:
                raise ValueError("the id: line is not the item's id")  # it is the resume cursor
        except (ValueError, TypeError, KeyError):
            self.tally.bad_events += 1
            return _BAD
        client_id = item.get("client_id") or ""
        if item.get("kind") != "message" or not client_id.startswith(PREFIX) or not client_id[len(PREFIX) :].isdigit():
            return _OTHER  # system items and the like are not part of the count
        return int(client_id[len(PREFIX) :])

    def on_end(self, exc: Exception | None) -> None:
        if self.count < self.tally.messages:  # the stream ended (or broke) before every message came
            self.tally.transport_errors += 1
        if not self.done.done():
            self.done.set_result(None)


async def _sse_waiter(conn: HTTPConnection, number: int, slug: str, cursor: int, tally: _Tally) -> None:
    """Open the stream once at cursor and count what it delivers until all messages arrived."""
    waiter = _StreamWaiter(number, tally)
    try:
        head = await conn.stream(
            f"/api/events/{slug}/stream?after={cursor}",
            waiter.parser.feed,
            waiter.on_end,
            headers="Accept: text/event-stream\r\n",
            timeout=SETUP_TIMEOUT,
        )
    except (ConnectionError, TimeoutError):
        tally.transport_errors += 1
        return
    if head.status != 200 or not head.headers.get("content-type", "").startswith("text/event-stream"):
        tally.non_200 += 1
        conn.close()
        return
    await waiter.done


async def _wait_streams(
    server: Server, control: HTTPConnection, tasks: list[asyncio.Task[None]], tally: _Tally, waiters: int
) -> None:
    """Until every stream has sent its first event and the server counts them all as open."""
    deadline = time.monotonic() + SETUP_TIMEOUT
    open_streams = 0
    while time.monotonic() < deadline:
        if tally.streams_open >= waiters:
            open_streams = await server.total(control, "chatserver_open_streams")
            if open_streams >= waiters:
                return
        if any(task.done() for task in tasks):
            break  # a waiter failed before the measurement started
        await asyncio.sleep(0.1)
    raise BenchError(
        f"only {tally.streams_open} of {waiters} streams sent their first event "
        f"(server: {open_streams} open, {tally.non_200} not 200, "
        f"{tally.transport_errors} transport errors)"
    )


async def _post(conn: HTTPConnection, slug: str, token: str, index: int, tally: _Tally) -> tuple[float, bool]:
    """Post message index (on its own connection); return its latency and whether it got 201."""
    tally.sent[index] = time.perf_counter()
    try:
        response = await post(conn, slug, token, f"fan-out message {index}", f"{PREFIX}{index}")
    except (ConnectionError, TimeoutError):
        return float("nan"), False
    return response.received_at - tally.sent[index], response.status == 201


async def run(
    kind: str, settings: Settings, waiters: int, transport: Transport = "poll", serve: ServerFactory | None = None
) -> Result:
    """One fan-out case against a fresh server (of kind, or from serve), with long-poll or SSE waiters."""
    messages, rate = settings.fanout_messages, settings.fanout_rate
    start_server = serve or (
        lambda: running(kind, settings.workdir, max_wait=settings.max_wait, extra=settings.chatserver_args)
    )
    async with start_server() as server:
        control = await HTTPConnection.open(server.port)
        posters = await open_many(server.port, messages)  # one participant, a connection per message
        slug = await create_event(control, f"Fan-out to {waiters}")
        token = await join(posters[0], slug, "poster")
        cursor = await newest_cursor(control, slug)
        conns = await open_many(server.port, waiters)
        tally = _Tally(waiters, messages)
        follow = _sse_waiter if transport == "sse" else _waiter
        tasks = [asyncio.create_task(follow(conn, n, slug, cursor, tally)) for n, conn in enumerate(conns)]
        try:
            if transport == "sse":
                await _wait_streams(server, control, tasks, tally, waiters)
            else:
                held = await wait_held(control, waiters, timeout=SETUP_TIMEOUT, server=server)
                if held < waiters:
                    raise BenchError(f"only {held} of {waiters} polls were held after {SETUP_TIMEOUT:.0f} s")
            await quiesce(server)
            pieces0 = sum(parser.pieces for parser in tally.parsers)  # SSE: the opening events' pieces
            cpu0, side0, gen0 = server.cpu(), server.side_cpu(), self_cpu()
            start = time.perf_counter()
            sends = []
            for i in range(messages):  # open loop: on schedule, whether or not earlier posts were answered
                await asyncio.sleep(max(0.0, start + i / rate - time.perf_counter()))
                sends.append(asyncio.create_task(_post(posters[i], slug, token, i, tally)))
            outcomes = await asyncio.gather(*sends)
            post_latencies = [latency for latency, ok in outcomes if ok]
            post_errors = sum(1 for _, ok in outcomes if not ok)
            _, pending = await asyncio.wait(tasks, timeout=POLL_WAIT + 30)
            cpu1, side1, gen1, end = server.cpu(), server.side_cpu(), self_cpu(), time.perf_counter()
        finally:
            for task in tasks:
                task.cancel()
            close_all(conns + posters + [control])
        if transport == "sse":
            tally.responses = sum(parser.pieces for parser in tally.parsers) - pieces0
        unfinished = sum(1 for got in tally.progress if got < messages)
        missing = sum(messages - got for got in tally.progress)
        errors = (
            tally.non_200
            + tally.transport_errors
            + tally.duplicates
            + tally.out_of_order
            + tally.bad_events
            + missing
            + post_errors
        )
        span = (tally.last_receipt if not pending else end) - start
        side_cpu = {name: side1[name] - side0.get(name, 0.0) for name in side1}
        result = Result()
        result.metrics = {
            "deliveries/s": tally.deliveries / span if span > 0 else 0.0,
            "p50 post-to-receipt ms": ms(percentile(tally.latencies, 0.50)),
            "p99 post-to-receipt ms": ms(percentile(tally.latencies, 0.99)),
            "server CPU µs/delivery": (cpu1 - cpu0) / max(1, tally.deliveries) * 1e6,
            **{f"{name} CPU µs/delivery": used / max(1, tally.deliveries) * 1e6 for name, used in side_cpu.items()},
            "errors": errors,
            "load-gen CPU %": (gen1 - gen0) / (end - start) * 100,
        }
        # poll: poll answers; sse: pieces of stream body read after the start (about one per socket read)
        responses = (
            ("poll_responses", "items_per_response")
            if transport == "poll"
            else ("stream_pieces", "items_per_stream_piece")
        )
        result.details = {
            "transport": transport,
            "waiters": waiters,
            "messages": messages,
            "post_rate_target": rate,
            "post_rate_achieved": (messages - 1) / max(1e-9, tally.sent[-1] - tally.sent[0]),
            "deliveries": tally.deliveries,
            "expected_deliveries": waiters * messages,
            responses[0]: tally.responses,
            responses[1]: tally.deliveries / max(1, tally.responses),
            "span_s": span,
            "server_cpu_s": cpu1 - cpu0,
            "side_cpu_s": side_cpu,
            "post_p50_ms": ms(percentile(post_latencies, 0.5)),
            "post_p99_ms": ms(percentile(post_latencies, 0.99)),
            "errors": {
                "non_200": tally.non_200,
                "transport": tally.transport_errors,
                "duplicates": tally.duplicates,
                "out_of_order": tally.out_of_order,
                "bad_events": tally.bad_events,
                "missing": missing,
                "waiters_unfinished": unfinished,
                "post_not_201": post_errors,
            },
        }
        return result
