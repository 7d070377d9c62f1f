"""Upgrades, on both engines: a database of every released schema (frozen in tests/fixtures), with a
little of everything in it, is brought forward at start with its data intact and the catalogue of a
new database; a failed step leaves it as it was; starts at once on one database migrate it once."""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
import threading
import time
import unicodedata
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from chatserver import migrations
from chatserver.backend import Row, Transaction
from chatserver.errors import EventClosed, NicknameTaken
from chatserver.migrations import FIRST_VERSION, DatabaseRefused, schema_version
from chatserver.models import CLOSED, OPEN, PUBLIC_VIEW, SCHEDULED, Event, Item, Participant
from chatserver.pg import translate
from chatserver.search_text import terms
from chatserver.store import Store
from chatserver.timefmt import now_ms
from chatserver.validation import nickname_key
from tests.pgcluster import PostgresCluster
from tests.serverproc import ServerProcess
from tests.test_pg_schema import Schema, pg_catalogue, sqlite_catalogue

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ENGINES = ("sqlite", "postgresql")
HOUR = 3600 * 1000
# The version that brought each column: an older database has no such column to fill.
COLUMN_SINCE = {"last_read_id": 2, "embed_origins": 3, "seen_at": 5, "data": 7, "language": 8}


def frozen(engine: str) -> dict[int, Path]:
    """The frozen schemas of an engine, by version."""
    found = {}
    for path in (FIXTURES / engine).glob("*.sql"):
        match = re.fullmatch(r"schema_v(\d+)\.sql", path.name)
        assert match, f"{path} is not named schema_v<version>.sql"
        found[int(match.group(1))] = path
    return found


CASES = [
    pytest.param(engine, version, id=f"{engine}-v{version}") for engine in ENGINES for version in sorted(frozen(engine))
]


def old_nickname_key(nick: str) -> str:
    """nickname_key as schema versions 1-5 stored it (before every invisible character was ignored)."""
    invisible = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
    return unicodedata.normalize("NFKC", nick.translate(invisible)).casefold().strip()


# -- a database as an older chatserver left it ---------------------------------------------------


class OldSqlite:
    """An SQLite file made from a frozen schema, written over a plain connection."""

    def __init__(self, path: Path) -> None:
        self.location = str(path)
        self.conn: sqlite3.Connection | None = None

    async def create(self, version: int) -> None:
        self.conn = sqlite3.connect(self.location)
        self.conn.executescript(frozen("sqlite")[version].read_text())
        self.conn.execute(f"PRAGMA application_id = {migrations.APPLICATION_ID}")
        self.conn.execute(f"PRAGMA user_version = {version}")

    async def execute(self, sql: str, params: tuple[Any, ...] = ()) -> Row | None:
        assert self.conn is not None
        row = self.conn.execute(sql, params).fetchone()
        return tuple(row) if row is not None else None

    async def done(self) -> None:
        if self.conn is not None:
            self.conn.commit()
            self.conn.close()
            self.conn = None

    async def mark(self) -> int:
        with sqlite3.connect(self.location) as conn:
            assert conn.execute("PRAGMA application_id").fetchone()[0] == migrations.APPLICATION_ID
            return int(conn.execute("PRAGMA user_version").fetchone()[0])

    async def catalogue(self) -> Schema:
        conn = sqlite3.connect(self.location)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            return sqlite_catalogue(conn)
        finally:
            conn.close()


