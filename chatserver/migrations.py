"""Schema versions, one list of steps for both engines: schema.sql and schema_pg.sql are the newest
version in full, for new databases; MIGRATIONS bring older ones forward."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from chatserver import resources
from chatserver.backend import Engine, SchemaHost, SchemaTransaction, Transaction
from chatserver.search_index import SearchIndex
from chatserver.validation import nickname_key

log = logging.getLogger("chatserver.migrations")

# PRAGMA application_id marks an SQLite file as chatserver's ("chat"), so a foreign one is refused.
APPLICATION_ID = 0x63686174

# The schema version each engine was first released with: no database of that engine is older.
FIRST_VERSION: dict[Engine, int] = {"sqlite": 1, "postgresql": 5}

# Keeps an old key that collides with another's new one apart: no nickname contains a control character.
_APART = "\x1f"


class DatabaseRefused(Exception):
    """The file given as the database cannot be used; the message says why."""


@dataclass(frozen=True)
class Sql:
    """A schema change said in each engine's SQL, where they differ (INTEGER and BIGINT, BLOB and BYTEA)."""

    sqlite: str
    # None only for a step older than the engine's FIRST_VERSION, which never runs there.
    postgresql: str | None

    def on(self, engine: Engine) -> str:
        sql = self.sqlite if engine == "sqlite" else self.postgresql
        if sql is None:
            raise AssertionError(f"this migration step has no SQL for {engine}")
        return sql


async def recompute_nickname_keys(tx: Transaction) -> None:
    """Nickname keys as validation.nickname_key computes them now (it learned to ignore every
    invisible character); inside the migration's transaction.

    Two participants of one event whose new keys collide were told apart when they joined: the
    later one keeps its old key, so nobody is renamed and no row breaks the UNIQUE constraint."""
    rows = await tx.fetchall("SELECT id, event_id, nickname, nickname_key FROM participants ORDER BY id")
    taken: set[tuple[int, str]] = set()
    final: dict[int, str] = {}
    for participant_id, event_id, nickname, old_key in rows:
        new_key = nickname_key(nickname)
        key = new_key if (event_id, new_key) not in taken else old_key
        if (event_id, key) in taken:  # the old key was taken by someone's new one: keep it distinct
            key = f"{old_key}{_APART}{participant_id}"
        taken.add((event_id, key))
        final[participant_id] = key
    changed = [(pid, final[pid]) for pid, _, _, old_key in rows if final[pid] != old_key]
    # Through a unique placeholder first, so that no intermediate state breaks the constraint.
    for participant_id, _ in changed:
        await tx.execute(
            "UPDATE participants SET nickname_key = ? WHERE id = ?", (f"{_APART}moving{participant_id}", participant_id)
        )
    for participant_id, key in changed:
        await tx.execute("UPDATE participants SET nickname_key = ? WHERE id = ?", (key, participant_id))


# 12 -> 13: reactions, and full-text search of messages and announcements (store/search.py).
_CONVERSATION = Sql(
    "CREATE TABLE reactions (event_id INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,"
    " target INTEGER NOT NULL, emoji TEXT NOT NULL,"
    " participant_id INTEGER NOT NULL REFERENCES participants (id) ON DELETE CASCADE,"
    " created_at INTEGER NOT NULL, PRIMARY KEY (event_id, target, emoji, participant_id)) WITHOUT ROWID;"
    " CREATE VIRTUAL TABLE items_fts USING fts5 (words, tokenize = 'unicode61 remove_diacritics 2');"
    " CREATE INDEX items_edits ON items (event_id, target) WHERE kind = 'edit'",
    "CREATE TABLE reactions (event_id BIGINT NOT NULL REFERENCES events (id) ON DELETE CASCADE,"
    " target BIGINT NOT NULL, emoji TEXT NOT NULL,"
    " participant_id BIGINT NOT NULL REFERENCES participants (id) ON DELETE CASCADE,"
    " created_at BIGINT NOT NULL, PRIMARY KEY (event_id, target, emoji, participant_id));"
    " ALTER TABLE items ADD COLUMN search TSVECTOR;"
    " CREATE INDEX items_search ON items USING GIN (search) WHERE search IS NOT NULL;"
    " CREATE INDEX items_edits ON items (event_id, target) WHERE kind = 'edit'",
)
# The rows a migration reads at a time while indexing what was written before search existed.
_INDEX_BATCH = 2000


