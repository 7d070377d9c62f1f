"""`chatserver create`: schedule an event, or a series with --rrule and --time-zone, straight into
the database, and print the links to share."""

from __future__ import annotations

import argparse
from typing import TextIO

from chatserver.fields import parse_event_fields
from chatserver.links import event_links
from chatserver.recurrence import parse_schedule
from chatserver.series import series_links
from chatserver.store import Store
from chatserver.timefmt import format_time


def add_arguments(create: argparse.ArgumentParser) -> None:
    """The command's options (besides --public-url and --db, which other commands share)."""
    create.add_argument("--title", required=True)
    create.add_argument("--starts-at", required=True, help="RFC 3339 time with offset, e.g. 2026-11-21T20:00:00Z")
    create.add_argument("--ends-at", required=True, help="RFC 3339 time with offset")
    create.add_argument("--description", default="")
    create.add_argument("--unlisted", action="store_true", help="keep the event off the public lists")
    create.add_argument(
        "--language", default=None, help="the event's default language, e.g. de or pt-BR (default: none, English)"
    )
    create.add_argument(
        "--rrule",
        default=None,
        help="make it a series: an RFC 5545 rule such as FREQ=WEEKLY;BYDAY=TU;COUNT=12 (the times are the first meeting's)",
    )
    create.add_argument(
        "--time-zone", default=None, help="the series' IANA time zone, e.g. Europe/Berlin (required with --rrule)"
    )


async def create(args: argparse.Namespace, out: TextIO) -> None:
    """Schedule what the arguments say and print its links."""
    body = {
        "title": args.title,
        "description": args.description,
        "starts_at": args.starts_at,
        "ends_at": args.ends_at,
        "language": args.language,
    }
    fields = parse_event_fields(body, partial=False)
    store = await Store.open(args.db)
    try:
        if args.rrule is not None or args.time_zone is not None:
            schedule = parse_schedule(args.rrule, args.time_zone, fields["starts_at"], fields["ends_at"], store.clock())
            series, made, key = await store.create_series(
                fields["title"],
                fields.get("description", ""),
                schedule,
                not args.unlisted,
                None,
                fields.get("language"),
            )
            links = series_links(series.slug, key)
            out.write(f"Scheduled the series {series.title!r}: {series.rrule} in {series.time_zone}\n")
            out.write(f"series:   {args.public_url}{links['series']}\n")
            out.write(f"host:     {args.public_url}{links['host']}\n")
            out.write(f"calendar: {args.public_url}{links['calendar']}\n")
            out.write("next:     " + ", ".join(format_time(event.starts_at) for event in made) + "\n")
            out.write("The host link is the key to every meeting of the series: share only the series link.\n")
            return
        event, host_key = await store.create_event(
            fields["title"],
            fields.get("description", ""),
            fields["starts_at"],
            fields["ends_at"],
            listed=not args.unlisted,
            language=fields.get("language"),
        )
    finally:
        await store.close()
    base = args.public_url
    links = event_links(event.slug, host_key)
    out.write(f"Scheduled {event.title!r} ({event.state(store.clock())})\n")
    out.write(f"room:       {base}{links['room']}\n")
    out.write(f"host:       {base}{links['host']}\n")
    out.write(f"transcript: {base}{links['transcript']}\n")
    out.write("The host link is the key to the event: share only the room link.\n")
