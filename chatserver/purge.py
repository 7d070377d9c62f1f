"""`chatserver erase SLUG` and `chatserver purge --closed-before DATE`: the operator's erasure,
straight on the database (as retention does it: the words go, the event row stays for its 410)."""

from __future__ import annotations

import argparse
from typing import TextIO

from chatserver.operators import COMMAND, AuditBy
from chatserver.store import Store
from chatserver.timefmt import format_time, parse_time


def add_arguments(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> list[argparse.ArgumentParser]:
    """The two commands; the caller adds --db to each."""
    erase = commands.add_parser("erase", help="erase an event's messages and participants now (closing it first)")
    erase.add_argument("slug")
    purge = commands.add_parser("purge", help="erase the messages and participants of events closed before a time")
    purge.add_argument("--closed-before", required=True, help="RFC 3339 time with offset, e.g. 2026-01-01T00:00:00Z")
    purge.add_argument("--dry-run", action="store_true", help="list what would be erased, and erase nothing")
    return [erase, purge]


async def erase(args: argparse.Namespace, out: TextIO) -> None:
    """Close the event if it is not, and erase its words."""
    store = await Store.open(args.db)
    try:
        event = await store.erase_as(
            await store.get_event(args.slug, fresh=True), AuditBy(COMMAND, name="chatserver erase")
        )
    finally:
        await store.close()
    out.write(f"Erased the messages and participants of {event.title!r} ({event.slug}).\n")


async def purge(args: argparse.Namespace, out: TextIO) -> None:
    """Erase (or, with --dry-run, list) every closed event not yet erased that closed before the time."""
    before = parse_time(args.closed_before, "--closed-before")
    store = await Store.open(args.db)
    try:
        events = await store.closed_before(before)
        for event in events:
            verb = "would erase" if args.dry_run else "erased"
            if not args.dry_run:
                await store.erase_event(event.id, by=AuditBy(COMMAND, name="chatserver purge"))
            out.write(f"{verb} {event.slug} {format_time(event.closes_at())} {event.title!r}\n")
    finally:
        await store.close()
    out.write(f"{len(events)} event(s) {'to erase' if args.dry_run else 'erased'}.\n")
