"""The compiled subscriber crowd (bench/csub/sub.c): built with cc, run pinned to CPU 1.

At 5,000 SSE readers the Python client (bench/client.py) used 53-75 % of its core, close enough to
the limit to make a fast server's figures suspect; one C process on epoll does the same reading
for a few per cent. build() compiles it into a cache folder (by default
~/.cache/chatserver-bench), once per version of the source and flags. Crowd runs it: the ready line,
then the summary, both JSON lines on its stdout; its connections close when its stdin is closed,
after the bench has read the server's CPU.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from bench.servers import GENERATOR_CPU, pin, proc_cpu, raise_nofile, runqueue_wait

SOURCE = Path(__file__).resolve().parent.parent / "csub" / "sub.c"
FLAGS = ["-O2", "-std=c99", "-Wall", "-Wextra"]
CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "chatserver-bench"
LOADGEN_LIMIT_PCT = 50  # a run whose generator passed this share of its core is flagged


def compiler() -> str | None:
    return shutil.which(os.environ.get("CC", "cc"))


def unavailable() -> str | None:
    """Why the crowd cannot be built here, or None."""
    return None if compiler() else "no C compiler for the subscriber crowd (bench/csub/sub.c): apt-get install gcc"


def build() -> Path:
    """The crowd's binary, compiled now unless this source was compiled with these flags before."""
    cc = compiler()
    if cc is None:
        raise RuntimeError(unavailable())
    digest = hashlib.sha256(SOURCE.read_bytes() + " ".join([cc, *FLAGS]).encode()).hexdigest()[:16]
    binary = CACHE / f"sub-{digest}"
    if binary.exists():
        return binary
    CACHE.mkdir(parents=True, exist_ok=True)
    partial = binary.with_suffix(f".{os.getpid()}.tmp")
    done = subprocess.run([cc, *FLAGS, "-o", str(partial), str(SOURCE)], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"building {SOURCE} failed:\n{done.stderr}")
    partial.replace(binary)  # atomic: a concurrent bench sees the whole binary or none
    return binary


def _generator_setup() -> None:
    pin(GENERATOR_CPU)
    raise_nofile()


class Crowd:
    """One running crowd of subscribers."""

    def __init__(self, proc: asyncio.subprocess.Process, log: Path) -> None:
        self.proc = proc
        self.log = log
        self.summary: dict[str, Any] | None = None

    @classmethod
    async def start(cls, binary: Path, port: int, conns: int, messages: int, args: list[str], log: Path) -> Crowd:
        """Start the crowd on CPU 1: conns connections to 127.0.0.1:port, each to receive messages."""
        command = [str(binary), "--port", str(port), "--conns", str(conns), "--messages", str(messages), *args]
        with log.open("ab") as err:
            proc = await asyncio.create_subprocess_exec(
                *command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=err,
                preexec_fn=_generator_setup,  # noqa: PLW1509 - the bench runs no threads
            )
        return cls(proc, log)

    async def _line(self, timeout: float) -> dict[str, Any]:
        assert self.proc.stdout is not None
        line = await asyncio.wait_for(self.proc.stdout.readline(), timeout)
        if not line:
            raise RuntimeError(f"the subscriber crowd exited ({self.proc.returncode}): see {self.log}")
        found: dict[str, Any] = json.loads(line)
        return found

    async def ready(self, timeout: float) -> dict[str, Any]:
        """The ready line: every connection open (or failed)."""
        return await self._line(timeout)

    async def done(self, timeout: float) -> dict[str, Any]:
        """The summary: when every connection has every message, or after timeout, what it has then."""
        assert self.proc.stdin is not None
        try:
            self.summary = await self._line(timeout)
        except TimeoutError:
            self.proc.stdin.write(b"report\n")
            await self.proc.stdin.drain()
            self.summary = await self._line(30)
        return self.summary

    def cpu(self) -> float:
        """The crowd's CPU seconds so far, from /proc."""
        return proc_cpu(self.proc.pid)

    def queued(self) -> float:
        """Seconds the crowd has waited for a CPU (other processes on CPU 1)."""
        return runqueue_wait(self.proc.pid)

    async def close(self) -> None:
        """End the crowd (its connections close with it)."""
        if self.proc.returncode is not None:
            return
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        try:
            await asyncio.wait_for(self.proc.wait(), 10)
        except TimeoutError:
            self.proc.kill()
            await self.proc.wait()
