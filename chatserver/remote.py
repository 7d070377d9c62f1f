"""Other processes' commits, told by PostgreSQL NOTIFY, handed to this process's Store in order."""

from __future__ import annotations

import asyncio
import logging
import secrets

from chatserver.backend import Follower
from chatserver.errors import ChatError

log = logging.getLogger("chatserver.remote")

RESYNC = "*"
PART = "+ "
# A NOTIFY payload is under 8000 bytes; a longer note goes in parts of at most this many bytes.
PART_BYTES = 7000
# Notes being put together at once: parts of one transaction arrive together, so few are ever open.
PARTS_OPEN_MAX = 16


def split_note(note: str) -> list[str] | None:
    """A note too long for one NOTIFY as its parts (None: it fits). The text is cut between
    characters, each part at most PART_BYTES of UTF-8."""
    if len(note.encode()) <= PART_BYTES:
        return None
    pieces: list[str] = []
    start = 0
    while start < len(note):
        end = min(len(note), start + PART_BYTES)
        while len(note[start:end].encode()) > PART_BYTES:
            end = start + (end - start) * 3 // 4
        pieces.append(note[start:end])
        start = end
    tag = secrets.token_hex(6)
    return [f"{PART}{tag} {n} {len(pieces)} {piece}" for n, piece in enumerate(pieces)]


class Parts:
    """Notes being put together from their parts; bounded (the oldest unfinished one is dropped)."""

    def __init__(self) -> None:
        self._open: dict[str, list[str]] = {}

    def add(self, part: str) -> str | None:
        """Take one part; the whole note once its last part is in."""
        try:
            tag, index, count, piece = part[len(PART) :].split(" ", 3)
            n, total = int(index), int(count)
        except ValueError:
            return None
        pieces = self._open.get(tag)
        if pieces is None:
            if n != 0:
                return None  # its first part was lost: the rest is of no use
            while len(self._open) >= PARTS_OPEN_MAX:
                del self._open[next(iter(self._open))]
            pieces = self._open[tag] = []
        if n != len(pieces):
            del self._open[tag]
            return None
        pieces.append(piece)
        if len(pieces) < total:
            return None
        del self._open[tag]
        return "".join(pieces)


class RemoteCommits:
    """A queue of notes ("i <event> <item>", "e <event>", "r <event>", "t <event> <participant>
    <nickname>", "c <call signal as JSON>") worked off one at a time,
    so items reach memory and the broker in the order the database committed them."""

    def __init__(self, follower: Follower) -> None:
        self.follower = follower
        self._queue: asyncio.Queue[str] | None = None
        self._task: asyncio.Task[None] | None = None
        self._parts = Parts()

    def note(self, note: str) -> None:
        """Called by the database's listener for each note of another process; a note sent in parts
        (`+ <id> <index> <count> <text>`, all in one transaction, so together and in order) is
        put together first."""
        if note.startswith(PART):
            whole = self._parts.add(note)
            if whole is None:
                return
            note = whole
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
        if note.startswith("c "):  # a call signal: never stored, so it travels in the note itself
            self.follower.call_signal_elsewhere(note[2:])
            return
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
