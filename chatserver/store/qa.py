"""Q&A (API.md 1.1): questions asked, voted on and moved through their status by the hosts."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

from chatserver.backend import Row, Transaction
from chatserver.errors import (
    N_,
    Banned,
    EventClosed,
    Muted,
    NotFound,
    NotOpen,
    QaOff,
    QuestionClosed,
    QuestionLimit,
    QuestionPending,
    RateLimited,
)
from chatserver.models import CLOSED, OPEN, SCHEDULED, Actor, Event, Viewer
from chatserver.qa import ANSWERED, ANSWERING, DISMISSED, LISTED, PENDING, STATUSES, VOTABLE, Question
from chatserver.store.stream import SLOW_MODE, refuse_posting
from chatserver.store.tally import Tally
from chatserver.timefmt import Millis

Admit = Callable[[Transaction], Awaitable[None]]
# Questions one participant may ask in one event: a flood stays bounded.
QUESTIONS_MAX = 50
# Questions one event takes in all: what memory holds of an open event's questions stays bounded.
EVENT_QUESTIONS_MAX = 5000
NO_SUCH_QUESTION = N_("There is no question {id} in this event.")
NOT_OPEN_YET = N_("The event has not started yet; questions and votes are taken once it opens.")
_QUESTION_COLUMNS = (
    "questions.id, questions.participant_id, participants.nickname, questions.body, questions.status,"
    " questions.votes, questions.created_at, questions.published"
)
_QUESTION_FROM = "questions JOIN participants ON participants.id = questions.participant_id"


def _question(row: Row) -> Question:
    return Question(row[0], row[1], row[2], row[3], row[4], row[5], row[6], bool(row[7]))


def refuse_voting(event: Event, now: Millis) -> None:
    """Votes, like questions, go only into an open event that takes questions."""
    state = event.state(now)
    if state == SCHEDULED:
        raise NotOpen(NOT_OPEN_YET)
    if state == CLOSED:
        raise EventClosed()


class Questions(Tally):
    """The Store's questions: asking, voting, status, and the list (from memory while open)."""

    async def _question_in(self, tx: Transaction, event_id: int, question_id: int, lock: bool = False) -> Question:
        row = await tx.fetchone(
            f"SELECT {_QUESTION_COLUMNS} FROM {_QUESTION_FROM} WHERE questions.event_id = ? AND questions.id = ?"
            + (tx.lock if lock else ""),
            (event_id, question_id),
        )
        if row is None:
            raise NotFound(NO_SUCH_QUESTION, id=question_id)
        return _question(row)

    async def ask(self, event_id: int, participant_id: int, body: str, admit: Admit, screened: bool) -> Question:
        """Append a participant's question as a message is posted (the same ban, mute, slow mode and
        rate limit). screened: the word filter matched (the caller checks): it waits, pending, as
        every question does in an event with qa_screening."""

        async def job(tx: Transaction) -> Question:
            now = self.clock()
            event = await self._settle(tx, await self._event_in(tx, event_id), now)
            current = await tx.fetchone(
                "SELECT banned, nickname, muted_until, last_posted_at FROM participants WHERE id = ?", (participant_id,)
            )
            if current is None or current[0]:
                raise Banned()
            refuse_posting(event, now)
            if not event.qa:
                raise QaOff()
            if current[2] > now:
                raise Muted(current[2] - now)
            wait_ms = current[3] + event.slow_mode * 1000 - now
            if event.slow_mode and wait_ms > 0:
                raise RateLimited(wait_ms / 1000, SLOW_MODE)
            asked = await tx.fetchone(
                "SELECT count(*) FROM questions WHERE participant_id = ? AND event_id = ?", (participant_id, event_id)
            )
            if asked is not None and int(asked[0]) >= QUESTIONS_MAX:
                raise QuestionLimit(max=QUESTIONS_MAX)
            asked = await tx.fetchone("SELECT count(*) FROM questions WHERE event_id = ?", (event_id,))
            if asked is not None and int(asked[0]) >= EVENT_QUESTIONS_MAX:
                raise QuestionLimit(
                    N_("This event has taken {max} questions, the most it takes."), max=EVENT_QUESTIONS_MAX
                )
            await admit(tx)
            await tx.execute("UPDATE participants SET last_posted_at = ? WHERE id = ?", (now, participant_id))
            status = PENDING if event.qa_screening or screened else "open"
            # A pending question is a private item to the hosts: only its author and the hosts learn of it.
            item = await self._append(
                tx, event_id, "question", body, now, author=current[1], participant_id=participant_id,
                data={"votes": 0, "status": status}, private=status == PENDING,
            )  # fmt: skip
            await tx.execute(
                "INSERT INTO questions (event_id, id, participant_id, body, status, published, votes, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, 0, ?)",
                (event_id, item.id, participant_id, body, status, int(status != PENDING), now),
            )
            question = Question(item.id, participant_id, current[1], body, status, 0, now, status != PENDING)
            tx.after_commit(lambda: self.boards.changed(event_id, question))
            return question

        return await self.db.write(job)

    async def set_question_status(
        self, event_id: int, question_id: int, status: str, actor: Actor | None = None
    ) -> Question:
        """A host or moderator moves a question (pending → open approves it). At most one is being
        answered: a new `answering` moves the previous one to `answered`. Each change appends a
        `question_status` item, public once the question was ever shown to everyone."""

        async def job(tx: Transaction) -> Question:
            now = self.clock()
            await self._open_event(tx, event_id, now)
            question = await self._question_in(tx, event_id, question_id, lock=True)
            if question.status == status:
                return question
            if status == ANSWERING:
                rows = await tx.fetchall(
                    f"SELECT {_QUESTION_COLUMNS} FROM {_QUESTION_FROM} WHERE questions.event_id = ?"
                    " AND questions.status = 'answering' AND questions.id <> ?",
                    (event_id, question_id),
                )
                for row in rows:
                    await self._change_status(tx, event_id, _question(row), ANSWERED, now, actor)
            changed = await self._change_status(tx, event_id, question, status, now, actor)
            await self._record(tx, event_id, actor, "question", now, target=question_id, detail={"status": status})
            return changed

        return await self.db.write(job)

    async def _change_status(
        self, tx: Transaction, event_id: int, question: Question, status: str, now: Millis, actor: Actor | None
    ) -> Question:
        published = question.published or status not in (PENDING, DISMISSED)
        await tx.execute(
            "UPDATE questions SET status = ?, published = ? WHERE event_id = ? AND id = ?",
            (status, int(published), event_id, question.id),
        )
        changed = Question(
            question.id, question.participant_id, question.author, question.body, status, question.votes,
            question.created_at, published,
        )  # fmt: skip
        # Never shown to everyone (a pending question dismissed): the item stays between its author and the hosts.
        await self._append(
            tx, event_id, "question_status", "", now, target=question.id,
            data={"status": status, "question": changed.to_json()}, private=not published,
            to_participant=None if published else question.participant_id,
            role=None if published else (actor.role if actor is not None else "host"),
        )  # fmt: skip
        tx.after_commit(lambda: self.boards.changed(event_id, changed))
        return changed

    async def vote_question(
        self, event_id: int, question_id: int, participant_id: int, add: bool, admit: Admit
    ) -> Question:
        """Add (or take back) the participant's vote; idempotent: no change appends and counts nothing.
        The count reaches the stream in the event's next `votes` item (Tally)."""

        async def job(tx: Transaction) -> tuple[Question, bool]:
            now = self.clock()
            event = await self._settle(tx, await self._event_in(tx, event_id), now)
            refuse_voting(event, now)
            if not event.qa:
                raise QaOff()
            banned = await tx.fetchone("SELECT banned FROM participants WHERE id = ?", (participant_id,))
            if banned is None or banned[0]:
                raise Banned()
            question = await self._question_in(tx, event_id, question_id)
            if not question.seen_by(Viewer(participant_id)):
                raise NotFound(NO_SUCH_QUESTION, id=question_id)
            if question.status == PENDING:
                raise QuestionPending()
            if question.status not in VOTABLE:
                raise QuestionClosed()
            key = (event_id, question_id, participant_id)
            had = await tx.fetchone(
                "SELECT 1 FROM question_votes WHERE event_id = ? AND question_id = ? AND participant_id = ?", key
            )
            if (had is not None) == add:
                return question, False
            await admit(tx)
            if add:
                await tx.execute(
                    "INSERT INTO question_votes (event_id, question_id, participant_id, created_at) VALUES (?, ?, ?, ?)",
                    (*key, now),
                )
            else:
                await tx.execute(
                    "DELETE FROM question_votes WHERE event_id = ? AND question_id = ? AND participant_id = ?", key
                )
            row = await tx.fetchone(
                "UPDATE questions SET votes = votes + ? WHERE event_id = ? AND id = ? RETURNING votes",
                (1 if add else -1, event_id, question_id),
            )
            assert row is not None
            question.votes = row[0]
            votes = question.votes
            tx.after_commit(lambda: self.boards.voted(event_id, question_id, votes))
            tx.after_commit(lambda: self._counted(event_id, question=question_id))
            return question, True

        question, _ = await self.db.write(job)
        return question

    async def questions(self, event: Event, viewer: Viewer) -> list[Question]:
        """The questions viewer may see, unsorted: from memory while the event is open."""
        if event.state(self.clock()) == OPEN:
            held = self.boards.get(event.id)
            if held is None:
                generation = self.boards.generation(event.id)
                held = await self._read_questions(event.id)
                self.boards.keep(event.id, held, generation)
        else:
            held = await self._read_questions(event.id)
        return [q for q in held if q.seen_by(viewer)]

    async def _read_questions(self, event_id: int) -> list[Question]:
        rows = await self.db.fetchall(
            f"SELECT {_QUESTION_COLUMNS} FROM {_QUESTION_FROM} WHERE questions.event_id = ?", (event_id,)
        )
        return [_question(row) for row in rows]

    async def shown_questions(
        self, event_id: int, viewer: Viewer, page_size: int = 500
    ) -> AsyncIterator[list[Question]]:
        """A transcript's questions, most votes first, a page at a time: the public's those shown to
        everyone; the hosts' every one."""
        statuses = STATUSES if viewer.staff else LISTED
        offset = 0
        while True:
            rows = await self.db.fetchall(
                f"SELECT {_QUESTION_COLUMNS} FROM {_QUESTION_FROM} WHERE questions.event_id = ?"
                f" AND questions.status IN ({', '.join('?' * len(statuses))})"
                " ORDER BY questions.votes DESC, questions.created_at, questions.id LIMIT ? OFFSET ?",
                (event_id, *statuses, page_size, offset),
            )
            if rows:
                yield [_question(row) for row in rows]
            if len(rows) < page_size:
                return
            offset += page_size

    async def question_votes_of(self, event_id: int, participant_id: int) -> set[int]:
        """The questions of the event the participant voted for."""
        rows = await self.db.fetchall(
            "SELECT question_id FROM question_votes WHERE participant_id = ? AND event_id = ?",
            (participant_id, event_id),
        )
        return {row[0] for row in rows}
