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

    async def check(self, key: Hashable, tx: Transaction | None = None) -> None:
        """Count one action for key, or raise RateLimited. Inside a write job, pass its tx: an
        action that is then refused or rolled back counts nothing."""
        if self.memory.limit <= 0:
            return
        if not self.store.shared:
            self.memory.check(key)  # on SQLite, in the writer thread one job at a time (Store.post_message)
            return
        shared = (f"{self.name}:{key}", self.memory.limit, int(self.memory.window_s * 1000), self.memory.what)
        if tx is None:
            await self.store.count_hit(*shared)
        else:
            await self.store.count_hit_in(tx, *shared)
