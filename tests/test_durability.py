"""Durability: an acknowledged post survives SIGKILL; the database file is checked at start."""

from __future__ import annotations

import signal
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from chatserver import migrations
from chatserver.errors import NicknameTaken
from chatserver.migrations import DatabaseRefused
from chatserver.store import Store
from tests.helpers import iso_in
from tests.serverproc import ServerProcess

# The frozen schemas of earlier versions (tests/fixtures/README.md).
FIXTURES = Path(__file__).parent / "fixtures" / "sqlite"


@pytest.mark.parametrize("sync", ["normal", "full"])
def test_acknowledged_posts_survive_sigkill(tmp_path: Path, sync: str) -> None:
    db = tmp_path / "chat.db"
    with ServerProcess(db, "--rate-limit", "0", "--sync", sync) as server:
        status, created = server.request(
            "POST", "/api/events", {"title": "Crash", "starts_at": iso_in(-60), "ends_at": iso_in(3600)}
        )
        assert status == 201
        slug = created["event"]["slug"]
        status, joined = server.request("POST", f"/api/events/{slug}/participants", {"nickname": "alice"})
        acknowledged = []
        for n in range(40):
            status, reply = server.request(
                "POST", f"/api/events/{slug}/messages", {"body": f"m{n}", "client_id": f"c{n}"}, token=joined["token"]
            )
            assert status == 201
            acknowledged.append(reply["message"]["id"])
        server.proc.send_signal(signal.SIGKILL)
        server.proc.wait(timeout=10)

    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        rows = conn.execute("SELECT id, body FROM items WHERE kind = 'message' ORDER BY id").fetchall()
    assert [r[0] for r in rows] == acknowledged
    assert [r[1] for r in rows] == [f"m{n}" for n in range(40)]

    with ServerProcess(db, "--rate-limit", "0") as server:
        status, page = server.request("GET", f"/api/events/{slug}/messages?after=0&limit=1000")
        assert [m["id"] for m in page["messages"] if m["kind"] == "message"] == acknowledged
        # The retry of an acknowledged post after the crash is recognised, not stored twice.
        status, retry = server.request(
            "POST", f"/api/events/{slug}/messages", {"body": "m39", "client_id": "c39"}, token=joined["token"]
        )
        assert status == 200 and retry["message"]["id"] == acknowledged[-1]


async def test_a_new_file_gets_the_current_schema_version(tmp_path: Path) -> None:
    store = await Store.open(str(tmp_path / "new.db"))
    await store.close()
    with sqlite3.connect(tmp_path / "new.db") as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == migrations.schema_version()
        assert conn.execute("PRAGMA application_id").fetchone()[0] == migrations.APPLICATION_ID
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


@contextmanager
def version_1_file(path: Path) -> Iterator[sqlite3.Connection]:
    """A database exactly as the first release left it (its schema is frozen in tests/fixtures)."""
    with sqlite3.connect(path) as conn:
        conn.executescript((Path(__file__).parent / "fixtures" / "sqlite" / "schema_v1.sql").read_text())
        conn.execute(f"PRAGMA application_id = {migrations.APPLICATION_ID}")
        conn.execute("PRAGMA user_version = 1")
        yield conn
    conn.close()


async def test_a_version_1_database_is_brought_forward_at_start(tmp_path: Path) -> None:
    path = tmp_path / "v1.db"
    with version_1_file(path) as conn:
        conn.execute(
            "INSERT INTO events (slug, title, starts_at, ends_at, host_key_hash, created_at, phase)"
            " VALUES ('oldroom01', 'Before', 0, 9000000000000, x'00', 0, 1)"
        )
        conn.execute(
            "INSERT INTO participants (event_id, nickname, nickname_key, token_hash, created_at)"
            " VALUES (1, 'alice', 'alice', x'01', 0)"
        )
        conn.execute("INSERT INTO items (event_id, id, kind, body, created_at) VALUES (1, 1, 'system', 'x', 0)")
        conn.execute("UPDATE events SET last_item_id = 1")
    store = await Store.open(str(path))
    try:
        event = await store.get_event("oldroom01")
        assert event.title == "Before" and event.embed_origins is None  # the data came along
        [alice] = await store.participants(event.id)
        assert alice.nickname == "alice" and alice.last_read_id == 0
        assert await store.mark_read(event.id, alice.id, 1) == 1
    finally:
        await store.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == migrations.schema_version()
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        indexes = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"events_listed_starts", "events_listed_ends"} <= indexes


