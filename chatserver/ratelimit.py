"""A sliding-window rate limit per key (a participant, a client address): at most `limit` actions per window."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Hashable

from chatserver.errors import RateLimited


class RateLimiter:
    """`limit` actions per `window_s` seconds per key; limit 0 turns it off."""

    def __init__(self, limit: int, window_s: float = 10.0, clock: Callable[[], float] = time.monotonic,
                 what: str = "messages") -> None:
        self.limit = limit
        self.window_s = window_s
        self.what = what  # named in the 429's message: "Too many <what>; try again in N s."
        self._clock = clock
        self._hits: dict[Hashable, deque[float]] = {}

    def check(self, key: Hashable) -> None:
        """Count one action for key, or raise RateLimited with the seconds until one is allowed."""
        if self.limit <= 0:
            return
        now = self._clock()
        hits = self._hits.setdefault(key, deque())
        while hits and now - hits[0] >= self.window_s:
            hits.popleft()
        if len(hits) >= self.limit:
            raise RateLimited(retry_after=self.window_s - (now - hits[0]), what=self.what)
        hits.append(now)
        if len(self._hits) > 10_000:
            self._sweep(now)

    def _sweep(self, now: float) -> None:
        self._hits = {k: h for k, h in self._hits.items() if h and now - h[-1] < self.window_s}
