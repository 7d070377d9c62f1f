"""Server processes under test: start, pin to CPU 0, read CPU time and memory from /proc, stop."""

from __future__ import annotations

import asyncio
import os
import resource
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.client import HTTPConnection

SERVER_CPU = 0
GENERATOR_CPU = 1
CLK_TCK = os.sysconf("SC_CLK_TCK")
BASELINE = "baseline"
CHATSERVER = "chatserver"
KINDS = (BASELINE, CHATSERVER)
BASELINE_SCRIPT = Path(__file__).with_name("baseline_server.py")


def raise_nofile() -> None:
    """Raise the open-files soft limit to the hard limit."""
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def pin(cpu: int) -> bool:
    """Pin the calling process to one CPU, when the machine has it."""
    if (os.cpu_count() or 1) <= cpu:
        return False
    try:
        os.sched_setaffinity(0, {cpu})
    except OSError:
        return False
    return True


def _child_setup() -> None:
    """Runs in the server child before exec: CPU 0, more open files."""
    pin(SERVER_CPU)
    raise_nofile()


def free_port() -> int:
    """A port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rfc3339(moment: datetime) -> str:
    """UTC, milliseconds, Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def event_window(hours: float = 2.0) -> tuple[str, str]:
    """starts_at = now, ends_at = now + hours: an event that is open at once."""
    now = datetime.now(UTC)
    return rfc3339(now), rfc3339(now + timedelta(hours=hours))


def self_cpu() -> float:
    """CPU seconds used by this (the generator) process so far."""
    times = os.times()
    return times.user + times.system


class ServerProcess:
    """One running server (baseline or chatserver) on a free port, pinned to CPU 0."""

    def __init__(self, kind: str, workdir: Path, db: Path | None, max_wait: float, extra: list[str]) -> None:
        self.kind = kind
        self.port = free_port()
        self.log_path = workdir / f"{kind}-{self.port}.log"
        if kind == BASELINE:
            self.cmd = [sys.executable, str(BASELINE_SCRIPT), "--port", str(self.port), "--max-wait", str(max_wait)]
        else:
            assert db is not None
            self.cmd = [sys.executable, "-m", "chatserver", "serve", "--host", "127.0.0.1", "--port", str(self.port),
                        "--db", str(db), "--rate-limit", "0", "--max-wait", str(max_wait),
                        # Every client is 127.0.0.1 here: the per-address limits would measure themselves.
                        "--event-limit", "0", "--join-limit", "0", "--max-held-per-client", "0", *extra]
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    async def start(self, timeout: float = 30.0) -> None:
        """Start the process and wait until it answers HTTP."""
        with self.log_path.open("ab") as log:
            # Popen returns at once (fork + exec). preexec_fn is safe here: the generator runs no threads.
            self.proc = subprocess.Popen(  # noqa: ASYNC220
                self.cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                preexec_fn=_child_setup,  # noqa: PLW1509
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.kind} exited with {self.proc.returncode} on start:\n{self.log_tail()}")
            try:
                conn = await HTTPConnection.open(self.port, timeout=2)
            except OSError:
                await asyncio.sleep(0.05)
                continue
            try:
                response = await conn.fetch("GET", "/metrics", timeout=10)
            finally:
                conn.close()
            if response.status == 200:
                return
            await asyncio.sleep(0.05)
        raise TimeoutError(f"{self.kind} did not answer within {timeout:.0f} s:\n{self.log_tail()}")

    async def stop(self, timeout: float = 20.0) -> None:
        """SIGTERM, then SIGKILL if it is still running after timeout seconds."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)

    def cpu(self) -> float:
        """utime + stime of the server (all its threads), in seconds."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK  # fields 14 and 15 of proc(5)

    def _status_kib(self, key: str) -> int:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
        raise KeyError(key)

    def rss_kib(self) -> int:
        """Resident set size now (VmRSS), KiB."""
        return self._status_kib("VmRSS")

    def hwm_kib(self) -> int:
        """Peak resident set size (VmHWM), KiB."""
        return self._status_kib("VmHWM")

    def reset_hwm(self) -> bool:
        """Reset VmHWM to the current RSS (Linux clear_refs 5); False where not allowed."""
        try:
            Path(f"/proc/{self.pid}/clear_refs").write_text("5")
        except OSError:
            return False
        return True

    def log_tail(self, lines: int = 20) -> str:
        """The last lines of the server's log."""
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


@asynccontextmanager
async def running(kind: str, workdir: Path, *, db: Path | None = None, max_wait: float = 60.0,
                  extra: list[str] | None = None) -> AsyncIterator[ServerProcess]:
    """A started server, stopped on exit whatever happens."""
    if kind == CHATSERVER and db is None:
        db = workdir / f"bench-{free_port()}.db"
    server = ServerProcess(kind, workdir, db, max_wait, extra or [])
    try:
        await server.start()
        yield server
    finally:
        await server.stop()


async def quiesce(server: ServerProcess, idle_for: float = 0.3, timeout: float = 30.0) -> None:
    """Wait until the server has used no CPU for idle_for seconds (setup work finished)."""
    deadline = time.monotonic() + timeout
    last = server.cpu()
    while time.monotonic() < deadline:
        await asyncio.sleep(idle_for)
        now = server.cpu()
        if now - last < 0.5 / CLK_TCK:
            return
        last = now


async def gauge(conn: HTTPConnection, name: str) -> int:
    """One gauge from the server's /metrics."""
    response = await conn.fetch("GET", "/metrics", timeout=30)
    for line in response.body.decode().splitlines():
        if line.startswith(name + " "):
            return int(float(line.split()[1]))
    raise RuntimeError(f"no {name} in /metrics")


async def held_polls(conn: HTTPConnection) -> int:
    """The server's chatserver_held_polls gauge."""
    return await gauge(conn, "chatserver_held_polls")


async def wait_held(conn: HTTPConnection, count: int, timeout: float) -> int:
    """Wait until at least count polls are held (or timeout); return the last count seen."""
    deadline = time.monotonic() + timeout
    seen = await held_polls(conn)
    while seen < count and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
        seen = await held_polls(conn)
    return seen
