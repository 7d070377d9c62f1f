"""Which sites may embed a room: set by the host, validated, kept through edits."""

from __future__ import annotations

import pytest

from tests.helpers import Api, assert_error

BACKENDS = ("sqlite", "postgresql")  # the same tests on both engines (tests/conftest.py)


async def test_any_site_may_embed_by_default_and_the_host_can_restrict_it(api: Api) -> None:
    created = await api.create_event()
    slug, key = created["event"]["slug"], created["host_key"]
    assert created["event"]["embed_origins"] is None
    edited = await api.patch(
        f"/api/events/{slug}",
        {"embed_origins": ["https://App.Example.org", "http://localhost:8000", "https://app.example.org"]},
        token=key,
    )
    assert edited.status == 200
    assert edited.body["event"]["embed_origins"] == ["https://app.example.org", "http://localhost:8000"]
    # Other edits keep the list; null opens it to any site again.
    retitled = await api.patch(f"/api/events/{slug}", {"title": "Renamed"}, token=key)
    assert retitled.body["event"]["embed_origins"] == ["https://app.example.org", "http://localhost:8000"]
    reopened = await api.patch(f"/api/events/{slug}", {"embed_origins": None}, token=key)
    assert reopened.body["event"]["embed_origins"] is None


async def test_an_event_can_be_created_embeddable_by_no_site(api: Api) -> None:
    created = await api.create_event(embed_origins=[])
    assert created["event"]["embed_origins"] == []


@pytest.mark.parametrize(
    "bad",
    [
        "https://a.example",
        ["https://a.example/path"],
        ["ftp://a.example"],
        ["a.example"],
        [42],
        ["https://a.example", None],
        ["*"],
        ["https://"],
        [f"https://{n}.example" for n in range(21)],
    ],
)
async def test_bad_origins_are_refused_and_change_nothing(api: Api, bad: object) -> None:
    created = await api.create_event()
    slug, key = created["event"]["slug"], created["host_key"]
    assert_error(
        await api.patch(f"/api/events/{slug}", {"embed_origins": bad}, token=key),
        400,
        "invalid_request",
        "embed_origins",
    )
    assert (await api.get(f"/api/events/{slug}")).body["event"]["embed_origins"] is None
    reply = await api.post(
        "/api/events",
        {"title": "x", "starts_at": "2030-01-01T10:00:00Z", "ends_at": "2030-01-01T11:00:00Z", "embed_origins": bad},
    )
    assert_error(reply, 400, "invalid_request", "embed_origins")
