"""The Store: every SQL statement chatserver runs, behind methods that speak in models."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from chatserver import credentials
from chatserver.database import Backend, Database, Row, Transaction
from chatserver.errors import (
    Banned,
    EventClosed,
    InvalidRequest,
    NicknameTaken,
    NotFound,
    NotOpen,
    RateLimited,
)
from chatserver.models import (
    CLOSED,
    OPEN,
    PHASE_CLOSED,
    PHASE_OPENED,
    SCHEDULED,
    Event,
    Item,
    Participant,
)
from chatserver.pg import PgDatabase, is_postgres_url
from chatserver.remote import RemoteCommits
from chatserver.tail import Recent
from chatserver.timefmt import Millis, now_ms
from chatserver.validation import nickname_key

MAX_DURATION_MS = 31 * 24 * 3600 * 1000
HITS_KEPT_MS = 2 * 3600 * 1000  # longer than the longest limit window (an hour)

_EVENT_COLUMNS = (
    "id, slug, title, description, starts_at, ends_at, host_key_hash, listed, created_at,"
    " closed_early_at, phase, last_item_id, embed_origins"
)
_ITEM_COLUMNS = "id, kind, code, author, participant_id, body, created_at, client_id, target, retracted"
_PARTICIPANT_COLUMNS = "id, event_id, nickname, banned, created_at, last_read_id, seen_at"

# Listed events by state at :now (a closed_early_at is always in the past once set).
_STATE_FILTERS = {
    SCHEDULED: "closed_early_at IS NULL AND starts_at > :now",
    OPEN: "closed_early_at IS NULL AND starts_at <= :now AND ends_at > :now",
    CLOSED: "(closed_early_at IS NOT NULL OR ends_at <= :now)",
}

ItemListener = Callable[[int, Item], None]
EventListener = Callable[[Event], None]
ReadsListener = Callable[[int], None]


def _event(row: Row) -> Event:
    return Event(
        row[0], row[1], row[2], row[3], row[4], row[5], bytes(row[6]), bool(row[7]), row[8],
        row[9], row[10], row[11], tuple(row[12].split()) if row[12] is not None else None,
    )


def _origins_column(origins: tuple[str, ...] | None) -> str | None:
    return " ".join(origins) if origins is not None else None


def _item(row: Row) -> Item:
    return Item(row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], row[8], bool(row[9]))


def _participant(row: Row) -> Participant:
    return Participant(row[0], row[1], row[2], bool(row[3]), row[4], row[5], row[6])


def check_schedule(starts_at: Millis, ends_at: Millis, now: Millis) -> None:
    """The rules of API.md for an event's times."""
    if ends_at <= starts_at:
        raise InvalidRequest("ends_at must be after starts_at.")
    if ends_at <= now:
        raise InvalidRequest("ends_at must be in the future.")
    if ends_at - starts_at > MAX_DURATION_MS:
        raise InvalidRequest("An event lasts at most 31 days: move ends_at closer to starts_at.")


