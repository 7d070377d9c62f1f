"""The five benchmarks, as cases the runner measures once per server."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bench.benchmarks import fanout, herd, idle, posts, transcript
from bench.benchmarks.common import Result, Settings

GROUPS = ("fanout", "idle", "posts", "herd", "transcript")


@dataclass
class Case:
    """One row group of the table: a group name (for --only), a title, how to run it, a time limit."""

    group: str
    title: str
    run: Callable[[str], Awaitable[Result]]  # server kind -> figures
    timeout: float


def cases(settings: Settings, only: set[str]) -> list[Case]:
    """The cases of the selected groups, in table order."""
    found: list[Case] = []
    for waiters in settings.fanout_waiters:
        found.append(Case("fanout", f"fan-out {waiters:,} waiters", functools.partial(_fanout, settings, waiters), 240))
    found.append(Case("idle", f"idle {settings.idle_polls:,} polls {settings.idle_hold:g} s",
                      lambda kind: idle.run(kind, settings), settings.idle_hold + 300))
    found.append(Case("posts", f"posts {settings.posts_total:,} by {settings.posters}",
                      lambda kind: posts.run(kind, settings), 300))
    found.append(Case("herd", f"herd {settings.herd_clients:,} x {settings.herd_behind} behind",
                      lambda kind: herd.run(kind, settings), 240))
    found.append(Case("transcript", f"transcript {settings.transcript_items:,} items",
                      lambda kind: transcript.run(kind, settings), 600))
    return [case for case in found if case.group in only]


def _fanout(settings: Settings, waiters: int, kind: str) -> Awaitable[Result]:
    """One fan-out size (bound with functools.partial: a lambda in a loop would share the last size)."""
    return fanout.run(kind, settings, waiters)
