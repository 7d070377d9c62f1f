"""People: participants joining, their tokens, bans and read receipts."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from chatserver import credentials
from chatserver.backend import Transaction
from chatserver.errors import (
    N_,
    Banned,
    EventClosed,
    Forbidden,
    JoinsLocked,
    NicknameTaken,
    NotFound,
)
from chatserver.models import CLOSED, Actor, Event, Participant
from chatserver.store.core import StoreCore, refuse_beyond_newest
from chatserver.store.rows import _PARTICIPANT_COLUMNS, _participant
from chatserver.timefmt import Millis
from chatserver.validation import nickname_key, refuse_reserved

NICKNAME_TAKEN = N_("The nickname '{nickname}' is taken in this event; choose another.")


class People(StoreCore):
    """The Store's participants and how far each has read."""

    # -- participants --------------------------------------------------------------------------

    async def join(
        self, event_id: int, nickname: str, device: str | None = None, address: str | None = None
    ) -> tuple[Participant, str]:
        """Add a participant; return it with its bearer token (stored only as a hash). device: the
        browser's own id, address: the request's address key; a ban covers them (hashed) too."""
        token = credentials.new_secret()
        key = nickname_key(nickname)
        device_hash = credentials.hash_secret(device) if device else None
        address_hash = address_digest(event_id, address) if address else None

        async def job(tx: Transaction) -> Participant:
            now = self.clock()
            event = await self._settle(tx, await self._event_in(tx, event_id), now)
            await self.check_joining(tx, event, now, device_hash, address_hash)
            if await tx.fetchone("SELECT 1 FROM participants WHERE event_id = ? AND nickname_key = ?", (event_id, key)):
                raise NicknameTaken(NICKNAME_TAKEN, nickname=nickname)
            row = await tx.fetchone(
                "INSERT INTO participants (event_id, nickname, nickname_key, token_hash, created_at, device_hash,"
                f" address_hash) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING {_PARTICIPANT_COLUMNS}",
                (event_id, nickname, key, credentials.hash_secret(token), now, device_hash, address_hash),
            )
            assert row is not None
            if event.join_items:
                await self._append(tx, event_id, "system", f"{nickname} joined.", now, code="joined")
            return _participant(row)

        return await self.db.write(job), token

    async def check_joining(
        self, tx: Transaction, event: Event, now: Millis, device_hash: bytes | None, address_hash: bytes | None
    ) -> None:
        """Refuse a new participant: the event closed, joins locked, or a ban on the device or address."""
        if event.state(now) == CLOSED:
            raise EventClosed(N_("The event is closed; nobody can join it any more."))
        if event.joins_locked:
            raise JoinsLocked()
        if await tx.fetchone(
            "SELECT 1 FROM bans WHERE event_id = ? AND (device_hash = ? OR (address_hash = ? AND address_until > ?))",
            (event.id, device_hash, address_hash, now),
        ):
            raise Banned(N_("You were removed from this event, so you cannot join it again."))

    async def participant_by_token(self, event_id: int, token: str) -> Participant | None:
        """The participant of this event holding token (their first, or one of an app user's later
        ones), or None."""
        token_hash = credentials.hash_secret(token)
        row = await self.db.fetchone(
            f"SELECT {_PARTICIPANT_COLUMNS} FROM participants WHERE token_hash = ?", (token_hash,)
        )
        if row is None:  # only tokens nobody holds, and app users' later ones, look further
            row = await self.db.fetchone(
                f"SELECT {_PARTICIPANT_COLUMNS} FROM participants"
                " WHERE id = (SELECT participant_id FROM participant_tokens WHERE token_hash = ?)",
                (token_hash,),
            )
        if row is None or row[1] != event_id:
            return None
        return _participant(row)

    async def participants(self, event_id: int) -> list[Participant]:
        rows = await self.db.fetchall(
            f"SELECT {_PARTICIPANT_COLUMNS} FROM participants WHERE event_id = ? ORDER BY id",
            (event_id,),
        )
        return [_participant(row) for row in rows]

    async def ban(
        self, event_id: int, participant_id: int, address_minutes: int = 0, actor: Actor | None = None
    ) -> Participant:
        """Stop a participant's token from posting, and their browser from joining again (the device
        id it joined with); with address_minutes, their address too for that long. Idempotent."""

        async def job(tx: Transaction) -> Participant:
            now = self.clock()
            await self._open_event(tx, event_id, now)
            row = await tx.fetchone(
                f"SELECT {_PARTICIPANT_COLUMNS} FROM participants WHERE id = ? AND event_id = ?",
                (participant_id, event_id),
            )
            if row is None:
                raise NotFound(N_("There is no participant {id} in this event."), id=participant_id)
            participant = _participant(row)
            hashes = await tx.fetchone(
                "SELECT device_hash, address_hash FROM participants WHERE id = ?", (participant_id,)
            )
            assert hashes is not None
            if hashes[0] is not None or (hashes[1] is not None and address_minutes):
                await tx.execute(
                    "INSERT INTO bans (event_id, device_hash, address_hash, address_until, created_at)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (
                        event_id,
                        hashes[0],
                        hashes[1] if address_minutes else None,
                        now + address_minutes * 60_000 if address_minutes else None,
                        now,
                    ),
                )
            detail = {"nickname": participant.nickname, "address_minutes": address_minutes}
            await self._record(tx, event_id, actor, "ban", now, target=participant_id, detail=detail)
            if not participant.banned:
                await tx.execute("UPDATE participants SET banned = 1 WHERE id = ?", (participant_id,))
                participant.banned = True
                await self._append(
                    tx,
                    event_id,
                    "system",
                    f"{participant.nickname} was removed by the host.",
                    now,
                    code="banned",
                    participant_id=participant_id,
                )
            return participant

        return await self.db.write(job)

    async def rename(
        self,
        event_id: int,
        participant_id: int,
        caller_id: int,
        nickname: str,
        admit: Callable[[Transaction], Awaitable[None]],
    ) -> Participant:
        """Give a participant a new nickname, asked for with their own token (caller_id); same id,
        same token. A new name appends a `renamed` item; the same name changes nothing.
        admit(tx) runs just before the change and may refuse it (the limit counts renames made)."""
        key = nickname_key(nickname)

        async def job(tx: Transaction) -> Participant:
            now = self.clock()
            event = await self._settle(tx, await self._event_in(tx, event_id), now)
            row = await tx.fetchone(
                f"SELECT {_PARTICIPANT_COLUMNS} FROM participants WHERE id = ? AND event_id = ?",
                (participant_id, event_id),
            )
            if row is None:
                raise NotFound(N_("There is no participant {id} in this event."), id=participant_id)
            if participant_id != caller_id:
                raise Forbidden(N_("A participant can rename only themselves: use your own participant id."))
            participant = _participant(row)
            if participant.banned:
                raise Banned(N_("The host has removed you from this event; you can no longer change your nickname."))
            if event.state(now) == CLOSED:
                raise EventClosed(N_("The event is closed; nicknames can no longer change."))
            if nickname == participant.nickname:
                return participant  # nothing to say, nothing counted
            refuse_reserved(nickname)
            taken = await tx.fetchone(
                "SELECT 1 FROM participants WHERE event_id = ? AND nickname_key = ? AND id != ?",
                (event_id, key, participant_id),
            )
            if taken:
                raise NicknameTaken(NICKNAME_TAKEN, nickname=nickname)
            await admit(tx)
            await tx.execute(
                "UPDATE participants SET nickname = ?, nickname_key = ? WHERE id = ?", (nickname, key, participant_id)
            )
            previous, participant.nickname = participant.nickname, nickname
            await self._append(
                tx,
                event_id,
                "system",
                f"{previous} is now {nickname}.",
                now,
                code="renamed",
                participant_id=participant_id,
                data={"previous": previous, "nickname": nickname},
            )
            return participant

        return await self.db.write(job)

    # -- read receipts -------------------------------------------------------------------------

    async def mark_read(self, event_id: int, participant_id: int, item_id: int) -> int:
        """Move a participant's last-read item forward (never back); return the stored value. What
        others see of it (public_read_id) is the newest public item at or before it: reading a private
        item tells nobody else that it exists."""

        async def job(tx: Transaction) -> int:
            event = await self._event_in(tx, event_id)
            row = await tx.fetchone(
                "SELECT last_read_id, banned, public_read_id FROM participants WHERE id = ? AND event_id = ?",
                (participant_id, event_id),
            )
            if row is None:
                raise NotFound(N_("There is no participant {id} in this event."), id=participant_id)
            if row[1]:  # read here, in the writer, so that a report racing the ban cannot land after it
                raise Banned(N_("The host has removed you from this event; your reads are no longer recorded."))
            refuse_beyond_newest(event, item_id, "last_read_id")
            stored = int(row[0])
            if item_id <= stored:
                return stored  # receipts only move forward
            public = await tx.fetchone(
                # Backwards from the item read: the first public one (at once, unless private ones come between).
                "SELECT id FROM items WHERE event_id = ? AND id <= ? AND private = 0 ORDER BY id DESC LIMIT 1",
                (event_id, item_id),
            )
            shown = max(int(row[2]), int(public[0]) if public is not None else 0)
            await tx.execute(
                "UPDATE participants SET last_read_id = ?, public_read_id = ? WHERE id = ?",
                (item_id, shown, participant_id),
            )
            if shown > row[2]:
                growth = shown - int(row[2])
                tx.after_commit(lambda: self._emit_reads(event_id, growth))
                tx.tell(f"r {event_id}")
            return item_id

        return await self.db.write(job)

    async def reads(self, event_id: int) -> tuple[list[Participant], int]:
        """Participants who have read something public, and the event's reads version (both as
        everyone sees them: public_read_id)."""
        rows = await self.db.fetchall(
            f"SELECT {_PARTICIPANT_COLUMNS} FROM participants WHERE event_id = ? AND public_read_id > 0 ORDER BY id",
            (event_id,),
        )
        readers = [_participant(row) for row in rows]
        return readers, sum(p.public_read_id for p in readers)

    async def reads_version(self, event_id: int) -> int:
        """The event's reads version (cached; every change goes through this process's writer)."""
        version = self._reads_versions.get(event_id)
        if version is None:
            row = await self.db.fetchone(
                "SELECT coalesce(sum(public_read_id), 0) FROM participants WHERE event_id = ?", (event_id,)
            )
            version = self._reads_versions[event_id] = int(row[0]) if row else 0
        return version


def address_digest(event_id: int, address: str) -> bytes:
    """The joining address as a ban compares it: a hash, per event (never the address itself)."""
    return credentials.hash_secret(f"{event_id} {address}")
