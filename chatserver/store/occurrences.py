"""A series' occurrences in the database: which to make next, and making them (inside a write job)."""

from __future__ import annotations

from itertools import islice

from chatserver import credentials
from chatserver.backend import Transaction
from chatserver.errors import NotFound
from chatserver.models import CLOSED, Event
from chatserver.recurrence import SKIP_MAX, Occurrence
from chatserver.series import Series
from chatserver.store.rows import _EVENT_COLUMNS, _SERIES_COLUMNS, _event, _origins_column, _series, filter_column

# Occurrences kept made ahead that have not closed: the current one and the next. So the next
# exists before the current closes, and an open-ended series never makes more than one ahead.
AHEAD = 2


async def series_in(tx: Transaction, slug: str) -> Series:
    """The series row, locked to this transaction on PostgreSQL (after its events' rows, always)."""
    row = await tx.fetchone(f"SELECT {_SERIES_COLUMNS} FROM series WHERE slug = ?{tx.lock}", (slug,))
    if row is None:
        raise NotFound()
    return _series(row)


async def events_of(tx: Transaction, slug: str) -> list[Event]:
    """Every occurrence made so far, by start."""
    rows = await tx.fetchall(f"SELECT {_EVENT_COLUMNS} FROM events WHERE series = ? ORDER BY starts_at, id", (slug,))
    return [_event(row) for row in rows]


def to_make(series: Series, made: list[Event], now: int) -> list[Occurrence]:
    """The occurrences to make now so that AHEAD of them have not closed; none once it has ended.
    Those the rule gave while the server was down are stepped over: they never took place."""
    if series.ended_at is not None:
        return []
    wanted = AHEAD - sum(1 for event in made if event.state(now) != CLOSED)
    if wanted <= 0:
        return []
    last = max((event.recurrence_at for event in made if event.recurrence_at is not None), default=None)
    ahead = (o for o in islice(series.schedule().after(last), SKIP_MAX) if o.ends_at > now)
    return list(islice(ahead, wanted))


async def make(tx: Transaction, series: Series, occurrence: Occurrence, now: int) -> Event:
    """Insert one occurrence: an ordinary event with the series' fields and host key."""
    slug = credentials.new_slug()
    while await tx.fetchone("SELECT 1 FROM events WHERE slug = ?", (slug,)):
        slug = credentials.new_slug()
    words = series.starting("filter_words")
    row = await tx.fetchone(
        "INSERT INTO events (slug, title, description, starts_at, ends_at, host_key_hash, listed, created_at,"
        " embed_origins, language, series, recurrence_at, slow_mode, joins_locked, join_items, filter_words,"
        " transcript, retention_days, direct_messages, qa, qa_screening)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " RETURNING " + _EVENT_COLUMNS,
        (
            slug,
            series.title,
            series.description,
            occurrence.starts_at,
            occurrence.ends_at,
            series.host_key_hash,
            int(series.listed),
            now,
            _origins_column(series.embed_origins),
            series.language,
            series.slug,
            occurrence.recurrence_at,
            series.starting("slow_mode"),
            int(series.starting("joins_locked")),
            int(series.starting("join_items")),
            filter_column(tuple(words) if words else None),
            series.starting("transcript"),
            series.starting("retention_days"),
            series.starting("direct_messages"),
            int(series.starting("qa")),
            int(series.starting("qa_screening")),
        ),
    )
    assert row is not None
    return _event(row)
