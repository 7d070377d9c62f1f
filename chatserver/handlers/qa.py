"""Q&A (API.md 1.1): asking, listing and voting on questions; the hosts set their status."""

from __future__ import annotations

from chatserver.errors import N_, InvalidRequest
from chatserver.handlers.base import ApiHandler, path_number
from chatserver.models import PUBLIC_VIEW, Viewer
from chatserver.qa import SETTABLE, SORTS, sorted_questions
from chatserver.store.qa import NO_SUCH_QUESTION
from chatserver.validation import BODY_MAX, multi_line, query_int
from chatserver.wordfilter import matches

# Questions one list answers with at most (the first by its order), by default and at most.
LIST_DEFAULT = 500
LIST_MAX = 1000


class QuestionsHandler(ApiHandler):
    """GET lists the questions the caller may see (from memory while the event is open); POST asks
    one (participant token, the event open and taking questions)."""

    async def get(self, slug: str) -> None:
        sort = self.get_query_argument("sort", None) or "top"
        if sort not in SORTS:
            raise InvalidRequest(N_("{field} must be top or new."), field="sort")
        limit = query_int(self.get_query_argument("limit", None), "limit", LIST_DEFAULT, 1, LIST_MAX)
        event = await self.store.get_event(slug)
        await self.require_readable(event)
        token = self.bearer_token()
        participant = await self.store.participant_by_token(event.id, token) if token else None
        viewer = Viewer(participant.id, sub=participant.sub) if participant is not None else PUBLIC_VIEW
        if participant is None and token is not None:
            viewer = await self.staff_view(event)
        questions = sorted_questions(await self.store.questions(event, viewer), sort)[:limit]
        voted = await self.store.question_votes_of(event.id, participant.id) if participant is not None else set()
        self.write_json(200, {"questions": [{**q.to_json(), "voted": q.id in voted} for q in questions]})

    async def post(self, slug: str) -> None:
        event = await self.store.get_event(slug)
        participant = await self.require_participant(
            event, N_("A valid participant token for this event is required to ask a question.")
        )
        text = (multi_line(self.json_body(), "body", BODY_MAX) or "").strip()
        limiter = self.services.limiter  # a question counts as a message toward the limit
        # The word filter runs here, on the loop, as for posts: a match waits for the hosts, pending.
        question = await self.store.ask(
            event.id,
            participant.id,
            text,
            admit=lambda tx: limiter.check(participant.id, tx),
            screened=matches(event.filter_words, text),
        )
        self.services.presence.touch(participant.id)
        self.write_json(201, {"question": question.to_json()})


class QuestionHandler(ApiHandler):
    """PATCH sets a question's status (host or moderator key)."""

    async def patch(self, slug: str, question_id: str) -> None:
        event = await self.store.get_event(slug)
        number = path_number(question_id, NO_SUCH_QUESTION)
        staff = await self.require_staff(event)
        body = self.json_body()
        unknown = sorted(set(body) - {"status"})
        if unknown:
            raise InvalidRequest(
                N_("{field} cannot be changed; editable fields: {fields}."), field=unknown[0], fields="status"
            )
        status = body.get("status")
        if status not in SETTABLE:
            raise InvalidRequest(N_("{field} must be open, answering, answered or dismissed."), field="status")
        question = await self.store.set_question_status(event.id, number, status, staff.actor)
        self.write_json(200, {"question": question.to_json()})


class QuestionVoteHandler(ApiHandler):
    """PUT votes for a question, DELETE takes the vote back (participant token); both idempotent."""

    async def put(self, slug: str, question_id: str) -> None:
        await self._vote(slug, question_id, add=True)

    async def delete(self, slug: str, question_id: str) -> None:
        await self._vote(slug, question_id, add=False)

    async def _vote(self, slug: str, question_id: str, add: bool) -> None:
        event = await self.store.get_event(slug)
        participant = await self.require_participant(
            event, N_("A valid participant token for this event is required to vote.")
        )
        number = path_number(question_id, NO_SUCH_QUESTION)
        limiter = self.services.vote_limiter
        question = await self.store.vote_question(
            event.id, number, participant.id, add, admit=lambda tx: limiter.check(participant.id, tx)
        )
        self.services.presence.touch(participant.id)
        self.write_json(200, {"question": {**question.to_json(), "voted": add}})
