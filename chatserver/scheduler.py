"""The schedule: a timer per event appends its opening and closing items at their moments."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

from chatserver.errors import ChatError
from chatserver.models import PHASE_CLOSED, PHASE_NONE, Event
from chatserver.store import Store

log = logging.getLogger("chatserver.scheduler")

RETRY_S = 2.0


class Scheduler:
    """Keeps one timer per unfinished event; the Store decides what is due by its clock."""

    def __init__(self, store: Store, rescan_s: float = 60.0) -> None:
        self.store = store
        self.rescan_s = rescan_s
        self._timers: dict[int, asyncio.TimerHandle] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._rescan: asyncio.TimerHandle | None = None
        self._running = False
        self._erasures_seen = store.clock()  # erasures by other processes are looked for from here
        store.on_event(self.watch)  # every committed schedule change re-arms its timer

    async def start(self) -> None:
        """Append every boundary that passed while the server was down, then arm the timers."""
        self._running = True
        await self._scan()

    async def _scan(self) -> None:
        await self.rescan()
        if self._running:
            # A safety net for events written by another process (`chatserver create`), and for a
            # clock that jumped (the timers run on the loop's monotonic time).
            self._rescan = asyncio.get_running_loop().call_later(self.rescan_s, lambda: self._spawn(self._scan()))

    async def rescan(self) -> None:
        """Append every boundary due by the Store's clock and re-arm every timer from it."""
        events = await self.store.unfinished_events()
        now = self.store.clock()
        due = [event for event in events if event.due_phase(now) > event.phase]
        for event in events:
            if event.due_phase(now) == event.phase:
                self.watch(event)
        # Submitted together, the catch-ups share one commit; each appends its own items in order.
        await asyncio.gather(*(self._fire(event.id) for event in due))
        await self.erase_due()
        try:
            await self.store.sweep_unattached()  # uploads nobody sent within the hour
        except ChatError as exc:
            log.warning("removing unsent uploads failed: %s; retrying at the next rescan", exc)

    async def erase_due(self) -> None:
        """Erase the words of every event whose retention has run out (also what came due while
        the server was down); at the rescan's pace, a minute at most after the moment."""
        for event in await self.store.due_erasures():
            try:
                await self.store.erase_event(event.id)
                log.info("erased the items and participants of event %s (retention)", event.id)
            except ChatError as exc:
                log.warning("erasing event %s failed: %s; retrying at the next rescan", event.id, exc)
        # `chatserver erase` or `purge` on the same SQLite file tells this process nothing: look.
        since, self._erasures_seen = self._erasures_seen, self.store.clock()
        for event in await self.store.erased_since(since - 1000):
            self.store.forget_erased(event)

    def watch(self, event: Event) -> None:
        """(Re)arm the timer for event's next boundary; the Store calls this after every change."""
        if not self._running:
            return
        if event.phase >= PHASE_CLOSED:
            self._cancel(event.id)
            return
        if event.phase == PHASE_NONE and event.starts_at < event.closes_at():
            boundary = event.starts_at
        else:
            boundary = event.closes_at()
        self._arm(event.id, max(0.0, (boundary - self.store.clock()) / 1000))

    def _arm(self, event_id: int, delay_s: float) -> None:
        self._cancel(event_id)
        loop = asyncio.get_running_loop()
        self._timers[event_id] = loop.call_later(delay_s, lambda: self._spawn(self._fire(event_id)))

    async def _fire(self, event_id: int) -> None:
        self._timers.pop(event_id, None)
        try:
            # The timer may fire a little early; the Store appends only what is due and we re-arm.
            self.watch(await self.store.catch_up(event_id))
        except ChatError as exc:
            log.warning("appending a boundary of event %s failed: %s; retrying", event_id, exc)
            self._arm(event_id, RETRY_S)

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        if not self._running:
            coro.close()
            return
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _cancel(self, event_id: int) -> None:
        timer = self._timers.pop(event_id, None)
        if timer is not None:
            timer.cancel()

    async def stop(self) -> None:
        """Cancel every timer and wait for boundaries being appended now."""
        self._running = False
        if self._rescan is not None:
            self._rescan.cancel()
        for event_id in list(self._timers):
            self._cancel(event_id)
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
