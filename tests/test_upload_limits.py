"""Uploads under attack: the per-participant rate, the uploads one address may have in flight at
once, a body that trickles in, and a flood of links to preview."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from chatserver.file_settings import FileSettings
from chatserver.slots import Slots
from tests.conftest import Chat
from tests.files_helpers import multipart, png, upload
from tests.helpers import Api, assert_error
from tests.test_private import room
from tests.waiting import until

KIB = 1024


@pytest.fixture
def settings(tmp_path: Path) -> dict[str, object]:
    spool = tmp_path / "spool"
    spool.mkdir()
    files = FileSettings(max_bytes=256 * KIB, upload_limit=3, tmp_dir=str(spool), uploads=Slots(4, 2))
    return {"max_wait": 5.0, "rate_limit": 0, "files": files}


async def test_a_participant_sending_files_too_fast_is_refused_with_retry_after(api: Api, chat: Chat) -> None:
    slug, key = await room(api)
    _, alice = await api.join(slug, "alice")
    _, bob = await api.join(slug, "bob")
    for _ in range(3):
        assert (await upload(api, slug, alice, "a.png", png())).status == 201
    refused = await upload(api, slug, alice, "a.png", png())
    assert_error(refused, 429, "rate_limited")
    assert int(refused.headers["Retry-After"]) >= 1
    assert chat.count("files") == 3
    # Counted per participant: bob is not held back by alice.
    assert (await upload(api, slug, bob, "b.png", png())).status == 201


async def open_upload(port: int, slug: str, token: str) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """Begin an upload and leave its body unfinished: it holds its place until it ends."""
    body, content_type = multipart([("file", "slow.txt", b"a" * 1000)])
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        f"POST /api/events/{slug}/files HTTP/1.1\r\nHost: x\r\nContent-Length: {len(body)}\r\n"
        f"Content-Type: {content_type}\r\nAuthorization: Bearer {token}\r\n\r\n".encode()
        + body[:100]
    )
    await writer.drain()
    return reader, writer


async def test_an_address_may_have_two_uploads_in_flight_and_a_third_waits(api: Api, chat: Chat) -> None:
    slug, _ = await room(api)
    tokens = [(await api.join(slug, name))[1] for name in ("p1", "p2", "p3")]
    port = int(api.base_url.rsplit(":", 1)[1])
    held = [await open_upload(port, slug, token) for token in tokens[:2]]
    uploads = chat.services.files.uploads
    await until(lambda: uploads.taken == 2, what="both uploads in flight")  # once their headers are read
    refused = await upload(api, slug, tokens[2], "c.png", png())
    assert_error(refused, 429, "rate_limited")
    for _reader, writer in held:  # clients gone mid-body give their places back
        writer.close()
        await writer.wait_closed()
    await until(lambda: uploads.taken == 0, what="the places given back")
    assert (await upload(api, slug, tokens[2], "c.png", png())).status == 201
