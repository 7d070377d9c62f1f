"""Events: scheduling, reading, listing, editing and closing events."""

from __future__ import annotations

import json
import re
from typing import Any

from chatserver import credentials
from chatserver.backend import Transaction
from chatserver.errors import N_, EventClosed, EventStarted, InvalidRequest, NotFound
from chatserver.models import CLOSED, DM_HOSTS, OPEN, PUBLIC, SCHEDULED, Actor, Event
from chatserver.store.core import StoreCore
from chatserver.store.rows import (
    _EVENT_COLUMNS,
    _STATE_FILTERS,
    _event,
    _origins_column,
    check_schedule,
    filter_column,
    like_pattern,
)
from chatserver.timefmt import Millis, format_time

# The fields an `updated` item reports, in the order its sentence names them: what the room shows.
EDIT_FIELDS = (
    "title",
    "description",
    "starts_at",
    "ends_at",
    "slow_mode",
    "joins_locked",
    "transcript",
    "retention_days",
    "direct_messages",
    "qa",
    "qa_screening",
)
_FIELD_NAMES = {
    "title": "the title",
    "description": "the description",
    "starts_at": "the start time",
    "ends_at": "the end time",
    "slow_mode": "slow mode",
    "joins_locked": "who may join",
    "transcript": "who may read the transcript",
    "retention_days": "how long messages are kept",
    "direct_messages": "who may write privately",
    "qa": "whether questions are taken",
    "qa_screening": "whether questions are screened",
}

# What a calendar file shows of an event: an edit of these is a new SEQUENCE.
CALENDAR_FIELDS = ("title", "description", "starts_at", "ends_at")

NO_EVENT = N_("There is no event with this link; check the address.")
# What a slug may be made of (credentials.new_slug makes 10 of [a-z2-9]), generously.
_SLUG_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,64}")


