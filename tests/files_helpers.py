"""Making files and uploading them, for the tests of files in messages."""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from typing import Any

from PIL import Image

from tests.helpers import Api, Reply


def multipart(parts: list[tuple[str, str | None, bytes]]) -> tuple[bytes, str]:
    """A multipart/form-data body of (name, filename or None for a field, bytes), and its Content-Type."""
    boundary = uuid.uuid4().hex
    out = io.BytesIO()
    for name, filename, data in parts:
        out.write(f"--{boundary}\r\n".encode())
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename is not None else "")
        out.write(f"Content-Disposition: {disposition}\r\n".encode())
        if filename is not None:
            out.write(b"Content-Type: application/octet-stream\r\n")
        out.write(b"\r\n" + data + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


async def upload(api: Api, slug: str, token: str | None, name: str, data: bytes, **fields: str) -> Reply:
    """POST one file to the event, as a browser's form would."""
    body, content_type = multipart([("file", name, data), *((k, None, v.encode()) for k, v in fields.items())])
    return await api.request(
        "POST", f"/api/events/{slug}/files", raw=body, token=token, headers={"Content-Type": content_type}
    )


async def uploaded(api: Api, slug: str, token: str, name: str, data: bytes, **fields: str) -> dict[str, Any]:
    """Upload and return the File object (the upload must succeed)."""
    reply = await upload(api, slug, token, name, data, **fields)
    assert reply.status == 201, reply.body
    return reply.body["file"]  # type: ignore[no-any-return]


async def send_files(api: Api, slug: str, token: str, ids: list[str], body: str = "", **more: Any) -> Reply:
    return await api.post(f"/api/events/{slug}/messages", {"body": body, "files": ids, **more}, token=token)


def png(width: int = 64, height: int = 48, colour: tuple[int, int, int] = (200, 40, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "PNG")
    return out.getvalue()


def pdf() -> bytes:
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def zip_bytes(members: dict[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in (members or {"notes.txt": b"hello"}).items():
            archive.writestr(name, data)
    return out.getvalue()


def ogg_opus() -> bytes:
    """A one-page Ogg stream whose first packet is an OpusHead (what a recorder's file begins with)."""
    head = b"OpusHead" + bytes([1, 1]) + (312).to_bytes(2, "little") + (48000).to_bytes(4, "little") + b"\0\0\0"
    page = b"OggS\0\x02" + b"\0" * 8 + (1).to_bytes(4, "little") + b"\0" * 4 + b"\0" * 4 + bytes([1, len(head)])
    return page + head


async def fetch_file(api: Api, path: str, token: str | None = None, **headers: str) -> Reply:
    """GET a file: its bytes as they are (body), or the parsed JSON error."""
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    response = await api.client.fetch(api.base_url + path, headers=headers, raise_error=False)
    is_json = response.headers.get("Content-Type", "").startswith("application/json")
    return Reply(response.code, json.loads(response.body) if is_json else response.body, response.headers)
