"""Polls (API.md 1.1): opened by a host, voted on by participants while open, closed with final counts."""

from __future__ import annotations

import json

from chatserver.backend import Row, Transaction
from chatserver.errors import N_, Banned, InvalidRequest, NotFound, PollClosed, PollLimit
from chatserver.models import CLOSED, Actor, Event
from chatserver.qa import Poll
from chatserver.store.qa import Admit, Questions, refuse_voting

# Polls open at once in one event: a leaked or careless host key cannot fill the stream with them.
OPEN_POLLS_MAX = 20
NO_SUCH_POLL = N_("There is no poll {id} in this event.")
_POLL_COLUMNS = "id, question, options, multiple, results, counts, voters, created_at, closed_at"


def _poll(row: Row) -> Poll:
    return Poll(row[0], row[1], json.loads(row[2]), bool(row[3]), row[4], json.loads(row[5]), row[6], row[7], row[8])


def check_choices(poll: Poll, choices: list[int]) -> None:
    """The option indices one vote names: within the poll's options, and one unless it takes several."""
    if any(choice >= len(poll.options) for choice in choices):
        raise InvalidRequest(
            N_("{field} must name options of this poll: indices from 0 to {last}."),
            field="options",
            last=len(poll.options) - 1,
        )
    if len(choices) > 1 and not poll.multiple:
        raise InvalidRequest(N_("{field} must name one option: this poll takes a single choice."), field="options")


class Polls(Questions):
    """The Store's polls."""

    async def _poll_in(self, tx: Transaction, event_id: int, poll_id: int) -> Poll:
        # Locked on PostgreSQL: two votes on one poll, in two processes, count in turn.
        row = await tx.fetchone(
            f"SELECT {_POLL_COLUMNS} FROM polls WHERE event_id = ? AND id = ?{tx.lock}", (event_id, poll_id)
        )
        if row is None:
            raise NotFound(NO_SUCH_POLL, id=poll_id)
        return _poll(row)

    async def create_poll(
        self, event_id: int, question: str, options: list[str], multiple: bool, results: str, actor: Actor | None = None
    ) -> Poll:
        """Open a poll (the event not closed): a `poll` item, whose id is the poll's."""

        async def job(tx: Transaction) -> Poll:
            now = self.clock()
            await self._open_event(tx, event_id, now)
            row = await tx.fetchone("SELECT count(*) FROM polls WHERE event_id = ? AND closed_at IS NULL", (event_id,))
            if row is not None and int(row[0]) >= OPEN_POLLS_MAX:
                raise PollLimit(max=OPEN_POLLS_MAX)
            counts = [0] * len(options)
            draft = Poll(0, question, options, multiple, results, counts, 0, now, None)
            data = {k: v for k, v in draft.to_json().items() if k not in ("id", "created_at")}
            item = await self._append(tx, event_id, "poll", question, now, data=data)
            await tx.execute(
                "INSERT INTO polls (event_id, id, question, options, multiple, results, counts, voters, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?)",
                (event_id, item.id, question, json.dumps(options), int(multiple), results, json.dumps(counts), now),
            )
            await self._record(tx, event_id, actor, "poll", now, target=item.id)
            return Poll(item.id, question, options, multiple, results, counts, 0, now, None)

        return await self.db.write(job)

    async def vote_poll(
        self, event_id: int, poll_id: int, participant_id: int, choices: list[int] | None, admit: Admit
    ) -> tuple[Poll, list[int]]:
        """Set (None: withdraw) the participant's choices while the poll is open; the same choices
        again change and count nothing. Returns the poll and the participant's choices now."""

        async def job(tx: Transaction) -> tuple[Poll, list[int]]:
            now = self.clock()
            event = await self._settle(tx, await self._event_in(tx, event_id), now)
            refuse_voting(event, now)
            banned = await tx.fetchone("SELECT banned FROM participants WHERE id = ?", (participant_id,))
            if banned is None or banned[0]:
                raise Banned()
            poll = await self._poll_in(tx, event_id, poll_id)
            if poll.closed_at is not None:
                raise PollClosed()
            wanted = sorted(choices) if choices is not None else []
            check_choices(poll, wanted)
            key = (event_id, poll_id, participant_id)
            row = await tx.fetchone(
                "SELECT choices FROM poll_votes WHERE event_id = ? AND poll_id = ? AND participant_id = ?", key
            )
            before: list[int] = json.loads(row[0]) if row is not None else []
            if before == wanted:
                return poll, before
            await admit(tx)
            for choice in before:
                poll.counts[choice] -= 1
            for choice in wanted:
                poll.counts[choice] += 1
            poll.voters += (1 if wanted else 0) - (1 if before else 0)
            await tx.execute("DELETE FROM poll_votes WHERE event_id = ? AND poll_id = ? AND participant_id = ?", key)
            if wanted:
                await tx.execute(
                    "INSERT INTO poll_votes (event_id, poll_id, participant_id, choices, created_at)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (*key, json.dumps(wanted), now),
                )
            await tx.execute(
                "UPDATE polls SET counts = ?, voters = ? WHERE event_id = ? AND id = ?",
                (json.dumps(poll.counts), poll.voters, event_id, poll_id),
            )
            tx.after_commit(lambda: self._counted(event_id, poll=poll_id))
            return poll, wanted

        return await self.db.write(job)

    async def close_poll(self, event_id: int, poll_id: int, actor: Actor | None = None) -> Poll:
        """Close a poll for good: a `poll_closed` item with its final counts, for everyone. Idempotent."""

        async def job(tx: Transaction) -> Poll:
            now = self.clock()
            await self._open_event(tx, event_id, now)
            poll = await self._poll_in(tx, event_id, poll_id)
            if poll.closed_at is not None:
                return poll
            await tx.execute("UPDATE polls SET closed_at = ? WHERE event_id = ? AND id = ?", (now, event_id, poll_id))
            poll.closed_at = now
            await self._append(tx, event_id, "poll_closed", "", now, target=poll_id, data={"poll": poll.to_json()})
            await self._record(tx, event_id, actor, "close_poll", now, target=poll_id)
            return poll

        return await self.db.write(job)

    async def get_poll(self, event_id: int, poll_id: int) -> Poll:
        row = await self.db.fetchone(
            f"SELECT {_POLL_COLUMNS} FROM polls WHERE event_id = ? AND id = ?", (event_id, poll_id)
        )
        if row is None:
            raise NotFound(NO_SUCH_POLL, id=poll_id)
        return _poll(row)

    async def poll_choices(self, event_id: int, poll_id: int, participant_id: int) -> list[int]:
        """The options the participant chose in the poll ([]: none)."""
        row = await self.db.fetchone(
            "SELECT choices FROM poll_votes WHERE event_id = ? AND poll_id = ? AND participant_id = ?",
            (event_id, poll_id, participant_id),
        )
        return json.loads(row[0]) if row is not None else []

    async def polls_of(self, event: Event) -> list[Poll]:
        """Every poll of the event, oldest first (a transcript's; an event's polls are at most its items)."""
        rows = await self.db.fetchall(f"SELECT {_POLL_COLUMNS} FROM polls WHERE event_id = ? ORDER BY id", (event.id,))
        polls = [_poll(row) for row in rows]
        if event.state(self.clock()) == CLOSED:
            for poll in polls:  # a poll left open when its event closed ends with it
                poll.closed_at = poll.closed_at or event.closes_at()
        return polls
