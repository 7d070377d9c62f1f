"""The peers chatserver is measured against in the same run (issue 24), and how the bench drives each.

- chatserver.py: chatserver itself, as the other cases start it;
- nchan.py: nginx with the Nchan module (Debian's libnginx-mod-nchan), its own configuration;
- demo.py: Tornado's chat demo (Debian's python-tornado-doc), started by demo_server.py;
- floor.py: a Python `socket.send` loop (floor_server.py), the least an SSE fan-out costs in Python;
- generator.py: the compiled subscriber crowd (bench/csub/sub.c) that reads from all of them;
- process.py: a peer's process: pinned to CPU 0, its CPU and RSS from /proc.

Every peer is a Peer: what the subscriber crowd is given to follow it, how to publish one message
to it, and how it confirms that every reader is in place.
"""

from __future__ import annotations

import time
from typing import Literal, Protocol

from bench.client import HTTPConnection

Transport = Literal["sse", "poll"]
MARKER = "#M"  # what the crowd looks for: #M<seq>:<ns>, ns the sender's CLOCK_MONOTONIC


def marked(seq: int) -> str:
    """A message body that carries its index and the time it is sent (taken now: call it just
    before writing the request). The text after the marker ends its number for the crowd."""
    return f"{MARKER}{seq}:{time.monotonic_ns()} peer message {seq}"


class Peer(Protocol):
    """A started server under test."""

    name: str
    port: int

    def cpu(self) -> float:
        """CPU seconds used by the server so far (all its processes and threads)."""
        ...

    def side_cpu(self) -> dict[str, float]:
        """Helpers' CPU seconds (none for the peers; for servers.quiesce)."""
        ...

    def queued(self) -> float:
        """Seconds its threads have spent runnable but waiting for a CPU (other processes on CPU 0)."""
        ...

    def rss_kib(self) -> int:
        """Resident memory now, KiB (all its processes)."""
        ...

    def subscribe_args(self, transport: Transport) -> list[str]:
        """The crowd's options that say what to follow and how (bench/csub/sub.c's usage)."""
        ...

    async def confirm(self, readers: int, transport: Transport) -> int | None:
        """Wait until the server itself counts readers open streams or held polls (or a time
        limit passes); its count, or None for a server that counts nothing (then the bench waits
        until it is idle)."""
        ...

    async def publish(self, conn: HTTPConnection, seq: int) -> bool:
        """Send message seq (its body from marked()) on conn; whether the server took it."""
        ...