class OldPostgres:
    """A PostgreSQL database made from a frozen schema, written over a connection of its own."""

    def __init__(self, dsn: str) -> None:
        self.location = dsn
        self.conn: asyncpg.Connection | None = None

    async def create(self, version: int) -> None:
        self.conn = await asyncpg.connect(self.location)
        await self.conn.execute(frozen("postgresql")[version].read_text())
        await self.conn.execute(f"COMMENT ON TABLE events IS 'chatserver schema {version}'")

    async def execute(self, sql: str, params: tuple[Any, ...] = ()) -> Row | None:
        assert self.conn is not None
        row = await self.conn.fetchrow(translate(sql)[0], *params)
        return tuple(row) if row is not None else None

    async def done(self) -> None:
        if self.conn is not None:
            await self.conn.close()
            self.conn = None

    async def mark(self) -> int:
        conn = await asyncpg.connect(self.location)
        try:
            mark = await conn.fetchval("SELECT obj_description('events'::regclass, 'pg_class')")
        finally:
            await conn.close()
        return int(mark.removeprefix("chatserver schema "))

    async def catalogue(self) -> Schema:
        conn = await asyncpg.connect(self.location)
        try:
            return await pg_catalogue(conn)
        finally:
            await conn.close()


OldDatabase = OldSqlite | OldPostgres


def database(engine: str, tmp_path: Path, request: pytest.FixtureRequest, name: str) -> OldDatabase:
    """A new empty database of the engine (not created yet on SQLite)."""
    if engine == "sqlite":
        return OldSqlite(tmp_path / f"{name}.db")
    cluster: PostgresCluster = request.getfixturevalue("postgres_cluster")
    return OldPostgres(cluster.new_database())


async def old_database(engine: str, version: int, tmp_path: Path, request: pytest.FixtureRequest) -> OldDatabase:
    db = database(engine, tmp_path, request, "old")
    await db.create(version)
    return db


# -- what the old release wrote ------------------------------------------------------------------


@dataclass
class Written:
    """What was written, by event slug, as the current Store should read it back."""

    events: dict[str, Event] = field(default_factory=dict)
    states: dict[str, str] = field(default_factory=dict)
    items: dict[str, list[Item]] = field(default_factory=dict)
    people: dict[str, list[Participant]] = field(default_factory=dict)


