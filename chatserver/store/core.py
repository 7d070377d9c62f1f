"""StoreCore: the Store's state, its listeners, and the transactional core its parts share."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from chatserver.backend import Backend, Transaction
from chatserver.errors import N_, EventClosed, InvalidRequest, NotFound
from chatserver.models import CLOSED, PHASE_CLOSED, PHASE_OPENED, Actor, Event, Item, data_json
from chatserver.operators import AuditBy
from chatserver.qa import Boards
from chatserver.recent import DEFAULT_TAIL_BYTES, Recent
from chatserver.search_index import SEARCHED_KINDS, SearchIndex
from chatserver.store.occurrences import events_of, make, series_in, to_make
from chatserver.store.rows import (
    _EVENT_COLUMNS,
    EventListener,
    ItemListener,
    ReadsListener,
    TypingListener,
    _event,
)
from chatserver.timefmt import Millis, now_ms

# At most one `votes` item per event per this many seconds: a vote changes a count, not the stream.
TALLY_WINDOW_S = 1.0


@dataclass(slots=True)
class Dirty:
    """The questions and polls of one event whose counts changed since its last `votes` item."""

    questions: set[int] = field(default_factory=set)
    polls: set[int] = field(default_factory=set)


class StoreCore:
    """What every part of the Store builds on: the database, the clock, memory and listeners."""

    def __init__(self, db: Backend, clock: Callable[[], Millis] = now_ms, tail_bytes: int = DEFAULT_TAIL_BYTES) -> None:
        self.db = db
        self.clock = clock
        self.items_appended = 0
        self._item_listeners: list[ItemListener] = []
        self._event_listeners: list[EventListener] = []
        self._reads_listeners: list[ReadsListener] = []
        self._typing_listeners: list[TypingListener] = []
        self._call_signal_listeners: list[Callable[[str], None]] = []
        # Per event, the sum of its participants' public_read_id: it grows with every read receipt,
        # so it serves as the reads version and needs no column of its own.
        self._reads_versions: dict[int, int] = {}
        self.recent = Recent(tail_bytes)  # event rows and newest items as committed: woken polls read no disk
        self.index = SearchIndex(db.engine)  # kept in step by the write jobs that change what search finds
        self._hits_counted = 0
        self.boards = Boards()  # open events' questions as committed: the list is read from memory
        # Votes this process took and has not yet told the stream of, per event (store/tally.py).
        self._tally: dict[int, Dirty] = {}
        self._tally_timers: dict[int, asyncio.TimerHandle] = {}
        self._tally_at: dict[int, float] = {}  # when each event's last `votes` item was appended (loop time)
        self.tally_window_s = TALLY_WINDOW_S
        self._tally_tasks: set[asyncio.Task[Any]] = set()

    @property
    def multiprocess(self) -> bool:
        """Whether other processes write to the same database (PostgreSQL): memory may lag their commits."""
        return self.db.multiprocess

    def on_item(self, listener: ItemListener) -> None:
        """Call listener(event_id, item) after each committed append."""
        self._item_listeners.append(listener)

    def on_reads(self, listener: ReadsListener) -> None:
        """Call listener(event_id) after each committed change to an event's read receipts."""
        self._reads_listeners.append(listener)

    def on_typing(self, listener: TypingListener) -> None:
        """Call listener(event_id, participant_id, nickname) when somebody types, here or in another process."""
        self._typing_listeners.append(listener)

    async def typing(self, event_id: int, participant_id: int, nickname: str) -> None:
        """Somebody is typing: this process's listeners now, the other processes' by a signal."""
        self.typing_elsewhere(event_id, participant_id, nickname)
        await self.db.signal(f"t {event_id} {participant_id} {nickname}")

    def typing_elsewhere(self, event_id: int, participant_id: int, nickname: str) -> None:
        for listener in self._typing_listeners:
            listener(event_id, participant_id, nickname)

    def on_call_signal(self, listener: Callable[[str], None]) -> None:
        """Call listener(note) for each call signal another process took (calls.Envelope as JSON)."""
        self._call_signal_listeners.append(listener)

    async def relay_call_signal(self, note: str) -> None:
        """Tell the other processes of a call signal this one took (never stored: the note carries it;
        PostgreSQL's backend sends a note over its size limit in parts, in one transaction)."""
        await self.db.signal(f"c {note}")

    def call_signal_elsewhere(self, note: str) -> None:
        for listener in self._call_signal_listeners:
            listener(note)

    def on_event(self, listener: EventListener) -> None:
        """Call listener(event) after each committed change to an event's schedule."""
        self._event_listeners.append(listener)

    # Write jobs (def job(tx)) run inside the backend's transaction (on SQLite in its writer thread,
    # while the event loop goes on): they use only tx, the clock and their arguments; memory and
    # listeners change in after_commit.

    async def _event_in(self, tx: Transaction, event_id: int) -> Event:
        # tx.lock: on PostgreSQL the row stays locked to this transaction, so two processes never
        # both decide from the same phase (boundary items appended exactly once).
        row = await tx.fetchone(f"SELECT {_EVENT_COLUMNS} FROM events WHERE id = ?{tx.lock}", (event_id,))
        if row is None:
            raise NotFound()
        return _event(row)

    async def _open_event(self, tx: Transaction, event_id: int, now: Millis) -> Event:
        """The event, its boundaries settled, for a change only an event not yet closed takes (else 409)."""
        event = await self._settle(tx, await self._event_in(tx, event_id), now)
        if event.state(now) == CLOSED:
            raise EventClosed()
        return event

    async def _settle(self, tx: Transaction, event: Event, now: Millis, changed: bool = False) -> Event:
        """Bring the stream's boundary items up to the clock, in order, exactly once."""
        due = event.due_phase(now)
        if due > event.phase:
            # An event closed before it ever opened gets no "opened" item.
            if event.phase < PHASE_OPENED and event.starts_at < event.closes_at():
                await self._append(tx, event.id, "system", "The event is open.", now, code="opened")
            if due == PHASE_CLOSED:
                await self._end_calls_in(tx, event.id, now)  # a call still running: its line first
                await self._append(tx, event.id, "system", "The event is closed.", now, code="closed")
            row = await tx.fetchone(
                f"UPDATE events SET phase = ? WHERE id = ? RETURNING {_EVENT_COLUMNS}", (due, event.id)
            )
            assert row is not None
            event, changed = _event(row), True
            if due == PHASE_CLOSED and event.series is not None:
                await self._top_up(tx, event.series, now)  # the next after this one, in this commit
        if changed:
            settled = event
            tx.after_commit(lambda: self._emit_event(settled))
            tx.tell(f"e {event.id}")
        return event

    async def _end_calls_in(self, tx: Transaction, event_id: int, now: Millis) -> None:
        """Append the items of the calls an event's close ends (store/calls.py; none here)."""

    async def _top_up(self, tx: Transaction, series_slug: str, now: Millis) -> list[Event]:
        """Make the series' occurrences due to exist by now (occurrences.AHEAD not closed)."""
        series = await series_in(tx, series_slug)
        made = []
        for occurrence in to_make(series, await events_of(tx, series_slug), now):
            event = await make(tx, series, occurrence, now)
            made.append(await self._settle(tx, event, now, changed=True))  # its timer is armed at commit
        return made

    def _emit_event(self, event: Event) -> None:
        self.recent.event_changed(event)
        for listener in self._event_listeners:
            listener(event)

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
        data: dict[str, Any] | None = None,
        role: str | None = None,
        private: bool = False,
        to_participant: int | None = None,
        to_sub: str | None = None,
    ) -> Item:
        # The per-event id comes from the event row inside the write transaction, so ids are
        # committed in order and a reader can never see id n+1 before id n.
        row = await tx.fetchone(
            "UPDATE events SET last_item_id = last_item_id + 1 WHERE id = ? RETURNING last_item_id",
            (event_id,),
        )
        assert row is not None
        item = Item(
            row[0], kind, code, author, participant_id, body, now, client_id, target, False, data, role, private,
            to_participant, to_sub,
        )  # fmt: skip
        await tx.execute(
            "INSERT INTO items (event_id, id, kind, code, author, participant_id, body, created_at,"
            " client_id, target, data, role, private, to_participant, to_sub)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                event_id,
                item.id,
                kind,
                code,
                author,
                participant_id,
                body,
                now,
                client_id,
                target,
                data_column(data),
                role,
                int(private),
                to_participant,
                to_sub,
            ),
        )
        if kind in SEARCHED_KINDS and not private:
            await self.index.add(tx, event_id, item.id, body)
        tx.after_commit(lambda: self._emit_item(event_id, item))
        tx.tell(f"i {event_id} {item.id}")
        return item

    async def _blank_edits(self, tx: Transaction, event_id: int, item_id: int) -> None:
        """A retracted or redacted message's edits and link preview lose their text too: none of its
        versions, nor the card of the link it had, stays readable."""
        await tx.execute(
            # Without statistics the planner prefers the primary key, which walks the whole event.
            "UPDATE items INDEXED BY items_edits SET body = '', data = NULL"
            " WHERE event_id = ? AND target = ? AND kind IN ('edit', 'preview')",
            (event_id, item_id),
        )

    async def _record(
        self,
        tx: Transaction,
        event_id: int,
        actor: Actor | None,
        action: str,
        now: Millis,
        target: int | None = None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        """Log a moderation action in its own transaction (the console's activity log); no actor, no line."""
        if actor is None:
            return
        await tx.execute(
            "INSERT INTO actions (event_id, at, role, moderator_id, name, action, target, detail)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (event_id, now, actor.role, actor.moderator_id, actor.name, action, target, data_column(detail)),
        )

    async def _audit(
        self, tx: Transaction, by: AuditBy, action: str, kind: str, slug: str, title: str, now: Millis
    ) -> None:
        """Log what was done to a whole event or series, in the same transaction (the audit log)."""
        await tx.execute(
            "INSERT INTO audit (at, source, operator_id, name, action, kind, slug, title)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (now, by.source, by.operator_id, by.name, action, kind, slug, title),
        )

    def _emit_item(self, event_id: int, item: Item) -> None:
        self.items_appended += 1
        self.recent.appended(event_id, item)  # before the listeners: a woken poll finds it there
        for listener in self._item_listeners:
            listener(event_id, item)

    def _emit_reads(self, event_id: int, growth: int) -> None:
        if event_id in self._reads_versions:
            self._reads_versions[event_id] += growth
        for listener in self._reads_listeners:
            listener(event_id)


def refuse_beyond_newest(event: Event, item_id: int, field: str) -> None:
    """A field naming an item of the event: 400 when it is beyond the newest."""
    if item_id > event.last_item_id:
        raise InvalidRequest(
            N_("{field} {id} is beyond the newest item ({newest})."), field=field, id=item_id, newest=event.last_item_id
        )


def author_detail(author: str | None) -> dict[str, Any] | None:
    """A moderation log line's detail naming whose message it acted on (none for an announcement)."""
    return {"nickname": author} if author else None


def data_column(data: dict[str, Any] | None) -> str | None:
    """items.data: an item's extras as JSON text, NULL when it has none."""
    return data_json(data) if data else None
