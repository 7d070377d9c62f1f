"""Plain records for events, participants and stream items, and their JSON shapes (API.md)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from chatserver.timefmt import Millis, format_time

SCHEDULED, OPEN, CLOSED = "scheduled", "open", "closed"
PUBLIC, HOSTS = "public", "hosts"  # an event's transcript policy
HOST, MODERATOR = "host", "moderator"  # who wrote a message from the console (items.role)
# Who may write privately in an event: participants to the hosts (the default), also to each other, nobody.
DM_HOSTS, DM_EVERYONE, DM_OFF = "hosts", "everyone", "off"
DIRECT_MESSAGES = (DM_HOSTS, DM_EVERYONE, DM_OFF)
TO_HOSTS = "hosts"  # a private item's `to` when it goes to every host and moderator
DAY_MS = 24 * 3600 * 1000
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
    slow_mode: int = 0  # seconds a participant waits between posts (0: no wait)
    joins_locked: bool = False  # nobody new may join
    transcript: str = PUBLIC  # who reads it once closed: "public", or "hosts" (host and moderator keys)
    retention_days: int | None = None  # erased that many days after the close (None: kept)
    erased_at: Millis | None = None  # when retention (or the operator) erased its items and people
    join_items: bool = True  # a join appends a "joined" item (a big event turns them off)
    filter_words: tuple[str, ...] | None = None  # held for review when they match; never in to_json
    direct_messages: str = DM_HOSTS  # who may write privately: DM_HOSTS, DM_EVERYONE or DM_OFF
    qa: bool = False  # the event takes questions (API.md 1.1, Q&A)
    qa_screening: bool = False  # new questions wait, pending, until a host or moderator opens them

    def closes_at(self) -> Millis:
        """When the room closed or will close: an early close wins over ends_at."""
        if self.closed_early_at is not None:
            return min(self.closed_early_at, self.ends_at)
        return self.ends_at

    def erase_at(self) -> Millis | None:
        """When retention erases the event's items and participants (None: never)."""
        return None if self.retention_days is None else self.closes_at() + self.retention_days * DAY_MS

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
            "slow_mode": self.slow_mode,
            "joins_locked": self.joins_locked,
            "transcript": self.transcript,
            "retention_days": self.retention_days,
            "erased_at": format_time(self.erased_at) if self.erased_at is not None else None,
            "join_items": self.join_items,
            "direct_messages": self.direct_messages,
            "qa": self.qa,
            "qa_screening": self.qa_screening,
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
    muted_until: Millis = 0  # the host or a moderator muted them until then (0: never)
    last_posted_at: Millis = 0  # their last message (slow mode)
    sub: str | None = None  # the embedding app's user id, from a signed identity (None: a nickname only)
    public_read_id: int = 0  # last_read_id as others see it: never the id of a private item

    def to_json(self) -> dict[str, Any]:
        if self.sub is not None:
            return {"id": self.id, "nickname": self.nickname, "verified": True}
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
    role: str | None = None  # "host" or "moderator": written from the console
    # A private item: only its author and its recipient see it (to_participant; neither it nor
    # to_sub: the hosts and moderators; to_sub: an app user who may not have joined yet).
    private: bool = False
    to_participant: int | None = None
    to_sub: str | None = None
    # The length of data's JSON, worked out once (items never change: an edit is a new Item) and
    # left out of replace(), which makes a new one.
    _data_size: int = field(default=-1, init=False, repr=False, compare=False)

    def data_size(self) -> int:
        """The length of the extras' JSON as stored (0 without any)."""
        if self._data_size < 0:
            self._data_size = len(data_json(self.data)) if self.data else 0
        return self._data_size

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
        if self.role is not None:
            out["role"] = self.role
        if self.private:
            out["private"] = True
            if self.to_participant is not None:
                out["to"] = self.to_participant
            elif self.to_sub is None:
                out["to"] = TO_HOSTS
            else:
                out["to_user"] = self.to_sub  # an app user who had not joined when it was sent
        if self.data:
            for key, value in self.data.items():
                out.setdefault(key, value)  # an extra never overrides a standard key
        return out


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who reads a stream, as private items are filtered for them: a participant (by id), the hosts
    and moderators (staff), or, as PUBLIC_VIEW, anybody."""

    participant_id: int | None = None
    staff: bool = False
    sub: str | None = None  # the participant's app user id: notices sent to it before they joined
    # The names this reader answers to among a private item's audience_keys (made once).
    keys: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        names = ["staff"] if self.staff else [f"p{self.participant_id}"] if self.participant_id is not None else []
        if self.sub is not None and not self.staff:
            names.append(sub_key(self.sub))
        object.__setattr__(self, "keys", frozenset(names))

    def sees(self, item: Item) -> bool:
        """Whether this reader may learn that the item exists."""
        return not item.private or not self.keys.isdisjoint(audience_keys(item))

    @property
    def key(self) -> str:
        """What a page read for this viewer depends on, beyond the public: shared answers are keyed by it."""
        return "staff" if self.staff else f"p{self.participant_id}" if self.participant_id is not None else "public"


PUBLIC_VIEW = Viewer()


def sub_key(sub: str) -> str:
    """An app user's name among audience keys: ":" never stands in "p<id>" or "staff", so no user id
    (say "taff" after an "s") can spell another reader's name."""
    return f"u:{sub}"


