"""Reconnect herd: N clients, each K items behind, all poll at the same moment.

The TCP connections are opened first (at most 100 connects in flight) and only the requests are
fired at once: both servers listen with Tornado's default backlog of 128, so a cold connect storm
of thousands would measure the kernel's SYN retransmission timers (1 s, 3 s, ...), not the server.
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
    percentile,
    post_many,
)
from bench.client import HTTPConnection, Response, close_all, open_many
from bench.servers import quiesce, running, self_cpu

TIMEOUT = 120.0  # seconds for the whole herd to be served


async def run(kind: str, settings: Settings) -> Result:
    """settings.herd_clients polls with after=<newest - herd_behind>, written back to back."""
    clients, behind = settings.herd_clients, settings.herd_behind
    async with running(kind, settings.workdir, max_wait=settings.max_wait, extra=settings.chatserver_args) as server:
        control = await HTTPConnection.open(server.port)
        posters = await open_many(server.port, 4)
        conns: list[HTTPConnection] = []
        try:
            slug = await create_event(control, "Reconnect herd")
            tokens = [await join(conn, slug, f"poster{i}") for i, conn in enumerate(posters)]
            _, post_errors = await post_many(posters, slug, tokens, behind + 5)
            if post_errors:
                raise BenchError(f"{post_errors} of the herd's setup posts failed")
            body = json.loads((await control.fetch("GET", f"/api/events/{slug}/messages?after=0&limit=1000")).body)
            newest = int(body["cursor"])
            after = newest - behind
            conns = await open_many(server.port, clients)
            await quiesce(server)
            path = f"/api/events/{slug}/messages?after={after}&wait=30"
            cpu0, gen0, start = server.cpu(), self_cpu(), time.perf_counter()
            polls = [conn.request("GET", path, timeout=TIMEOUT) for conn in conns]
            done, pending = await asyncio.wait(polls, timeout=TIMEOUT)
            cpu1, gen1, end = server.cpu(), self_cpu(), time.perf_counter()
        finally:
            close_all(conns + posters + [control])
        expected = list(range(after + 1, newest + 1))
        served = [poll.result() for poll in done if not poll.cancelled() and poll.exception() is None]
        good = [r for r in served if _complete(r, expected)]
        latencies = [r.received_at - start for r in served]
        last = max((r.received_at for r in good), default=end)
        result = Result()
        result.metrics = {
            "time to serve all s": (last - start) if len(good) == clients else end - start,
            "p50 response ms": ms(percentile(latencies, 0.50)),
            "p99 response ms": ms(percentile(latencies, 0.99)),
            "server CPU µs/client": (cpu1 - cpu0) / clients * 1e6,
            "errors": clients - len(good),
        }
        result.details = {
            "clients": clients,
            "items_behind": behind,
            "server_cpu_s": cpu1 - cpu0,
            "load_gen_cpu_pct": (gen1 - gen0) / (end - start) * 100,
            "errors": {
                "not_answered": len(pending),
                "failed": len(done) - len(served),
                "wrong_answer": len(served) - len(good),
            },
        }
        return result


def _complete(response: Response, expected: list[int]) -> bool:
    """200 with exactly the expected item ids, in order."""
    if response.status != 200:
        return False
    return [item["id"] for item in json.loads(response.body)["messages"]] == expected