async def add_conversation(tx: SchemaTransaction) -> None:
    """Reactions and the search index, with every message and announcement already written indexed
    (the public ones not retracted: what search may find), in this step's transaction."""
    await tx.script(_CONVERSATION.on(tx.engine))
    index, after = SearchIndex(tx.engine), (0, 0)
    while True:
        rows = await tx.fetchall(
            "SELECT event_id, id, body FROM items WHERE (event_id > ? OR (event_id = ? AND id > ?))"
            " AND kind IN ('message', 'announcement') AND private = 0 AND retracted = 0"
            " ORDER BY event_id, id LIMIT ?",
            (after[0], after[0], after[1], _INDEX_BATCH),
        )
        for event_id, item_id, body in rows:
            await index.add(tx, event_id, item_id, body)
        if len(rows) < _INDEX_BATCH:
            return
        after = (rows[-1][0], rows[-1][1])


# SQL the same on both engines (a str), each engine's own (Sql), or a function run with the step's
# transaction, whose statements are the Store's dialect (parameters translated on PostgreSQL).
Step = str | Sql | Callable[[SchemaTransaction], Awaitable[None]]

# MIGRATIONS[n] takes a version-(n+1) database to version n+2, on either engine. A schema change
# appends a step here, makes the same change in schema.sql and schema_pg.sql, and freezes the new
# schema of each engine under tests/fixtures.
MIGRATIONS: list[Step] = [
    # 1 -> 2: read receipts.
    Sql("ALTER TABLE participants ADD COLUMN last_read_id INTEGER NOT NULL DEFAULT 0", postgresql=None),
    # 2 -> 3: which sites may embed the room.
    Sql("ALTER TABLE events ADD COLUMN embed_origins TEXT", postgresql=None),
    # 3 -> 4: the home page lists what starts, or closes, soonest.
    Sql(
        "CREATE INDEX events_listed_starts ON events (listed, starts_at);"
        " CREATE INDEX events_listed_ends ON events (listed, ends_at)",
        postgresql=None,
    ),
    # 4 -> 5: presence and limits shared by processes (used with PostgreSQL; kept alike here).
    Sql(
        "ALTER TABLE participants ADD COLUMN seen_at INTEGER NOT NULL DEFAULT 0;"
        " CREATE TABLE rate_hits (key TEXT NOT NULL, at INTEGER NOT NULL);"
        " CREATE INDEX rate_hits_key ON rate_hits (key, at);"
        " CREATE UNIQUE INDEX items_boundaries ON items (event_id, code) WHERE code IN ('opened', 'closed')",
        postgresql=None,
    ),
    # 5 -> 6: nickname keys ignore every invisible character (default-ignorable code points).
    recompute_nickname_keys,
    # 6 -> 7: an item's extras as JSON ("changes" of an edit, "previous" and "nickname" of a rename).
    "ALTER TABLE items ADD COLUMN data TEXT",
    # 7 -> 8: an event's default language (its transcript header, its pages when the reader states none).
    "ALTER TABLE events ADD COLUMN language TEXT",
    # 8 -> 9: series, whose occurrences are events (events.series, events.recurrence_at).
    Sql(
        "CREATE TABLE series (id INTEGER PRIMARY KEY, slug TEXT NOT NULL UNIQUE, title TEXT NOT NULL,"
        " description TEXT NOT NULL DEFAULT '', rrule TEXT NOT NULL, time_zone TEXT NOT NULL,"
        " starts_at INTEGER NOT NULL, ends_at INTEGER NOT NULL, host_key_hash BLOB NOT NULL,"
        " listed INTEGER NOT NULL DEFAULT 1 CHECK (listed IN (0, 1)), created_at INTEGER NOT NULL,"
        " ended_at INTEGER, sequence INTEGER NOT NULL DEFAULT 0, embed_origins TEXT, language TEXT,"
        " CHECK (ends_at > starts_at));"
        " ALTER TABLE events ADD COLUMN series TEXT REFERENCES series (slug);"
        " ALTER TABLE events ADD COLUMN recurrence_at INTEGER;"
        " CREATE UNIQUE INDEX events_series ON events (series, recurrence_at) WHERE series IS NOT NULL",
        postgresql="CREATE TABLE series (id BIGSERIAL PRIMARY KEY, slug TEXT NOT NULL UNIQUE, title TEXT NOT NULL,"
        " description TEXT NOT NULL DEFAULT '', rrule TEXT NOT NULL, time_zone TEXT NOT NULL,"
        " starts_at BIGINT NOT NULL, ends_at BIGINT NOT NULL, host_key_hash BYTEA NOT NULL,"
        " listed SMALLINT NOT NULL DEFAULT 1 CHECK (listed IN (0, 1)), created_at BIGINT NOT NULL,"
        " ended_at BIGINT, sequence BIGINT NOT NULL DEFAULT 0, embed_origins TEXT, language TEXT,"
        " CHECK (ends_at > starts_at));"
        " ALTER TABLE events ADD COLUMN series TEXT REFERENCES series (slug);"
        " ALTER TABLE events ADD COLUMN recurrence_at BIGINT;"
        " CREATE UNIQUE INDEX events_series ON events (series, recurrence_at) WHERE series IS NOT NULL",
    ),
    # 9 -> 10: moderation (slow mode, locked joins, mutes, moderators, host messages), transcripts
    # for the hosts only, and retention.
    Sql(
        "ALTER TABLE events ADD COLUMN slow_mode INTEGER NOT NULL DEFAULT 0 CHECK (slow_mode BETWEEN 0 AND 3600);"
        " ALTER TABLE events ADD COLUMN joins_locked INTEGER NOT NULL DEFAULT 0 CHECK (joins_locked IN (0, 1));"
        " ALTER TABLE events ADD COLUMN join_items INTEGER NOT NULL DEFAULT 1 CHECK (join_items IN (0, 1));"
        " ALTER TABLE events ADD COLUMN filter_words TEXT;"
        " ALTER TABLE events ADD COLUMN transcript TEXT NOT NULL DEFAULT 'public'"
        " CHECK (transcript IN ('public', 'hosts'));"
        " ALTER TABLE events ADD COLUMN retention_days INTEGER;"
        " ALTER TABLE events ADD COLUMN erased_at INTEGER;"
        " ALTER TABLE participants ADD COLUMN muted_until INTEGER NOT NULL DEFAULT 0;"
        " ALTER TABLE participants ADD COLUMN last_posted_at INTEGER NOT NULL DEFAULT 0;"
        " ALTER TABLE participants ADD COLUMN device_hash BLOB;"
        " ALTER TABLE participants ADD COLUMN address_hash BLOB;"
        " ALTER TABLE items ADD COLUMN role TEXT CHECK (role IN ('host', 'moderator'));"
        " CREATE TABLE moderators (id INTEGER PRIMARY KEY,"
        " event_id INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE, name TEXT NOT NULL,"
        " key_hash BLOB NOT NULL UNIQUE, created_at INTEGER NOT NULL, revoked_at INTEGER);"
        " CREATE INDEX moderators_event ON moderators (event_id, id);"
        " CREATE TABLE bans (id INTEGER PRIMARY KEY,"
        " event_id INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE, device_hash BLOB,"
        " address_hash BLOB, address_until INTEGER, created_at INTEGER NOT NULL);"
        " CREATE INDEX bans_event ON bans (event_id);"
        " CREATE TABLE actions (id INTEGER PRIMARY KEY,"
        " event_id INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE, at INTEGER NOT NULL,"
        " role TEXT NOT NULL CHECK (role IN ('host', 'moderator')), moderator_id INTEGER, name TEXT,"
        " action TEXT NOT NULL, target INTEGER, detail TEXT);"
        " CREATE INDEX actions_event ON actions (event_id, id);"
        " CREATE TABLE held (id INTEGER PRIMARY KEY,"
        " event_id INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,"
        " participant_id INTEGER NOT NULL REFERENCES participants (id) ON DELETE CASCADE, body TEXT NOT NULL,"
        " client_id TEXT, created_at INTEGER NOT NULL,"
        " status TEXT NOT NULL DEFAULT 'held' CHECK (status IN ('held', 'approved', 'rejected')), item_id INTEGER);"
        " CREATE INDEX held_event ON held (event_id, status, id);"
        " CREATE UNIQUE INDEX held_client_id ON held (participant_id, client_id) WHERE client_id IS NOT NULL",
        postgresql="ALTER TABLE events ADD COLUMN slow_mode BIGINT NOT NULL DEFAULT 0"
        " CHECK (slow_mode BETWEEN 0 AND 3600);"
        " ALTER TABLE events ADD COLUMN joins_locked SMALLINT NOT NULL DEFAULT 0 CHECK (joins_locked IN (0, 1));"
        " ALTER TABLE events ADD COLUMN join_items SMALLINT NOT NULL DEFAULT 1 CHECK (join_items IN (0, 1));"
        " ALTER TABLE events ADD COLUMN filter_words TEXT;"
        " ALTER TABLE events ADD COLUMN transcript TEXT NOT NULL DEFAULT 'public'"
        " CHECK (transcript IN ('public', 'hosts'));"
        " ALTER TABLE events ADD COLUMN retention_days BIGINT;"
        " ALTER TABLE events ADD COLUMN erased_at BIGINT;"
        " ALTER TABLE participants ADD COLUMN muted_until BIGINT NOT NULL DEFAULT 0;"
        " ALTER TABLE participants ADD COLUMN last_posted_at BIGINT NOT NULL DEFAULT 0;"
        " ALTER TABLE participants ADD COLUMN device_hash BYTEA;"
        " ALTER TABLE participants ADD COLUMN address_hash BYTEA;"
        " ALTER TABLE items ADD COLUMN role TEXT CHECK (role IN ('host', 'moderator'));"
        " CREATE TABLE moderators (id BIGSERIAL PRIMARY KEY,"
        " event_id BIGINT NOT NULL REFERENCES events (id) ON DELETE CASCADE, name TEXT NOT NULL,"
        " key_hash BYTEA NOT NULL UNIQUE, created_at BIGINT NOT NULL, revoked_at BIGINT);"
        " CREATE INDEX moderators_event ON moderators (event_id, id);"
        " CREATE TABLE bans (id BIGSERIAL PRIMARY KEY,"
        " event_id BIGINT NOT NULL REFERENCES events (id) ON DELETE CASCADE, device_hash BYTEA,"
        " address_hash BYTEA, address_until BIGINT, created_at BIGINT NOT NULL);"
        " CREATE INDEX bans_event ON bans (event_id);"
        " CREATE TABLE actions (id BIGSERIAL PRIMARY KEY,"
        " event_id BIGINT NOT NULL REFERENCES events (id) ON DELETE CASCADE, at BIGINT NOT NULL,"
        " role TEXT NOT NULL CHECK (role IN ('host', 'moderator')), moderator_id BIGINT, name TEXT,"
        " action TEXT NOT NULL, target BIGINT, detail TEXT);"
        " CREATE INDEX actions_event ON actions (event_id, id);"
        " CREATE TABLE held (id BIGSERIAL PRIMARY KEY,"
        " event_id BIGINT NOT NULL REFERENCES events (id) ON DELETE CASCADE,"
        " participant_id BIGINT NOT NULL REFERENCES participants (id) ON DELETE CASCADE, body TEXT NOT NULL,"
        " client_id TEXT, created_at BIGINT NOT NULL,"
        " status TEXT NOT NULL DEFAULT 'held' CHECK (status IN ('held', 'approved', 'rejected')), item_id BIGINT);"
        " CREATE INDEX held_event ON held (event_id, status, id);"
        " CREATE UNIQUE INDEX held_client_id ON held (participant_id, client_id) WHERE client_id IS NOT NULL",
    ),
    # 10 -> 11: the operators' keys and the audit log of what was done to whole events and series;
    # the moderation settings a series gives its new occurrences.
    Sql(
        "ALTER TABLE series ADD COLUMN moderation TEXT;"
        " CREATE TABLE admin_keys (id INTEGER PRIMARY KEY, name TEXT NOT NULL, key_hash BLOB NOT NULL UNIQUE,"
        " created_at INTEGER NOT NULL, revoked_at INTEGER);"
        " CREATE TABLE audit (id INTEGER PRIMARY KEY, at INTEGER NOT NULL,"
        " source TEXT NOT NULL CHECK (source IN ('operator', 'command', 'retention')), operator_id INTEGER,"
        " name TEXT, action TEXT NOT NULL, kind TEXT NOT NULL CHECK (kind IN ('event', 'series')),"
        " slug TEXT NOT NULL, title TEXT NOT NULL)",
        "ALTER TABLE series ADD COLUMN moderation TEXT;"
        " CREATE TABLE admin_keys (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL, key_hash BYTEA NOT NULL UNIQUE,"
        " created_at BIGINT NOT NULL, revoked_at BIGINT);"
        " CREATE TABLE audit (id BIGSERIAL PRIMARY KEY, at BIGINT NOT NULL,"
        " source TEXT NOT NULL CHECK (source IN ('operator', 'command', 'retention')), operator_id BIGINT,"
        " name TEXT, action TEXT NOT NULL, kind TEXT NOT NULL CHECK (kind IN ('event', 'series')),"
        " slug TEXT NOT NULL, title TEXT NOT NULL)",
    ),
    # 11 -> 12: private items, who may write them, app identities; items.kind loses its CHECK
    # (SQLite cannot drop one: the table is rebuilt, once, so later kinds need no rebuild).
    Sql(
        "ALTER TABLE events ADD COLUMN direct_messages TEXT NOT NULL DEFAULT 'hosts'"
        " CHECK (direct_messages IN ('hosts', 'everyone', 'off'));"
        " ALTER TABLE events ADD COLUMN identity_secret TEXT;"
        " ALTER TABLE series ADD COLUMN identity_secret TEXT;"
        " ALTER TABLE participants ADD COLUMN sub TEXT;"
        " ALTER TABLE participants ADD COLUMN public_read_id INTEGER NOT NULL DEFAULT 0;"
        " UPDATE participants SET public_read_id = last_read_id;"
        " CREATE UNIQUE INDEX participants_sub ON participants (event_id, sub) WHERE sub IS NOT NULL;"
        " CREATE TABLE items_v12 (event_id INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,"
        " id INTEGER NOT NULL, kind TEXT NOT NULL, code TEXT, author TEXT,"
        " participant_id INTEGER REFERENCES participants (id), body TEXT NOT NULL, created_at INTEGER NOT NULL,"
        " client_id TEXT, target INTEGER, retracted INTEGER NOT NULL DEFAULT 0 CHECK (retracted IN (0, 1)),"
        " data TEXT, role TEXT CHECK (role IN ('host', 'moderator')),"
        " private INTEGER NOT NULL DEFAULT 0 CHECK (private IN (0, 1)), to_participant INTEGER, to_sub TEXT,"
        " PRIMARY KEY (event_id, id)) WITHOUT ROWID;"
        " INSERT INTO items_v12 (event_id, id, kind, code, author, participant_id, body, created_at, client_id,"
        " target, retracted, data, role) SELECT event_id, id, kind, code, author, participant_id, body,"
        " created_at, client_id, target, retracted, data, role FROM items;"
        " DROP TABLE items;"
        " ALTER TABLE items_v12 RENAME TO items;"
        " CREATE UNIQUE INDEX items_client_id ON items (participant_id, client_id) WHERE client_id IS NOT NULL;"
        " CREATE INDEX items_retractions ON items (event_id, target) WHERE kind = 'retraction';"
        " CREATE UNIQUE INDEX items_boundaries ON items (event_id, code) WHERE code IN ('opened', 'closed');"
        " CREATE TABLE participant_tokens (token_hash BLOB NOT NULL PRIMARY KEY,"
        " participant_id INTEGER NOT NULL REFERENCES participants (id) ON DELETE CASCADE,"
        " created_at INTEGER NOT NULL);"
        " CREATE INDEX participant_tokens_participant ON participant_tokens (participant_id)",
        "ALTER TABLE events ADD COLUMN direct_messages TEXT NOT NULL DEFAULT 'hosts'"
        " CHECK (direct_messages IN ('hosts', 'everyone', 'off'));"
        " ALTER TABLE events ADD COLUMN identity_secret TEXT;"
        " ALTER TABLE series ADD COLUMN identity_secret TEXT;"
        " ALTER TABLE participants ADD COLUMN sub TEXT;"
        " ALTER TABLE participants ADD COLUMN public_read_id BIGINT NOT NULL DEFAULT 0;"
        " UPDATE participants SET public_read_id = last_read_id;"
        " CREATE UNIQUE INDEX participants_sub ON participants (event_id, sub) WHERE sub IS NOT NULL;"
        " ALTER TABLE items DROP CONSTRAINT IF EXISTS items_kind_check;"
        " ALTER TABLE items ADD COLUMN private SMALLINT NOT NULL DEFAULT 0 CHECK (private IN (0, 1));"
        " ALTER TABLE items ADD COLUMN to_participant BIGINT;"
        " ALTER TABLE items ADD COLUMN to_sub TEXT;"
        " CREATE TABLE participant_tokens (token_hash BYTEA NOT NULL PRIMARY KEY,"
        " participant_id BIGINT NOT NULL REFERENCES participants (id) ON DELETE CASCADE,"
        " created_at BIGINT NOT NULL);"
        " CREATE INDEX participant_tokens_participant ON participant_tokens (participant_id)",
    ),
    # 12 -> 13: replies, mentions and edits live in items.data; reactions and search need tables.
    add_conversation,
    # 13 -> 14: files in messages, their bytes in chunks; a message's preview is found with its edits.
    Sql(
        "CREATE TABLE files (id TEXT NOT NULL PRIMARY KEY, event_id INTEGER NOT NULL REFERENCES "
        "events (id) ON DELETE CASCADE, owner TEXT NOT NULL, item_id INTEGER, held_id INTEGER, name TEXT NOT NULL, "
        "type TEXT NOT NULL, size INTEGER NOT NULL, sha256 TEXT NOT NULL, width INTEGER, height "
        "INTEGER, duration_ms INTEGER, thumb_type TEXT, thumb_size INTEGER, thumb_width INTEGER, "
        "thumb_height INTEGER, created_at INTEGER NOT NULL, erased_at INTEGER) WITHOUT ROWID; "
        "CREATE INDEX files_item ON files (event_id, item_id); CREATE INDEX files_unattached ON "
        "files (created_at) WHERE item_id IS NULL; CREATE TABLE file_chunks (file_id TEXT NOT "
        "NULL REFERENCES files (id) ON DELETE CASCADE, variant INTEGER NOT NULL, seq INTEGER NOT "
        "NULL, data BLOB NOT NULL, PRIMARY KEY (file_id, variant, seq)); "
        "DROP INDEX items_edits; "
        "CREATE INDEX items_edits ON items (event_id, target) WHERE kind IN ('edit', 'preview'); "
        "ALTER TABLE held ADD COLUMN data TEXT",
        "CREATE TABLE files (id TEXT NOT NULL PRIMARY KEY, event_id BIGINT NOT NULL REFERENCES "
        "events (id) ON DELETE CASCADE, owner TEXT NOT NULL, item_id BIGINT, held_id BIGINT, name TEXT NOT NULL, "
        "type TEXT NOT NULL, size BIGINT NOT NULL, sha256 TEXT NOT NULL, width BIGINT, height "
        "BIGINT, duration_ms BIGINT, thumb_type TEXT, thumb_size BIGINT, thumb_width BIGINT, "
        "thumb_height BIGINT, created_at BIGINT NOT NULL, erased_at BIGINT); CREATE INDEX "
        "files_item ON files (event_id, item_id); CREATE INDEX files_unattached ON files "
        "(created_at) WHERE item_id IS NULL; CREATE TABLE file_chunks (file_id TEXT NOT NULL "
        "REFERENCES files (id) ON DELETE CASCADE, variant BIGINT NOT NULL, seq BIGINT NOT NULL, "
        "data BYTEA NOT NULL, PRIMARY KEY (file_id, variant, seq)); "
        "DROP INDEX items_edits; "
        "CREATE INDEX items_edits ON items (event_id, target) WHERE kind IN ('edit', 'preview'); "
        "ALTER TABLE held ADD COLUMN data TEXT",
    ),
    # 14 -> 15: Q&A and polls: the events' two settings, questions and polls with their votes.
    Sql(
        "ALTER TABLE events ADD COLUMN qa INTEGER NOT NULL DEFAULT 0 CHECK (qa IN (0, 1)); ALTER TABLE "
        "events ADD COLUMN qa_screening INTEGER NOT NULL DEFAULT 0 CHECK (qa_screening IN (0, 1)); CREATE"
        " TABLE questions (event_id INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE, id INTEGER"
        " NOT NULL, participant_id INTEGER NOT NULL REFERENCES participants (id) ON DELETE CASCADE, body "
        "TEXT NOT NULL, status TEXT NOT NULL CHECK (status IN ('pending', 'open', 'answering', "
        "'answered', 'dismissed')), published INTEGER NOT NULL DEFAULT 0 CHECK (published IN (0, 1)), "
        "votes INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL, PRIMARY KEY (event_id, id)) "
        "WITHOUT ROWID; CREATE INDEX questions_participant ON questions (participant_id); CREATE TABLE "
        "question_votes (event_id INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE, question_id "
        "INTEGER NOT NULL, participant_id INTEGER NOT NULL REFERENCES participants (id) ON DELETE "
        "CASCADE, created_at INTEGER NOT NULL, PRIMARY KEY (event_id, question_id, participant_id)) "
        "WITHOUT ROWID; CREATE INDEX question_votes_participant ON question_votes (participant_id, "
        "event_id); CREATE TABLE polls (event_id INTEGER NOT NULL REFERENCES events (id) ON DELETE "
        "CASCADE, id INTEGER NOT NULL, question TEXT NOT NULL, options TEXT NOT NULL, multiple INTEGER "
        "NOT NULL DEFAULT 0 CHECK (multiple IN (0, 1)), results TEXT NOT NULL DEFAULT 'live' CHECK "
        "(results IN ('live', 'voted', 'closed')), counts TEXT NOT NULL, voters INTEGER NOT NULL DEFAULT "
        "0, created_at INTEGER NOT NULL, closed_at INTEGER, PRIMARY KEY (event_id, id)) WITHOUT ROWID; "
        "CREATE TABLE poll_votes (event_id INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE, "
        "poll_id INTEGER NOT NULL, participant_id INTEGER NOT NULL REFERENCES participants (id) ON DELETE"
        " CASCADE, choices TEXT NOT NULL, created_at INTEGER NOT NULL, PRIMARY KEY (event_id, poll_id, "
        "participant_id)) WITHOUT ROWID; CREATE INDEX poll_votes_participant ON poll_votes "
        "(participant_id, event_id);",
        "ALTER TABLE events ADD COLUMN qa SMALLINT NOT NULL DEFAULT 0 CHECK (qa IN (0, 1)); ALTER TABLE "
        "events ADD COLUMN qa_screening SMALLINT NOT NULL DEFAULT 0 CHECK (qa_screening IN (0, 1)); "
        "CREATE TABLE questions (event_id BIGINT NOT NULL REFERENCES events (id) ON DELETE CASCADE, id "
        "BIGINT NOT NULL, participant_id BIGINT NOT NULL REFERENCES participants (id) ON DELETE CASCADE, "
        "body TEXT NOT NULL, status TEXT NOT NULL CHECK (status IN ('pending', 'open', 'answering', "
        "'answered', 'dismissed')), published SMALLINT NOT NULL DEFAULT 0 CHECK (published IN (0, 1)), "
        "votes BIGINT NOT NULL DEFAULT 0, created_at BIGINT NOT NULL, PRIMARY KEY (event_id, id)); CREATE"
        " INDEX questions_participant ON questions (participant_id); CREATE TABLE question_votes "
        "(event_id BIGINT NOT NULL REFERENCES events (id) ON DELETE CASCADE, question_id BIGINT NOT NULL,"
        " participant_id BIGINT NOT NULL REFERENCES participants (id) ON DELETE CASCADE, created_at "
        "BIGINT NOT NULL, PRIMARY KEY (event_id, question_id, participant_id)); CREATE INDEX "
        "question_votes_participant ON question_votes (participant_id, event_id); CREATE TABLE polls "
        "(event_id BIGINT NOT NULL REFERENCES events (id) ON DELETE CASCADE, id BIGINT NOT NULL, question"
        " TEXT NOT NULL, options TEXT NOT NULL, multiple SMALLINT NOT NULL DEFAULT 0 CHECK (multiple IN "
        "(0, 1)), results TEXT NOT NULL DEFAULT 'live' CHECK (results IN ('live', 'voted', 'closed')), "
        "counts TEXT NOT NULL, voters BIGINT NOT NULL DEFAULT 0, created_at BIGINT NOT NULL, closed_at "
        "BIGINT, PRIMARY KEY (event_id, id)); CREATE TABLE poll_votes (event_id BIGINT NOT NULL "
        "REFERENCES events (id) ON DELETE CASCADE, poll_id BIGINT NOT NULL, participant_id BIGINT NOT "
        "NULL REFERENCES participants (id) ON DELETE CASCADE, choices TEXT NOT NULL, created_at BIGINT "
        "NOT NULL, PRIMARY KEY (event_id, poll_id, participant_id)); CREATE INDEX poll_votes_participant "
        "ON poll_votes (participant_id, event_id);",
    ),
]


