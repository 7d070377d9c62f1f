"""`chatserver backup`: an online copy of a live database with SQLite's backup API."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from chatserver.migrations import APPLICATION_ID, DatabaseRefused


@dataclass(frozen=True)
class BackupReport:
    """What a finished backup holds."""

    path: Path
    events: int
    items: int
    files: int
    size_bytes: int


def backup(source: str, target: str, busy_timeout_ms: int = 10_000) -> BackupReport:
    """Copy the database at source to target (a new file) while a server may be writing to it.

    The copy is one consistent snapshot: in WAL mode a reader neither blocks the server's writer
    nor sees half a commit. It is written beside the target, checked, and then renamed into place,
    so a failed or interrupted backup never leaves a partial file under the target's name.
    """
    out = Path(target)
    if out.exists():
        raise DatabaseRefused(f"{target} already exists; choose a new file for the backup.")
    if not out.parent.is_dir():
        raise DatabaseRefused(f"{out.parent} is not a directory; the backup's folder must exist.")
    partial = out.with_name(out.name + ".partial")
    partial.unlink(missing_ok=True)
    src = sqlite3.connect(f"{Path(source).resolve().as_uri()}?mode=ro", uri=True)
    try:
        src.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        if src.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
            raise DatabaseRefused(f"{source} is not a chatserver database.")
        dst = sqlite3.connect(partial)
        try:
            # pages=-1: the whole copy in one step under one read snapshot. Stepwise copies restart
            # whenever another process commits, so a busy server could keep them from finishing.
            src.backup(dst, pages=-1)
            # A standalone file: no -wal beside it is needed to read the backup.
            dst.execute("PRAGMA journal_mode = DELETE")
            if dst.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise DatabaseRefused(f"the copy of {source} failed its integrity check; nothing was written.")
            events = dst.execute("SELECT count(*) FROM events").fetchone()[0]
            items = dst.execute("SELECT count(*) FROM items").fetchone()[0]
            files = dst.execute("SELECT count(*) FROM files WHERE erased_at IS NULL").fetchone()[0]
        finally:
            dst.close()
        os.replace(partial, out)
    except sqlite3.Error as exc:
        raise DatabaseRefused(f"the backup of {source} failed: {exc}.") from None
    finally:
        src.close()
        partial.unlink(missing_ok=True)
    return BackupReport(out, events, items, files, out.stat().st_size)
