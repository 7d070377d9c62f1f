"""Conversation: replies and mentions of a new message, edits and reactions (API.md 1.1)."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from typing import Any

from chatserver.backend import Transaction
from chatserver.errors import N_, Banned, Forbidden, InvalidRequest, Muted, NotFound, ReactionLimit, Retracted
from chatserver.mentions import all_keys, mentions_in, resolve
from chatserver.models import Item, Participant, Viewer
from chatserver.store.core import StoreCore, data_column
from chatserver.store.rows import _ITEM_COLUMNS, _item
from chatserver.timefmt import Millis, format_time

# Items a reply, an edit or a reaction may name.
REPLYABLE = ("message", "announcement")
# Distinct emoji one message may carry: a flood of novelty emoji stays bounded.
REACTIONS_MAX = 20
NO_SUCH_MESSAGE = N_("There is no message {id} in this event.")

Admit = Callable[[Transaction], Awaitable[None]]


async def message_extras(
    tx: Transaction, event_id: int, body: str, reply_to: int | None, poster: Viewer, private: bool
) -> dict[str, Any] | None:
    """A new message's reply_to (checked) and mentions, as its items.data."""
    data: dict[str, Any] = {}
    if reply_to is not None:
        original = await _item_in(tx, event_id, reply_to)
        # A public reply to a private line would show the line's id to everybody; a reply to what
        # the poster cannot see would tell them it exists. Both read as "no such item".
        if (
            original is None
            or original.kind not in REPLYABLE
            or original.retracted
            or not poster.sees(original)
            or (original.private and not private)
        ):
            raise InvalidRequest(
                N_("{field} must be the id of a message or announcement of this event that is not removed."),
                field="reply_to",
            )
        data["reply_to"] = reply_to
    data.update(await mentioned(tx, event_id, body))
    return data or None


async def mentioned(tx: Transaction, event_id: int, body: str) -> dict[str, Any]:
    """`mentions` (participant ids) and `mentions_hosts` of a body, as items.data keys (none: {})."""
    found = mentions_in(body)
    if not found:
        return {}
    keys = all_keys(found)
    rows = await tx.fetchall(
        f"SELECT id, nickname_key FROM participants WHERE event_id = ? AND banned = 0"
        f" AND nickname_key IN ({', '.join('?' * len(keys))})",
        (event_id, *keys),
    )
    ids, hosts = resolve(found, {key: participant_id for participant_id, key in rows})
    out: dict[str, Any] = {}
    if ids:
        out["mentions"] = ids
    if hosts:
        out["mentions_hosts"] = True
    return out


async def _item_in(tx: Transaction, event_id: int, item_id: int) -> Item | None:
    row = await tx.fetchone(f"SELECT {_ITEM_COLUMNS} FROM items WHERE event_id = ? AND id = ?", (event_id, item_id))
    return _item(row) if row is not None else None


def private_route(original: Item, participant_id: int) -> int | None:
    """Where an edit of, or a reaction to, a private item goes so that exactly its readers see it:
    the other participant of a line between two, else (None) the hosts' side."""
    if original.role is not None or original.to_participant is None:
        return None
    return original.to_participant if original.participant_id == participant_id else original.participant_id


