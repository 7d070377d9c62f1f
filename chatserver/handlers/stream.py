"""The stream: long-poll reads, posts, announcements and retractions."""

from __future__ import annotations

from typing import Any

from chatserver.answers import encode_answer, fit
from chatserver.broker import Waiter
from chatserver.errors import CursorAhead, InvalidRequest, NotFound, StorageUnavailable
from chatserver.handlers.base import ApiHandler, dumps
from chatserver.models import Event, Item, Participant
from chatserver.store import Store
from chatserver.validation import (
    BODY_MAX,
    POLL_LIMIT_MAX,
    client_id,
    multi_line,
    query_cursor,
    query_int,
    query_wait,
)

# How long a poll turned away by the cap on held connections is asked to wait before the next.
HELD_CAP_RETRY_S = 5


class StreamReader(ApiHandler):
    """What the long poll and the SSE stream share: the event and cursor checks, the page read,
    and freeing the waiter as soon as the client goes away."""

    _waiter: Waiter | None = None
    _gone = False

    async def event_at(self, slug: str, after: int) -> Event:
        """The event, with any boundary already due appended, checking that `after` is not ahead."""
        event = await self.store.get_event(slug)
        if event.due_phase(self.store.clock()) > event.phase:
            # A boundary passed a moment ago and its timer has not run yet: append it now, so a
            # reader told the new state also gets the item that marks it.
            try:
                event = await self.store.catch_up(event.id)
            except StorageUnavailable:
                pass  # a full or read-only disk: serve what is stored; the scheduler retries the append
        if after > event.last_item_id:
            event = await self.store.get_event(slug, fresh=True)  # the disk has the last word on a 409
            if after > event.last_item_id:
                raise CursorAhead(
                    f"after={after} is beyond the newest item ({event.last_item_id}); reload from after=0."
                )
        return event

    async def page(self, slug: str, event: Event, after: int, limit: int,
                   final: bool = False) -> tuple[Event, list[Item], bool, bool]:
        """The event (as now) and its items after `after`; the last flag says both came from memory
        together, so that their encoding may be shared under the event's newest id.

        final: the answer goes out as it is (no hold follows). With several processes, memory may
        lag another process's commits by a moment, so such an answer is read from disk: a reader
        that saw an item from one process finds it at once on the other. (A held poll is woken when
        the other process's note arrives, and reads memory.)"""
        if final and self.store.shared:
            items, more = await self.store.items_after(event.id, after, limit, fresh=True)
            return await self.store.get_event(slug, fresh=True), *_fitted(items, more), False
        held = self.store.recent_page(slug, after, limit)
        if held is not None:
            event, items, more = held
            return event, *_fitted(items, more), True
        items, more = await self.store.items_after(event.id, after, limit)
        return await self.store.get_event(slug), *_fitted(items, more), False

    async def participant(self, event: Event) -> Participant | None:
        """The reader, when the request carries a valid token of someone not banned: it counts as online."""
        token = self.bearer_token()
        if token is None:
            return None
        participant = await self.store.participant_by_token(event.id, token)
        if participant is None or participant.banned:
            return None  # a banned participant still reads (reading is public) but is never online
        self.services.presence.touch(participant.id)
        return participant

    def on_connection_close(self) -> None:
        # The client went away: free its waiter now rather than at the end of the hold.
        super().on_connection_close()
        self._gone = True
        if self._waiter is not None:
            self.services.broker.release(self._waiter)


def _fitted(items: list[Item], more: bool) -> tuple[list[Item], bool]:
    """At most PAGE_BYTES of items; `more` also when some were left for the next read."""
    page, cut = fit(items)
    return page, more or cut


