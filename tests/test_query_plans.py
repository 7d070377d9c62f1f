"""Every statement the server runs during a whole session uses an index: no full table scans."""

from __future__ import annotations

import re
import sqlite3
import threading

from tests.conftest import Chat
from tests.helpers import Api

_FULL_SCAN = re.compile(r"\bSCAN (events|items|participants)\b(?! USING)")
_NAMED = re.compile(r":([a-z_]+)")


async def _exercise_every_endpoint(api: Api) -> None:
    created = await api.create_event(description="Agenda")
    slug, key = created["event"]["slug"], created["host_key"]
    await api.create_event(starts_in=3600, title="Later")
    for state in ("open", "scheduled", "closed"):
        await api.get(f"/api/events?state={state}&limit=1")
    page = await api.get("/api/events?limit=1")
    await api.get(f"/api/events?limit=1&before={page.body['next']}&q=Later")
    await api.get(f"/api/events/{slug}")
    await api.get(f"/api/events/{slug}/host", token=key)
    alice_id, alice = await api.join(slug, "alice")
    bob_id, _ = await api.join(slug, "bob")
    message = (await api.say(slug, alice, "hello", client_id="c1")).body["message"]
    await api.say(slug, alice, "hello", client_id="c1")
    await api.poll(slug, after=0, limit=2, token=alice)
    await api.poll(slug, after=message["id"], wait=0.05)
    await api.get(f"/api/events/{slug}/participants")
    await api.post(f"/api/events/{slug}/reads", {"last_read_id": message["id"]}, token=alice)
    await api.get(f"/api/events/{slug}/reads")
    await api.get(f"/api/events/{slug}/messages?after={message['id']}&reads=0")
    await api.post(f"/api/events/{slug}/announcements", {"body": "note"}, token=key)
    await api.delete(f"/api/events/{slug}/messages/{message['id']}", token=key)
    await api.delete(f"/api/events/{slug}/messages/{message['id']}", token=key)
    await api.post(f"/api/events/{slug}/participants/{bob_id}/ban", token=key)
    await api.patch(f"/api/events/{slug}", {"title": "Renamed"}, token=key)
    for path in (
        "/",
        "/archive?q=x",
        f"/e/{slug}",
        f"/e/{slug}/transcript",
        f"/e/{slug}/host",
        f"/e/{slug}/transcript.txt",
        f"/e/{slug}/transcript.json",
    ):
        assert (await api.get(path)).status == 200, path
    await api.post(f"/api/events/{slug}/close", token=key)
    assert alice_id


async def test_no_statement_scans_a_whole_table(api: Api, chat: Chat) -> None:
    statements: set[str] = set()
    lock = threading.Lock()

    def record(sql: str) -> None:
        with lock:
            statements.add(sql)

    await chat.store.db.set_trace(record)
    await _exercise_every_endpoint(api)
    await chat.store.unfinished_events()  # the scheduler's start-up query
    await chat.store.db.set_trace(None)

    checked = 0
    with sqlite3.connect(chat.db_path) as conn:
        for sql in sorted(statements):
            head = sql.lstrip().split(None, 1)[0].upper()
            if head not in ("SELECT", "UPDATE", "DELETE", "INSERT"):
                continue
            names = _NAMED.findall(sql)
            params: object = dict.fromkeys(names, 1) if names else [1] * sql.count("?")
            plan = [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql, params)]
            checked += 1
            scans = [step for step in plan if _FULL_SCAN.search(step)]
            assert not scans, f"{sql!r} scans a whole table: {plan}"
            if "target =" in sql and "FROM reactions" not in sql:
                # an event's retraction or edits of one item, not a walk over the event
                assert any("items_retractions" in step or "items_edits" in step for step in plan), plan
    assert checked >= 15, sorted(statements)