def schema_version() -> int:
    """The version schema.sql and schema_pg.sql describe."""
    return 1 + len(MIGRATIONS)


def full_schema(engine: Engine) -> str:
    """The newest schema in full, in the engine's SQL: what a new database is created from."""
    if engine == "sqlite":
        return resources.schema_sql()
    return Path(resources.schema_pg_path()).read_text(encoding="utf-8")


async def migrate(db: SchemaHost) -> int:
    """Create the schema in an empty database or bring an older one forward; return the version.

    Each step commits with its version mark in a transaction of its own under the engine's schema
    lock, and reads the version afresh there: of two processes starting at once, one applies each
    step and the other finds it applied."""

    async def next_step(tx: SchemaTransaction) -> tuple[int | None, int]:
        return await _next_step(tx, db.path)

    while True:
        found, version = await db.in_schema_lock(next_step)
        if found is not None and found < version:  # committed: say so once, in this process only
            log.info("%s: upgraded from schema version %d to %d", db.path, found, version)
        if version == schema_version():
            return version


async def _next_step(tx: SchemaTransaction, path: str) -> tuple[int | None, int]:
    """Create the schema or apply the next step; return the version found (None: an empty
    database) and the version the database has at commit."""
    target = schema_version()
    version = await tx.version()
    if version is None:
        await tx.script(full_schema(tx.engine))
        await tx.set_version(target)
        return None, target
    if version > target:
        raise DatabaseRefused(
            f"{path} has schema version {version}, newer than this chatserver's {target}; upgrade chatserver."
        )
    if version < FIRST_VERSION[tx.engine]:
        raise unknown_version(path, version)
    if version == target:
        return version, version
    step = MIGRATIONS[version - 1]
    if isinstance(step, str | Sql):
        await tx.script(step if isinstance(step, str) else step.on(tx.engine))
    else:
        await step(tx)
    await tx.set_version(version + 1)
    return version, version + 1


def unknown_version(path: str, version: object) -> DatabaseRefused:
    """The refusal of a database marked as chatserver's with a version no release of it made."""
    return DatabaseRefused(
        f"{path} has schema version {version}, which no chatserver release made; "
        "restore it from a backup, or pass a new database."
    )
