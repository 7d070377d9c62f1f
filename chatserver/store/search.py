"""Search: the messages of one event, or of every listed event, that hold all of a query's words.

The words were indexed by search_index.SearchIndex in the write jobs; what is indexed is only what
anybody reading the event may see (public, not retracted), so a result never needs a privacy check
beyond which events are searched."""

from __future__ import annotations

from chatserver.models import Event, Item
from chatserver.search_text import Term, fts5_query, fts_rowid, tsquery
from chatserver.store.core import StoreCore
from chatserver.store.rows import _EVENT_COLUMNS, _ITEM_COLUMNS, _event, _item


def _qualified(columns: str, table: str) -> str:
    return ", ".join(f"{table}.{column.strip()}" for column in columns.split(","))


_ITEMS = _qualified(_ITEM_COLUMNS, "items")
_EVENTS = _qualified(_EVENT_COLUMNS, "events")
_ITEM_WIDTH = len(_ITEM_COLUMNS.split(","))
# Events whose messages the site-wide search may show: listed, not erased, transcripts for everyone.
_SEARCHABLE = "events.listed = 1 AND events.erased_at IS NULL AND events.transcript = 'public'"


class Search(StoreCore):
    """Full-text search, best matches first (SQLite: bm25; PostgreSQL: ts_rank), newest first on a tie."""

    async def search_event(self, event_id: int, terms: list[Term], limit: int) -> list[Item]:
        """The event's messages and announcements holding every term."""
        if self.db.engine == "sqlite":
            rows = await self.db.fetchall(
                f"SELECT {_ITEMS} FROM items_fts JOIN items ON items.event_id = ?"
                " AND items.id = items_fts.rowid - ? WHERE items_fts MATCH ? AND items_fts.rowid BETWEEN ? AND ?"
                " ORDER BY items_fts.rank, items_fts.rowid DESC LIMIT ?",
                (
                    event_id,
                    fts_rowid(event_id, 0),
                    fts5_query(terms),
                    fts_rowid(event_id, 0),
                    fts_rowid(event_id, 0xFFFFFFFF),
                    limit,
                ),
            )
        else:
            rows = await self.db.fetchall(
                f"SELECT {_ITEMS} FROM items WHERE items.event_id = ? AND items.search @@ CAST(? AS TSQUERY)"
                " ORDER BY ts_rank(items.search, CAST(? AS TSQUERY)) DESC, items.id DESC LIMIT ?",
                (event_id, tsquery(terms), tsquery(terms), limit),
            )
        return [_item(row) for row in rows]

    async def search_listed(self, terms: list[Term], limit: int) -> list[tuple[Event, Item]]:
        """Messages of every listed event with a public transcript holding every term."""
        if self.db.engine == "sqlite":
            rows = await self.db.fetchall(
                f"SELECT {_ITEMS}, {_EVENTS} FROM items_fts"
                " JOIN items ON items.event_id = (items_fts.rowid >> 32) AND items.id = (items_fts.rowid & 4294967295)"
                f" JOIN events ON events.id = items.event_id WHERE items_fts MATCH ? AND {_SEARCHABLE}"
                " ORDER BY items_fts.rank, items_fts.rowid DESC LIMIT ?",
                (fts5_query(terms), limit),
            )
        else:
            rows = await self.db.fetchall(
                f"SELECT {_ITEMS}, {_EVENTS} FROM items JOIN events ON events.id = items.event_id"
                f" WHERE items.search @@ CAST(? AS TSQUERY) AND {_SEARCHABLE}"
                " ORDER BY ts_rank(items.search, CAST(? AS TSQUERY)) DESC, items.event_id DESC, items.id DESC LIMIT ?",
                (tsquery(terms), tsquery(terms), limit),
            )
        return [(_event(row[_ITEM_WIDTH:]), _item(row[:_ITEM_WIDTH])) for row in rows]
