"""Presence: a participant seen polling or posting within the window is online."""

from __future__ import annotations

import time
from collections.abc import Callable

ONLINE_WINDOW_S = 60.0


class Presence:
    """Last-seen times per participant, in memory."""

    def __init__(self, window_s: float = ONLINE_WINDOW_S, clock: Callable[[], float] = time.monotonic) -> None:
        self.window_s = window_s
        self._clock = clock
        self._seen: dict[int, float] = {}

    def touch(self, participant_id: int) -> None:
        now = self._clock()
        self._seen[participant_id] = now
        if len(self._seen) > 10_000 and len(self._seen) % 1000 == 0:
            self._forget_before(now - self.window_s)

    def is_online(self, participant_id: int) -> bool:
        seen = self._seen.get(participant_id)
        return seen is not None and self._clock() - seen <= self.window_s

    def _forget_before(self, cutoff: float) -> None:
        self._seen = {pid: t for pid, t in self._seen.items() if t >= cutoff}
