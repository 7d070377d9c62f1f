"""The Store's row shapes: column lists, row-to-model converters, schedule rules and listener types."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from chatserver.backend import Row
from chatserver.errors import N_, InvalidRequest
from chatserver.models import CLOSED, OPEN, SCHEDULED, Event, Held, Item, Moderator, Participant, Viewer
from chatserver.series import Series
from chatserver.timefmt import Millis

MAX_DURATION_MS = 31 * 24 * 3600 * 1000
HITS_KEPT_MS = 2 * 3600 * 1000  # longer than the longest limit window (an hour)

_EVENT_COLUMNS = (
    "id, slug, title, description, starts_at, ends_at, host_key_hash, listed, created_at,"
    " closed_early_at, phase, last_item_id, embed_origins, language, series, recurrence_at,"
    " slow_mode, joins_locked, transcript, retention_days, erased_at, join_items, filter_words, direct_messages,"
    " qa, qa_screening"
)
_SERIES_COLUMNS = (
    "id, slug, title, description, rrule, time_zone, starts_at, ends_at, host_key_hash, listed, created_at,"
    " ended_at, sequence, embed_origins, language, moderation"
)
_ITEM_COLUMNS = (
    "id, kind, code, author, participant_id, body, created_at, client_id, target, retracted, data, role,"
    " private, to_participant, to_sub"
)
_PARTICIPANT_COLUMNS = (
    "id, event_id, nickname, banned, created_at, last_read_id, seen_at, muted_until, last_posted_at, sub,"
    " public_read_id"
)
_HELD_COLUMNS = (
    "held.id, held.event_id, held.participant_id, participants.nickname, held.body, held.client_id,"
    " held.created_at, held.status, held.item_id, held.data"
)
# Held rows read with their author's current nickname.
_HELD_FROM = "held JOIN participants ON participants.id = held.participant_id"
_MODERATOR_COLUMNS = "id, event_id, name, key_hash, created_at, revoked_at"

# Listed events by state at :now (a closed_early_at is always in the past once set).
_STATE_FILTERS = {
    SCHEDULED: "closed_early_at IS NULL AND starts_at > :now",
    OPEN: "closed_early_at IS NULL AND starts_at <= :now AND ends_at > :now",
    CLOSED: "(closed_early_at IS NOT NULL OR ends_at <= :now)",
}


def like_pattern(text: str) -> str:
    """A LIKE pattern matching text anywhere, its wildcards taken literally (with ESCAPE '\\')."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def visible_sql(viewer: Viewer) -> tuple[str, dict[str, Any]]:
    """A WHERE term keeping the items viewer may see (Viewer.sees, in SQL), with its parameters."""
    if viewer.staff:
        return "(private = 0 OR role IS NOT NULL OR (to_participant IS NULL AND to_sub IS NULL))", {}
    if viewer.participant_id is not None:
        if viewer.sub is not None:
            return "(private = 0 OR participant_id = :viewer OR to_participant = :viewer OR to_sub = :sub)", {
                "viewer": viewer.participant_id,
                "sub": viewer.sub,
            }
        return "(private = 0 OR participant_id = :viewer OR to_participant = :viewer)", {
            "viewer": viewer.participant_id
        }
    return "private = 0", {}


ItemListener = Callable[[int, Item], None]
EventListener = Callable[[Event], None]
ReadsListener = Callable[[int], None]
TypingListener = Callable[[int, int, str], None]


def _event(row: Row) -> Event:
    return Event(
        row[0],
        row[1],
        row[2],
        row[3],
        row[4],
        row[5],
        bytes(row[6]),
        bool(row[7]),
        row[8],
        row[9],
        row[10],
        row[11],
        tuple(row[12].split()) if row[12] is not None else None,
        row[13],
        row[14],
        row[15],
        row[16],
        bool(row[17]),
        row[18],
        row[19],
        row[20],
        bool(row[21]),
        tuple(json.loads(row[22])) if row[22] else None,
        row[23],
        bool(row[24]),
        bool(row[25]),
    )


def _series(row: Row) -> Series:
    return Series(
        row[0],
        row[1],
        row[2],
        row[3],
        row[4],
        row[5],
        row[6],
        row[7],
        bytes(row[8]),
        bool(row[9]),
        row[10],
        row[11],
        row[12],
        tuple(row[13].split()) if row[13] is not None else None,
        row[14],
        json.loads(row[15]) if row[15] is not None else {},
    )


def _origins_column(origins: tuple[str, ...] | None) -> str | None:
    return " ".join(origins) if origins is not None else None


def _item(row: Row) -> Item:
    data = json.loads(row[10]) if row[10] is not None else None
    return Item(
        row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], row[8], bool(row[9]), data, row[11],
        bool(row[12]), row[13], row[14],
    )  # fmt: skip


def _participant(row: Row) -> Participant:
    return Participant(row[0], row[1], row[2], bool(row[3]), row[4], row[5], row[6], row[7], row[8], row[9], row[10])


def _held(row: Row) -> Held:
    data = json.loads(row[9]) if row[9] is not None else None
    return Held(row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], row[8], data)


def filter_column(words: tuple[str, ...] | None) -> str | None:
    """events.filter_words: the list as JSON, NULL for none."""
    return json.dumps(list(words), ensure_ascii=False) if words else None


def moderation_column(settings: dict[str, Any]) -> str | None:
    """series.moderation: a series' settings for new occurrences as JSON, NULL when none were chosen."""
    if not settings:
        return None
    return json.dumps(
        {name: list(value) if isinstance(value, tuple) else value for name, value in settings.items()},
        ensure_ascii=False,
        sort_keys=True,
    )


def _moderator(row: Row) -> Moderator:
    return Moderator(row[0], row[1], row[2], bytes(row[3]), row[4], row[5])


def check_schedule(starts_at: Millis, ends_at: Millis, now: Millis) -> None:
    """The rules of API.md for an event's times."""
    if ends_at <= starts_at:
        raise InvalidRequest(N_("{field} must be after {other}."), field="ends_at", other="starts_at")
    if ends_at <= now:
        raise InvalidRequest(N_("{field} must be in the future."), field="ends_at")
    if ends_at - starts_at > MAX_DURATION_MS:
        raise InvalidRequest(
            N_("An event lasts at most {days} days: move {field} closer to {other}."),
            days=MAX_DURATION_MS // (24 * 3600 * 1000),
            field="ends_at",
            other="starts_at",
        )
