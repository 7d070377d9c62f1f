"""A peer server process: started pinned to CPU 0, ready when it answers HTTP, measured from /proc.

Unlike chatserver and the baseline, a peer may be several processes (nginx: a master and its
worker): cpu(), queued() and rss_kib() sum the started process and every live process below it.
CPU comes from each thread's /proc/<pid>/task/<tid>/schedstat, in nanoseconds (servers.task_cpu):
Nchan spends about 100 ms in a run, and /proc/<pid>/stat counts in 10 ms ticks.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from bench.servers import PinnedProcess, descendants, runqueue_wait, task_cpu


def status_kib(pid: int, key: str) -> int:
    """One KiB figure of /proc/<pid>/status (VmRSS, VmHWM...); 0 when the process is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class PeerProcess(PinnedProcess):
    """A peer's process (and those it starts), named kind, logging to log_path."""

    def pids(self) -> list[int]:
        """The started process and every live process below it (nginx: the master and its worker)."""
        return [self.pid, *descendants(self.pid)]

    async def stop(self, timeout: float = 20.0) -> None:
        """As PinnedProcess.stop (nginx takes SIGTERM as a fast shutdown and waits for its worker),
        then SIGKILL to any process the started one left behind."""
        children = descendants(self.pid) if self.proc is not None and self.proc.poll() is None else []
        await super().stop(timeout)
        for pid in children:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def cpu(self) -> float:
        """CPU seconds of every process of the peer (task_cpu)."""
        return sum(task_cpu(pid) for pid in self.pids())

    def queued(self) -> float:
        """Seconds the peer's threads waited for a CPU (runqueue_wait)."""
        return sum(runqueue_wait(pid) for pid in self.pids())

    def rss_kib(self) -> int:
        """VmRSS summed over the peer's processes, KiB."""
        return sum(status_kib(pid, "VmRSS") for pid in self.pids())


class ProcessPeer:
    """What every peer but chatserver shares: its process, measured as PeerProcess measures it."""

    name = ""

    def __init__(self, process: PeerProcess) -> None:
        self.process = process
        self.port = process.port

    def cpu(self) -> float:
        return self.process.cpu()

    def side_cpu(self) -> dict[str, float]:
        return {}

    def queued(self) -> float:
        return self.process.queued()

    def rss_kib(self) -> int:
        return self.process.rss_kib()


@asynccontextmanager
async def running_peer(process: PeerProcess) -> AsyncIterator[PeerProcess]:
    """The process started, and stopped on exit whatever happens."""
    try:
        await process.start()
        yield process
    finally:
        await process.stop()


async def wait_count(read: Callable[[], Awaitable[int]], count: int, timeout: float = 60.0) -> int:
    """Read a server's count until it reaches count or timeout passes; the last value read."""
    deadline = time.monotonic() + timeout
    seen = await read()
    while seen < count and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
        seen = await read()
    return seen
