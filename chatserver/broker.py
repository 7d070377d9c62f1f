"""The broker owns waiting and waking: held polls wait per event and wake after a commit."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from chatserver.models import PUBLIC_VIEW, Audience, Item, Viewer
from chatserver.slots import Slots

log = logging.getLogger(__name__)

# Read receipts wake the polls that asked for them at most this often per event.
READS_COALESCE_S = 1.0


class Waiter:
    """One held poll on one event, and whose (a private item wakes only those who may see it)."""

    __slots__ = ("event_id", "future", "viewer", "wants_reads")

    def __init__(
        self, event_id: int, future: asyncio.Future[None], wants_reads: bool = False, viewer: Viewer = PUBLIC_VIEW
    ) -> None:
        self.event_id = event_id
        self.future = future
        self.wants_reads = wants_reads
        self.viewer = viewer


class Subscriber:
    """One open stream on one event: told of every commit, for as long as it is open."""

    __slots__ = ("event_id", "notify", "viewer", "wants_reads")

    def __init__(
        self, event_id: int, notify: Callable[[bool], None], wants_reads: bool, viewer: Viewer = PUBLIC_VIEW
    ) -> None:
        self.event_id = event_id
        self.notify = notify  # notify(reads): new items, or (reads=True) newer read receipts
        self.wants_reads = wants_reads
        self.viewer = viewer


class Broker:
    """Waiters per event (not one global condition); publish() wakes one event's waiters.

    Streams subscribe instead of waiting: they are told once per loop turn after the commits of
    that turn, so one write carries every item of a batch, with no future or timer per delivery.
    """

    def __init__(
        self, reads_coalesce_s: float = READS_COALESCE_S, max_held: int = 0, max_held_per_client: int = 0
    ) -> None:
        self._waiters: dict[int, set[Waiter]] = {}
        self._private_due: dict[int, Audience] = {}  # per event, who the private items of this turn are for
        # Caps on connections held open (polls that wait, streams), in all and per client address;
        # 0 is no cap. They keep one address, or a flood, from holding every file descriptor.
        self.held = Slots(max_held, max_held_per_client)
        self.held_polls = 0
        self.closing = False
        self.reads_coalesce_s = reads_coalesce_s
        self._reads_timers: dict[int, asyncio.TimerHandle] = {}
        self._reads_woken_at: dict[int, float] = {}
        self._subscribers: dict[int, set[Subscriber]] = {}
        self._due: set[int] = set()  # events whose subscribers are told at the next loop turn

    def admit(self, client: str) -> bool:
        """Count one more held connection for client, or say no when a cap is reached."""
        return self.held.admit(client)

    def discharge(self, client: str) -> None:
        """The end of a held connection counted by admit()."""
        self.held.release(client)

    def subscribe(
        self, event_id: int, notify: Callable[[bool], None], wants_reads: bool = False, viewer: Viewer = PUBLIC_VIEW
    ) -> Subscriber:
        """Call notify(False) after commits of new items to event_id that viewer may see, notify(True)
        for receipts."""
        subscriber = Subscriber(event_id, notify, wants_reads, viewer)
        self._subscribers.setdefault(event_id, set()).add(subscriber)
        return subscriber

    def unsubscribe(self, subscriber: Subscriber) -> None:
        subscribers = self._subscribers.get(subscriber.event_id)
        if subscribers is not None:
            subscribers.discard(subscriber)
            if not subscribers:
                del self._subscribers[subscriber.event_id]

    def _tell(self, event_id: int, reads: bool) -> None:
        if not reads:
            self._due.discard(event_id)
        for subscriber in list(self._subscribers.get(event_id, ())):
            if reads and not subscriber.wants_reads:
                continue
            try:
                subscriber.notify(reads)
            except Exception:  # one broken stream must not keep the others from their items
                log.exception("a stream failed to take its items")

    def watch(self, event_id: int, wants_reads: bool = False, viewer: Viewer = PUBLIC_VIEW) -> Waiter:
        """Register interest before reading, so a commit between the read and the hold still wakes."""
        waiter = Waiter(event_id, asyncio.get_running_loop().create_future(), wants_reads, viewer)
        self._waiters.setdefault(event_id, set()).add(waiter)
        if self.closing:
            waiter.future.set_result(None)
        return waiter

    async def hold(self, waiter: Waiter, timeout: float) -> None:
        """Wait until woken or released, or until timeout seconds pass (the caller reads what there
        is either way)."""
        if waiter.future.done():
            return
        timer = asyncio.get_running_loop().call_later(timeout, _settle, waiter.future)
        self.held_polls += 1
        try:
            await waiter.future
        finally:
            self.held_polls -= 1
            timer.cancel()

    def release(self, waiter: Waiter) -> None:
        """Forget a waiter (its poll answered or its client gone); a pending hold returns at once."""
        _settle(waiter.future)
        waiters = self._waiters.get(waiter.event_id)
        if waiters is not None:
            waiters.discard(waiter)
            if not waiters:
                del self._waiters[waiter.event_id]

    def publish(self, event_id: int, item: Item | None = None) -> None:
        """Wake every waiter of event_id (for a private item, those who may see it); call only after
        the commit that made new items visible."""
        if item is not None and item.private:
            self._publish_private(event_id, item)
            return
        waiters = self._waiters.pop(event_id, None)
        if waiters:
            for waiter in waiters:
                _settle(waiter.future)
        if event_id in self._subscribers and event_id not in self._due:
            self._due.add(event_id)
            asyncio.get_running_loop().call_soon(self._tell, event_id, False)

    def _publish_private(self, event_id: int, item: Item) -> None:
        """Wake and tell only the readers who see the item: the public path never learns of it.
        The private items of one turn are gathered, so each reader is asked once per turn
        (a notice to many users is many items in one commit)."""
        audience = self._private_due.get(event_id)
        if audience is None:
            audience = self._private_due[event_id] = Audience()
            asyncio.get_running_loop().call_soon(self._wake_audience, event_id)
        audience.add(item)

    def _wake_audience(self, event_id: int) -> None:
        audience = self._private_due.pop(event_id)
        waiters = self._waiters.get(event_id)
        if waiters:
            for waiter in [w for w in waiters if audience.includes(w.viewer)]:
                waiters.discard(waiter)
                _settle(waiter.future)
            if not waiters:
                del self._waiters[event_id]
        if event_id not in self._due:  # else all of them are told this turn anyway
            self._tell_some([s for s in self._subscribers.get(event_id, ()) if audience.includes(s.viewer)])

    def _tell_some(self, subscribers: list[Subscriber]) -> None:
        for subscriber in subscribers:
            try:
                subscriber.notify(False)
            except Exception:  # one broken stream must not keep the others from their items
                log.exception("a stream failed to take its items")

    def publish_reads(self, event_id: int) -> None:
        """Wake the polls that asked for read receipts, at most once per coalescing window."""
        if event_id in self._reads_timers:
            return  # a wake is already due and will carry this change too
        since = time.monotonic() - self._reads_woken_at.get(event_id, float("-inf"))
        delay = max(0.0, self.reads_coalesce_s - since)
        self._reads_timers[event_id] = asyncio.get_running_loop().call_later(delay, self._wake_readers, event_id)

    def _wake_readers(self, event_id: int) -> None:
        self._reads_timers.pop(event_id, None)
        self._reads_woken_at[event_id] = time.monotonic()
        if event_id in self._subscribers:
            self._tell(event_id, True)
        waiters = self._waiters.get(event_id)
        if not waiters:
            return
        for waiter in [w for w in waiters if w.wants_reads]:
            waiters.discard(waiter)
            _settle(waiter.future)
        if not waiters:
            del self._waiters[event_id]

    def waiting(self, event_id: int | None = None) -> int:
        """Registered waiters, for one event or all."""
        if event_id is not None:
            return len(self._waiters.get(event_id, ()))
        return sum(len(waiters) for waiters in self._waiters.values())

    def shutdown(self) -> None:
        """Answer every held poll now and hold no new ones."""
        self.closing = True
        for timer in self._reads_timers.values():
            timer.cancel()
        self._reads_timers.clear()
        for event_id in list(self._waiters):
            for waiter in self._waiters.pop(event_id):
                _settle(waiter.future)
        for event_id in list(self._subscribers):
            self._tell(event_id, False)  # they see the broker closing, and end


def _settle(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)
