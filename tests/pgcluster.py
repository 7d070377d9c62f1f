"""A throwaway PostgreSQL server for tests: initdb in a temporary directory, pg_ctl start, stop.

Tuned for speed, not durability (fsync, synchronous_commit and full_page_writes off). Clients reach
it over TCP on 127.0.0.1 with trust authentication as the superuser `chatserver`; every test that
wants a database asks for a brand-new empty one with `new_database()`.

PostgreSQL refuses to run as root, so under euid 0 initdb, pg_ctl and the server run as the
`postgres` system user (created by Debian's package) and the directory is handed over to it.
"""

from __future__ import annotations

import atexit
import glob
import itertools
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Self

SUPERUSER = "chatserver"
RUN_AS = "postgres"  # the unprivileged account used when we are root
DIR_PREFIX = "chatserver-pg-"
SERVER_BINARIES = ("initdb", "pg_ctl", "postgres", "psql")
SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "max_connections": "200",  # tests open pools from several processes at once
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "shared_buffers": "32MB",
    "max_wal_size": "1GB",  # no checkpoints forced by WAL volume during a run
    "dynamic_shared_memory_type": "mmap",  # /dev/shm is tiny in many containers
    "log_min_messages": "warning",
    "log_timezone": "'UTC'",
    "timezone": "'UTC'",
    "jit": "off",
}


class PostgresError(RuntimeError):
    """The cluster could not be created, started, or asked something."""


def _has_server(bindir: Path) -> bool:
    return all(os.access(bindir / name, os.X_OK) for name in SERVER_BINARIES)


