"""Sliding-window limits that hold across processes: counted in memory when one process owns the
database (SQLite), in the database when several share it (PostgreSQL)."""

from __future__ import annotations

from collections.abc import Hashable
from typing import TYPE_CHECKING

from chatserver.ratelimit import RateLimiter

if TYPE_CHECKING:
    from chatserver.database import Transaction
    from chatserver.store import Store


class Limit:
    """At most `limit` actions per key per `window_s` seconds; limit 0 turns it off."""

    def __init__(self, name: str, limit: int, window_s: float, what: str, store: Store) -> None:
        self.name = name  # the key's prefix in the shared table: "post", "event", "join"
        self.memory = RateLimiter(limit, window_s, what=what)
        self.store = store

    @property
    def limit(self) -> int:
        return self.memory.limit

    async def check(self, key: Hashable) -> None:
        """Count one action for key, or raise RateLimited (outside any write job)."""
        if self.memory.limit <= 0:
            return
        if not self.store.shared:
            self.memory.check(key)
            return
        await self.store.count_hit(f"{self.name}:{key}", self.memory.limit,
                                   int(self.memory.window_s * 1000), self.memory.what)

    async def check_in(self, tx: Transaction, key: Hashable) -> None:
        """The same inside a write job, so that an action that is refused or rolled back counts nothing."""
        if self.memory.limit <= 0:
            return
        if not self.store.shared:
            self.memory.check(key)  # in the writer thread, one job at a time (see Store.post_message)
            return
        await self.store.count_hit_in(tx, f"{self.name}:{key}", self.memory.limit,
                                      int(self.memory.window_s * 1000), self.memory.what)
