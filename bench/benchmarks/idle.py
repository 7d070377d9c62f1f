"""Idle capacity: N long polls held open in one room; memory per held poll and idle CPU."""

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
    newest_cursor,
    post,
)
from bench.client import HTTPConnection, Response, close_all, open_many
from bench.servers import quiesce, running, self_cpu, wait_held

WAKE_TIMEOUT = 60.0  # seconds for every held poll to be answered once the closing message is posted


async def run(kind: str, settings: Settings) -> Result:
    """Hold settings.idle_polls polls for settings.idle_hold seconds, then wake them all with one message."""
    count, hold = settings.idle_polls, settings.idle_hold
    # A poll must outlast setup + hold, so this server's --max-wait is raised above the hold.
    max_wait = max(settings.max_wait, hold + 60)
    poll_wait = hold + 40
    async with running(kind, settings.workdir, max_wait=max_wait, extra=settings.chatserver_args) as server:
        control = await HTTPConnection.open(server.port)
        poster = await HTTPConnection.open(server.port)
        slug = await create_event(control, f"{count} idle polls")
        token = await join(poster, slug, "poster")
        cursor = await newest_cursor(control, slug)
        for _ in range(20):  # warm up the poll path before the first memory reading
            await control.fetch("GET", f"/api/events/{slug}/messages?after={cursor}&wait=0")
        await quiesce(server)
        rss_before = server.rss_kib()
        connect_start = time.perf_counter()
        conns = await open_many(server.port, count)
        path = f"/api/events/{slug}/messages?after={cursor}&wait={poll_wait:g}"
        polls = [conn.request("GET", path, timeout=poll_wait + WAKE_TIMEOUT) for conn in conns]
        try:
            held = await wait_held(control, count, timeout=120)
            setup_s = time.perf_counter() - connect_start
            if held < count:
                raise BenchError(f"only {held} of {count} polls were held after 120 s")
            await quiesce(server)
            rss_held = server.rss_kib()
            cpu0, gen0, start = server.cpu(), self_cpu(), time.perf_counter()
            await asyncio.sleep(hold)
            cpu1, gen1, end = server.cpu(), self_cpu(), time.perf_counter()
            rss_after = server.rss_kib()
            answered_early = sum(1 for poll in polls if poll.done())
            held_at_end = await wait_held(control, count, timeout=0)
            # Prove they were really held: one message must answer every one of them.
            wake_start = time.perf_counter()
            response = await post(poster, slug, token, "wake up", "idle-wake")
            if response.status != 201:
                raise BenchError(f"the wake-up post got HTTP {response.status}")
            done, pending = await asyncio.wait(polls, timeout=WAKE_TIMEOUT)
            wake_s = time.perf_counter() - wake_start
        finally:
            close_all(conns + [control, poster])
        not_woken = len(pending) + sum(1 for poll in done if not _has_wake(poll))
        errors = answered_early + not_woken
        result = Result()
        result.metrics = {
            "RSS KiB/held poll": (rss_held - rss_before) / count,
            "idle server CPU %": (cpu1 - cpu0) / (end - start) * 100,
            "wake-all s": wake_s,
            "errors": errors,
        }
        result.details = {
            "polls": count,
            "hold_s": hold,
            "setup_s": setup_s,
            "rss_before_kib": rss_before,
            "rss_held_kib": rss_held,
            "rss_after_hold_kib": rss_after,
            "server_cpu_s": cpu1 - cpu0,
            "held_at_end": held_at_end,
            "load_gen_cpu_pct": (gen1 - gen0) / (end - start) * 100,
            "errors": {"answered_during_hold": answered_early, "not_woken_by_message": not_woken},
        }
        return result


def _has_wake(poll: asyncio.Future[Response]) -> bool:
    """Whether a poll ended with 200 and the wake-up message."""
    if poll.cancelled() or poll.exception() is not None:
        return False
    response = poll.result()
    if response.status != 200:
        return False
    return any(item.get("client_id") == "idle-wake" for item in json.loads(response.body)["messages"])
