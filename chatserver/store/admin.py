"""The operators': their keys, every event and series with what it takes up, and what they do to
them as a whole (close, list or unlist, erase), each written to the audit log."""

from __future__ import annotations

from typing import Any

from chatserver import credentials
from chatserver.backend import Transaction
from chatserver.errors import N_, EventClosed
from chatserver.models import CLOSED, Event
from chatserver.operators import EVENT, SERIES, AuditBy, AuditEntry, Operator, Storage, Usage
from chatserver.series import Series
from chatserver.store.moderation import Moderation
from chatserver.store.occurrences import events_of, series_in
from chatserver.store.recurring import Recurring
from chatserver.store.rows import _EVENT_COLUMNS, _SERIES_COLUMNS, _STATE_FILTERS, _event, _series, like_pattern

SERIES_CLOSED = N_("The series has already ended and every meeting of it is closed.")
_OPERATOR_COLUMNS = "id, name, created_at, revoked_at"
_AUDIT_COLUMNS = "id, at, source, operator_id, name, action, kind, slug, title"
# The stored text of an item in bytes, in each engine's words (SQLite's LENGTH counts characters).
_ITEM_BYTES = {
    "sqlite": "LENGTH(CAST(body AS BLOB)) + COALESCE(LENGTH(CAST(data AS BLOB)), 0)",
    "postgresql": "octet_length(body) + COALESCE(octet_length(data), 0)",
}


def _page(query: str | None, before: int | None, limit: int) -> tuple[list[str], dict[str, Any]]:
    """The WHERE terms and parameters of one page of a list by id, newest first, that `query` finds
    in the title or the slug."""
    where = ["1 = 1"]
    params: dict[str, Any] = {"limit": limit + 1}
    if before is not None:
        where.append("id < :before")
        params["before"] = before
    if query:
        where.append("(title LIKE :q ESCAPE '\\' OR slug LIKE :q ESCAPE '\\')")
        params["q"] = like_pattern(query)
    return where, params


