"""Errors in general: always API.md's JSON error, never HTML, never a 500; a failed request changes nothing."""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from tornado.httpclient import AsyncHTTPClient, HTTPRequest

from tests.conftest import Chat
from tests.helpers import Api, Reply, iso_in

BACKENDS = ("sqlite", "postgresql")  # the same tests on both engines (tests/conftest.py)

TIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
BIG = 70 * 1024


def assert_json_error(reply: Reply, status: int, code: str | None = None) -> None:
    """A non-2xx answer: JSON {"error": {"code": snake_case, "message": sentence}}, never HTML."""
    assert reply.status == status, (reply.status, reply.body)
    content_type = reply.headers.get("Content-Type", "")
    assert content_type.startswith("application/json"), content_type
    assert isinstance(reply.body, dict), reply.body
    error = reply.body["error"]
    assert re.fullmatch(r"[a-z]+(_[a-z]+)*", error["code"]), error
    if code is not None:
        assert error["code"] == code, error
    assert isinstance(error["message"], str) and len(error["message"].strip()) > 5
    assert "<html" not in error["message"].lower() and "Traceback" not in error["message"]
    assert TIME_RE.match(reply.body["server_time"])


def count_rows(chat: Chat, table: str, where: str = "TRUE") -> int:
    return chat.count(table, where)


async def room(api: Api) -> tuple[dict[str, Any], str]:
    created = await api.create_event()
    _, token = await api.join(created["event"]["slug"], "alice")
    return created, token


# -- unknown paths and wrong methods ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "method, path",
    [
        ("GET", "/api/"),
        ("GET", "/api/nothing"),
        ("POST", "/api/nothing"),
        ("GET", "/api/events/"),
        ("GET", "/api/event"),
        ("GET", "/api/events/{slug}/nothing"),
        ("POST", "/api/events/{slug}/participants/1/unban"),
        ("DELETE", "/api/v2/events"),
    ],
)
async def test_unknown_api_paths_are_json_404(api: Api, method: str, path: str) -> None:
    created, _ = await room(api)
    reply = await api.request(method, path.replace("{slug}", created["event"]["slug"]))
    assert_json_error(reply, 404, "not_found")


@pytest.mark.parametrize(
    "method, path",
    [
        ("PUT", "/api/events"),
        ("DELETE", "/api/events"),
        ("PATCH", "/api/events"),
        ("POST", "/api/events/{slug}"),
        ("PUT", "/api/events/{slug}"),
        ("DELETE", "/api/events/{slug}"),
        ("GET", "/api/events/{slug}/close"),
        ("DELETE", "/api/events/{slug}/participants"),
        ("PUT", "/api/events/{slug}/messages"),
        ("GET", "/api/events/{slug}/messages/1"),
        ("GET", "/api/events/{slug}/announcements"),
        ("GET", "/api/events/{slug}/participants/1/ban"),
        ("OPTIONS", "/api/events"),
    ],
)
async def test_wrong_methods_are_json_405(api: Api, chat: Chat, method: str, path: str) -> None:
    created, _ = await room(api)
    slug = created["event"]["slug"]
    body = {"title": "x"} if method in ("PUT", "PATCH", "POST") else None
    events_before = count_rows(chat, "events")
    reply = await api.request(method, path.replace("{slug}", slug), body, token=created["host_key"])
    assert_json_error(reply, 405, "method_not_allowed")
    assert count_rows(chat, "events") == events_before
    assert (await api.get(f"/api/events/{slug}")).body["event"]["state"] == "open"


# -- oversized bodies --------------------------------------------------------------------------------------------------


async def test_oversized_event_is_json_413_and_nothing_is_stored(api: Api, chat: Chat) -> None:
    body = {"title": "big", "description": "d" * BIG, "starts_at": iso_in(-60), "ends_at": iso_in(3600)}
    reply = await api.post("/api/events", body)
    assert_json_error(reply, 413, "payload_too_large")
    assert count_rows(chat, "events") == 0


async def test_oversized_message_is_json_413_and_nothing_is_stored(api: Api, chat: Chat) -> None:
    created, token = await room(api)
    slug = created["event"]["slug"]
    before = await api.read_all(slug)
    reply = await api.post(f"/api/events/{slug}/messages", {"body": "x" * BIG}, token=token)
    assert_json_error(reply, 413, "payload_too_large")
    assert await api.read_all(slug) == before
    assert count_rows(chat, "items", "kind = 'message'") == 0
    # The connection and the participant still work afterwards.
    assert (await api.say(slug, token, "small")).status == 201


