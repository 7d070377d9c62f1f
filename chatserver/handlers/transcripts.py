"""Transcript downloads: .txt and .json, streamed page by page."""

from __future__ import annotations

from tornado.iostream import StreamClosedError

from chatserver import transcript
from chatserver.errors import N_, RateLimited
from chatserver.handlers.base import ApiHandler

DOWNLOAD_RETRY_S = 5
_CONTENT_TYPES = {"txt": "text/plain; charset=utf-8", "json": "application/json; charset=utf-8"}


class TranscriptHandler(ApiHandler):
    """GET /e/<slug>/transcript.(txt|json)."""

    async def get(self, slug: str, fmt: str) -> None:
        event = await self.store.get_event(slug)
        await self.require_readable(event)
        self.set_header("Content-Type", _CONTENT_TYPES[fmt])
        self.set_header("Content-Disposition", transcript.content_disposition(event, fmt))
        client, downloads = self.client_key(), self.services.downloads
        if not downloads.admit(client):
            if downloads.full():
                raise RateLimited(
                    DOWNLOAD_RETRY_S, N_("Too many transcript downloads at once; try again in {seconds} s.")
                )
            raise RateLimited(
                DOWNLOAD_RETRY_S,
                N_("Too many transcript downloads at once from your address; try again in {seconds} s."),
            )
        # With the host's or a moderator's key: the hosts' transcript, with the private lines they see.
        viewer = await self.staff_view(event)
        try:
            async for chunk in transcript.chunks(self.store, event, fmt, self.services.languages, viewer):
                self.write(chunk)
                await self.flush()  # waits for the client, so memory stays bounded by one page
        except StreamClosedError:
            return
        finally:
            downloads.release(client)
        self.finish()
