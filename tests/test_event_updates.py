"""A host's edit reaches open rooms through the stream: one `updated` item with what changed."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chatserver.models import Item, fit
from tests.conftest import Chat
from tests.helpers import Api, iso_in, parse_z
from tests.test_sse import EventStream
from tests.waiting import until

BACKENDS = ("sqlite", "postgresql")  # the same tests on both engines (tests/conftest.py)


async def open_room(api: Api, **fields: Any) -> tuple[str, str]:
    created = await api.create_event(**fields)
    return created["event"]["slug"], created["host_key"]


async def edit(api: Api, slug: str, key: str, **changes: Any) -> dict[str, Any]:
    reply = await api.patch(f"/api/events/{slug}", changes, token=key)
    assert reply.status == 200, reply.body
    return reply.body["event"]  # type: ignore[no-any-return]


async def newest(api: Api, slug: str) -> int:
    return int((await api.poll(slug)).body["cursor"])


def same_instant(a: str, b: str) -> bool:
    return parse_z(a) == parse_z(b)


async def test_a_held_poll_gets_the_updated_item_within_a_second(api: Api, chat: Chat) -> None:
    slug, key = await open_room(api)
    event = await chat.store.get_event(slug)
    cursor = await newest(api, slug)
    poll = asyncio.ensure_future(api.poll(slug, after=cursor, wait=10))
    await until(lambda: chat.broker.waiting(event.id) == 1, what="the poll to be held")
    new_end = (datetime.now(UTC) + timedelta(hours=5)).replace(microsecond=0)
    sent = time.monotonic()
    edited = await edit(api, slug, key, title="  Tornado 7 launch  ", ends_at=new_end.isoformat())
    reply = await poll
    assert time.monotonic() - sent < 1.0
    assert reply.status == 200, reply.body
    assert reply.body["state"] == "open"
    [item] = reply.body["messages"]
    assert item["kind"] == "system" and item["code"] == "updated" and item["author"] is None
    assert item["body"] == "The host changed the title and the end time."
    assert item["changes"] == {"title": "Tornado 7 launch", "ends_at": edited["ends_at"]}
    assert parse_z(item["changes"]["ends_at"]) == new_end
    assert reply.body["cursor"] == item["id"] == cursor + 1
    # A GET after the poll shows what the item said.
    shown = (await api.get(f"/api/events/{slug}")).body["event"]
    assert shown["title"] == "Tornado 7 launch" and same_instant(shown["ends_at"], item["changes"]["ends_at"])


async def test_an_sse_stream_gets_the_updated_item_within_a_second(
    api: Api, chat: Chat, http_server_port: tuple[object, int]
) -> None:
    slug, key = await open_room(api, description="Old agenda")
    cursor = await newest(api, slug)
    stream = await EventStream.open(http_server_port[1], f"/api/events/{slug}/stream?after={cursor}")
    try:
        first = await stream.event()
        assert first is not None and first["event"] == "state"  # subscribed: the state comes first
        sent = time.monotonic()
        await edit(api, slug, key, description="New agenda\nwith two lines")
        [item] = await asyncio.wait_for(stream.items(1), 1.0)
        assert time.monotonic() - sent < 1.0
    finally:
        stream.close()
    assert item["code"] == "updated" and item["body"] == "The host changed the description."
    assert item["changes"] == {"description": "New agenda\nwith two lines"}
    assert (await api.get(f"/api/events/{slug}")).body["event"]["description"] == "New agenda\nwith two lines"


async def test_edits_of_nothing_shown_append_nothing(api: Api) -> None:
    slug, key = await open_room(api, title="Same")
    before = await newest(api, slug)
    current = (await api.get(f"/api/events/{slug}")).body["event"]
    await edit(api, slug, key, listed=False)
    await edit(api, slug, key, embed_origins=["https://app.example.org"])
    # The same values again, one of them written another way: nothing really changed.
    same_end = parse_z(current["ends_at"]).astimezone(UTC).isoformat()
    await edit(api, slug, key, title=" Same ", description="", ends_at=same_end, listed=True)
    assert await newest(api, slug) == before


@pytest.mark.parametrize(
    ("fields", "sentence"),
    [
        ({"starts_at": 7200, "ends_at": 9000}, "The host changed the start and end times."),
        (
            {"title": "T", "description": "D", "ends_at": 9000},
            "The host changed the title, the description and the end time.",
        ),
        ({"starts_at": 5000}, "The host changed the start time."),
        (
            {"title": "T", "description": "D", "starts_at": 7200, "ends_at": 9000},
            "The host changed the title, the description and the start and end times.",
        ),
    ],
)
async def test_the_sentence_names_what_changed(api: Api, fields: dict[str, Any], sentence: str) -> None:
    slug, key = await open_room(api, starts_in=3600, lasts=3600)
    before = await newest(api, slug)
    changes = {name: iso_in(value) if name.endswith("_at") else value for name, value in fields.items()}
    edited = await edit(api, slug, key, **changes)
    [item] = (await api.poll(slug, after=before)).body["messages"]
    assert item["body"] == sentence
    assert item["changes"] == {name: edited[name] for name in fields}


async def test_an_edit_that_opens_the_event_says_so_first_then_opens(api: Api, chat: Chat) -> None:
    slug, key = await open_room(api, starts_in=3600, lasts=3600)
    event = await chat.store.get_event(slug)
    poll = asyncio.ensure_future(api.poll(slug, after=0, wait=10))
    await until(lambda: chat.broker.waiting(event.id) == 1, what="the poll to be held")
    await edit(api, slug, key, starts_at=iso_in(-1))
    reply = await poll
    # The poll may have woken at the first item; the rest follows from its cursor.
    items = reply.body["messages"] + (await api.poll(slug, after=reply.body["cursor"])).body["messages"]
    assert [(i["code"], i["body"]) for i in items] == [
        ("updated", "The host changed the start time."),
        ("opened", "The event is open."),
    ]
    assert (await api.poll(slug)).body["state"] == "open"


async def test_a_refused_edit_appends_nothing(api: Api) -> None:
    slug, key = await open_room(api)
    before = await newest(api, slug)
    reply = await api.patch(f"/api/events/{slug}", {"title": "New", "ends_at": iso_in(-10)}, token=key)
    assert reply.status == 400
    reply = await api.patch(f"/api/events/{slug}", {"title": "New"})
    assert reply.status == 403
    assert await newest(api, slug) == before
    assert (await api.get(f"/api/events/{slug}")).body["event"]["title"] == "Weekly Tornado meeting"


async def test_transcripts_show_the_updated_item(api: Api) -> None:
    slug, key = await open_room(api)
    await edit(api, slug, key, title="Renamed meeting")
    text = (await api.get(f"/e/{slug}/transcript.txt")).body
    assert "] * The host changed the title.\n" in text
    messages = (await api.get(f"/e/{slug}/transcript.json")).body["messages"]
    assert messages[-1]["code"] == "updated" and messages[-1]["changes"] == {"title": "Renamed meeting"}
    page = (await api.get(f"/e/{slug}/transcript")).body
    assert 'data-code="updated"' in page and "The host changed the title." in page


def test_the_byte_bound_counts_an_items_extras() -> None:
    """A long description in `changes` counts toward the bound on one answer."""
    changes = {"changes": {"description": "d" * 5000}}
    items = [Item(n, "system", "updated", None, None, "x", 0, None, None, False, changes) for n in (1, 2, 3)]
    assert fit(items, budget=30_000) == (items[:1], True)
    assert fit(items, budget=70_000) == (items, False)
