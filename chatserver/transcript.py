"""Transcript formats, produced page by page so a long stream is never held whole in memory."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

from chatserver.models import CLOSED, Event, Item
from chatserver.store import Store
from chatserver.timefmt import format_time, format_time_plain

FORMATS = ("txt", "json")


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


async def text_chunks(store: Store, event: Event) -> AsyncIterator[str]:
    yield text_header(event, store.clock())
    async for page in store.shown_items(event.id):
        yield "".join(text_line(item) for item in page)


async def json_chunks(store: Store, event: Event) -> AsyncIterator[str]:
    head = {"server_time": format_time(store.clock()), "event": event.to_json(store.clock())}
    yield json.dumps(head, ensure_ascii=False)[:-1] + ',"messages":['
    first = True
    async for page in store.shown_items(event.id):
        encoded = ",".join(json.dumps(item.to_json(), ensure_ascii=False) for item in page)
        yield encoded if first else "," + encoded
        first = False
    yield "]}\n"


def chunks(store: Store, event: Event, fmt: str) -> AsyncIterator[str]:
    return text_chunks(store, event) if fmt == "txt" else json_chunks(store, event)
