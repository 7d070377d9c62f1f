"""Capacity (issue 24): the largest room one process serves over SSE with p99 under 1 s at 20/s.

For each server of settings.capacity_servers (chatserver and Nchan), a search over the number N
of SSE readers. Each probe is one peers run (peers_run.run_once: a fresh server pinned to CPU 0,
the C crowd on CPU 1, capacity_messages messages at capacity_rate a second, open loop):
- a probe passes when p99 publish-to-receipt is under P99_LIMIT_MS, nothing was lost, repeated
  or out of order, and every publish was taken (verdict());
- a reader still missing a message LATE_S after the last was sent fails the probe (its latency
  is past the limit whatever came after), so an overloaded server costs seconds, not a minute;
- the generator: a busy one only delays what it reads, so a pass stands whatever its CPU share
  (reported beside it, with the largest size passed while it stayed under its limit); a failure
  while it was past its limit and the server below SERVER_BUSY_PCT of its core may be the
  generator's (GENERATOR), and makes the capacity a lower bound;
- grow: capacity_start, doubling while the probes pass, up to the ceiling (capacity_ceiling,
  lowered to what the open-files limit allows); if the start fails, halving down to an eighth
  of it;
- bisect between the largest pass and the smallest failure until the failure is within
  capacity_resolution of the pass;
- confirm: the largest pass runs once more; a failure there makes it the new upper bound, and
  the bisection goes on below it.
No new probe starts after the server's share of capacity_seconds; the table then shows the bounds
reached. Each probe is one run, not the three of the peers case: a search takes 6-9 probes per
server at 5-25 s each, and three runs per size would triple the case's 5 minutes; the re-run of
the boundary is the check on a lucky run.

The capacity is a lower bound ("≥ N") when the ceiling passed, when the first failure above it
may have been the generator's, or when the time ran out while still growing; "< N" when even the
smallest size failed.
"""

from __future__ import annotations

import math
import resource
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.benchmarks.common import Result, Settings
from bench.benchmarks.peers import (
    RUN_TIMEOUT,
    SHOWN,
    Measured,
    Row,
    Spec,
    progress,
    run_bounded,
    skipped,
    summarize,
)
from bench.benchmarks.peers_run import Scenario
from bench.peers import generator
from bench.peers.generator import LOADGEN_LIMIT_PCT
from bench.servers import BASELINE, CHATSERVER

P99_LIMIT_MS = 1000.0  # issue 24: the room is served while 99 % of deliveries take less than this
LATE_S = 5.0  # seconds after the last message before a reader still missing one fails the probe
PASS, FAIL, GENERATOR = "pass", "fail", "generator"
FD_RESERVE = 200  # descriptors besides the readers: the control and publisher connections, logs
SERVER_BUSY_PCT = 90  # a failing server busier than this (of CPU 0, over the window) was the limit

# Figures of the passing runs at the capacity (medians; the generator's largest), as peers.py's rows.
AT_CAPACITY = (
    ("p99 publish-to-receipt ms at it", "p99_ms"),
    ("p50 publish-to-receipt ms at it", "p50_ms"),
    ("server CPU µs/delivery at it", "cpu_us_per_delivery"),
    ("items per write at it", "items_per_write"),
    ("server waiting for CPU % at it", "server_waiting_for_cpu_pct"),
    ("load-gen CPU % max at it", "loadgen_cpu_pct"),
)
RATIO = "capacity chatserver / "


