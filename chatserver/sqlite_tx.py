"""The SQLite writer's transactions, as write jobs and migration steps see them (Tx, SchemaTx)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Coroutine, Mapping
from typing import Any, TypeVar

from chatserver.backend import Engine, Params, Row
from chatserver.migrations import APPLICATION_ID, DatabaseRefused

T = TypeVar("T")


def bind(params: Params) -> tuple[Any, ...] | Mapping[str, Any]:
    """Positional parameters as a tuple; named ones (a mapping) as they are."""
    return params if isinstance(params, Mapping) else tuple(params)


class Tx:
    """The writer's view of the open transaction, handed to each write job in the writer thread.

    Its methods are coroutines so that one job serves both backends, but here none of them ever
    suspends: the writer thread drives each job to its end in one step (run_to_end), with no loop.
    """

    __slots__ = ("_after_commit", "conn")

    # Appended to a SELECT of an event row that the job goes on to change. SQLite needs nothing:
    # BEGIN IMMEDIATE has made this transaction the only writer already.
    lock = ""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._after_commit: list[Callable[[], None]] = []

    async def execute(self, sql: str, params: Params = ()) -> None:
        self.conn.execute(sql, bind(params))

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        # The writer has no row_factory, so its rows are tuples already.
        rows: list[Row] = self.conn.execute(sql, bind(params)).fetchall()
        return rows

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        # fetchall steps each statement (RETURNING ones too) to its end: none stays active at COMMIT.
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Run callback on the event loop once this job's writes are durable (never if rolled back)."""
        self._after_commit.append(callback)

    def tell(self, note: str) -> None:
        """Tell other processes of a change at commit; one process owns an SQLite file, so no one."""

    async def serialize(self, key: str) -> None:
        """Make transactions that name key run one at a time; BEGIN IMMEDIATE did that already."""


def run_to_end(coroutine: Coroutine[Any, Any, T]) -> T:
    """Drive a write job that never suspends (its awaits are all on Tx) to its result, here and now."""
    try:
        coroutine.send(None)
    except StopIteration as done:
        return done.value  # type: ignore[no-any-return]
    coroutine.close()
    raise RuntimeError("a write job awaited something other than its transaction")


class SchemaTx(Tx):
    """A migration step's transaction on the writer. The version is PRAGMA user_version, and PRAGMA
    application_id marks the file as chatserver's; both change with the transaction, all or nothing."""

    __slots__ = ("path",)

    engine: Engine = "sqlite"

    def __init__(self, conn: sqlite3.Connection, path: str) -> None:
        super().__init__(conn)
        self.path = path

    async def script(self, sql: str) -> None:
        for statement in statements(sql):
            self.conn.execute(statement)

    async def version(self) -> int | None:
        if await self._pragma("application_id") != APPLICATION_ID:
            if await self.fetchone("SELECT 1 FROM sqlite_master WHERE type = 'table'"):
                raise DatabaseRefused(
                    f"{self.path} is an SQLite database of another program, not chatserver's; "
                    "pass a new file or a chatserver database with --db."
                )
            return None
        return await self._pragma("user_version")

    async def set_version(self, version: int) -> None:
        # PRAGMA takes no parameters; both values are integers.
        self.conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        self.conn.execute(f"PRAGMA user_version = {int(version)}")

    async def _pragma(self, name: str) -> int:
        row = await self.fetchone(f"PRAGMA {name}")
        assert row is not None
        return int(row[0])


def statements(script: str) -> list[str]:
    """A script's statements one by one: execute runs one, and executescript would commit first."""
    found: list[str] = []
    pending = ""
    *ended, rest = script.split(";")
    for piece in ended:
        pending += piece + ";"
        if sqlite3.complete_statement(pending):  # not a semicolon inside a string or a comment
            found.append(pending)
            pending = ""
    if (pending + rest).strip():
        found.append(pending + rest)
    return found
