"""Transcript formats, produced page by page so a long stream is never held whole in memory."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

from chatserver.models import CLOSED, Event, Item, fit
from chatserver.store import Store
from chatserver.timefmt import format_time, format_time_plain

FORMATS = ("txt", "json")
ROWS_READ = 200  # items read from the database at a time: at most 2.4 MB of the longest messages


def text_header(event: Event, now: int) -> str:
    lines = [f"# {event.title}"]
    ends = event.closes_at() if event.state(now) == CLOSED else event.ends_at
    lines.append(f"# {format_time_plain(event.starts_at)} to {format_time_plain(ends)}")
    for line in event.description.splitlines():
        lines.append(f"# {line}".rstrip())
    return "\n".join(lines) + "\n\n"


def text_line(item: Item) -> str:
    """`[2026-11-21 20:15:03 UTC] alice: hello`; a body's line breaks keep it on one line."""
    body = " ↵ ".join(item.body.splitlines()) if "\n" in item.body else item.body
    stamp = f"[{format_time_plain(item.created_at)}]"
    if item.kind == "message":
        return f"{stamp} {item.author}: {body}\n"
    if item.kind == "announcement":
        return f"{stamp} Announcement: {body}\n"
    return f"{stamp} * {body}\n"


async def pieces(store: Store, event: Event) -> AsyncIterator[list[Item]]:
    """The shown items in runs of at most PAGE_BYTES: a download that is not read holds little."""
    async for page in store.shown_items(event.id, ROWS_READ):
        while page:
            piece, _ = fit(page)
            yield piece
            page = page[len(piece) :]


async def text_chunks(store: Store, event: Event) -> AsyncIterator[str]:
    yield text_header(event, store.clock())
    async for piece in pieces(store, event):
        yield "".join(text_line(item) for item in piece)


async def json_chunks(store: Store, event: Event) -> AsyncIterator[str]:
    head = {"server_time": format_time(store.clock()), "event": event.to_json(store.clock())}
    yield json.dumps(head, ensure_ascii=False)[:-1] + ',"messages":['
    first = True
    async for piece in pieces(store, event):
        encoded = ",".join(json.dumps(item.to_json(), ensure_ascii=False) for item in piece)
        yield encoded if first else "," + encoded
        first = False
    yield "]}\n"


def chunks(store: Store, event: Event, fmt: str) -> AsyncIterator[str]:
    return text_chunks(store, event) if fmt == "txt" else json_chunks(store, event)
