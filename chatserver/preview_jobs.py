"""Link previews in the background: after a message with a link commits, fetch the page's card (the
SSRF-guarded fetcher in previews/), re-encode its image, and give the message its preview."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from chatserver import images
from chatserver.errors import ChatError
from chatserver.file_settings import FileSettings
from chatserver.models import Item
from chatserver.previews.service import LinkPreviews, Preview, first_url
from chatserver.store import Store
from chatserver.store.files import NewFile, image_file

log = logging.getLogger(__name__)

# Previews waiting or being fetched at once; a burst of links beyond it gets no previews, never
# unbounded tasks and memory.
MAX_PENDING = 64
PREVIEW_IMAGE_PX = 600


class PreviewJobs:
    """Starts one background preview per message with a link, bounded; owned by make_app."""

    def __init__(self, store: Store, fetcher: LinkPreviews, files: FileSettings) -> None:
        self.store = store
        self.fetcher = fetcher
        self.files = files
        self._tasks: set[asyncio.Task[None]] = set()

    def message_posted(self, event_id: int, item: Item) -> None:
        """Look for a link in a new message and, if there is one, preview it in the background."""
        if item.kind != "message" or item.retracted:
            return
        url = first_url(item.body)
        if url is None or len(self._tasks) >= MAX_PENDING:
            return
        task = asyncio.get_running_loop().create_task(self._preview(event_id, item.id, url))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _preview(self, event_id: int, message_id: int, url: str) -> None:
        try:
            found = await self.fetcher.preview(url)
            if found is None:
                return
            image = await self._image(found)
            await self.store.add_preview(event_id, message_id, card(found), image, self.files.quota_bytes)
        except ChatError as exc:  # the database refused (full disk, shutting down): no preview
            log.info("no preview for a message of event %s: %s", event_id, exc.message)
        except Exception:
            log.exception("preview of a message of event %s failed", event_id)

    async def _image(self, found: Preview) -> NewFile | None:
        """The page's image, decoded and re-encoded here (never passed on as the site sent it)."""
        if found.image is None:
            return None
        loop = asyncio.get_running_loop()
        async with self.files.decoding:
            try:
                encoded = await loop.run_in_executor(
                    None, images.thumbnail_from_bytes, found.image, self.files.max_pixels, PREVIEW_IMAGE_PX
                )
            except (images.TooLarge, images.Undecodable):
                return None
        return image_file(f"preview.{encoded.ext}", encoded)

    async def idle(self) -> None:
        """Return once every preview started so far has been stored or given up (for tests and shutdown)."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def close(self) -> None:
        """Stop the previews under way (the server is stopping)."""
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)


def card(found: Preview) -> dict[str, Any]:
    """The `preview` object of API.md, before its image."""
    out: dict[str, Any] = {"url": found.url, "title": found.title, "description": found.description}
    if found.site_name:
        out["site_name"] = found.site_name
    return out
