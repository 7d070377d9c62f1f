"""Plain records for events, participants and stream items, and their JSON shapes (API.md)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from chatserver.timefmt import Millis, format_time

SCHEDULED, OPEN, CLOSED = "scheduled", "open", "closed"
STATES = (SCHEDULED, OPEN, CLOSED)

# Boundary items already in an event's stream (events.phase).
PHASE_NONE, PHASE_OPENED, PHASE_CLOSED = 0, 1, 2


@dataclass(slots=True)
class Event:
    """A scheduled chat room (CHATEVENT)."""

    id: int
    slug: str
    title: str
    description: str
    starts_at: Millis
    ends_at: Millis
    host_key_hash: bytes
    listed: bool
    created_at: Millis
    closed_early_at: Millis | None
    phase: int
    last_item_id: int
    embed_origins: tuple[str, ...] | None = None  # None: any site may embed the room
    language: str | None = None  # the default language, a catalog code ("de", "pt_BR"); None: English
    series: str | None = None  # the slug of the series this event is an occurrence of
    recurrence_at: Millis | None = None  # the start its series' rule gave it (kept when it is moved)

    def closes_at(self) -> Millis:
        """When the room closed or will close: an early close wins over ends_at."""
        if self.closed_early_at is not None:
            return min(self.closed_early_at, self.ends_at)
        return self.ends_at

    def cancelled(self) -> bool:
        """Closed before it opened: the meeting does not take place."""
        return self.closed_early_at is not None and self.closed_early_at <= self.starts_at

    def state(self, now: Millis) -> str:
        """scheduled, open or closed, by the server clock."""
        if now >= self.closes_at():
            return CLOSED
        return OPEN if now >= self.starts_at else SCHEDULED

    def due_phase(self, now: Millis) -> int:
        """Which boundary items the stream should hold by now."""
        state = self.state(now)
        return PHASE_CLOSED if state == CLOSED else PHASE_OPENED if state == OPEN else PHASE_NONE

    def to_json(self, now: Millis) -> dict[str, Any]:
        state = self.state(now)
        return {
            "slug": self.slug,
            "title": self.title,
            "description": self.description,
            "starts_at": format_time(self.starts_at),
            "ends_at": format_time(self.ends_at),
            "state": state,
            "listed": self.listed,
            "created_at": format_time(self.created_at),
            "closed_at": format_time(self.closes_at()) if state == CLOSED else None,
            "embed_origins": list(self.embed_origins) if self.embed_origins is not None else None,
            "language": self.language,
            "series": self.series,
            "cancelled": self.cancelled(),
        }


@dataclass(slots=True)
class Participant:
    """Someone who joined an event with a nickname; no account."""

    id: int
    event_id: int
    nickname: str
    banned: bool
    created_at: Millis
    last_read_id: int = 0
    seen_at: Millis = 0  # last seen by any process, as shared through the database (0: never)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "nickname": self.nickname}


@dataclass(slots=True)
class Item:
    """One entry of an event's stream (CHATDATA); `id` is the per-event cursor."""

    id: int
    kind: str
    code: str | None
    author: str | None
    participant_id: int | None
    body: str
    created_at: Millis
    client_id: str | None
    target: int | None
    retracted: bool
    # Fields of this kind or code beyond the standard ones ("changes" of an "updated" item,
    # "previous" and "nickname" of a "renamed" one), stored as JSON in items.data.
    data: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "kind": self.kind,
            "author": self.author,
            "body": self.body,
            "created_at": format_time(self.created_at),
        }
        if self.client_id is not None:
            out["client_id"] = self.client_id
        if self.participant_id is not None:
            out["participant_id"] = self.participant_id
        if self.code is not None:
            out["code"] = self.code
        if self.target is not None:
            out["target"] = self.target
        if self.retracted:
            out["retracted"] = True
        if self.data:
            for key, value in self.data.items():
                out.setdefault(key, value)  # an extra never overrides a standard key
        return out


# The most bytes of items one page carries (a poll answer, a stream write, a download chunk); the
# rest follows (`more: true`). It bounds what a reader that does not read can make the server hold.
PAGE_BYTES = 256 * 1024
# An upper bound on an item's JSON beside its text: id, kind, times, client_id, target, keys.
_ITEM_OVERHEAD = 256


def data_json(data: dict[str, Any]) -> str:
    """An item's extras as stored in items.data and measured by fit."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def fit(items: list[Item], budget: int = PAGE_BYTES) -> tuple[list[Item], bool]:
    """The longest run of items from the start whose JSON fits in budget bytes (at least one item),
    and whether any were cut. Sizes are upper bounds (4 bytes a character), so nothing is encoded."""
    used = 0
    for index, item in enumerate(items):
        used += _ITEM_OVERHEAD + 4 * (len(item.body) + len(item.author or "") + len(item.client_id or ""))
        if item.data:
            used += 4 * len(data_json(item.data))  # rare (system items), so encoding them here costs little
        if used > budget and index > 0:
            return items[:index], True
    return items, False


@dataclass(slots=True)
class Page:
    """Items of an event after a cursor, at most a limit and PAGE_BYTES of them, with the event as
    it was when they were read."""

    event: Event
    after: int
    items: list[Item]
    more: bool  # more items follow: read on from `cursor`
    from_memory: bool  # event and items were read from memory together, so they agree: the
    # encoding may be shared under the event's newest id (answers.py)

    @property
    def cursor(self) -> int:
        return self.items[-1].id if self.items else self.after