async def fill(db: OldDatabase, version: int, now: int) -> Written:
    """Three events (scheduled, open, closed early), items of every kind, participants (one banned,
    two whose names collide once every invisible character counts for nothing) and read receipts,
    written as the release of that version wrote them (its columns, its nickname keys)."""
    written = Written()
    key = old_nickname_key if version < 6 else nickname_key

    async def insert(table: str, row: dict[str, Any]) -> int:
        row = {column: value for column, value in row.items() if COLUMN_SINCE.get(column, 0) <= version}
        returning = " RETURNING id" if table in ("events", "participants") else ""
        found = await db.execute(
            f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})" + returning,
            tuple(row.values()),
        )
        return int(found[0]) if found else 0

    async def event(
        slug: str,
        state: str,
        starts_at: int,
        ends_at: int,
        phase: int,
        closed_early_at: int | None = None,
        origins: str | None = None,
        language: str | None = None,
    ) -> None:
        title, description, created_at = f"The {state} one", f"{state}, made by version {version}", now - 5 * HOUR
        event_id = await insert(
            "events",
            {
                "slug": slug,
                "title": title,
                "description": description,
                "starts_at": starts_at,
                "ends_at": ends_at,
                "host_key_hash": slug.encode(),
                "listed": 1,
                "created_at": created_at,
                "closed_early_at": closed_early_at,
                "phase": phase,
                "embed_origins": origins,
                "language": language,
            },
        )
        written.events[slug] = Event(
            event_id,
            slug,
            title,
            description,
            starts_at,
            ends_at,
            slug.encode(),
            True,
            created_at,
            closed_early_at,
            phase,
            0,
            tuple(origins.split()) if origins is not None and version >= 3 else None,
            language if version >= 8 else None,
        )
        written.states[slug], written.items[slug], written.people[slug] = state, [], []

    async def item(
        slug: str,
        kind: str,
        body: str,
        *,
        code: str | None = None,
        author: str | None = None,
        participant: Participant | None = None,
        client_id: str | None = None,
        target: int | None = None,
        retracted: bool = False,
        data: dict[str, Any] | None = None,
    ) -> Item:
        items = written.items[slug]
        new = Item(
            len(items) + 1,
            kind,
            code,
            author,
            participant.id if participant else None,
            body,
            now - HOUR + len(items),
            client_id,
            target,
            retracted,
            data,
        )
        await insert(
            "items",
            {
                "event_id": written.events[slug].id,
                "id": new.id,
                "kind": kind,
                "code": code,
                "author": author,
                "participant_id": new.participant_id,
                "body": body,
                "created_at": new.created_at,
                "client_id": client_id,
                "target": target,
                "retracted": int(retracted),
                "data": json.dumps(data) if data is not None else None,
            },
        )
        items.append(new)
        return new

    async def join(slug: str, nickname: str) -> Participant:
        event_id = written.events[slug].id
        participant_id = await insert(
            "participants",
            {
                "event_id": event_id,
                "nickname": nickname,
                "nickname_key": key(nickname),
                "token_hash": f"{slug}:{nickname}".encode(),
                "created_at": now - HOUR,
                "seen_at": now - HOUR,
            },
        )
        person = Participant(
            participant_id, event_id, nickname, False, now - HOUR, 0, now - HOUR if version >= 5 else 0
        )
        written.people[slug].append(person)
        await item(slug, "system", f"{nickname} joined.", code="joined", participant=person)
        return person

    await event("soonroom1", SCHEDULED, now + 24 * HOUR, now + 25 * HOUR, phase=0)
    erin = await join("soonroom1", "Er\u034fin")  # a combining grapheme joiner: "erin" only from version 6

    await event(
        "openroom1",
        OPEN,
        now - 2 * HOUR,
        now + 2 * HOUR,
        phase=1,
        origins="https://blog.example https://news.example",
        language="pt_BR",
    )
    await item("openroom1", "system", "The event is open.", code="opened")
    alice = await join("openroom1", "Alice")
    # Two names to versions 1-5 (one from version 6 on, which keeps both: nobody is renamed); a
    # version-6 database cannot hold both, so it gets another name.
    lookalike = await join("openroom1", "bo\u034fb")
    bob = await join("openroom1", "bob" if version < 6 else "bobby")
    carol = await join("openroom1", "Carol")
    await item("openroom1", "message", "hello", author="Alice", participant=alice, client_id="c-1")
    await item("openroom1", "announcement", "Welcome, everyone")
    oops = await item("openroom1", "message", "", author=bob.nickname, participant=bob, client_id="c-2", retracted=True)
    await item("openroom1", "retraction", "", target=oops.id)
    await item("openroom1", "system", "Carol was removed by the host.", code="banned", participant=carol)
    await item("openroom1", "message", "still here", author="bo\u034fb", participant=lookalike)
    if version >= 7:  # extras: what an edit changed (older releases had no column for them)
        changes = {"title": "The open one, renamed", "ends_at": "2026-11-21T21:00:00.000Z"}
        await item(
            "openroom1",
            "system",
            "The host changed the title and the end time.",
            code="updated",
            data={"changes": changes},
        )

    await event("overroom1", CLOSED, now - 4 * HOUR, now + HOUR, phase=2, closed_early_at=now - 3 * HOUR)
    await item("overroom1", "system", "The event is open.", code="opened")
    dave = await join("overroom1", "Dave")
    await item("overroom1", "message", "bye", author="Dave", participant=dave)
    await item("overroom1", "system", "The event is closed.", code="closed")

    # What the old writer changed after inserting: the ban, read receipts, each event's newest id.
    await db.execute("UPDATE participants SET banned = 1 WHERE id = ?", (carol.id,))
    carol.banned = True
    if version >= 2:
        for person, read in ((erin, 1), (alice, 7), (bob, 9), (dave, 4)):
            await db.execute("UPDATE participants SET last_read_id = ? WHERE id = ?", (read, person.id))
            if version >= 12:  # as the writer of version 12 keeps it: every item here is public
                await db.execute("UPDATE participants SET public_read_id = ? WHERE id = ?", (read, person.id))
            person.last_read_id = read
            person.public_read_id = read  # before version 12, the migration copies last_read_id
    for slug, event_row in written.events.items():
        event_row.last_item_id = len(written.items[slug])
        await db.execute("UPDATE events SET last_item_id = ? WHERE id = ?", (event_row.last_item_id, event_row.id))
    if version >= 5:
        await db.execute("INSERT INTO rate_hits (key, at) VALUES (?, ?)", (f"post:{alice.id}", now))
    await db.done()
    return written


