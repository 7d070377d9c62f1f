"""A burst of 10,000 clients that connect and drop leaves no held poll, descriptor or memory behind."""

from __future__ import annotations

import asyncio
import json
import os
import re
import resource
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import iso_in
from tests.serverproc import ServerProcess

CLIENTS = 10_000
WARM_UP = 1_000
# At most this many connected at once (fewer if the descriptor limit is lower).
WAVE = 1_000
# Connections are opened in batches, each once the server's accept queue is short: Tornado
# listens with a backlog of 128, and a handshake dropped on a full queue is retried only after a
# second, which would make the burst a test of the kernel's retry timer.
BATCH = 32
QUEUE_BELOW = 64
# A leak of 1 KiB per connection would be ~10 MiB over the burst.
RSS_GROWTH_LIMIT_KIB = 8 * 1024
SETTLE_S = 5.0
KINDS = ("close", "half", "poll")  # connect and close; half a request line; a held long poll


@pytest.fixture
def nofile() -> Iterator[int]:
    """Raise this process's descriptor limit to the hard limit (the server, a child, inherits it)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    try:
        yield hard if hard != resource.RLIM_INFINITY else 1 << 20
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def proc_status(pid: int, field: str) -> int:
    """A number from /proc/<pid>/status, e.g. VmRSS in KiB."""
    match = re.search(rf"^{field}:\s+(\d+)", Path(f"/proc/{pid}/status").read_text(), re.MULTILINE)
    assert match, field
    return int(match.group(1))


def open_files_limit(pid: int) -> int:
    """The soft RLIMIT_NOFILE of another process, from /proc/<pid>/limits."""
    match = re.search(r"^Max open files\s+(\d+)", Path(f"/proc/{pid}/limits").read_text(), re.MULTILINE)
    assert match
    return int(match.group(1))


def fd_count(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


async def http(
    port: int, method: str, path: str, body: Any = None, token: str | None = None, timeout: float = 10
) -> tuple[int, bytes]:
    """One request on its own connection (Connection: close); the status and the raw body."""
    data = json.dumps(body).encode() if body is not None else b""
    head = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close", f"Content-Length: {len(data)}"]
    if body is not None:
        head.append("Content-Type: application/json")
    if token is not None:
        head.append(f"Authorization: Bearer {token}")
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + data)
        response = await asyncio.wait_for(reader.read(), timeout)
    finally:
        writer.close()
    status_line, _, rest = response.partition(b"\r\n")
    return int(status_line.split()[1]), rest.partition(b"\r\n\r\n")[2]


async def api(
    port: int, method: str, path: str, body: Any = None, token: str | None = None, timeout: float = 10
) -> tuple[int, Any]:
    status, raw = await http(port, method, path, body, token, timeout)
    return status, json.loads(raw)


async def held_polls(port: int) -> int:
    status, text = await http(port, "GET", "/metrics")
    assert status == 200
    match = re.search(rb"^chatserver_held_polls (\d+)$", text, re.MULTILINE)
    assert match, text
    return int(match.group(1))


async def until(
    check: Callable[[], Awaitable[bool]], what: str, deadline_s: float = SETTLE_S, interval: float = 0.05
) -> None:
    """Await check() until it is true; fail naming `what` after deadline_s."""
    deadline = time.monotonic() + deadline_s
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not within {deadline_s} s")
        await asyncio.sleep(interval)


def accept_queue(port: int) -> int:
    """Connections waiting in the listening socket's accept queue (rx_queue of a LISTEN line)."""
    local = f"0100007F:{port:04X}"
    with open("/proc/net/tcp") as table:
        next(table)
        for line in table:  # listening sockets come first, so this stops early
            fields = line.split()
            if fields[1] == local and fields[3] == "0A":
                return int(fields[4].split(":")[1], 16)
    raise AssertionError(f"nothing listens on port {port}")


