"""Server processes under test: start, pin to CPU 0 (or not), read CPU time and memory from /proc, stop."""

from __future__ import annotations

import asyncio
import os
import resource
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol

from bench.client import HTTPConnection

SERVER_CPU = 0
GENERATOR_CPU = 1
CLK_TCK = os.sysconf("SC_CLK_TCK")
BASELINE = "baseline"
CHATSERVER = "chatserver"
KINDS = (BASELINE, CHATSERVER)
BASELINE_SCRIPT = Path(__file__).with_name("baseline_server.py")
ALL_CPUS = frozenset(os.sched_getaffinity(0))  # read at import, before the generator pins itself
HELD_POLLS = "chatserver_held_polls"


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


def unpin() -> None:
    """Let the calling process run on every CPU the bench started with (undo an inherited pin)."""
    try:
        os.sched_setaffinity(0, ALL_CPUS)
    except OSError:
        pass


def _child_setup() -> None:
    """Runs in the server child before exec: CPU 0, more open files."""
    pin(SERVER_CPU)
    raise_nofile()


def _unpinned_child_setup() -> None:
    """Runs in an unpinned server child before exec: every CPU, more open files."""
    unpin()
    raise_nofile()


def _stat_fields(pid: int) -> list[str]:
    """The fields of /proc/<pid>/stat after the command name (field 3 of proc(5) is [0])."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def proc_cpu(pid: int, reaped: bool = False) -> float:
    """utime + stime of one process (all its threads), in seconds; with reaped, plus the children it
    has waited for (cutime + cstime). 0 when the process is gone."""
    try:
        fields = _stat_fields(pid)
    except (OSError, IndexError):
        return 0.0
    ticks = int(fields[11]) + int(fields[12])  # fields 14 and 15 of proc(5)
    if reaped:
        ticks += int(fields[13]) + int(fields[14])  # fields 16 and 17
    return ticks / CLK_TCK


def _schedstat(pid: int) -> tuple[int, int, bool]:
    """Nanoseconds on a CPU and runnable but waiting for one, summed over the live threads of pid
    (/proc/<pid>/task/*/schedstat), and whether any thread had the file."""
    ran = waited = 0
    found = False
    for task in Path(f"/proc/{pid}/task").glob("*/schedstat"):
        try:
            fields = task.read_text().split()
            ran, waited, found = ran + int(fields[0]), waited + int(fields[1]), True
        except (OSError, IndexError, ValueError):
            continue
    return ran, waited, found


def task_cpu(pid: int) -> float:
    """CPU seconds of pid's live threads in nanoseconds' resolution (schedstat), where proc_cpu()
    counts 10 ms ticks; proc_cpu() where there is no schedstat. A thread that ended takes its time
    with it: the servers measured keep theirs (Tornado's loop, aiosqlite's and the executor's)."""
    ran, _, found = _schedstat(pid)
    return ran / 1e9 if found else proc_cpu(pid)


def runqueue_wait(pid: int) -> float:
    """Seconds pid's threads have spent runnable but waiting for a CPU (schedstat's second field):
    other processes on its CPU show here, not in its CPU time."""
    return _schedstat(pid)[1] / 1e9


def _live_processes() -> list[tuple[int, list[str]]]:
    """(pid, stat fields) of every process that is not a zombie."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = _stat_fields(int(entry))
        except (OSError, IndexError):
            continue  # gone meanwhile
        if fields[0] not in ("Z", "X"):
            found.append((int(entry), fields))
    return found


def descendants(pid: int) -> list[int]:
    """Every live process below pid (children, their children...), from the ppid in /proc/*/stat
    (/proc/<pid>/task/*/children is not in every kernel)."""
    by_parent: dict[int, list[int]] = {}
    for child, fields in _live_processes():
        by_parent.setdefault(int(fields[1]), []).append(child)
    found, todo = [], [pid]
    while todo:
        below = by_parent.get(todo.pop(), [])
        found += below
        todo += below
    return sorted(found)


def group_members(pgid: int) -> list[int]:
    """Every live process in process group pgid."""
    return sorted(pid for pid, fields in _live_processes() if int(fields[2]) == pgid)


def socket_owner(server_port: int, client: tuple[str, int], pids: list[int]) -> int | None:
    """Which of pids holds the server side of the TCP connection from client (address, port) to
    127.0.0.1:server_port."""
    address = socket.inet_aton(client[0])[::-1].hex().upper()  # /proc/net/tcp: little-endian hex
    local, remote = f"0100007F:{server_port:04X}", f"{address}:{client[1]:04X}"
    inode = None
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[1] == local and fields[2] == remote:
            inode = fields[9]
            break
    if inode is None:
        return None
    target = f"socket:[{inode}]"
    for pid in pids:
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue
        for fd in fds:
            try:
                if os.readlink(f"/proc/{pid}/fd/{fd}") == target:
                    return pid
            except OSError:
                continue
    return None


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


def serve_command(port: int, db: str, max_wait: float) -> list[str]:
    """`chatserver serve` on loopback as every case starts it: no rate limit, and no caps on creating
    events or joining, since setting up joins a crowd and schedules many events from a few addresses.
    The caps on connections and held polls stay at their defaults (bench/client.py spreads the
    readers over 64 loopback addresses)."""
    return [
        sys.executable, "-m", "chatserver", "serve", "--host", "127.0.0.1", "--port", str(port), "--db", db,
        "--rate-limit", "0", "--max-wait", str(max_wait), "--event-limit", "0", "--join-limit", "0",
    ]  # fmt: skip


class Measured(Protocol):
    """A server whose CPU time can be read."""

    def cpu(self) -> float:
        """CPU seconds used by the server so far (all its processes and threads)."""
        ...


class Server(Measured, Protocol):
    """What the benchmarks need of a running server, whether one process or several."""

    port: int

    def side_cpu(self) -> dict[str, float]:
        """CPU seconds used so far by helpers the server depends on (e.g. PostgreSQL), by name."""
        ...

    async def total(self, conn: HTTPConnection, name: str) -> int:
        """A /metrics gauge over all the server's processes."""
        ...


