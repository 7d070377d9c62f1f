"""The Store: every SQL statement chatserver runs, behind methods that speak in models."""

from __future__ import annotations

from collections.abc import Callable

from chatserver.database import Database
from chatserver.pg import PgDatabase, is_postgres_url
from chatserver.recent import DEFAULT_TAIL_BYTES
from chatserver.store.admin import Admin
from chatserver.store.calls import CallItems
from chatserver.store.conversation import Conversation
from chatserver.store.identities import Identities
from chatserver.store.inbox import Inbox
from chatserver.store.polls import Polls
from chatserver.store.processes import Processes
from chatserver.store.rows import (
    HITS_KEPT_MS,
    MAX_DURATION_MS,
    EventListener,
    ItemListener,
    ReadsListener,
    check_schedule,
)
from chatserver.store.search import Search
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


class Store(
    Admin, Identities, Inbox, Conversation, Search, Polls, Processes, CallItems
):  # Identities builds on People  # Admin builds on Recurring (Events) and Moderation  # Inbox on Stream
    # Polls builds on Questions (store/qa.py) and Tally
    """Events, participants and their streams in the database; commits wake listeners afterwards."""

    @classmethod
    async def open(
        cls, path: str, sync: str = "normal", clock: Callable[[], Millis] = now_ms, tail_bytes: int = DEFAULT_TAIL_BYTES
    ) -> Store:
        """Open (creating or migrating) the SQLite file at path, or the PostgreSQL database at a
        postgresql:// URL, which other processes may write to: their commits come in as notes."""
        db: Database | PgDatabase = PgDatabase(path) if is_postgres_url(path) else Database(path, sync=sync)
        await db.open()
        store = cls(db, clock, tail_bytes)
        try:
            await db.follow(store)
        except BaseException:
            await db.close()
            raise
        return store

    async def close(self) -> None:
        await self.flush_all_votes()  # votes taken reach the stream before the database closes
        await self.db.close()
