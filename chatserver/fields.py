"""The fields of an event as a client sends them, validated: for the API and the command line."""

from __future__ import annotations

from typing import Any

from chatserver.errors import N_, InvalidRequest
from chatserver.timefmt import parse_time
from chatserver.validation import (
    DESCRIPTION_MAX,
    TITLE_MAX,
    embed_origins,
    event_language,
    multi_line,
    optional_bool,
    single_line,
)

_EDITABLE = {"title", "description", "starts_at", "ends_at", "listed", "embed_origins", "language"}


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
    return fields


# What a series edit may change (API.md 1.1): its schedule stays; a host moves one occurrence instead.
_SERIES_EDITABLE = {"title", "description", "listed", "embed_origins", "language"}


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
