"""LinkPreviews: the preview of a URL, fetched under fetch.py's rules, cached per URL, identical
requests coalesced, a few fetches at a time; and first_url, the link of a message to preview."""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from tornado.netutil import Resolver

from .addresses import PreviewError, Refused
from .cache import TTLCache
from .fetch import IMAGE, PAGE, Failed, Fetcher
from .page import parse_page

log = logging.getLogger(__name__)

USER_AGENT = (
    "chatserver-link-preview/1 (chatserver link preview; fetches the title, description and image"
    " of links posted in a chat)"
)
FAILURE_TTL = 300.0  # a failure is remembered for less long than a preview: the page may come back
MAX_WAITING = 64
COUNTERS = ("misses", "fetched", "images", "previews", "refused", "failed", "cache_hits", "coalesced", "overflow")


@dataclass(frozen=True)
class Preview:
    """A link's card. `url` is the final URL after redirects: the page the title describes."""

    url: str
    title: str  # og:title, else twitter:title, else <title>; at most 200 characters
    description: str  # og:description, else twitter:description, else meta description; at most 500; '' when none
    image: bytes | None  # og:image or twitter:image: JPEG, PNG, GIF or WebP by Content-Type, at most 5 MiB
    site_name: str  # og:site_name, else the host


class LinkPreviews:
    """Previews of links, never fetched from an address that is not public. `allow` lists
    `host:port` pairs exempt from the port and address rules, for tests only; `resolver` replaces
    the system's name lookup (tests count lookups with it)."""

    def __init__(
        self,
        *,
        allow: Iterable[str] = (),
        deadline: float = 5.0,
        cache_ttl: float = 3600.0,
        cache_size: int = 512,
        max_at_once: int = 4,
        user_agent: str = USER_AGENT,
        max_waiting: int = MAX_WAITING,
        resolver: Resolver | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.fetcher = Fetcher(user_agent=user_agent, allow=allow, resolver=resolver)
        self.deadline = deadline
        self.cache_ttl = cache_ttl
        self.cache: TTLCache[str, Preview | None] = TTLCache(cache_size, clock)
        self.max_waiting = max_waiting
        self.slots = asyncio.Semaphore(max(1, max_at_once))
        self.queued = 0
        self.inflight: dict[str, asyncio.Task[Preview | None]] = {}
        self.counts: Counter[str] = Counter()

    def stats(self) -> dict[str, int]:
        """Counters, for /metrics and tests: the COUNTERS, and `refused_<reason>` and `failed_<reason>`."""
        return {**dict.fromkeys(COUNTERS, 0), **self.counts}

    async def preview(self, url: str) -> Preview | None:
        """None when the URL is refused, unreachable, not HTML, times out, or has no title. Never
        raises for network or policy reasons."""
        try:
            cached = self.cache.get(url)
            if cached is not None:
                self.counts["cache_hits"] += 1
                return cached.value
            task = self.inflight.get(url)
            if task is not None:
                self.counts["coalesced"] += 1
            elif self.slots.locked() and self.queued >= self.max_waiting:
                self.counts["overflow"] += 1
                return None
            else:
                task = asyncio.ensure_future(self._run(url))
                self.inflight[url] = task
                task.add_done_callback(lambda done: self._forget(url, done))
            # Shielded: a caller that gives up does not cancel the fetch others are waiting for.
            return await asyncio.shield(task)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("link preview of %r", url)
            return None

    async def close(self) -> None:
        """Cancel the fetches in flight (at shutdown)."""
        tasks = list(self.inflight.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def _forget(self, url: str, task: asyncio.Task[Preview | None]) -> None:
        if self.inflight.get(url) is task:
            del self.inflight[url]

    async def _run(self, url: str) -> Preview | None:
        """One fetch, after waiting for a slot; its outcome cached, a failure for less long."""
        queued = self.slots.locked()
        self.queued += queued
        try:
            await self.slots.acquire()
        finally:
            self.queued -= queued
        self.counts["misses"] += 1
        try:
            preview = await self._fetch(url)
        except PreviewError as error:
            kind = "refused" if isinstance(error, Refused) else "failed"
            self.counts[kind] += 1
            self.counts[f"{kind}_{error.reason}"] += 1
            preview = None
        finally:
            self.slots.release()
        self.counts["previews"] += preview is not None
        self.cache.put(url, preview, self.cache_ttl if preview else min(FAILURE_TTL, self.cache_ttl))
        return preview

    async def _fetch(self, url: str) -> Preview:
        """The page and its image within one deadline; raises PreviewError."""
        loop = asyncio.get_running_loop()
        ends = loop.time() + self.deadline
        try:
            async with asyncio.timeout_at(ends):
                page = await self.fetcher.get(url, PAGE, ends)
                self.counts["fetched"] += 1
                # In a thread: a hostile head of 1 MiB takes a while to parse, the loop must not wait.
                meta = await loop.run_in_executor(None, parse_page, page.body, page.charset, page.url)
        except TimeoutError:
            raise Failed("timeout") from None
        if not meta.title:
            raise Failed("no_title")
        image = None
        if meta.image_url is not None:
            try:
                async with asyncio.timeout_at(ends):
                    image = (await self.fetcher.get(meta.image_url, IMAGE, ends)).body or None
                self.counts["images"] += 1
            except (PreviewError, TimeoutError) as error:
                # The card goes without its image, as when the page names none.
                reason = error.reason if isinstance(error, PreviewError) else "timeout"
                self.counts[f"image_{reason}"] += 1
        return Preview(page.url, meta.title, meta.description, image, meta.site_name)


_CODE = re.compile(r"`[^`]*`")
_URL = re.compile(r"(?<![\w@.+-])https?://[^\s<>\"`/?#][^\s<>\"`]*", re.IGNORECASE)
_TRAILING = ".,;:!?'\"*"
_OPENERS = {")": "(", "]": "[", "}": "{"}


def first_url(text: str) -> str | None:
    """The first http(s) URL in a message's text as a person reads it: up to white space, without
    trailing punctuation or an unbalanced closing bracket, and not inside `code`; or None."""
    for match in _URL.finditer(_CODE.sub(lambda m: " " * len(m.group()), text)):
        url = match.group()
        while url:
            last = url[-1]
            if last in _TRAILING or (last in _OPENERS and url.count(last) > url.count(_OPENERS[last])):
                url = url[:-1]
            else:
                break
        if _URL.fullmatch(url):
            return url
    return None
