"""Calls' items: one private `call` item in the two parties' thread when a call ends (chatserver/calls.py)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from chatserver.backend import Transaction
from chatserver.models import Item
from chatserver.store.core import StoreCore

if TYPE_CHECKING:
    from chatserver.calls import CallEnd


class CallItems(StoreCore):
    async def recipient_banned(self, event_id: int, participant_id: int) -> bool | None:
        """Whether a participant of this event a call signal names was banned (None: no such participant)."""
        row = await self.db.fetchone(
            "SELECT banned FROM participants WHERE id = ? AND event_id = ?", (participant_id, event_id)
        )
        return None if row is None else bool(row[0])

    async def append_call(self, end: CallEnd) -> Item | None:
        """Append the call's item, routed as a private line from the caller to the callee (the hosts,
        or a participant), unless the call already has one (None): several processes may race to
        end one call, and the event's row, locked here, puts them in turn. Refused once the event
        has closed (EventClosed)."""
        call = end.call

        async def job(tx: Transaction) -> Item | None:
            now = self.clock()
            await self._open_event(tx, call.event_id, now)  # locks the event's row on PostgreSQL
            # call_id is of a safe charset; "_" matches any character here, so each row is checked.
            rows = await tx.fetchall(
                "SELECT data FROM items WHERE event_id = ? AND kind = 'call' AND data LIKE ?",
                (call.event_id, f"%{call.call_id}%"),
            )
            if any(json.loads(row[0]).get("call_id") == call.call_id for row in rows if row[0]):
                return None
            return await self._append(
                tx, call.event_id, "call", "", now,
                author=call.caller_name, participant_id=call.caller_id, data=end.item_data(),
                role=call.caller_role if call.caller_id is None else None, private=True,
                to_participant=None if call.callee == "staff" else int(call.callee[1:]),
            )  # fmt: skip

        return await self.db.write(job)
