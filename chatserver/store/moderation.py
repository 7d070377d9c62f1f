"""Moderation: moderators and their keys, mutes, redactions, and erasing an event's words."""

from __future__ import annotations

import json

from chatserver import credentials
from chatserver.backend import Transaction
from chatserver.errors import N_, EventClosed, Forbidden, InvalidRequest, NotFound
from chatserver.models import CLOSED, Action, Actor, Event, Held, Item, Moderator, Participant
from chatserver.operators import BY_RETENTION, EVENT, AuditBy
from chatserver.store.core import author_detail
from chatserver.store.files import Files
from chatserver.store.rows import (
    _EVENT_COLUMNS,
    _HELD_COLUMNS,
    _HELD_FROM,
    _ITEM_COLUMNS,
    _MODERATOR_COLUMNS,
    _PARTICIPANT_COLUMNS,
    _event,
    _held,
    _item,
    _moderator,
    _participant,
)
from chatserver.timefmt import Millis

MODERATORS_MAX = 50  # per event: more is a mistake or an attack
MUTE_MAX_MINUTES = 1440
NO_SUCH_MESSAGE = N_("There is no message {id} in this event.")


class Moderation(Files):
    """The Store's moderation: who may moderate an event, and what they and the host erase."""

    # -- moderators ------------------------------------------------------------------------------

    async def add_moderator(self, event_id: int, name: str, actor: Actor | None = None) -> tuple[Moderator, str]:
        """Give `name` a key of their own for this event; return the moderator and the key (shown once)."""
        key = credentials.new_secret()

        async def job(tx: Transaction) -> Moderator:
            now = self.clock()
            await self._open_event(tx, event_id, now)
            row = await tx.fetchone(
                "SELECT COUNT(*) FROM moderators WHERE event_id = ? AND revoked_at IS NULL", (event_id,)
            )
            if row is not None and row[0] >= MODERATORS_MAX:
                raise InvalidRequest(N_("An event has at most {max} moderators; revoke one first."), max=MODERATORS_MAX)
            row = await tx.fetchone(
                "INSERT INTO moderators (event_id, name, key_hash, created_at) VALUES (?, ?, ?, ?)"
                f" RETURNING {_MODERATOR_COLUMNS}",
                (event_id, name, credentials.hash_secret(key), now),
            )
            assert row is not None
            moderator = _moderator(row)
            await self._record(tx, event_id, actor, "add_moderator", now, detail={"name": name, "id": moderator.id})
            return moderator

        return await self.db.write(job), key

    async def revoke_moderator(self, event_id: int, moderator_id: int, actor: Actor | None = None) -> Moderator:
        """Stop a moderator's key from working; idempotent."""

        async def job(tx: Transaction) -> Moderator:
            now = self.clock()
            row = await tx.fetchone(
                "UPDATE moderators SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ? AND event_id = ?"
                f" RETURNING {_MODERATOR_COLUMNS}",
                (now, moderator_id, event_id),
            )
            if row is None:
                raise NotFound(N_("There is no moderator {id} in this event."), id=moderator_id)
            moderator = _moderator(row)
            await self._record(
                tx, event_id, actor, "revoke_moderator", now, detail={"name": moderator.name, "id": moderator_id}
            )
            return moderator

        return await self.db.write(job)

    async def moderators(self, event_id: int) -> list[Moderator]:
        """The event's moderators whose keys work, in the order they were added."""
        rows = await self.db.fetchall(
            f"SELECT {_MODERATOR_COLUMNS} FROM moderators WHERE event_id = ? AND revoked_at IS NULL ORDER BY id",
            (event_id,),
        )
        return [_moderator(row) for row in rows]

    async def moderator_by_key(self, event_id: int, key: str) -> Moderator | None:
        """The moderator of this event holding `key`, unless revoked."""
        row = await self.db.fetchone(
            f"SELECT {_MODERATOR_COLUMNS} FROM moderators WHERE key_hash = ?", (credentials.hash_secret(key),)
        )
        if row is None or row[1] != event_id or row[5] is not None:
            return None
        return _moderator(row)

    # -- mutes -----------------------------------------------------------------------------------

    async def mute(self, event_id: int, participant_id: int, minutes: int, actor: Actor | None = None) -> Participant:
        """Keep a participant from posting for `minutes` from now (0 lifts a mute)."""

        async def job(tx: Transaction) -> Participant:
            now = self.clock()
            await self._open_event(tx, event_id, now)
            row = await tx.fetchone(
                f"UPDATE participants SET muted_until = ? WHERE id = ? AND event_id = ? RETURNING {_PARTICIPANT_COLUMNS}",
                (now + minutes * 60_000 if minutes else 0, participant_id, event_id),
            )
            if row is None:
                raise NotFound(N_("There is no participant {id} in this event."), id=participant_id)
            participant = _participant(row)
            detail = {"nickname": participant.nickname, "minutes": minutes}
            await self._record(
                tx, event_id, actor, "mute" if minutes else "unmute", now, target=participant_id, detail=detail
            )
            return participant

        return await self.db.write(job)

    # -- held for review -------------------------------------------------------------------------

    async def held(self, event_id: int, participant_id: int | None = None) -> list[Held]:
        """Messages waiting for review, oldest first: all of them, or one participant's own."""
        mine = " AND held.participant_id = ?" if participant_id is not None else ""
        rows = await self.db.fetchall(
            f"SELECT {_HELD_COLUMNS} FROM {_HELD_FROM}"
            f" WHERE held.event_id = ? AND held.status = 'held'{mine} ORDER BY held.id LIMIT 500",
            (event_id, participant_id) if participant_id is not None else (event_id,),
        )
        return [_held(row) for row in rows]

    async def decide_held(self, event_id: int, held_id: int, approve: bool, actor: Actor | None = None) -> Held:
        """Approve a held message (it is appended to the stream as its author's, now) or reject it
        (its text is erased); either way it leaves the queue. Deciding twice is refused (404)."""

        async def job(tx: Transaction) -> Held:
            now = self.clock()
            event = await self._settle(tx, await self._event_in(tx, event_id), now)
            row = await tx.fetchone(
                f"SELECT {_HELD_COLUMNS} FROM {_HELD_FROM}"
                " WHERE held.event_id = ? AND held.id = ? AND held.status = 'held'",
                (event_id, held_id),
            )
            if row is None:
                raise NotFound(N_("There is no message {id} waiting for review."), id=held_id)
            held = _held(row)
            if approve:
                if event.state(now) == CLOSED:
                    raise EventClosed(N_("The event is closed; messages can no longer be posted."))
                item = await self._append(
                    tx,
                    event_id,
                    "message",
                    held.body,
                    now,
                    author=held.author,
                    participant_id=held.participant_id,
                    client_id=held.client_id,
                    data=held.data,
                )
                held.status, held.item_id = "approved", item.id
            else:
                held.status = "rejected"
            # The text now lives in the stream (approved) or nowhere (rejected); and the client_id
            # moves with it, so that a retry finds the item rather than this row.
            await tx.execute(
                "UPDATE held SET status = ?, item_id = ?, body = '', client_id = NULL, data = NULL WHERE id = ?",
                (held.status, held.item_id, held_id),
            )
            await self._decide_held_files(tx, held_id, held.item_id)
            detail = {"nickname": held.author}
            await self._record(
                tx, event_id, actor, "approve" if approve else "reject", now, target=held_id, detail=detail
            )
            return held

        return await self.db.write(job)

    # -- redaction and erasure -------------------------------------------------------------------

    async def redact(
        self, event_id: int, item_id: int, by_participant: int | None, actor: Actor | None = None
    ) -> Item | None:
        """Erase a message's text, by the host (by_participant None) or its author. Before the close
        it is a retraction (an item tells the readers); after it, the item is blanked in place and
        nothing is appended. Returns the retraction item, or None."""

        async def job(tx: Transaction) -> Item | None:
            now = self.clock()
            event = await self._settle(tx, await self._event_in(tx, event_id), now)
            row = await tx.fetchone(
                "SELECT kind, retracted, participant_id, author FROM items WHERE event_id = ? AND id = ?",
                (event_id, item_id),
            )
            if row is None or row[0] not in ("message", "announcement"):
                raise NotFound(NO_SUCH_MESSAGE, id=item_id)
            if by_participant is not None and row[2] != by_participant:
                raise Forbidden(N_("You can redact only your own messages."))
            await self._record(tx, event_id, actor, "redact", now, target=item_id, detail=author_detail(row[3]))
            if event.state(now) != CLOSED:
                if row[1]:
                    return None
                await self._blank(tx, event_id, item_id)
                return await self._append(tx, event_id, "retraction", "", now, target=item_id)
            await self._blank(tx, event_id, item_id)
            tx.tell(f"x {event_id} {item_id}")
            return None

        item = await self.db.write(job)
        await self.db.scrub()
        return item

    async def _blank(self, tx: Transaction, event_id: int, item_id: int) -> None:
        await tx.execute(
            "UPDATE items SET retracted = 1, body = '', data = NULL WHERE event_id = ? AND id = ?", (event_id, item_id)
        )
        await self._blank_edits(tx, event_id, item_id)
        await self._erase_files(tx, event_id, item_id)
        await self.index.remove(tx, event_id, item_id)
        await self.index.compact(tx)  # a redaction promises the words are gone from the files
        tx.after_commit(lambda: self.recent.retracted(event_id, item_id))

    async def due_erasures(self) -> list[Event]:
        """Closed events whose retention has run out and whose words are still stored."""
        rows = await self.db.fetchall(
            f"SELECT {_EVENT_COLUMNS} FROM events WHERE retention_days IS NOT NULL AND erased_at IS NULL AND phase = 2"
        )
        now = self.clock()
        return [event for event in map(_event, rows) if (event.erase_at() or now + 1) <= now]

    async def erase_event(self, event_id: int, now: Millis | None = None, by: AuditBy | None = BY_RETENTION) -> Event:
        """Erase the event's items, participants (and their read receipts) and moderators; the row
        stays, with erased_at, so that its pages can say when and why (410 gone). The audit log
        says who, the first time (by None: the caller logs it, as a series' erasure does)."""

        async def job(tx: Transaction) -> Event:
            at = now if now is not None else self.clock()
            before = await self._event_in(tx, event_id)  # locked: no append races the erasure
            if by is not None and before.erased_at is None:
                await self._audit(tx, by, "erase", EVENT, before.slug, before.title, at)
            await tx.execute("DELETE FROM reactions WHERE event_id = ?", (event_id,))
            for table in ("question_votes", "questions", "poll_votes", "polls"):  # Q&A's words and votes too
                await tx.execute(f"DELETE FROM {table} WHERE event_id = ?", (event_id,))
            await self._erase_event_files(tx, event_id)
            await self.index.erase(tx, event_id)
            await self.index.compact(tx)
            await tx.execute("DELETE FROM items WHERE event_id = ?", (event_id,))
            await tx.execute("DELETE FROM held WHERE event_id = ?", (event_id,))
            await tx.execute(
                "DELETE FROM participant_tokens WHERE participant_id IN (SELECT id FROM participants WHERE event_id = ?)",
                (event_id,),
            )
            await tx.execute("DELETE FROM participants WHERE event_id = ?", (event_id,))
            await tx.execute("DELETE FROM moderators WHERE event_id = ?", (event_id,))
            await tx.execute("DELETE FROM bans WHERE event_id = ?", (event_id,))
            await tx.execute("DELETE FROM actions WHERE event_id = ?", (event_id,))
            row = await tx.fetchone(
                f"UPDATE events SET erased_at = COALESCE(erased_at, ?) WHERE id = ? RETURNING {_EVENT_COLUMNS}",
                (at, event_id),
            )
            assert row is not None
            event = _event(row)
            tx.after_commit(lambda: self.recent.forget_items(event_id))
            tx.after_commit(lambda: self.boards.forget(event_id))
            tx.tell(f"x {event_id}")
            return await self._settle(tx, event, at, changed=True)

        event = await self.db.write(job)
        await self.db.scrub()
        return event

    async def actions(self, event_id: int, limit: int = 200) -> list[Action]:
        """The event's moderation log, newest first."""
        rows = await self.db.fetchall(
            "SELECT id, at, role, moderator_id, name, action, target, detail FROM actions"
            " WHERE event_id = ? ORDER BY id DESC LIMIT ?",
            (event_id, limit),
        )
        return [
            Action(
                row[0], row[1], Actor(row[2], row[3], row[4]), row[5], row[6], json.loads(row[7]) if row[7] else None
            )
            for row in rows
        ]

    async def erased_since(self, since: Millis) -> list[Event]:
        """Events erased at or after `since` (by another process, such as `chatserver erase`)."""
        rows = await self.db.fetchall(f"SELECT {_EVENT_COLUMNS} FROM events WHERE erased_at >= ?", (since,))
        return [_event(row) for row in rows]

    def forget_erased(self, event: Event) -> None:
        """Another process erased the event: drop what memory holds of its items, show its new row."""
        self.recent.forget_items(event.id)
        self._emit_event(event)

    async def closed_before(self, before: Millis) -> list[Event]:
        """Events that closed before `before` and whose words are still stored, oldest first."""
        rows = await self.db.fetchall(
            f"SELECT {_EVENT_COLUMNS} FROM events WHERE erased_at IS NULL AND phase = 2"
            " AND COALESCE(closed_early_at, ends_at) < ? ORDER BY id",
            (before,),
        )
        return [_event(row) for row in rows]

    async def item(self, event_id: int, item_id: int) -> Item | None:
        """One item as stored."""
        row = await self.db.fetchone(
            f"SELECT {_ITEM_COLUMNS} FROM items WHERE event_id = ? AND id = ?", (event_id, item_id)
        )
        return _item(row) if row is not None else None