class Store:
    """Events, participants and their streams in SQLite; commits wake listeners afterwards."""

    def __init__(self, db: Backend, clock: Callable[[], Millis] = now_ms) -> None:
        self.db = db
        self.clock = clock
        self.items_appended = 0
        self._item_listeners: list[ItemListener] = []
        self._event_listeners: list[EventListener] = []
        self._reads_listeners: list[ReadsListener] = []
        # Per event, the sum of its participants' last_read_id: it grows with every read receipt,
        # so it serves as the reads version and needs no column of its own.
        self._reads_versions: dict[int, int] = {}
        self.recent = Recent()  # event rows and newest items as committed: woken polls read no disk
        self.remote = RemoteCommits(self)
        self._hits_counted = 0
        # Other processes write to the same database (PostgreSQL): memory may lag their commits.
        self.shared = not isinstance(db, Database)

    @classmethod
    async def open(cls, path: str, sync: str = "normal", clock: Callable[[], Millis] = now_ms) -> Store:
        """Open (creating or migrating) the SQLite file at path, or the PostgreSQL database at a
        postgresql:// URL, which other processes may share: their commits come in as notes."""
        if is_postgres_url(path):
            pg = PgDatabase(path)
            await pg.open()
            store = cls(pg, clock)
            try:
                await pg.listen(store.remote.note, store.remote.resync)
            except BaseException:
                await pg.close()
                raise
            return store
        db = Database(path, sync=sync)
        await db.open()
        return cls(db, clock)

    async def close(self) -> None:
        await self.remote.stop()
        await self.db.close()

    # -- other processes' commits (PostgreSQL) ---------------------------------------------------

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
            self._emit_item(event_id, item)

    async def count_hit(self, key: str, limit: int, window_ms: Millis, what: str) -> None:
        """Count one action under key in the shared sliding window, or refuse it (429)."""

        async def job(tx: Transaction) -> None:
            await self.count_hit_in(tx, key, limit, window_ms, what)

        await self.db.write(job)

    async def count_hit_in(self, tx: Transaction, key: str, limit: int, window_ms: Millis, what: str) -> None:
        """The same, inside a write job: a refused or rolled-back action counts for nothing."""
        now = self.clock()
        await tx.serialize(key)  # two processes counting the same key take turns
        await tx.execute("DELETE FROM rate_hits WHERE key = ? AND at <= ?", (key, now - window_ms))
        row = await tx.fetchone("SELECT count(*), min(at) FROM rate_hits WHERE key = ?", (key,))
        assert row is not None
        if int(row[0]) >= limit:
            raise RateLimited(retry_after=(int(row[1]) + window_ms - now) / 1000, what=what)
        await tx.execute("INSERT INTO rate_hits (key, at) VALUES (?, ?)", (key, now))
        self._hits_counted += 1
        if self._hits_counted % 1000 == 0:
            # Keys seen once (an address that never came back) are dropped here, not by their own checks.
            await tx.execute("DELETE FROM rate_hits WHERE at <= ?", (now - HITS_KEPT_MS,))

    async def record_presence(self, seen: dict[int, Millis]) -> None:
        """Write when participants were last seen, for the other processes' online marks."""

        async def job(tx: Transaction) -> None:
            for participant_id, at in sorted(seen.items()):  # a fixed order: no deadlock between processes
                await tx.execute("UPDATE participants SET seen_at = ? WHERE id = ? AND seen_at < ?",
                                 (at, participant_id, at))

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

    async def resync(self) -> None:
        """After notes may have been lost (a reconnection): read every held event and tail again."""
        self._reads_versions.clear()
        for event_id in self.recent.event_ids():
            # Items first: the listeners see the new items before the row that counts them.
            await self.take_items_from_elsewhere(event_id, await self.last_item_id(event_id))
            await self.reload_event(event_id)

    def on_item(self, listener: ItemListener) -> None:
        """Call listener(event_id, item) after each committed append."""
        self._item_listeners.append(listener)

    def on_reads(self, listener: ReadsListener) -> None:
        """Call listener(event_id) after each committed change to an event's read receipts."""
        self._reads_listeners.append(listener)

    def on_event(self, listener: EventListener) -> None:
        """Call listener(event) after each committed change to an event's schedule."""
        self._event_listeners.append(listener)

    # Write jobs (def job(tx)) run in the database's writer thread, while the event loop goes on:
    # they use only tx, the clock and their arguments; memory and listeners change in after_commit.

    # -- events --------------------------------------------------------------------------------

    async def create_event(
        self,
        title: str,
        description: str,
        starts_at: Millis,
        ends_at: Millis,
        listed: bool,
        embed_origins: tuple[str, ...] | None = None,
    ) -> tuple[Event, str]:
        """Schedule an event; return it with its host key (shown once, stored only as a hash)."""
        host_key = credentials.new_secret()

        async def job(tx: Transaction) -> Event:
            now = self.clock()
            check_schedule(starts_at, ends_at, now)
            slug = credentials.new_slug()
            while await tx.fetchone("SELECT 1 FROM events WHERE slug = ?", (slug,)):
                slug = credentials.new_slug()
            row = await tx.fetchone(
                "INSERT INTO events (slug, title, description, starts_at, ends_at, host_key_hash,"
                " listed, created_at, embed_origins) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING "
                + _EVENT_COLUMNS,
                (slug, title, description, starts_at, ends_at,
                 credentials.hash_secret(host_key), int(listed), now, _origins_column(embed_origins)),
            )
            assert row is not None
            return await self._settle(tx, _event(row), now, changed=True)

        return await self.db.write(job), host_key

    async def get_event(self, slug: str, fresh: bool = False) -> Event:
        """The event as last committed (from memory when held there); fresh=True reads the disk."""
        if not fresh:
            held = self.recent.event(slug)
            if held is not None:
                return held
        generation = self.recent.generation
        row = await self.db.fetchone(f"SELECT {_EVENT_COLUMNS} FROM events WHERE slug = ?", (slug,))
        if row is None:
            raise NotFound("There is no event with this link; check the address.")
        event = _event(row)
        self.recent.keep_event(event, generation)
        return event

    async def list_events(
        self, state: str | None, limit: int, before: int | None, title_query: str | None = None
    ) -> tuple[list[Event], int | None]:
        """Listed events newest first, one page, and the cursor of the next page (or None)."""
        where = ["listed = 1"]
        params: dict[str, Any] = {"now": self.clock(), "limit": limit + 1}
        if state is not None:
            where.append(_STATE_FILTERS[state])
        if before is not None:
            where.append("id < :before")
            params["before"] = before
        if title_query:
            escaped = title_query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            where.append("title LIKE :title ESCAPE '\\'")
            params["title"] = f"%{escaped}%"
        rows = await self.db.fetchall(
            f"SELECT {_EVENT_COLUMNS} FROM events WHERE {' AND '.join(where)}"
            " ORDER BY id DESC LIMIT :limit",
            params,
        )
        events = [_event(row) for row in rows[:limit]]
        return events, (events[-1].id if len(rows) > limit else None)

    async def soonest(self, state: str, limit: int) -> tuple[list[Event], bool]:
        """Listed open events by closing time, or scheduled ones by start, soonest first; and whether
        more follow."""
        if state == OPEN:
            where, order = _STATE_FILTERS[OPEN], "ends_at"
        elif state == SCHEDULED:
            where, order = _STATE_FILTERS[SCHEDULED], "starts_at"
        else:
            raise ValueError("soonest() lists open or scheduled events")
        rows = await self.db.fetchall(
            f"SELECT {_EVENT_COLUMNS} FROM events WHERE listed = 1 AND {where}"
            f" ORDER BY {order}, id LIMIT :limit",
            {"now": self.clock(), "limit": limit + 1},
        )
        return [_event(row) for row in rows[:limit]], len(rows) > limit

    async def update_event(self, event_id: int, changes: dict[str, Any]) -> Event:
        """Apply the host's edits (title, description, starts_at, ends_at, listed, embed_origins)."""

        async def job(tx: Transaction) -> Event:
            now = self.clock()
            event = await self._settle(tx, await self._event_in(tx, event_id), now)
            if event.state(now) == CLOSED:
                raise EventClosed()
            starts_at = changes.get("starts_at", event.starts_at)
            ends_at = changes.get("ends_at", event.ends_at)
            if starts_at != event.starts_at and event.state(now) == OPEN:
                raise InvalidRequest("starts_at can no longer change: the event has already opened.")
            check_schedule(starts_at, ends_at, now)
            row = await tx.fetchone(
                "UPDATE events SET title = ?, description = ?, starts_at = ?, ends_at = ?, listed = ?,"
                " embed_origins = ? WHERE id = ? RETURNING " + _EVENT_COLUMNS,
                (changes.get("title", event.title), changes.get("description", event.description),
                 starts_at, ends_at, int(changes.get("listed", event.listed)),
                 _origins_column(changes.get("embed_origins", event.embed_origins)), event_id),
            )
            assert row is not None
            return await self._settle(tx, _event(row), now, changed=True)

        return await self.db.write(job)

    async def close_event(self, event_id: int) -> Event:
        """Close the event now, for good."""

        async def job(tx: Transaction) -> Event:
            now = self.clock()
            event = await self._settle(tx, await self._event_in(tx, event_id), now)
            if event.state(now) == CLOSED:
                raise EventClosed("The event is already closed.")
            row = await tx.fetchone(
                f"UPDATE events SET closed_early_at = ? WHERE id = ? RETURNING {_EVENT_COLUMNS}",
                (now, event_id),
            )
            assert row is not None
            return await self._settle(tx, _event(row), now, changed=True)

        return await self.db.write(job)

    async def unfinished_events(self) -> list[Event]:
        """Events whose closing item is not yet in their stream (the scheduler's work)."""
        rows = await self.db.fetchall(f"SELECT {_EVENT_COLUMNS} FROM events WHERE phase < 2")
        return [_event(row) for row in rows]

    async def catch_up(self, event_id: int) -> Event:
        """Append whichever of the opening and closing items are due by now."""

        async def job(tx: Transaction) -> Event:
            return await self._settle(tx, await self._event_in(tx, event_id), self.clock())

        return await self.db.write(job)

    async def _event_in(self, tx: Transaction, event_id: int) -> Event:
        # tx.lock: on PostgreSQL the row stays locked to this transaction, so two processes never
        # both decide from the same phase (boundary items appended exactly once).
        row = await tx.fetchone(f"SELECT {_EVENT_COLUMNS} FROM events WHERE id = ?{tx.lock}", (event_id,))
        if row is None:
            raise NotFound()
        return _event(row)

    async def _settle(self, tx: Transaction, event: Event, now: Millis, changed: bool = False) -> Event:
        """Bring the stream's boundary items up to the clock, in order, exactly once."""
        due = event.due_phase(now)
        if due > event.phase:
            # An event closed before it ever opened gets no "opened" item.
            if event.phase < PHASE_OPENED and event.starts_at < event.closes_at():
                await self._append(tx, event.id, "system", "The event is open.", now, code="opened")
            if due == PHASE_CLOSED:
                await self._append(tx, event.id, "system", "The event is closed.", now, code="closed")
            row = await tx.fetchone(
                f"UPDATE events SET phase = ? WHERE id = ? RETURNING {_EVENT_COLUMNS}", (due, event.id)
            )
            assert row is not None
            event, changed = _event(row), True
        if changed:
            settled = event
            tx.after_commit(lambda: self._emit_event(settled))
            tx.tell(f"e {event.id}")
        return event

    def _emit_event(self, event: Event) -> None:
        self.recent.event_changed(event)
        for listener in self._event_listeners:
            listener(event)

    # -- participants --------------------------------------------------------------------------

    async def join(self, event_id: int, nickname: str) -> tuple[Participant, str]:
        """Add a participant; return it with its bearer token (stored only as a hash)."""
        token = credentials.new_secret()
        key = nickname_key(nickname)

        async def job(tx: Transaction) -> Participant:
            now = self.clock()
            event = await self._settle(tx, await self._event_in(tx, event_id), now)
            if event.state(now) == CLOSED:
                raise EventClosed("The event is closed; nobody can join it any more.")
            if await tx.fetchone(
                "SELECT 1 FROM participants WHERE event_id = ? AND nickname_key = ?", (event_id, key)
            ):
                raise NicknameTaken(f"The nickname {nickname!r} is taken in this event; choose another.")
            row = await tx.fetchone(
                "INSERT INTO participants (event_id, nickname, nickname_key, token_hash, created_at)"
                f" VALUES (?, ?, ?, ?, ?) RETURNING {_PARTICIPANT_COLUMNS}",
                (event_id, nickname, key, credentials.hash_secret(token), now),
            )
            assert row is not None
            await self._append(tx, event_id, "system", f"{nickname} joined.", now, code="joined")
            return _participant(row)

        return await self.db.write(job), token

    async def participant_by_token(self, event_id: int, token: str) -> Participant | None:
        """The participant of this event holding token, or None."""
        row = await self.db.fetchone(
            f"SELECT {_PARTICIPANT_COLUMNS} FROM participants WHERE token_hash = ?",
            (credentials.hash_secret(token),),
        )
        if row is None or row[1] != event_id:
            return None
        return _participant(row)

    async def participants(self, event_id: int) -> list[Participant]:
        rows = await self.db.fetchall(
            f"SELECT {_PARTICIPANT_COLUMNS} FROM participants WHERE event_id = ? ORDER BY id",
            (event_id,),
        )
        return [_participant(row) for row in rows]

    async def ban(self, event_id: int, participant_id: int) -> Participant:
        """Stop a participant's token from posting; idempotent."""

        async def job(tx: Transaction) -> Participant:
            now = self.clock()
            event = await self._settle(tx, await self._event_in(tx, event_id), now)
            if event.state(now) == CLOSED:
                raise EventClosed()
            row = await tx.fetchone(
                f"SELECT {_PARTICIPANT_COLUMNS} FROM participants WHERE id = ? AND event_id = ?",
                (participant_id, event_id),
            )
            if row is None:
                raise NotFound(f"There is no participant {participant_id} in this event.")
            participant = _participant(row)
            if not participant.banned:
                await tx.execute("UPDATE participants SET banned = 1 WHERE id = ?", (participant_id,))
                participant.banned = True
                await self._append(
                    tx, event_id, "system", f"{participant.nickname} was removed by the host.", now,
                    code="banned", participant_id=participant_id,
                )
            return participant

        return await self.db.write(job)

    # -- read receipts -------------------------------------------------------------------------

    async def mark_read(self, event_id: int, participant_id: int, item_id: int) -> int:
        """Move a participant's last-read item forward (never back); return the stored value."""

        async def job(tx: Transaction) -> int:
            event = await self._event_in(tx, event_id)
            if item_id > event.last_item_id:
                raise InvalidRequest(
                    f"last_read_id {item_id} is beyond the newest item ({event.last_item_id})."
                )
            row = await tx.fetchone(
                "SELECT last_read_id FROM participants WHERE id = ? AND event_id = ?", (participant_id, event_id)
            )
            if row is None:
                raise NotFound(f"There is no participant {participant_id} in this event.")
            stored = int(row[0])
            if item_id <= stored:
                return stored  # receipts only move forward
            await tx.execute("UPDATE participants SET last_read_id = ? WHERE id = ?", (item_id, participant_id))
            tx.after_commit(lambda: self._emit_reads(event_id, item_id - stored))
            tx.tell(f"r {event_id}")
            return item_id

        return await self.db.write(job)

    def _emit_reads(self, event_id: int, growth: int) -> None:
        if event_id in self._reads_versions:
            self._reads_versions[event_id] += growth
        for listener in self._reads_listeners:
            listener(event_id)

    async def reads(self, event_id: int) -> tuple[list[Participant], int]:
        """Participants who have read something, and the event's reads version."""
        rows = await self.db.fetchall(
            f"SELECT {_PARTICIPANT_COLUMNS} FROM participants WHERE event_id = ? AND last_read_id > 0"
            " ORDER BY id",
            (event_id,),
        )
        readers = [_participant(row) for row in rows]
        return readers, sum(p.last_read_id for p in readers)

    async def reads_version(self, event_id: int) -> int:
        """The event's reads version (cached; every change goes through this process's writer)."""
        version = self._reads_versions.get(event_id)
        if version is None:
            row = await self.db.fetchone(
                "SELECT coalesce(sum(last_read_id), 0) FROM participants WHERE event_id = ?", (event_id,)
            )
            version = self._reads_versions[event_id] = int(row[0]) if row else 0
        return version

    # -- the stream ----------------------------------------------------------------------------

    async def post_message(
        self,
        event_id: int,
        participant: Participant,
        body: str,
        client_id: str | None,
        admit: Callable[[Transaction], Awaitable[None]],
    ) -> tuple[Item, bool]:
        """Append a participant's message; return (item, created). A repeated client_id returns the
        first item. admit(tx) runs in the write job just before the append and may refuse it."""
        # admit() stays inside the job, so a retried client_id or a refused post uses up no rate
        # limit. It runs in the writer thread, one job at a time; the handler's RateLimiter is
        # called from nowhere else, so its plain dict and deques are never touched concurrently.

        async def job(tx: Transaction) -> tuple[Item, bool]:
            now = self.clock()
            event = await self._settle(tx, await self._event_in(tx, event_id), now)
            if client_id is not None:
                row = await tx.fetchone(
                    f"SELECT {_ITEM_COLUMNS} FROM items WHERE participant_id = ? AND client_id = ?",
                    (participant.id, client_id),
                )
                if row is not None:
                    return _item(row), False
            banned = await tx.fetchone("SELECT banned FROM participants WHERE id = ?", (participant.id,))
            if banned is None or banned[0]:
                raise Banned()
            state = event.state(now)
            if state == SCHEDULED:
                raise NotOpen()
            if state == CLOSED:
                raise EventClosed("The event is closed; messages can no longer be posted.")
            await admit(tx)
            item = await self._append(
                tx, event_id, "message", body, now, author=participant.nickname,
                participant_id=participant.id, client_id=client_id,
            )
            return item, True

        return await self.db.write(job)

    async def announce(self, event_id: int, body: str) -> Item:
        """Append a host announcement."""

        async def job(tx: Transaction) -> Item:
            now = self.clock()
            event = await self._settle(tx, await self._event_in(tx, event_id), now)
            if event.state(now) == CLOSED:
                raise EventClosed()
            return await self._append(tx, event_id, "announcement", body, now)

        return await self.db.write(job)

    async def retract(self, event_id: int, item_id: int) -> Item:
        """Blank a message or announcement and append its retraction; idempotent."""

        async def job(tx: Transaction) -> Item:
            now = self.clock()
            event = await self._settle(tx, await self._event_in(tx, event_id), now)
            if event.state(now) == CLOSED:
                raise EventClosed()
            row = await tx.fetchone(
                "SELECT kind, retracted FROM items WHERE event_id = ? AND id = ?", (event_id, item_id)
            )
            if row is None or row[0] not in ("message", "announcement"):
                raise NotFound(f"There is no message {item_id} in this event.")
            if row[1]:
                # Without statistics the planner prefers the primary key, which walks the whole event.
                existing = await tx.fetchone(
                    f"SELECT {_ITEM_COLUMNS} FROM items INDEXED BY items_retractions"
                    " WHERE event_id = ? AND target = ? AND kind = 'retraction'",
                    (event_id, item_id),
                )
                assert existing is not None
                return _item(existing)
            await tx.execute(
                "UPDATE items SET retracted = 1, body = '' WHERE event_id = ? AND id = ?",
                (event_id, item_id),
            )
            tx.after_commit(lambda: self.recent.retracted(event_id, item_id))  # before the append's
            return await self._append(tx, event_id, "retraction", "", now, target=item_id)

        return await self.db.write(job)

    async def _append(
        self,
        tx: Transaction,
        event_id: int,
        kind: str,
        body: str,
        now: Millis,
        *,
        code: str | None = None,
        author: str | None = None,
        participant_id: int | None = None,
        client_id: str | None = None,
        target: int | None = None,
    ) -> Item:
        # The per-event id comes from the event row inside the write transaction, so ids are
        # committed in order and a reader can never see id n+1 before id n.
        row = await tx.fetchone(
            "UPDATE events SET last_item_id = last_item_id + 1 WHERE id = ? RETURNING last_item_id",
            (event_id,),
        )
        assert row is not None
        item = Item(row[0], kind, code, author, participant_id, body, now, client_id, target, False)
        await tx.execute(
            "INSERT INTO items (event_id, id, kind, code, author, participant_id, body, created_at,"
            " client_id, target) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (event_id, item.id, kind, code, author, participant_id, body, now, client_id, target),
        )
        tx.after_commit(lambda: self._emit_item(event_id, item))
        tx.tell(f"i {event_id} {item.id}")
        return item

    def _emit_item(self, event_id: int, item: Item) -> None:
        self.items_appended += 1
        self.recent.appended(event_id, item)  # before the listeners: a woken poll finds it there
        for listener in self._item_listeners:
            listener(event_id, item)

    async def items_after(self, event_id: int, after: int, limit: int, fresh: bool = False) -> tuple[list[Item], bool]:
        """Up to limit items with id > after, ascending, and whether more follow; fresh=True reads the disk."""
        held = None if fresh else self.recent.items_after(event_id, after, limit)
        if held is not None:
            return held
        rows = await self.db.fetchall(
            f"SELECT {_ITEM_COLUMNS} FROM items WHERE event_id = ? AND id > ? ORDER BY id LIMIT ?",
            (event_id, after, limit + 1),
        )
        return [_item(row) for row in rows[:limit]], len(rows) > limit

    def recent_page(self, slug: str, after: int, limit: int) -> tuple[Event, list[Item], bool] | None:
        """The event and its items after `after` from memory, taken together (no await between, so
        they agree), or None when memory does not hold them all."""
        event = self.recent.event(slug)
        if event is None:
            return None
        held = self.recent.items_after(event.id, after, limit)
        if held is None:
            return None
        return event, held[0], held[1]

    async def last_item_id(self, event_id: int) -> int:
        row = await self.db.fetchone("SELECT last_item_id FROM events WHERE id = ?", (event_id,))
        return row[0] if row else 0

    async def shown_page(self, event_id: int, after: int, limit: int) -> tuple[list[Item], bool]:
        """Items a reader sees (no retractions, nothing retracted) with id > after, and whether more follow."""
        rows = await self.db.fetchall(
            f"SELECT {_ITEM_COLUMNS} FROM items WHERE event_id = ? AND id > ?"
            " AND kind != 'retraction' AND retracted = 0 ORDER BY id LIMIT ?",
            (event_id, after, limit + 1),
        )
        return [_item(row) for row in rows[:limit]], len(rows) > limit

    async def shown_items(self, event_id: int, page_size: int = 500) -> AsyncIterator[list[Item]]:
        """The whole transcript, page by page, never all in memory."""
        after, more = 0, True
        while more:
            page, more = await self.shown_page(event_id, after, page_size)
            if not page:
                return
            yield page
            after = page[-1].id
