"""PostgreSQL plumbing (asyncpg): a pool, write jobs in their own transactions, migrations under an
advisory lock, and LISTEN/NOTIFY.

The Store's SQL is written once, in the SQLite dialect it grew up with (`?` and `:name`
parameters); `translate` turns each statement into PostgreSQL's once and caches it. Several
processes may share one database: each append locks its event's row until commit (the id comes
from `events.last_item_id`), and each commit tells the others what changed with a NOTIFY.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import re
import secrets
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import asyncpg

from chatserver.backend import Engine, Follower, Job, Params, Row, SchemaJob
from chatserver.errors import N_, ChatError, StorageUnavailable
from chatserver.migrations import DatabaseRefused, migrate, unknown_version
from chatserver.remote import RemoteCommits, split_note

log = logging.getLogger("chatserver.pg")

T = TypeVar("T")
CHANNEL = "chatserver"
# Transient conflicts between processes; the job runs again in a new transaction.
_RETRY = (
    asyncpg.exceptions.SerializationError,
    asyncpg.exceptions.DeadlockDetectedError,
    asyncpg.exceptions.UniqueViolationError,
)
_RETRIES = 3
# Any failure of the server or the connection to it (PostgresError covers the server's refusals,
# shutdowns and lost connections): a 503 now; the pool connects again on the next request.
_FAILED = (OSError, TimeoutError, asyncpg.exceptions.InterfaceError, asyncpg.PostgresError)
_SCHEMA_LOCK = 0x63686174  # pg_advisory_xact_lock key while the schema is created or migrated ("chat")
SCHEMA_MARK = "chatserver schema "  # the comment on the events table, followed by the version
RECONNECT_MAX_S = 5.0


def is_postgres_url(target: str) -> bool:
    return target.startswith(("postgresql://", "postgres://"))


_TOKENS = re.compile(r"('(?:[^']|'')*')|(\?)|(?<!:):([A-Za-z_]\w*)|\bINDEXED BY \w+|\bLIKE\b")


@functools.lru_cache(maxsize=512)
def translate(sql: str) -> tuple[str, tuple[str, ...] | None]:
    """SQLite-dialect SQL as PostgreSQL's: `?` and `:name` become `$n`, LIKE becomes ILIKE (SQLite's
    LIKE ignores ASCII case), and planner hints go. Returns the SQL and, for named parameters, the
    names in `$n` order."""
    names: list[str] = []
    positional = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal positional
        quoted, question, name = match.groups()
        if quoted is not None:
            return quoted
        if question is not None:
            positional += 1
            return f"${positional}"
        if name is not None:
            if name not in names:
                names.append(name)
            return f"${names.index(name) + 1}"
        text = match.group(0)
        return "ILIKE" if text == "LIKE" else ""

    converted = _TOKENS.sub(replace, sql)
    return converted, (tuple(names) if names else None)


def _args(sql: str, params: Params) -> tuple[str, list[Any]]:
    converted, names = translate(sql)
    if names is not None:
        assert isinstance(params, Mapping)
        return converted, [params[name] for name in names]
    assert not isinstance(params, Mapping)
    return converted, list(params)


class PgTx:
    """A write job's transaction on one pooled connection; the same methods as the SQLite Tx."""

    __slots__ = ("_after_commit", "_notes", "conn")

    lock = " FOR UPDATE"  # a job that reads an event row and then changes it holds the row

    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn
        self._after_commit: list[Callable[[], None]] = []
        self._notes: list[str] = []

    async def execute(self, sql: str, params: Params = ()) -> None:
        converted, args = _args(sql, params)
        await self.conn.execute(converted, *args)

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        converted, args = _args(sql, params)
        return [tuple(record) for record in await self.conn.fetch(converted, *args)]

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    def after_commit(self, callback: Callable[[], None]) -> None:
        self._after_commit.append(callback)

    def tell(self, note: str) -> None:
        """NOTIFY the other processes of note at commit (PostgreSQL delivers them in commit order)."""
        self._notes.append(note)

    async def serialize(self, key: str) -> None:
        """Transactions that name the same key run one at a time (a lock held until commit)."""
        await self.conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", key)


