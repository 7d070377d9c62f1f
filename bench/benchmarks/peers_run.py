"""One run of the peers case: one fresh server, one crowd of readers, one publisher's messages.

A run (run_once) does, in order:
1. start the peer (pinned to CPU 0), wait until it is idle, read its RSS;
2. start the compiled crowd (bench/csub/sub.c, pinned to CPU 1) with the peer's options; wait
   for its ready line (every reader open) and for the server's own count of them (none for the
   chat demo), then until the server is idle again, and read its RSS: the growth over the
   readers is the memory per held stream or poll;
3. publish the messages open loop (each on time on a connection of its own, opened then, whether
   or not earlier ones were answered, as fanout.py does), each body carrying its index and the
   time its request is written;
4. wait for the crowd's summary (every reader has every message, or a time limit), read the
   server's and the crowd's CPU at once, then end the crowd. Their time waiting for a CPU (runnable
   while another process ran: the machine was busy) is kept too, as a share of the window.
Server CPU per delivery runs from just before the first message to that summary, as in fanout.py.
"""

from __future__ import annotations

import time
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.benchmarks.common import BenchError, Settings, load, open_loop
from bench.client import HTTPConnection
from bench.peers import Peer, Transport, chatserver, demo, floor, nchan
from bench.peers.generator import Crowd
from bench.servers import CHATSERVER, quiesce

SETUP_TIMEOUT = 120.0  # seconds for every reader to be open and counted
DONE_TIMEOUT = 60.0  # seconds after the last message for every reader to have every message
NCHAN, DEMO, FLOOR = nchan.NAME, demo.NAME, floor.NAME


@dataclass(frozen=True)
class Scenario:
    """One row group of the case: a transport, a crowd, a schedule and the servers compared."""

    key: str
    title: str
    transport: Transport
    readers: int
    messages: int
    rate: float
    peers: tuple[str, ...]
    done_timeout: float = DONE_TIMEOUT  # seconds after the last message before the crowd reports what it has


def start(name: str, settings: Settings, readers: int) -> AbstractAsyncContextManager[Peer]:
    """A fresh server of the named kind, started and stopped by the context."""
    if name == CHATSERVER:
        return chatserver.started(settings)
    if name == NCHAN:
        return nchan.started(settings.workdir, readers)
    if name == DEMO:
        return demo.started(settings.workdir)
    if name == FLOOR:
        return floor.started(settings.workdir)
    raise ValueError(f"unknown peer {name}")


async def _publish(peer: Peer, seq: int) -> bool:
    """Message seq on a connection of its own, opened now: one opened at the start would have been
    idle for up to 15 s at 2 messages a second, and chatserver closes idle connections after 10 s."""
    try:
        conn = await HTTPConnection.open(peer.port)
    except OSError:
        return False
    try:
        return await peer.publish(conn, seq)
    except (ConnectionError, TimeoutError):
        return False
    finally:
        conn.close()


async def run_once(name: str, scenario: Scenario, settings: Settings, binary: Path) -> dict[str, Any]:
    """One run of scenario against a fresh server of kind name: its figures (see figures())."""
    before = load()
    async with start(name, settings, scenario.readers) as peer:
        await quiesce(peer)
        rss0 = peer.rss_kib()
        args = peer.subscribe_args(scenario.transport)
        log = settings.workdir / "crowd.log"
        crowd = await Crowd.start(binary, peer.port, scenario.readers, scenario.messages, args, log)
        try:
            ready = await crowd.ready(SETUP_TIMEOUT)
            if ready["open"] < scenario.readers:
                raise BenchError(f"only {ready['open']} of {scenario.readers} readers opened: {ready['errors']}")
            counted = await peer.confirm(scenario.readers, scenario.transport)
            if counted is not None and counted < scenario.readers:
                raise BenchError(f"the server counted {counted} of {scenario.readers} readers")
            await quiesce(peer)
            rss1 = peer.rss_kib()
            cpu0, gen0, start_ns = peer.cpu(), crowd.cpu(), time.monotonic_ns()
            queued0 = peer.queued(), crowd.queued()
            accepted = await open_loop(
                scenario.messages, scenario.rate, time.perf_counter(), lambda i: _publish(peer, i)
            )
            summary = await crowd.done(scenario.done_timeout)
            cpu1, gen1, end_ns = peer.cpu(), crowd.cpu(), time.monotonic_ns()
            queued1 = peer.queued(), crowd.queued()
            extra = await _extra(peer)
        finally:
            await crowd.close()
    found = figures(scenario, summary, cpu1 - cpu0, gen1 - gen0, start_ns, end_ns, accepted)
    found.update(rss_before_kib=rss0, rss_held_kib=rss1, rss_kib_per_reader=(rss1 - rss0) / scenario.readers)
    window = (end_ns - start_ns) / 1e9
    found.update(
        server_waiting_for_cpu_pct=(queued1[0] - queued0[0]) / window * 100,
        loadgen_waiting_for_cpu_pct=(queued1[1] - queued0[1]) / window * 100,
    )
    found.update(ready=ready, load={"before": before, "after": load()}, **extra)
    return found


async def _extra(peer: Peer) -> dict[str, Any]:
    """What a peer reports of itself besides the figures: the floor's dropped streams, nginx's log."""
    if isinstance(peer, floor.Floor):
        return {"short_sends": await peer.short_sends()}
    if isinstance(peer, nchan.Nchan):
        return {"nginx_log": peer.log_problems()}
    return {}


def figures(
    scenario: Scenario,
    summary: dict[str, Any],
    server_cpu: float,
    crowd_cpu: float,
    start_ns: int,
    end_ns: int,
    accepted: list[bool],
) -> dict[str, Any]:
    """A run's figures from the crowd's summary and the CPU read around the messages."""
    deliveries = int(summary["deliveries"])
    answers = int(summary["answers"])
    carriers = summary["carrying_reads"] if scenario.transport == "sse" else summary["carrying_answers"]
    kinds = {k: v for k, v in summary["errors"].items() if k != "unfinished_conns"}  # missing counts them
    not_taken = sum(1 for ok in accepted if not ok)
    window = (end_ns - start_ns) / 1e9
    last = summary["last_delivery_ns"]
    span = (last - start_ns) / 1e9 if last else window
    latency = summary["latency_ms"]
    return {
        "cpu_us_per_delivery": server_cpu / max(1, deliveries) * 1e6,
        "cpu_us_per_answer": server_cpu / max(1, answers) * 1e6 if scenario.transport == "poll" else None,
        "p50_ms": latency["p50"],
        "p90_ms": latency["p90"],
        "p99_ms": latency["p99"],
        "max_ms": latency["max"],
        "items_per_write": deliveries / max(1, carriers),
        "loadgen_cpu_pct": crowd_cpu / window * 100 if window > 0 else 0.0,
        "server_cpu_pct": server_cpu / window * 100 if window > 0 else 0.0,
        "errors": sum(kinds.values()) + not_taken,
        "deliveries_per_s": deliveries / span if span > 0 else 0.0,
        "deliveries": deliveries,
        "expected": summary["expected"],
        "answers": answers,
        "server_cpu_s": server_cpu,
        "span_s": span,
        "errors_by_kind": {**summary["errors"], "publish_not_taken": not_taken},
        "crowd": {k: v for k, v in summary.items() if k not in ("errors", "latency_ms")},
    }
