"""Presence: a participant seen polling or posting within the window is online."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from chatserver.errors import ChatError
from chatserver.timefmt import Millis, now_ms

log = logging.getLogger("chatserver.presence")

ONLINE_WINDOW_S = 60.0
# With several processes, how often each writes who it has seen; well inside the online window.
SHARE_EVERY_S = 5.0


class Presence:
    """Last-seen times per participant, in memory; shared through the database when `share` is
    given (several processes): each writes who it has seen every SHARE_EVERY_S seconds, and a
    participant seen by any process within the window is online on all of them."""

    def __init__(
        self,
        window_s: float = ONLINE_WINDOW_S,
        clock: Callable[[], float] = time.monotonic,
        share: Callable[[dict[int, Millis]], Awaitable[None]] | None = None,
    ) -> None:
        self.window_s = window_s
        self._clock = clock
        self._seen: dict[int, float] = {}
        # Banned participants: a poll held or a stream opened before the ban may still touch them.
        self._forgotten: set[int] = set()
        self._share = share
        self._unshared: dict[int, Millis] = {}
        self._sharing: asyncio.TimerHandle | None = None

    def touch(self, participant_id: int) -> None:
        if participant_id in self._forgotten:
            return
        now = self._clock()
        self._seen[participant_id] = now
        if len(self._seen) > 10_000 and len(self._seen) % 1000 == 0:
            self._forget_before(now - self.window_s)
        if self._share is not None:
            self._unshared[participant_id] = now_ms()
            if self._sharing is None:
                self._sharing = asyncio.get_running_loop().call_later(SHARE_EVERY_S, self._share_now)

    def is_online(self, participant_id: int, seen_elsewhere_at: Millis = 0) -> bool:
        """Seen here within the window, or (several processes) by another one, as the database says."""
        seen = self._seen.get(participant_id)
        if seen is not None and self._clock() - seen <= self.window_s:
            return True
        return self._share is not None and now_ms() - seen_elsewhere_at <= self.window_s * 1000

    def forget(self, participant_id: int) -> None:
        """A banned participant: offline from now on, whatever still touches them in this process."""
        self._forgotten.add(participant_id)
        self._seen.pop(participant_id, None)
        self._unshared.pop(participant_id, None)

    def _share_now(self) -> None:
        self._sharing = None
        seen, self._unshared = self._unshared, {}
        if seen and self._share is not None:
            asyncio.ensure_future(self._write(seen))

    async def _write(self, seen: dict[int, Millis]) -> None:
        assert self._share is not None
        try:
            await self._share(seen)
        except ChatError as exc:  # the database is unreachable: the next round writes the newer times
            log.warning("could not share presence: %s", exc.message)

    def _forget_before(self, cutoff: float) -> None:
        self._seen = {pid: t for pid, t in self._seen.items() if t >= cutoff}
