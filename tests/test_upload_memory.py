"""An upload streams through the server: a real server process takes a 48 MB file (and refuses a
larger one mid-stream) without its peak memory growing by anything near the file's size."""

from __future__ import annotations

import http.client
import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.serverproc import ServerProcess

MIB = 1024 * 1024


def peak_mib(server: ServerProcess) -> float:
    """The process's high-water mark of resident memory (VmHWM), in MiB."""
    status = Path(f"/proc/{server.proc.pid}/status").read_text()
    match = re.search(r"^VmHWM:\s+(\d+)", status, re.MULTILINE)
    assert match
    return int(match.group(1)) / 1024


def zip_stream(size: int) -> Iterator[bytes]:
    """A ZIP's signature, then `size` bytes of noise, a MiB at a time (never whole in memory)."""
    yield b"PK\x03\x04" + b"\0" * 26
    left = size
    while left > 0:
        step = min(MIB, left)
        yield os.urandom(step)
        left -= step


def post_file(server: ServerProcess, slug: str, token: str, size: int) -> tuple[int, bytes]:
    """Upload a generated file of about `size` bytes over one connection, streamed."""
    boundary = uuid.uuid4().hex
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.zip"\r\n'
        "Content-Type: application/zip\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    length = len(head) + 30 + size + len(tail)
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
    try:
        conn.putrequest("POST", f"/api/events/{slug}/files")
        conn.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
        conn.putheader("Content-Length", str(length))
        conn.putheader("Authorization", f"Bearer {token}")
        conn.endheaders()
        try:
            conn.send(head)
            for piece in zip_stream(size):
                conn.send(piece)
            conn.send(tail)
        except (BrokenPipeError, ConnectionResetError):
            pass  # refused mid-stream: the answer is already waiting
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


@pytest.mark.slow
def test_a_large_upload_streams_to_the_database_without_growing_the_server(tmp_path: Path) -> None:
    with ServerProcess(tmp_path / "chat.db", "--max-upload-mb", "64", "--upload-limit", "0") as server:
        server.drain_output()
        from tests.helpers import iso_in  # the same times the API tests use

        status, body = server.request(
            "POST", "/api/events", {"title": "Big files", "starts_at": iso_in(-60), "ends_at": iso_in(3600)}
        )
        assert status == 201
        slug = body["event"]["slug"]
        _, joined = server.request("POST", f"/api/events/{slug}/participants", {"nickname": "alice"})
        token = joined["token"]
        assert post_file(server, slug, token, 1 * MIB)[0] == 201  # warm: code paths, caches, pools
        before = peak_mib(server)
        status, answer = post_file(server, slug, token, 48 * MIB)
        assert status == 201, answer
        stored = peak_mib(server)
        status, answer = post_file(server, slug, token, 80 * MIB)
        assert status == 413 and b"too_large" in answer
        refused = peak_mib(server)
        # Streamed in 256 KiB chunks through a temporary file: the peak grows by a few chunks and the
        # database's page cache, never by the 48 MB of the file.
        assert stored - before < 16, (before, stored)
        assert refused - stored < 8, (stored, refused)
