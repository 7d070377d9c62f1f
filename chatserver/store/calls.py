"""Calls' items: one private `call` item in the two parties' thread when a call ends (chatserver/calls.py)."""

from __future__ import annotations

import json
from typing import Any

from chatserver.backend import Transaction
from chatserver.models import Item
from chatserver.store.core import StoreCore


class CallItems(StoreCore):
    async def recipient_banned(self, event_id: int, participant_id: int) -> bool | None:
        """Whether a participant of this event a call signal names was banned (None: no such participant)."""
        row = await self.db.fetchone(
            "SELECT banned FROM participants WHERE id = ? AND event_id = ?", (participant_id, event_id)
        )
        return None if row is None else bool(row[0])

    async def append_call(
        self,
        event_id: int,
        call_id: str,
        data: dict[str, Any],
        author: str,
        participant_id: int | None,
        role: str | None,
        to_participant: int | None,
    ) -> Item | None:
        """Append a call's item (data: its call_id, media, duration_s, missed, reason), routed as a
        private line from the caller (participant_id, or role for a host or moderator) to the callee
        (to_participant, or None: the hosts), unless the call already has one (None): several
        processes may race to end one call, and the event's row, locked here, puts them in turn.
        Refused once the event has closed (EventClosed)."""

        async def job(tx: Transaction) -> Item | None:
            now = self.clock()
            await self._open_event(tx, event_id, now)  # locks the event's row on PostgreSQL
            # call_id is of a safe charset; "_" matches any character here, so each row is checked.
            rows = await tx.fetchall(
                "SELECT data FROM items WHERE event_id = ? AND kind = 'call' AND data LIKE ?",
                (event_id, f"%{call_id}%"),
            )
            if any(json.loads(row[0]).get("call_id") == call_id for row in rows if row[0]):
                return None
            return await self._append(
                tx, event_id, "call", "", now, author=author, participant_id=participant_id, data=data,
                role=role if participant_id is None else None, private=True, to_participant=to_participant,
            )  # fmt: skip

        return await self.db.write(job)
