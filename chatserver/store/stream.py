"""Stream: an event's items, appended (messages, announcements, retractions) and read back."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from typing import TYPE_CHECKING, Any

from chatserver.backend import Transaction
from chatserver.errors import N_, Banned, EventClosed, Forbidden, InvalidRequest, Muted, NotFound, NotOpen, RateLimited
from chatserver.models import (
    CLOSED,
    DM_EVERYONE,
    DM_HOSTS,
    DM_OFF,
    PUBLIC_VIEW,
    SCHEDULED,
    TO_HOSTS,
    Actor,
    Event,
    Held,
    Item,
    Page,
    Participant,
    Viewer,
    fit,
    view_of,
)
from chatserver.qa import QA_KINDS
from chatserver.store.conversation import message_extras
from chatserver.store.core import author_detail, data_column
from chatserver.store.files import OWNER_STAFF, Files, StoredFile
from chatserver.store.rows import _HELD_COLUMNS, _HELD_FROM, _ITEM_COLUMNS, _held, _item, visible_sql
from chatserver.timefmt import Millis

# Translators: a refused post in a room with slow mode; {seconds} is how long until the next may go.
SLOW_MODE = N_("Slow mode is on: you can post again in {seconds} s.")
# Q&A's kinds have lists of their own in a transcript (its questions and polls), not lines among the messages.
QA_IN = ", ".join(f"'{kind}'" for kind in sorted(QA_KINDS))
# Ids one items_by_id call reads at most (a transcript page's replies: one per item of the page).
ITEMS_BY_ID_MAX = 1000


def with_files(data: dict[str, Any] | None, files: list[StoredFile]) -> dict[str, Any] | None:
    """A new message's items.data with its files' objects added."""
    if not files:
        return data
    return {**(data or {}), "files": [f.to_json() for f in files]}


def refuse_posting(event: Event, now: Millis) -> None:
    """A message, the participants' or the hosts', goes only into an open event."""
    state = event.state(now)
    if state == SCHEDULED:
        raise NotOpen()
    if state == CLOSED:
        raise EventClosed(N_("The event is closed; messages can no longer be posted."))


def refuse_private_route(event: Event, to: int | str, author: int | None) -> int | None:
    """Refuse a private line the event's rule does not allow (a message, or a call's signal): to
    the hosts (None) or to a participant (their id, still to be looked up). author: the
    participant writing (None: a host or moderator, who may write to any participant)."""
    if to == TO_HOSTS:
        if author is None:
            raise InvalidRequest(
                N_("{field} cannot be the hosts for a host's message; name a participant."), field="to"
            )
        if event.direct_messages == DM_OFF:
            raise Forbidden(N_("This event takes no private messages."))
        return None
    if author is not None and event.direct_messages != DM_EVERYONE:
        raise Forbidden(
            N_("This event takes private messages to the hosts only.")
            if event.direct_messages == DM_HOSTS
            else N_("This event takes no private messages.")
        )
    if to == author:
        raise InvalidRequest(N_("{field} names you: a private message goes to someone else."), field="to")
    assert isinstance(to, int)
    return to


def refuse_recipient(banned: bool | int | None) -> None:
    """Refuse a participant named by `to` who is not there (banned None) or was banned."""
    if banned is None:
        raise InvalidRequest(N_("{field} names no participant of this event."), field="to")
    if banned:
        raise Forbidden(N_("That participant was banned from this event and gets no messages."))


class Stream(Files):
    """The Store's streams: posting into an event's items and paging through them."""

    if TYPE_CHECKING:  # from the Events part of the Store

        async def get_event(self, slug: str, fresh: bool = False) -> Event: ...

    async def post_message(
        self,
        event_id: int,
        participant: Participant,
        body: str,
        client_id: str | None,
        admit: Callable[[Transaction], Awaitable[None]],
        hold: bool = False,
        to: int | str | None = None,
        reply_to: int | None = None,
        files: list[str] | None = None,
    ) -> tuple[Item | Held, bool]:
        """Append a participant's message; return (item, created). A repeated client_id returns the
        first item. admit(tx) runs in the write job just before the append and may refuse it.
        hold: the event's word filter matched it (the caller checks, outside the write): it is held for
        review instead (a Held). to: a private message, to TO_HOSTS or to a participant's id, as the
        event's direct_messages allows."""
        # admit() stays inside the job, so a retried client_id or a refused post uses up no rate
        # limit. It runs in the writer thread, one job at a time; the handler's SlidingWindow is
        # called from nowhere else, so its plain dict and deques are never touched concurrently.

        async def job(tx: Transaction) -> tuple[Item | Held, bool]:
            now = self.clock()
            event = await self._settle(tx, await self._event_in(tx, event_id), now)
            if client_id is not None:
                row = await tx.fetchone(
                    f"SELECT {_ITEM_COLUMNS} FROM items WHERE participant_id = ? AND client_id = ?",
                    (participant.id, client_id),
                )
                if row is not None:
                    return _item(row), False
                row = await tx.fetchone(
                    f"SELECT {_HELD_COLUMNS} FROM {_HELD_FROM} WHERE held.participant_id = ? AND held.client_id = ?",
                    (participant.id, client_id),
                )
                if row is not None:
                    return _held(row), False
            # Read here, in the transaction: a ban or a rename that committed since the handler
            # looked the token up applies to this post.
            current = await tx.fetchone(
                "SELECT banned, nickname, muted_until, last_posted_at FROM participants WHERE id = ?", (participant.id,)
            )
            if current is None or current[0]:
                raise Banned()
            refuse_posting(event, now)
            if current[2] > now:
                raise Muted(current[2] - now)
            wait_ms = current[3] + event.slow_mode * 1000 - now
            if event.slow_mode and wait_ms > 0:
                raise RateLimited(wait_ms / 1000, SLOW_MODE)
            recipient = await self._recipient(tx, event, to, participant.id) if to is not None else None
            poster = Viewer(participant.id, sub=participant.sub)
            data = await message_extras(tx, event_id, body, reply_to, poster, to is not None)
            attached = await self.attach_files(tx, event_id, f"p{participant.id}", files or [])
            data = with_files(data, attached)
            await admit(tx)
            await tx.execute("UPDATE participants SET last_posted_at = ? WHERE id = ?", (now, participant.id))
            if hold:
                # Held for review: kept out of the stream, so no other reader can learn of it. Its
                # reply, mentions and files wait with it, and its files outlive the unsent hour.
                row = await tx.fetchone(
                    "INSERT INTO held (event_id, participant_id, body, client_id, created_at, data)"
                    " VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                    (event_id, participant.id, body, client_id, now, data_column(data)),
                )
                assert row is not None
                if attached:
                    await self._set_held(tx, attached, row[0])
                held = Held(row[0], event_id, participant.id, current[1], body, client_id, now, "held", None, data)
                return held, True
            item = await self._append(
                tx,
                event_id,
                "message",
                body,
                now,
                author=current[1],
                participant_id=participant.id,
                client_id=client_id,
                data=data,
                private=to is not None,
                to_participant=recipient,
            )
            if attached:
                await self._set_item(tx, attached, item.id)
            return item, True

        return await self.db.write(job)

    async def _recipient(self, tx: Transaction, event: Event, to: int | str, author: int | None) -> int | None:
        """Check a private message's `to` against the event's rule and its people: the recipient's
        participant id, or None for the hosts. author: the writing participant (None: a host)."""
        if refuse_private_route(event, to, author) is None:
            return None
        row = await tx.fetchone("SELECT banned FROM participants WHERE id = ? AND event_id = ?", (to, event.id))
        refuse_recipient(row[0] if row is not None else None)
        assert isinstance(to, int)
        return to

    async def post_as_staff(
        self,
        event_id: int,
        role: str,
        author: str,
        body: str,
        client_id: str | None = None,
        to: int | str | None = None,
        reply_to: int | None = None,
        files: list[str] | None = None,
    ) -> tuple[Item, bool]:
        """Append a message the host or a moderator wrote in the console, under the name they chose
        (to: privately, to that participant); a repeated client_id of the same author and role
        returns the first item."""

        async def job(tx: Transaction) -> tuple[Item, bool]:
            now = self.clock()
            event = await self._settle(tx, await self._event_in(tx, event_id), now)
            if client_id is not None:
                row = await tx.fetchone(
                    f"SELECT {_ITEM_COLUMNS} FROM items WHERE event_id = ? AND role = ? AND author = ?"
                    " AND client_id = ? AND participant_id IS NULL",
                    (event_id, role, author, client_id),
                )
                if row is not None:
                    return _item(row), False
            refuse_posting(event, now)
            recipient = await self._recipient(tx, event, to, None) if to is not None else None
            data = await message_extras(tx, event_id, body, reply_to, Viewer(staff=True), to is not None)
            attached = await self.attach_files(tx, event_id, OWNER_STAFF, files or [])
            data = with_files(data, attached)
            item = await self._append(
                tx,
                event_id,
                "message",
                body,
                now,
                author=author,
                client_id=client_id,
                data=data,
                role=role,
                private=to is not None,
                to_participant=recipient,
            )
            if attached:
                await self._set_item(tx, attached, item.id)
            return item, True

        return await self.db.write(job)

    async def announce(self, event_id: int, body: str, actor: Actor | None = None) -> Item:
        """Append a host announcement."""

        async def job(tx: Transaction) -> Item:
            now = self.clock()
            await self._open_event(tx, event_id, now)
            item = await self._append(tx, event_id, "announcement", body, now)
            await self._record(tx, event_id, actor, "announce", now, target=item.id)
            return item

        return await self.db.write(job)

    async def retract(
        self, event_id: int, item_id: int, actor: Actor | None = None, by_author: Participant | None = None
    ) -> Item:
        """Blank a message or announcement and append its retraction; idempotent. by_author: its
        author deletes it (their own message only; the retraction says `"by": "author"`)."""

        async def job(tx: Transaction) -> Item:
            now = self.clock()
            await self._open_event(tx, event_id, now)
            row = await tx.fetchone(
                "SELECT kind, retracted, author, participant_id, private, to_participant, to_sub, role FROM items"
                " WHERE event_id = ? AND id = ?",
                (event_id, item_id),
            )
            mine = by_author is not None and row is not None and row[3] == by_author.id
            if (
                row is None
                or row[0] not in ("message", "announcement")
                or (by_author is not None and not mine and row[4])
            ):
                raise NotFound(N_("There is no message {id} in this event."), id=item_id)
            if by_author is not None and not mine:
                raise Forbidden(N_("You can delete only your own messages."))
            if row[1]:
                # Without statistics the planner prefers the primary key, which walks the whole event.
                existing = await tx.fetchone(
                    f"SELECT {_ITEM_COLUMNS} FROM items INDEXED BY items_retractions"
                    " WHERE event_id = ? AND target = ? AND kind = 'retraction'",
                    (event_id, item_id),
                )
                assert existing is not None
                return _item(existing)
            await tx.execute(
                "UPDATE items SET retracted = 1, body = '', data = NULL WHERE event_id = ? AND id = ?",
                (event_id, item_id),
            )
            await self._blank_edits(tx, event_id, item_id)
            await self._erase_files(tx, event_id, item_id)
            if not row[4]:
                await self.index.remove(tx, event_id, item_id)
            tx.after_commit(lambda: self.recent.retracted(event_id, item_id))  # before the append's
            # The author's name as it was: the log still says whose message it was once the text is gone.
            await self._record(tx, event_id, actor, "retract", now, target=item_id, detail=author_detail(row[2]))
            # A private line's retraction reaches exactly its readers: it takes the line's own routing.
            return await self._append(
                tx, event_id, "retraction", "", now, target=item_id,
                data={"by": "author"} if by_author is not None else None,
                participant_id=row[3] if row[4] else None, private=bool(row[4]),
                to_participant=row[5] if row[4] else None, to_sub=row[6] if row[4] else None,
                role=row[7] if row[4] else None,
            )  # fmt: skip

        return await self.db.write(job)

    async def items_after(
        self, event_id: int, after: int, limit: int, fresh: bool = False, viewer: Viewer = PUBLIC_VIEW
    ) -> tuple[list[Item], bool]:
        """Up to limit items viewer may see with id > after, ascending, and whether more follow;
        fresh=True reads the disk."""
        held = None if fresh else self.recent.items_after(event_id, after, limit, viewer)
        if held is not None:
            return held
        visible, params = visible_sql(viewer)
        rows = await self.db.fetchall(
            f"SELECT {_ITEM_COLUMNS} FROM items WHERE event_id = :event AND id > :after AND {visible}"
            " ORDER BY id LIMIT :limit",
            {"event": event_id, "after": after, "limit": limit + 1, **params},
        )
        return [_item(row) for row in rows[:limit]], len(rows) > limit

    def memory_page(self, slug: str, after: int, limit: int, viewer: Viewer = PUBLIC_VIEW) -> Page | None:
        """The event and the items after `after` that viewer may see, from memory, taken together (no
        await between, so they agree), or None when memory does not hold them all."""
        event = self.recent.event(slug)
        if event is None:
            return None
        held = self.recent.items_after(event.id, after, limit, viewer)
        if held is None:
            return None
        items, cut = fit(held[0])
        return Page(event, after, items, held[1] or cut, from_memory=True, view=view_of(items, viewer))

    async def page(
        self, slug: str, event: Event, after: int, limit: int, final: bool = False, viewer: Viewer = PUBLIC_VIEW
    ) -> Page:
        """The event as now and its items after `after`: from memory when it holds them, else read.

        final: the answer goes out as it is (no hold follows). With several processes, memory may
        lag another process's commits by a moment, so such a page is read from the database: a
        reader that saw an item from one process finds it at once on the other. (A held poll is
        woken when the other process's note arrives, and reads memory.)"""
        fresh = final and self.multiprocess
        if not fresh:
            held = self.memory_page(slug, after, limit, viewer)
            if held is not None:
                return held
        items, more = await self.items_after(event.id, after, limit, fresh=fresh, viewer=viewer)
        items, cut = fit(items)
        page_event = await self.get_event(slug, fresh=fresh)
        return Page(page_event, after, items, more or cut, from_memory=False, view=view_of(items, viewer))

    async def shown_page(
        self, event_id: int, after: int, limit: int, viewer: Viewer = PUBLIC_VIEW
    ) -> tuple[list[Item], bool]:
        """Items a reader of the transcript sees with id > after, and whether more follow: no
        retractions, nothing retracted, none of the inbox's marks, no Q&A (transcripts list it apart);
        of the private items only those viewer sees (the public transcript: none; the hosts' export:
        the lines to and from them)."""
        visible, params = visible_sql(viewer)
        rows = await self.db.fetchall(
            f"SELECT {_ITEM_COLUMNS} FROM items WHERE event_id = :event AND id > :after"
            f" AND kind NOT IN ('retraction', 'thread', 'edit', 'reaction', 'preview', {QA_IN}) AND retracted = 0"
            f" AND {visible} ORDER BY id LIMIT :limit",
            {"event": event_id, "after": after, "limit": limit + 1, **params},
        )
        return [_item(row) for row in rows[:limit]], len(rows) > limit

    async def shown_items(
        self, event_id: int, page_size: int = 500, viewer: Viewer = PUBLIC_VIEW
    ) -> AsyncIterator[list[Item]]:
        """The whole transcript, page by page, never all in memory."""
        after, more = 0, True
        while more:
            page, more = await self.shown_page(event_id, after, page_size, viewer)
            if not page:
                return
            yield page
            after = page[-1].id

    async def items_by_id(self, event_id: int, ids: Iterable[int], viewer: Viewer = PUBLIC_VIEW) -> dict[int, Item]:
        """The event's items with these ids that viewer may see (the same rule as shown_page), by id:
        the originals a transcript page's replies quote, retracted ones included (quoted as removed)."""
        wanted = sorted(set(ids))[:ITEMS_BY_ID_MAX]
        if not wanted:
            return {}
        visible, params = visible_sql(viewer)
        named = {f"id{n}": item_id for n, item_id in enumerate(wanted)}
        rows = await self.db.fetchall(
            f"SELECT {_ITEM_COLUMNS} FROM items WHERE event_id = :event"
            f" AND id IN ({', '.join(':' + name for name in named)}) AND {visible}",
            {"event": event_id, **named, **params},
        )
        return {item.id: item for item in map(_item, rows)}
