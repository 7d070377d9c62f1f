"""App identities: the secret an embedding app signs its users with, and joining as such a user."""

from __future__ import annotations

from chatserver import credentials
from chatserver.backend import Transaction
from chatserver.errors import N_, Banned, EventClosed
from chatserver.identity import AppIdentity
from chatserver.models import CLOSED, Event, Participant
from chatserver.store.people import People, address_digest
from chatserver.store.rows import _PARTICIPANT_COLUMNS, _participant
from chatserver.validation import nickname_key

# How many "Name (2)", "Name (3)"… a verified user is offered when anonymous people hold their name.
NAME_TRIES = 50


class Identities(People):
    """The Store's app identities: one participant per app user (`sub`) and event."""

    async def new_identity_secret(self, event_id: int | None = None, series_slug: str | None = None) -> str:
        """A new identity secret for an event or a series (the old one stops working); shown once."""
        secret = credentials.new_secret()

        async def job(tx: Transaction) -> None:
            if event_id is not None:
                await tx.execute("UPDATE events SET identity_secret = ? WHERE id = ?", (secret, event_id))
            else:
                await tx.execute("UPDATE series SET identity_secret = ? WHERE slug = ?", (secret, series_slug))

        await self.db.write(job)
        return secret

    async def identity_secret(self, event: Event) -> str | None:
        """The secret the event's app identities are signed with: its own, else its series'."""
        row = await self.db.fetchone(
            "SELECT events.identity_secret, series.identity_secret FROM events"
            " LEFT JOIN series ON series.slug = events.series WHERE events.id = ?",
            (event.id,),
        )
        if row is None:
            return None
        secret = row[0] if row[0] is not None else row[1]
        return str(secret) if secret is not None else None

    async def join_as(
        self, event_id: int, identity: AppIdentity, device: str | None = None, address: str | None = None
    ) -> tuple[Participant, str, bool]:
        """Join as the app's user: the same participant for the same `sub`, with a new token each
        time (each device keeps its own). Returns it, the token, and whether it is new. A ban of the
        user, or of the device or address a first join comes from, refuses it."""
        token = credentials.new_secret()
        device_hash = credentials.hash_secret(device) if device else None
        address_hash = address_digest(event_id, address) if address else None

        async def job(tx: Transaction) -> tuple[Participant, bool]:
            now = self.clock()
            event = await self._settle(tx, await self._event_in(tx, event_id), now)
            row = await tx.fetchone(
                f"SELECT {_PARTICIPANT_COLUMNS} FROM participants WHERE event_id = ? AND sub = ?",
                (event_id, identity.sub),
            )
            if row is not None:
                known = _participant(row)
                if known.banned:
                    raise Banned(N_("You were removed from this event, so you cannot join it again."))
                if event.state(now) == CLOSED:
                    raise EventClosed(N_("The event is closed; nobody can join it any more."))
                await tx.execute(
                    "INSERT INTO participant_tokens (token_hash, participant_id, created_at) VALUES (?, ?, ?)",
                    (credentials.hash_secret(token), known.id, now),
                )
                return known, False
            await self.check_joining(tx, event, now, device_hash, address_hash)
            nickname = await self._free_name(tx, event_id, identity.name)
            row = await tx.fetchone(
                "INSERT INTO participants (event_id, nickname, nickname_key, token_hash, created_at, device_hash,"
                f" address_hash, sub) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING {_PARTICIPANT_COLUMNS}",
                (
                    event_id,
                    nickname,
                    nickname_key(nickname),
                    credentials.hash_secret(token),
                    now,
                    device_hash,
                    address_hash,
                    identity.sub,
                ),
            )
            assert row is not None
            if event.join_items:
                await self._append(tx, event_id, "system", f"{nickname} joined.", now, code="joined")
            return _participant(row), True

        participant, created = await self.db.write(job)
        return participant, token, created

    async def _free_name(self, tx: Transaction, event_id: int, name: str) -> str:
        """The app's name for its user, or "Name (2)"… when people who joined with a nickname hold it."""
        for n in range(1, NAME_TRIES + 1):
            candidate = name if n == 1 else f"{name} ({n})"
            if not await tx.fetchone(
                "SELECT 1 FROM participants WHERE event_id = ? AND nickname_key = ?",
                (event_id, nickname_key(candidate)),
            ):
                return candidate
        return f"{name} ({credentials.new_slug()})"