class PinnedProcess:
    """One server process: cmd started pinned to CPU 0 with its output in log_path, ready once
    GET ready_path on port answers 200."""

    def __init__(self, kind: str, cmd: list[str], port: int, log_path: Path, ready_path: str = "/metrics") -> None:
        self.kind = kind
        self.cmd = cmd
        self.port = port
        self.log_path = log_path
        self.ready_path = ready_path
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
                self.cmd,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
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
                response = await conn.fetch("GET", self.ready_path, timeout=10)
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
        return proc_cpu(self.pid)

    def side_cpu(self) -> dict[str, float]:
        """None: the server is one process with its database inside."""
        return {}

    async def total(self, conn: HTTPConnection, name: str) -> int:
        """The gauge from the one process (conn is a connection to it)."""
        return await gauge(conn, name)

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


class ServerProcess(PinnedProcess):
    """One running server (baseline or chatserver) on a free port, pinned to CPU 0."""

    def __init__(self, kind: str, workdir: Path, db: Path | str | None, max_wait: float, extra: list[str]) -> None:
        port = free_port()
        log_path = workdir / f"{kind}-{port}.log"
        if kind == BASELINE:
            cmd = [sys.executable, str(BASELINE_SCRIPT), "--port", str(port), "--max-wait", str(max_wait)]
        else:
            assert db is not None
            cmd = [*serve_command(port, str(db), max_wait), *extra]
        super().__init__(kind, cmd, port, log_path)


@asynccontextmanager
async def running(
    kind: str, workdir: Path, *, db: Path | str | None = None, max_wait: float = 60.0, extra: list[str] | None = None
) -> AsyncIterator[ServerProcess]:
    """A started server, stopped on exit whatever happens."""
    if kind == CHATSERVER and db is None:
        db = workdir / f"bench-{free_port()}.db"
    server = ServerProcess(kind, workdir, db, max_wait, extra or [])
    try:
        await server.start()
        yield server
    finally:
        await server.stop()