def ceiling(settings: Settings) -> int:
    """capacity_ceiling, or less where the open-files limit would refuse readers first: chatserver
    caps its connections at the hard limit less a sixteenth and 64 (chatserver/connections.py), the
    tightest of the three processes (nginx and the crowd may use the whole limit)."""
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    if hard == resource.RLIM_INFINITY:
        return settings.capacity_ceiling
    return max(1, min(settings.capacity_ceiling, hard - (64 + hard // 16) - FD_RESERVE))


def verdict(run: dict[str, Any], limit_pct: float = LOADGEN_LIMIT_PCT) -> tuple[str, str]:
    """A probe's outcome (PASS, FAIL or GENERATOR) and why, from its figures (peers_run.figures).

    A busy generator only delays what it reads, so a pass stands whatever its share (the share is
    reported beside it); a failure while it passed its limit and the server was not busy may be
    the generator's, and is GENERATOR: the capacity is then a lower bound."""
    if "failed" in run:
        return FAIL, f"run failed: {run['failed'][:200]}"
    kinds = run["errors_by_kind"]
    # After a time limit the crowd reports what it has: what is missing then is late, not lost.
    late = kinds.get("missing", 0) if run["crowd"].get("why") != "finished" else 0
    if run["errors"] - late > 0:
        lost = ", ".join(f"{k} {v:,}" for k, v in kinds.items() if v and k != "unfinished_conns")
        problem = f"errors: {lost}"
    elif late:
        problem = f"{late:,} deliveries not made {LATE_S:g} s after the last message"
    elif run["p99_ms"] >= P99_LIMIT_MS:
        problem = f"p99 {run['p99_ms']:,.0f} ms"
    else:
        return PASS, f"p99 {run['p99_ms']:,.0f} ms"
    busy = f"server {run['server_cpu_pct']:.0f} % of its core, generator {run['loadgen_cpu_pct']:.0f} %"
    if run["loadgen_cpu_pct"] >= limit_pct and run["server_cpu_pct"] < SERVER_BUSY_PCT:
        return GENERATOR, f"{problem} ({busy}: maybe the generator's)"
    return FAIL, f"{problem} ({busy})"


@dataclass
class Search:
    """One server's probes, in order, each run's figures with its readers, verdict and why."""

    server: str
    start: int
    ceiling: int
    resolution: float
    confirm: bool
    probes: list[dict[str, Any]] = field(default_factory=list)

    def runs_at(self, readers: int) -> list[dict[str, Any]]:
        return [run for run in self.probes if run["readers"] == readers]

    def bounds(self) -> tuple[int, int | None]:
        """(the largest size below every failure whose runs all passed, 0 if none; the smallest
        size with a run that did not pass, None if none)."""
        failed = [run["readers"] for run in self.probes if run["verdict"] != PASS]
        upper = min(failed) if failed else None
        passed = [run["readers"] for run in self.probes if upper is None or run["readers"] < upper]
        return max(passed, default=0), upper

    def smallest(self) -> int:
        """The size below which the search stops halving."""
        return max(1, self.start // 8)

    def next_size(self) -> int | None:
        """The size to probe next, or None when the search is done."""
        lower, upper = self.bounds()
        if upper is None and 0 < lower < self.ceiling:
            return min(2 * lower, self.ceiling)
        if lower == 0:
            size = self.start if upper is None else upper // 2
            return size if size >= self.smallest() else None
        if upper is not None and upper > lower * (1 + self.resolution):
            middle = _round2((lower + upper) / 2)
            if lower < middle < upper:
                return middle
        if self.confirm and len(self.runs_at(lower)) < 2:
            return lower
        return None

    def outcome(self) -> dict[str, Any]:
        """What the search found: the capacity, how it is bounded, the first failure and why."""
        lower, upper = self.bounds()
        above = self.runs_at(upper) if upper is not None else []
        why = next((run["why"] for run in above if run["verdict"] != PASS), None)
        if lower == 0:
            bound = "below" if self.probes else "none"
        elif upper is None:
            bound = "ceiling" if lower >= self.ceiling else "unfinished"
        elif any(run["verdict"] == GENERATOR for run in above):
            bound = "generator"
        else:
            bound = "bracketed" if upper <= lower * (1 + self.resolution) else "unfinished"
        clean = [
            size
            for size in {run["readers"] for run in self.probes}
            if size <= lower and all(r["loadgen_cpu_pct"] < LOADGEN_LIMIT_PCT for r in self.runs_at(size))
        ]
        return {
            "capacity": lower,
            "largest_with_generator_under_limit": max(clean, default=0),
            "bound": bound,
            "first_failure": upper,
            "failure": why,
            "complete": self.next_size() is None,
            "probes": len(self.probes),
        }

    def at_least(self) -> bool:
        """Whether the capacity is only a lower bound: the ceiling passed, the failure above may
        have been the generator's, or the time ran out before any size failed."""
        found = self.outcome()
        return found["bound"] in ("ceiling", "generator") or (
            found["bound"] == "unfinished" and found["first_failure"] is None
        )

    def shown(self) -> float | str:
        """The capacity for the table: a number, or a bound ("≥ 16,000", "< 125")."""
        found = self.outcome()
        if found["bound"] == "none":
            return "not measured"
        if found["bound"] == "below":
            return f"< {min(run['readers'] for run in self.probes):,}"
        return f"≥ {found['capacity']:,}" if self.at_least() else float(found["capacity"])

    def summary(self) -> str:
        """One line for the progress output."""
        found = self.outcome()
        failure = f"first failure {found['first_failure']:,}: {found['failure']}" if found["failure"] else "no failure"
        shown = self.shown()
        shown = f"{shown:,.0f}" if isinstance(shown, float) else shown
        return f"{shown} readers ({found['bound']}; {failure}), {found['probes']} probes"


def _round2(value: float) -> int:
    """value to two significant digits: sizes such as 12,000 and 1,300 rather than 12,288."""
    step = int(10 ** max(0, math.floor(math.log10(value)) - 1))
    return int(value / step + 0.5) * step


async def search(run: Callable[[int], Awaitable[dict[str, Any]]], found: Search, deadline: float) -> Search:
    """Probe found's next sizes with run until it is done or the deadline passes (monotonic s)."""
    size = found.next_size()
    while size is not None and time.monotonic() < deadline:
        probe = await run(size)
        probe["readers"] = size
        probe["verdict"], probe["why"] = verdict(probe)
        found.probes.append(probe)
        size = found.next_size()
    return found


def ratio(chat: Search, peer: Search) -> str:
    """chatserver's capacity / the peer's, with the side a bound leaves open."""
    mine, theirs = chat.outcome()["capacity"], peer.outcome()["capacity"]
    if not mine or not theirs:
        return "n/a: a server passed no size"
    if chat.at_least() and peer.at_least():
        return f"n/a: both lower bounds ({chat.shown()}, {peer.shown()})"
    return ("≥ " if chat.at_least() else "≤ " if peer.at_least() else "") + f"{mine / theirs:.2f}x"


def spec(settings: Settings) -> Spec:
    """The case: one row per figure and peer, and the capacity ratio in chatserver's column."""
    peers = [name for name in settings.capacity_servers if name != CHATSERVER]
    rows: list[Row] = []
    for peer in peers:
        tag = f" [{SHOWN[peer]}]"
        rows += [Row("largest room passed, readers" + tag, "capacity", peer, "capacity")]
        rows += [Row("first room failed, readers" + tag, "first_failure", peer, "capacity")]
        rows += [Row("failed because" + tag, "failure", peer, "capacity")]
        rows += [Row(label + tag, figure, peer, "capacity") for label, figure in AT_CAPACITY]
        rows += [Row(f"largest passed, load-gen < {LOADGEN_LIMIT_PCT} %" + tag, "clean", peer, "capacity")]
        rows += [Row(RATIO + SHOWN[peer], "ratio", peer, "capacity")]
    missing = skipped()
    note = (
        f"largest SSE room with p99 publish-to-receipt < {P99_LIMIT_MS:,.0f} ms at {settings.capacity_rate:g} "
        f"messages/s ({settings.capacity_messages} messages) and nothing lost or repeated; sizes from "
        f"{settings.capacity_start:,} doubling to the ceiling {ceiling(settings):,}, then bisected to "
        f"{settings.capacity_resolution:.0%}; one run per size, a fresh server each"
        f"{', the largest pass re-run once' if settings.capacity_confirm else ''}; a failure with the load-gen "
        f"over {LOADGEN_LIMIT_PCT} % of its core and the server under {SERVER_BUSY_PCT} % of its own makes the "
        "capacity a lower bound; 'at it' = the passing runs at that size; baseline column = the peer in [brackets]"
        + "".join(f"; {SHOWN[name]}: skipped, {reason}" for name, reason in missing.items())
    )
    title = f"capacity SSE at {settings.capacity_rate:g}/s, p99 < {P99_LIMIT_MS / 1000:g} s"
    return Spec("capacity", title, tuple(rows), (), note)


class Session(Measured[dict[str, Search]]):
    """Every server's search, measured once (by the first column to ask), reported per column."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        # A probe that starts just before the time is up may take a whole run.
        super().__init__(
            [spec(settings)], settings.capacity_seconds + RUN_TIMEOUT * len(settings.capacity_servers) + 60
        )

    async def _measure(self) -> dict[str, Search]:
        settings, missing = self.settings, skipped()
        for name in settings.capacity_servers:
            if name in missing:
                print(f"  {SHOWN[name]}: skipped — {missing[name]}", file=sys.stderr, flush=True)
        binary = generator.build()
        servers = [name for name in settings.capacity_servers if name not in missing]
        top = ceiling(settings)
        if top < settings.capacity_ceiling:
            print(f"  ceiling lowered to {top:,} readers by the open-files limit", file=sys.stderr, flush=True)
        searches: dict[str, Search] = {}
        started = time.monotonic()
        for n, name in enumerate(servers):
            # Each server gets an equal share of what is left, so a quick search leaves more to the next.
            share = (settings.capacity_seconds - (time.monotonic() - started)) / (len(servers) - n)
            start = min(settings.capacity_start, top)
            found = Search(name, start, top, settings.capacity_resolution, settings.capacity_confirm)
            searches[name] = await search(self._probe(name, binary), found, time.monotonic() + share)
            print(f"    capacity, {SHOWN[name]}: {found.summary()}", file=sys.stderr, flush=True)
        return searches

    def _probe(self, name: str, binary: Path) -> Callable[[int], Awaitable[dict[str, Any]]]:
        """One probe of server name at a given size: a run of its own, with its progress line."""
        settings = self.settings

        async def probe(readers: int) -> dict[str, Any]:
            scenario = Scenario(
                f"capacity-{readers}",
                f"capacity SSE {readers:,} readers",
                "sse",
                readers,
                settings.capacity_messages,
                settings.capacity_rate,
                (name,),
                done_timeout=LATE_S,
            )
            run = await run_bounded(name, scenario, settings, binary)
            shown, why = verdict(run)
            print(
                f"    {scenario.title}, {SHOWN[name]}: {shown.upper()} ({why}); {progress(run)}",
                file=sys.stderr,
                flush=True,
            )
            return run

        return probe

    def _result(self, spec: Spec, kind: str, searches: dict[str, Search]) -> Result:
        result = Result()
        for row in spec.rows:
            server = row.peer if kind == BASELINE else CHATSERVER
            found = searches.get(server)
            if found is None:
                continue
            if row.figure == "ratio":
                if kind != BASELINE and row.peer in searches:
                    result.metrics[row.label] = ratio(found, searches[row.peer])
                continue
            value = self._figure(found, row.figure)
            if value is not None:
                result.metrics[row.label] = value
        servers = {row.peer if kind == BASELINE else CHATSERVER for row in spec.rows}
        result.details = {
            "searches": {
                name: {**searches[name].outcome(), "runs": searches[name].probes}
                for name in sorted(servers)
                if name in searches
            },
            "p99_limit_ms": P99_LIMIT_MS,
            "ceiling": ceiling(self.settings),
            "skipped": skipped(),
        }
        return result

    @staticmethod
    def _figure(found: Search, figure: str) -> float | str | None:
        """One row's figure for one server's search."""
        outcome = found.outcome()
        if figure == "capacity":
            return found.shown()
        if figure == "first_failure":
            return float(outcome["first_failure"]) if outcome["first_failure"] is not None else "none"
        if figure == "failure":
            return outcome["failure"] or "-"
        if figure == "clean":
            return float(outcome["largest_with_generator_under_limit"])
        return summarize(found.runs_at(outcome["capacity"]), figure)
