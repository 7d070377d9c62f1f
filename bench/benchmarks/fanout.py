"""Fan-out: N waiters long-poll one room while one poster posts M messages at R per second.

Where SSE plugs in later: a `GET /api/events/<slug>/stream` variant (not implemented in chatserver
yet) becomes a second waiter kind next to `_waiter()` below. Instead of one long poll after
another it opens the stream once (after=<cursor>) and parses `data:` events off the chunked
response; HTTPConnection then needs a streaming mode that hands each chunk to a callback rather
than collecting the body. The poster, the latency bookkeeping, `_Tally` and the checks stay as
they are, and `run()` grows a `transport="sse"` switch plus a "fanout-sse" case in benchmarks/__init__.py.
"""

from __future__ import annotations

import asyncio
import json
import time

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
from bench.client import HTTPConnection, close_all, open_many
from bench.servers import quiesce, running, self_cpu, wait_held

POLL_WAIT = 30  # seconds a waiter asks the server to hold each poll
PREFIX = "fan-"


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
            index = int(client_id[len(PREFIX):])
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


async def _post(conn: HTTPConnection, slug: str, token: str, index: int, tally: _Tally) -> tuple[float, bool]:
    """Post message index (on its own connection); return its latency and whether it got 201."""
    tally.sent[index] = time.perf_counter()
    try:
        response = await post(conn, slug, token, f"fan-out message {index}", f"{PREFIX}{index}")
    except (ConnectionError, TimeoutError):
        return float("nan"), False
    return response.received_at - tally.sent[index], response.status == 201


async def run(kind: str, settings: Settings, waiters: int) -> Result:
    """One fan-out case against a fresh server."""
    messages, rate = settings.fanout_messages, settings.fanout_rate
    async with running(kind, settings.workdir, max_wait=settings.max_wait, extra=settings.chatserver_args) as server:
        control = await HTTPConnection.open(server.port)
        posters = await open_many(server.port, messages)  # one participant, a connection per message
        slug = await create_event(control, f"Fan-out to {waiters}")
        token = await join(posters[0], slug, "poster")
        cursor = await newest_cursor(control, slug)
        conns = await open_many(server.port, waiters)
        tally = _Tally(waiters, messages)
        tasks = [asyncio.create_task(_waiter(conn, n, slug, cursor, tally)) for n, conn in enumerate(conns)]
        try:
            held = await wait_held(control, waiters, timeout=60)
            if held < waiters:
                raise BenchError(f"only {held} of {waiters} polls were held after 60 s")
            await quiesce(server)
            cpu0, gen0 = server.cpu(), self_cpu()
            start = time.perf_counter()
            sends = []
            for i in range(messages):  # open loop: on schedule, whether or not earlier posts were answered
                await asyncio.sleep(max(0.0, start + i / rate - time.perf_counter()))
                sends.append(asyncio.create_task(_post(posters[i], slug, token, i, tally)))
            outcomes = await asyncio.gather(*sends)
            post_latencies = [latency for latency, ok in outcomes if ok]
            post_errors = sum(1 for _, ok in outcomes if not ok)
            _, pending = await asyncio.wait(tasks, timeout=POLL_WAIT + 30)
            cpu1, gen1, end = server.cpu(), self_cpu(), time.perf_counter()
        finally:
            for task in tasks:
                task.cancel()
            close_all(conns + posters + [control])
        unfinished = sum(1 for got in tally.progress if got < messages)
        missing = sum(messages - got for got in tally.progress)
        errors = tally.non_200 + tally.transport_errors + tally.duplicates + tally.out_of_order + missing + post_errors
        span = (tally.last_receipt if not pending else end) - start
        result = Result()
        result.metrics = {
            "deliveries/s": tally.deliveries / span if span > 0 else 0.0,
            "p50 post-to-receipt ms": ms(percentile(tally.latencies, 0.50)),
            "p99 post-to-receipt ms": ms(percentile(tally.latencies, 0.99)),
            "server CPU µs/delivery": (cpu1 - cpu0) / max(1, tally.deliveries) * 1e6,
            "errors": errors,
            "load-gen CPU %": (gen1 - gen0) / (end - start) * 100,
        }
        result.details = {
            "waiters": waiters, "messages": messages, "post_rate_target": rate,
            "post_rate_achieved": (messages - 1) / max(1e-9, tally.sent[-1] - tally.sent[0]),
            "deliveries": tally.deliveries, "expected_deliveries": waiters * messages,
            "poll_responses": tally.responses, "items_per_response": tally.deliveries / max(1, tally.responses),
            "span_s": span, "server_cpu_s": cpu1 - cpu0,
            "post_p50_ms": ms(percentile(post_latencies, 0.5)), "post_p99_ms": ms(percentile(post_latencies, 0.99)),
            "errors": {"non_200": tally.non_200, "transport": tally.transport_errors, "duplicates": tally.duplicates,
                       "out_of_order": tally.out_of_order, "missing": missing,
                       "waiters_unfinished": unfinished, "post_not_201": post_errors},
        }
        return result
