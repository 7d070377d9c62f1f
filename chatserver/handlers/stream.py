"""The stream: long-poll reads, posts, announcements and retractions."""

from __future__ import annotations

import re
from typing import Any

from chatserver.broker import Waiter
from chatserver.errors import N_, CursorAhead, InvalidRequest, StorageUnavailable, Unauthorized
from chatserver.handlers.base import ApiHandler, Staff, dumps
from chatserver.models import TO_HOSTS, Event, Held, Item, Page, Participant, Viewer
from chatserver.store import Store
from chatserver.store.files import FILES_PER_MESSAGE, NOT_ATTACHABLE
from chatserver.validation import (
    BODY_MAX,
    NICKNAME_MAX,
    POLL_LIMIT_MAX,
    client_id,
    multi_line,
    query_cursor,
    query_flag,
    query_int,
    query_wait,
    single_line,
)
from chatserver.wordfilter import matches

# The name under a host's message when the console gives none (a person's name reads better).
DEFAULT_HOST_NAME = "Host"
# How long a poll turned away by the cap on held connections is asked to wait before the next.
HELD_CAP_RETRY_S = 5
FILE_ID = re.compile(r"[A-Za-z0-9_-]{16,64}")


class StreamReader(ApiHandler):
    """What the long poll and the SSE stream share: the event and cursor checks, the page read,
    and freeing the waiter as soon as the client goes away."""

    _waiter: Waiter | None = None
    _gone = False

    async def event_at(self, slug: str, after: int) -> Event:
        """The event, with any boundary already due appended, checking that `after` is not ahead
        and that the reader may read it."""
        event = await self.store.get_event(slug)
        await self.require_readable(event)
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
                    N_("after={after} is beyond the newest item ({newest}); reload from after=0."),
                    after=after,
                    newest=event.last_item_id,
                )
        return event

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

    async def viewer(self, event: Event, participant: Participant | None) -> Viewer:
        """Whose view of the stream this is: the participant's own, the hosts' (a host or moderator
        key), or the public's. Private items are filtered by it."""
        if participant is not None:
            return Viewer(participant.id, sub=participant.sub)
        return await self.staff_view(event)

    def on_connection_close(self) -> None:
        # The client went away: free its waiter now rather than at the end of the hold.
        super().on_connection_close()
        self._gone = True
        if self._waiter is not None:
            self.services.broker.release(self._waiter)


