"""Files: uploads and preview images, their bytes in chunks in the database, attached to messages
and erased with them (API.md 1.1, "Files, images, voice notes and link previews")."""

from __future__ import annotations

import dataclasses
import hashlib
import secrets
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass
from typing import IO, Any
from urllib.parse import quote

from chatserver.backend import Transaction
from chatserver.errors import N_, InvalidRequest, PayloadTooLarge
from chatserver.images import Encoded
from chatserver.models import OPEN, Item
from chatserver.store.core import StoreCore, data_column
from chatserver.store.rows import _ITEM_COLUMNS, _item
from chatserver.timefmt import Millis

CHUNK_BYTES = 256 * 1024
FILES_PER_MESSAGE = 10
UNATTACHED_KEPT_MS = 3600 * 1000  # an upload nobody sent is removed after an hour
ORIGINAL, THUMBNAIL = 0, 1
OWNER_STAFF = "staff"
OWNER_SERVER = "server"  # a link preview's image, fetched by the server
_COLUMNS = (
    "id, event_id, owner, item_id, name, type, size, sha256, width, height, duration_ms,"
    " thumb_type, thumb_size, thumb_width, thumb_height, created_at, erased_at, held_id"
)
NOT_ATTACHABLE = N_(
    "{field} must list files you uploaded to this event in the last hour and have not sent yet (at most 10)."
)


class QuotaExceeded(PayloadTooLarge):
    code = "quota_exceeded"
    default_message = N_("This event has no room for more files ({quota_mb} MB in all).")


@dataclass(frozen=True, slots=True)
class StoredFile:
    """One file's record (not its bytes)."""

    id: str
    event_id: int
    owner: str
    item_id: int | None
    name: str
    type: str
    size: int
    sha256: str
    width: int | None
    height: int | None
    duration_ms: int | None
    thumb_type: str | None
    thumb_size: int | None
    thumb_width: int | None
    thumb_height: int | None
    created_at: Millis
    erased_at: Millis | None
    held_id: int | None = None  # the held message it waits with for a host's decision

    @property
    def url(self) -> str:
        return f"/files/{self.id}/{quote(self.name, safe='')}"

    def to_json(self) -> dict[str, Any]:
        """The File object of API.md, as a message's `files` carries it."""
        out: dict[str, Any] = {"id": self.id, "name": self.name, "type": self.type, "size": self.size, "url": self.url}
        if self.width is not None and self.height is not None:
            out["width"], out["height"] = self.width, self.height
        if self.thumb_type is not None:
            out["thumbnail_url"] = f"/files/{self.id}/thumb/{quote(self.name, safe='')}.webp"
            out["thumbnail_width"], out["thumbnail_height"] = self.thumb_width, self.thumb_height
        if self.duration_ms is not None:
            out["duration"] = round(self.duration_ms / 1000, 3)
        return out

    def variant(self, thumbnail: bool) -> tuple[int, str, int] | None:
        """(variant, type, size) of the file or its thumbnail; None for a thumbnail it has not."""
        if not thumbnail:
            return ORIGINAL, self.type, self.size
        if self.thumb_type is None or self.thumb_size is None:
            return None
        return THUMBNAIL, self.thumb_type, self.thumb_size


@dataclass(frozen=True, slots=True)
class NewFile:
    """A file to store: its record's facts and where its bytes are (a temporary file or bytes)."""

    name: str
    type: str
    size: int
    sha256: str
    source: str | bytes  # the path of the temporary file, or the re-encoded bytes
    width: int | None = None
    height: int | None = None
    duration_ms: int | None = None
    thumbnail: bytes | None = None
    thumb_type: str | None = None
    thumb_width: int | None = None
    thumb_height: int | None = None


def image_file(name: str, image: Encoded, thumbnail: Encoded | None = None) -> NewFile:
    """A re-encoded image (and its thumbnail) as a file to store."""
    return NewFile(
        name,
        image.type,
        len(image.data),
        hashlib.sha256(image.data).hexdigest(),
        image.data,
        width=image.width,
        height=image.height,
        thumbnail=thumbnail.data if thumbnail is not None else None,
        thumb_type=thumbnail.type if thumbnail is not None else None,
        thumb_width=thumbnail.width if thumbnail is not None else None,
        thumb_height=thumbnail.height if thumbnail is not None else None,
    )


def _file(row: Sequence[Any]) -> StoredFile:
    return StoredFile(*row)


def _chunks_of(source: str | bytes) -> Iterable[bytes]:
    if isinstance(source, bytes):
        for start in range(0, len(source), CHUNK_BYTES):
            yield source[start : start + CHUNK_BYTES]
        return
    stream: IO[bytes]
    with open(source, "rb") as stream:  # read a chunk at a time: the file is never whole in memory
        while chunk := stream.read(CHUNK_BYTES):
            yield chunk


