"""SQLite plumbing: one writer connection with group commit, a few reader connections (WAL)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sqlite3
from collections.abc import Callable
from typing import Any, TypeVar

import aiosqlite

from chatserver.backend import Engine, Follower, Job, Params, Row, SchemaJob
from chatserver.errors import N_, ChatError, StorageUnavailable
from chatserver.migrations import DatabaseRefused, migrate
from chatserver.sqlite_tx import SchemaTx, Tx, bind, run_to_end

log = logging.getLogger("chatserver.database")

T = TypeVar("T")
SYNC_MODES = ("normal", "full")


Entry = tuple[Job[Any], asyncio.Future[Any]]


class _Run:
    """What one batch did in the writer thread, for the event loop to act on."""

    __slots__ = ("callbacks", "committed", "error", "failed_index", "outcomes")

    def __init__(self) -> None:
        self.committed = False
        self.outcomes: list[tuple[Any, ChatError | None]] = []  # per job, when committed
        self.callbacks: list[Callable[[], None]] = []
        self.failed_index: int | None = None  # the job whose error rolled the batch back
        self.error: BaseException | None = None  # that job's error, or BEGIN's or COMMIT's


def _run_batch(tx: Tx, jobs: list[Job[Any]]) -> _Run:
    """In the writer thread: BEGIN, every job, COMMIT, all in one hop from the event loop."""
    conn = tx.conn
    run = _Run()
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.Error as exc:
        run.error = exc
        return run
    try:
        for index, job in enumerate(jobs):
            try:
                result = run_to_end(job(tx))
            except ChatError as exc:
                run.outcomes.append((None, exc))
            except Exception as exc:  # noqa: BLE001 - any other failure must not strand the batch
                _rollback_in(conn)
                run.failed_index, run.error = index, exc
                return run
            else:
                run.outcomes.append((result, None))
        conn.execute("COMMIT")
    except sqlite3.Error as exc:  # from COMMIT: the jobs' own errors are caught above
        _rollback_in(conn)
        run.error = exc
        return run
    except BaseException:
        _rollback_in(conn)  # the loop side fails the batch; leave no transaction open behind it
        raise
    run.committed = True
    run.callbacks = tx._after_commit
    return run


# SQLite's primary result codes (the low byte of an extended code) that say why storage refused.
_BUSY_CODES = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}
_STORAGE_MESSAGES = {
    sqlite3.SQLITE_FULL: N_(
        "The server's disk is full, so nothing new can be saved; reading still works. "
        "Try again once the operator has freed space."
    ),
    sqlite3.SQLITE_READONLY: N_(
        "The server's database is read-only right now, so nothing new can be saved; "
        "reading still works. Try again later."
    ),
    sqlite3.SQLITE_IOERR: N_("The server could not write to its disk; try again shortly."),
    sqlite3.SQLITE_CANTOPEN: N_("The server cannot open its database files; try again shortly."),
}


def storage_unavailable(exc: sqlite3.Error, reading: bool = False) -> StorageUnavailable:
    """The 503 a client gets for a storage failure, saying which (disk full, read-only, locked...)."""
    code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
    if code in _BUSY_CODES:
        return StorageUnavailable(
            N_("The database is locked by another program (a backup or maintenance); try again in a few seconds.")
        )
    if code in _STORAGE_MESSAGES and not reading:
        return StorageUnavailable(_STORAGE_MESSAGES[code])
    if reading:
        return StorageUnavailable(N_("The server cannot read its database right now; try again shortly."))
    return StorageUnavailable()


def _rollback_in(conn: sqlite3.Connection) -> None:
    """Roll back the writer's open transaction, if any, in the writer thread."""
    try:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
    except sqlite3.Error as exc:
        log.error("rollback failed: %s", exc)


