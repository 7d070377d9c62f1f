"""Peers (issue 24): chatserver beside Nchan, Tornado's chat demo and a Python floor, in one run.

Scenarios, each run settings.peers_rounds times for every server it compares, interleaved (round
1 of every scenario and server, then round 2...; the servers' order turns each round), a fresh
server each run (peers_run.run_once). The table shows the median of the runs of each figure; the
errors add up over the runs (a run that failed counts as one), and the generator's CPU is the
largest of the runs.

- SSE fan-out at each of settings.peers_sse_readers (1,000 and 5,000): chatserver, Nchan, floor;
  30 messages at 20/s (fanout_messages, fanout_rate);
- long poll, light: peers_light_waiters (500) at peers_light_rate (2/s), a load that saturates
  none of the servers: CPU per round trip, chatserver, demo, Nchan;
- long poll, saturated: peers_saturated_waiters (1,000) at 20/s: chatserver, demo, Nchan;
- idle memory per held reader, from the largest SSE and the saturated long-poll runs: the RSS
  growth once every reader was in place, before the first message.

Every case of the group is measured by the first call (Session.run; its time limit covers them
all) and reported per case: the baseline column holds the figure of the peer named in the
metric's [brackets], the chatserver column chatserver's own (repeated for each peer).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from bench.benchmarks.common import BenchError, Result, Settings
from bench.benchmarks.peers_run import DEMO, FLOOR, NCHAN, Scenario, run_once
from bench.peers import demo, generator, nchan
from bench.servers import BASELINE, CHATSERVER

SHOWN = {NCHAN: "Nchan", DEMO: "demo", FLOOR: "floor", CHATSERVER: "chatserver"}
IDLE_KIB = 12  # issue 24: at most this much memory per held SSE stream or long poll
# Not the issue's own target but the condition for its CPU one: a server that packs more items per
# write than Nchan fell behind, and its lower CPU per delivery is bought with latency.
PACKING_LIMIT = 1.5
RUN_TIMEOUT = 240.0  # seconds for one run

CPU_WHY = (
    "the fan-out is socket.send plus about 0.15 us of Python per stream (broadcast.py); the rest is the "
    "publish, a POST's request cycle and its SQLite round trips (about 2 ms a message here), which weighs "
    "most at 1,000 readers; a busy machine (server waiting for CPU) moves the ratio by 10-20 %"
)
P50_WHY = "a server that spends more per delivery reaches the last reader of a wave later"
PACKING_WHY = (
    "chatserver fell behind the messages (waves of writes longer than the 50 ms between two, or the "
    "server waiting for CPU 0) and packed several per write: its CPU per delivery is not comparable"
)
IDLE_WHY = (
    "an SSE stream is still a held Tornado request (HTTP1Connection, HTTPServerRequest, RequestHandler, their "
    "futures and buffers); a plain long poll is not (chatserver/read_path.py)"
)
POLL_WHY = (
    "a plain poll skips Tornado's request cycle (chatserver/read_path.py); what is left is IOStream's read, "
    "the poll's own checks and hold, and the event loop; a busy machine moves the ratio by 10-20 %"
)
LOADGEN_WHY = "the generator, not the server, may have been the limit: the figures are suspect"
T = TypeVar("T")


@dataclass(frozen=True)
class Row:
    """One table row: the metric's label, the figure it shows, which peer's, from which scenario."""

    label: str
    figure: str
    peer: str
    scenario: str


@dataclass(frozen=True)
class Spec:
    """One case of the group: its title, rows, targets (metric, limit, compare, why) and note."""

    key: str
    title: str
    rows: tuple[Row, ...]
    targets: tuple[tuple[str, float, str, str], ...]
    note: str


def unavailable() -> str | None:
    """Why the group cannot run here (the crowd needs a C compiler), or None."""
    return generator.unavailable()


def skipped() -> dict[str, str]:
    """The peers that cannot run here, with how to install them."""
    reasons = {NCHAN: nchan.unavailable(), DEMO: demo.unavailable()}
    return {name: reason for name, reason in reasons.items() if reason}


def scenarios(settings: Settings) -> list[Scenario]:
    """Every scenario of the group, in the order of a round."""
    found = [
        Scenario(f"sse-{n}", f"SSE {n:,} readers", "sse", n, settings.fanout_messages, settings.fanout_rate,
                 (CHATSERVER, NCHAN, FLOOR))
        for n in settings.peers_sse_readers
    ]  # fmt: skip
    light, saturated = settings.peers_light_waiters, settings.peers_saturated_waiters
    found.append(
        Scenario("poll-light", f"long poll {light:,} waiters at {settings.peers_light_rate:g}/s", "poll", light,
                 settings.peers_light_messages, settings.peers_light_rate, (CHATSERVER, DEMO, NCHAN))
    )  # fmt: skip
    found.append(
        Scenario("poll-saturated", f"long poll {saturated:,} waiters at {settings.fanout_rate:g}/s", "poll",
                 saturated, settings.fanout_messages, settings.fanout_rate, (CHATSERVER, DEMO, NCHAN))
    )  # fmt: skip
    return found


def _peer_rows(key: str, rows: list[tuple[str, str, str]]) -> tuple[Row, ...]:
    """Rows of one scenario from (label, figure, peer), the peer's name appended to the label."""
    return tuple(Row(f"{label} [{SHOWN[peer]}]", figure, peer, key) for label, figure, peer in rows)


