"""Identity secrets: what an embedding app's server signs its users' identities with (host key)."""

from __future__ import annotations

from chatserver.handlers.base import ApiHandler


class IdentitySecretHandler(ApiHandler):
    """POST makes the event's identity secret anew (the old one stops working); shown once."""

    async def post(self, slug: str) -> None:
        event = await self.store.get_event(slug)
        await self.require_host_only(event)
        self.write_json(200, {"secret": await self.store.new_identity_secret(event_id=event.id)})


class SeriesIdentitySecretHandler(ApiHandler):
    """POST makes a series' identity secret anew, for every occurrence without one of its own."""

    async def post(self, slug: str) -> None:
        series = await self.store.get_series(slug)
        await self.require_host(series)
        self.write_json(200, {"secret": await self.store.new_identity_secret(series_slug=series.slug)})
