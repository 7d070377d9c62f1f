"""Durable post throughput: P participants post concurrently, each waiting for its 201 before the next."""

from __future__ import annotations

import time

from bench.benchmarks.common import (
    Result,
    Settings,
    create_event,
    join,
    ms,
    percentile,
    post_many,
)
from bench.client import HTTPConnection, close_all, open_many
from bench.servers import quiesce, running, self_cpu


async def run(kind: str, settings: Settings) -> Result:
    """settings.posts_total posts from settings.posters participants on as many connections."""
    total, posters = settings.posts_total, settings.posters
    async with running(kind, settings.workdir, max_wait=settings.max_wait, extra=settings.chatserver_args) as server:
        control = await HTTPConnection.open(server.port)
        conns = await open_many(server.port, posters)
        try:
            slug = await create_event(control, "Post throughput")
            tokens = [await join(conn, slug, f"poster{i}") for i, conn in enumerate(conns)]
            await quiesce(server)
            cpu0, gen0, start = server.cpu(), self_cpu(), time.perf_counter()
            latencies, errors = await post_many(conns, slug, tokens, total)
            cpu1, gen1, end = server.cpu(), self_cpu(), time.perf_counter()
        finally:
            close_all(conns + [control])
        result = Result()
        result.metrics = {
            "posts/s": len(latencies) / (end - start),
            "p50 post latency ms": ms(percentile(latencies, 0.50)),
            "p99 post latency ms": ms(percentile(latencies, 0.99)),
            "server CPU µs/post": (cpu1 - cpu0) / max(1, len(latencies)) * 1e6,
            "errors": errors,
        }
        result.details = {
            "posts": total,
            "posters": posters,
            "answered": len(latencies),
            "elapsed_s": end - start,
            "server_cpu_s": cpu1 - cpu0,
            "load_gen_cpu_pct": (gen1 - gen0) / (end - start) * 100,
        }
        return result
