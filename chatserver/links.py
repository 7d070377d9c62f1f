"""The paths the server hands out for an event, made absolute by --public-url or the browser."""

from __future__ import annotations


def event_links(slug: str, host_key: str) -> dict[str, str]:
    """The room, the host console (its key in the fragment, never sent to a server) and the transcript."""
    return {
        "room": f"/e/{slug}",
        "host": f"/e/{slug}/host#key={host_key}",
        "transcript": f"/e/{slug}/transcript",
    }