def party_of(viewer: Viewer) -> str | None:
    """Whose call signals a reader takes (calls.py): a participant's ("p<id>"), the hosts' and
    moderators' ("staff"), or none (the public). Said apart from Viewer.keys, which also hold an
    app user's "u:<sub>" name."""
    if viewer.staff:
        return "staff"
    return f"p{viewer.participant_id}" if viewer.participant_id is not None else None


def audience_keys(item: Item) -> list[str]:
    """Who may see a private item, as names a Viewer answers to (Viewer.keys): the one rule of
    privacy, which rows.visible_sql says again in SQL. The hosts and moderators see what is to the
    hosts or from them, never one participant's line to another; a participant, what they wrote or
    what is to them (by id, or by their app user id before they joined)."""
    keys = [f"p{p}" for p in (item.participant_id, item.to_participant) if p is not None]
    if item.to_sub is not None:
        keys.append(sub_key(item.to_sub))
    if item.role is not None or (item.to_participant is None and item.to_sub is None):
        keys.append("staff")
    return keys


@dataclass(slots=True)
class Audience:
    """Who may see any of some private items: Viewer.sees over many items, asked of each reader once
    (a notice to 10,000 users wakes its readers in one pass, not one pass per item)."""

    keys: set[str] = field(default_factory=set)

    def add(self, item: Item) -> None:
        """Count in the readers of one private item."""
        self.keys.update(audience_keys(item))

    def includes(self, viewer: Viewer) -> bool:
        """Whether viewer sees at least one of the items added."""
        return not self.keys.isdisjoint(viewer.keys)


def view_of(items: list[Item], viewer: Viewer) -> str:
    """Page.view: "public" while the items hold nothing private (the public page, whoever reads it)."""
    return viewer.key if any(item.private for item in items) else "public"


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
        # Measured once per item, not per reader: a votes item's counts go to every stream.
        used += 4 * item.data_size()
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
    # Whose page it is, as far as it differs from the public one: "public" while it holds no
    # private item (then it is the public page, and shares its encoding), else Viewer.key.
    view: str = "public"

    @property
    def cursor(self) -> int:
        return self.items[-1].id if self.items else self.after


@dataclass(slots=True)
class Moderator:
    """Someone the host gave a key of their own: they may moderate, not edit, close or delegate."""

    id: int
    event_id: int
    name: str
    key_hash: bytes
    created_at: Millis
    revoked_at: Millis | None

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "created_at": format_time(self.created_at)}


@dataclass(frozen=True, slots=True)
class Actor:
    """Who did a moderation action: the host, or a moderator (their id and name then)."""

    role: str  # HOST or MODERATOR
    moderator_id: int | None = None
    name: str | None = None


@dataclass(slots=True)
class Action:
    """One line of an event's moderation log."""

    id: int
    at: Millis
    actor: Actor
    action: str
    target: int | None
    detail: dict[str, Any] | None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": format_time(self.at),
            "role": self.actor.role,
            "moderator_id": self.actor.moderator_id,
            "name": self.actor.name,
            "action": self.action,
            "target": self.target,
            "detail": self.detail,
        }


@dataclass(slots=True)
class Held:
    """A message the word filter held: its author and the hosts see it; nobody else learns of it."""

    id: int
    event_id: int
    participant_id: int
    author: str
    body: str
    client_id: str | None
    created_at: Millis
    status: str  # "held", "approved" or "rejected"
    item_id: int | None
    data: dict[str, Any] | None = None  # its extras as the item will have them (a reply, mentions, files)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "participant_id": self.participant_id,
            "author": self.author,
            "body": self.body,
            "created_at": format_time(self.created_at),
            "status": self.status,
        }
        if self.client_id is not None:
            out["client_id"] = self.client_id
        if self.item_id is not None:
            out["item_id"] = self.item_id
        if self.data and self.data.get("files"):
            out["files"] = self.data["files"]
        return out