@pytest.mark.parametrize("target", ["join", "announce", "patch"])
async def test_oversized_bodies_everywhere_are_json_413(api: Api, chat: Chat, target: str) -> None:
    created, _ = await room(api)
    slug, key = created["event"]["slug"], created["host_key"]
    method, path, body, token = {
        "join": ("POST", f"/api/events/{slug}/participants", {"nickname": "n" * BIG}, None),
        "announce": ("POST", f"/api/events/{slug}/announcements", {"body": "a" * BIG}, key),
        "patch": ("PATCH", f"/api/events/{slug}", {"description": "d" * BIG}, key),
    }[target]
    items_before = count_rows(chat, "items")
    event_before = (await api.get(f"/api/events/{slug}")).body["event"]
    reply = await api.request(method, path, body, token=token)
    assert_json_error(reply, 413, "payload_too_large")
    assert count_rows(chat, "items") == items_before
    assert count_rows(chat, "participants") == 1
    assert (await api.get(f"/api/events/{slug}")).body["event"] == event_before


async def test_oversized_chunked_body_without_content_length_is_json_413(api: Api, chat: Chat) -> None:
    created, token = await room(api)
    slug = created["event"]["slug"]

    async def produce(write: Callable[[bytes], Awaitable[None]]) -> None:
        await write(b'{"body": "')
        for _ in range(BIG // 1024):
            await write(b"x" * 1024)
        await write(b'"}')

    request = HTTPRequest(
        f"{api.base_url}/api/events/{slug}/messages",
        method="POST",
        body_producer=produce,
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
        request_timeout=10,
    )
    response = await AsyncHTTPClient().fetch(request, raise_error=False)
    reply = Reply(response.code, json.loads(response.body) if response.body else None, response.headers)
    assert_json_error(reply, 413, "payload_too_large")
    assert count_rows(chat, "items", "kind = 'message'") == 0


# -- never a 500, never HTML --------------------------------------------------------------------------------------------


def _deep(n: int) -> bytes:
    return b'{"title": ' + b"[" * n + b"]" * n + b"}"


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(_deep(20_000), id="deeply-nested-json"),
        pytest.param(b'{"title": NaN, "starts_at": Infinity, "ends_at": -Infinity}', id="nan-and-infinity"),
        pytest.param(b'{"title": 1' + b"0" * 5000 + b"}", id="5000-digit-number"),
        pytest.param(b'{"title": 1e999}', id="huge-float"),
        pytest.param(b'{"title": "\\ud800", "starts_at": "x", "ends_at": "y"}', id="lone-surrogate"),
        pytest.param(b'{"title": {"$gt": ""}}', id="object-title"),
        pytest.param(b'{"title": "x", "title": 5}', id="duplicate-key"),
        pytest.param(b"\xef\xbb\xbf{}", id="utf8-bom"),
        pytest.param(b"\x00" * 100, id="nul-bytes"),
    ],
)
async def test_hostile_event_bodies_are_400(api: Api, chat: Chat, raw: bytes) -> None:
    reply = await api.post("/api/events", raw=raw)
    assert_json_error(reply, 400, "invalid_request")
    assert count_rows(chat, "events") == 0


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param({"nickname": "\ud800"}, id="lone-surrogate"),
        pytest.param({"nickname": "\u202eecila"}, id="bidi-override"),
        pytest.param({"nickname": {"a": 1}}, id="object"),
        pytest.param({"nickname": True}, id="bool"),
    ],
)
async def test_hostile_nicknames_are_400(api: Api, chat: Chat, payload: dict[str, Any]) -> None:
    created, _ = await room(api)
    slug = created["event"]["slug"]
    reply = await api.post(f"/api/events/{slug}/participants", payload)
    assert_json_error(reply, 400, "invalid_request")
    assert count_rows(chat, "participants") == 1