class Events(StoreCore):
    """The Store's events: their rows and the boundary items their schedule brings."""

    async def create_event(
        self,
        title: str,
        description: str,
        starts_at: Millis,
        ends_at: Millis,
        listed: bool,
        embed_origins: tuple[str, ...] | None = None,
        language: str | None = None,
        moderation: dict[str, Any] | None = None,
    ) -> tuple[Event, str]:
        """Schedule an event; return it with its host key (shown once, stored only as a hash).
        moderation: slow_mode, joins_locked, transcript, retention_days (fields.parse_moderation_fields)."""
        host_key = credentials.new_secret()
        policy: dict[str, Any] = {
            "slow_mode": 0,
            "joins_locked": False,
            "transcript": PUBLIC,
            "retention_days": None,
            "join_items": True,
            "filter_words": None,
            "direct_messages": DM_HOSTS,
            "qa": False,
            "qa_screening": False,
        }
        policy.update(moderation or {})

        async def job(tx: Transaction) -> Event:
            now = self.clock()
            check_schedule(starts_at, ends_at, now)
            slug = credentials.new_slug()
            while await tx.fetchone("SELECT 1 FROM events WHERE slug = ?", (slug,)):
                slug = credentials.new_slug()
            row = await tx.fetchone(
                "INSERT INTO events (slug, title, description, starts_at, ends_at, host_key_hash, listed,"
                " created_at, embed_origins, language, slow_mode, joins_locked, transcript, retention_days,"
                " join_items, filter_words, direct_messages, qa, qa_screening)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " RETURNING " + _EVENT_COLUMNS,
                (
                    slug,
                    title,
                    description,
                    starts_at,
                    ends_at,
                    credentials.hash_secret(host_key),
                    int(listed),
                    now,
                    _origins_column(embed_origins),
                    language,
                    policy["slow_mode"],
                    int(policy["joins_locked"]),
                    policy["transcript"],
                    policy["retention_days"],
                    int(policy["join_items"]),
                    filter_column(policy["filter_words"]),
                    policy["direct_messages"],
                    int(policy["qa"]),
                    int(policy["qa_screening"]),
                ),
            )
            assert row is not None
            return await self._settle(tx, _event(row), now, changed=True)

        return await self.db.write(job), host_key

    async def get_event(self, slug: str, fresh: bool = False) -> Event:
        """The event as last committed (from memory when held there); fresh=True reads the disk."""
        if not fresh:
            held = self.recent.event(slug)
            if held is not None:
                return held
        if not _SLUG_SHAPE.fullmatch(slug):
            # No slug has anything else; and PostgreSQL refuses a NUL in text, which would read as
            # an outage (503) instead of the 404 an address that names nothing gets.
            raise NotFound(NO_EVENT)
        generation = self.recent.generation
        row = await self.db.fetchone(f"SELECT {_EVENT_COLUMNS} FROM events WHERE slug = ?", (slug,))
        if row is None:
            raise NotFound(NO_EVENT)
        event = _event(row)
        self.recent.keep_event(event, generation)
        return event

    async def edit_count(self, event_id: int) -> int:
        """How many edits the event had: its `updated` items (a calendar file's SEQUENCE)."""
        return (await self.edit_counts([event_id])).get(event_id, 0)

    async def edit_counts(self, event_ids: list[int]) -> dict[int, int]:
        """edit_count for several events at once (a series' feed): the `updated` items that changed
        what a calendar shows (title, description, times), not the room's moderation settings."""
        if not event_ids:
            return {}
        marks = ", ".join("?" for _ in event_ids)
        # Within each event's part of the primary key; edits are few, messages are only skipped.
        rows = await self.db.fetchall(
            f"SELECT event_id, data FROM items WHERE event_id IN ({marks}) AND kind = ? AND code = ?",
            (*event_ids, "system", "updated"),
        )
        counts: dict[int, int] = {}
        for event_id, data in rows:
            changes = json.loads(data).get("changes", {}) if data else {}
            if any(name in changes for name in CALENDAR_FIELDS):
                counts[int(event_id)] = counts.get(int(event_id), 0) + 1
        return counts

    async def list_events(
        self,
        state: str | None,
        limit: int,
        before: int | None,
        title_query: str | None = None,
        one_per_series: bool = False,
    ) -> tuple[list[Event], int | None]:
        """Listed events newest first, one page, and the cursor of the next page (or None).
        one_per_series: of a series' occurrences, only the newest that matches stands for it (the archive)."""
        where = ["listed = 1"]
        params: dict[str, Any] = {"now": self.clock(), "limit": limit + 1}
        if state is not None:
            where.append(_STATE_FILTERS[state])
        if before is not None:
            where.append("id < :before")
            params["before"] = before
        if title_query:
            where.append("title LIKE :title ESCAPE '\\'")
            params["title"] = like_pattern(title_query)
        if one_per_series:  # the archive's: closed events only
            later = "later.listed = 1 AND (later.closed_early_at IS NOT NULL OR later.ends_at <= :now)"
            if title_query:
                later += " AND later.title LIKE :title ESCAPE '\\'"
            where.append(
                "(series IS NULL OR NOT EXISTS (SELECT 1 FROM events AS later"
                f" WHERE later.series = events.series AND later.id > events.id AND {later}))"
            )
        rows = await self.db.fetchall(
            f"SELECT {_EVENT_COLUMNS} FROM events WHERE {' AND '.join(where)} ORDER BY id DESC LIMIT :limit",
            params,
        )
        events = [_event(row) for row in rows[:limit]]
        return events, (events[-1].id if len(rows) > limit else None)

    async def soonest(self, state: str, limit: int) -> tuple[list[Event], bool]:
        """Listed open events by closing time, or scheduled ones by start, soonest first; and whether
        more follow."""
        if state == OPEN:
            where, order = _STATE_FILTERS[OPEN], "ends_at"
        elif state == SCHEDULED:
            where, order = _STATE_FILTERS[SCHEDULED], "starts_at"
        else:
            raise ValueError("soonest() lists open or scheduled events")
        # A series shows its current occurrence only: none with an earlier one still to come or open.
        where += (
            " AND (series IS NULL OR NOT EXISTS (SELECT 1 FROM events AS sooner WHERE sooner.series = events.series"
            " AND sooner.starts_at < events.starts_at AND sooner.closed_early_at IS NULL AND sooner.ends_at > :now))"
        )
        rows = await self.db.fetchall(
            f"SELECT {_EVENT_COLUMNS} FROM events WHERE listed = 1 AND {where} ORDER BY {order}, id LIMIT :limit",
            {"now": self.clock(), "limit": limit + 1},
        )
        return [_event(row) for row in rows[:limit]], len(rows) > limit

    async def update_event(self, event_id: int, changes: dict[str, Any], actor: Actor | None = None) -> Event:
        """Apply the host's edits (title, description, starts_at, ends_at, listed, embed_origins, language,
        and the moderation settings)."""

        async def job(tx: Transaction) -> Event:
            now = self.clock()
            event = await self._update_in(tx, event_id, changes, now)
            await self._record(tx, event_id, actor, "edit", now, detail={"changes": sorted(changes)})
            return event

        return await self.db.write(job)

    async def _update_in(self, tx: Transaction, event_id: int, changes: dict[str, Any], now: Millis) -> Event:
        event = await self._settle(tx, await self._event_in(tx, event_id), now)
        if event.state(now) == CLOSED:
            raise EventClosed()
        starts_at = changes.get("starts_at", event.starts_at)
        ends_at = changes.get("ends_at", event.ends_at)
        if starts_at != event.starts_at and event.state(now) == OPEN:
            raise InvalidRequest(N_("{field} can no longer change: the event has already opened."), field="starts_at")
        check_schedule(starts_at, ends_at, now)
        for name in ("transcript", "retention_days"):  # what participants were told before they spoke
            if name in changes and changes[name] != getattr(event, name) and event.state(now) != SCHEDULED:
                raise EventStarted(field=name)
        row = await tx.fetchone(
            "UPDATE events SET title = ?, description = ?, starts_at = ?, ends_at = ?, listed = ?,"
            " embed_origins = ?, language = ?, slow_mode = ?, joins_locked = ?, transcript = ?,"
            " retention_days = ?, join_items = ?, filter_words = ?, direct_messages = ?, qa = ?, qa_screening = ?"
            " WHERE id = ? RETURNING " + _EVENT_COLUMNS,
            (
                changes.get("title", event.title),
                changes.get("description", event.description),
                starts_at,
                ends_at,
                int(changes.get("listed", event.listed)),
                _origins_column(changes.get("embed_origins", event.embed_origins)),
                changes.get("language", event.language),
                changes.get("slow_mode", event.slow_mode),
                int(changes.get("joins_locked", event.joins_locked)),
                changes.get("transcript", event.transcript),
                changes.get("retention_days", event.retention_days),
                int(changes.get("join_items", event.join_items)),
                filter_column(changes.get("filter_words", event.filter_words)),
                changes.get("direct_messages", event.direct_messages),
                int(changes.get("qa", event.qa)),
                int(changes.get("qa_screening", event.qa_screening)),
                event_id,
            ),
        )
        assert row is not None
        edited = _event(row)
        changed = edit_changes(event, edited)
        if changed:  # not for listed, embed_origins or language: the room shows none of them
            # Before any boundary the edit brings due: "updated", then "The event is open."
            item = await self._append(
                tx, event_id, "system", edit_sentence(changed), now, code="updated", data={"changes": changed}
            )
            edited.last_item_id = item.id
        return await self._settle(tx, edited, now, changed=True)

    async def close_event(self, event_id: int, actor: Actor | None = None) -> Event:
        """Close the event now, for good (one not yet open is cancelled)."""

        async def job(tx: Transaction) -> Event:
            now = self.clock()
            event = await self._close_in(tx, event_id, now)
            await self._record(tx, event_id, actor, "close", now)
            return event

        return await self.db.write(job)

    async def _close_in(self, tx: Transaction, event_id: int, now: Millis) -> Event:
        event = await self._settle(tx, await self._event_in(tx, event_id), now)
        if event.state(now) == CLOSED:
            raise EventClosed(N_("The event is already closed."))
        row = await tx.fetchone(
            f"UPDATE events SET closed_early_at = ? WHERE id = ? RETURNING {_EVENT_COLUMNS}", (now, event_id)
        )
        assert row is not None
        return await self._settle(tx, _event(row), now, changed=True)

    async def unfinished_events(self) -> list[Event]:
        """Events whose closing item is not yet in their stream (the scheduler's work)."""
        rows = await self.db.fetchall(f"SELECT {_EVENT_COLUMNS} FROM events WHERE phase < 2")
        return [_event(row) for row in rows]

    async def catch_up(self, event_id: int) -> Event:
        """Append whichever of the opening and closing items are due by now."""

        async def job(tx: Transaction) -> Event:
            return await self._settle(tx, await self._event_in(tx, event_id), self.clock())

        return await self.db.write(job)


def edit_changes(before: Event, after: Event) -> dict[str, Any]:
    """The shown fields an edit really changed, with their new values as the API writes them."""
    changed: dict[str, Any] = {}
    for name in EDIT_FIELDS:
        value = getattr(after, name)
        if value != getattr(before, name):
            changed[name] = format_time(value) if name.endswith("_at") else value
    return changed


def edit_sentence(changed: dict[str, Any]) -> str:
    """ "The host changed the title and the end time.": what an `updated` item says."""
    names = [_FIELD_NAMES[name] for name in EDIT_FIELDS if name in changed]
    if "starts_at" in changed and "ends_at" in changed:
        names[-2:] = ["the start and end times"]
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    return f"The host changed {listed}."
