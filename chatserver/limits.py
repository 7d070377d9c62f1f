"""Sliding-window limits per key (a participant, a client address): counted in memory when one
process owns the database (SQLite), in the database when several share it (PostgreSQL)."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING

from chatserver.errors import N_, RateLimited

if TYPE_CHECKING:
    from chatserver.backend import Transaction
    from chatserver.store import Store


class SlidingWindow:
    """`limit` actions per `window_s` seconds per key, counted in this process's memory; 0 turns it off."""

    def __init__(
        self,
        limit: int,
        window_s: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
        message: str = N_("Too many messages; try again in {seconds} s."),
    ) -> None:
        self.limit = limit
        self.window_s = window_s
        self.message = message  # the 429's message template, with {seconds} for the wait
        self._clock = clock
        self._hits: dict[Hashable, deque[float]] = {}
        self._sweep_at = 10_000  # keys held before idle ones are swept out

    def check(self, key: Hashable) -> None:
        """Count one action for key, or raise RateLimited with the seconds until one is allowed."""
        if self.limit <= 0:
            return
        now = self._clock()
        hits = self._hits.setdefault(key, deque())
        while hits and now - hits[0] >= self.window_s:
            hits.popleft()
        if len(hits) >= self.limit:
            raise RateLimited(self.window_s - (now - hits[0]), self.message)
        hits.append(now)
        if len(self._hits) > self._sweep_at:
            self._sweep(now)

    def _sweep(self, now: float) -> None:
        self._hits = {k: h for k, h in self._hits.items() if h and now - h[-1] < self.window_s}
        # When most keys are still active, the next sweep waits until there are twice as many:
        # a sweep per check would make each check cost as much as all the keys.
        self._sweep_at = max(10_000, 2 * len(self._hits))


class Limit:
    """At most `limit` actions per key per `window_s` seconds; limit 0 turns it off."""

    def __init__(self, name: str, limit: int, window_s: float, message: str, store: Store) -> None:
        self.name = name  # the key's prefix in the rate_hits table: "post", "event", "join"
        self.memory = SlidingWindow(limit, window_s, message=message)
        self.store = store

    async def check(self, key: Hashable, tx: Transaction | None = None) -> None:
        """Count one action for key, or raise RateLimited. Inside a write job, pass its tx: an
        action that is then refused or rolled back counts nothing."""
        if self.memory.limit <= 0:
            return
        if not self.store.multiprocess:
            self.memory.check(key)  # on SQLite, in the writer thread one job at a time (Store.post_message)
            return
        counted = (f"{self.name}:{key}", self.memory.limit, int(self.memory.window_s * 1000), self.memory.message)
        if tx is None:
            await self.store.count_hit(*counted)
        else:
            await self.store.count_hit_in(tx, *counted)
