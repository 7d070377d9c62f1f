"""Tally: votes reach the stream coalesced, one `votes` item per event at most about once a second,
carrying every count that changed since the last one (never one item per vote)."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from chatserver.backend import Transaction
from chatserver.models import Item
from chatserver.store.core import Dirty, StoreCore

log = logging.getLogger(__name__)
# Events whose last `votes` time is kept before the quiet ones are dropped.
TALLY_EVENTS_KEPT = 10_000


def in_list(ids: list[int]) -> str:
    """The placeholders of an IN list of ids (the ids themselves go as parameters)."""
    return ", ".join("?" * len(ids))


class Tally(StoreCore):
    """Each process coalesces the votes it took: after a vote commits, its question or poll is marked,
    and a timer appends one `votes` item with the absolute counts read in that item's transaction.
    With several processes each appends its own; a later item always holds counts read later (the
    event row is locked first), so readers converge whatever the order."""

    def _counted(self, event_id: int, question: int | None = None, poll: int | None = None) -> None:
        """A vote on this question or poll committed: tell the stream within the window."""
        dirty = self._tally.setdefault(event_id, Dirty())
        if question is not None:
            dirty.questions.add(question)
        if poll is not None:
            dirty.polls.add(poll)
        if event_id in self._tally_timers:
            return
        loop = asyncio.get_running_loop()
        last = self._tally_at.get(event_id)
        delay = 0.0 if last is None else max(0.0, last + self.tally_window_s - loop.time())
        # The first vote after a quiet spell goes out in the same window as the votes around it.
        delay = max(delay, min(self.tally_window_s, 0.05))
        self._tally_timers[event_id] = loop.call_later(delay, self._tally_due, event_id)

    def _tally_due(self, event_id: int) -> None:
        self._tally_timers.pop(event_id, None)
        task = asyncio.get_running_loop().create_task(self.flush_votes(event_id))
        self._tally_tasks.add(task)
        task.add_done_callback(self._tally_tasks.discard)

    async def flush_votes(self, event_id: int) -> list[Item]:
        """Append the event's `votes` item now (and the hosts' own for counts hidden from the rest)."""
        dirty = self._tally.pop(event_id, None)
        timer = self._tally_timers.pop(event_id, None)
        if timer is not None:
            timer.cancel()
        if dirty is None or not (dirty.questions or dirty.polls):
            return []
        now_s = asyncio.get_running_loop().time()
        self._tally_at[event_id] = now_s
        if len(self._tally_at) > TALLY_EVENTS_KEPT:  # events quiet for a window need no mark: keep it bounded
            self._tally_at = {e: at for e, at in self._tally_at.items() if at > now_s - self.tally_window_s}
        questions, polls = sorted(dirty.questions), sorted(dirty.polls)

        async def job(tx: Transaction) -> list[Item]:
            now = self.clock()
            await self._event_in(tx, event_id)  # the row locked: counts read after every earlier item's
            shown: dict[str, Any] = {}
            if questions:
                rows = await tx.fetchall(
                    f"SELECT id, votes FROM questions WHERE event_id = ? AND published = 1 AND id IN ({in_list(questions)})",
                    (event_id, *questions),
                )
                shown = {str(row[0]): row[1] for row in rows}
            public: dict[str, Any] = {}
            hidden: dict[str, Any] = {}
            if polls:
                rows = await tx.fetchall(
                    f"SELECT id, counts, voters, results, closed_at FROM polls WHERE event_id = ? AND id IN ({in_list(polls)})",
                    (event_id, *polls),
                )
                for row in rows:
                    counted = {"counts": json.loads(row[1]), "voters": row[2]}
                    # Counts the host keeps from the room until it voted or the poll closed go to the
                    # hosts alone: the public item must not carry them.
                    (public if row[3] == "live" or row[4] is not None else hidden)[str(row[0])] = counted
            appended = []
            if shown or public:
                data = {"questions": shown, "polls": public}
                appended.append(await self._append(tx, event_id, "votes", "", now, data=data))
            if hidden:
                data = {"questions": {}, "polls": hidden}
                appended.append(await self._append(tx, event_id, "votes", "", now, data=data, private=True))
            return appended

        try:
            return await self.db.write(job)
        except Exception as exc:  # noqa: BLE001 - the counts are stored; the list and polls still read them
            log.warning("votes of event %d not told to the stream: %s", event_id, exc)
            return []

    async def flush_all_votes(self) -> None:
        """Before closing: tell the stream of every vote taken (a stop loses none)."""
        for event_id in list(self._tally):
            await self.flush_votes(event_id)
        if self._tally_tasks:
            await asyncio.gather(*self._tally_tasks, return_exceptions=True)