async def admit(tx: Transaction) -> None:
    """Admits every post (the limits are not what these tests are about)."""


async def check_read_back(store: Store, written: Written, now: int) -> None:
    """Every event, item, participant and read receipt as it was written."""
    for slug, expected in written.events.items():
        event = await store.get_event(slug, fresh=True)
        assert event == expected
        assert event.state(now) == written.states[slug]
        assert await store.items_after(event.id, 0, 100, fresh=True) == (written.items[slug], False)
        assert await store.participants(event.id) == written.people[slug]
        readers, _ = await store.reads(event.id)
        assert readers == [person for person in written.people[slug] if person.last_read_id > 0]


async def check_serves(store: Store, written: Written, version: int) -> None:
    """The upgraded database takes new writes, and the nickname keys of schema 6 hold in it."""
    soon, room, over = (written.events[slug] for slug in ("soonroom1", "openroom1", "overroom1"))
    with pytest.raises(NicknameTaken):
        await store.join(soon.id, "ERIN")  # "Er\u034fin" is "erin" now: a key recomputed by the upgrade
    for taken in ("BOB", "bo\u034fb", "ALICE"):
        with pytest.raises(NicknameTaken):
            await store.join(room.id, taken)
    alice, lookalike, bob = written.people["openroom1"][:3]
    posted, created = await store.post_message(room.id, bob, "after the upgrade", "c-3", admit)
    assert created and posted.id == room.last_item_id + 1
    again, _ = await store.post_message(room.id, lookalike, "me too", None, admit)
    assert again.id == posted.id + 1
    zed, _ = await store.join(room.id, "Zed")
    assert await store.mark_read(room.id, alice.id, again.id) == again.id
    items, _ = await store.items_after(room.id, room.last_item_id, 100, fresh=True)
    assert [(i.kind, i.author or i.body) for i in items] == [
        ("message", bob.nickname),
        ("message", "bo\u034fb"),
        ("system", "Zed joined."),
    ]
    assert [p.nickname for p in await store.participants(room.id)][-1] == "Zed"
    with pytest.raises(EventClosed):
        await store.join(over.id, "Frank")
    # An event's language (none before version 8) is written and read back from disk.
    await store.update_event(soon.id, {"language": "de"})
    assert (await store.get_event(soon.slug, fresh=True)).language == "de"
    # Items with extras (an edit's changes, a rename's names) are written and read back from disk.
    await store.update_event(room.id, {"title": "Edited after the upgrade"})
    await store.rename(room.id, zed.id, zed.id, "Zoe", admit)
    items, _ = await store.items_after(room.id, again.id + 1, 100, fresh=True)
    assert [item.to_json().get("changes") or item.to_json().get("previous") for item in items] == [
        {"title": "Edited after the upgrade"},
        "Zed",
    ]
    # What was written before search existed is found by it (the upgrade indexed it), and only that.
    # (A frozen v13 database is filled by hand here, beside the index: only an upgrade indexes.)
    if version < 13:
        hits = await store.search_event(room.id, terms("hello"), 10)
        assert [(i.author, i.body) for i in hits] == [("Alice", "hello")]
        assert [i.body for i in await store.search_event(room.id, terms("welcome"), 10)] == ["Welcome, everyone"]
        assert [(e.slug, i.body) for e, i in await store.search_listed(terms("bye"), 10)] == [("overroom1", "bye")]
    # and new messages take replies, mentions, edits and reactions, read back from disk.
    reply, _ = await store.post_message(room.id, alice, "@Zoe hi", None, admit, reply_to=posted.id)
    assert reply.data == {"reply_to": posted.id, "mentions": [zed.id]}
    await store.edit_message(room.id, reply.id, alice, "@Zoe hello again", admit)
    await store.react(room.id, reply.id, bob, "👍", True, admit)
    [stored] = [i for i in (await store.items_after(room.id, reply.id - 1, 1, fresh=True))[0]]
    assert stored.body == "@Zoe hello again" and stored.data is not None
    assert stored.data["reactions"] == {"👍": [bob.nickname]} and "edited_at" in stored.data
    assert [i.id for i in await store.search_event(room.id, terms("again"), 10)] == [reply.id]
    # and Q&A (version 15): a question asked and voted on, listed with its vote.
    await store.update_event(room.id, {"qa": True})
    asked = await store.ask(room.id, bob.id, "Upgraded?", admit, screened=False)
    assert (await store.vote_question(room.id, asked.id, alice.id, True, admit)).votes == 1
    listed = await store.questions(await store.get_event(room.slug, fresh=True), PUBLIC_VIEW)
    assert [(q.id, q.body, q.votes) for q in listed] == [(asked.id, "Upgraded?", 1)]