class MessagesHandler(StreamReader):
    """GET reads and long-polls the stream (public); POST posts a message (participant token)."""

    async def get(self, slug: str) -> None:
        after = query_cursor(self.get_query_argument("after", None))
        wait = query_wait(self.get_query_argument("wait", None), self.services.max_wait)
        limit = query_int(self.get_query_argument("limit", None), "limit", 500, 1, POLL_LIMIT_MAX)
        reads_arg = self.get_query_argument("reads", None)
        known_reads = query_cursor(reads_arg, "reads") if reads_arg is not None else None
        self._wants_typing = query_flag(self.get_query_argument("typing", None), "typing")
        self._wants_signals = query_flag(self.get_query_argument("signals", None), "signals")
        self._signals_after = self.services.calls.seq_after(self.get_query_argument("signals_after", None))
        event = await self.event_at(slug, after)
        participant = await self.participant(event)
        viewer = await self.viewer(event, participant)
        try:
            page, turned_away = await self._read(slug, event, after, limit, wait, known_reads, viewer)
        finally:
            if participant is not None:
                self.services.presence.touch(participant.id)
        if page is None:
            return  # the client went away while the poll was held
        body = self.services.answers.poll_body(page, page.event.state(self.store.clock()))
        if await self._reads_news(page.event, known_reads):
            body += b'"reads":' + dumps(await reads_json(self.store, page.event)).encode() + b","
        if self._wants_typing:
            typists = self.services.broker.typists(page.event.id)
            body += b'"typing":' + dumps([{"participant_id": p, "nickname": n} for p, n in typists]).encode() + b","
        if self._wants_signals:
            body += self._signals(page.event, viewer)
        if turned_away:
            body += b'"retry_after":%d,' % HELD_CAP_RETRY_S
            self.set_header("Retry-After", str(HELD_CAP_RETRY_S))
        self.write_json_prefix(200, body)

    async def _read(
        self, slug: str, event: Event, after: int, limit: int, wait: float, known_reads: int | None, viewer: Viewer
    ) -> tuple[Page | None, bool]:
        """The page to answer with, held up to `wait` seconds while there is nothing new (None if
        the client went away meanwhile), and whether the cap on held polls turned the hold away."""
        broker, client = self.services.broker, self.client_key()
        turned_away = wait > 0 and not broker.admit(client)
        if turned_away or wait <= 0:
            return await self.store.page(slug, event, after, limit, final=True, viewer=viewer), turned_away
        # Watch before reading, so that a commit between the read and the hold still wakes us.
        waiter = self._waiter = broker.watch(
            event.id,
            wants_reads=known_reads is not None,
            viewer=viewer,
            wants_typing=self._wants_typing,
            wants_signals=self._wants_signals,
        )
        try:
            page = await self.store.page(slug, event, after, limit, viewer=viewer)
            signalled = self._wants_signals and self.services.calls.pending(event.id, viewer, self._signals_after)
            if page.items or self._gone or signalled or await self._reads_news(page.event, known_reads):
                return (None if self._gone else page), False
            await broker.hold(waiter, wait)
            if self._gone:
                return None, False
            return await self.store.page(slug, page.event, after, limit, viewer=viewer), False
        finally:
            broker.release(waiter)
            broker.discharge(client)

    def _signals(self, event: Event, viewer: Viewer) -> bytes:
        """The call signals kept for this reader since `signals_after` (all that are kept without it),
        and the cursor for the next poll's `signals_after`; none for the public."""
        calls = self.services.calls
        cursor = calls.cursor()  # before the signals, with no await between: none is skipped
        frames = [signal.frame for signal in calls.pending(event.id, viewer, self._signals_after)]
        return b'"signals":[' + b",".join(frames) + b'],"signals_cursor":' + dumps(cursor).encode() + b","

    async def _reads_news(self, event: Event, known: int | None) -> bool:
        """Whether the client asked for read receipts and the event's are newer than its own."""
        return known is not None and await self.store.reads_version(event.id) > known

    async def post(self, slug: str) -> None:
        event = await self.store.get_event(slug)
        token = self.bearer_token()
        participant = await self.store.participant_by_token(event.id, token) if token else None
        if participant is None:
            staff = await self.staff(event)
            if staff is not None:  # the host, or a moderator, writing from the console
                return await self.post_as_staff(event, staff)
            raise Unauthorized(
                N_("A valid participant token for this event is required (Authorization: Bearer <token>); join first.")
            )
        body = self.json_body()
        files = file_ids(body)
        text = message_text(body, files)
        retry_key = client_id(body)
        to = recipient(body)
        reply_to = reply_target(body)
        limiter = self.services.limiter
        # The word filter runs here, on the loop, never inside the database's write; it keeps the
        # public chat clean (a private line reaches only its recipient, who may be the hosts).
        hold = to is None and matches(event.filter_words, text or "")
        item, created = await self.store.post_message(
            event.id,
            participant,
            text or "",
            retry_key,
            admit=lambda tx: limiter.check(participant.id, tx),
            hold=hold,
            to=to,
            reply_to=reply_to,
            files=files,
        )
        self.services.presence.touch(participant.id)
        if to is None:
            self.services.broker.stopped_typing(event.id, participant.id)
        if isinstance(item, Held):  # the word filter held it: 202, for its author's eyes and the hosts'
            self.write_json(202 if created else 200, {"held": item.to_json()})
            return
        self.posted(event, item, created)
        self.write_json(201 if created else 200, {"message": item.to_json()})

    def posted(self, event: Event, item: Item, created: bool) -> None:
        """After a new message commits: its link preview, in the background."""
        if created and self.services.previews is not None:
            self.services.previews.message_posted(event.id, item)

    async def post_as_staff(self, event: Event, staff: Staff) -> None:
        """A message with `role`, under the name chosen in the console (a moderator's own by default)."""
        body = self.json_body()
        files = file_ids(body)
        text = message_text(body, files)
        name = single_line(body, "name", NICKNAME_MAX, required=False) or staff.name or DEFAULT_HOST_NAME
        to = recipient(body)
        item, created = await self.store.post_as_staff(
            event.id, staff.role, name, text, client_id(body), to, reply_target(body), files
        )
        self.posted(event, item, created)
        self.write_json(201 if created else 200, {"message": item.to_json()})


