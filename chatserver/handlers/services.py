"""Services: what every handler works with, built once by make_app and handed to every route."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from chatserver.answers import Answers
from chatserver.broker import Broker
from chatserver.calls import Calls
from chatserver.clients import ClientKeys
from chatserver.emojis import EmojiCatalogs
from chatserver.file_settings import FileSettings
from chatserver.i18n import Languages
from chatserver.ice import IceSettings
from chatserver.limits import Limit, SlidingWindow
from chatserver.presence import Presence
from chatserver.slots import Slots
from chatserver.store import Store

if TYPE_CHECKING:
    from chatserver.preview_jobs import PreviewJobs

MAX_DOWNLOADS = 100
MAX_DOWNLOADS_PER_CLIENT = 8


@dataclass
class Services:
    """What handlers work with, built once by make_app and handed to every route."""

    store: Store
    broker: Broker
    presence: Presence
    limiter: Limit
    event_limiter: Limit
    join_limiter: Limit
    rename_limiter: Limit
    notice_limiter: Limit  # sendings of notices per event
    reaction_limiter: Limit  # reactions added or taken back, per participant
    vote_limiter: Limit  # votes on questions and in polls, cast or taken back, per participant
    typing_limiter: SlidingWindow  # typing signals per participant, in this process
    calls: Calls  # call signals kept for their recipients, and the calls in progress
    signal_limiter: SlidingWindow  # call signals per sender, in this process (never stored)
    search_limiter: SlidingWindow  # searches per client address, in this process
    upload_limiter: Limit  # uploads per participant (or per staff key's event)
    max_wait: float
    max_body: int
    files: FileSettings = field(default_factory=FileSettings)
    ice: IceSettings = field(default_factory=IceSettings)  # --ice-server, --turn-secret, --turn-ttl
    previews: PreviewJobs | None = None  # link previews in the background; None: --link-previews off
    public_url: str | None = None  # the server's public origin, for absolute links (--public-url)
    languages: Languages = field(default_factory=Languages)
    answers: Answers = field(default_factory=Answers)
    emojis: EmojiCatalogs = field(default_factory=EmojiCatalogs)  # the emoji picker's, built when first asked
    clients: ClientKeys = field(default_factory=ClientKeys)
    closing: bool = False  # a graceful stop began: new polls, streams and requests get 503
    # Transcript downloads at once, in all and per client: each holds up to a page of rows.
    downloads: Slots = field(default_factory=lambda: Slots(MAX_DOWNLOADS, MAX_DOWNLOADS_PER_CLIENT))
    open_streams: int = 0
    plain_polls: int = 0  # polls answered on read_path's own loop (the rest went through Tornado's)
    plain_streams: int = 0  # SSE streams opened on it
    in_flight: int = 0
    _idle: asyncio.Event = field(default_factory=asyncio.Event)

    def request_started(self) -> None:
        self.in_flight += 1
        self._idle.clear()

    def request_finished(self) -> None:
        self.in_flight -= 1
        if self.in_flight <= 0:
            self._idle.set()

    async def drained(self) -> None:
        """Return once no API request is in flight (for a graceful shutdown)."""
        if self.in_flight > 0:
            await self._idle.wait()