# -- the tests -----------------------------------------------------------------------------------


def test_every_released_schema_of_each_engine_is_frozen() -> None:
    """A schema change adds a migration step and a frozen copy of the new schema of each engine."""
    for engine, first in FIRST_VERSION.items():
        assert sorted(frozen(engine)) == list(range(first, schema_version() + 1)), engine


@pytest.mark.parametrize(("engine", "version"), CASES)
async def test_a_database_of_each_released_schema_is_upgraded_with_its_data_intact(
    engine: str, version: int, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    old = await old_database(engine, version, tmp_path, request)
    now = now_ms()
    written = await fill(old, version, now)

    store = await Store.open(old.location)
    try:
        await check_read_back(store, written, now)
        await check_serves(store, written, version)
    finally:
        await store.close()

    assert await old.mark() == schema_version()
    new = database(engine, tmp_path, request, "new")
    await (await Store.open(new.location)).close()
    assert await old.catalogue() == await new.catalogue()
    store = await Store.open(old.location)  # and the upgraded database opens again as it is
    await store.close()
    assert await old.mark() == schema_version()


@pytest.mark.parametrize("engine", ENGINES)
async def test_a_failed_step_leaves_the_database_as_it_was_and_the_next_start_applies_it(
    engine: str, tmp_path: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = await old_database(engine, max(frozen(engine)), tmp_path, request)
    now = now_ms()
    written = await fill(old, max(frozen(engine)), now)
    current = schema_version()
    add_topic = "ALTER TABLE events ADD COLUMN topic TEXT NOT NULL DEFAULT ''"
    monkeypatch.setattr(
        migrations, "MIGRATIONS", [*migrations.MIGRATIONS, f"{add_topic}; ALTER TABLE nothing ADD x TEXT"]
    )
    with pytest.raises(DatabaseRefused, match="nothing"):
        await Store.open(old.location)
    assert await old.mark() == current
    new = database(engine, tmp_path, request, "new")
    monkeypatch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:-1])
    await (await Store.open(new.location)).close()
    assert await old.catalogue() == await new.catalogue()  # the step's first statement is gone too

    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, add_topic])
    store = await Store.open(old.location)
    try:
        await check_read_back(store, written, now)
    finally:
        await store.close()
    assert await old.mark() == current + 1
    assert "topic" in [column.name for column in (await old.catalogue()).columns["events"]]