class PgSchemaTx(PgTx):
    """A migration step's transaction. The version is the comment on the events table (no table of
    our own for it); DDL and COMMENT are transactional, so a step and its mark commit together."""

    __slots__ = ("path",)

    engine: Engine = "postgresql"

    def __init__(self, conn: asyncpg.Connection, path: str) -> None:
        super().__init__(conn)
        self.path = path

    async def script(self, sql: str) -> None:
        await self.conn.execute(sql)  # no parameters: the simple protocol runs several statements

    async def version(self) -> int | None:
        if await self.conn.fetchval("SELECT to_regclass('events')") is None:
            return None
        mark = await self.conn.fetchval("SELECT obj_description('events'::regclass, 'pg_class')")
        if mark is None or not mark.startswith(SCHEMA_MARK):
            raise DatabaseRefused(f"{self.path} has an events table that is not chatserver's; use an empty database.")
        number = mark.removeprefix(SCHEMA_MARK)
        if not number.isdecimal():
            raise unknown_version(self.path, repr(number))
        return int(number)

    async def set_version(self, version: int) -> None:
        # COMMENT takes no parameters; the version is an integer.
        await self.conn.execute(f"COMMENT ON TABLE events IS '{SCHEMA_MARK}{int(version)}'")


class PgDatabase:
    """A pool of connections to one PostgreSQL database, and a connection that LISTENs."""

    multiprocess = True  # the reason to choose PostgreSQL: other processes commit to it too
    engine: Engine = "postgresql"

    def __init__(self, url: str, pool_size: int = 10) -> None:
        self.url = url
        self.path = safe_url(url)  # for messages: no password
        self.pool_size = pool_size
        self.origin = secrets.token_hex(6)  # marks this process's own notifications
        self._pool: asyncpg.Pool | None = None
        self._listener: asyncpg.Connection | None = None
        self._on_note: Callable[[str], None] | None = None
        self._on_reconnect: Callable[[], None] | None = None
        self._watch: asyncio.Task[None] | None = None
        self._remote: RemoteCommits | None = None
        self._closed = False
        self.batches_committed = 0
        self.jobs_committed = 0

    async def open(self) -> None:
        """Connect, and create the schema in an empty database or migrate an older one."""
        try:
            self._pool = await asyncpg.create_pool(self.url, min_size=1, max_size=self.pool_size)
            await migrate(self)
        except _FAILED as exc:
            await self.close()
            raise DatabaseRefused(f"cannot use the PostgreSQL database {self.path}: {exc}") from None
        except BaseException:
            await self.close()
            raise

    async def in_schema_lock(self, job: SchemaJob[T]) -> T:
        """Run a migration step in a transaction of its own holding the schema's advisory lock: two
        processes starting at once take turns, and the second finds the step applied."""
        assert self._pool is not None
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock($1)", _SCHEMA_LOCK)
            return await job(PgSchemaTx(conn, self.path))

    # -- reads ---------------------------------------------------------------------------------

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        if self._pool is None or self._closed:
            raise StorageUnavailable(N_("The database is closed."))
        converted, args = _args(sql, params)
        try:
            return [tuple(record) for record in await self._pool.fetch(converted, *args)]
        except _FAILED as exc:
            log.warning("read failed: %s", exc)
            raise StorageUnavailable(N_("The server cannot reach its database right now; try again shortly.")) from None

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    # -- writes --------------------------------------------------------------------------------

    async def write(self, job: Job[T]) -> T:
        """Run job(tx) in its own transaction; return its result once committed and its callbacks ran."""
        if self._pool is None or self._closed:
            raise StorageUnavailable(N_("The database is closed."))
        for attempt in range(_RETRIES):
            try:
                async with self._pool.acquire() as conn:
                    tx = PgTx(conn)
                    async with conn.transaction():
                        result = await job(tx)
                        if tx._notes:
                            await conn.execute(
                                "SELECT pg_notify($1, n) FROM unnest($2::text[]) WITH ORDINALITY AS t(n, i) ORDER BY i",
                                CHANNEL,
                                [f"{self.origin} {note}" for note in tx._notes],
                            )
            except ChatError:
                raise
            except _RETRY as exc:
                log.info("write conflict, attempt %d: %s", attempt + 1, exc)
                continue
            except _FAILED as exc:
                log.error("write failed: %s", exc)
                raise StorageUnavailable(
                    N_("The server cannot write to its database right now; try again shortly.")
                ) from None
            self.batches_committed += 1
            self.jobs_committed += 1
            for callback in tx._after_commit:
                callback()
            return result
        raise StorageUnavailable(N_("The database was too busy with conflicting writes; try again."))

    # -- notifications -------------------------------------------------------------------------

    async def signal(self, note: str) -> None:
        """NOTIFY the other processes of note now, outside any transaction; a failure loses only it."""
        if self._pool is None or self._closed:
            return
        parts = split_note(note)
        try:
            if parts is None:
                await self._pool.execute("SELECT pg_notify($1, $2)", CHANNEL, f"{self.origin} {note}")
            else:  # one transaction: its notes arrive together, in order, or not at all
                async with self._pool.acquire() as conn, conn.transaction():
                    for part in parts:
                        await conn.execute("SELECT pg_notify($1, $2)", CHANNEL, f"{self.origin} {part}")
        except _FAILED as exc:
            log.debug("a signal to the other processes was lost: %s", exc)

    async def follow(self, follower: Follower) -> None:
        """Hand the other processes' commits to follower from now on, one at a time in commit order."""
        self._remote = RemoteCommits(follower)
        await self.listen(self._remote.note, self._remote.resync)

    async def listen(self, on_note: Callable[[str], None], on_reconnect: Callable[[], None]) -> None:
        """Call on_note(note) for each other process's commit note; after a lost connection is back,
        call on_reconnect() (notes sent meanwhile are lost: the caller reads what it missed)."""
        self._on_note, self._on_reconnect = on_note, on_reconnect
        await self._connect_listener()
        self._watch = asyncio.ensure_future(self._keep_listening())

    async def _connect_listener(self) -> None:
        conn = await asyncpg.connect(self.url)
        await conn.add_listener(CHANNEL, self._notified)
        self._listener = conn

    def _notified(self, _conn: object, _pid: int, _channel: str, payload: str) -> None:
        origin, _, note = payload.partition(" ")
        if origin != self.origin and self._on_note is not None:
            self._on_note(note)

    async def _keep_listening(self) -> None:
        """Check the listening connection every second; if it is gone, connect again with backoff."""
        delay = 0.1
        while not self._closed:
            await asyncio.sleep(1.0)
            conn = self._listener
            try:
                if conn is not None and not conn.is_closed():
                    await asyncio.wait_for(conn.execute("SELECT 1"), 5)
                    continue
            except _FAILED:
                pass
            log.warning("lost the PostgreSQL notification connection; reconnecting")
            while not self._closed:
                try:
                    await self._connect_listener()
                    break
                except _FAILED as exc:
                    log.warning("reconnecting to PostgreSQL failed (%s); again in %.1f s", exc, delay)
                    await asyncio.sleep(delay)
                    delay = min(RECONNECT_MAX_S, delay * 2)
            delay = 0.1
            if not self._closed and self._on_reconnect is not None:
                log.info("PostgreSQL notifications are back")
                self._on_reconnect()

    # -- shutdown ------------------------------------------------------------------------------

    async def size_bytes(self) -> int:
        row = await self.fetchone("SELECT pg_database_size(current_database())")
        return int(row[0]) if row is not None else 0

    async def scrub(self) -> None:
        """Dead row versions keep erased text in the table files until VACUUM: run it now on the
        tables that held it (outside any transaction, as VACUUM must be)."""
        if self._pool is None or self._closed:
            return
        async with self._pool.acquire() as conn:
            await conn.execute("VACUUM items, participants, moderators, held")

    async def close(self) -> None:
        self._closed = True
        if self._remote is not None:
            await self._remote.stop()
        if self._watch is not None:
            self._watch.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watch
        if self._listener is not None:
            with contextlib.suppress(*_FAILED):
                await self._listener.close(timeout=5)
            self._listener = None
        if self._pool is not None:
            with contextlib.suppress(*_FAILED):
                await asyncio.wait_for(self._pool.close(), 10)
            self._pool = None


def safe_url(url: str) -> str:
    """The URL without its password, for messages and logs."""
    return re.sub(r"(://[^:/@]+):[^@/]*@", r"\1:***@", url)
