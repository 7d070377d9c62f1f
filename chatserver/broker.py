"""The broker owns waiting and waking: held polls wait per event and wake after a commit."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from chatserver.models import PUBLIC_VIEW, Audience, Item, Viewer, party_of
from chatserver.slots import Slots

if TYPE_CHECKING:
    from chatserver.sse_writer import Outlet

log = logging.getLogger(__name__)

# Read receipts wake the polls that asked for them at most this often per event.
READS_COALESCE_S = 1.0
# Reactions wake an event's readers at most this often: 5,000 people reacting at once cost each
# reader one wake a second (every reaction still reaches it, in one answer), not 5,000.
REACTIONS_COALESCE_S = 1.0
# Items whose delivery may wait for the next coalesced wake.
COALESCED_KINDS = frozenset({"reaction"})
# "Typing…" lasts this long unless the typist's client says so again (it does every 3 s).
TYPING_TTL_S = 6.0
# Typing wakes the polls that asked for it (typing=1) at most this often per event.
TYPING_COALESCE_S = 1.0
# Events whose typists are remembered before the expired ones are swept out.
TYPING_EVENTS_SWEEP = 1000


class Waiter:
    """One held poll on one event, and whose (a private item wakes only those who may see it)."""

    __slots__ = ("event_id", "future", "viewer", "wants_reads", "wants_signals", "wants_typing")

    def __init__(
        self,
        event_id: int,
        future: asyncio.Future[None],
        wants_reads: bool = False,
        viewer: Viewer = PUBLIC_VIEW,
        wants_typing: bool = False,
        wants_signals: bool = False,
    ) -> None:
        self.event_id = event_id
        self.future = future
        self.wants_reads = wants_reads
        self.viewer = viewer
        self.wants_typing = wants_typing
        self.wants_signals = wants_signals  # answered early for a call signal to its viewer (signals=1)


class Subscriber:
    """One open stream on one event: told of every commit, for as long as it is open."""

    __slots__ = ("event_id", "notify", "viewer", "wants_reads", "typing", "signals", "outlet")

    def __init__(
        self,
        event_id: int,
        notify: Callable[[bool], None],
        wants_reads: bool,
        viewer: Viewer = PUBLIC_VIEW,
        typing: Callable[[bytes], None] | None = None,
        signals: Callable[[], None] | None = None,
        outlet: Outlet | None = None,
    ) -> None:
        self.event_id = event_id
        self.notify = notify  # notify(reads): new items, or (reads=True) newer read receipts
        self.wants_reads = wants_reads
        self.viewer = viewer
        self.typing = typing  # typing(frame): somebody is typing (an SSE event, sent or dropped at once)
        self.signals = signals  # signals(): a call signal for its viewer is kept (calls.py)
        self.outlet = outlet  # an SSE stream's position and socket, for the broadcast (Broker.fanout)


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
        self.reactions_coalesce_s = REACTIONS_COALESCE_S
        self._items_timers: dict[int, asyncio.TimerHandle] = {}  # coalesced items due to wake readers
        self._items_woken_at: dict[int, float] = {}
        self.typing_coalesce_s = TYPING_COALESCE_S
        self._typists: dict[int, dict[int, tuple[str, float]]] = {}  # per event: id -> (nickname, until)
        self._typing_timers: dict[int, asyncio.TimerHandle] = {}
        self._typing_woken_at: dict[int, float] = {}
        # Serves the streams it can of a commit's subscribers, returning the rest (broadcast.py).
        self.fanout: Callable[[int, list[Subscriber]], list[Subscriber]] | None = None

    def admit(self, client: str) -> bool:
        """Count one more held connection for client, or say no when a cap is reached."""
        return self.held.admit(client)

    def discharge(self, client: str) -> None:
        """The end of a held connection counted by admit()."""
        self.held.release(client)

    def subscribe(
        self,
        event_id: int,
        notify: Callable[[bool], None],
        wants_reads: bool = False,
        viewer: Viewer = PUBLIC_VIEW,
        typing: Callable[[bytes], None] | None = None,
        signals: Callable[[], None] | None = None,
        outlet: Outlet | None = None,
    ) -> Subscriber:
        """Call notify(False) after commits of new items to event_id that viewer may see, notify(True)
        for receipts, typing(frame) when somebody types, signals() when a call signal to viewer is kept;
        with an outlet, new items may instead be written by the fanout."""
        subscriber = Subscriber(event_id, notify, wants_reads, viewer, typing, signals, outlet)
        self._subscribers.setdefault(event_id, set()).add(subscriber)
        return subscriber

    def unsubscribe(self, subscriber: Subscriber) -> None:
        subscribers = self._subscribers.get(subscriber.event_id)
        if subscribers is not None:
            subscribers.discard(subscriber)
            if not subscribers:
                del self._subscribers[subscriber.event_id]

    def _tell(self, event_id: int, reads: bool) -> None:
        subscribers = list(self._subscribers.get(event_id, ()))
        if not reads:
            self._due.discard(event_id)
            if self.fanout is not None and not self.closing:
                try:
                    subscribers = self.fanout(event_id, subscribers)
                except Exception:  # each stream is told as before, from the cursor it reached
                    log.exception("the broadcast to an event's streams failed")
        for subscriber in subscribers:
            if reads and not subscriber.wants_reads:
                continue
            try:
                subscriber.notify(reads)
            except Exception:  # one broken stream must not keep the others from their items
                log.exception("a stream failed to take its items")

    def watch(
        self,
        event_id: int,
        wants_reads: bool = False,
        viewer: Viewer = PUBLIC_VIEW,
        wants_typing: bool = False,
        wants_signals: bool = False,
    ) -> Waiter:
        """Register interest before reading, so a commit between the read and the hold still wakes."""
        future = asyncio.get_running_loop().create_future()
        waiter = Waiter(event_id, future, wants_reads, viewer, wants_typing, wants_signals)
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
        if item is not None and item.kind in COALESCED_KINDS:
            if event_id not in self._items_timers:
                delay = self._delay(self._items_woken_at, event_id, self.reactions_coalesce_s)
                loop = asyncio.get_running_loop()
                self._items_timers[event_id] = loop.call_later(delay, self._wake_coalesced, event_id)
            return
        timer = self._items_timers.pop(event_id, None)
        if timer is not None:
            timer.cancel()  # this wake carries the coalesced items too
        self._items_woken_at[event_id] = time.monotonic()
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

    def _wake_coalesced(self, event_id: int) -> None:
        self._items_timers.pop(event_id, None)
        self.publish(event_id)

    @staticmethod
    def _delay(woken_at: dict[int, float], event_id: int, window_s: float) -> float:
        """How long a coalesced wake waits: none after a quiet window, else the rest of the window."""
        return max(0.0, window_s - (time.monotonic() - woken_at.get(event_id, float("-inf"))))

    def publish_reads(self, event_id: int) -> None:
        """Wake the polls that asked for read receipts, at most once per coalescing window."""
        if event_id in self._reads_timers:
            return  # a wake is already due and will carry this change too
        delay = self._delay(self._reads_woken_at, event_id, self.reads_coalesce_s)
        self._reads_timers[event_id] = asyncio.get_running_loop().call_later(delay, self._wake_readers, event_id)

    # -- typing: never stored, never in the cursor, gone by itself -----------------------------------

    def typing(self, event_id: int, participant_id: int, nickname: str) -> None:
        """Somebody is typing in event_id: tell its streams now, and the polls that asked (typing=1)
        at the next coalesced wake."""
        now = time.monotonic()
        if len(self._typists) > TYPING_EVENTS_SWEEP:
            for known in list(self._typists):
                self.typists(known)
        self._typists.setdefault(event_id, {})[participant_id] = (nickname, now + TYPING_TTL_S)
        frame = b"event: typing\ndata: " + typing_json(participant_id, nickname) + b"\n\n"
        for subscriber in list(self._subscribers.get(event_id, ())):
            if subscriber.typing is not None:
                subscriber.typing(frame)
        if any(w.wants_typing for w in self._waiters.get(event_id, ())) and event_id not in self._typing_timers:
            delay = self._delay(self._typing_woken_at, event_id, self.typing_coalesce_s)
            loop = asyncio.get_running_loop()
            self._typing_timers[event_id] = loop.call_later(delay, self._wake_typing, event_id)

    def typists(self, event_id: int) -> list[tuple[int, str]]:
        """Who is typing in event_id now: (participant id, nickname), the expired ones forgotten."""
        held = self._typists.get(event_id)
        if not held:
            return []
        now = time.monotonic()
        for participant_id in [p for p, (_, until) in held.items() if until <= now]:
            del held[participant_id]
        if not held:
            del self._typists[event_id]
        return [(participant_id, nickname) for participant_id, (nickname, _) in held.items()]

    def stopped_typing(self, event_id: int, participant_id: int) -> None:
        """The typist sent their message: they are no longer typing (readers see the message)."""
        held = self._typists.get(event_id)
        if held is not None:
            held.pop(participant_id, None)

    def _wake_typing(self, event_id: int) -> None:
        self._typing_timers.pop(event_id, None)
        self._typing_woken_at[event_id] = time.monotonic()
        self._wake_some(event_id, lambda waiter: waiter.wants_typing)

    def _wake_readers(self, event_id: int) -> None:
        self._reads_timers.pop(event_id, None)
        self._reads_woken_at[event_id] = time.monotonic()
        if event_id in self._subscribers:
            self._tell(event_id, True)
        self._wake_some(event_id, lambda waiter: waiter.wants_reads)

    def _wake_some(self, event_id: int, wants: Callable[[Waiter], bool]) -> None:
        """Answer the held polls of event_id that asked for what is new (receipts, typing)."""
        waiters = self._waiters.get(event_id)
        if not waiters:
            return
        for waiter in [w for w in waiters if wants(w)]:
            waiters.discard(waiter)
            _settle(waiter.future)
        if not waiters:
            del self._waiters[event_id]

    # -- call signals: kept by calls.Calls, never stored; only their recipient is told -------------

    def signalled(self, event_id: int, party: str) -> None:
        """A call signal to party ("p<id>", or "staff" for every host and moderator) is kept: answer
        its held polls that asked (signals=1) and tell its streams; nobody else learns of it."""
        self._wake_some(event_id, lambda waiter: waiter.wants_signals and party_of(waiter.viewer) == party)
        for subscriber in list(self._subscribers.get(event_id, ())):
            if subscriber.signals is not None and party_of(subscriber.viewer) == party:
                try:
                    subscriber.signals()
                except Exception:  # one broken stream must not keep the others from their signals
                    log.exception("a stream failed to take a call signal")

    def waiting(self, event_id: int | None = None) -> int:
        """Registered waiters, for one event or all."""
        if event_id is not None:
            return len(self._waiters.get(event_id, ()))
        return sum(len(waiters) for waiters in self._waiters.values())

    def shutdown(self) -> None:
        """Answer every held poll now and hold no new ones."""
        self.closing = True
        for timers in (self._reads_timers, self._items_timers, self._typing_timers):
            for timer in timers.values():
                timer.cancel()
            timers.clear()
        for event_id in list(self._waiters):
            for waiter in self._waiters.pop(event_id):
                _settle(waiter.future)
        for event_id in list(self._subscribers):
            self._tell(event_id, False)  # they see the broker closing, and end


def typing_json(participant_id: int, nickname: str) -> bytes:
    """One typist as JSON, with how long the reader shows them unless told again."""
    return json.dumps(
        {"participant_id": participant_id, "nickname": nickname, "expires_in": TYPING_TTL_S},
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()


def _settle(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)
