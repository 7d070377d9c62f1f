"""Calendar files (RFC 5545), built with the icalendar library: one event's (GET /e/<slug>.ics)
and a series' feed (GET /s/<slug>.ics), a master VEVENT with its RRULE and one override per
occurrence already made."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from itertools import islice, takewhile
from urllib.parse import quote, urlsplit

import icalendar

from chatserver.errors import N_
from chatserver.i18n import Language
from chatserver.models import Event
from chatserver.recurrence import SKIP_MAX, Occurrence, Schedule
from chatserver.series import Series
from chatserver.timefmt import Millis
from chatserver.transcript import content_disposition

PRODID = "-//chatserver//chatserver//EN"
ALARM_BEFORE = timedelta(minutes=10)
# Translators: a calendar's reminder, shown 10 minutes before the event; {title} is its title.
ALARM_TEXT = N_("Starts in 10 minutes: {title}")
# How often a subscribed calendar should fetch the feed again (RFC 7986; X-PUBLISHED-TTL is Outlook's older name).
REFRESH = timedelta(hours=1)


def _utc(ms: Millis) -> datetime:
    # Times in UTC (DTSTART:...Z): every client converts them, and no VTIMEZONE is needed.
    # Whole seconds, as RFC 5545 has them: a start read a fraction early is no harm.
    return datetime.fromtimestamp(ms // 1000, tz=UTC)


def sequence(event: Event, edits: int) -> int:
    """RFC 5545's revision number: one per edit (`updated` item), one more for a cancellation."""
    return edits + (1 if event.cancelled() else 0)


def _host(public_url: str | None) -> str:
    # Never the request's Host: a UID that changed with the address used would duplicate the entry.
    host = urlsplit(public_url).hostname if public_url else None
    return host or "chatserver"


def uid(event: Event, public_url: str | None) -> str:
    """The same on every download: the slug at the public host (--public-url), else at "chatserver"."""
    return f"{event.slug}@{_host(public_url)}"


def room_url(event: Event, origin: str) -> str:
    """The room's absolute link."""
    return f"{origin}/e/{quote(event.slug, safe='')}"


def series_url(series: Series, origin: str) -> str:
    """The series page's absolute link: the one link people keep."""
    return f"{origin}/s/{quote(series.slug, safe='')}"


def _calendar(name: str | None = None) -> icalendar.Calendar:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    if name is not None:  # a subscription's name, and how often to look again
        cal.add("name", name)
        cal.add("x-wr-calname", name)
        cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
        cal.add("x-published-ttl", "PT1H")  # an X- property: icalendar cannot know it is a duration
    return cal


def _vevent(
    uid_value: str, title: str, description: str, link: str, now: Millis, created: Millis, language: Language
) -> icalendar.Event:
    vevent = icalendar.Event()
    vevent.add("uid", uid_value)
    vevent.add("dtstamp", _utc(now))  # when this file was made (RFC 5545 3.8.7.2, with METHOD)
    vevent.add("created", _utc(created))
    vevent.add("summary", title)
    vevent.add("description", f"{description}\n\n{link}" if description else link)
    vevent.add("url", link)
    alarm = icalendar.Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", -ALARM_BEFORE)
    alarm.add("description", language.translate(ALARM_TEXT, {"title": title}))
    vevent.add_component(alarm)
    return vevent


def event_calendar(
    event: Event, *, edits: int, origin: str, public_url: str | None, now: Millis, language: Language
) -> bytes:
    """The VCALENDAR with the event's one VEVENT, folded, escaped and with CRLF line ends by icalendar."""
    link = room_url(event, origin)
    cal = _calendar()
    vevent = _vevent(uid(event, public_url), event.title, event.description, link, now, event.created_at, language)
    vevent.add("dtstart", _utc(event.starts_at))
    # The schedule's end: an early close is not an edit, and a cancelled one keeps its slot.
    vevent.add("dtend", _utc(event.ends_at))
    vevent.add("sequence", sequence(event, edits))
    vevent.add("status", "CANCELLED" if event.cancelled() else "CONFIRMED")
    cal.add_component(vevent)
    return bytes(cal.to_ical())


def series_calendar(
    series: Series,
    occurrences: list[Event],
    *,
    edits: dict[int, int],
    origin: str,
    public_url: str | None,
    now: Millis,
    language: Language,
) -> bytes:
    """The series' feed: a master VEVENT in the series' zone (with its VTIMEZONE) whose RRULE and
    EXDATEs give exactly the occurrences, and an override per occurrence made (RECURRENCE-ID), with
    its own times, title, SEQUENCE and STATUS (CANCELLED when it was)."""
    schedule = series.schedule()
    link = series_url(series, origin)
    series_uid = f"series-{series.slug}@{_host(public_url)}"
    cal = _calendar(series.title)
    master = _vevent(series_uid, series.title, series.description, link, now, series.created_at, language)
    master.add("dtstart", schedule.local(series.starts_at))
    master.add("dtend", schedule.local(series.ends_at))
    master.add("rrule", icalendar.vRecur.from_ical(_feed_rule(series, occurrences, schedule)))
    made = {event.recurrence_at for event in occurrences if event.recurrence_at is not None}
    last = max(made, default=None)
    if last is not None:  # those the rule gave while the server was down never took place
        skipped = [o.recurrence_at for o in _until(schedule, last) if o.recurrence_at not in made]
        for moment in skipped:
            master.add("exdate", schedule.local(moment))
    master.add("sequence", series.sequence)
    master.add("status", "CONFIRMED")
    cal.add_component(master)
    for event in occurrences:
        if event.recurrence_at is None:
            continue
        override = _vevent(series_uid, event.title, event.description, link, now, event.created_at, language)
        override.add("recurrence-id", schedule.local(event.recurrence_at))
        override.add("dtstart", schedule.local(event.starts_at))
        override.add("dtend", schedule.local(event.ends_at))
        override.add("sequence", series.sequence + sequence(event, edits.get(event.id, 0)))
        override.add("status", "CANCELLED" if event.cancelled() else "CONFIRMED")
        cal.add_component(override)
    cal.add_missing_timezones()
    return bytes(cal.to_ical())


def _until(schedule: Schedule, last: Millis) -> Iterator[Occurrence]:
    """The rule's occurrences up to the one at `last`."""
    return takewhile(lambda o: o.recurrence_at <= last, islice(schedule.after(None), SKIP_MAX))


def _feed_rule(series: Series, occurrences: list[Event], schedule: Schedule) -> str:
    """The rule as the feed gives it: an ended series stops at its last occurrence made."""
    if series.ended_at is None:
        return series.rrule
    last = max((e.recurrence_at for e in occurrences if e.recurrence_at is not None), default=series.starts_at)
    parts = [part for part in series.rrule.split(";") if not part.startswith(("COUNT=", "UNTIL="))]
    parts.append("UNTIL=" + _utc(last).strftime("%Y%m%dT%H%M%SZ"))
    return ";".join(parts)


def calendar_disposition(event: Event | Series) -> str:
    """A download (attachment), named as the transcript's files are: `<title>-<date>.ics`."""
    return "attachment" + content_disposition(event, "ics").removeprefix("inline")
