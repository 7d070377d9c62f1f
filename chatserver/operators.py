"""Records of the server's operators: their keys, what events take up, and the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chatserver.timefmt import Millis, format_time

# Who did something to a whole event or series, as the audit log says it.
OPERATOR, COMMAND, RETENTION = "operator", "command", "retention"
AUDIT_SOURCES = (OPERATOR, COMMAND, RETENTION)
EVENT, SERIES = "event", "series"


@dataclass(frozen=True, slots=True)
class Operator:
    """Someone who runs the server, known by a key that `chatserver admin-key` made."""

    id: int
    name: str
    created_at: Millis
    revoked_at: Millis | None = None

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name}


@dataclass(frozen=True, slots=True)
class AuditBy:
    """Who an audit entry names: an operator (and which), a command on the server, or retention."""

    source: str
    operator_id: int | None = None
    name: str | None = None

    @classmethod
    def operator(cls, operator: Operator) -> AuditBy:
        return cls(OPERATOR, operator.id, operator.name)


BY_RETENTION = AuditBy(RETENTION)


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One line of the audit log."""

    id: int
    at: Millis
    by: AuditBy
    action: str
    kind: str  # EVENT or SERIES
    slug: str
    title: str

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": format_time(self.at),
            "by": {"source": self.by.source, "name": self.by.name},
            "action": self.action,
            "target": {"kind": self.kind, "slug": self.slug, "title": self.title},
        }


@dataclass(frozen=True, slots=True)
class Usage:
    """What an event (or a series' occurrences together) keeps in the database."""

    items: int = 0
    participants: int = 0
    bytes: int = 0
    last_activity: Millis | None = None

    def __add__(self, other: Usage) -> Usage:
        times = [t for t in (self.last_activity, other.last_activity) if t is not None]
        return Usage(
            self.items + other.items,
            self.participants + other.participants,
            self.bytes + other.bytes,
            max(times) if times else None,
        )

    def to_json(self) -> dict[str, Any]:
        """The list row's members besides the event or series itself."""
        return {
            "usage": {"items": self.items, "participants": self.participants, "bytes": self.bytes},
            "last_activity": format_time(self.last_activity) if self.last_activity is not None else None,
        }


@dataclass(frozen=True, slots=True)
class Storage:
    """The whole database: its size and what it holds."""

    database_bytes: int
    text_bytes: int
    events: int
    series: int
    items: int
    participants: int

    def to_json(self) -> dict[str, Any]:
        return {
            "database_bytes": self.database_bytes,
            "text_bytes": self.text_bytes,
            "events": self.events,
            "series": self.series,
            "items": self.items,
            "participants": self.participants,
        }