def find_postgres_bin() -> Path | None:
    """The directory of a complete PostgreSQL server install (initdb, pg_ctl, postgres, psql), or None."""
    candidates: list[Path] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        try:
            out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False, timeout=10)
            if out.returncode == 0 and out.stdout.strip():
                candidates.append(Path(out.stdout.strip()))
        except (OSError, subprocess.TimeoutExpired):
            pass

    def version(path: str) -> tuple[int, ...]:
        return tuple(int(part) for part in re.findall(r"\d+", Path(path).parent.name))

    # Debian: /usr/lib/postgresql/<major>/bin, newest first.
    candidates += [Path(p) for p in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=version, reverse=True)]
    initdb = shutil.which("initdb")
    if initdb:
        candidates += [Path(initdb).parent, Path(initdb).resolve().parent]
    for bindir in candidates:
        if _has_server(bindir):
            return bindir
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class PostgresCluster:
    """One PostgreSQL server in its own temporary directory; `stop()` (also run at exit) removes it."""

    def __init__(self, bindir: Path | None = None, base_dir: str | None = None, start_timeout: float = 60) -> None:
        found = bindir or find_postgres_bin()
        if found is None:
            raise PostgresError("PostgreSQL server binaries not found (Debian package postgresql)")
        self.bindir = found
        self._as_user = self._drop_privileges_prefix()
        self._counter = itertools.count(1)
        self._lock = threading.Lock()
        self._stopped = False
        self._owner = os.getpid()  # a forked child must not stop its parent's server at its exit
        base = base_dir or self._temp_base()
        _sweep_orphans(base, self.bindir, self._as_user)
        self.dir = Path(tempfile.mkdtemp(prefix=DIR_PREFIX, dir=base))
        atexit.register(self.stop)
        self._watchdog = self._start_watchdog()
        try:
            self.data = self.dir / "data"
            self.socket_dir = self.dir / "socket"
            self.log = self.dir / "server.log"
            self.socket_dir.mkdir()
            (self.dir / "owner.pid").write_text(f"{os.getpid()}\n")
            if self._as_user:
                user = pwd.getpwnam(RUN_AS)
                for path in (self.dir, self.socket_dir):
                    os.chown(path, user.pw_uid, user.pw_gid)
            self._initdb()
            self.port = self._start(start_timeout)
        except BaseException:
            self.stop()
            raise

    # -- the public API -----------------------------------------------------------------------------

    def dsn(self, name: str = "postgres") -> str:
        """The DSN of database `name` on this server, as the superuser."""
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{name}"

    def new_database(self) -> str:
        """Create a brand-new empty database (from template0) and return its DSN."""
        with self._lock:
            name = f"test_{next(self._counter)}"
        self.psql(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'")
        return self.dsn(name)

    def psql(self, sql: str, database: str = "postgres") -> str:
        """Run SQL with psql (stops on the first error) and return what it printed, unaligned."""
        cmd = [
            str(self.bindir / "psql"),
            "-X",
            "-q",
            "-A",
            "-t",
            "-v",
            "ON_ERROR_STOP=1",
            "-d",
            self.dsn(database),
            "-c",
            sql,
        ]
        try:
            out = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=60, env=self._env())
        except subprocess.TimeoutExpired as err:
            raise PostgresError(f"psql timed out on {sql!r}{self._log_tail()}") from err
        if out.returncode != 0:
            raise PostgresError(f"psql failed on {sql!r}: {out.stderr.strip()}{self._log_tail()}")
        return out.stdout

    def halt(self) -> None:
        """An outage: stop the server but keep its data; resume() brings it back on the same port."""
        _stop_server(self.bindir, self.data, self._as_user)

    def resume(self, timeout: float = 60) -> None:
        self._run(
            [
                str(self.bindir / "pg_ctl"),
                "-D",
                str(self.data),
                "-l",
                str(self.log),
                "-w",
                "-t",
                str(int(timeout)),
                "start",
            ],
            "pg_ctl start",
            timeout=timeout + 10,
        )

    def stop(self) -> None:
        """Stop the server (fast, then immediate, then SIGKILL) and remove the directory; idempotent."""
        with self._lock:
            if self._stopped or os.getpid() != self._owner:
                return
            self._stopped = True
        try:
            if (self.dir / "data" / "postmaster.pid").exists():
                _stop_server(self.bindir, self.dir / "data", self._as_user)
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)
            atexit.unregister(self.stop)
            self._stop_watchdog()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()

    # -- the watchdog ------------------------------------------------------------------------------

    def _start_watchdog(self) -> subprocess.Popen[bytes] | None:
        """A process that stops the server if we die without stop() (SIGTERM, SIGKILL): it waits for
        EOF on a pipe only we hold. Its own session, so a Ctrl-C to our process group spares it."""
        try:
            return subprocess.Popen(
                [sys.executable, __file__, "watch", str(self.bindir), str(self.dir), *self._as_user],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
                cwd="/",
            )
        except OSError:
            return None  # the sweep at the next start still cleans up after a killed session

    def _stop_watchdog(self) -> None:
        if self._watchdog is None:
            return
        self._watchdog.stdin.close()  # type: ignore[union-attr]  # EOF: nothing left for it to stop
        try:
            self._watchdog.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._watchdog.kill()
            self._watchdog.wait()

    # -- start-up ----------------------------------------------------------------------------------

    @staticmethod
    def _drop_privileges_prefix() -> list[str]:
        if os.geteuid() != 0:
            return []
        try:
            pwd.getpwnam(RUN_AS)
        except KeyError:
            raise PostgresError(
                f"running as root and there is no {RUN_AS!r} user to run PostgreSQL as "
                "(Debian's postgresql package creates it)"
            ) from None
        return _as_user_prefix()

    def _temp_base(self) -> str:
        """The temporary directory, if the `postgres` user can reach it; else /tmp."""
        base = tempfile.gettempdir()
        if not self._as_user:
            return base
        path = Path(base).resolve()
        for part in (path, *path.parents):
            if not part.stat().st_mode & 0o001:  # not traversable by others
                return "/tmp"
        return base

    def _env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env.update(LC_ALL="C", LANG="C", TZ="UTC")
        return env

    def _run(self, args: list[str], what: str, timeout: float) -> subprocess.CompletedProcess[str]:
        try:
            out = subprocess.run(
                [*self._as_user, *args],
                capture_output=True,
                text=True,
                check=False,
                timeout=timeout,
                cwd=self.dir,
                env=self._env(),
            )
        except subprocess.TimeoutExpired as err:
            raise PostgresError(f"{what} did not finish within {timeout:.0f} s{self._log_tail()}") from err
        if out.returncode != 0:
            raise PostgresError(f"{what} failed (exit {out.returncode}): {out.stdout}{out.stderr}{self._log_tail()}")
        return out

    def _initdb(self) -> None:
        self._run(
            [
                str(self.bindir / "initdb"),
                "-D",
                str(self.data),
                "-U",
                SUPERUSER,
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ],
            "initdb",
            timeout=120,
        )
        # Our settings go last in postgresql.conf, so they win over initdb's.
        lines = [f"{key} = {value}" for key, value in SETTINGS.items()]
        lines.append(f"unix_socket_directories = '{self.socket_dir}'")
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write("\n# tests/pgcluster.py\n" + "\n".join(lines) + "\n")

    def _start(self, timeout: float) -> int:
        """Start on a free port; another process may take the port first, so a few tries."""
        for attempt in range(5):
            port = _free_port()
            self._set_port(port)
            try:
                self._run(
                    [
                        str(self.bindir / "pg_ctl"),
                        "-D",
                        str(self.data),
                        "-l",
                        str(self.log),
                        "-w",
                        "-t",
                        str(int(timeout)),
                        "start",
                    ],
                    "pg_ctl start",
                    timeout=timeout + 10,
                )
                return port
            except PostgresError:
                _stop_server(self.bindir, self.data, self._as_user)  # in case it came up after all
                if attempt < 4 and "could not bind" in self._log_text():
                    continue
                raise
        raise AssertionError("unreachable")

    def _set_port(self, port: int) -> None:
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write(f"port = {port}\n")

    def _log_text(self) -> str:
        try:
            return self.log.read_text(errors="replace")
        except OSError:
            return ""

    def _log_tail(self, lines: int = 30) -> str:
        tail = self._log_text().splitlines()[-lines:]
        return ("\n--- server log (tail) ---\n" + "\n".join(tail)) if tail else ""


