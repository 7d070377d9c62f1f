"""Other processes' commits, told by PostgreSQL NOTIFY, handed to this process's Store in order."""

from __future__ import annotations

import asyncio
import logging

from chatserver.backend import Follower
from chatserver.errors import ChatError

log = logging.getLogger("chatserver.remote")

RESYNC = "*"


class RemoteCommits:
    """A queue of notes ("i <event> <item>", "e <event>", "r <event>", "t <event> <participant>
    <nickname>") worked off one at a time,
    so items reach memory and the broker in the order the database committed them."""

    def __init__(self, follower: Follower) -> None:
        self.follower = follower
        self._queue: asyncio.Queue[str] | None = None
        self._task: asyncio.Task[None] | None = None

    def note(self, note: str) -> None:
        """Called by the database's listener for each note of another process."""
        if self._queue is None:
            self._queue = asyncio.Queue()
            self._task = asyncio.ensure_future(self._work())
        self._queue.put_nowait(note)

    def resync(self) -> None:
        """Notes may have been lost (the listening connection dropped): read everything held again."""
        self.note(RESYNC)

    async def _work(self) -> None:
        assert self._queue is not None
        while True:
            note = await self._queue.get()
            try:
                await self._apply(note)
            except ChatError as exc:
                # The database is unreachable: what this note announced is read at the next resync.
                log.warning("could not apply %r from another process: %s", note, exc.message)
            except Exception:
                log.exception("applying %r from another process failed", note)

    async def _apply(self, note: str) -> None:
        log.debug("applying %r", note)
        kind, *fields = note.split(" ", 3) if note.startswith("t ") else note.split()
        if kind == "i":
            await self.follower.take_items_from_elsewhere(int(fields[0]), int(fields[1]))
        elif kind == "e":
            await self.follower.reload_event(int(fields[0]))
        elif kind == "r":
            self.follower.reads_changed_elsewhere(int(fields[0]))
        elif kind == "x":  # an item redacted in place, or (no item id) a whole event erased
            self.follower.erased_elsewhere(int(fields[0]), int(fields[1]) if len(fields) > 1 else None)
        elif kind == "t":  # somebody typing: never stored, so it travels in the note itself
            self.follower.typing_elsewhere(int(fields[0]), int(fields[1]), fields[2])
        elif kind == RESYNC:
            await self.follower.resync()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None
