"""GET /e/<slug>.ics and /s/<slug>.ics: an event's calendar file and a series' feed."""

from __future__ import annotations

from chatserver import calendar
from chatserver.handlers.base import ApiHandler
from chatserver.readers import refuse_reading


class CalendarHandler(ApiHandler):
    """GET /e/<slug>.ics: the event as one VEVENT, a download; a JSON 404 as the transcript files'."""

    async def get(self, slug: str) -> None:
        event = await self.store.get_event(slug)
        refuse_reading(event, self.store.clock())  # erased: its edits are gone, and so is the file
        edits = await self.store.edit_count(event.id)
        public_url = self.services.public_url
        # Absolute links need an origin: --public-url, else the one this request was sent to. The
        # Host header is trusted only because the file goes to this requester alone: no-store (as
        # every API answer), so no shared cache keeps a link an attacker's Host put in it.
        origin = public_url or f"{self.request.protocol}://{self.request.host}"
        languages = self.services.languages
        language = languages.match(event.language) or languages.source
        body = calendar.event_calendar(
            event, edits=edits, origin=origin, public_url=public_url, now=self.store.clock(), language=language
        )
        self.set_header("Content-Type", "text/calendar; charset=utf-8")
        self.set_header("Content-Disposition", calendar.calendar_disposition(event))
        self.finish(body)


class SeriesCalendarHandler(ApiHandler):
    """GET /s/<slug>.ics: the series' feed, for a download or a subscription (webcal://)."""

    async def get(self, slug: str) -> None:
        series = await self.store.get_series(slug)
        occurrences = await self.store.occurrences(series.slug)
        edits = await self.store.edit_counts([event.id for event in occurrences])
        public_url = self.services.public_url
        origin = public_url or f"{self.request.protocol}://{self.request.host}"  # as CalendarHandler's
        languages = self.services.languages
        language = languages.match(series.language) or languages.source
        body = calendar.series_calendar(
            series,
            occurrences,
            edits=edits,
            origin=origin,
            public_url=public_url,
            now=self.store.clock(),
            language=language,
        )
        self.set_header("Content-Type", "text/calendar; charset=utf-8")
        self.set_header("Content-Disposition", calendar.calendar_disposition(series))
        self.finish(body)
