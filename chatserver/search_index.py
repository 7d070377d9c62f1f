"""The search index kept in step with items, inside the write jobs that change them: each engine's
statements (SQLite: the FTS5 table items_fts; PostgreSQL: the tsvector column items.search)."""

from __future__ import annotations

from chatserver.backend import Engine, Transaction
from chatserver.search_text import fts_rowid, index_text, lexemes

# What search may find: messages and announcements, never private, never retracted.
SEARCHED_KINDS = frozenset({"message", "announcement"})


class SearchIndex:
    """Adding, replacing and removing one item's words, and an event's all at once."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    async def add(self, tx: Transaction, event_id: int, item_id: int, body: str) -> None:
        """Index a new item's body (an item with no word is left out)."""
        if self.engine == "sqlite":
            text = index_text(body)
            if text:
                await tx.execute(
                    "INSERT INTO items_fts (rowid, words) VALUES (?, ?)", (fts_rowid(event_id, item_id), text)
                )
            return
        found = lexemes(body)
        if found:
            await tx.execute(
                "UPDATE items SET search = array_to_tsvector(CAST(? AS TEXT[])) WHERE event_id = ? AND id = ?",
                (found, event_id, item_id),
            )

    async def replace(self, tx: Transaction, event_id: int, item_id: int, body: str) -> None:
        """Index an edited item's new body instead of its old one."""
        if self.engine == "sqlite":
            await self.remove(tx, event_id, item_id)
        elif not lexemes(body):
            await self.remove(tx, event_id, item_id)
            return
        await self.add(tx, event_id, item_id, body)

    async def remove(self, tx: Transaction, event_id: int, item_id: int) -> None:
        """Search no longer finds the item (retracted, redacted)."""
        if self.engine == "sqlite":
            await tx.execute("DELETE FROM items_fts WHERE rowid = ?", (fts_rowid(event_id, item_id),))
        else:
            await tx.execute("UPDATE items SET search = NULL WHERE event_id = ? AND id = ?", (event_id, item_id))

    async def erase(self, tx: Transaction, event_id: int) -> None:
        """Forget every word of an event (its items are being erased; PostgreSQL's go with the rows)."""
        if self.engine == "sqlite":
            await tx.execute(
                "DELETE FROM items_fts WHERE rowid BETWEEN ? AND ?",
                (fts_rowid(event_id, 0), fts_rowid(event_id, 0xFFFFFFFF)),
            )

    async def compact(self, tx: Transaction) -> None:
        """Leave no word of removed items in the index's files. FTS5 marks a deletion in a new
        segment and keeps the old one until a merge; 'optimize' merges them all now, and the freed
        pages are zeroed (secure_delete). It rewrites the whole index, so only erasures and
        redactions, which promise the text is gone from the files, pay for it."""
        if self.engine == "sqlite":
            await tx.execute("INSERT INTO items_fts (items_fts) VALUES ('optimize')")
