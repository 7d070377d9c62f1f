"""Q&A and polls as the API shows them (API.md 1.1): questions and polls, who sees what of them, and
the questions of open events kept in memory (`Boards`), so that reading the list costs no query."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from chatserver.models import Viewer
from chatserver.timefmt import Millis, format_time

PENDING, OPEN, ANSWERING, ANSWERED, DISMISSED = "pending", "open", "answering", "answered", "dismissed"
STATUSES = (PENDING, OPEN, ANSWERING, ANSWERED, DISMISSED)
# What a host or moderator may set (pending is only where a screened question starts).
SETTABLE = (OPEN, ANSWERING, ANSWERED, DISMISSED)
VOTABLE = (OPEN, ANSWERING)
# Shown to everyone; a pending or dismissed question only to its author and the hosts.
LISTED = (OPEN, ANSWERING, ANSWERED)
SORTS = ("top", "new")

# Who sees a poll's counts while it is open: everyone, those who voted, or the hosts alone. Once it
# (or its event) is closed, everyone.
LIVE, VOTED, AT_CLOSE = "live", "voted", "closed"
RESULTS = (LIVE, VOTED, AT_CLOSE)

# The stream's kinds: a question asked (its item id is the question's id), a question's new status,
# a poll opened (its item id is the poll's id), a poll closed with its final counts, and the votes
# counted since the last such item (coalesced, about once a second per event).
QA_KINDS = frozenset({"question", "question_status", "poll", "poll_closed", "votes"})

# Events whose questions memory holds at once; the least recently read is dropped beyond.
BOARDS_MAX = 1000


@dataclass(slots=True)
class Question:
    """One question of an event's Q&A; `id` is the id of the `question` item that asked it."""

    id: int
    participant_id: int
    author: str
    body: str
    status: str
    votes: int
    created_at: Millis
    published: bool  # ever shown to everyone: its status items are public

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "body": self.body,
            "author": self.author,
            "participant_id": self.participant_id,
            "created_at": format_time(self.created_at),
            "votes": self.votes,
            "status": self.status,
        }

    def seen_by(self, viewer: Viewer) -> bool:
        """Whether viewer finds it in the list: the hosts every one, its author their own, the public
        those shown to everyone."""
        return viewer.staff or self.status in LISTED or viewer.participant_id == self.participant_id


def sorted_questions(questions: list[Question], sort: str) -> list[Question]:
    """top: most votes first, then the older; new: the newest first."""
    if sort == "new":
        return sorted(questions, key=lambda q: -q.id)
    return sorted(questions, key=lambda q: (-q.votes, q.created_at, q.id))


@dataclass(slots=True)
class Poll:
    """A host's poll; `id` is the id of the `poll` item that opened it."""

    id: int
    question: str
    options: list[str]
    multiple: bool
    results: str
    counts: list[int]
    voters: int
    created_at: Millis
    closed_at: Millis | None

    def shows_counts(self, viewer: Viewer, voted: bool, closed: bool) -> bool:
        """Whether viewer may see the counts now (the host's results option)."""
        return closed or self.results == LIVE or viewer.staff or (self.results == VOTED and voted)

    def to_json(self, counts_shown: bool = True, closed: bool | None = None) -> dict[str, Any]:
        """The Poll object; the counts are null where the reader may not see them yet."""
        return {
            "id": self.id,
            "question": self.question,
            "options": [
                {"text": text, "votes": count if counts_shown else None}
                for text, count in zip(self.options, self.counts, strict=True)
            ],
            "voters": self.voters,
            "closed": self.closed_at is not None if closed is None else closed,
            "multiple": self.multiple,
            "results": self.results,
            "created_at": format_time(self.created_at),
        }

    def public_counts(self) -> bool:
        """Whether everyone may see its counts now, so they may go into a public `votes` item."""
        return self.results == LIVE or self.closed_at is not None


class Boards:
    """The questions of events read lately, as committed: kept current by this process's commits
    (after commit) and dropped when another process's Q&A item arrives, so the next read loads
    them again. A load that a commit overtook is not kept (the generation check)."""

    def __init__(self, max_events: int = BOARDS_MAX) -> None:
        self.max_events = max_events
        self._boards: OrderedDict[int, dict[int, Question]] = OrderedDict()
        self._generations: dict[int, int] = {}
        self._epoch = 0

    def generation(self, event_id: int) -> tuple[int, int]:
        """Taken before a load; keep() stores the load only if nothing changed meanwhile."""
        return self._epoch, self._generations.get(event_id, 0)

    def get(self, event_id: int) -> list[Question] | None:
        board = self._boards.get(event_id)
        if board is None:
            return None
        self._boards.move_to_end(event_id)
        return list(board.values())

    def keep(self, event_id: int, questions: list[Question], generation: tuple[int, int]) -> None:
        if generation != self.generation(event_id):
            return
        self._boards[event_id] = {q.id: q for q in questions}
        while len(self._boards) > self.max_events:
            self._boards.popitem(last=False)

    def _bump(self, event_id: int) -> None:
        if len(self._generations) > 10 * self.max_events:
            self._generations.clear()  # a new epoch: every load begun before is refused
            self._epoch += 1
        self._generations[event_id] = self._generations.get(event_id, 0) + 1

    def changed(self, event_id: int, question: Question) -> None:
        """A question was asked or changed status (after its commit)."""
        self._bump(event_id)
        board = self._boards.get(event_id)
        if board is not None:
            board[question.id] = question

    def voted(self, event_id: int, question_id: int, votes: int) -> None:
        """A question's count as a vote's transaction read it (after its commit)."""
        self._bump(event_id)
        board = self._boards.get(event_id)
        if board is not None and question_id in board:
            board[question_id].votes = votes

    def forget(self, event_id: int) -> None:
        """Another process changed the event's questions: read them again next time."""
        self._bump(event_id)
        self._boards.pop(event_id, None)
