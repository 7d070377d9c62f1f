"""A series' pages: /s/<slug> (the current occurrence's room and the past transcripts), its host
console and the chat bar's frame that follows it."""

from __future__ import annotations

from chatserver.errors import N_, NotFound
from chatserver.handlers.pages import PageHandler, csp, embed_ancestors
from chatserver.models import CLOSED, Event
from chatserver.series import Series, current


class SeriesPageHandler(PageHandler):
    """What every series page starts from: the series, its occurrences, and the one to show."""

    async def series_or_404(self, slug: str) -> tuple[Series, list[Event]]:
        store = self.services.store
        try:
            series = await store.get_series(slug)
        except NotFound:
            raise NotFound(N_("There is no series at this address. The link may be mistyped.")) from None
        self.fall_back_to(series.language)
        return series, await store.occurrences(series.slug)

    def shown(self, occurrences: list[Event]) -> Event:
        """The occurrence open now, else the next to open, else (the series is over) the last."""
        return current(occurrences, self.services.store.clock()) or occurrences[-1]

    def render_room(self, series: Series, occurrences: list[Event], embedded: bool = False) -> None:
        now = self.services.store.clock()
        event = self.shown(occurrences)
        # Past meetings, newest first: each keeps its transcript; a cancelled one says so.
        past = [e for e in reversed(occurrences) if e.state(now) == CLOSED]
        self.render("room.html", event=event, state=event.state(now), series=series, past=past, embedded=embedded)


class SeriesPage(SeriesPageHandler):
    """/s/<slug>: the one link people keep."""

    async def get(self, slug: str) -> None:
        series, occurrences = await self.series_or_404(slug)
        self.render_room(series, occurrences)


class SeriesEmbedPage(SeriesPageHandler):
    """/s/<slug>/embed: the chat bar's frame with data-series; it moves on to the next occurrence."""

    remembers_locale = False  # as EmbedPage: the ?locale= is the embedding site's

    async def get(self, slug: str) -> None:
        series, occurrences = await self.series_or_404(slug)
        self.set_header("Content-Security-Policy", csp(embed_ancestors(series.embed_origins)))
        self.render_room(series, occurrences, embedded=True)


class SeriesHostPage(SeriesPageHandler):
    """/s/<slug>/host: the series' console (the key is read from the URL fragment)."""

    async def get(self, slug: str) -> None:
        series, occurrences = await self.series_or_404(slug)
        self.set_header("Cache-Control", "no-store")
        self.render("series_host.html", series=series, occurrences=occurrences)
