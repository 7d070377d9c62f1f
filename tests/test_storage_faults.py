"""Storage faults: a full disk, a read-only database and a lock held by another process answer
503 storage_unavailable, reads go on, nothing acknowledged is lost, and the server recovers."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.conftest import Chat
from tests.helpers import Api, assert_error, iso_in


async def _room(api: Api) -> tuple[str, str]:
    created = (
        await api.post("/api/events", {"title": "Faults", "starts_at": iso_in(-60), "ends_at": iso_in(3600)})
    ).body
    slug = created["event"]["slug"]
    joined = (await api.post(f"/api/events/{slug}/participants", {"nickname": "alice"})).body
    return slug, joined["token"]


async def _message_ids(api: Api, slug: str) -> list[int]:
    return [item["id"] for item in await api.read_all(slug) if item["kind"] == "message"]


async def test_a_full_disk_refuses_posts_serves_reads_and_recovers(api: Api, chat: Chat) -> None:
    slug, token = await _room(api)
    pages = (await chat.store.db.writer_pragma("PRAGMA page_count"))[0][0]
    await chat.store.db.writer_pragma(f"PRAGMA max_page_count = {pages}")
    acknowledged: list[int] = []
    refused = None
    for n in range(400):  # the pages already there have some room; the disk fills within a few hundred
        reply = await api.say(slug, token, f"filling {n} " + "x" * 300, client_id=f"fill-{n}")
        if reply.status != 201:
            refused = reply
            break
        acknowledged.append(reply.body["message"]["id"])
    assert refused is not None, "the database never filled up"
    assert_error(refused, 503, "storage_unavailable")
    assert "disk is full" in refused.body["error"]["message"]
    assert refused.headers["Retry-After"] == "5"
    # Reads go on: everything acknowledged is there, once, in order.
    assert await _message_ids(api, slug) == acknowledged
    held = await api.get(f"/api/events/{slug}/messages?after={acknowledged[-1]}&wait=0.2")
    assert held.status == 200 and held.body["messages"] == []

    await chat.store.db.writer_pragma("PRAGMA max_page_count = 1073741823")  # space is back
    retried = await api.say(slug, token, "after the fault", client_id=f"fill-{len(acknowledged)}")
    assert retried.status == 201
    assert await _message_ids(api, slug) == [*acknowledged, retried.body["message"]["id"]]


async def test_a_read_only_database_refuses_writes_and_recovers(api: Api, chat: Chat) -> None:
    slug, token = await _room(api)
    first = (await api.say(slug, token, "before")).body["message"]["id"]
    await chat.store.db.writer_pragma("PRAGMA query_only = ON")
    refused = await api.say(slug, token, "while read-only", client_id="ro-1")
    assert_error(refused, 503, "storage_unavailable")
    assert "read-only" in refused.body["error"]["message"]
    assert (await api.post(f"/api/events/{slug}/reads", {"last_read_id": first}, token=token)).status == 503
    assert await _message_ids(api, slug) == [first]
    assert (await api.get(f"/api/events/{slug}/participants")).status == 200

    await chat.store.db.writer_pragma("PRAGMA query_only = OFF")
    again = await api.say(slug, token, "while read-only", client_id="ro-1")
    assert again.status == 201  # the refused post reserved nothing: its retry is stored now, once
    assert await _message_ids(api, slug) == [first, again.body["message"]["id"]]


HOLD_LOCK = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.readline()
conn.execute("ROLLBACK")
"""


async def test_a_lock_held_by_another_process_is_a_503_not_a_500(api: Api, chat: Chat, tmp_path: Path) -> None:
    slug, token = await _room(api)
    first = (await api.say(slug, token, "before")).body["message"]["id"]
    await chat.store.db.writer_pragma("PRAGMA busy_timeout = 200")  # don't wait the full 5 s here
    other = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(chat.db_path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert other.stdout is not None and other.stdout.readline().strip() == "locked"
        refused = await api.say(slug, token, "during the lock", client_id="busy-1")
        assert_error(refused, 503, "storage_unavailable")
        assert "locked by another program" in refused.body["error"]["message"]
        # A write lock elsewhere does not stop WAL readers.
        assert await _message_ids(api, slug) == [first]
    finally:
        assert other.stdin is not None
        other.stdin.write("\n")
        other.stdin.close()
        other.wait(timeout=10)
    again = await api.say(slug, token, "during the lock", client_id="busy-1")
    assert again.status == 201
    assert await _message_ids(api, slug) == [first, again.body["message"]["id"]]


async def test_a_reader_holding_a_long_transaction_blocks_nothing(api: Api, chat: Chat) -> None:
    slug, token = await _room(api)
    reader = sqlite3.connect(chat.db_path, isolation_level=None)
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM items").fetchone()  # a read snapshot, held open
        ids = [(await api.say(slug, token, f"m{n}")).body["message"]["id"] for n in range(5)]
        assert await _message_ids(api, slug) == ids
    finally:
        reader.execute("ROLLBACK")
        reader.close()
