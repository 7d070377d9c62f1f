"""A recurring meeting as the API shows it: its record, its schedule and its JSON (API.md 1.1)."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from chatserver.models import CLOSED, DM_HOSTS, PUBLIC, Event
from chatserver.recurrence import Occurrence, Schedule, time_zone
from chatserver.timefmt import Millis, format_time

# An event's moderation settings when nobody chose them (the columns' defaults).
OCCURRENCE_DEFAULTS: dict[str, Any] = {
    "slow_mode": 0,
    "joins_locked": False,
    "join_items": True,
    "filter_words": None,
    "transcript": PUBLIC,
    "retention_days": None,
    "direct_messages": DM_HOSTS,
    "qa": False,
    "qa_screening": False,
}
# Those any reader of the series may see (the word filter is for the hosts' eyes).
PUBLIC_SETTINGS = (
    "slow_mode",
    "joins_locked",
    "join_items",
    "transcript",
    "retention_days",
    "direct_messages",
    "qa",
    "qa_screening",
)

# How many dates ahead a series' JSON names ("upcoming"): the confirmation's "next: 5, 12, 19 Jan".
UPCOMING = 3


@dataclass(slots=True)
class Series:
    """One link for a recurring meeting; its occurrences are events whose `series` is this slug."""

    id: int
    slug: str
    title: str
    description: str
    rrule: str
    time_zone: str
    starts_at: Millis
    ends_at: Millis
    host_key_hash: bytes
    listed: bool
    created_at: Millis
    ended_at: Millis | None
    sequence: int
    embed_origins: tuple[str, ...] | None = None
    language: str | None = None
    # The moderation settings its new occurrences start with (fields.MODERATION_FIELDS, as the
    # host gave them; filter_words as a list); the events' defaults where absent.
    moderation: dict[str, Any] = field(default_factory=dict)

    def starting(self, name: str) -> Any:
        """A moderation setting as a new occurrence starts with it."""
        return self.moderation.get(name, OCCURRENCE_DEFAULTS[name])

    def schedule(self) -> Schedule:
        """The rule in its zone, from the first occurrence."""
        return Schedule(self.rrule, time_zone(self.time_zone), self.starts_at, self.ends_at)


def current(occurrences: list[Event], now: Millis) -> Event | None:
    """The occurrence open now, else the next one to open; None once none is left."""
    alive = [event for event in occurrences if event.state(now) != CLOSED]
    return min(alive, key=lambda event: (event.starts_at, event.id)) if alive else None


def upcoming(series: Series, occurrences: list[Event], now: Millis) -> list[Occurrence]:
    """The next few meetings that have not closed: those already made (as moved or edited), then
    what the rule gives after them, unless the series has ended."""
    alive = sorted((e for e in occurrences if e.state(now) != CLOSED), key=lambda e: e.starts_at)
    found = [Occurrence(e.recurrence_at or e.starts_at, e.starts_at, e.ends_at) for e in alive]
    if series.ended_at is None and len(found) < UPCOMING:
        last = max((e.recurrence_at for e in occurrences if e.recurrence_at is not None), default=None)
        later = (o for o in series.schedule().after(last) if o.ends_at > now)
        found.extend(islice(later, UPCOMING - len(found)))
    return found[:UPCOMING]


def series_json(series: Series, occurrences: list[Event], now: Millis) -> dict[str, Any]:
    """The Series object of API.md, with the first occurrence's times and the next dates."""
    now_current = current(occurrences, now)
    return {
        "slug": series.slug,
        "title": series.title,
        "description": series.description,
        "rrule": series.rrule,
        "time_zone": series.time_zone,
        "starts_at": format_time(series.starts_at),
        "ends_at": format_time(series.ends_at),
        "listed": series.listed,
        "created_at": format_time(series.created_at),
        # Ended by the host, or nothing is left to come (a COUNT or UNTIL that ran out).
        "ended": series.ended_at is not None or now_current is None,
        "ended_at": format_time(series.ended_at) if series.ended_at is not None else None,
        "current": now_current.to_json(now) if now_current is not None else None,
        "upcoming": [
            {"starts_at": format_time(o.starts_at), "ends_at": format_time(o.ends_at)}
            for o in upcoming(series, occurrences, now)
        ],
        "embed_origins": list(series.embed_origins) if series.embed_origins is not None else None,
        "language": series.language,
        **{name: series.starting(name) for name in PUBLIC_SETTINGS},
    }


def series_links(slug: str, host_key: str) -> dict[str, str]:
    """The series page, its host console (the key in the fragment) and its calendar feed."""
    return {"series": f"/s/{slug}", "host": f"/s/{slug}/host#key={host_key}", "calendar": f"/s/{slug}.ics"}