async def wave(port: int, slug: str, newest: int, size: int, first: int) -> None:
    """`size` clients at once, of every kind in turn; the held ones drop once all their polls are held."""
    drop = asyncio.Event()
    poll = (f"GET /api/events/{slug}/messages?after={newest}&wait=30 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").encode()
    half = f"GET /api/events/{slug}/messa".encode()

    async def client(n: int, writer: asyncio.StreamWriter) -> None:
        kind = KINDS[n % len(KINDS)]
        if kind != "close":
            writer.write(poll if kind == "poll" else half)
            await writer.drain()
            await drop.wait()
        # Half leave with a FIN, half with a RST: the server must notice both.
        if (n // len(KINDS)) % 2:
            writer.transport.abort()
        else:
            writer.close()

    async def queue_short() -> bool:
        return accept_queue(port) < QUEUE_BELOW

    polls = sum(1 for n in range(first, first + size) if KINDS[n % len(KINDS)] == "poll")

    async def all_held() -> bool:
        return await held_polls(port) >= polls

    clients: list[asyncio.Task[None]] = []
    try:
        for start in range(first, first + size, BATCH):
            await until(queue_short, "the accept queue drained", 10, interval=0.005)
            batch = range(start, min(start + BATCH, first + size))
            connections = await asyncio.gather(*(asyncio.open_connection("127.0.0.1", port) for _ in batch))
            clients += [
                asyncio.create_task(client(n, writer)) for n, (_, writer) in zip(batch, connections, strict=True)
            ]
        await until(all_held, f"{polls} long polls held", 10)
    finally:
        drop.set()
        await asyncio.gather(*clients)


def test_ten_thousand_dropped_connections_leave_nothing_behind(tmp_path: Path, nofile: int) -> None:
    with ServerProcess(tmp_path / "chat.db", "--log-level", "warning") as server:
        log = server.drain_output()
        pid = server.proc.pid
        # Each side needs a descriptor per connection of a wave, plus its own few dozen.
        size = min(WAVE, nofile - 200, open_files_limit(pid) - 200)
        assert size >= 100, f"descriptor limits too low: ours {nofile}, the server's {open_files_limit(pid)}"

        async def run() -> None:
            status, created = await api(
                server.port,
                "POST",
                "/api/events",
                {"title": "Burst", "starts_at": iso_in(-60), "ends_at": iso_in(3600)},
            )
            assert status == 201, created
            slug = created["event"]["slug"]
            status, page = await api(server.port, "GET", f"/api/events/{slug}/messages?after=0")
            newest = page["cursor"]

            async def no_held_polls() -> bool:
                return await held_polls(server.port) == 0

            async def connections_closed() -> bool:
                return fd_count(pid) <= fds_before

            async def settled(after: str) -> None:
                # A dropped long poll is released as soon as the server sees the connection close.
                await until(no_held_polls, f"chatserver_held_polls back to 0 after {after}")
                await until(connections_closed, f"the server's descriptors back to {fds_before} after {after}")

            fds_before = fd_count(pid)
            started = time.monotonic()
            done = 0
            while done < WARM_UP:
                await wave(server.port, slug, newest, min(size, WARM_UP - done), done)
                done += size
            await settled("the warm-up")
            rss_warm = proc_status(pid, "VmRSS")

            done = 0
            while done < CLIENTS:
                await wave(server.port, slug, newest, min(size, CLIENTS - done), done)
                done += size
            await settled("the burst")
            rss_after = proc_status(pid, "VmRSS")
            print(
                f"\n{CLIENTS} connect-and-drop cycles in waves of {size} in {time.monotonic() - started:.1f} s; "
                f"server RSS {rss_warm} KiB after the warm-up of {WARM_UP}, {rss_after} KiB after "
                f"({rss_after - rss_warm:+d} KiB); {fd_count(pid)} descriptors open (was {fds_before})"
            )
            assert rss_after - rss_warm < RSS_GROWTH_LIMIT_KIB, "the server's memory grew with dropped connections"

            # The server still works: a held poll is woken by a post and gets it.
            status, joined = await api(server.port, "POST", f"/api/events/{slug}/participants", {"nickname": "after"})
            assert status == 201, joined
            status, page = await api(server.port, "GET", f"/api/events/{slug}/messages?after={newest}")
            waiting = asyncio.ensure_future(
                api(server.port, "GET", f"/api/events/{slug}/messages?after={page['cursor']}&wait=10")
            )

            async def one_held() -> bool:
                return await held_polls(server.port) == 1

            await until(one_held, "the new long poll held")
            status, posted = await api(
                server.port,
                "POST",
                f"/api/events/{slug}/messages",
                {"body": "still here", "client_id": "c1"},
                token=joined["token"],
            )
            assert status == 201, posted
            status, page = await asyncio.wait_for(waiting, 5)
            assert status == 200, page
            assert [m["id"] for m in page["messages"]] == [posted["message"]["id"]]
            assert page["messages"][0]["body"] == "still here"

        try:
            asyncio.run(run())
        finally:
            print("--- server log ---", *log[-50:], sep="\n")
