"""Fan-out on PostgreSQL: fanout.py's long-poll fan-out against chatserver --processes 1, then 2.

Both runs share one throwaway PostgreSQL server (tests/pgcluster.py), each on a new database of its
own. Neither the servers nor PostgreSQL are pinned: with two processes on a 2-core machine, pinning
the server to CPU 0 would measure one core shared by two processes. The load generator stays on
CPU 1 (it was pinned at start), so it competes with whatever lands there. PostgreSQL's own CPU is
read from /proc (the postmaster, the children it has reaped, and every live backend).
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.benchmarks import fanout
from bench.benchmarks.common import Result, Settings
from bench.servers import (
    GENERATOR_CPU,
    ServerGroup,
    descendants,
    pin,
    proc_cpu,
    running_group,
    unpin,
)

if TYPE_CHECKING:
    from tests.pgcluster import PostgresCluster

SIDE = "PostgreSQL"  # the name of PostgreSQL's CPU row
LEFT_BEHIND = "processes left after stop"
PG_LOG_MARKS = ("WARNING:", "ERROR:", "FATAL:", "PANIC:")


def unavailable() -> str | None:
    """Why PostgreSQL cannot be started here, or None when it can."""
    try:
        from tests.pgcluster import find_postgres_bin
    except ImportError as exc:
        return f"tests/pgcluster.py cannot be imported ({exc}): run the bench from the repository root"
    if find_postgres_bin() is None:
        return "PostgreSQL server binaries (initdb, pg_ctl, postgres, psql) not found: Debian package postgresql"
    return None


class SharedCluster:
    """One throwaway PostgreSQL server for the case's runs: started unpinned on first use, stopped by close()."""

    def __init__(self) -> None:
        self.cluster: PostgresCluster | None = None
        self._log_offset = 0

    def get(self) -> PostgresCluster:
        """The running cluster, started now if it is not yet. Blocks for initdb + start (a few seconds)."""
        if self.cluster is None:
            from tests.pgcluster import PostgresCluster

            unpin()  # PostgreSQL inherits the affinity of the process that starts it: every CPU
            try:
                self.cluster = PostgresCluster()
            finally:
                pin(GENERATOR_CPU)
        return self.cluster

    def cpu(self) -> dict[str, float]:
        """PostgreSQL's CPU seconds so far: the postmaster, the children it reaped, every live backend."""
        if self.cluster is None:
            return {}
        try:
            postmaster = int((self.cluster.data / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return {}
        return {SIDE: proc_cpu(postmaster, reaped=True) + sum(proc_cpu(pid) for pid in descendants(postmaster))}

    def log_problems(self) -> list[str]:
        """WARNING/ERROR/FATAL/PANIC lines PostgreSQL logged since the last call (at most 20)."""
        if self.cluster is None:
            return []
        try:
            text = Path(self.cluster.log).read_text(errors="replace")
        except OSError:
            return []
        new, self._log_offset = text[self._log_offset :], len(text)
        lines = [line for line in new.splitlines() if any(mark in line for mark in PG_LOG_MARKS)]
        return lines[:20] + ([f"... {len(lines) - 20} more"] if len(lines) > 20 else [])

    def close(self) -> None:
        """Stop the server and remove its directory (idempotent)."""
        if self.cluster is not None:
            self.cluster.stop()
            self.cluster = None
            self._log_offset = 0


async def run(settings: Settings, shared: SharedCluster, processes: int, close: bool, kind: str) -> Result:
    """The long-poll fan-out against chatserver --processes N on a new database; close: stop the cluster after."""
    servers: list[ServerGroup] = []

    @asynccontextmanager
    async def serve() -> AsyncIterator[ServerGroup]:
        dsn = shared.get().new_database()
        async with running_group(
            settings.workdir,
            dsn,
            processes,
            max_wait=settings.max_wait,
            extra=settings.chatserver_args,
            side_cpu=shared.cpu,
        ) as server:
            servers.append(server)
            yield server

    try:
        result = await fanout.run(kind, settings, settings.fanout_pg_waiters, "poll", serve=serve)
        pg_problems = shared.log_problems()
    finally:
        if close:
            shared.close()
    result.details.update(group_details(servers[0], pg_problems))
    left = servers[0].stop_report.get("left_behind")
    result.metrics[LEFT_BEHIND] = len(left) if isinstance(left, list) else 0
    if left:
        print(f"  chatserver processes {left} were still running after SIGTERM and SIGKILL", file=sys.stderr)
    return result


def group_details(server: ServerGroup, pg_problems: list[str]) -> dict[str, Any]:
    """How the processes shared the waiters, whether any was replaced, how they stopped; PostgreSQL's complaints."""
    held = server.gauges.get("chatserver_held_polls", {})
    survivors = server.stop_report.get("members_at_stop", [])
    replaced = [pid for pid in server.workers if isinstance(survivors, list) and pid not in survivors]
    if replaced:
        print(f"  NOTE: worker(s) {replaced} were not there at stop: replaced or died during the run", file=sys.stderr)
    for line in pg_problems[:5]:
        print(f"  PostgreSQL logged: {line}", file=sys.stderr)
    return {
        "processes": server.processes,
        "supervisor_pid": server.pid,
        "worker_pids": server.workers,
        "held_polls_per_worker": {str(pid): n for pid, n in held.items()},
        "workers_gone_before_stop": replaced,
        "probe_connections": server.probes,
        "stop": server.stop_report,
        "postgresql_log_problems": pg_problems,
    }
