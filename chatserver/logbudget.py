"""A bound on log volume: each source may write so many lines a second, the rest are counted.

A client can make the server log (a malformed request, a refused one, an error it provokes); with
no bound, a flood of such requests is a flood of log lines that fills the disk. Each logger gets a
token bucket; what it drops is reported in one line when it may write again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

DEFAULT_LOG_BUDGET = 100  # lines per second per logger, with bursts of BURST_S seconds' worth
BURST_S = 10.0


class _Bucket:
    __slots__ = ("dropped", "stamp", "tokens")

    def __init__(self, tokens: float, stamp: float) -> None:
        self.tokens = tokens
        self.stamp = stamp
        self.dropped = 0


class LogBudget(logging.Filter):
    """Lets at most `per_second` records a second through per logger name (bursts of BURST_S
    seconds' worth); a record let through after drops says how many were dropped."""

    def __init__(self, per_second: float, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.per_second = per_second
        self.burst = per_second * BURST_S
        self._clock = clock
        self._buckets: dict[str, _Bucket] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        now = self._clock()
        bucket = self._buckets.get(record.name)
        if bucket is None:
            # Logger names are fixed in code (never from a client), so this map stays small.
            bucket = self._buckets[record.name] = _Bucket(self.burst, now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.stamp) * self.per_second)
        bucket.stamp = now
        if bucket.tokens < 1:
            bucket.dropped += 1
            return False
        bucket.tokens -= 1
        if bucket.dropped:
            dropped = f"[{bucket.dropped} earlier lines from {record.name} not logged: over --log-budget]"
            record.msg = f"{dropped} {record.msg}"
            bucket.dropped = 0
        return True
