"""What the Store keeps in memory: each event's row and its newest items, as last committed.

The Store updates both after every commit (before any listener runs), so a woken poll reads them
instead of the database. With PostgreSQL, other processes' commits come in as notes and are read
into memory the same way (chatserver/remote.py). Anything not held here (an
event not read yet, items older than the tail, an event evicted to keep within the byte budget)
is read from the database as before.
"""

from __future__ import annotations

import dataclasses
import heapq
import sys
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from collections.abc import Callable

from chatserver.models import PUBLIC_VIEW, Event, Item, Viewer, audience_keys, data_json

TAIL_ITEMS = 1024  # newest items kept per event: a reconnecting crowd a little behind is served too
EVENTS_HELD = 10_000  # events whose rows are kept; beyond that the map starts again
# The bytes all tails may hold together; beyond it the least recently read event's tail goes.
DEFAULT_TAIL_BYTES = 32 * 2**20
# An Item's own size beside its body's string: the object, its other fields, the list slot.
_ITEM_BYTES = 400


def item_bytes(item: Item) -> int:
    """About what holding an item costs (its body measured exactly: sys.getsizeof is O(1); extras,
    which only a few system items have, by their JSON)."""
    extras = sys.getsizeof(data_json(item.data)) if item.data else 0
    return _ITEM_BYTES + sys.getsizeof(item.body) + extras


def _run(ids: list[int], after: int, limit: int) -> list[int]:
    """The ids after `after` a page may take from one sorted run (one more: is there more?)."""
    start = bisect_right(ids, after)
    return ids[start : start + limit + 1]


class Tail:
    """A contiguous run of one event's newest items: ids first..last, last the newest committed.

    While it holds private items it also keeps, in id order, the ids of its public items and of
    the private ones by audience key (models.audience_keys), so that a reader's page is a merge of
    a few sorted runs: a burst of notices to thousands of users costs a public reader nothing."""

    __slots__ = ("bytes", "first", "items", "private", "public", "audiences")

    def __init__(self, item: Item) -> None:
        self._start(item)

    def _start(self, item: Item) -> None:
        self.first = item.id
        self.items: list[Item] = [item]
        self.bytes = item_bytes(item)
        self.private = 0  # how many of the items are private: none, and a page is a slice
        self.public: list[int] = []
        self.audiences: dict[str, list[int]] = {}
        self._index(item)

    def _index(self, item: Item) -> None:
        if item.private:
            if not self.private:  # the first private one: from now on the public ones are listed too
                self.public = [held.id for held in self.items if held is not item]
            self.private += 1
            for key in audience_keys(item):
                self.audiences.setdefault(key, []).append(item.id)
        elif self.private:
            self.public.append(item.id)

    @property
    def last(self) -> int:
        return self.first + len(self.items) - 1

    def append(self, item: Item) -> None:
        if item.id != self.last + 1:  # never expected: start a new run rather than leave a hole
            self._start(item)
            return
        self.items.append(item)
        self.bytes += item_bytes(item)
        self._index(item)
        if len(self.items) > 2 * TAIL_ITEMS:
            # Trimmed in blocks, so the copy is paid once per TAIL_ITEMS appends.
            self.drop_oldest(len(self.items) - TAIL_ITEMS)

    def drop_oldest(self, count: int) -> None:
        """Forget the oldest count items (readers that far behind read the disk)."""
        dropped = self.items[:count]
        self.bytes -= sum(item_bytes(item) for item in dropped)
        del self.items[:count]
        self.first += count
        self.private -= sum(item.private for item in dropped)
        if not self.private:
            self.public, self.audiences = [], {}
            return
        del self.public[: bisect_left(self.public, self.first)]
        for key in {key for item in dropped if item.private for key in audience_keys(item)}:
            ids = self.audiences[key]
            del ids[: bisect_left(ids, self.first)]
            if not ids:
                del self.audiences[key]

    def after(self, after: int, limit: int, viewer: Viewer = PUBLIC_VIEW) -> tuple[list[Item], bool] | None:
        """Items with id > after that viewer sees (at most limit) and whether more may follow, or None
        if not all are held. Items the viewer may not see are stepped over, never counted."""
        if after < self.first - 1 or after > self.last:
            return None
        start = after - self.first + 1
        if not self.private:  # nothing to step over (the common case): a slice
            page = self.items[start : start + limit]
            return page, start + limit < len(self.items)
        runs = [_run(self.public, after, limit)]
        for key in viewer.keys:
            ids = self.audiences.get(key)
            if ids:
                runs.append(_run(ids, after, limit))
        shown: list[Item] = []
        previous = after
        for item_id in heapq.merge(*runs):
            if item_id == previous:
                continue  # in two of the reader's runs (to them by id and by app user id)
            if len(shown) == limit:
                return shown, True
            shown.append(self.items[item_id - self.first])
            previous = item_id
        return shown, False

    def public_after(self, after: int, limit: int) -> tuple[list[Item], bool] | None:
        """Items with id > after (at most limit) and whether more follow, when every one of them is
        public (the page any reader gets), or None: not all are held, or some are private."""
        if after < self.first - 1 or after > self.last:
            return None
        start = after - self.first + 1
        if self.private and len(self.public) - bisect_right(self.public, after) != len(self.items) - start:
            return None
        return self.items[start : start + limit], start + limit < len(self.items)

    def retract(self, item_id: int) -> None:
        index = item_id - self.first
        if 0 <= index < len(self.items):
            self.replace(dataclasses.replace(self.items[index], body="", retracted=True, data=None))
        # Its edits and preview held here lose their text as the database's did (a retraction is
        # rare: a scan).
        for held in self.items[max(0, index) :]:
            if held.kind in ("edit", "preview") and held.target == item_id and (held.body or held.data):
                self.replace(dataclasses.replace(held, body="", data=None))

    def replace(self, item: Item) -> None:
        """An item changed in place (edited, reacted to, retracted): its privacy never changes."""
        index = item.id - self.first
        if 0 <= index < len(self.items):
            self.bytes += item_bytes(item) - item_bytes(self.items[index])
            self.items[index] = item


