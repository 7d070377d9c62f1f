"""What the Store keeps in memory: each event's row and its newest items, as last committed.

The Store updates both after every commit (before any listener runs), so a woken poll reads them
instead of the database. With PostgreSQL, other processes' commits come in as notes and are read
into memory the same way (chatserver/remote.py). Anything not held here (an
event not read yet, items older than the tail) is read from the database as before.
"""

from __future__ import annotations

import dataclasses

from chatserver.models import Event, Item

TAIL_ITEMS = 1024  # newest items kept per event: a reconnecting crowd a little behind is served too
EVENTS_HELD = 10_000  # events whose rows are kept; beyond that the map starts again


class Tail:
    """A contiguous run of one event's newest items: ids first..last, last the newest committed."""

    __slots__ = ("first", "items")

    def __init__(self, item: Item) -> None:
        self.first = item.id
        self.items: list[Item] = [item]

    @property
    def last(self) -> int:
        return self.first + len(self.items) - 1

    def append(self, item: Item) -> None:
        if item.id != self.last + 1:  # never expected: start a new run rather than leave a hole
            self.first, self.items = item.id, [item]
            return
        self.items.append(item)
        if len(self.items) > 2 * TAIL_ITEMS:
            # Trimmed in blocks, so the copy is paid once per TAIL_ITEMS appends.
            del self.items[: len(self.items) - TAIL_ITEMS]
            self.first = self.items[0].id

    def after(self, after: int, limit: int) -> tuple[list[Item], bool] | None:
        """Items with id > after (at most limit) and whether more follow, or None if not all held."""
        if after < self.first - 1 or after > self.last:
            return None
        start = after - self.first + 1
        page = self.items[start : start + limit]
        return page, start + limit < len(self.items)

    def retract(self, item_id: int) -> None:
        index = item_id - self.first
        if 0 <= index < len(self.items):
            self.items[index] = dataclasses.replace(self.items[index], body="", retracted=True)


class Recent:
    """Events by slug and the tails of their items, kept in step with the commits."""

    def __init__(self) -> None:
        self._events: dict[str, Event] = {}
        self._slugs: dict[int, str] = {}
        self._tails: dict[int, Tail] = {}
        self._handed_on: dict[int, int] = {}  # per event, the newest item appended here
        self.generation = 0  # grows with every committed change to an event row

    def event(self, slug: str) -> Event | None:
        return self._events.get(slug)

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
            self._tails[event_id] = Tail(item)
        else:
            tail.append(item)

    def known_last(self, event_id: int) -> int | None:
        """The newest item of event_id handed to this process's listeners, if any was. (An event
        row read again may already count newer items; those still have to be taken and handed on.)"""
        return self._handed_on.get(event_id)

    def event_ids(self) -> list[int]:
        """The events held here (rows or tails)."""
        return sorted(set(self._slugs) | set(self._tails))  # every event handed an item has a tail

    def retracted(self, event_id: int, item_id: int) -> None:
        tail = self._tails.get(event_id)
        if tail is not None:
            tail.retract(item_id)

    def items_after(self, event_id: int, after: int, limit: int) -> tuple[list[Item], bool] | None:
        tail = self._tails.get(event_id)
        return tail.after(after, limit) if tail is not None else None
