"""Polls (API.md 1.1): a host opens and closes them; participants vote while they are open."""

from __future__ import annotations

from typing import Any

from chatserver.errors import N_, InvalidRequest
from chatserver.handlers.base import ApiHandler, path_number
from chatserver.models import CLOSED, PUBLIC_VIEW, Event, Viewer
from chatserver.qa import LIVE, RESULTS, Poll
from chatserver.store.polls import NO_SUCH_POLL
from chatserver.validation import optional_bool, single_line

POLL_QUESTION_MAX = 300
OPTION_MAX = 200
OPTIONS_MIN, OPTIONS_MAX = 2, 10


def poll_fields(body: dict[str, Any]) -> tuple[str, list[str], bool, str]:
    """A new poll's question, options (2-10 distinct non-empty texts), multiple, and results."""
    question = single_line(body, "question", POLL_QUESTION_MAX) or ""
    raw = body.get("options")
    if not isinstance(raw, list) or not OPTIONS_MIN <= len(raw) <= OPTIONS_MAX:
        raise InvalidRequest(
            N_("{field} must be a list of {lo} to {hi} texts."), field="options", lo=OPTIONS_MIN, hi=OPTIONS_MAX
        )
    options = [single_line({"options": text}, "options", OPTION_MAX) or "" for text in raw]
    if len({text.casefold() for text in options}) != len(options):
        raise InvalidRequest(N_("{field} must all differ from each other."), field="options")
    multiple = optional_bool(body, "multiple") or False
    results = body.get("results") if body.get("results") is not None else LIVE
    if results not in RESULTS:
        raise InvalidRequest(N_("{field} must be live, voted or closed."), field="results")
    return question, options, multiple, results


def vote_choices(body: dict[str, Any]) -> list[int]:
    """A vote's option indices: a non-empty list of distinct whole numbers from 0 (DELETE withdraws)."""
    raw = body.get("options")
    if (
        not isinstance(raw, list)
        or not 1 <= len(raw) <= OPTIONS_MAX
        or any(isinstance(i, bool) or not isinstance(i, int) or not 0 <= i < OPTIONS_MAX for i in raw)
    ):
        raise InvalidRequest(
            N_("{field} must be a list of 1 to {max} option indices (whole numbers from 0)."),
            field="options",
            max=OPTIONS_MAX,
        )
    if len(set(raw)) != len(raw):
        raise InvalidRequest(N_("{field} must not name an option twice."), field="options")
    return list(raw)


class PollReader(ApiHandler):
    """What the poll endpoints share: the Poll as its reader may see it."""

    def poll_json(self, event: Event, poll: Poll, viewer: Viewer, choices: list[int]) -> dict[str, Any]:
        closed = poll.closed_at is not None or event.state(self.store.clock()) == CLOSED
        shown = poll.shows_counts(viewer, bool(choices), closed)
        return {**poll.to_json(shown, closed), "voted": choices}


class PollsHandler(PollReader):
    """POST opens a poll (host or moderator key), appended as a `poll` item."""

    async def post(self, slug: str) -> None:
        event = await self.store.get_event(slug)
        staff = await self.require_staff(event)
        question, options, multiple, results = poll_fields(self.json_body())
        poll = await self.store.create_poll(event.id, question, options, multiple, results, staff.actor)
        self.write_json(201, {"poll": self.poll_json(event, poll, Viewer(staff=True), [])})


class PollHandler(PollReader):
    """GET a poll, its counts as the results option lets the caller see them."""

    async def get(self, slug: str, poll_id: str) -> None:
        event = await self.store.get_event(slug)
        number = path_number(poll_id, NO_SUCH_POLL)
        await self.require_readable(event)
        poll = await self.store.get_poll(event.id, number)
        token = self.bearer_token()
        participant = await self.store.participant_by_token(event.id, token) if token else None
        if participant is not None:
            viewer = Viewer(participant.id)
            choices = await self.store.poll_choices(event.id, number, participant.id)
        else:
            viewer, choices = (await self.staff_view(event) if token else PUBLIC_VIEW), []
        self.write_json(200, {"poll": self.poll_json(event, poll, viewer, choices)})


class PollVoteHandler(PollReader):
    """PUT sets the participant's choices while the poll is open; DELETE withdraws them."""

    async def put(self, slug: str, poll_id: str) -> None:
        await self._vote(slug, poll_id, withdraw=False)

    async def delete(self, slug: str, poll_id: str) -> None:
        await self._vote(slug, poll_id, withdraw=True)

    async def _vote(self, slug: str, poll_id: str, withdraw: bool) -> None:
        event = await self.store.get_event(slug)
        participant = await self.require_participant(
            event, N_("A valid participant token for this event is required to vote.")
        )
        number = path_number(poll_id, NO_SUCH_POLL)
        choices = None if withdraw else vote_choices(self.json_body())
        limiter = self.services.vote_limiter
        poll, chosen = await self.store.vote_poll(
            event.id, number, participant.id, choices, admit=lambda tx: limiter.check(participant.id, tx)
        )
        self.services.presence.touch(participant.id)
        self.write_json(200, {"poll": self.poll_json(event, poll, Viewer(participant.id), chosen)})


class PollCloseHandler(PollReader):
    """POST closes a poll (host or moderator key): a `poll_closed` item with the final counts."""

    async def post(self, slug: str, poll_id: str) -> None:
        event = await self.store.get_event(slug)
        number = path_number(poll_id, NO_SUCH_POLL)
        staff = await self.require_staff(event)
        poll = await self.store.close_poll(event.id, number, staff.actor)
        self.write_json(200, {"poll": self.poll_json(event, poll, Viewer(staff=True), [])})