@pytest.mark.parametrize(
    ("engine", "setup", "shown"),
    [
        ("sqlite", "PRAGMA user_version = 0", "0"),
        ("postgresql", "COMMENT ON TABLE events IS 'chatserver schema 4'", "4"),
        ("postgresql", "COMMENT ON TABLE events IS 'chatserver schema five'", "'five'"),
    ],
)
async def test_a_version_no_release_made_is_refused_and_left_alone(
    engine: str, setup: str, shown: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    old = await old_database(engine, max(frozen(engine)), tmp_path, request)
    await old.execute(setup)
    await old.done()
    before = await old.catalogue()
    with pytest.raises(DatabaseRefused, match=f"has schema version {shown}, which no chatserver release made"):
        await Store.open(old.location)
    assert await old.catalogue() == before


async def until_true(check: Callable[[], Awaitable[bool]], what: str, timeout: float = 10.0) -> None:
    """Ask check() again until it holds; fail after timeout seconds."""
    deadline = time.monotonic() + timeout
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.01)


async def test_two_starts_at_once_on_an_old_postgresql_database_migrate_it_once(
    postgres_cluster: PostgresCluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = OldPostgres(postgres_cluster.new_database())
    await old.create(FIRST_VERSION["postgresql"])
    now = now_ms()
    written = await fill(old, FIRST_VERSION["postgresql"], now)
    entered, release = asyncio.Event(), asyncio.Event()
    runs: list[int] = []

    async def next_release(tx: Transaction) -> None:
        """A step the next release might add, which must run once: it counts itself, in the database too."""
        runs.append(1)
        entered.set()
        await release.wait()
        await tx.execute("INSERT INTO rate_hits (key, at) VALUES (?, ?)", ("migrated", len(runs)))

    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, next_release])
    starts = [asyncio.ensure_future(Store.open(old.location)) for _ in range(2)]
    watcher = await asyncpg.connect(old.location)
    try:
        await asyncio.wait_for(entered.wait(), 10)

        async def other_start_waits() -> bool:
            return bool(
                await watcher.fetchval(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
                    " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                )
            )

        # The step holds the schema lock; the other start queues for it rather than migrating too.
        await until_true(other_start_waits, "the second start to wait for the schema lock")
        release.set()
        stores = await asyncio.gather(*starts)
        try:
            assert runs == [1]
            assert await watcher.fetchval("SELECT count(*) FROM rate_hits WHERE key = 'migrated'") == 1
            assert await old.mark() == schema_version()
            for store in stores:
                await check_read_back(store, written, now)
        finally:
            for store in stores:
                await store.close()
    finally:
        release.set()
        await asyncio.gather(*starts, return_exceptions=True)
        await watcher.close()


def test_two_server_processes_started_at_once_upgrade_an_old_postgresql_database_once(
    postgres_cluster: PostgresCluster,
) -> None:
    old = OldPostgres(postgres_cluster.new_database())
    version = FIRST_VERSION["postgresql"]
    written = asyncio.run(_filled(old, version))
    servers: list[ServerProcess] = []
    failures: list[BaseException] = []

    def start() -> None:
        try:
            servers.append(ServerProcess(old.location, "--log-level", "info"))
        except BaseException as exc:  # noqa: BLE001 - the test fails on it below
            failures.append(exc)

    threads = [threading.Thread(target=start) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    logs = []
    try:
        assert not failures and len(servers) == 2, failures
        for server in servers:
            for slug, items in written.items.items():
                status, page = server.request("GET", f"/api/events/{slug}/messages?after=0&limit=100")
                assert status == 200, page
                assert [(m["id"], m["kind"]) for m in page["messages"]] == [(i.id, i.kind) for i in items]
        for server in servers:
            assert server.stop() == 0
            assert server.proc.stdout is not None
            logs.append(server.proc.stdout.read().decode(errors="replace"))  # it has exited: all of it
    finally:
        for server in servers:
            server.__exit__()
    upgraded = [
        line
        for log in logs
        for line in log.splitlines()
        if f"upgraded from schema version {version} to {version + 1}" in line
    ]
    assert len(upgraded) == 1, logs
    assert "Traceback" not in "".join(logs)
    assert asyncio.run(old.mark()) == schema_version()


async def _filled(old: OldPostgres, version: int) -> Written:
    await old.create(version)
    return await fill(old, version, now_ms())
