"""Series: scheduling, reading, editing and ending recurring meetings, whose occurrences are events."""

from __future__ import annotations

from typing import Any

from chatserver import credentials
from chatserver.backend import Transaction
from chatserver.errors import N_, EventClosed, NotFound
from chatserver.models import CLOSED, OPEN, SCHEDULED, Event
from chatserver.recurrence import Schedule
from chatserver.series import OCCURRENCE_DEFAULTS, Series
from chatserver.store.events import _SLUG_SHAPE, Events
from chatserver.store.occurrences import events_of, series_in
from chatserver.store.rows import _EVENT_COLUMNS, _SERIES_COLUMNS, _event, _origins_column, _series, moderation_column
from chatserver.timefmt import Millis

NO_SERIES = N_("There is no series with this link; check the address.")
# What a series edit may change, and which of them its occurrences not yet open take on.
SERIES_FIELDS = ("title", "description", "listed", "embed_origins", "language")


class Recurring(Events):
    """The Store's series: their rows, and their occurrences made ahead as ordinary events (whose
    edits and closes, Events', a series edit or end applies to them)."""

    async def create_series(
        self,
        title: str,
        description: str,
        schedule: Schedule,
        listed: bool,
        embed_origins: tuple[str, ...] | None = None,
        language: str | None = None,
        moderation: dict[str, Any] | None = None,
    ) -> tuple[Series, list[Event], str]:
        """Schedule a series and make its first occurrences; return it with its host key (shown once)."""
        host_key = credentials.new_secret()

        async def job(tx: Transaction) -> tuple[Series, list[Event]]:
            now = self.clock()
            slug = credentials.new_slug()
            while await tx.fetchone("SELECT 1 FROM series WHERE slug = ?", (slug,)):
                slug = credentials.new_slug()
            row = await tx.fetchone(
                "INSERT INTO series (slug, title, description, rrule, time_zone, starts_at, ends_at, host_key_hash,"
                " listed, created_at, embed_origins, language, moderation)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                f" RETURNING {_SERIES_COLUMNS}",
                (
                    slug,
                    title,
                    description,
                    schedule.rrule,
                    schedule.zone.key,
                    schedule.starts_at,
                    schedule.ends_at,
                    credentials.hash_secret(host_key),
                    int(listed),
                    now,
                    _origins_column(embed_origins),
                    language,
                    moderation_column(moderation or {}),
                ),
            )
            assert row is not None
            return _series(row), await self._top_up(tx, slug, now)

        series, made = await self.db.write(job)
        return series, made, host_key

    async def get_series(self, slug: str) -> Series:
        """The series as committed, or a 404."""
        if not _SLUG_SHAPE.fullmatch(slug):
            raise NotFound(NO_SERIES)
        row = await self.db.fetchone(f"SELECT {_SERIES_COLUMNS} FROM series WHERE slug = ?", (slug,))
        if row is None:
            raise NotFound(NO_SERIES)
        return _series(row)

    async def occurrences(self, series_slug: str) -> list[Event]:
        """Every occurrence made so far (past, current and the next), by start."""
        rows = await self.db.fetchall(
            f"SELECT {_EVENT_COLUMNS} FROM events WHERE series = ? ORDER BY starts_at, id", (series_slug,)
        )
        return [_event(row) for row in rows]

    async def series_pasts(self, slugs: list[str]) -> dict[str, tuple[Series, list[Event]]]:
        """For the archive: each series named with its closed listed occurrences, newest first."""
        if not slugs:
            return {}
        marks = ", ".join("?" for _ in slugs)
        rows = await self.db.fetchall(f"SELECT {_SERIES_COLUMNS} FROM series WHERE slug IN ({marks})", tuple(slugs))
        found: dict[str, tuple[Series, list[Event]]] = {row[1]: (_series(row), []) for row in rows}
        rows = await self.db.fetchall(
            f"SELECT {_EVENT_COLUMNS} FROM events WHERE series IN ({marks}) AND listed = 1"
            " AND (closed_early_at IS NOT NULL OR ends_at <= ?) ORDER BY starts_at DESC, id DESC",
            (*slugs, self.clock()),
        )
        for row in rows:
            event = _event(row)
            if event.series in found:
                found[event.series][1].append(event)
        return found

    async def update_series(self, series_slug: str, changes: dict[str, Any]) -> Series:
        """Change the series, and the same fields of its occurrences not yet open (an open one keeps
        its title and settings: its room is under way); the calendar feed's SEQUENCE grows. The
        moderation settings are kept for the occurrences made from now on too."""

        async def job(tx: Transaction) -> Series:
            now = self.clock()
            waiting = await self._lock_unclosed(tx, series_slug, now)
            series = await series_in(tx, series_slug)
            settings = {**series.moderation, **{k: v for k, v in changes.items() if k in OCCURRENCE_DEFAULTS}}
            row = await tx.fetchone(
                "UPDATE series SET title = ?, description = ?, listed = ?, embed_origins = ?, language = ?,"
                f" moderation = ?, sequence = sequence + 1 WHERE id = ? RETURNING {_SERIES_COLUMNS}",
                (
                    changes.get("title", series.title),
                    changes.get("description", series.description),
                    int(changes.get("listed", series.listed)),
                    _origins_column(changes.get("embed_origins", series.embed_origins)),
                    changes.get("language", series.language),
                    moderation_column(settings),
                    series.id,
                ),
            )
            assert row is not None
            passed_on = {name: value for name, value in changes.items() if name in SERIES_FIELDS or name in settings}
            for event in waiting:
                if event.state(now) == SCHEDULED and passed_on:
                    await self._update_in(tx, event.id, passed_on, now)
            return _series(row)

        return await self.db.write(job)

    async def end_series(self, series_slug: str) -> Series:
        """End the series after its current occurrence (the one open, else the next to open): the
        occurrences after it are cancelled and no more are made."""

        async def job(tx: Transaction) -> Series:
            now = self.clock()
            unclosed = await self._lock_unclosed(tx, series_slug, now)
            series = await series_in(tx, series_slug)
            if series.ended_at is not None:
                raise EventClosed(N_("The series has already ended."))
            row = await tx.fetchone(
                f"UPDATE series SET ended_at = ?, sequence = sequence + 1 WHERE id = ? RETURNING {_SERIES_COLUMNS}",
                (now, series.id),
            )
            assert row is not None
            # Ended first, so that these closes make no next occurrence.
            for event in unclosed[1:]:  # by start: the first is the current one, which stays
                if event.state(now) != OPEN:
                    await self._close_in(tx, event.id, now)
            return _series(row)

        return await self.db.write(job)

    async def _lock_unclosed(self, tx: Transaction, series_slug: str, now: Millis) -> list[Event]:
        # Event rows before the series row, as a boundary's top-up takes them: no deadlock between them.
        rows = await tx.fetchall(
            f"SELECT {_EVENT_COLUMNS} FROM events WHERE series = ? AND phase < 2 ORDER BY id{tx.lock}",
            (series_slug,),
        )
        for row in rows:  # a boundary the scheduler has not reached yet (and its top-up) comes first
            await self._settle(tx, _event(row), now)
        events = await events_of(tx, series_slug)
        return [event for event in events if event.state(now) != CLOSED]
