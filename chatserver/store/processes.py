"""Processes: what several processes on one PostgreSQL database need (each other's commits, limits and
presence counted in the database)."""

from __future__ import annotations

from chatserver.backend import Transaction
from chatserver.errors import RateLimited
from chatserver.qa import QA_KINDS
from chatserver.store.core import StoreCore
from chatserver.store.rows import (
    _EVENT_COLUMNS,
    _ITEM_COLUMNS,
    HITS_KEPT_MS,
    _event,
    _item,
)
from chatserver.timefmt import Millis

# Items that tell of a change to their target in place: another process reads the target again.
CHANGES_IN_PLACE = frozenset({"edit", "reaction", "preview"})


class Processes(StoreCore):
    """Other processes' commits read into memory (the Store is their backend's Follower), and the
    limits and presence that hold across processes."""

    async def take_items_from_elsewhere(self, event_id: int, newest: int) -> None:
        """Another process committed items up to `newest`: read what this one has not seen, in
        order, into memory and on to the listeners (the broker wakes this process's waiters)."""
        known = self.recent.known_last(event_id)
        if known is not None and newest <= known:
            return
        after = known if known is not None else newest - 1
        rows = await self.db.fetchall(
            f"SELECT {_ITEM_COLUMNS} FROM items WHERE event_id = ? AND id > ? ORDER BY id", (event_id, after)
        )
        for row in rows:
            item = _item(row)
            if item.kind == "retraction" and item.target is not None:
                self.recent.retracted(event_id, item.target)
            elif item.kind in CHANGES_IN_PLACE and item.target is not None:
                # The message as it is now, which may already include later changes: they converge.
                target = await self.db.fetchone(
                    f"SELECT {_ITEM_COLUMNS} FROM items WHERE event_id = ? AND id = ?", (event_id, item.target)
                )
                if target is not None:
                    self.recent.replaced(event_id, _item(target))
            if item.kind in QA_KINDS:
                self.boards.forget(event_id)  # its questions are read again at the next list
            self._emit_item(event_id, item)

    async def count_hit(self, key: str, limit: int, window_ms: Millis, message: str) -> None:
        """Count one action under key in the shared sliding window, or refuse it (429 with message)."""

        async def job(tx: Transaction) -> None:
            await self.count_hit_in(tx, key, limit, window_ms, message)

        await self.db.write(job)

    async def count_hit_in(self, tx: Transaction, key: str, limit: int, window_ms: Millis, message: str) -> None:
        """The same, inside a write job: a refused or rolled-back action counts for nothing."""
        now = self.clock()
        await tx.serialize(key)  # two processes counting the same key take turns
        await tx.execute("DELETE FROM rate_hits WHERE key = ? AND at <= ?", (key, now - window_ms))
        row = await tx.fetchone("SELECT count(*), min(at) FROM rate_hits WHERE key = ?", (key,))
        assert row is not None
        if int(row[0]) >= limit:
            raise RateLimited((int(row[1]) + window_ms - now) / 1000, message)
        await tx.execute("INSERT INTO rate_hits (key, at) VALUES (?, ?)", (key, now))
        self._hits_counted += 1
        if self._hits_counted % 1000 == 0:
            # Keys seen once (an address that never came back) are dropped here, not by their own checks.
            await tx.execute("DELETE FROM rate_hits WHERE at <= ?", (now - HITS_KEPT_MS,))

    async def record_presence(self, seen: dict[int, Millis]) -> None:
        """Write when participants were last seen, for the other processes' online marks."""

        async def job(tx: Transaction) -> None:
            for participant_id, at in sorted(seen.items()):  # a fixed order: no deadlock between processes
                await tx.execute(
                    "UPDATE participants SET seen_at = ? WHERE id = ? AND seen_at < ?", (at, participant_id, at)
                )

        await self.db.write(job)

    async def reload_event(self, event_id: int) -> None:
        """Another process changed an event row: read it again and tell the listeners."""
        row = await self.db.fetchone(f"SELECT {_EVENT_COLUMNS} FROM events WHERE id = ?", (event_id,))
        if row is not None:
            self._emit_event(_event(row))

    def reads_changed_elsewhere(self, event_id: int) -> None:
        self._reads_versions.pop(event_id, None)
        for listener in self._reads_listeners:
            listener(event_id)

    def erased_elsewhere(self, event_id: int, item_id: int | None) -> None:
        """Another process redacted an item in place, or erased the event's items: forget them here."""
        if item_id is None:
            self.recent.forget_items(event_id)
            self.boards.forget(event_id)
        else:
            self.recent.retracted(event_id, item_id)

    async def resync(self) -> None:
        """After notes may have been lost (a reconnection): read every held event and tail again."""
        self._reads_versions.clear()
        for event_id in self.recent.event_ids():
            # Items first: the listeners see the new items before the row that counts them.
            await self.take_items_from_elsewhere(event_id, await self.last_item_id(event_id))
            await self.reload_event(event_id)

    async def last_item_id(self, event_id: int) -> int:
        row = await self.db.fetchone("SELECT last_item_id FROM events WHERE id = ?", (event_id,))
        return row[0] if row else 0