class ServerGroup:
    """chatserver with --processes N on a shared database (PostgreSQL), NOT pinned: every CPU.

    Started in its own session, so the supervisor (the started process, when N > 1) and its forked
    workers form one process group that stop() signals as a whole. start() returns once every worker
    has answered GET /metrics on a connection it accepted, and keeps that connection (one per worker)
    for total(). cpu() sums the started process and every live process below it.
    """

    def __init__(
        self,
        workdir: Path,
        db: str,
        processes: int,
        max_wait: float,
        extra: list[str],
        side_cpu: Callable[[], dict[str, float]] | None = None,
    ) -> None:
        self.port = free_port()
        self.processes = processes
        self.log_path = workdir / f"{CHATSERVER}-p{processes}-{self.port}.log"
        self.cmd = [
            *serve_command(self.port, db, max_wait),
            "--processes",
            str(processes),
            "--log-level",
            "warning",
            *extra,
        ]
        self._side_cpu = side_cpu
        self.proc: subprocess.Popen[bytes] | None = None
        self.workers: list[int] = []  # the pids that serve: the workers, or the started process when N == 1
        self.controls: dict[int, HTTPConnection] = {}  # worker pid -> a connection that worker accepted
        self.gauges: dict[str, dict[int, int]] = {}  # the last total() per worker, by gauge name
        self.probes = 0  # connections opened to find every worker
        self.stop_report: dict[str, object] = {}

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    async def start(self, timeout: float = 60.0) -> None:
        """Start the group and wait until every worker answers HTTP on a connection of its own."""
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(  # noqa: ASYNC220 - returns at once (fork + exec)
                self.cmd,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=_unpinned_child_setup,
                start_new_session=True,  # noqa: PLW1509
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and len(self.controls) < self.processes:
            if self.proc.poll() is not None:
                raise RuntimeError(f"chatserver exited with {self.proc.returncode} on start:\n{self.log_tail()}")
            self.workers = [self.pid] if self.processes == 1 else descendants(self.pid)
            if len(self.workers) < self.processes:
                await asyncio.sleep(0.05)
                continue
            await self._probe()
        if len(self.controls) < self.processes:
            raise TimeoutError(
                f"{len(self.controls)} of {self.processes} chatserver processes answered within "
                f"{timeout:.0f} s ({self.probes} connections tried):\n{self.log_tail()}"
            )

    async def _probe(self) -> None:
        """One new connection and GET /metrics; keep it as a control if a worker without one accepted it."""
        self.probes += 1
        try:
            conn = await HTTPConnection.open(self.port, timeout=2)
        except OSError:
            await asyncio.sleep(0.05)
            return
        try:
            response = await conn.fetch("GET", "/metrics", timeout=10)
        except (ConnectionError, TimeoutError):
            conn.close()
            await asyncio.sleep(0.05)
            return
        assert conn.transport is not None
        owner = socket_owner(self.port, conn.transport.get_extra_info("sockname")[:2], self.workers)
        if response.status == 200 and owner is not None and owner not in self.controls:
            self.controls[owner] = conn
            return
        conn.close()
        await asyncio.sleep(0.01)

    def cpu(self) -> float:
        """utime + stime of the supervisor and every live process below it, in seconds."""
        return sum(proc_cpu(pid) for pid in [self.pid, *descendants(self.pid)])

    def side_cpu(self) -> dict[str, float]:
        """The helpers' CPU, from the callable given at construction."""
        return self._side_cpu() if self._side_cpu is not None else {}

    async def total(self, conn: HTTPConnection, name: str) -> int:
        """The gauge summed over every worker, each read on its own control connection (conn is not used)."""
        values = {pid: await gauge(control, name) for pid, control in self.controls.items()}
        self.gauges[name] = values
        return sum(values.values())

    async def stop(self, timeout: float = 20.0) -> None:
        """SIGTERM to the whole group (supervisor and workers), SIGKILL to whatever is left after
        timeout seconds; stop_report says how it went and lists any process still there after that."""
        for control in self.controls.values():
            control.close()
        if self.proc is None:
            return
        started = time.monotonic()
        members = group_members(self.pid)
        killed = False
        if members:
            _signal_group(self.pid, signal.SIGTERM)
            while group_members(self.pid) and time.monotonic() - started < timeout:
                await asyncio.sleep(0.05)
            if group_members(self.pid):
                killed = True
                _signal_group(self.pid, signal.SIGKILL)
                deadline = time.monotonic() + 5
                while group_members(self.pid) and time.monotonic() < deadline:
                    await asyncio.sleep(0.05)
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(5)
        self.stop_report = {
            "members_at_stop": members,
            "stop_s": time.monotonic() - started,
            "needed_sigkill": killed,
            "left_behind": group_members(self.pid),
            "supervisor_exit": self.proc.returncode,
        }

    def log_tail(self, lines: int = 20) -> str:
        """The last lines of the group's log."""
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def _signal_group(pgid: int, sig: int) -> None:
    """Send sig to process group pgid, if it still has members."""
    try:
        os.killpg(pgid, sig)
    except ProcessLookupError:
        pass


@asynccontextmanager
async def running_group(
    workdir: Path,
    db: str,
    processes: int,
    *,
    max_wait: float = 60.0,
    extra: list[str] | None = None,
    side_cpu: Callable[[], dict[str, float]] | None = None,
) -> AsyncIterator[ServerGroup]:
    """A started ServerGroup, stopped on exit whatever happens."""
    server = ServerGroup(workdir, db, processes, max_wait, extra or [], side_cpu)
    try:
        await server.start()
        yield server
    finally:
        await server.stop()


async def quiesce(server: Measured, idle_for: float = 0.3, timeout: float = 30.0) -> None:
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
    return await gauge(conn, HELD_POLLS)


async def wait_held(conn: HTTPConnection, count: int, timeout: float, server: Server | None = None) -> int:
    """Wait until at least count polls are held (or timeout); return the last count seen. With server,
    its total over all its processes; else the gauge of the process conn is connected to."""

    async def held() -> int:
        return await (server.total(conn, HELD_POLLS) if server is not None else held_polls(conn))

    deadline = time.monotonic() + timeout
    seen = await held()
    while seen < count and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
        seen = await held()
    return seen