class Files(StoreCore):
    """The Store's files: stored, attached, read back a chunk at a time, erased."""

    async def add_file(
        self, event_id: int, owner: str, new: NewFile, quota_bytes: int, item_id: int | None = None
    ) -> StoredFile:
        """Store a file of the event for owner (p<id>, staff, server), within the event's quota."""

        async def job(tx: Transaction) -> StoredFile:
            used = await self._event_bytes(tx, event_id)
            adding = new.size + len(new.thumbnail or b"")
            if quota_bytes and used + adding > quota_bytes:
                raise QuotaExceeded(quota_mb=quota_bytes // (1024 * 1024))
            return await self._insert_file(tx, event_id, owner, new, item_id)

        return await self.db.write(job)

    async def _insert_file(
        self, tx: Transaction, event_id: int, owner: str, new: NewFile, item_id: int | None
    ) -> StoredFile:
        """Insert a file's record and its bytes, a chunk at a time."""
        file_id = secrets.token_urlsafe(16)
        thumb_size = len(new.thumbnail) if new.thumbnail is not None else None
        row = await tx.fetchone(
            f"INSERT INTO files ({_COLUMNS}) VALUES ({', '.join('?' * 18)}) RETURNING {_COLUMNS}",
            (
                file_id, event_id, owner, item_id, new.name, new.type, new.size, new.sha256, new.width,
                new.height, new.duration_ms, new.thumb_type, thumb_size, new.thumb_width, new.thumb_height,
                self.clock(), None, None,
            ),
        )  # fmt: skip
        assert row is not None
        await self._write_chunks(tx, file_id, ORIGINAL, new.source)
        if new.thumbnail is not None:
            await self._write_chunks(tx, file_id, THUMBNAIL, new.thumbnail)
        return _file(row)

    async def _write_chunks(self, tx: Transaction, file_id: str, variant: int, source: str | bytes) -> None:
        for seq, chunk in enumerate(_chunks_of(source)):
            await tx.execute(
                "INSERT INTO file_chunks (file_id, variant, seq, data) VALUES (?, ?, ?, ?)",
                (file_id, variant, seq, chunk),
            )

    async def _event_bytes(self, tx: Transaction, event_id: int) -> int:
        row = await tx.fetchone(
            "SELECT COALESCE(SUM(size + COALESCE(thumb_size, 0)), 0) FROM files WHERE event_id = ? AND erased_at IS NULL",
            (event_id,),
        )
        return int(row[0]) if row is not None else 0

    async def add_preview(
        self, event_id: int, message_id: int, preview: dict[str, Any], image: NewFile | None, quota_bytes: int
    ) -> Item | None:
        """Give a message its link preview: the preview (and its image, a file of the message) in the
        message's data, and a `preview` item with the message's own audience telling readers. None
        when the message is gone or the event no longer open by then (nothing is stored)."""

        async def job(tx: Transaction) -> Item | None:
            now = self.clock()
            event = await self._settle(tx, await self._event_in(tx, event_id), now)
            row = await tx.fetchone(
                f"SELECT {_ITEM_COLUMNS} FROM items WHERE event_id = ? AND id = ?", (event_id, message_id)
            )
            original = _item(row) if row is not None else None
            if event.state(now) != OPEN or original is None or original.retracted or "preview" in (original.data or {}):
                return None
            shown = dict(preview)
            if image is not None and (
                not quota_bytes or await self._event_bytes(tx, event_id) + image.size <= quota_bytes
            ):
                stored = await self._insert_file(tx, event_id, OWNER_SERVER, image, message_id)
                shown.update(image_url=stored.url, image_width=stored.width, image_height=stored.height)
            data = {**(original.data or {}), "preview": shown}
            await tx.execute(
                "UPDATE items SET data = ? WHERE event_id = ? AND id = ?", (data_column(data), event_id, message_id)
            )
            changed = dataclasses.replace(original, data=data)
            tx.after_commit(lambda: self.recent.replaced(event_id, changed))  # before the preview item's
            return await self._append(
                tx, event_id, "preview", "", now, participant_id=original.participant_id, target=message_id,
                data={"preview": shown}, role=original.role, private=original.private,
                to_participant=original.to_participant, to_sub=original.to_sub,
            )  # fmt: skip

        return await self.db.write(job)

    async def file(self, file_id: str) -> StoredFile | None:
        """A file's record by its id, erased or not; None if there is none."""
        row = await self.db.fetchone(f"SELECT {_COLUMNS} FROM files WHERE id = ?", (file_id,))
        return _file(row) if row is not None else None

    async def file_with_slug(self, file_id: str) -> tuple[StoredFile, str] | None:
        """A file's record and its event's slug; None if there is no such file."""
        row = await self.db.fetchone(
            f"SELECT {', '.join('files.' + c.strip() for c in _COLUMNS.split(','))}, events.slug"
            " FROM files JOIN events ON events.id = files.event_id WHERE files.id = ?",
            (file_id,),
        )
        return (_file(row[:-1]), row[-1]) if row is not None else None

    async def file_bytes(self, file_id: str, variant: int, start: int, end: int) -> AsyncIterator[bytes]:
        """The bytes start..end (inclusive) of a file's variant, a chunk read at a time."""
        first, last = start // CHUNK_BYTES, end // CHUNK_BYTES
        for seq in range(first, last + 1):
            row = await self.db.fetchone(
                "SELECT data FROM file_chunks WHERE file_id = ? AND variant = ? AND seq = ?", (file_id, variant, seq)
            )
            if row is None:
                return  # erased while being sent: the client gets a short body and retries
            data = bytes(row[0])
            offset = seq * CHUNK_BYTES
            yield data[max(start - offset, 0) : end - offset + 1]

    async def attach_files(self, tx: Transaction, event_id: int, owner: str, ids: list[str]) -> list[StoredFile]:
        """The files a new message names, checked in its transaction: this owner's, of this event,
        not yet sent and not erased (else 400 naming `files`). The caller attaches them."""
        if not ids:
            return []
        rows = await tx.fetchall(
            f"SELECT {_COLUMNS} FROM files WHERE id IN ({', '.join('?' * len(ids))})"
            " AND event_id = ? AND owner = ? AND item_id IS NULL AND erased_at IS NULL AND created_at >= ?",
            (*ids, event_id, owner, self.clock() - UNATTACHED_KEPT_MS),
        )
        found = {row[0]: _file(row) for row in rows}
        if len(found) != len(ids):
            raise InvalidRequest(NOT_ATTACHABLE, field="files")
        return [found[file_id] for file_id in ids]

    async def _set_item(self, tx: Transaction, files: list[StoredFile], item_id: int) -> None:
        await tx.execute(
            f"UPDATE files SET item_id = ? WHERE id IN ({', '.join('?' * len(files))})",
            (item_id, *(f.id for f in files)),
        )

    async def _set_held(self, tx: Transaction, files: list[StoredFile], held_id: int) -> None:
        await tx.execute(
            f"UPDATE files SET held_id = ? WHERE id IN ({', '.join('?' * len(files))})",
            (held_id, *(f.id for f in files)),
        )

    async def _decide_held_files(self, tx: Transaction, held_id: int, item_id: int | None) -> None:
        """A held message's files go with it: into its item (approved), or erased (rejected)."""
        if item_id is not None:
            await tx.execute("UPDATE files SET item_id = ?, held_id = NULL WHERE held_id = ?", (item_id, held_id))
            return
        await self._erase_files_where(tx, "held_id = ?", (held_id,))

    async def _erase_files(self, tx: Transaction, event_id: int, item_id: int) -> None:
        """Erase a message's files (and its preview's image): the bytes go, the record says when (410)."""
        await self._erase_files_where(tx, "event_id = ? AND item_id = ?", (event_id, item_id))

    async def _erase_files_where(self, tx: Transaction, where: str, params: tuple[int, ...]) -> None:
        """Erase the files a constant clause picks: their chunks deleted, the record marked erased."""
        await tx.execute(f"DELETE FROM file_chunks WHERE file_id IN (SELECT id FROM files WHERE {where})", params)
        await tx.execute(
            f"UPDATE files SET erased_at = ?, held_id = NULL WHERE {where} AND erased_at IS NULL",
            (self.clock(), *params),
        )

    async def _erase_event_files(self, tx: Transaction, event_id: int) -> None:
        """Delete every file of an erased event (its pages answer 410 already)."""
        await tx.execute(
            "DELETE FROM file_chunks WHERE file_id IN (SELECT id FROM files WHERE event_id = ?)", (event_id,)
        )
        await tx.execute("DELETE FROM files WHERE event_id = ?", (event_id,))

    async def sweep_unattached(self, now: Millis | None = None) -> int:
        """Remove uploads not sent within UNATTACHED_KEPT_MS; return how many."""
        before = (now if now is not None else self.clock()) - UNATTACHED_KEPT_MS

        async def job(tx: Transaction) -> int:
            rows = await tx.fetchall(
                "SELECT id FROM files WHERE item_id IS NULL AND held_id IS NULL AND created_at < ? LIMIT 500",
                (before,),
            )
            ids = [row[0] for row in rows]
            if ids:
                marks = ", ".join("?" * len(ids))
                await tx.execute(f"DELETE FROM file_chunks WHERE file_id IN ({marks})", ids)
                await tx.execute(f"DELETE FROM files WHERE id IN ({marks})", ids)
            return len(ids)

        removed = await self.db.write(job)
        if removed:
            await self.db.scrub()
        return removed