def specs(settings: Settings) -> list[Spec]:
    """The cases of the group, in table order."""
    missing = skipped()
    rounds = settings.peers_rounds
    note = (
        f"baseline column = the peer in [brackets], same run; medians of {rounds} interleaved run(s), a fresh "
        "server each; Nchan = nginx + Nchan module (C), demo = Tornado's chat demo, floor = a Python "
        "socket.send loop; load generator: bench/csub/sub.c"
        + "".join(f"; {SHOWN[name]}: skipped, {reason}" for name, reason in missing.items())
    )
    found: list[Spec] = []
    for scenario in scenarios(settings):
        key, peer = scenario.key, scenario.peers[1]
        if scenario.transport == "sse":
            cpu = "server CPU µs/delivery"
            rows = [
                ("server CPU µs/delivery", "cpu_us_per_delivery", NCHAN),
                ("p50 publish-to-receipt ms", "p50_ms", NCHAN),
                ("p99 publish-to-receipt ms", "p99_ms", NCHAN),
                ("items per write", "items_per_write", NCHAN),
                ("server CPU µs/delivery", "cpu_us_per_delivery", FLOOR),
                ("p50 publish-to-receipt ms", "p50_ms", FLOOR),
            ]
            targets = [
                (f"{cpu} [Nchan]", 1.0, "ratio<=", CPU_WHY),
                ("p50 publish-to-receipt ms [Nchan]", 2.0, "ratio<=", P50_WHY),
                ("items per write [Nchan]", PACKING_LIMIT, "ratio<=", PACKING_WHY),
            ]
        else:
            cpu = "server CPU µs/round trip" if key == "poll-light" else "server CPU µs/delivery"
            figure = "cpu_us_per_answer" if key == "poll-light" else "cpu_us_per_delivery"
            rows = [
                (cpu, figure, DEMO),
                (cpu, figure, NCHAN),
                ("p50 publish-to-receipt ms", "p50_ms", DEMO),
                ("p99 publish-to-receipt ms", "p99_ms", DEMO),
                ("p50 publish-to-receipt ms", "p50_ms", NCHAN),
                ("items per answer", "items_per_write", DEMO),
            ]
            targets = [(f"{cpu} [demo]", 0.5, "ratio<=", POLL_WHY)] if key == "poll-light" else []
        rows += [("server waiting for CPU %", "server_waiting_for_cpu_pct", p) for p in scenario.peers[1:]]
        rows += [("load-gen CPU % max", "loadgen_cpu_pct", p) for p in scenario.peers[1:]]
        rows += [("errors", "errors", p) for p in scenario.peers[1:]]
        targets += [(f"errors [{SHOWN[peer]}]", 0, "value<=", "")]
        targets += [(f"load-gen CPU % max [{SHOWN[peer]}]", generator.LOADGEN_LIMIT_PCT, "value<=", LOADGEN_WHY)]
        title = f"peers {scenario.title}" + (" (saturated)" if key == "poll-saturated" else "")
        found.append(Spec(key, title, _peer_rows(key, rows), tuple(targets), note))
    sse = scenarios(settings)[len(settings.peers_sse_readers) - 1]
    idle_rows = _peer_rows(sse.key, [("RSS KiB/held SSE stream", "rss_kib_per_reader", p) for p in (NCHAN, FLOOR)])
    idle_rows += _peer_rows(
        "poll-saturated", [("RSS KiB/held long poll", "rss_kib_per_reader", p) for p in (DEMO, NCHAN)]
    )
    found.insert(
        len(settings.peers_sse_readers),
        Spec(
            "idle",
            f"peers idle memory ({sse.readers:,} SSE, {settings.peers_saturated_waiters:,} long polls)",
            idle_rows,
            (
                ("RSS KiB/held SSE stream [Nchan]", IDLE_KIB, "value<=", IDLE_WHY),
                ("RSS KiB/held long poll [demo]", IDLE_KIB, "value<=", IDLE_WHY),
            ),
            "RSS growth / readers once every reader was in place and the server idle, before the first "
            "message, in the runs above (medians); " + note,
        ),
    )
    return found


class Measured(Generic[T]):
    """A group of cases measured once, by the first case to ask (its time limit, timeout, covers
    the whole group), then reported per case and column from what was measured (a T)."""

    def __init__(self, specs: list[Spec], timeout: float) -> None:
        self.specs = {spec.key: spec for spec in specs}
        self.timeout = timeout
        self.measured: T | None = None
        self.failed: str | None = None

    async def run(self, key: str, kind: str) -> Result:
        """One case's figures for one column (baseline: the peers; chatserver: chatserver)."""
        if self.measured is None and self.failed is None:
            try:
                self.measured = await self._measure()
            except BaseException as exc:
                self.failed = f"{type(exc).__name__}: {exc}"
                raise
        if self.measured is None:
            raise BenchError(f"not measured: {self.failed}")
        return self._result(self.specs[key], kind, self.measured)

    async def _measure(self) -> T:
        raise NotImplementedError

    def _result(self, spec: Spec, kind: str, measured: T) -> Result:
        raise NotImplementedError