def _as_user_prefix() -> list[str]:
    if shutil.which("runuser"):
        return ["runuser", "-u", RUN_AS, "--"]
    if shutil.which("setpriv"):
        return ["setpriv", f"--reuid={RUN_AS}", f"--regid={RUN_AS}", "--init-groups", "--"]
    raise PostgresError("running as root, and neither runuser nor setpriv is there to drop to the postgres user")


def _stop_server(bindir: Path, data: Path, as_user: list[str]) -> None:
    """pg_ctl stop -m fast, then -m immediate, then SIGKILL the postmaster: never leave it running."""
    for mode in ("fast", "immediate"):
        try:
            out = subprocess.run(
                [*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-m", mode, "-w", "-t", "20", "stop"],
                capture_output=True,
                text=True,
                check=False,
                timeout=30,
                cwd="/",
            )
            if out.returncode == 0 or not (data / "postmaster.pid").exists():
                return
        except (OSError, subprocess.TimeoutExpired):
            pass
    try:
        pid = int((data / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        return
    deadline = time.monotonic() + 10
    while _pid_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)


def _sweep_orphans(base: str, bindir: Path, as_user: list[str]) -> None:
    """Stop and remove clusters left by earlier sessions that were killed before they could clean up."""
    for path in Path(base).glob(DIR_PREFIX + "*"):
        try:
            owner = int((path / "owner.pid").read_text())
        except (OSError, ValueError):
            continue  # not ours, or still being set up
        if _pid_alive(owner):
            continue
        if (path / "data" / "postmaster.pid").exists():
            _stop_server(bindir, path / "data", as_user)
        shutil.rmtree(path, ignore_errors=True)


def _watch(bindir: str, directory: str, as_user: list[str]) -> None:
    """The watchdog: block until the owner closes the pipe or dies, then make sure all is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sys.stdin.buffer.read()
    path = Path(directory)
    if (path / "data" / "postmaster.pid").exists():
        _stop_server(Path(bindir), path / "data", as_user)
    shutil.rmtree(path, ignore_errors=True)


if __name__ == "__main__" and len(sys.argv) >= 4 and sys.argv[1] == "watch":
    _watch(sys.argv[2], sys.argv[3], sys.argv[4:])
