"""Web security of the API: JSON bodies only (no cross-site form posts), no CORS, safe headers."""

from __future__ import annotations

import json

import pytest

from tests.helpers import Api, assert_error, iso_in

BACKENDS = ("sqlite", "postgresql")  # the same tests on both engines (tests/conftest.py)

FORM_TYPES = [
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "text/plain;charset=UTF-8",
]
NEW_EVENT = {"title": "Form", "starts_at": iso_in(-60), "ends_at": iso_in(3600)}


async def _open_room(api: Api) -> tuple[str, str, str]:
    """(slug, host key, a participant token) of an open event."""
    created = (await api.post("/api/events", NEW_EVENT)).body
    slug = created["event"]["slug"]
    joined = (await api.post(f"/api/events/{slug}/participants", {"nickname": "alice"})).body
    return slug, created["host_key"], joined["token"]


@pytest.mark.parametrize("content_type", FORM_TYPES)
async def test_a_form_post_is_refused_and_creates_nothing(api: Api, content_type: str) -> None:
    before = len((await api.get("/api/events?state=open")).body["events"])
    reply = await api.post("/api/events", raw=json.dumps(NEW_EVENT).encode(), headers={"Content-Type": content_type})
    assert_error(reply, 415, "unsupported_media_type")
    assert "application/json" in reply.body["error"]["message"]
    assert len((await api.get("/api/events?state=open")).body["events"]) == before


@pytest.mark.parametrize("content_type", FORM_TYPES + [""])
async def test_form_posts_with_credentials_change_nothing(api: Api, content_type: str) -> None:
    slug, key, token = await _open_room(api)
    stream = await api.read_all(slug)
    headers = {"Content-Type": content_type} if content_type else {"Content-Type": ""}
    replies = [
        await api.post(f"/api/events/{slug}/messages", raw=b'{"body": "forged"}', token=token, headers=headers),
        await api.post(f"/api/events/{slug}/announcements", raw=b'{"body": "forged"}', token=key, headers=headers),
        await api.patch(f"/api/events/{slug}", raw=b'{"title": "forged"}', token=key, headers=headers),
        await api.post(f"/api/events/{slug}/participants", raw=b'{"nickname": "mallory"}', headers=headers),
    ]
    for reply in replies:
        assert_error(reply, 415, "unsupported_media_type")
    assert await api.read_all(slug) == stream
    assert (await api.get(f"/api/events/{slug}")).body["event"]["title"] == "Form"


async def test_json_types_with_parameters_are_accepted(api: Api) -> None:
    slug, key, token = await _open_room(api)
    said = await api.post(
        f"/api/events/{slug}/messages",
        raw=b'{"body": "hi"}',
        token=token,
        headers={"Content-Type": "Application/JSON; charset=utf-8"},
    )
    assert said.status == 201
    patched = await api.patch(
        f"/api/events/{slug}",
        raw=b'{"title": "Renamed"}',
        token=key,
        headers={"Content-Type": "application/merge-patch+json"},
    )
    assert patched.status == 200 and patched.body["event"]["title"] == "Renamed"


async def test_a_bodiless_host_action_takes_any_type(api: Api) -> None:
    # Client libraries add a type to a bare POST (Tornado's says urlencoded): nothing is read from it.
    slug, key, _ = await _open_room(api)
    closed = await api.post(
        f"/api/events/{slug}/close", raw=b"", token=key, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert closed.status == 200 and closed.body["event"]["state"] == "closed"


async def test_cors_is_off(api: Api) -> None:
    slug, _, token = await _open_room(api)
    origin = {"Origin": "https://elsewhere.example"}
    for reply in [
        await api.get(f"/api/events/{slug}", headers=origin),
        await api.get(f"/api/events/{slug}/messages?after=0", headers=origin),
        await api.post(f"/api/events/{slug}/messages", {"body": "x"}, token=token, headers=origin),
    ]:
        assert reply.status in (200, 201)
        assert not [name for name in reply.headers if name.lower().startswith("access-control-")]
    preflight = await api.request(
        "OPTIONS",
        f"/api/events/{slug}/messages",
        headers={
            **origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )
    assert_error(preflight, 405, "method_not_allowed")
    assert "Access-Control-Allow-Origin" not in preflight.headers


async def test_api_answers_are_not_sniffed_or_cached(api: Api) -> None:
    slug, _, _ = await _open_room(api)
    for path in [f"/api/events/{slug}", f"/api/events/{slug}/messages", "/api/events/nope", "/api/nothing"]:
        reply = await api.get(path)
        assert reply.headers["X-Content-Type-Options"] == "nosniff"
        assert reply.headers["Cache-Control"] == "no-store"
        assert reply.headers["Content-Type"] == "application/json; charset=utf-8"