class Conversation(StoreCore):
    """Edits and reactions: each changes its message in place and appends an item telling readers."""

    async def _target(self, tx: Transaction, event_id: int, item_id: int, participant: Participant) -> Item:
        """The message an edit or reaction names, as its participant may see it; 404 otherwise."""
        original = await _item_in(tx, event_id, item_id)
        if (
            original is None
            or original.kind not in REPLYABLE
            or not Viewer(participant.id, sub=participant.sub).sees(original)
        ):
            raise NotFound(NO_SUCH_MESSAGE, id=item_id)
        if original.retracted:
            raise Retracted()
        return original

    async def _acting(self, tx: Transaction, participant: Participant, now: Millis) -> str:
        """The participant's nickname now, refusing the banned and the muted."""
        row = await tx.fetchone(
            "SELECT banned, nickname, muted_until FROM participants WHERE id = ?", (participant.id,)
        )
        if row is None or row[0]:
            raise Banned()
        if row[2] > now:
            raise Muted(row[2] - now)
        return str(row[1])

    async def edit_message(
        self, event_id: int, item_id: int, participant: Participant, body: str, admit: Admit, filtered: bool = False
    ) -> Item:
        """Change the text of the participant's own message while the event is open: the message
        keeps its id with `edited_at`, and an `edit` item tells readers. Returns the message.
        filtered: the event's word filter matched the new text (the caller checks, outside the
        write): a public message keeps its text (403); a private line is not filtered."""

        async def job(tx: Transaction) -> Item:
            now = self.clock()
            await self._open_event(tx, event_id, now)
            original = await self._target(tx, event_id, item_id, participant)
            if original.kind != "message" or original.participant_id != participant.id:
                raise Forbidden(N_("You can edit only your own messages."))
            nickname = await self._acting(tx, participant, now)
            if body == original.body:
                return original
            if filtered and not original.private:
                raise Forbidden(N_("The hosts filter a word in this text; the message keeps its earlier text."))
            await admit(tx)
            data = {k: v for k, v in (original.data or {}).items() if k not in ("mentions", "mentions_hosts")}
            mentions = await mentioned(tx, event_id, body)
            data.update(mentions, edited_at=format_time(now))
            edited = dataclasses.replace(original, body=body, data=data)
            await tx.execute(
                "UPDATE items SET body = ?, data = ? WHERE event_id = ? AND id = ?",
                (body, data_column(data), event_id, item_id),
            )
            if not original.private:
                await self.index.replace(tx, event_id, item_id, body)
            tx.after_commit(lambda: self.recent.replaced(event_id, edited))  # before the edit item's
            await self._append(
                tx, event_id, "edit", body, now, author=nickname, participant_id=participant.id, target=item_id,
                data=mentions or None, private=original.private,
                to_participant=private_route(original, participant.id) if original.private else None,
            )  # fmt: skip
            return edited

        return await self.db.write(job)

    async def react(
        self, event_id: int, item_id: int, participant: Participant, emoji: str, add: bool, admit: Admit
    ) -> tuple[Item, Item | None]:
        """Add (or take back) the participant's reaction while the event is open; idempotent.
        Returns the message with its reactions and the `reaction` item (None: nothing changed)."""

        async def job(tx: Transaction) -> tuple[Item, Item | None]:
            now = self.clock()
            await self._open_event(tx, event_id, now)
            original = await self._target(tx, event_id, item_id, participant)
            nickname = await self._acting(tx, participant, now)
            key = (event_id, item_id, emoji, participant.id)
            had = await tx.fetchone(
                "SELECT 1 FROM reactions WHERE event_id = ? AND target = ? AND emoji = ? AND participant_id = ?", key
            )
            if (had is not None) == add:
                return original, None
            summary: dict[str, list[str]] = dict((original.data or {}).get("reactions", {}))
            if add and emoji not in summary and len(summary) >= REACTIONS_MAX:
                raise ReactionLimit(max=REACTIONS_MAX)  # before admit: a refused reaction counts nothing
            await admit(tx)
            if add:
                await tx.execute(
                    "INSERT INTO reactions (event_id, target, emoji, participant_id, created_at) VALUES (?, ?, ?, ?, ?)",
                    (*key, now),
                )
                summary[emoji] = [*summary.get(emoji, []), nickname]
            else:
                await tx.execute(
                    "DELETE FROM reactions WHERE event_id = ? AND target = ? AND emoji = ? AND participant_id = ?", key
                )
                names = summary.get(emoji, [])
                if nickname in names:
                    names = [name for name in names if name != nickname]
                else:  # renamed since reacting: read who is left
                    names = await self._reactors(tx, event_id, item_id, emoji)
                if names:
                    summary[emoji] = names
                else:
                    summary.pop(emoji, None)
            data = {k: v for k, v in (original.data or {}).items() if k != "reactions"}
            if summary:
                data["reactions"] = summary
            changed = dataclasses.replace(original, data=data or None)
            await tx.execute(
                "UPDATE items SET data = ? WHERE event_id = ? AND id = ?", (data_column(data), event_id, item_id)
            )
            tx.after_commit(lambda: self.recent.replaced(event_id, changed))
            item = await self._append(
                tx, event_id, "reaction", "", now, author=nickname, participant_id=participant.id, target=item_id,
                data={"emoji": emoji, "removed": not add}, private=original.private,
                to_participant=private_route(original, participant.id) if original.private else None,
            )  # fmt: skip
            return changed, item

        return await self.db.write(job)

    async def _reactors(self, tx: Transaction, event_id: int, item_id: int, emoji: str) -> list[str]:
        rows = await tx.fetchall(
            "SELECT participants.nickname FROM reactions JOIN participants ON participants.id = reactions.participant_id"
            " WHERE reactions.event_id = ? AND reactions.target = ? AND reactions.emoji = ?"
            " ORDER BY reactions.created_at, reactions.participant_id",
            (event_id, item_id, emoji),
        )
        return [row[0] for row in rows]
