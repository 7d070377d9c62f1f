"""An event's calendar file (RFC 5545, GET /e/<slug>.ics), built with the icalendar library."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import quote, urlsplit

import icalendar

from chatserver.errors import N_
from chatserver.i18n import Language
from chatserver.models import Event
from chatserver.timefmt import Millis
from chatserver.transcript import content_disposition

PRODID = "-//chatserver//chatserver//EN"
ALARM_BEFORE = timedelta(minutes=10)
# Translators: a calendar's reminder, shown 10 minutes before the event; {title} is its title.
ALARM_TEXT = N_("Starts in 10 minutes: {title}")


def _utc(ms: Millis) -> datetime:
    # Times in UTC (DTSTART:...Z): every client converts them, and no VTIMEZONE is needed.
    # Whole seconds, as RFC 5545 has them: a start read a fraction early is no harm.
    return datetime.fromtimestamp(ms // 1000, tz=UTC)


def cancelled(event: Event) -> bool:
    """Closed before it opened: the meeting will not take place."""
    return event.closed_early_at is not None and event.closed_early_at <= event.starts_at


def sequence(event: Event, edits: int) -> int:
    """RFC 5545's revision number: one per edit (`updated` item), one more for a cancellation."""
    return edits + (1 if cancelled(event) else 0)


def uid(event: Event, public_url: str | None) -> str:
    """The same on every download: the slug at the public host (--public-url), else at "chatserver"."""
    # Never the request's Host: a UID that changed with the address used would duplicate the entry.
    host = urlsplit(public_url).hostname if public_url else None
    return f"{event.slug}@{host or 'chatserver'}"


def room_url(event: Event, origin: str) -> str:
    """The room's absolute link."""
    return f"{origin}/e/{quote(event.slug, safe='')}"


def event_calendar(
    event: Event, *, edits: int, origin: str, public_url: str | None, now: Millis, language: Language
) -> bytes:
    """The VCALENDAR with the event's one VEVENT, folded, escaped and with CRLF line ends by icalendar."""
    link = room_url(event, origin)
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    vevent = icalendar.Event()
    vevent.add("uid", uid(event, public_url))
    vevent.add("dtstamp", _utc(now))  # when this file was made (RFC 5545 3.8.7.2, with METHOD)
    vevent.add("created", _utc(event.created_at))
    vevent.add("dtstart", _utc(event.starts_at))
    # The schedule's end: an early close is not an edit, and a cancelled one keeps its slot.
    vevent.add("dtend", _utc(event.ends_at))
    vevent.add("summary", event.title)
    vevent.add("description", f"{event.description}\n\n{link}" if event.description else link)
    vevent.add("url", link)
    vevent.add("sequence", sequence(event, edits))
    vevent.add("status", "CANCELLED" if cancelled(event) else "CONFIRMED")
    alarm = icalendar.Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", -ALARM_BEFORE)
    alarm.add("description", language.translate(ALARM_TEXT, {"title": event.title}))
    vevent.add_component(alarm)
    cal.add_component(vevent)
    return bytes(cal.to_ical())


def calendar_disposition(event: Event) -> str:
    """A download (attachment), named as the transcript's files are: `<title>-<date>.ics`."""
    return "attachment" + content_disposition(event, "ics").removeprefix("inline")
