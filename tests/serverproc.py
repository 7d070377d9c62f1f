"""Running chatserver as a real process, the way a user starts it."""

from __future__ import annotations

import json
import os
import re
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ServerProcess:
    """`python -m chatserver serve` on a free port; a context manager that always kills it."""

    def __init__(self, db: Path | str, *extra: str, port: int | None = None, nofile: int | None = None) -> None:
        """nofile: start it under that limit on open files (soft and hard, as `ulimit -n` sets)."""
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"

        def limit_files() -> None:
            if nofile is not None:
                resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))

        self.proc = subprocess.Popen(
            [sys.executable, "-m", "chatserver", "serve", "--port", str(self.port), "--db", str(db), *extra],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            preexec_fn=limit_files,
        )
        deadline = time.monotonic() + 15
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.proc.stdout.read().decode()}")  # type: ignore[union-attr]
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                if time.monotonic() > deadline:
                    self.proc.kill()
                    raise RuntimeError("server did not start within 15 s") from None
                time.sleep(0.05)

    def request(
        self, method: str, path: str, body: Any = None, token: str | None = None, timeout: float = 10
    ) -> tuple[int, Any]:
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = json.dumps(body).encode() if body is not None else (b"" if method == "POST" else None)
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                return resp.status, json.loads(resp.read() or b"null")
        except urllib.error.HTTPError as err:
            return err.code, json.loads(err.read() or b"null")

    def drain_output(self) -> list[str]:
        """Keep reading the server's output in a thread, so that its log can never fill the pipe and
        stall it (a busy test writes thousands of access-log lines); return the lines, as they come."""
        lines: list[str] = []

        def read() -> None:
            assert self.proc.stdout is not None
            try:
                for line in self.proc.stdout:
                    lines.append(line.decode(errors="replace").rstrip())
            except (ValueError, OSError):
                pass  # the pipe was closed under us: the process was stopped, there is no more to read

        threading.Thread(target=read, daemon=True).start()
        return lines

    def rss_mib(self) -> float:
        """The server's resident memory now."""
        match = re.search(r"^VmRSS:\s+(\d+)", Path(f"/proc/{self.proc.pid}/status").read_text(), re.MULTILINE)
        assert match
        return int(match.group(1)) / 1024

    def cpu_seconds(self) -> float:
        """CPU time the server has used (user and system), from /proc/<pid>/stat."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def open_files(self) -> int:
        return len(os.listdir(f"/proc/{self.proc.pid}/fd"))

    def stop(self, timeout: float = 15) -> int:
        """Stop it as an operator would (SIGTERM: a graceful stop) and return its exit status."""
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=timeout)

    def __enter__(self) -> ServerProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=10)
        if self.proc.stdout:
            self.proc.stdout.close()
