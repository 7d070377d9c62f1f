"""What the Store and the migrations need of a database engine, whichever it is: SQLite (database.py)
or PostgreSQL (pg.py) implements these protocols; nothing here knows either."""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Iterable, Mapping
from typing import Any, Literal, Protocol, TypeVar

T = TypeVar("T")
Row = tuple[Any, ...]
Params = Iterable[Any] | Mapping[str, Any]
Engine = Literal["sqlite", "postgresql"]


class Transaction(Protocol):
    """What a write job sees of its transaction, on either engine (database.Tx, pg.PgTx).

    SQL is written in SQLite's dialect (`?` and `:name` parameters); PostgreSQL's backend translates it.
    """

    # Appended to a SELECT of an event row that the job goes on to change: the row stays the job's.
    lock: str

    async def execute(self, sql: str, params: Params = ()) -> None: ...

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]: ...

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None: ...

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Run callback on the event loop once the job's writes are durable (never if rolled back)."""

    def tell(self, note: str) -> None:
        """Tell the other processes of a change at commit (nobody to tell when there are none)."""

    async def serialize(self, key: str) -> None:
        """Make transactions that name key run one at a time."""


# A write job runs inside the open transaction: `async def job(tx)` using only tx, the clock and
# its arguments. On SQLite it runs in the writer thread while the loop goes on, so it must not touch
# the loop; loop-side effects go into tx.after_commit callbacks.
Job = Callable[[Transaction], Coroutine[Any, Any, T]]


class SchemaTransaction(Transaction, Protocol):
    """A migration step's transaction: a write job's, plus where its engine keeps the schema version."""

    engine: Engine

    async def script(self, sql: str) -> None:
        """Run statements of the engine's own dialect, without parameters (DDL), in this transaction."""

    async def version(self) -> int | None:
        """The schema version marked in the database, None for an empty one; refuses another program's."""

    async def set_version(self, version: int) -> None:
        """Mark the database with version, at this transaction's commit."""


SchemaJob = Callable[[SchemaTransaction], Coroutine[Any, Any, T]]


class SchemaHost(Protocol):
    """An engine as the migrations see it: each step its own transaction, under the schema lock."""

    path: str  # for messages: a file name, or a URL without its password

    async def in_schema_lock(self, job: SchemaJob[T]) -> T:
        """Run job in a transaction of its own that holds the engine's schema lock, which any other
        process opening the same database waits for; return its result once committed."""


class Follower(Protocol):
    """What takes in other processes' commits, told by a backend several processes use (the Store)."""

    async def take_items_from_elsewhere(self, event_id: int, newest: int) -> None: ...

    async def reload_event(self, event_id: int) -> None: ...

    def reads_changed_elsewhere(self, event_id: int) -> None: ...

    def erased_elsewhere(self, event_id: int, item_id: int | None) -> None: ...

    def typing_elsewhere(self, event_id: int, participant_id: int, nickname: str) -> None: ...

    def call_signal_elsewhere(self, note: str) -> None: ...

    async def resync(self) -> None: ...


class Backend(Protocol):
    """What the Store needs of a database: SQLite's Database or PostgreSQL's PgDatabase."""

    path: str
    engine: Engine
    batches_committed: int
    jobs_committed: int

    @property
    def multiprocess(self) -> bool:
        """Whether several processes write to this database, so memory may lag their commits."""

    async def write(self, job: Job[T]) -> T: ...

    async def scrub(self) -> None:
        """Make erased text unreadable in the files too (SQLite: a WAL checkpoint that empties it)."""

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]: ...

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None: ...

    async def size_bytes(self) -> int:
        """The space the database takes (SQLite: the file and its WAL; PostgreSQL: the database)."""

    async def signal(self, note: str) -> None:
        """Tell the other processes of something never stored (somebody typing); nobody to tell
        when there are none, and a note lost on the way is no loss."""

    async def follow(self, follower: Follower) -> None:
        """From now on hand the other processes' commits to follower, in commit order."""

    async def close(self) -> None: ...