@pytest.mark.parametrize(
    "path",
    [
        "/api/events/%00",
        "/api/events/%ff%fe",
        "/api/events/" + "a" * 3000,
        "/api/events/x'%20OR%20'1'='1",
        "/api/events/{slug}/messages?after=1e3",
        "/api/events/{slug}/messages?after=%00",
        "/api/events/{slug}/messages?wait=1e400",
        "/api/events/{slug}/messages?limit=99999999999999999999999999",
        "/api/events/{slug}/messages?after=0&after=1",
        "/api/events?limit=1e3",
        "/api/events?before=99999999999999999999999999",
        "/api/events?state=%ff",
    ],
)
async def test_strange_requests_get_a_json_answer_below_500(api: Api, path: str) -> None:
    created, _ = await room(api)
    reply = await api.get(path.replace("{slug}", created["event"]["slug"]))
    assert reply.status < 500, (reply.status, reply.body)
    if reply.status >= 300:
        assert_json_error(reply, reply.status)
    else:
        assert isinstance(reply.body, dict) and TIME_RE.match(reply.body["server_time"])


async def test_times_past_year_9999_are_refused(api: Api, chat: Chat) -> None:
    body = {"title": "Far future", "starts_at": "9999-12-31T20:00:00Z", "ends_at": "9999-12-31T23:00:00-05:00"}
    reply = await api.post("/api/events", body)
    assert_json_error(reply, 400, "invalid_request")
    assert count_rows(chat, "events") == 0


async def test_edits_past_year_9999_are_refused(api: Api) -> None:
    created = await api.create_event(starts_in=3600)
    slug = created["event"]["slug"]
    reply = await api.patch(
        f"/api/events/{slug}",
        {"starts_at": "9999-12-31T20:00:00Z", "ends_at": "9999-12-31T23:00:00-05:00"},
        token=created["host_key"],
    )
    assert_json_error(reply, 400, "invalid_request")
    assert (await api.get(f"/api/events/{slug}")).status == 200


# -- a failed request changes nothing ---------------------------------------------------------------------------------


async def test_failed_joins_change_nothing(api: Api) -> None:
    created, _ = await room(api)
    slug = created["event"]["slug"]
    participants = (await api.get(f"/api/events/{slug}/participants")).body["participants"]
    stream = await api.read_all(slug)
    for body in ({"nickname": ""}, {"nickname": "x" * 33}, {"nickname": "ALICE"}, {}):
        reply = await api.post(f"/api/events/{slug}/participants", body)
        assert reply.status in (400, 409), reply.body
        assert_json_error(reply, reply.status)
    assert (await api.get(f"/api/events/{slug}/participants")).body["participants"] == participants
    assert await api.read_all(slug) == stream


async def test_failed_posts_change_nothing(api: Api, chat: Chat) -> None:
    created, token = await room(api)
    slug = created["event"]["slug"]
    stream = await api.read_all(slug)
    attempts: list[tuple[Any, str | None]] = [
        ({"body": ""}, token),
        ({"body": "x" * 4001}, token),
        ({"body": "hi"}, None),
        ({"body": "hi"}, "nope"),
        ({"body": "hi", "client_id": "c" * 65}, token),
    ]
    for body, credential in attempts:
        reply = await api.post(f"/api/events/{slug}/messages", body, token=credential)
        assert reply.status in (400, 401), reply.body
        assert_json_error(reply, reply.status)
    assert await api.read_all(slug) == stream
    assert count_rows(chat, "items", "kind = 'message'") == 0
    # A failed post with a client_id does not reserve that client_id.
    bad = await api.post(f"/api/events/{slug}/messages", {"body": "", "client_id": "c-1"}, token=token)
    assert bad.status == 400
    good = await api.say(slug, token, "now valid", client_id="c-1")
    assert good.status == 201 and good.body["message"]["body"] == "now valid"


async def test_failed_host_actions_change_nothing(api: Api) -> None:
    created, token = await room(api)
    slug, key = created["event"]["slug"], created["host_key"]
    event = (await api.get(f"/api/events/{slug}")).body["event"]
    stream = await api.read_all(slug)
    replies = [
        await api.patch(f"/api/events/{slug}", {"title": "New", "ends_at": iso_in(-10)}, token=key),
        await api.patch(f"/api/events/{slug}", {"title": "New"}, token=token),
        await api.post(f"/api/events/{slug}/close", token=token),
        await api.post(f"/api/events/{slug}/announcements", {"body": ""}, token=key),
        await api.delete(f"/api/events/{slug}/messages/12345", token=key),
    ]
    assert [r.status for r in replies] == [400, 403, 403, 400, 404]
    for reply in replies:
        assert_json_error(reply, reply.status)
    assert (await api.get(f"/api/events/{slug}")).body["event"] == event
    assert await api.read_all(slug) == stream
