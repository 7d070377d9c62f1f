"""The Store: every SQL statement chatserver runs, behind methods that speak in models."""

from __future__ import annotations

from collections.abc import Callable

from chatserver.database import Database
from chatserver.pg import PgDatabase, is_postgres_url
from chatserver.store.events import Events
from chatserver.store.people import People
from chatserver.store.rows import (
    HITS_KEPT_MS,
    MAX_DURATION_MS,
    EventListener,
    ItemListener,
    ReadsListener,
    check_schedule,
)
from chatserver.store.shared import Shared
from chatserver.store.stream import Stream
from chatserver.tail import DEFAULT_TAIL_BYTES
from chatserver.timefmt import Millis, now_ms

__all__ = [
    "HITS_KEPT_MS",
    "MAX_DURATION_MS",
    "EventListener",
    "ItemListener",
    "ReadsListener",
    "Store",
    "check_schedule",
]


class Store(Events, People, Stream, Shared):
    """Events, participants and their streams in SQLite; commits wake listeners afterwards."""

    @classmethod
    async def open(cls, path: str, sync: str = "normal", clock: Callable[[], Millis] = now_ms,
                   tail_bytes: int = DEFAULT_TAIL_BYTES) -> Store:
        """Open (creating or migrating) the SQLite file at path, or the PostgreSQL database at a
        postgresql:// URL, which other processes may share: their commits come in as notes."""
        if is_postgres_url(path):
            pg = PgDatabase(path)
            await pg.open()
            store = cls(pg, clock, tail_bytes)
            try:
                await pg.listen(store.remote.note, store.remote.resync)
            except BaseException:
                await pg.close()
                raise
            return store
        db = Database(path, sync=sync)
        await db.open()
        return cls(db, clock, tail_bytes)

    async def close(self) -> None:
        await self.remote.stop()
        await self.db.close()
