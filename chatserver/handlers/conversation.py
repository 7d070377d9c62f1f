"""Conversation (API.md 1.1): editing and deleting one's messages, reactions, typing, and search."""

from __future__ import annotations

from typing import Any

from chatserver.emojis import canonical_emoji, one_emoji
from chatserver.errors import N_, Banned, InvalidRequest
from chatserver.handlers.base import ApiHandler, path_number
from chatserver.models import OPEN, Item
from chatserver.search_text import QUERY_MAX, Term, snippet, terms
from chatserver.validation import BODY_MAX, multi_line, query_int
from chatserver.wordfilter import matches

NO_SUCH_MESSAGE = N_("There is no message {id} in this event.")
# Results of one search, by default and at most.
SEARCH_LIMIT = 20
SEARCH_LIMIT_MAX = 100


class MessageHandler(ApiHandler):
    """PATCH edits one's own message (participant token); DELETE retracts a message: any, with a
    host or moderator key; one's own, with the participant's token (`"by": "author"`)."""

    async def patch(self, slug: str, item_id: str) -> None:
        event = await self.store.get_event(slug)
        participant = await self.require_participant(
            event, N_("A valid participant token for this event is required to edit a message.")
        )
        number = path_number(item_id, NO_SUCH_MESSAGE)
        text = multi_line(self.json_body(), "body", BODY_MAX) or ""
        if not text.strip():
            raise InvalidRequest(N_("{field} must not be empty: delete the message instead."), field="body")
        limiter = self.services.limiter
        # The word filter runs here, on the loop, never inside the database's write (as for posts).
        edited = await self.store.edit_message(
            event.id,
            number,
            participant,
            text,
            admit=lambda tx: limiter.check(participant.id, tx),
            filtered=matches(event.filter_words, text),
        )
        self.services.presence.touch(participant.id)
        self.write_json(200, {"message": edited.to_json()})

    async def delete(self, slug: str, item_id: str) -> None:
        event = await self.store.get_event(slug)
        number = path_number(item_id, NO_SUCH_MESSAGE)
        token = self.bearer_token()
        participant = await self.store.participant_by_token(event.id, token) if token else None
        if participant is not None:
            item = await self.store.retract(event.id, number, by_author=participant)
        else:
            staff = await self.require_staff(event)
            item = await self.store.retract(event.id, number, staff.actor)
        self.write_json(200, {"message": item.to_json()})


class ReactionHandler(ApiHandler):
    """PUT adds the participant's reaction to a message, DELETE takes it back; both idempotent."""

    async def put(self, slug: str, item_id: str, emoji: str) -> None:
        await self._react(slug, item_id, emoji, add=True)

    async def delete(self, slug: str, item_id: str, emoji: str) -> None:
        await self._react(slug, item_id, emoji, add=False)

    async def _react(self, slug: str, item_id: str, raw: str, add: bool) -> None:
        event = await self.store.get_event(slug)
        participant = await self.require_participant(
            event, N_("A valid participant token for this event is required to react.")
        )
        number = path_number(item_id, NO_SUCH_MESSAGE)
        emoji = reaction_emoji(raw)
        limiter = self.services.reaction_limiter
        message, reaction = await self.store.react(
            event.id, number, participant, emoji, add, admit=lambda tx: limiter.check(participant.id, tx)
        )
        self.services.presence.touch(participant.id)
        self.write_json(
            200, {"message": message.to_json(), "reaction": reaction.to_json() if reaction is not None else None}
        )


def reaction_emoji(raw: str) -> str:
    """The path's emoji (Tornado has decoded it): exactly one, in its fully qualified form."""
    if len(raw) > 32 or not one_emoji(raw):
        raise InvalidRequest(N_("{field} must be exactly one emoji."), field="emoji")
    return canonical_emoji(raw)


class TypingHandler(ApiHandler):
    """POST: the participant is typing (never stored; readers show it for a few seconds)."""

    async def post(self, slug: str) -> None:
        event = await self.store.get_event(slug)
        participant = await self.require_participant(
            event, N_("A valid participant token for this event is required to say you are typing.")
        )
        if participant.banned:
            raise Banned()
        self.services.typing_limiter.check(participant.id)
        if event.state(self.store.clock()) == OPEN:  # before and after the event nobody hears it
            await self.store.typing(event.id, participant.id, participant.nickname)
        self.services.presence.touch(participant.id)
        self.write_json(200, {"typing": True})


def query_terms(query: str | None) -> list[Term]:
    """A search's terms: InvalidRequest (naming q) when it is missing, too long or holds no word.
    The pages' search boxes (handlers/page_search.py) say the same."""
    if query is None or not query.strip():
        raise InvalidRequest(N_("{field} is required: the words to search for."), field="q")
    if len(query) > QUERY_MAX:
        raise InvalidRequest(N_("{field} is too long: at most {max} characters."), field="q", max=QUERY_MAX)
    found = terms(query)
    if not found:
        raise InvalidRequest(N_("{field} holds no word to search for."), field="q")
    return found


def search_terms(handler: ApiHandler) -> tuple[list[Term], int]:
    """The query's terms (400 when it is too long or holds no word) and the number of results wanted."""
    found = query_terms(handler.get_query_argument("q", None))
    limit = query_int(handler.get_query_argument("limit", None), "limit", SEARCH_LIMIT, 1, SEARCH_LIMIT_MAX)
    return found, limit


def result_json(item: Item, found: list[Term]) -> dict[str, Any]:
    """One result: the message, a snippet of it, and where in the snippet the words matched."""
    text, marks = snippet(item.body, found)
    return {"message": item.to_json(), "snippet": text, "marks": [list(mark) for mark in marks]}


class SearchHandler(ApiHandler):
    """GET searches one event's messages and announcements (as readable as its transcript)."""

    async def get(self, slug: str) -> None:
        self.services.search_limiter.check(self.client_key())
        found, limit = search_terms(self)
        event = await self.store.get_event(slug)
        await self.require_readable(event)
        items = await self.store.search_event(event.id, found, limit)
        self.write_json(200, {"results": [result_json(item, found) for item in items]})


class SiteSearchHandler(ApiHandler):
    """GET searches the messages of every listed event whose transcript is public."""

    async def get(self) -> None:
        self.services.search_limiter.check(self.client_key())
        found, limit = search_terms(self)
        now = self.store.clock()
        results = await self.store.search_listed(found, limit)
        self.write_json(
            200,
            {"results": [{"event": event.to_json(now), **result_json(item, found)} for event, item in results]},
        )