class MessagesHandler(StreamReader):
    """GET reads and long-polls the stream (public); POST posts a message (participant token)."""

    async def get(self, slug: str) -> None:
        after = query_cursor(self.get_query_argument("after", None))
        wait = query_wait(self.get_query_argument("wait", None), self.services.max_wait)
        limit = query_int(self.get_query_argument("limit", None), "limit", 500, 1, POLL_LIMIT_MAX)
        reads_arg = self.get_query_argument("reads", None)
        known_reads = query_cursor(reads_arg, "reads") if reads_arg is not None else None
        event = await self.event_at(slug, after)
        participant = await self.participant(event)
        broker = self.services.broker
        client = self.client_key()
        turned_away = wait > 0 and not broker.admit(client)
        if turned_away:
            wait = 0  # over the cap of held connections: answer now, and say when to come back
        waiter = self._waiter = broker.watch(event.id, wants_reads=known_reads is not None) if wait > 0 else None
        try:
            event, items, more, shared = await self.page(slug, event, after, limit, final=waiter is None)
            if not items and waiter is not None and not self._gone and not await self._reads_news(event, known_reads):
                await broker.hold(waiter, wait)
                if self._gone:
                    return
                event, items, more, shared = await self.page(slug, event, after, limit)
        finally:
            if waiter is not None:
                broker.release(waiter)
                broker.discharge(client)
            if participant is not None:
                self.services.presence.touch(participant.id)
        cursor = items[-1].id if items else after
        state = event.state(self.store.clock())
        if shared:
            # Waiters woken by one commit at one cursor share one encoding of their answer.
            key = (event.id, after, limit, event.last_item_id, state)
            body = self.services.answers.body(key, items, cursor, more, state)
        else:
            body = encode_answer(items, cursor, more, state)
        if await self._reads_news(event, known_reads):
            body += b'"reads":' + dumps(await reads_json(self.store, event)).encode() + b","
        if turned_away:
            body += b'"retry_after":%d,' % HELD_CAP_RETRY_S
            self.set_header("Retry-After", str(HELD_CAP_RETRY_S))
        self.write_json_prefix(200, body)

    async def _reads_news(self, event: Event, known: int | None) -> bool:
        """Whether the client asked for read receipts and the event's are newer than its own."""
        return known is not None and await self.store.reads_version(event.id) > known

    async def post(self, slug: str) -> None:
        event = await self.store.get_event(slug)
        participant = await self.require_participant(event, "(Authorization: Bearer <token>); join first")
        body = self.json_body()
        text = multi_line(body, "body", BODY_MAX)
        retry_key = client_id(body)
        limiter = self.services.limiter
        item, created = await self.store.post_message(
            event.id, participant, text or "", retry_key, admit=lambda tx: limiter.check(participant.id, tx)
        )
        self.services.presence.touch(participant.id)
        self.write_json(201 if created else 200, {"message": item.to_json()})


async def reads_json(store: Store, event: Event) -> dict[str, Any]:
    readers, version = await store.reads(event.id)
    return {
        "version": version,
        "by": [{"participant_id": p.id, "nickname": p.nickname, "last_read_id": p.last_read_id} for p in readers],
    }


class ReadsHandler(ApiHandler):
    """GET lists read receipts; POST moves the caller's last-read item forward (participant token)."""

    async def get(self, slug: str) -> None:
        event = await self.store.get_event(slug)
        receipts = await reads_json(self.store, event)
        self.write_json(200, {"reads": receipts["by"], "version": receipts["version"]})

    async def post(self, slug: str) -> None:
        event = await self.store.get_event(slug)
        participant = await self.require_participant(event, "to report reads")
        body = self.json_body()
        item_id = body.get("last_read_id")
        if isinstance(item_id, bool) or not isinstance(item_id, int) or item_id < 0:
            raise InvalidRequest("last_read_id must be the id of an item of this event (an integer >= 0).")
        stored = await self.store.mark_read(event.id, participant.id, item_id)
        self.services.presence.touch(participant.id)
        self.write_json(200, {"participant_id": participant.id, "last_read_id": stored})


class AnnouncementsHandler(ApiHandler):
    """POST appends a host announcement."""

    async def post(self, slug: str) -> None:
        event = await self.store.get_event(slug)
        self.require_host(event)
        text = multi_line(self.json_body(), "body", BODY_MAX)
        item = await self.store.announce(event.id, text or "")
        self.write_json(201, {"message": item.to_json()})


class RetractHandler(ApiHandler):
    """DELETE retracts a message: readers hide it (host)."""

    async def delete(self, slug: str, item_id: str) -> None:
        event = await self.store.get_event(slug)
        self.require_host(event)
        if not (item_id.isascii() and item_id.isdigit()) or len(item_id) > 18:
            raise NotFound(f"There is no message {item_id} in this event.")
        item = await self.store.retract(event.id, int(item_id))
        self.write_json(200, {"message": item.to_json()})
