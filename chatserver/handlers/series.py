"""Series: schedule, read, edit and end a recurring meeting (API.md 1.1)."""

from __future__ import annotations

from typing import Any

from chatserver.fields import MODERATION_FIELDS, parse_event_fields, parse_series_edit
from chatserver.handlers.base import ApiHandler
from chatserver.recurrence import parse_schedule
from chatserver.series import Series, series_json, series_links


class SeriesApi(ApiHandler):
    """Answers with a series: its JSON and, for its creator, the host key and links; else its occurrences."""

    async def write_series(
        self, status: int, series: Series, host_key: str | None = None, filter_words: bool = False
    ) -> None:
        """filter_words: the host's word filter too (never public), in `series.filter_words`."""
        occurrences = await self.store.occurrences(series.slug)
        now = self.store.clock()
        payload: dict[str, Any] = {"series": series_json(series, occurrences, now)}
        if filter_words:
            payload["series"]["filter_words"] = list(series.starting("filter_words") or ())
        if host_key is not None:
            payload["host_key"] = host_key
            payload["links"] = series_links(series.slug, host_key)
        else:
            payload["occurrences"] = [event.to_json(now) for event in occurrences]
        self.write_json(status, payload)


class SeriesCollectionHandler(SeriesApi):
    """POST schedules a series and makes its first occurrences."""

    async def post(self) -> None:
        body = self.json_body()
        fields = parse_event_fields(body, partial=False)
        schedule = parse_schedule(
            body.get("rrule"), body.get("time_zone"), fields["starts_at"], fields["ends_at"], self.store.clock()
        )
        await self.services.event_limiter.check(self.client_key())
        series, _made, host_key = await self.store.create_series(
            fields["title"],
            fields.get("description", ""),
            schedule,
            fields.get("listed", True),
            fields.get("embed_origins"),
            fields.get("language"),
            moderation={name: fields[name] for name in MODERATION_FIELDS if name in fields},
        )
        await self.write_series(201, series, host_key=host_key)


class SeriesHandler(SeriesApi):
    """GET reads a series with its occurrences; PATCH edits it (host)."""

    async def get(self, slug: str) -> None:
        await self.write_series(200, await self.store.get_series(slug))

    async def patch(self, slug: str) -> None:
        series = await self.store.get_series(slug)
        await self.require_host(series)
        changes = parse_series_edit(self.json_body())
        await self.write_series(200, await self.store.update_series(series.slug, changes))


class SeriesEndHandler(SeriesApi):
    """POST ends the series after its current occurrence (host)."""

    async def post(self, slug: str) -> None:
        series = await self.store.get_series(slug)
        await self.require_host(series)
        await self.write_series(200, await self.store.end_series(series.slug))


class SeriesHostCheckHandler(SeriesApi):
    """GET answers 200 with the series when the request carries its host key, 403 otherwise."""

    async def get(self, slug: str) -> None:
        series = await self.store.get_series(slug)
        await self.require_host(series)
        await self.write_series(200, series, filter_words=True)
