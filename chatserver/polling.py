"""One long poll of an event's stream, apart from how its request came in: the arguments, the
checks, the hold, and the answer's JSON. MessagesHandler (Tornado's request cycle) and read_path
(our own HTTP/1.1 loop for plain polls) both answer through it, so they answer alike."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from chatserver import readers
from chatserver.broker import Waiter
from chatserver.handlers.base import dumps
from chatserver.handlers.services import Services
from chatserver.models import Event, Page, Participant, Viewer
from chatserver.store import Store
from chatserver.timefmt import format_time, now_ms
from chatserver.validation import POLL_LIMIT_MAX, query_cursor, query_flag, query_int, query_wait

# How long a poll turned away by the cap on held connections is asked to wait before the next.
HELD_CAP_RETRY_S = 5


@dataclass(frozen=True, slots=True)
class PollArgs:
    """A poll's query: the cursor, how long to hold, how many items, and what else to carry."""

    after: int
    wait: float
    limit: int
    known_reads: int | None  # the client's read-receipts version: newer receipts come along
    typing: bool
    signals: bool
    signals_after: int

    @classmethod
    def parse(cls, arg: Callable[[str], str | None], services: Services) -> PollArgs:
        """From the query's arguments (`arg(name)`: the last value, or None); a bad one raises 400."""
        reads = arg("reads")
        return cls(
            after=query_cursor(arg("after")),
            wait=query_wait(arg("wait"), services.max_wait),
            limit=query_int(arg("limit"), "limit", 500, 1, POLL_LIMIT_MAX),
            known_reads=query_cursor(reads, "reads") if reads is not None else None,
            typing=query_flag(arg("typing"), "typing"),
            signals=query_flag(arg("signals"), "signals"),
            signals_after=services.calls.seq_after(arg("signals_after")),
        )


class Poll:
    """One poll: begin() makes every check that may refuse it, answer() holds it and returns the
    JSON body; gone() is called when the client goes away meanwhile."""

    def __init__(self, services: Services, args: PollArgs, key: str | None, client: str) -> None:
        self.services = services
        self.args = args
        self.key = key  # the bearer credential: a participant's token, or a host or moderator key
        self.client = client  # the key of the client's address, for the cap on held polls
        self.turned_away = False  # the cap on held polls answered at once: the client waits Retry-After
        self._slug = ""  # the event's, from begin()
        self._gone = False
        self._waiter: Waiter | None = None
        self._event: Event | None = None
        self._participant: Participant | None = None
        self._viewer: Viewer | None = None

    @property
    def store(self) -> Store:
        return self.services.store

    async def begin(self, slug: str) -> None:
        """The event, the reader and their view; raises the poll's refusal (404, 409, 410, ...)."""
        services, key = self.services, self.key
        self._slug = slug
        self._event = event = await readers.event_at(self.store, key, slug, self.args.after)
        self._participant = await readers.participant_of(services, key, event)
        self._viewer = await readers.viewer_of(self.store, key, event, self._participant)

    async def answer(self) -> bytes | None:
        """The answer's JSON, once there is news or the hold ends; None if the client went away."""
        assert self._event is not None and self._viewer is not None
        participant = self._participant
        try:
            page = await self._read(self._event, self._viewer)
        finally:
            if participant is not None:
                self.services.presence.touch(participant.id)
        if page is None:
            return None
        services, args = self.services, self.args
        body = services.answers.poll_body(page, page.event.state(self.store.clock()))
        if await self._reads_news(page.event):
            body += b'"reads":' + dumps(await reads_json(self.store, page.event)).encode() + b","
        if args.typing:
            typists = services.broker.typists(page.event.id)
            body += b'"typing":' + dumps([{"participant_id": p, "nickname": n} for p, n in typists]).encode() + b","
        if args.signals:
            body += self._signals(page.event, self._viewer)
        if self.turned_away:
            body += b'"retry_after":%d,' % HELD_CAP_RETRY_S
        return body + b'"server_time":"' + format_time(now_ms()).encode() + b'"}'

    def gone(self) -> None:
        """The client went away: free its waiter now rather than at the end of the hold."""
        self._gone = True
        if self._waiter is not None:
            self.services.broker.release(self._waiter)

    async def _read(self, event: Event, viewer: Viewer) -> Page | None:
        """The page to answer with, held up to `wait` seconds while there is nothing new (None if
        the client went away meanwhile)."""
        broker, args, client, slug = self.services.broker, self.args, self.client, self._slug
        wait = args.wait
        self.turned_away = wait > 0 and not broker.admit(client)
        if self.turned_away or wait <= 0:
            return await self.store.page(slug, event, args.after, args.limit, final=True, viewer=viewer)
        # Watch before reading, so that a commit between the read and the hold still wakes us.
        waiter = self._waiter = broker.watch(
            event.id,
            wants_reads=args.known_reads is not None,
            viewer=viewer,
            wants_typing=args.typing,
            wants_signals=args.signals,
        )
        try:
            page = await self.store.page(slug, event, args.after, args.limit, viewer=viewer)
            calls = self.services.calls
            signalled = args.signals and calls.pending(event.id, viewer, args.signals_after)
            if page.items or self._gone or signalled or await self._reads_news(page.event):
                return None if self._gone else page
            await broker.hold(waiter, wait)
            if self._gone:
                return None
            return await self.store.page(slug, page.event, args.after, args.limit, viewer=viewer)
        finally:
            broker.release(waiter)
            broker.discharge(client)

    def _signals(self, event: Event, viewer: Viewer) -> bytes:
        """The call signals kept for this reader since `signals_after` (all that are kept without it),
        and the cursor for the next poll's `signals_after`; none for the public."""
        calls = self.services.calls
        cursor = calls.cursor()  # before the signals, with no await between: none is skipped
        frames = [signal.frame for signal in calls.pending(event.id, viewer, self.args.signals_after)]
        return b'"signals":[' + b",".join(frames) + b'],"signals_cursor":' + dumps(cursor).encode() + b","

    async def _reads_news(self, event: Event) -> bool:
        """Whether the client asked for read receipts and the event's are newer than its own."""
        known = self.args.known_reads
        return known is not None and await self.store.reads_version(event.id) > known


async def reads_json(store: Store, event: Event) -> dict[str, Any]:
    """The read receipts as the API shows them: the version and each reader's last item."""
    readers_, version = await store.reads(event.id)
    return {
        "version": version,
        "by": [{"participant_id": p.id, "nickname": p.nickname, "last_read_id": p.public_read_id} for p in readers_],
    }