Runs = dict[str, dict[str, list[dict[str, Any]]]]  # scenario -> server -> each run's figures


class Session(Measured[Runs]):
    """Every run of the group, measured once (by the first case to ask), reported per case."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        super().__init__(
            specs(settings),
            settings.peers_rounds * sum(len(s.peers) for s in scenarios(settings)) * RUN_TIMEOUT + 120,
        )

    async def _measure(self) -> Runs:
        settings, missing = self.settings, skipped()
        for name, reason in missing.items():
            print(f"  {SHOWN[name]}: skipped — {reason}", file=sys.stderr, flush=True)
        binary = generator.build()
        every = scenarios(settings)
        runs: Runs = {s.key: {p: [] for p in s.peers} for s in every}
        for turn in range(settings.peers_rounds):
            for scenario in every:
                peers = [p for p in scenario.peers if p not in missing]
                peers = peers[turn % len(peers) :] + peers[: turn % len(peers)]
                for name in peers:
                    runs[scenario.key][name].append(await self._one(name, scenario, binary, turn))
        return runs

    async def _one(self, name: str, scenario: Scenario, binary: Path, turn: int) -> dict[str, Any]:
        """One run, bounded, with its progress line."""
        found = await run_bounded(name, scenario, self.settings, binary)
        print(f"    {scenario.title}, round {turn + 1}, {SHOWN[name]}: {progress(found)}", file=sys.stderr, flush=True)
        return found

    def _result(self, spec: Spec, kind: str, runs: Runs) -> Result:
        result = Result()
        for row in spec.rows:
            server = row.peer if kind == BASELINE else CHATSERVER
            value = summarize(runs.get(row.scenario, {}).get(server, []), row.figure)
            if value is not None:
                result.metrics[row.label] = value
        used = {(row.scenario, row.peer if kind == BASELINE else CHATSERVER) for row in spec.rows}
        result.details = {
            "runs": {
                f"{scenario} {server}": runs.get(scenario, {}).get(server, []) for scenario, server in sorted(used)
            },
            "skipped": skipped(),
        }
        return result


async def run_bounded(name: str, scenario: Scenario, settings: Settings, binary: Path) -> dict[str, Any]:
    """One run_once within RUN_TIMEOUT; a failure is recorded in its figures ("failed"), not raised,
    so that the other runs still happen."""
    started = time.perf_counter()
    try:
        found = await asyncio.wait_for(run_once(name, scenario, settings, binary), RUN_TIMEOUT)
    except Exception as exc:  # noqa: BLE001 - one failed run must not lose the others
        found = {"failed": f"{type(exc).__name__}: {exc}"}
    found["wall_s"] = time.perf_counter() - started
    return found


def summarize(runs: list[dict[str, Any]], figure: str) -> float | None:
    """The figure over the runs: errors added up (a failed run is one), the generator's largest,
    anything else the median of the runs that have it; None when no run has it."""
    done = [run for run in runs if "failed" not in run and run.get(figure) is not None]
    if figure == "errors":
        return float(sum(run["errors"] for run in done) + (len(runs) - len([r for r in runs if "failed" not in r])))
    if not done:
        return None
    values = [float(run[figure]) for run in done]
    return max(values) if figure == "loadgen_cpu_pct" else statistics.median(values)


def progress(run: dict[str, Any]) -> str:
    """A run's figures for the progress line, flagged when the generator passed its limit."""
    if "failed" in run:
        return f"FAILED: {run['failed']}"
    text = (
        f"{run['wall_s']:.1f} s, CPU {run['cpu_us_per_delivery']:.1f} µs/delivery"
        + (f" ({run['cpu_us_per_answer']:.1f}/round trip)" if run.get("cpu_us_per_answer") is not None else "")
        + f", p50 {run['p50_ms']:.1f} ms, p99 {run['p99_ms']:.1f} ms, {run['items_per_write']:.2f} items/write, "
        f"RSS {run['rss_kib_per_reader']:.1f} KiB/reader, load-gen {run['loadgen_cpu_pct']:.0f} %, "
        f"errors {run['errors']}; waiting for CPU: server {run['server_waiting_for_cpu_pct']:.0f} %, "
        f"load-gen {run['loadgen_waiting_for_cpu_pct']:.0f} %"
    )
    if run["loadgen_cpu_pct"] > generator.LOADGEN_LIMIT_PCT:
        text += f"  NOTE: the generator passed {generator.LOADGEN_LIMIT_PCT} % of its core"
    load = run["load"]["before"]["loadavg_1m"]
    if load is not None and load > (os.cpu_count() or 1) + 1:
        text += f"  (load average {load:.1f})"
    return text