def file_ids(body: dict[str, Any]) -> list[str]:
    """A post's `files`: absent, or 1-10 distinct ids of files the poster uploaded."""
    value = body.get("files")
    if value is None:
        return []
    if (
        not isinstance(value, list)
        or not 1 <= len(value) <= FILES_PER_MESSAGE
        or not all(isinstance(v, str) and FILE_ID.fullmatch(v) for v in value)
        or len(set(value)) != len(value)
    ):
        raise InvalidRequest(NOT_ATTACHABLE, field="files")
    return list(value)


def message_text(body: dict[str, Any], files: list[str]) -> str:
    """A post's text: required, unless it carries files (then it may be empty or absent)."""
    return multi_line(body, "body", BODY_MAX, required=not files, allow_empty=bool(files)) or ""


def recipient(body: dict[str, Any]) -> int | str | None:
    """A post's `to`: absent or null (public), "hosts", or a participant's id."""
    to = body.get("to")
    if to is None or to == TO_HOSTS:
        return to
    if isinstance(to, bool) or not isinstance(to, int) or not 1 <= to < 2**62:
        raise InvalidRequest(N_('{field} must be "hosts" or a participant\'s id.'), field="to")
    return to


def reply_target(body: dict[str, Any]) -> int | None:
    """A post's `reply_to`: absent or null, or the id of the item it answers."""
    return None if body.get("reply_to") is None else item_id(body, "reply_to")


def item_id(body: dict[str, Any], field: str) -> int:
    """A field naming an item of this event by its id (an integer >= 0)."""
    value = body.get(field)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidRequest(N_("{field} must be the id of an item of this event (an integer >= 0)."), field=field)
    return value


async def reads_json(store: Store, event: Event) -> dict[str, Any]:
    readers, version = await store.reads(event.id)
    return {
        "version": version,
        "by": [{"participant_id": p.id, "nickname": p.nickname, "last_read_id": p.public_read_id} for p in readers],
    }


class ReadsHandler(ApiHandler):
    """GET lists read receipts; POST moves the caller's last-read item forward (participant token)."""

    async def get(self, slug: str) -> None:
        event = await self.store.get_event(slug)
        receipts = await reads_json(self.store, event)
        self.write_json(200, {"reads": receipts["by"], "version": receipts["version"]})

    async def post(self, slug: str) -> None:
        event = await self.store.get_event(slug)
        participant = await self.require_participant(
            event, N_("A valid participant token for this event is required to report reads.")
        )
        stored = await self.store.mark_read(event.id, participant.id, item_id(self.json_body(), "last_read_id"))
        self.services.presence.touch(participant.id)
        self.write_json(200, {"participant_id": participant.id, "last_read_id": stored})


class AnnouncementsHandler(ApiHandler):
    """POST appends a host announcement."""

    async def post(self, slug: str) -> None:
        event = await self.store.get_event(slug)
        staff = await self.require_staff(event)
        text = multi_line(self.json_body(), "body", BODY_MAX)
        item = await self.store.announce(event.id, text or "", staff.actor)
        self.write_json(201, {"message": item.to_json()})
