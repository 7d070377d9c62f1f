"""The stream: long-poll reads, posts, announcements and retractions."""

from __future__ import annotations

import re
from typing import Any

from chatserver import readers
from chatserver.errors import N_, InvalidRequest, Unauthorized
from chatserver.handlers.base import ApiHandler
from chatserver.models import TO_HOSTS, Event, Held, Item, Participant, Viewer
from chatserver.polling import HELD_CAP_RETRY_S, Poll, PollArgs, reads_json
from chatserver.readers import Staff
from chatserver.store.files import FILES_PER_MESSAGE, NOT_ATTACHABLE
from chatserver.validation import (
    BODY_MAX,
    NICKNAME_MAX,
    client_id,
    multi_line,
    single_line,
)
from chatserver.wordfilter import matches

# The name under a host's message when the console gives none (a person's name reads better).
DEFAULT_HOST_NAME = "Host"
FILE_ID = re.compile(r"[A-Za-z0-9_-]{16,64}")


class StreamReader(ApiHandler):
    """What the long poll and the SSE stream share: the event and cursor checks (readers.py), and
    knowing when the client has gone away."""

    _gone = False

    async def event_at(self, slug: str, after: int) -> Event:
        """The event, checking that `after` is not ahead and that the reader may read it."""
        return await readers.event_at(self.store, self.bearer_token(), slug, after)

    async def participant(self, event: Event) -> Participant | None:
        """The reader, when the request carries a valid token of someone not banned: it counts as online."""
        return await readers.participant_of(self.services, self.bearer_token(), event)

    async def viewer(self, event: Event, participant: Participant | None) -> Viewer:
        """Whose view of the stream this is: the participant's own, the hosts', or the public's."""
        return await readers.viewer_of(self.store, self.bearer_token(), event, participant)

    def on_connection_close(self) -> None:
        super().on_connection_close()
        self._gone = True


class MessagesHandler(StreamReader):
    """GET reads and long-polls the stream (public); POST posts a message (participant token).
    A plain poll usually comes by read_path.py instead, which answers through the same Poll."""

    _poll: Poll | None = None

    async def get(self, slug: str) -> None:
        args = PollArgs.parse(lambda name: self.get_query_argument(name, None), self.services)
        poll = self._poll = Poll(self.services, args, self.bearer_token(), self.client_key())
        await poll.begin(slug)
        if self._gone:
            return
        body = await poll.answer()
        if body is None:
            return  # the client went away while the poll was held
        if poll.turned_away:
            self.set_header("Retry-After", str(HELD_CAP_RETRY_S))
        self.finish(body)

    def on_connection_close(self) -> None:
        super().on_connection_close()
        if self._poll is not None:
            self._poll.gone()

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
