"""The fields of an event as a client sends them, validated: for the API and the command line."""

from __future__ import annotations

from typing import Any

from chatserver.errors import N_, InvalidRequest
from chatserver.models import DIRECT_MESSAGES, HOSTS, PUBLIC
from chatserver.timefmt import parse_time
from chatserver.validation import (
    DESCRIPTION_MAX,
    TITLE_MAX,
    embed_origins,
    event_language,
    multi_line,
    optional_bool,
    optional_int,
    single_line,
)
from chatserver.wordfilter import parse_filter

MODERATION_FIELDS = (
    "slow_mode",
    "joins_locked",
    "transcript",
    "retention_days",
    "join_items",
    "filter_words",
    "direct_messages",
    "qa",
    "qa_screening",
)
_EDITABLE = {"title", "description", "starts_at", "ends_at", "listed", "embed_origins", "language", *MODERATION_FIELDS}
SLOW_MODE_MAX = 3600  # seconds
RETENTION_MAX = 3650  # days


def parse_event_fields(body: dict[str, Any], partial: bool) -> dict[str, Any]:
    """Validate the fields of a new event (partial=False) or of an edit (partial=True)."""
    if partial:
        unknown = sorted(set(body) - _EDITABLE)
        if unknown:
            raise InvalidRequest(
                N_("{field} cannot be changed; editable fields: {fields}."),
                field=unknown[0],
                fields=", ".join(sorted(_EDITABLE)),
            )
    fields: dict[str, Any] = {}
    required = not partial
    title = single_line(body, "title", TITLE_MAX, required=required)
    if title is not None:
        fields["title"] = title
    description = multi_line(body, "description", DESCRIPTION_MAX, required=False, allow_empty=True)
    if description is not None:
        fields["description"] = description
    for name in ("starts_at", "ends_at"):
        if body.get(name) is not None:
            fields[name] = parse_time(body[name], name)
        elif required:
            raise InvalidRequest(N_("{field} is required."), field=name)
    listed = optional_bool(body, "listed")
    if listed is not None:
        fields["listed"] = listed
    if "embed_origins" in body:  # null is meaningful here: any site may embed again
        fields["embed_origins"] = embed_origins(body)
    if "language" in body:  # null too: back to no language of its own
        fields["language"] = event_language(body)
    fields.update(parse_moderation_fields(body))
    return fields


def parse_moderation_fields(body: dict[str, Any]) -> dict[str, Any]:
    """Slow mode, locked joins, the transcript's readers and its retention, as given."""
    fields: dict[str, Any] = {}
    slow_mode = optional_int(body, "slow_mode", 0, SLOW_MODE_MAX)
    if slow_mode is not None:
        fields["slow_mode"] = slow_mode
    for name in ("joins_locked", "join_items", "qa", "qa_screening"):
        flag = optional_bool(body, name)
        if flag is not None:
            fields[name] = flag
    if body.get("transcript") is not None:
        if body["transcript"] not in (PUBLIC, HOSTS):
            raise InvalidRequest(N_("{field} must be public or hosts."), field="transcript")
        fields["transcript"] = body["transcript"]
    if "retention_days" in body:  # null: kept
        fields["retention_days"] = optional_int(body, "retention_days", 1, RETENTION_MAX)
    if "filter_words" in body:  # null or []: no filter
        fields["filter_words"] = parse_filter(body)
    if body.get("direct_messages") is not None:
        if body["direct_messages"] not in DIRECT_MESSAGES:
            raise InvalidRequest(N_("{field} must be hosts, everyone or off."), field="direct_messages")
        fields["direct_messages"] = body["direct_messages"]
    return fields


# What a series edit may change (API.md 1.1): its schedule stays; a host moves one occurrence instead.
_SERIES_EDITABLE = {"title", "description", "listed", "embed_origins", "language", *MODERATION_FIELDS}


def parse_series_edit(body: dict[str, Any]) -> dict[str, Any]:
    """Validate the fields of a series edit."""
    unknown = sorted(set(body) - _SERIES_EDITABLE)
    if unknown:
        raise InvalidRequest(
            N_("{field} cannot be changed; editable fields: {fields}."),
            field=unknown[0],
            fields=", ".join(sorted(_SERIES_EDITABLE)),
        )
    return parse_event_fields(body, partial=True)
