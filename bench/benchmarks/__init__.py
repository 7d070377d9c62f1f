"""The benchmarks, as cases the runner measures once per server."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bench.benchmarks import fanout, herd, idle, posts, transcript
from bench.benchmarks.common import Result, Settings
from bench.servers import CHATSERVER, KINDS

GROUPS = ("fanout", "fanout-sse", "idle", "posts", "herd", "transcript")

# The SSE goal: server CPU per delivery at most this fraction of chatserver's own long-poll figure.
SSE_CPU_TARGET = 0.2


@dataclass
class Case:
    """One row group of the table: a group name (for --only), a title, how to run it, a time limit.

    servers: the server kinds it runs against. reference: the title of another case whose chatserver
    figures fill this case's baseline column (the ratio is then this case / that one). targets:
    metric -> the highest ratio that meets the goal, judged in the table. note: shown with the rows.
    """

    group: str
    title: str
    run: Callable[[str], Awaitable[Result]]  # server kind -> figures
    timeout: float
    servers: tuple[str, ...] = KINDS
    reference: str | None = None
    targets: dict[str, float] = field(default_factory=dict)
    note: str | None = None


def cases(settings: Settings, only: set[str]) -> list[Case]:
    """The cases of the selected groups, in table order."""
    found: list[Case] = []
    # fanout-sse compares with chatserver's long-poll fan-out of this run: run that too (chatserver only).
    reference_only = "fanout-sse" in only and "fanout" not in only
    for waiters in settings.fanout_waiters:
        found.append(Case("fanout-sse" if reference_only else "fanout", _fanout_title(waiters),
                          functools.partial(_fanout, settings, waiters, "poll"), 240,
                          servers=(CHATSERVER,) if reference_only else KINDS,
                          note="chatserver only: the reference for fan-out SSE" if reference_only else None))
    for waiters in settings.fanout_waiters:
        found.append(Case("fanout-sse", f"fan-out SSE {waiters:,} waiters",
                          functools.partial(_fanout, settings, waiters, "sse"), 240,
                          servers=(CHATSERVER,),  # the baseline server has no SSE
                          reference=_fanout_title(waiters),
                          targets={"server CPU µs/delivery": SSE_CPU_TARGET},
                          note=f"baseline column = chatserver long-poll, {_fanout_title(waiters)}, this run"))
    found.append(Case("idle", f"idle {settings.idle_polls:,} polls {settings.idle_hold:g} s",
                      lambda kind: idle.run(kind, settings), settings.idle_hold + 300))
    found.append(Case("posts", f"posts {settings.posts_total:,} by {settings.posters}",
                      lambda kind: posts.run(kind, settings), 300))
    found.append(Case("herd", f"herd {settings.herd_clients:,} x {settings.herd_behind} behind",
                      lambda kind: herd.run(kind, settings), 240))
    found.append(Case("transcript", f"transcript {settings.transcript_items:,} items",
                      lambda kind: transcript.run(kind, settings), 600))
    return [case for case in found if case.group in only]


def _fanout_title(waiters: int) -> str:
    return f"fan-out {waiters:,} waiters"


def _fanout(settings: Settings, waiters: int, transport: fanout.Transport, kind: str) -> Awaitable[Result]:
    """One fan-out size (bound with functools.partial: a lambda in a loop would share the last size)."""
    return fanout.run(kind, settings, waiters, transport)
