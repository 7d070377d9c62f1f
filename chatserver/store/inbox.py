"""The hosts' inbox: notices to chosen users, and the read and done marks the hosts share."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from chatserver.backend import Row, Transaction
from chatserver.errors import N_, InvalidRequest, NotFound
from chatserver.models import Item
from chatserver.store.core import refuse_beyond_newest
from chatserver.store.stream import Stream, refuse_posting
from chatserver.timefmt import Millis, format_time

NOTICE = "notice"
THREAD = "thread"  # a mark on a participant's private thread, seen by the hosts and moderators only
ROWS_PER_INSERT = 400  # notices written per INSERT: far below either engine's cap on parameters
IDS_PER_QUERY = 500  # participant ids or subs looked up per statement


@dataclass(frozen=True, slots=True)
class Recipients:
    """Whom a notice goes to: participant ids and app user ids (subs), each once."""

    participants: tuple[int, ...] = ()
    users: tuple[str, ...] = ()

    @property
    def count(self) -> int:
        return len(self.participants) + len(self.users)


@dataclass(frozen=True, slots=True)
class NoticeSummary:
    """One sending of a notice, as the host console shows it."""

    first_id: int
    created_at: Millis
    author: str | None
    body: str
    sent: int
    delivered: int  # its recipient has joined (a user named by sub may not have yet)
    read: int  # its recipient's reads passed it

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.first_id,
            "created_at": format_time(self.created_at),
            "author": self.author,
            "body": self.body,
            "sent": self.sent,
            "delivered": self.delivered,
            "read": self.read,
        }


def _chunks(values: tuple[Any, ...], size: int) -> list[tuple[Any, ...]]:
    return [values[i : i + size] for i in range(0, len(values), size)]


async def _rows_in(
    fetchall: Callable[[str, tuple[Any, ...]], Awaitable[list[Row]]], sql: str, event_id: int, values: tuple[Any, ...]
) -> list[Row]:
    """The rows of `sql` (an event's, `{marks}` its IN list) for every value, a few hundred at a time."""
    rows: list[Row] = []
    for part in _chunks(values, IDS_PER_QUERY):
        rows += await fetchall(sql.format(marks=", ".join("?" * len(part))), (event_id, *part))
    return rows


class Inbox(Stream):
    """The Store's side of the hosts' inbox."""

    async def send_notices(
        self,
        event_id: int,
        role: str,
        author: str,
        body: str,
        to: Recipients,
        client_id: str | None = None,
        admit: Callable[[Transaction], Awaitable[None]] | None = None,
    ) -> tuple[int, bool]:
        """Append one private notice per recipient, in one transaction; return how many were sent and
        whether this call sent them (a repeated client_id sends nothing again). A participant id of
        another event or none: 400, nothing sent. Banned recipients are left out. A sub that has
        joined gets the notice as that participant; one that has not finds it on joining. admit(tx)
        runs after the retry check and may refuse the sending (the hosts' rate limit)."""

        async def job(tx: Transaction) -> tuple[int, bool]:
            now = self.clock()
            event = await self._settle(tx, await self._event_in(tx, event_id), now)
            if client_id is not None:
                row = await tx.fetchone(
                    "SELECT count(*) FROM items WHERE participant_id IS NULL AND client_id = ? AND event_id = ?"
                    " AND kind = 'notice'",
                    (client_id, event_id),
                )
                if row is not None and row[0]:
                    return int(row[0]), False
            refuse_posting(event, now)
            if admit is not None:
                await admit(tx)
            rows = await _rows_in(
                tx.fetchall,
                "SELECT id, banned FROM participants WHERE event_id = ? AND id IN ({marks})",
                event_id,
                to.participants,
            )
            participants = {int(r[0]): bool(r[1]) for r in rows}  # id -> banned
            unknown = next((p for p in to.participants if p not in participants), None)
            if unknown is not None:
                raise InvalidRequest(
                    N_("{field} names {id}, which is no participant of this event."), field="participants", id=unknown
                )
            rows = await _rows_in(
                tx.fetchall,
                "SELECT sub, id, banned FROM participants WHERE event_id = ? AND sub IN ({marks})",
                event_id,
                to.users,
            )
            joined = {str(r[0]): (int(r[1]), bool(r[2])) for r in rows}  # sub -> (participant id, banned)
            by_id = [p for p, banned in participants.items() if not banned]
            by_sub: list[str] = []
            for sub in to.users:
                if sub not in joined:
                    by_sub.append(sub)
                elif not joined[sub][1] and joined[sub][0] not in participants:
                    by_id.append(joined[sub][0])
                    participants[joined[sub][0]] = False  # named twice: one notice
            targets: list[tuple[int | None, str | None]] = [(p, None) for p in by_id] + [(None, s) for s in by_sub]
            if targets:
                await self._append_notices(tx, event_id, role, author, body, now, client_id, targets)
            return len(targets), True

        return await self.db.write(job)

    async def _append_notices(
        self,
        tx: Transaction,
        event_id: int,
        role: str,
        author: str,
        body: str,
        now: Millis,
        client_id: str | None,
        targets: list[tuple[int | None, str | None]],
    ) -> None:
        """Append the notices with ids taken at once and rows written a few hundred at a time: a
        sending to 10,000 users is a few dozen statements, not 20,000."""
        row = await tx.fetchone(
            "UPDATE events SET last_item_id = last_item_id + ? WHERE id = ? RETURNING last_item_id",
            (len(targets), event_id),
        )
        assert row is not None
        first = int(row[0]) - len(targets) + 1
        items = [
            Item(first + n, NOTICE, None, author, None, body, now, client_id, None, False, None, role, True, p, s)
            for n, (p, s) in enumerate(targets)
        ]
        for part in _chunks(tuple(items), ROWS_PER_INSERT):
            values = ", ".join(["(?, ?, 'notice', ?, ?, ?, ?, ?, 1, ?, ?)"] * len(part))
            params: list[Any] = []
            for item in part:
                params += [event_id, item.id, author, body, now, client_id, role, item.to_participant, item.to_sub]
            await tx.execute(
                "INSERT INTO items (event_id, id, kind, author, body, created_at, client_id, role, private,"
                f" to_participant, to_sub) VALUES {values}",
                params,
            )

        def emit() -> None:
            for item in items:
                self._emit_item(event_id, item)

        tx.after_commit(emit)
        tx.tell(f"i {event_id} {items[-1].id}")  # another process reads every item up to the last

    async def notices(self, event_id: int, limit: int = 50) -> list[NoticeSummary]:
        """The event's sendings of notices, newest first, with how many reached and were read by
        their recipients (one sending: the notices of one time, author and text)."""
        rows = await self.db.fetchall(
            "SELECT min(items.id), items.created_at, items.author, items.body, count(*), count(participants.id),"
            " sum(CASE WHEN participants.last_read_id >= items.id THEN 1 ELSE 0 END)"
            " FROM items LEFT JOIN participants ON participants.event_id = items.event_id"
            " AND (participants.id = items.to_participant OR participants.sub = items.to_sub)"
            " WHERE items.event_id = ? AND items.kind = 'notice'"
            " GROUP BY items.created_at, items.author, items.body ORDER BY min(items.id) DESC LIMIT ?",
            (event_id, limit),
        )
        return [NoticeSummary(int(r[0]), Millis(r[1]), r[2], r[3], int(r[4]), int(r[5]), int(r[6] or 0)) for r in rows]

    async def mark_thread(
        self, event_id: int, participant_id: int, role: str, author: str, read: int | None, done: bool | None
    ) -> Item:
        """Mark a participant's private thread read up to an item, or done (or not), for every host and
        moderator: the mark is an item of the stream that only they see."""

        async def job(tx: Transaction) -> Item:
            now = self.clock()
            event = await self._open_event(tx, event_id, now)
            row = await tx.fetchone(
                "SELECT 1 FROM participants WHERE id = ? AND event_id = ?", (participant_id, event_id)
            )
            if row is None:
                raise NotFound(N_("There is no participant {id} in this event."), id=participant_id)
            if read is not None:
                refuse_beyond_newest(event, read, "read")
            data: dict[str, Any] = {}
            if read is not None:
                data["read"] = read
            if done is not None:
                data["done"] = done
            return await self._append(
                tx, event_id, THREAD, "", now, author=author, target=participant_id, data=data, role=role, private=True
            )

        return await self.db.write(job)

    async def nicknames(self, event_id: int, ids: set[int]) -> dict[int, str]:
        """The nicknames of some of the event's participants, by id."""
        rows = await _rows_in(
            self.db.fetchall,
            "SELECT id, nickname FROM participants WHERE event_id = ? AND id IN ({marks})",
            event_id,
            tuple(sorted(ids)),
        )
        return {int(r[0]): str(r[1]) for r in rows}
