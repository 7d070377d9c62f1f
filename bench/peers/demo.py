"""Tornado's chat demo as a peer: long polls only (it has no SSE).

The demo is the one Debian's python-tornado-doc ships (examples/chat), run by demo_server.py with
the Tornado the bench runs (`--debug=false`; `--logging=warning`, so that, like chatserver's polls,
its answers write no access-log line). Its protocol:

- `GET /` renders the room and sets the `_xsrf` cookie: the bench reads it once, then sends it as
  the cookie and as the `_xsrf` form field of every POST (the demo's XSRF check compares the two);
- `POST /a/message/new` with `body=...`: a message, answered with its JSON;
- `POST /a/message/updates` with `cursor=<the last message id>`: a long poll, answered with
  `{"messages": [{"id": ..., "body": ..., "html": ...}, ...]}` as soon as there is anything after the
  cursor. The next poll's cursor is the last message's id. A message's marker appears twice in an
  answer (its body, and its html), so the crowd looks for it after `"body": "` only.

Each crowd connection first gets `GET /` (the proof that it was accepted). The demo counts nothing,
so confirm() returns None and the bench waits for it to be idle instead.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import quote

from bench.client import HTTPConnection
from bench.peers import MARKER, Transport, marked
from bench.peers.process import PeerProcess, ProcessPeer, running_peer
from bench.servers import free_port

NAME = "demo"
FOLDER = Path("/usr/share/doc/python-tornado-doc/examples/chat")
INSTALL = "apt-get install python-tornado-doc"
LAUNCHER = Path(__file__).with_name("demo_server.py")
FORM = "application/x-www-form-urlencoded"


def unavailable() -> str | None:
    """Why the demo cannot run here, or None."""
    if not (FOLDER / "chatdemo.py").is_file():
        return f"no {FOLDER}/chatdemo.py: {INSTALL}"
    return None


class Demo(ProcessPeer):
    """A started chat demo and its XSRF token."""

    name = NAME

    def __init__(self, process: PeerProcess, xsrf: str) -> None:
        super().__init__(process)
        self.xsrf = xsrf
        self.cookie = f"Cookie: _xsrf={xsrf}"

    def subscribe_args(self, transport: Transport) -> list[str]:
        if transport != "poll":
            raise ValueError("the chat demo has long polls only")
        return [
            *("--mode", "poll", "--method", "POST", "--path", "/a/message/updates"),
            *("--body", f"cursor={{cursor}}&_xsrf={quote(self.xsrf)}", "--cursor", ""),
            *("--header", f"Content-Type: {FORM}", "--header", self.cookie),
            *("--cursor-key", '{"id": "', "--marker", f'"body": "{MARKER}', "--probe", "/"),
        ]

    async def confirm(self, readers: int, transport: Transport) -> int | None:
        return None

    async def publish(self, conn: HTTPConnection, seq: int) -> bool:
        body = f"body={quote(marked(seq))}&_xsrf={quote(self.xsrf)}".encode()
        response = await conn.request("POST", "/a/message/new", body, headers=self.cookie + "\r\n", content_type=FORM)
        return response.status == 200


async def xsrf_token(port: int) -> str:
    """The `_xsrf` cookie the demo's room page sets."""
    conn = await HTTPConnection.open(port)
    try:
        response = await conn.request("GET", "/")
    finally:
        conn.close()
    cookie: SimpleCookie = SimpleCookie()
    cookie.load(response.headers.get("set-cookie", ""))
    if response.status != 200 or "_xsrf" not in cookie:
        raise RuntimeError(f"the demo's room page gave HTTP {response.status} and no _xsrf cookie")
    return cookie["_xsrf"].value


@asynccontextmanager
async def started(workdir: Path) -> AsyncIterator[Demo]:
    """A fresh chat demo pinned to CPU 0."""
    port = free_port()
    cmd = [sys.executable, str(LAUNCHER), str(FOLDER), f"--port={port}", "--debug=false", "--logging=warning"]
    process = PeerProcess(NAME, cmd, port, workdir / f"{NAME}-{port}.log", "/")
    async with running_peer(process):
        yield Demo(process, await xsrf_token(port))
