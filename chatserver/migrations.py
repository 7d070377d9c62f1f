"""Schema versions: schema.sql is the newest version in full; MIGRATIONS bring older files forward."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import aiosqlite

from chatserver.resources import schema_sql
from chatserver.validation import nickname_key

# PRAGMA application_id marks a file as chatserver's ("chat"), so a foreign database is refused.
APPLICATION_ID = 0x63686174

async def recompute_nickname_keys(db: aiosqlite.Connection) -> None:
    """Nickname keys as validation.nickname_key computes them now (it learned to ignore every
    invisible character); inside the migration's transaction.

    Two participants of one event whose new keys collide were told apart when they joined: the
    later one keeps its old key, so nobody is renamed and no row breaks the UNIQUE constraint."""
    rows = list(await db.execute_fetchall("SELECT id, event_id, nickname, nickname_key FROM participants ORDER BY id"))
    taken: set[tuple[int, str]] = set()
    final: dict[int, str] = {}
    for participant_id, event_id, nickname, old_key in rows:
        new_key = nickname_key(nickname)
        key = new_key if (event_id, new_key) not in taken else old_key
        if (event_id, key) in taken:  # the old key was taken by someone's new one: keep it distinct
            key = f"{old_key}\x00{participant_id}"
        taken.add((event_id, key))
        final[participant_id] = key
    changed = [(pid, final[pid]) for pid, _, _, old_key in rows if final[pid] != old_key]
    # Through a unique placeholder first, so that no intermediate state breaks the constraint.
    for participant_id, _ in changed:
        await db.execute("UPDATE participants SET nickname_key = ? WHERE id = ?", (f"\x00moving{participant_id}", participant_id))
    for participant_id, key in changed:
        await db.execute("UPDATE participants SET nickname_key = ? WHERE id = ?", (key, participant_id))


Step = str | Callable[[aiosqlite.Connection], Awaitable[None]]

# MIGRATIONS[n] takes a version-(n+1) database to version n+2: SQL, or a function run inside the
# step's transaction. Append to this list, and apply the same change to schema.sql (and
# schema_pg.sql), whenever the schema changes.
MIGRATIONS: list[Step] = [
    # 1 -> 2: read receipts.
    "ALTER TABLE participants ADD COLUMN last_read_id INTEGER NOT NULL DEFAULT 0",
    # 2 -> 3: which sites may embed the room.
    "ALTER TABLE events ADD COLUMN embed_origins TEXT",
    # 3 -> 4: the home page lists what starts, or closes, soonest.
    (
        "CREATE INDEX events_listed_starts ON events (listed, starts_at);"
        " CREATE INDEX events_listed_ends ON events (listed, ends_at)"
    ),
    # 4 -> 5: presence and limits shared by processes (used with PostgreSQL; kept alike here).
    (
        "ALTER TABLE participants ADD COLUMN seen_at INTEGER NOT NULL DEFAULT 0;"
        " CREATE TABLE rate_hits (key TEXT NOT NULL, at INTEGER NOT NULL);"
        " CREATE INDEX rate_hits_key ON rate_hits (key, at);"
        " CREATE UNIQUE INDEX items_boundaries ON items (event_id, code) WHERE code IN ('opened', 'closed')"
    ),
    # 5 -> 6: nickname keys ignore every invisible character (default-ignorable code points).
    recompute_nickname_keys,
]


def schema_version() -> int:
    """The version schema.sql describes."""
    return 1 + len(MIGRATIONS)


class DatabaseRefused(Exception):
    """The file given as the database cannot be used; the message says why."""


async def migrate(db: aiosqlite.Connection, path: str) -> int:
    """Create the schema in an empty file or bring an older one forward; return the version."""
    app_id = await _pragma(db, "application_id")
    version = await _pragma(db, "user_version")
    tables = await db.execute_fetchall("SELECT name FROM sqlite_master WHERE type = 'table'")
    target = schema_version()
    if app_id != APPLICATION_ID:
        if tables:
            raise DatabaseRefused(
                f"{path} is an SQLite database of another program, not chatserver's; "
                "pass a new file or a chatserver database with --db."
            )
        # executescript commits first, so the whole schema goes in one explicit transaction.
        await _script_in_transaction(
            db,
            schema_sql()
            + f";\nPRAGMA application_id = {APPLICATION_ID};\nPRAGMA user_version = {target};",
        )
        return target
    if version > target:
        raise DatabaseRefused(
            f"{path} has schema version {version}, newer than this chatserver's {target}; "
            "upgrade chatserver."
        )
    for step in range(version, target):
        migration = MIGRATIONS[step - 1]
        if isinstance(migration, str):
            # The separating semicolon lets a migration end without one of its own.
            await _script_in_transaction(db, f"{migration};\nPRAGMA user_version = {step + 1};")
        else:
            await _function_in_transaction(db, migration, step + 1)
    return target


async def _pragma(db: aiosqlite.Connection, name: str) -> int:
    rows = await db.execute_fetchall(f"PRAGMA {name}")
    return int(next(iter(rows))[0])


async def _function_in_transaction(
    db: aiosqlite.Connection, migration: Callable[[aiosqlite.Connection], Awaitable[None]], version: int
) -> None:
    """Run a Python migration step and set the new version, all or nothing."""
    await db.execute("BEGIN IMMEDIATE")
    try:
        await migration(db)
        await db.execute(f"PRAGMA user_version = {version}")
        await db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            await db.rollback()
        raise


async def _script_in_transaction(db: aiosqlite.Connection, script: str) -> None:
    """Run a script all or nothing (executescript alone would commit statement by statement)."""
    try:
        await db.executescript(f"BEGIN IMMEDIATE;\n{script}\nCOMMIT;")
    except BaseException:
        if db.in_transaction:
            await db.rollback()
        raise
