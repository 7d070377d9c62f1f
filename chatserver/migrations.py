"""Schema versions: schema.sql is the newest version in full; MIGRATIONS bring older files forward."""

from __future__ import annotations

import aiosqlite

from chatserver.resources import schema_sql

# PRAGMA application_id marks a file as chatserver's ("chat"), so a foreign database is refused.
APPLICATION_ID = 0x63686174

# MIGRATIONS[n] is the SQL that takes a version-(n+1) database to version n+2.
# Append to this list, and apply the same change to schema.sql, whenever the schema changes.
MIGRATIONS: list[str] = [
    # 1 -> 2: read receipts.
    "ALTER TABLE participants ADD COLUMN last_read_id INTEGER NOT NULL DEFAULT 0",
    # 2 -> 3: which sites may embed the room.
    "ALTER TABLE events ADD COLUMN embed_origins TEXT",
    # 3 -> 4: the home page lists what starts, or closes, soonest.
    "CREATE INDEX events_listed_starts ON events (listed, starts_at);"
    " CREATE INDEX events_listed_ends ON events (listed, ends_at)",
    # 4 -> 5: presence and limits shared by processes (used with PostgreSQL; kept alike here).
    "ALTER TABLE participants ADD COLUMN seen_at INTEGER NOT NULL DEFAULT 0;"
    " CREATE TABLE rate_hits (key TEXT NOT NULL, at INTEGER NOT NULL);"
    " CREATE INDEX rate_hits_key ON rate_hits (key, at);"
    " CREATE UNIQUE INDEX items_boundaries ON items (event_id, code) WHERE code IN ('opened', 'closed')",
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
        # The separating semicolon lets a migration end without one of its own.
        await _script_in_transaction(db, f"{MIGRATIONS[step - 1]};\nPRAGMA user_version = {step + 1};")
    return target


async def _pragma(db: aiosqlite.Connection, name: str) -> int:
    rows = await db.execute_fetchall(f"PRAGMA {name}")
    return int(list(rows)[0][0])


async def _script_in_transaction(db: aiosqlite.Connection, script: str) -> None:
    """Run a script all or nothing (executescript alone would commit statement by statement)."""
    try:
        await db.executescript(f"BEGIN IMMEDIATE;\n{script}\nCOMMIT;")
    except BaseException:
        if db.in_transaction:
            await db.rollback()
        raise
