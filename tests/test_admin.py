"""The operator API (/api/admin), on both engines: only a live operator key opens it, and an operator
key is no host key; every event and series is listed with what it takes up; closing, unlisting and
erasing them, each written to the audit log with who did it (an operator, a command, retention)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from chatserver.cli import main
from chatserver.operators import COMMAND, AuditBy
from chatserver.store import Store
from tests.conftest import Chat
from tests.helpers import Api, JumpClock, assert_error
from tests.test_moderation import raw_files
from tests.test_series import create_series

BACKENDS = ("sqlite", "postgresql")
DAY_MS = 24 * 3600 * 1000

ADMIN_READS = ["/api/admin", "/api/admin/stats", "/api/admin/events", "/api/admin/series", "/api/admin/audit"]


@pytest.fixture
def server_clock() -> JumpClock:
    return JumpClock()


async def operator_key(chat: Chat, name: str = "Olga") -> str:
    _operator, key = await chat.store.create_operator(name)
    return key


def admin_writes(slug: str, series: str) -> list[tuple[str, str, Any]]:
    return [
        ("POST", f"/api/admin/events/{slug}/close", None),
        ("POST", f"/api/admin/events/{slug}/erase", None),
        ("PATCH", f"/api/admin/events/{slug}", {"listed": False}),
        ("POST", f"/api/admin/series/{series}/close", None),
        ("POST", f"/api/admin/series/{series}/erase", None),
        ("PATCH", f"/api/admin/series/{series}", {"listed": False}),
    ]


def next_monday_at_ten() -> str:
    day = datetime.now(UTC) + timedelta(days=1)
    while day.weekday() != 0:
        day += timedelta(days=1)
    return day.replace(hour=10, minute=0, second=0, microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


async def test_only_a_live_operator_key_opens_the_operator_api(api: Api, chat: Chat) -> None:
    created = await api.create_event()
    slug, host_key = created["event"]["slug"], created["host_key"]
    series = (await create_series(api, "FREQ=WEEKLY;BYDAY=MO", next_monday_at_ten()))["series"]["slug"]
    _pid, token = await api.join(slug, "alice")
    key = await operator_key(chat)
    revoked_key = await operator_key(chat, "Gone")
    assert await chat.store.revoke_operator((await chat.store.operators())[-1].id)
    for path in ADMIN_READS:
        assert_error(await api.get(path), 401, "unauthorized")
        for wrong in (host_key, token, revoked_key, "x" * 43):
            assert_error(await api.get(path, token=wrong), 403, "forbidden")
        assert (await api.get(path, token=key)).status == 200, path
    for method, path, body in admin_writes(slug, series):
        assert_error(await api.request(method, path, body), 401, "unauthorized")
        refused = await api.request(method, path, body, token=host_key)
        assert_error(refused, 403, "forbidden")
        assert "chatserver admin-key" in refused.body["error"]["message"]
    # Nothing changed: the event is open and listed, the series goes on, no audit line.
    event = (await api.get(f"/api/events/{slug}")).body["event"]
    assert (event["state"], event["listed"], event["erased_at"]) == ("open", True, None)
    assert (await api.get(f"/api/series/{series}")).body["series"]["ended_at"] is None
    assert (await api.get("/api/admin/audit", token=key)).body["entries"] == []
    me = await api.get("/api/admin", token=key)
    assert me.body["operator"]["name"] == "Olga"


async def test_an_operator_key_is_no_host_key(api: Api, chat: Chat) -> None:
    created = await api.create_event()
    slug = created["event"]["slug"]
    series = (await create_series(api, "FREQ=WEEKLY;BYDAY=MO", next_monday_at_ten()))["series"]["slug"]
    key = await operator_key(chat)
    for method, path, body in [
        ("PATCH", f"/api/events/{slug}", {"title": "Taken over"}),
        ("POST", f"/api/events/{slug}/close", None),
        ("GET", f"/api/events/{slug}/host", None),
        ("POST", f"/api/events/{slug}/moderators", {"name": "Mallory"}),
        ("POST", f"/api/events/{slug}/announcements", {"body": "hello"}),
        ("PATCH", f"/api/series/{series}", {"title": "Taken over"}),
        ("POST", f"/api/series/{series}/end", None),
    ]:
        refused = await api.request(method, path, body, token=key)
        assert_error(refused, 403, "forbidden")
        assert "/admin" in refused.body["error"]["message"], path
    event = (await api.get(f"/api/events/{slug}")).body["event"]
    assert (event["title"], event["state"]) == ("Weekly Tornado meeting", "open")
    assert (await api.get(f"/api/series/{series}")).body["series"]["ended_at"] is None


async def test_every_event_is_listed_with_what_it_takes_up(api: Api, chat: Chat) -> None:
    key = await operator_key(chat)
    listed = (await api.create_event(title="Public townhall"))["event"]["slug"]
    hidden = (await api.create_event(title="Private retro", listed=False))["event"]["slug"]
    later = (await api.create_event(starts_in=3600, title="Later"))["event"]["slug"]
    _pid, token = await api.join(hidden, "alice")
    await api.join(hidden, "bob")
    assert (await api.say(hidden, token, "grüße 👋")).status == 201
    # The public list never shows the unlisted one; the operator's shows all three, newest first.
    public = [e["slug"] for e in (await api.get("/api/events")).body["events"]]
    assert hidden not in public
    rows = (await api.get("/api/admin/events", token=key)).body["events"]
    assert [row["event"]["slug"] for row in rows] == [later, hidden, listed]
    row = rows[1]
    assert row["event"]["listed"] is False
    items = await api.read_all(hidden)
    assert row["usage"]["items"] == len(items)  # "opened", two joins, the message
    assert row["usage"]["participants"] == 2
    assert row["usage"]["bytes"] >= len("grüße 👋".encode())  # bytes, not characters
    assert row["usage"]["bytes"] == sum(len(i["body"].encode()) for i in items) + sum(
        len(raw.encode())
        for (raw,) in chat.rows(
            f"SELECT data FROM items WHERE data IS NOT NULL AND event_id = (SELECT id FROM events WHERE slug = '{hidden}')"
        )
    )
    assert row["last_activity"] == items[-1]["created_at"]
    assert rows[0]["usage"] == {"items": 0, "participants": 0, "bytes": 0} and rows[0]["last_activity"] is None
    # Search by title or slug, a state, pages.
    found = (await api.get("/api/admin/events?q=retro", token=key)).body["events"]
    assert [r["event"]["slug"] for r in found] == [hidden]
    found = (await api.get(f"/api/admin/events?q={later[:6].upper()}", token=key)).body["events"]
    assert [r["event"]["slug"] for r in found] == [later]
    assert (await api.get("/api/admin/events?q=100%25", token=key)).body["events"] == []  # % is literal
    scheduled = (await api.get("/api/admin/events?state=scheduled", token=key)).body["events"]
    assert [r["event"]["slug"] for r in scheduled] == [later]
    first = (await api.get("/api/admin/events?limit=2", token=key)).body
    rest = (await api.get(f"/api/admin/events?limit=2&before={first['next']}", token=key)).body
    assert [r["event"]["slug"] for r in first["events"] + rest["events"]] == [later, hidden, listed]
    assert rest["next"] is None
    for bad in ("state=finished", "limit=0", "limit=201", "before=x"):
        assert_error(await api.get(f"/api/admin/events?{bad}", token=key), 400, "invalid_request")
    stats = (await api.get("/api/admin/stats", token=key)).body
    assert stats["storage"]["events"] == 3 and stats["storage"]["participants"] == 2
    assert stats["storage"]["items"] == len(items) + len(await api.read_all(listed)) + 0
    assert stats["storage"]["database_bytes"] > stats["storage"]["text_bytes"] >= row["usage"]["bytes"]
    assert set(stats["connections"]) == {"held_polls", "open_streams", "transcript_downloads"}


async def test_close_unlist_and_erase_an_event_each_in_the_audit_log(api: Api, chat: Chat) -> None:
    key = await operator_key(chat, "Olga")
    slug = (await api.create_event(title="Spam fest", listed=True))["event"]["slug"]
    _pid, token = await api.join(slug, "spammer")
    assert (await api.say(slug, token, "buy now c0ffee77")).status == 201

    for bad in ({"listed": "no"}, {"title": "x"}, {}, {"listed": False, "title": "x"}):
        assert_error(await api.patch(f"/api/admin/events/{slug}", bad, token=key), 400, "invalid_request")
    assert_error(await api.post("/api/admin/events/nosuchslug/close", token=key), 404, "not_found")
    unlisted = await api.patch(f"/api/admin/events/{slug}", {"listed": False}, token=key)
    assert unlisted.status == 200 and unlisted.body["event"]["listed"] is False
    assert slug not in [e["slug"] for e in (await api.get("/api/events")).body["events"]]

    closed = await api.post(f"/api/admin/events/{slug}/close", token=key)
    assert closed.status == 200 and closed.body["event"]["state"] == "closed"
    assert (await api.read_all(slug))[-1]["code"] == "closed"  # the room is told, as by the host
    assert_error(await api.post(f"/api/admin/events/{slug}/close", token=key), 410, "event_closed")

    erased = await api.post(f"/api/admin/events/{slug}/erase", token=key)
    assert erased.status == 200 and erased.body["event"]["erased_at"] is not None
    assert (await api.get(f"/api/events/{slug}/messages")).status == 410
    assert (await api.get(f"/e/{slug}")).status == 410
    assert not any("c0ffee77" in str(row) for row in chat.rows("SELECT body FROM items"))
    if chat.dsn is None:
        assert b"c0ffee77" not in raw_files(chat.db_path)
    again = await api.post(f"/api/admin/events/{slug}/erase", token=key)
    assert again.status == 200 and again.body["event"]["erased_at"] == erased.body["event"]["erased_at"]
    row = (await api.get(f"/api/admin/events?q={slug}", token=key)).body["events"][0]
    assert row["usage"] == {"items": 0, "participants": 0, "bytes": 0}

    entries = (await api.get("/api/admin/audit", token=key)).body["entries"]
    assert [(e["action"], e["by"], e["target"]) for e in entries] == [
        (action, {"source": "operator", "name": "Olga"}, {"kind": "event", "slug": slug, "title": "Spam fest"})
        for action in ("erase", "close", "unlist")
    ]
    page = (await api.get("/api/admin/audit?limit=2", token=key)).body
    assert len(page["entries"]) == 2 and page["next"] == entries[1]["id"]


async def test_erasing_an_open_event_closes_it_first(api: Api, chat: Chat) -> None:
    key = await operator_key(chat)
    slug = (await api.create_event())["event"]["slug"]
    reply = await api.post(f"/api/admin/events/{slug}/erase", token=key)
    assert reply.status == 200
    assert reply.body["event"]["state"] == "closed" and reply.body["event"]["erased_at"] is not None
    entries = (await api.get("/api/admin/audit", token=key)).body["entries"]
    assert [e["action"] for e in entries] == ["erase"]


async def test_a_series_is_closed_unlisted_and_erased_whole(api: Api, chat: Chat) -> None:
    key = await operator_key(chat)
    created = await create_series(api, "FREQ=WEEKLY;BYDAY=MO", next_monday_at_ten(), title="Standup")
    slug = created["series"]["slug"]
    occurrences = [e["slug"] for e in (await api.get(f"/api/series/{slug}")).body["occurrences"]]
    assert len(occurrences) == 2
    rows = (await api.get("/api/admin/series?q=stand", token=key)).body["series"]
    assert [(r["series"]["slug"], r["occurrences"], r["series"]["listed"]) for r in rows] == [(slug, 2, True)]
    assert rows[0]["usage"]["items"] == 0

    unlisted = await api.patch(f"/api/admin/series/{slug}", {"listed": False}, token=key)
    assert unlisted.status == 200 and unlisted.body["series"]["listed"] is False
    for occurrence in occurrences:
        assert (await api.get(f"/api/events/{occurrence}")).body["event"]["listed"] is False

    closed = await api.post(f"/api/admin/series/{slug}/close", token=key)
    assert closed.status == 200 and closed.body["series"]["ended_at"] is not None
    for occurrence in occurrences:
        assert (await api.get(f"/api/events/{occurrence}")).body["event"]["state"] == "closed"
    assert len((await api.get(f"/api/series/{slug}")).body["occurrences"]) == 2  # none made after the end
    assert_error(await api.post(f"/api/admin/series/{slug}/close", token=key), 410, "event_closed")

    erased = await api.post(f"/api/admin/series/{slug}/erase", token=key)
    assert erased.status == 200
    for occurrence in occurrences:
        assert (await api.get(f"/api/events/{occurrence}")).body["event"]["erased_at"] is not None
    entries = (await api.get("/api/admin/audit", token=key)).body["entries"]
    assert [(e["action"], e["target"]["kind"], e["target"]["slug"]) for e in entries] == [
        ("erase", "series", slug),
        ("close", "series", slug),
        ("unlist", "series", slug),
    ]


async def test_commands_and_retention_are_in_the_audit_log(api: Api, chat: Chat, server_clock: JumpClock) -> None:
    key = await operator_key(chat)
    kept = await api.create_event(title="Kept a day", retention_days=1)
    by_command = (await api.create_event(title="Erased by hand"))["event"]["slug"]
    assert (await api.post(f"/api/events/{kept['event']['slug']}/close", token=kept["host_key"])).status == 200
    await chat.store.erase_as(
        await chat.store.get_event(by_command, fresh=True), AuditBy(COMMAND, name="chatserver erase")
    )
    server_clock.forward(DAY_MS + 60_000)
    await chat.scheduler.rescan()
    entries = (await api.get("/api/admin/audit", token=key)).body["entries"]
    assert [(e["by"], e["target"]["title"]) for e in entries] == [
        ({"source": "retention", "name": None}, "Kept a day"),
        ({"source": "command", "name": "chatserver erase"}, "Erased by hand"),
    ]


def test_admin_key_command_makes_lists_and_revokes_keys(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "chat.db")
    assert main(["admin-key", "--db", db, "--name", "Night shift", "--public-url", "https://chat.example"]) == 0
    line = [line for line in capsys.readouterr().out.splitlines() if line.startswith("console: ")][0]
    assert line.startswith("console: https://chat.example/admin#key=")
    key = line.rsplit("=", 1)[1]
    assert len(key) == 43
    assert key.encode() not in raw_files(tmp_path / "chat.db")  # kept as its hash only

    async def who() -> str | None:
        store = await Store.open(db)
        try:
            operator = await store.operator_by_key(key)
            return operator.name if operator is not None else None
        finally:
            await store.close()

    assert asyncio.run(who()) == "Night shift"
    assert main(["admin-key", "--db", db, "--list"]) == 0
    listing = capsys.readouterr().out
    assert "Night shift" in listing and key not in listing
    assert main(["admin-key", "--db", db, "--revoke", "1"]) == 0
    assert asyncio.run(who()) is None
    capsys.readouterr()
    assert main(["admin-key", "--db", db, "--revoke", "1"]) == 1
    assert "no live operator key" in capsys.readouterr().out
    assert main(["admin-key", "--db", db, "--name", " "]) == 2
    assert "--name" in capsys.readouterr().err
