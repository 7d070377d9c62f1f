"""Files in messages (API.md 1.1) on both engines: uploads detected by their content, images
re-encoded without metadata, downloads with their headers and ranges, who may read them, and
retraction, redaction and retention erasing the bytes."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from chatserver.file_settings import FileSettings
from tests.conftest import Chat
from tests.files_helpers import fetch_file, multipart, ogg_opus, pdf, png, send_files, upload, uploaded, zip_bytes
from tests.helpers import Api, assert_error
from tests.test_private import room, send, view

BACKENDS = ("sqlite", "postgresql")
KIB = 1024


@pytest.fixture
def settings(tmp_path: Path) -> dict[str, object]:
    spool = tmp_path / "spool"
    spool.mkdir()
    return {
        "max_wait": 5.0,
        "rate_limit": 0,
        "files": FileSettings(max_bytes=300 * KIB, quota_bytes=900 * KIB, tmp_dir=str(spool), upload_limit=0),
    }


def spooled(tmp_path: Path) -> list[Path]:
    """Uploads still on disk: none once each request is over."""
    return list((tmp_path / "spool").iterdir())


async def test_each_accepted_type_is_known_by_its_content_not_its_name(api: Api, tmp_path: Path) -> None:
    slug, _ = await room(api)
    _, alice = await api.join(slug, "alice")
    cases: list[tuple[str, bytes, str, str]] = [
        ("x.pdf", png(), "image/png", "x.pdf.png"),  # a PNG named x.pdf is a PNG
        ("report.pdf", pdf(), "application/pdf", "report.pdf"),
        ("notes", "Grüße, tschüss\n".encode(), "text/plain; charset=utf-8", "notes.txt"),
        ("archive.zip", zip_bytes(), "application/zip", "archive.zip"),
        ("voice.bin", ogg_opus(), "audio/ogg", "voice.bin.ogg"),
    ]
    for name, data, media_type, shown in cases:
        file = await uploaded(api, slug, alice, name, data)
        assert (file["type"], file["name"]) == (media_type, shown), file
        served = await fetch_file(api, file["url"], alice)  # not sent yet: for its uploader only
        assert served.status == 200
        assert served.headers["Content-Type"] == media_type
        assert served.headers["X-Content-Type-Options"] == "nosniff"
        assert served.headers["Content-Security-Policy"] == "sandbox; default-src 'none'"
        inline = media_type.startswith(("image/", "audio/"))
        assert served.headers["Content-Disposition"].startswith("inline" if inline else "attachment")
    assert spooled(tmp_path) == []


@pytest.mark.parametrize(
    "data",
    [
        b"<!DOCTYPE html><html><script>alert(1)</script></html>",
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        b"\x7fELF\x02\x01\x01" + b"\0" * 64,
        b"MZ\x90\0" + b"\0" * 64,
        b"%PDF-1.4\n<html><script>alert(document.domain)</script></html>\n%%EOF",  # a polyglot
        b"just text, then <script>alert(1)</script>",
    ],
    ids=["html", "svg", "elf", "pe", "pdf-html-polyglot", "text-with-script"],
)
async def test_markup_executables_and_polyglots_are_refused_and_nothing_is_kept(
    api: Api, chat: Chat, tmp_path: Path, data: bytes
) -> None:
    slug, _ = await room(api)
    _, alice = await api.join(slug, "alice")
    reply = await upload(api, slug, alice, "image.png", data)
    assert_error(reply, 415, "unsupported_media_type")
    assert chat.count("files") == 0 and chat.count("file_chunks") == 0
    assert spooled(tmp_path) == []


async def test_a_file_over_the_limit_is_refused_while_it_streams(api: Api, chat: Chat, tmp_path: Path) -> None:
    slug, _ = await room(api)
    _, alice = await api.join(slug, "alice")
    reply = await upload(api, slug, alice, "big.zip", zip_bytes({"a": bytes(400 * KIB)}))
    assert reply.status == 413 and reply.error_code == "too_large", reply.body
    assert chat.count("files") == 0 and spooled(tmp_path) == []


async def test_a_chunked_upload_is_answered_as_soon_as_it_passes_the_limit(
    api: Api, chat: Chat, tmp_path: Path
) -> None:
    """Without a Content-Length the size is only known as the bytes come: the 413 comes then, while
    the client has not finished sending (it is never sent here at all)."""
    slug, _ = await room(api)
    _, alice = await api.join(slug, "alice")
    body, content_type = multipart([("file", "big.zip", zip_bytes({"a": bytes(2000 * KIB)}))])
    port = int(api.base_url.rsplit(":", 1)[1])
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        f"POST /api/events/{slug}/files HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
        f"Content-Type: {content_type}\r\nAuthorization: Bearer {alice}\r\n\r\n".encode()
    )
    part = body[: 320 * KIB]  # past the 300 KiB limit, far from the end of the body
    writer.write(f"{len(part):x}\r\n".encode() + part + b"\r\n")
    await writer.drain()
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
    assert head.startswith(b"HTTP/1.1 413"), head
    assert b"too_large" in await asyncio.wait_for(reader.read(4096), 10)
    writer.close()
    assert chat.count("files") == 0 and spooled(tmp_path) == []


async def test_the_event_quota_counts_every_file_it_keeps(api: Api, chat: Chat) -> None:
    slug, _ = await room(api)
    _, alice = await api.join(slug, "alice")
    blob = bytes(range(256)) * 1000  # 250 KB of text-like? no: bytes with NULs are not text
    members = {"a": blob}
    for _ in range(3):
        await uploaded(api, slug, alice, "part.zip", zip_bytes(members))
    reply = await upload(api, slug, alice, "more.zip", zip_bytes(members))
    assert_error(reply, 413, "quota_exceeded")
    assert chat.count("files") == 3
    # Another event has its own quota.
    other, _ = await room(api)
    _, bob = await api.join(other, "bob")
    await uploaded(api, other, bob, "part.zip", zip_bytes(members))


def gps_jpeg() -> bytes:
    image = Image.new("RGB", (40, 20), (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Phone 12"  # Model
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to show
    gps = {1: "N", 2: (52.0, 31.0, 12.0), 3: "E", 4: (13.0, 24.0, 36.0)}
    exif[0x8825] = gps
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


async def test_an_image_comes_back_without_exif_or_gps_and_upright(api: Api) -> None:
    slug, _ = await room(api)
    _, alice = await api.join(slug, "alice")
    original = gps_jpeg()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the test's file has GPS
    file = await uploaded(api, slug, alice, "holiday.jpg", original)
    await send_files(api, slug, alice, [file["id"]])
    stored = await fetch_bytes(api, file["url"])
    image = Image.open(io.BytesIO(stored))
    assert not image.getexif() and "exif" not in image.info
    assert b"PhoneMaker" not in stored and b"GPS" not in stored
    assert image.size == (20, 40) and (file["width"], file["height"]) == (20, 40)


async def fetch_bytes(api: Api, path: str, **headers: str) -> bytes:
    response = await api.client.fetch(api.base_url + path, headers=headers, raise_error=False)
    assert response.code in (200, 206), response.code
    return response.body


async def test_a_large_image_gets_a_thumbnail_and_its_size_in_the_file(api: Api) -> None:
    slug, _ = await room(api)
    _, alice = await api.join(slug, "alice")
    file = await uploaded(api, slug, alice, "wide.png", png(1200, 600))
    await send_files(api, slug, alice, [file["id"]])
    assert (file["width"], file["height"]) == (1200, 600)
    assert (file["thumbnail_width"], file["thumbnail_height"]) == (480, 240)
    thumb = await api.client.fetch(api.base_url + file["thumbnail_url"], raise_error=False)
    assert thumb.code == 200 and thumb.headers["Content-Type"] == "image/webp"
    assert Image.open(io.BytesIO(thumb.body)).size == (480, 240)
    small = await uploaded(api, slug, alice, "icon.png", png(32, 32))
    assert "thumbnail_url" not in small


async def test_a_decompression_bomb_is_refused_as_too_large(api: Api, chat: Chat) -> None:
    slug, _ = await room(api)
    _, alice = await api.join(slug, "alice")
    out = io.BytesIO()
    Image.new("1", (12000, 12000)).save(out, "PNG")  # 144 megapixels in a few kilobytes
    assert len(out.getvalue()) < 300 * KIB
    reply = await upload(api, slug, alice, "bomb.png", out.getvalue())
    assert reply.status == 413 and reply.error_code == "too_large", reply.body
    assert chat.count("files") == 0


async def test_range_requests_serve_the_bytes_asked_for(api: Api) -> None:
    slug, _ = await room(api)
    _, alice = await api.join(slug, "alice")
    data = bytes(range(256)) * 1100  # beyond one 256 KiB chunk, so a range may span two
    archive = zip_bytes({"data.bin": data})
    file = await uploaded(api, slug, alice, "data.zip", archive)
    await send_files(api, slug, alice, [file["id"]])
    size = len(archive)
    for header, start, end in (
        ("bytes=0-9", 0, 9),
        ("bytes=-5", size - 5, size - 1),
        ("bytes=262140-262150", 262140, 262150),
        (f"bytes={size - 3}-", size - 3, size - 1),
    ):
        response = await api.client.fetch(api.base_url + file["url"], headers={"Range": header}, raise_error=False)
        assert response.code == 206, header
        assert response.body == archive[start : end + 1], header
        assert response.headers["Content-Range"] == f"bytes {start}-{end}/{size}"
    whole = await api.client.fetch(api.base_url + file["url"], raise_error=False)
    assert whole.body == archive and whole.headers["Accept-Ranges"] == "bytes"
    beyond = await api.client.fetch(api.base_url + file["url"], headers={"Range": f"bytes={size}-"}, raise_error=False)
    assert beyond.code == 416 and beyond.headers["Content-Range"] == f"bytes */{size}"
    etag = whole.headers["ETag"]
    again = await api.client.fetch(api.base_url + file["url"], headers={"If-None-Match": etag}, raise_error=False)
    assert again.code == 304


async def test_a_message_carries_its_files_to_every_reader_and_the_transcripts(api: Api) -> None:
    slug, _ = await room(api)
    _, alice = await api.join(slug, "alice")
    image = await uploaded(api, slug, alice, "slide.png", png())
    notes = await uploaded(api, slug, alice, "notes.txt", b"agenda\n")
    posted = await send_files(api, slug, alice, [image["id"], notes["id"]])
    assert posted.status == 201, posted.body
    message = posted.body["message"]
    assert message["body"] == "" and [f["id"] for f in message["files"]] == [image["id"], notes["id"]]
    seen = next(item for item in await view(api, slug) if item["id"] == message["id"])
    assert seen["files"] == message["files"]
    document = await api.get(f"/e/{slug}/transcript.json")
    shown = next(m for m in document.body["messages"] if m["id"] == message["id"])
    assert shown["files"] == message["files"]
    text = (await api.get(f"/e/{slug}/transcript.txt")).body
    assert f"[file] notes.txt (text/plain; charset=utf-8, 7 B) {notes['url']}" in text


async def test_what_a_message_may_attach_is_checked_and_nothing_is_posted(api: Api, chat: Chat) -> None:
    slug, _ = await room(api)
    _, alice = await api.join(slug, "alice")
    _, bob = await api.join(slug, "bob")
    mine = await uploaded(api, slug, alice, "a.png", png())
    bobs = await uploaded(api, slug, bob, "b.png", png())
    other, _ = await room(api)
    _, carol = await api.join(other, "carol")
    elsewhere = await uploaded(api, other, carol, "c.png", png())
    before = chat.count("items")
    for ids in ([bobs["id"]], [elsewhere["id"]], ["A" * 22], [mine["id"], mine["id"]], [], ["x"], [1], "abc"):
        assert_error(await send_files(api, slug, alice, ids), 400, "invalid_request", "files")  # type: ignore[arg-type]
    eleven = [(await uploaded(api, slug, alice, f"{n}.txt", b"n\n"))["id"] for n in range(11)]
    assert_error(await send_files(api, slug, alice, eleven), 400, "invalid_request", "files")
    assert_error(await api.say(slug, alice, ""), 400, "invalid_request", "body")  # no files, no words
    assert chat.count("items") == before
    assert (await send_files(api, slug, alice, [mine["id"]])).status == 201
    # Sent once: it cannot be attached again.
    assert_error(await send_files(api, slug, alice, [mine["id"]]), 400, "invalid_request", "files")


async def test_who_may_upload(api: Api) -> None:
    slug, key = await room(api)
    _, alice = await api.join(slug, "alice")
    assert_error(await upload(api, slug, None, "a.png", png()), 401, "unauthorized")
    assert_error(await upload(api, slug, "not-a-token", "a.png", png()), 401, "unauthorized")
    staff = await uploaded(api, slug, key, "from-the-host.png", png())
    posted = await api.post(f"/api/events/{slug}/messages", {"body": "slides", "files": [staff["id"]]}, token=key)
    assert posted.status == 201 and posted.body["message"]["files"][0]["id"] == staff["id"]
    later = (await api.create_event(starts_in=3600))["event"]["slug"]
    _, early = await api.join(later, "early")
    assert_error(await upload(api, later, early, "a.png", png()), 409, "not_open")
    assert (await api.post(f"/api/events/{slug}/close", token=key)).status == 200
    assert_error(await upload(api, slug, alice, "a.png", png()), 410, "event_closed")


async def test_a_file_of_a_private_line_is_served_only_to_who_may_read_it(api: Api) -> None:
    slug, key = await room(api)
    _, alice = await api.join(slug, "alice")
    _, bob = await api.join(slug, "bob")
    file = await uploaded(api, slug, alice, "id-card.png", png())
    # Before it is sent only its uploader may fetch it.
    assert (await fetch_file(api, file["url"], alice)).status == 200
    for token in (None, bob, key):
        assert_error(await fetch_file(api, file["url"], token), 404, "not_found")
    posted = await send(api, slug, alice, "for the hosts", to="hosts", files=[file["id"]])
    assert posted.status == 201, posted.body
    for token in (alice, key):
        assert (await fetch_file(api, file["url"], token)).status == 200
    for token in (None, bob):
        assert_error(await fetch_file(api, file["url"], token), 404, "not_found")
    everything = str(await view(api, slug, bob)) + str((await api.get(f"/e/{slug}/transcript.json")).body)
    assert file["id"] not in everything


async def test_retraction_and_redaction_erase_the_bytes(api: Api, chat: Chat) -> None:
    slug, key = await room(api)
    _, alice = await api.join(slug, "alice")
    marker = b"ZEBRA-SECRET-4711 "
    first = await uploaded(api, slug, alice, "one.txt", marker * 50)
    second = await uploaded(api, slug, alice, "two.txt", marker * 60)
    one = (await send_files(api, slug, alice, [first["id"]])).body["message"]["id"]
    two = (await send_files(api, slug, alice, [second["id"]])).body["message"]["id"]
    assert (await api.delete(f"/api/events/{slug}/messages/{one}", token=key)).status == 200
    assert (await api.post(f"/api/events/{slug}/redactions", {"id": two}, token=alice)).status == 200
    for file in (first, second):
        assert_error(await fetch_file(api, file["url"]), 410, "gone")
    assert chat.count("file_chunks") == 0
    if chat.dsn is None:  # SQLite: not in the database file or its WAL either (secure_delete)
        for path in chat.db_path.parent.glob(chat.db_path.name + "*"):
            assert marker not in path.read_bytes(), path


async def test_retention_erases_an_events_files(api: Api, chat: Chat) -> None:
    slug, key = await room(api)
    _, alice = await api.join(slug, "alice")
    file = await uploaded(api, slug, alice, "a.png", png())
    await send_files(api, slug, alice, [file["id"]])
    event = await chat.store.get_event(slug)
    await chat.store.erase_event(event.id)
    assert (await fetch_file(api, file["url"])).status in (404, 410)
    assert chat.count("files") == 0 and chat.count("file_chunks") == 0


async def test_a_hosts_only_transcript_keeps_its_files_from_the_public_once_closed(api: Api) -> None:
    slug, key = await room(api, transcript="hosts")
    _, alice = await api.join(slug, "alice")
    file = await uploaded(api, slug, alice, "a.png", png())
    await send_files(api, slug, alice, [file["id"]])
    assert (await fetch_file(api, file["url"])).status == 200  # while open, the room is public
    assert (await api.post(f"/api/events/{slug}/close", token=key)).status == 200
    assert_error(await fetch_file(api, file["url"]), 403, "forbidden")
    assert (await fetch_file(api, file["url"], key)).status == 200


async def test_uploads_nobody_sent_are_removed_after_an_hour(api: Api, chat: Chat) -> None:
    slug, _ = await room(api)
    _, alice = await api.join(slug, "alice")
    kept = await uploaded(api, slug, alice, "sent.png", png())
    await send_files(api, slug, alice, [kept["id"]])
    dropped = await uploaded(api, slug, alice, "forgotten.png", png())
    assert await chat.store.sweep_unattached(chat.store.clock() + 30 * 60 * 1000) == 0
    assert await chat.store.sweep_unattached(chat.store.clock() + 61 * 60 * 1000) == 1
    assert_error(await fetch_file(api, dropped["url"], alice), 404, "not_found")
    assert (await fetch_file(api, kept["url"])).status == 200


async def test_a_held_message_keeps_its_files_and_reply_until_a_host_decides(api: Api, chat: Chat) -> None:
    slug, key = await room(api, filter_words=["crypto*"])
    _, alice = await api.join(slug, "alice")
    _, bob = await api.join(slug, "bob")
    question = (await api.say(slug, bob, "Which wallet do you use?")).body["message"]
    photo, notes = (
        await uploaded(api, slug, alice, "wallet.png", png()),
        await uploaded(api, slug, alice, "n.pdf", pdf()),
    )
    held = await send_files(api, slug, alice, [photo["id"]], "my crypto wallet", reply_to=question["id"])
    assert held.status == 202 and [f["id"] for f in held.body["held"]["files"]] == [photo["id"]]
    # While held: its file is nobody else's to read, and it outlives the hour an unsent upload has.
    assert_error(await fetch_file(api, photo["url"], bob), 404, "not_found")
    assert_error(await fetch_file(api, photo["url"]), 404, "not_found")
    assert (await fetch_file(api, photo["url"], key)).status == 200  # the hosts deciding on it see it
    assert_error(await fetch_file(api, notes["url"], key), 404, "not_found")  # not an unsent one
    assert await chat.store.sweep_unattached(chat.store.clock() + 2 * 60 * 60 * 1000) == 1  # the unsent PDF only
    assert_error(await fetch_file(api, notes["url"], alice), 404, "not_found")
    queue = (await api.get(f"/api/events/{slug}/held", token=key)).body["held"]
    assert [f["name"] for f in queue[0]["files"]] == ["wallet.png"]
    # Approved: the message comes with its file and its reply, and everyone may read the file.
    assert (await api.post(f"/api/events/{slug}/held/{queue[0]['id']}/approve", token=key)).status == 200
    item = (await api.read_all(slug))[-1]
    assert (item["body"], item["reply_to"], [f["id"] for f in item["files"]]) == (
        "my crypto wallet",
        question["id"],
        [photo["id"]],
    )
    served = await fetch_file(api, photo["url"])
    assert served.status == 200 and served.body == (await fetch_file(api, photo["url"], alice)).body
    # Rejected: the file is erased with the text, its bytes gone from the database.
    chunks = chat.count("file_chunks")
    other = await uploaded(api, slug, alice, "scam.png", png(colour=(1, 2, 3)))
    rejected = await send_files(api, slug, alice, [other["id"]], "crypto scam")
    assert rejected.status == 202
    assert (await api.delete(f"/api/events/{slug}/held/{rejected.body['held']['id']}", token=key)).status == 200
    assert_error(await fetch_file(api, other["url"], alice), 410, "gone")
    assert chat.count("file_chunks") == chunks


async def test_bad_uploads_get_clear_errors(api: Api) -> None:
    slug, _ = await room(api)
    _, alice = await api.join(slug, "alice")
    path = f"/api/events/{slug}/files"
    json_body = await api.post(path, {"file": "x"}, token=alice)
    assert_error(json_body, 415, "unsupported_media_type")
    no_file = await api.request(
        "POST", path, raw=b"--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n1\r\n--b--\r\n", token=alice,
        headers={"Content-Type": "multipart/form-data; boundary=b"},
    )  # fmt: skip
    assert_error(no_file, 400, "invalid_request", "file")
    broken = await api.request(
        "POST", path, raw=b"garbage", token=alice, headers={"Content-Type": "multipart/form-data; boundary=b"}
    )
    assert broken.status == 400
    for duration in ("-1", "nan", "99999", "x"):
        reply = await upload(api, slug, alice, "v.ogg", ogg_opus(), duration=duration)
        assert_error(reply, 400, "invalid_request", "duration")
    voice = await uploaded(api, slug, alice, "v.ogg", ogg_opus(), duration="2.5")
    assert voice["duration"] == 2.5


def item_by_id(items: list[dict[str, Any]], item_id: int) -> dict[str, Any]:
    return next(item for item in items if item["id"] == item_id)