class Recent:
    """Events by slug and the tails of their items, kept in step with the commits."""

    def __init__(self, max_bytes: int = DEFAULT_TAIL_BYTES) -> None:
        self._events: dict[str, Event] = {}
        self._slugs: dict[int, str] = {}
        # Least recently read or written first: the order in which tails are evicted.
        self._tails: OrderedDict[int, Tail] = OrderedDict()
        self.max_bytes = max_bytes
        self.bytes = 0  # held by all tails together
        self._handed_on: dict[int, int] = {}  # per event, the newest item appended here
        self.generation = 0  # grows with every committed change to an event row

    def event(self, slug: str) -> Event | None:
        return self._events.get(slug)

    def event_of(self, event_id: int) -> Event | None:
        slug = self._slugs.get(event_id)
        return self._events.get(slug) if slug is not None else None

    def keep_event(self, event: Event, generation: int) -> None:
        """Keep a row read from the database, unless a commit changed some event since it was read."""
        if generation != self.generation:
            return
        if len(self._events) >= EVENTS_HELD:
            self._events.clear()
            self._slugs.clear()
        self._events[event.slug] = event
        self._slugs[event.id] = event.slug

    def event_changed(self, event: Event) -> None:
        """A committed change to an event row (schedule, phase, settings)."""
        self.generation += 1
        held = self._events.get(event.slug)
        if held is not None:
            if held.last_item_id > event.last_item_id:  # a later append already counted
                event = dataclasses.replace(event, last_item_id=held.last_item_id)
            self._events[event.slug] = event

    def appended(self, event_id: int, item: Item) -> None:
        """A committed append: the event's newest id moves, and the item joins the tail."""
        self.generation += 1
        if item.id > self._handed_on.get(event_id, 0):
            self._handed_on[event_id] = item.id
        slug = self._slugs.get(event_id)
        held = self._events.get(slug) if slug is not None else None
        if held is not None and held.last_item_id < item.id:
            self._events[held.slug] = dataclasses.replace(held, last_item_id=item.id)
        tail = self._tails.get(event_id)
        if tail is None:
            tail = self._tails[event_id] = Tail(item)
            self.bytes += tail.bytes
        else:
            before = tail.bytes
            tail.append(item)
            self._tails.move_to_end(event_id)
            self.bytes += tail.bytes - before
        if self.bytes > self.max_bytes:
            self._evict(event_id)

    def _evict(self, keep: int) -> None:
        """Forget the least recently used tails until within the budget; if the event being
        written alone is over it, its oldest half goes (it keeps at least its newest item)."""
        while self.bytes > self.max_bytes and len(self._tails) > 1:
            event_id, tail = next(iter(self._tails.items()))
            if event_id == keep:
                self._tails.move_to_end(event_id)
                continue
            del self._tails[event_id]
            self.bytes -= tail.bytes
        tail = self._tails[keep]
        while self.bytes > self.max_bytes and len(tail.items) > 1:
            before = tail.bytes
            tail.drop_oldest(max(1, len(tail.items) // 2))
            self.bytes -= before - tail.bytes

    def known_last(self, event_id: int) -> int | None:
        """The newest item of event_id handed to this process's listeners, if any was. (An event
        row read again may already count newer items; those still have to be taken and handed on.)"""
        return self._handed_on.get(event_id)

    def event_ids(self) -> list[int]:
        """The events held here (rows or tails)."""
        return sorted(set(self._slugs) | set(self._handed_on))  # a tail may have been evicted

    def retracted(self, event_id: int, item_id: int) -> None:
        self._change(event_id, lambda tail: tail.retract(item_id))

    def replaced(self, event_id: int, item: Item) -> None:
        """A committed change to an item in place (an edit, a reaction): later reads show it."""
        self._change(event_id, lambda tail: tail.replace(item))

    def _change(self, event_id: int, change: Callable[[Tail], None]) -> None:
        tail = self._tails.get(event_id)
        if tail is not None:
            before = tail.bytes
            change(tail)
            self.bytes += tail.bytes - before

    def forget_items(self, event_id: int) -> None:
        """The event's items were erased (retention): none is served from memory any more."""
        tail = self._tails.pop(event_id, None)
        if tail is not None:
            self.bytes -= tail.bytes
        self.generation += 1

    def items_after(
        self, event_id: int, after: int, limit: int, viewer: Viewer = PUBLIC_VIEW
    ) -> tuple[list[Item], bool] | None:
        tail = self._tails.get(event_id)
        if tail is None:
            return None
        self._tails.move_to_end(event_id)
        return tail.after(after, limit, viewer)

    def public_after(self, event_id: int, after: int, limit: int) -> tuple[list[Item], bool] | None:
        """Tail.public_after of the event's tail, or None when no tail is held."""
        tail = self._tails.get(event_id)
        if tail is None:
            return None
        self._tails.move_to_end(event_id)
        return tail.public_after(after, limit)
