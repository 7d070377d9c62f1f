"""Calls' items: one private `call` item in the two parties' thread when a call ends (chatserver/calls.py),
and when the event closes on a call still running, before its closing item."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from chatserver.backend import Transaction
from chatserver.models import Item
from chatserver.store.core import StoreCore
from chatserver.timefmt import Millis


@dataclass(frozen=True)
class CallLine:
    """A call's item as appended: routed as a private line from the caller (participant_id, or role
    for a host or moderator) to the callee (to_participant, or None: the hosts)."""

    call_id: str
    data: dict[str, Any]  # its call_id, media, duration_s, missed, reason
    author: str
    participant_id: int | None
    role: str | None
    to_participant: int | None


# The lines of an event's calls still running, ended by its close at a moment (Calls.lines_at_close).
CallsAtClose = Callable[[int, Millis], list[CallLine]]


class CallItems(StoreCore):
    _calls_at_close: CallsAtClose | None = None

    async def recipient_banned(self, event_id: int, participant_id: int) -> bool | None:
        """Whether a participant of this event a call signal names was banned (None: no such participant)."""
        row = await self.db.fetchone(
            "SELECT banned FROM participants WHERE id = ? AND event_id = ?", (participant_id, event_id)
        )
        return None if row is None else bool(row[0])

    def on_close_calls(self, provider: CallsAtClose) -> None:
        """Ask provider(event_id, now) for the lines of the calls an event's close ends; it is called
        inside the closing write job (on SQLite in the writer thread), so it may only read."""
        self._calls_at_close = provider

    async def append_call(self, event_id: int, line: CallLine) -> Item | None:
        """Append a call's item, unless the call already has one (None): several processes may race to
        end one call, and the event's row, locked here, puts them in turn. Refused once the event has
        closed (EventClosed)."""

        async def job(tx: Transaction) -> Item | None:
            now = self.clock()
            await self._open_event(tx, event_id, now)  # locks the event's row on PostgreSQL
            return await self._append_call_in(tx, event_id, line, now)

        return await self.db.write(job)

    async def _end_calls_in(self, tx: Transaction, event_id: int, now: Millis) -> None:
        """Append the items of the calls still running in an event that closes now (StoreCore._settle)."""
        if self._calls_at_close is not None:
            for line in self._calls_at_close(event_id, now):
                await self._append_call_in(tx, event_id, line, now)

    async def _append_call_in(self, tx: Transaction, event_id: int, line: CallLine, now: Millis) -> Item | None:
        """Append a call's item in this write, unless the call has one already (None)."""
        # call_id is of a safe charset; "_" matches any character here, so each row is checked.
        rows = await tx.fetchall(
            "SELECT data FROM items WHERE event_id = ? AND kind = 'call' AND data LIKE ?",
            (event_id, f"%{line.call_id}%"),
        )
        if any(json.loads(row[0]).get("call_id") == line.call_id for row in rows if row[0]):
            return None
        return await self._append(
            tx, event_id, "call", "", now, author=line.author, participant_id=line.participant_id, data=line.data,
            role=line.role if line.participant_id is None else None, private=True, to_participant=line.to_participant,
        )  # fmt: skip