async def test_every_migration_gives_the_schema_of_a_new_file(tmp_path: Path) -> None:
    """schema.sql and the migrations must not drift apart."""
    upgraded = tmp_path / "upgraded.db"
    with version_1_file(upgraded):
        pass
    await (await Store.open(str(upgraded))).close()
    await (await Store.open(str(tmp_path / "new.db"))).close()

    def shape(path: Path) -> dict[str, object]:
        with sqlite3.connect(path) as conn:
            tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
            return {
                "columns": {t: sorted(tuple(r[1:6]) for r in conn.execute(f"PRAGMA table_info({t})")) for t in tables},
                "indexes": sorted(
                    r[0]
                    for r in conn.execute(
                        "SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%'"
                    )
                ),
            }

    assert shape(upgraded) == shape(tmp_path / "new.db")


async def test_a_future_migration_is_applied_on_top(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = str(tmp_path / "old.db")
    await (await Store.open(path)).close()
    current = migrations.schema_version()
    monkeypatch.setattr(
        migrations,
        "MIGRATIONS",
        [*migrations.MIGRATIONS, "ALTER TABLE events ADD COLUMN topic TEXT NOT NULL DEFAULT ''"],
    )
    await (await Store.open(path)).close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == current + 1
        assert "topic" in [row[1] for row in conn.execute("PRAGMA table_info(events)")]


async def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    await (await Store.open(str(path))).close()
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version = 99")
    with pytest.raises(DatabaseRefused, match="newer"):
        await Store.open(str(path))


async def test_foreign_and_corrupt_files_are_refused(tmp_path: Path) -> None:
    foreign = tmp_path / "foreign.db"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    with pytest.raises(DatabaseRefused, match="another program"):
        await Store.open(str(foreign))
    with sqlite3.connect(foreign) as conn:  # refused before anything about it was changed
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    corrupt = tmp_path / "corrupt.db"
    corrupt.write_bytes(b"this is not a database at all\n" * 200)
    with pytest.raises(DatabaseRefused, match="not a usable chatserver database"):
        await Store.open(str(corrupt))
    assert corrupt.read_bytes().startswith(b"this is not a database")  # left untouched


async def test_nickname_keys_are_recomputed_and_old_collisions_kept_apart(tmp_path: Path) -> None:
    path = tmp_path / "v5.db"
    with sqlite3.connect(path) as conn:
        conn.executescript((FIXTURES / "schema_v5.sql").read_text())
        conn.execute(f"PRAGMA application_id = {migrations.APPLICATION_ID}")
        conn.execute(
            "INSERT INTO events (slug, title, starts_at, ends_at, host_key_hash, created_at)"
            " VALUES ('keysroom1', 'Keys', 0, 9000000000000, x'00', 0)"
        )
        # The keys version 5 stored: it did not ignore U+3164 or U+034F.
        for n, (nick, key) in enumerate(
            [("alice", "alice"), ("al\u3164ice", "al\u1160ice"), ("bo\u034fb", "bo\u034fb")]
        ):
            conn.execute(
                "INSERT INTO participants (event_id, nickname, nickname_key, token_hash, created_at)"
                " VALUES (1, ?, ?, ?, 0)",
                (nick, key, bytes([n])),
            )
        conn.execute("PRAGMA user_version = 5")
    store = await Store.open(str(path))
    try:
        with sqlite3.connect(path) as conn:
            keys = [row[0] for row in conn.execute("SELECT nickname_key FROM participants ORDER BY id")]
            assert conn.execute("PRAGMA user_version").fetchone()[0] == migrations.schema_version()
        # alice keeps hers; the look-alike joined before the change keeps its old key (no rename);
        # "bo\u034fb" now has the key of "bob", so a new "bob" is refused as the same name.
        assert keys == ["alice", "al\u1160ice", "bob"]
        with pytest.raises(NicknameTaken):
            await store.join(1, "bob")
        with pytest.raises(NicknameTaken):
            await store.join(1, "ALICE")
    finally:
        await store.close()
