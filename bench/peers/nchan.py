"""Nchan as a peer: nginx with Debian's Nchan module, on a configuration the bench writes.

The configuration goes into a directory of its own under the bench's temporary directory: one
worker, `daemon off`, the memory store (Nchan's default: shared memory in the worker), the error log
and pid file in that directory, listening on a loopback port only. One channel (`?id=bench`) with:

- `/pub`: `nchan_publisher`; a POST body is one message (201, or 202 with nobody subscribed);
  a GET with `Accept: text/json` says how many subscribers the channel has;
- `/sse`: `nchan_subscriber eventsource`: `id: <message id>` and `data: <body>` per message, one
  stream per reader (not chunked: the body runs until the connection closes);
- `/poll`: `nchan_subscriber longpoll`: one message per answer; the next poll resumes after it
  with the answer's `Last-Modified` and `Etag` as `If-Modified-Since` and `If-None-Match`
  (Nchan's message id);
- `/ready`: a 200 for readiness, and each polling connection's proof that it was accepted.

Both subscriber locations start at the newest message (`nchan_subscriber_first_message newest`),
so a reader waits for the next one, and the channel keeps 1,000 messages, so a poller that falls
behind loses nothing. nginx is started pinned to CPU 0: its worker inherits that. Its CPU and
memory are the master's and the worker's summed.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from bench.client import HTTPConnection
from bench.peers import Transport, marked
from bench.peers.process import PeerProcess, ProcessPeer, running_peer, wait_count
from bench.servers import free_port

NAME = "nchan"
CHANNEL = "bench"
INSTALL = "apt-get install nginx-light libnginx-mod-nchan"
MODULE_DIRS = ("/usr/lib/nginx/modules", "/usr/share/nginx/modules", "/usr/lib64/nginx/modules")
MODULE = "ngx_nchan_module.so"

CONFIG = """\
load_module {module};
daemon off;
master_process on;
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections {connections}; }}
http {{
  access_log off;
  client_body_buffer_size 64k;  # a message body never goes to a temporary file
  client_body_temp_path {dir}/body;
  proxy_temp_path {dir}/proxy;
  fastcgi_temp_path {dir}/fastcgi;
  uwsgi_temp_path {dir}/uwsgi;
  scgi_temp_path {dir}/scgi;
  server {{
    listen 127.0.0.1:{port};
    location = /ready {{ return 200 "ok\\n"; }}
    location = /pub {{
      nchan_publisher;
      nchan_channel_id $arg_id;
      nchan_message_buffer_length 1000;
    }}
    location = /sse {{
      nchan_subscriber eventsource;
      nchan_channel_id $arg_id;
      nchan_subscriber_first_message newest;
    }}
    location = /poll {{
      nchan_subscriber longpoll;
      nchan_channel_id $arg_id;
      nchan_subscriber_first_message newest;
    }}
  }}
}}
"""


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)


def module_path() -> str | None:
    return next((f"{d}/{MODULE}" for d in MODULE_DIRS if Path(d, MODULE).is_file()), None)


def unavailable() -> str | None:
    """Why Nchan cannot run here, or None."""
    if nginx_binary() is None:
        return f"no nginx: {INSTALL}"
    if module_path() is None:
        return f"no Nchan module ({MODULE}): {INSTALL}"
    return None


class Nchan(ProcessPeer):
    """A started nginx + Nchan."""

    name = NAME

    def __init__(self, process: PeerProcess, control: HTTPConnection, error_log: Path) -> None:
        super().__init__(process)
        self.control = control
        self.error_log = error_log

    def subscribe_args(self, transport: Transport) -> list[str]:
        if transport == "sse":
            return ["--mode", "sse", "--path", f"/sse?id={CHANNEL}", "--header", "Accept: text/event-stream"]
        return ["--mode", "poll", "--path", f"/poll?id={CHANNEL}", "--nchan-cursor", "--probe", "/ready"]

    async def subscribers(self) -> int:
        """The channel's subscriber count (0 while the channel does not exist)."""
        response = await self.control.request("GET", f"/pub?id={CHANNEL}", headers="Accept: text/json\r\n")
        if response.status != 200:
            return 0
        return int(json.loads(response.body)["subscribers"])

    async def confirm(self, readers: int, transport: Transport) -> int | None:
        return await wait_count(self.subscribers, readers)

    async def publish(self, conn: HTTPConnection, seq: int) -> bool:
        response = await conn.request(
            "POST", f"/pub?id={CHANNEL}", marked(seq).encode(), content_type="text/plain; charset=utf-8"
        )
        return response.status in (201, 202)

    def log_problems(self, most: int = 20) -> list[str]:
        """nginx's warnings and errors (the error log is at level warn)."""
        try:
            lines = self.error_log.read_text(errors="replace").splitlines()
        except OSError:
            return []
        return lines[:most]


@asynccontextmanager
async def started(workdir: Path, connections: int) -> AsyncIterator[Nchan]:
    """nginx + Nchan on a fresh configuration for up to connections connections, pinned to CPU 0."""
    binary, module = nginx_binary(), module_path()
    if binary is None or module is None:
        raise RuntimeError(unavailable())
    port = free_port()
    folder = workdir / f"{NAME}-{port}"
    folder.mkdir()
    config = folder / "nginx.conf"
    config.write_text(CONFIG.format(module=module, dir=folder, port=port, connections=connections + 1000))
    error_log = folder / "error.log"
    cmd = [binary, "-c", str(config), "-p", f"{folder}/", "-e", str(error_log)]
    process = PeerProcess(NAME, cmd, port, workdir / f"{NAME}-{port}.log", "/ready")
    async with running_peer(process):
        control = await HTTPConnection.open(port)
        try:
            yield Nchan(process, control, error_log)
        finally:
            control.close()
