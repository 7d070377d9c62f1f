"""The schedule: rooms open and close on the server clock, across polls, edits and restarts."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from tornado.httpserver import HTTPServer
from tornado.testing import bind_unused_port

from chatserver.app import make_app
from chatserver.broker import Broker
from chatserver.scheduler import Scheduler
from chatserver.store import Store
from chatserver.timefmt import Millis, now_ms, parse_time
from tests.conftest import Chat
from tests.helpers import Api, iso_in
from tests.waiting import until

HOUR_MS = 3600 * 1000


@asynccontextmanager
async def running(db_path: Path, clock: Callable[[], Millis] = now_ms) -> AsyncIterator[tuple[Api, Store]]:
    """A whole server on db_path, stopped the way SIGTERM stops it."""
    store = await Store.open(str(db_path), clock=clock)
    broker = Broker()
    scheduler = Scheduler(store)
    app = make_app(store, broker, max_wait=5.0, rate_limit=0)
    await scheduler.start()
    sock, port = bind_unused_port()
    server = HTTPServer(app)
    server.add_sockets([sock])
    try:
        yield Api(f"http://127.0.0.1:{port}"), store
    finally:
        server.stop()
        broker.shutdown()
        await scheduler.stop()
        await store.close()
        await server.close_all_connections()


def kinds(items: list[dict]) -> list[tuple[str, str | None]]:
    return [(i["kind"], i.get("code") or i["body"]) for i in items]


async def test_held_polls_wake_at_the_opening_and_at_the_closing(api: Api) -> None:
    event = (await api.create_event(starts_in=0.4, lasts=0.5))["event"]
    slug = event["slug"]
    assert event["state"] == "scheduled"
    started = time.monotonic()
    opened = await api.poll(slug, after=0, wait=4)
    assert 0.2 < time.monotonic() - started < 2.5
    assert opened.body["state"] == "open"
    assert kinds(opened.body["messages"]) == [("system", "opened")]
    item = opened.body["messages"][0]
    assert item["author"] is None
    assert parse_time(item["created_at"], "t") >= parse_time(event["starts_at"], "t")

    closed = await api.poll(slug, after=opened.body["cursor"], wait=4)
    assert closed.body["state"] == "closed"
    assert kinds(closed.body["messages"]) == [("system", "closed")]
    assert parse_time(closed.body["messages"][0]["created_at"], "t") >= parse_time(event["ends_at"], "t")
    assert (await api.get(f"/api/events/{slug}")).body["event"]["state"] == "closed"


async def test_a_post_is_refused_until_the_opening(api: Api) -> None:
    slug = (await api.create_event(starts_in=0.3, lasts=30))["event"]["slug"]
    _, token = await api.join(slug, "early")
    assert (await api.say(slug, token, "too soon")).error_code == "not_open"
    opened = await api.poll(slug, after=1, wait=4)  # item 1 is the join
    assert opened.body["state"] == "open"
    assert (await api.say(slug, token, "now")).status == 201


async def test_host_close_wakes_held_polls_and_never_reopens(api: Api, chat: Chat) -> None:
    created = await api.create_event()
    slug, key = created["event"]["slug"], created["host_key"]
    cursor = (await api.poll(slug)).body["cursor"]
    poll = asyncio.ensure_future(api.poll(slug, after=cursor, wait=4))
    await until(lambda: chat.broker.held_polls == 1, what="the poll to be held")
    closed = await api.post(f"/api/events/{slug}/close", token=key)
    assert closed.status == 200 and closed.body["event"]["state"] == "closed"
    reply = await poll
    assert reply.body["state"] == "closed" and kinds(reply.body["messages"]) == [("system", "closed")]
    later = await api.patch(f"/api/events/{slug}", {"ends_at": iso_in(7200)}, token=key)
    assert later.error_code == "event_closed"
    assert (await api.get(f"/api/events/{slug}")).body["event"]["state"] == "closed"


async def test_moving_the_start_earlier_opens_now_and_the_end_earlier_closes_then(api: Api) -> None:
    created = await api.create_event(starts_in=3600, lasts=3600)
    slug, key = created["event"]["slug"], created["host_key"]
    edited = await api.patch(f"/api/events/{slug}", {"starts_at": iso_in(-1), "ends_at": iso_in(0.4)}, token=key)
    assert edited.status == 200 and edited.body["event"]["state"] == "open"
    items = await api.read_all(slug)
    # The edit is told first (the rooms' times change), then the opening it brought due.
    assert kinds(items) == [("system", "updated"), ("system", "opened")]
    closed = await api.poll(slug, after=items[-1]["id"], wait=4)
    assert kinds(closed.body["messages"]) == [("system", "closed")]


async def test_an_event_closed_before_it_opened_has_no_opening_item(api: Api) -> None:
    created = await api.create_event(starts_in=3600)
    slug, key = created["event"]["slug"], created["host_key"]
    assert (await api.post(f"/api/events/{slug}/close", token=key)).status == 200
    assert kinds(await api.read_all(slug)) == [("system", "closed")]


async def test_boundaries_passed_while_down_are_appended_in_order_at_start(tmp_path: Path) -> None:
    db = tmp_path / "chat.db"
    async with running(db) as (api, _):
        live = (await api.create_event(starts_in=-60, lasts=3600))["event"]["slug"]
        later = (await api.create_event(starts_in=600, lasts=600))["event"]["slug"]
        _, token = await api.join(live, "alice")
        assert (await api.say(live, token, "before the restart")).status == 201
        assert (await api.get(f"/api/events/{later}")).body["event"]["state"] == "scheduled"

    # The server is down for three hours: both events' remaining boundaries pass meanwhile.
    async with running(db, clock=lambda: now_ms() + 3 * HOUR_MS) as (api, _):
        assert kinds(await api.read_all(live)) == [
            ("system", "opened"),
            ("system", "joined"),
            ("message", "before the restart"),
            ("system", "closed"),
        ]
        assert kinds(await api.read_all(later)) == [("system", "opened"), ("system", "closed")]
        for slug in (live, later):
            assert (await api.get(f"/api/events/{slug}")).body["event"]["state"] == "closed"

    # A second start appends nothing more.
    async with running(db, clock=lambda: now_ms() + 4 * HOUR_MS) as (api, _):
        assert len(await api.read_all(later)) == 2


async def test_cursors_continue_across_a_restart(tmp_path: Path) -> None:
    db = tmp_path / "chat.db"
    async with running(db) as (api, _):
        slug = (await api.create_event())["event"]["slug"]
        _, token = await api.join(slug, "alice")
        for n in range(5):
            assert (await api.say(slug, token, f"first {n}", client_id=f"a{n}")).status == 201
        before = await api.read_all(slug)
        cursor = before[-1]["id"]

    async with running(db) as (api, _):
        nothing = await api.poll(slug, after=cursor)
        assert nothing.status == 200 and nothing.body["messages"] == [] and nothing.body["cursor"] == cursor
        # The token and the client_ids survive the restart: a retry is still recognised.
        retry = await api.say(slug, token, "first 4", client_id="a4")
        assert retry.status == 200 and retry.body["message"]["id"] == cursor
        for n in range(3):
            assert (await api.say(slug, token, f"second {n}")).status == 201
        after = await api.read_all(slug, after=cursor)
        assert [m["id"] for m in after] == [cursor + 1, cursor + 2, cursor + 3]
        assert [m["body"] for m in after] == ["second 0", "second 1", "second 2"]
        everything = await api.read_all(slug)
        assert [m["id"] for m in everything] == list(range(1, cursor + 4))