class Admin(Recurring, Moderation):
    """The Store's operator side, over the events and series the other parts keep."""

    # -- keys ------------------------------------------------------------------------------------

    async def create_operator(self, name: str) -> tuple[Operator, str]:
        """A new operator key for `name`; return the operator and the key (shown once, stored hashed)."""
        key = credentials.new_secret()

        async def job(tx: Transaction) -> Operator:
            row = await tx.fetchone(
                f"INSERT INTO admin_keys (name, key_hash, created_at) VALUES (?, ?, ?) RETURNING {_OPERATOR_COLUMNS}",
                (name, credentials.hash_secret(key), self.clock()),
            )
            assert row is not None
            return Operator(*row)

        return await self.db.write(job), key

    async def operators(self) -> list[Operator]:
        """Every operator key ever made, revoked ones included, oldest first."""
        rows = await self.db.fetchall(f"SELECT {_OPERATOR_COLUMNS} FROM admin_keys ORDER BY id")
        return [Operator(*row) for row in rows]

    async def revoke_operator(self, operator_id: int) -> bool:
        """Revoke an operator key; False when there is no such live key."""

        async def job(tx: Transaction) -> bool:
            row = await tx.fetchone(
                "UPDATE admin_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL RETURNING id",
                (self.clock(), operator_id),
            )
            return row is not None

        return await self.db.write(job)

    async def operator_by_key(self, key: str) -> Operator | None:
        """The live operator whose key this is, or None (the hash is unique: one look-up)."""
        row = await self.db.fetchone(
            f"SELECT {_OPERATOR_COLUMNS} FROM admin_keys WHERE key_hash = ? AND revoked_at IS NULL",
            (credentials.hash_secret(key),),
        )
        return Operator(*row) if row is not None else None

    # -- what there is ---------------------------------------------------------------------------

    async def all_events(
        self, query: str | None, state: str | None, before: int | None, limit: int
    ) -> tuple[list[tuple[Event, Usage]], int | None]:
        """Every event, listed or not, newest first, with its usage; one page and the next cursor."""
        where, params = _page(query, before, limit)
        if state is not None:
            where.append(_STATE_FILTERS[state])
            params["now"] = self.clock()
        rows = await self.db.fetchall(
            f"SELECT {_EVENT_COLUMNS} FROM events WHERE {' AND '.join(where)} ORDER BY id DESC LIMIT :limit", params
        )
        events = [_event(row) for row in rows[:limit]]
        usage = await self._usage([event.id for event in events])
        return [(event, usage.get(event.id, Usage())) for event in events], (
            events[-1].id if len(rows) > limit else None
        )

    async def all_series(
        self, query: str | None, before: int | None, limit: int
    ) -> tuple[list[tuple[Series, int, Usage]], int | None]:
        """Every series, newest first, with how many occurrences it made and their usage together."""
        where, params = _page(query, before, limit)
        rows = await self.db.fetchall(
            f"SELECT {_SERIES_COLUMNS} FROM series WHERE {' AND '.join(where)} ORDER BY id DESC LIMIT :limit", params
        )
        all_series = [_series(row) for row in rows[:limit]]
        slugs = [series.slug for series in all_series]
        members: dict[str, list[int]] = {slug: [] for slug in slugs}
        if slugs:
            marks = ", ".join("?" * len(slugs))
            for event_id, slug in await self.db.fetchall(
                f"SELECT id, series FROM events WHERE series IN ({marks})", slugs
            ):
                members[slug].append(event_id)
        usage = await self._usage([event_id for ids in members.values() for event_id in ids])
        out = []
        for series in all_series:
            total = Usage()
            for event_id in members[series.slug]:
                total += usage.get(event_id, Usage())
            out.append((series, len(members[series.slug]), total))
        return out, (all_series[-1].id if len(rows) > limit else None)

    async def _usage(self, event_ids: list[int]) -> dict[int, Usage]:
        if not event_ids:
            return {}
        marks = ", ".join("?" * len(event_ids))
        items = await self.db.fetchall(
            f"SELECT event_id, COUNT(*), COALESCE(SUM({_ITEM_BYTES[self.db.engine]}), 0), MAX(created_at)"
            f" FROM items WHERE event_id IN ({marks}) GROUP BY event_id",
            event_ids,
        )
        people: dict[int, int] = dict(
            await self.db.fetchall(
                f"SELECT event_id, COUNT(*) FROM participants WHERE event_id IN ({marks}) GROUP BY event_id", event_ids
            )
        )
        usage = {event_id: Usage(participants=int(count)) for event_id, count in people.items()}
        for event_id, count, size, newest in items:
            usage[event_id] = Usage(int(count), int(people.get(event_id, 0)), int(size), newest)
        return usage

    async def storage(self) -> Storage:
        """The database's size and what it holds, in all."""
        row = await self.db.fetchone(
            "SELECT (SELECT COUNT(*) FROM events), (SELECT COUNT(*) FROM series),"
            f" (SELECT COUNT(*) FROM items), (SELECT COALESCE(SUM({_ITEM_BYTES[self.db.engine]}), 0) FROM items),"
            " (SELECT COUNT(*) FROM participants)"
        )
        assert row is not None
        events, series, items, text_bytes, participants = (int(value) for value in row)
        return Storage(await self.db.size_bytes(), text_bytes, events, series, items, participants)

    async def audit_log(self, before: int | None, limit: int) -> tuple[list[AuditEntry], int | None]:
        """The audit log, newest first: one page and the next cursor."""
        rows = await self.db.fetchall(
            f"SELECT {_AUDIT_COLUMNS} FROM audit WHERE id < ? ORDER BY id DESC LIMIT ?",
            (before if before is not None else 2**62, limit + 1),
        )
        entries = [
            AuditEntry(row[0], row[1], AuditBy(row[2], row[3], row[4]), row[5], row[6], row[7], row[8])
            for row in rows[:limit]
        ]
        return entries, (entries[-1].id if len(rows) > limit else None)

    # -- what operators do -----------------------------------------------------------------------

    async def close_as(self, event_id: int, by: AuditBy) -> Event:
        """Close the event now (409 event_closed if it is), as `by`, in the audit log."""

        async def job(tx: Transaction) -> Event:
            now = self.clock()
            event = await self._close_in(tx, event_id, now)
            await self._audit(tx, by, "close", EVENT, event.slug, event.title, now)
            return event

        return await self.db.write(job)

    async def list_as(self, event_id: int, listed: bool, by: AuditBy) -> Event:
        """List or unlist the event, in any state (an unlisted closed event leaves the archive)."""

        async def job(tx: Transaction) -> Event:
            now = self.clock()
            event = await self._settle(tx, await self._event_in(tx, event_id), now)
            if event.listed == listed:
                return event
            row = await tx.fetchone(
                f"UPDATE events SET listed = ? WHERE id = ? RETURNING {_EVENT_COLUMNS}", (int(listed), event_id)
            )
            assert row is not None
            await self._audit(tx, by, "list" if listed else "unlist", EVENT, event.slug, event.title, now)
            return await self._settle(tx, _event(row), now, changed=True)

        return await self.db.write(job)

    async def erase_as(self, event: Event, by: AuditBy) -> Event:
        """Close the event if it is open or to come, then erase its words (see erase_event); an
        erased event stays as it is."""
        if event.erased_at is not None:
            return event
        if event.state(self.clock()) != CLOSED:
            try:
                await self.close_event(event.id)
            except EventClosed:
                pass  # it closed meanwhile
        return await self.erase_event(event.id, by=by)

    async def close_series_as(self, series_slug: str, by: AuditBy) -> Series:
        """End the series and close every occurrence not closed, the open one too."""

        async def job(tx: Transaction) -> Series:
            now = self.clock()
            unclosed = await self._lock_unclosed(tx, series_slug, now)
            series = await series_in(tx, series_slug)
            if series.ended_at is None:
                row = await tx.fetchone(
                    f"UPDATE series SET ended_at = ?, sequence = sequence + 1 WHERE id = ? RETURNING {_SERIES_COLUMNS}",
                    (now, series.id),
                )
                assert row is not None
                series = _series(row)
            elif not unclosed:
                raise EventClosed(SERIES_CLOSED)
            for event in unclosed:  # ended first, so that these closes make no next occurrence
                await self._close_in(tx, event.id, now)
            await self._audit(tx, by, "close", SERIES, series.slug, series.title, now)
            return series

        return await self.db.write(job)

    async def list_series_as(self, series_slug: str, listed: bool, by: AuditBy) -> Series:
        """List or unlist the series and every occurrence of it."""

        async def job(tx: Transaction) -> Series:
            now = self.clock()
            for event in await events_of(tx, series_slug):
                if event.listed != listed:
                    row = await tx.fetchone(
                        f"UPDATE events SET listed = ? WHERE id = ? RETURNING {_EVENT_COLUMNS}",
                        (int(listed), event.id),
                    )
                    assert row is not None
                    await self._settle(tx, _event(row), now, changed=True)
            series = await series_in(tx, series_slug)
            row = await tx.fetchone(
                f"UPDATE series SET listed = ? WHERE id = ? RETURNING {_SERIES_COLUMNS}", (int(listed), series.id)
            )
            assert row is not None
            if series.listed != listed:
                await self._audit(tx, by, "list" if listed else "unlist", SERIES, series.slug, series.title, now)
            return _series(row)

        return await self.db.write(job)

    async def erase_series_as(self, series_slug: str, by: AuditBy) -> Series:
        """End the series, close its occurrences and erase the words of every one."""
        series = await self.get_series(series_slug)
        try:
            series = await self.close_series_as(series_slug, by)
        except EventClosed:
            pass  # ended, and nothing left open
        erased = False
        for event in await self.occurrences(series_slug):
            if event.erased_at is None:
                await self.erase_event(event.id, by=None)
                erased = True
        if erased:

            async def job(tx: Transaction) -> None:
                await self._audit(tx, by, "erase", SERIES, series.slug, series.title, self.clock())

            await self.db.write(job)
        return series