class Database:
    """Owns the connections. Writes are jobs queued to one writer and committed in batches."""

    multiprocess = False  # one process owns an SQLite file: its memory sees every commit
    engine: Engine = "sqlite"

    def __init__(self, path: str, sync: str = "normal", readers: int = 2) -> None:
        if sync not in SYNC_MODES:
            raise ValueError(f"sync must be one of {SYNC_MODES}")
        self.path = path
        self.sync = sync
        self._reader_count = max(1, readers)
        self._writer: aiosqlite.Connection | None = None
        self._readers: list[aiosqlite.Connection] = []
        self._next_reader = 0
        self._pending: list[Entry] = []
        self._writer_task: asyncio.Task[None] | None = None
        self._closed = False
        self.batches_committed = 0
        self.jobs_committed = 0

    async def open(self) -> None:
        """Connect, check the file is chatserver's, migrate, and open the readers."""
        try:
            self._writer = await self._connect()
            # migrate() refuses a foreign file first, so WAL mode is never forced on someone else's.
            await migrate(self)
            mode = await self._writer.execute_fetchall("PRAGMA journal_mode = WAL")
            if next(iter(mode))[0].lower() != "wal":
                raise DatabaseRefused(f"{self.path}: cannot switch the database to WAL mode.")
            for _ in range(self._reader_count):
                reader = await self._connect()
                await reader.execute("PRAGMA query_only = ON")
                self._readers.append(reader)
        except sqlite3.DatabaseError as exc:
            await self._close_connections()
            raise DatabaseRefused(f"{self.path} is not a usable chatserver database: {exc}.") from None
        except BaseException:
            await self._close_connections()
            raise

    async def _connect(self) -> aiosqlite.Connection:
        # isolation_level=None: the writer issues BEGIN/COMMIT itself; readers read in autocommit,
        # so every SELECT sees the newest commit.
        conn = await aiosqlite.connect(self.path, isolation_level=None)
        try:
            await conn.execute("PRAGMA busy_timeout = 5000")
            await conn.execute("PRAGMA foreign_keys = ON")
            # In WAL mode NORMAL survives a process crash (SIGKILL) but may lose the last commits on
            # power loss; FULL syncs the WAL at every commit and survives power loss too.
            await conn.execute(f"PRAGMA synchronous = {self.sync.upper()}")
            # Deleted and overwritten content is zeroed in the file, not left in free space: an erased
            # transcript (retention, redaction) is gone from the disk, not only from the tables.
            await conn.execute("PRAGMA secure_delete = ON")
        except BaseException:
            await conn.close()  # its thread would otherwise keep the process alive
            raise
        return conn

    async def set_trace(self, callback: Callable[[str], None] | None) -> None:
        """Call callback(sql) for every statement on every connection (debugging, tests)."""
        for conn in [*self._readers, *([self._writer] if self._writer else [])]:
            await conn.set_trace_callback(callback)  # type: ignore[arg-type]  # None turns it off

    async def signal(self, note: str) -> None:
        """One process writes an SQLite file: there is nobody to tell."""

    async def scrub(self) -> None:
        """Copy the WAL into the file and empty it, so that no page from before an erasure is left
        in it; a reader still on an old snapshot may keep some until the next scrub."""
        if self._writer is not None:
            await self._writer.execute_fetchall("PRAGMA wal_checkpoint(TRUNCATE)")

    async def size_bytes(self) -> int:
        row = await self.fetchone("SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()")
        wal = 0
        with contextlib.suppress(OSError):
            wal = os.stat(self.path + "-wal").st_size
        return int(row[0] if row is not None else 0) + wal

    async def writer_pragma(self, statement: str) -> list[Row]:
        """Run one PRAGMA on the writer outside any batch: tuning, and fault injection in tests."""
        if not statement.lstrip().upper().startswith("PRAGMA ") or self._writer is None:
            raise ValueError("writer_pragma runs one PRAGMA on an open database")
        return [tuple(row) for row in await self._writer.execute_fetchall(statement)]

    async def in_schema_lock(self, job: SchemaJob[T]) -> T:
        """Run a migration step on the writer in a transaction of its own. BEGIN IMMEDIATE is the
        lock: another process's writer waits for it (busy_timeout)."""
        writer = self._writer
        assert writer is not None
        tx = SchemaTx(writer._conn, self.path)
        run: _Run = await writer._execute(lambda: _run_batch(tx, [lambda _: job(tx)]))  # type: ignore[no-untyped-call]
        if not run.committed:
            raise run.error if run.error is not None else StorageUnavailable()
        result, error = run.outcomes[0]
        if error is not None:
            raise error
        return result  # type: ignore[no-any-return]

    async def follow(self, follower: Follower) -> None:
        """Nothing to follow: no other process writes to an SQLite file chatserver serves."""

    # -- reads ---------------------------------------------------------------------------------

    def _reader(self) -> aiosqlite.Connection:
        if not self._readers:
            raise StorageUnavailable(N_("The database is closed."))
        self._next_reader = (self._next_reader + 1) % len(self._readers)
        return self._readers[self._next_reader]

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        try:
            return [tuple(row) for row in await self._reader().execute_fetchall(sql, bind(params))]
        except sqlite3.Error as exc:
            log.warning("read failed: %s", exc)
            raise storage_unavailable(exc, reading=True) from None

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    # -- writes --------------------------------------------------------------------------------

    async def write(self, job: Job[T]) -> T:
        """Run job(tx) in a write transaction, in the writer thread; return its result once committed.

        Jobs queued while a batch is committing share the next transaction (group commit).
        A job may raise ChatError only before it writes anything: the error goes to its caller
        and the batch goes on. Any other error rolls the batch back; the failing job gets it and
        the others are run again. A job runs in the writer thread: it must not touch the event loop.
        """
        if self._closed or self._writer is None:
            raise StorageUnavailable(N_("The database is closed."))
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._pending.append((job, future))
        if self._writer_task is None or self._writer_task.done():
            self._writer_task = asyncio.create_task(self._drain())
        return await asyncio.shield(future)

    async def _drain(self) -> None:
        while self._pending:
            batch, self._pending = self._pending, []
            try:
                retry = await self._commit_batch(batch)
            except BaseException as exc:
                # Whatever broke, no caller may be left waiting for an answer that never comes.
                log.exception("the writer failed")
                await self._rollback()
                self._fail_all(batch, exc if isinstance(exc, Exception) else StorageUnavailable())
                if not isinstance(exc, Exception):
                    self._fail_all(self._pending, StorageUnavailable())
                    self._pending = []
                    raise
                continue
            self._pending[:0] = retry

    async def _commit_batch(self, batch: list[Entry]) -> list[Entry]:
        """Commit one batch in a single trip to the writer thread; return the jobs to run again."""
        writer = self._writer
        assert writer is not None
        jobs = [job for job, _ in batch]
        # One hop for the whole batch: a thread hop per statement cost more than the statements.
        # aiosqlite runs the function in the connection's own thread, the only one that may use it.
        running: asyncio.Future[_Run] = asyncio.ensure_future(
            writer._execute(lambda: _run_batch(Tx(writer._conn), jobs))  # type: ignore[no-untyped-call]
        )
        try:
            run = await asyncio.shield(running)
        except asyncio.CancelledError:
            # The thread finishes the batch regardless; a committed one must still run its callbacks
            # (the store's memory must match the disk). Whatever else fails, the cancellation goes on.
            with contextlib.suppress(Exception):
                self._finish(batch, await running)
            raise
        return self._finish(batch, run)

    def _finish(self, batch: list[Entry], run: _Run) -> list[Entry]:
        """On the event loop: answer the batch as the writer thread left it; return the jobs to rerun."""
        if run.committed:
            self.batches_committed += 1
            self.jobs_committed += len(run.outcomes)
            # Callbacks first, in order: the store updates its memory before anyone is answered.
            for callback in run.callbacks:
                callback()
            for (_, future), (result, error) in zip(batch, run.outcomes, strict=True):
                if future.done():
                    continue
                if error is not None:
                    future.set_exception(error)
                else:
                    future.set_result(result)
            return []
        if run.failed_index is not None:
            assert run.error is not None
            self._fail(batch[run.failed_index][1], run.error)
            return [entry for i, entry in enumerate(batch) if i != run.failed_index]
        self._fail_all(batch, run.error if run.error is not None else StorageUnavailable())
        return []

    async def _rollback(self) -> None:
        try:
            if self._writer is not None and self._writer.in_transaction:
                await self._writer.execute("ROLLBACK")
        except (sqlite3.Error, ValueError) as exc:
            log.error("rollback failed: %s", exc)

    def _fail_all(self, batch: list[Entry], exc: BaseException) -> None:
        for _, future in batch:
            self._fail(future, exc)

    @staticmethod
    def _fail(future: asyncio.Future[Any], exc: BaseException) -> None:
        if future.done():
            return
        if isinstance(exc, sqlite3.Error | ValueError):  # ValueError: aiosqlite's closed connection
            log.error("write failed: %s", exc)
            exc = storage_unavailable(exc) if isinstance(exc, sqlite3.Error) else StorageUnavailable()
        future.set_exception(exc)

    # -- shutdown ------------------------------------------------------------------------------

    async def close(self) -> None:
        """Finish queued writes, then close every connection (checkpointing the WAL)."""
        self._closed = True
        if self._writer_task is not None:
            await asyncio.gather(self._writer_task, return_exceptions=True)
        await self._close_connections()

    async def _close_connections(self) -> None:
        for conn in [*self._readers, *([self._writer] if self._writer else [])]:
            try:
                await conn.close()
            except (sqlite3.Error, ValueError) as exc:
                log.warning("closing a connection failed: %s", exc)
        self._readers = []
        self._writer = None
