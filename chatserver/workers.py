"""`chatserver serve --processes N`: the parent that forks the workers, passes stops on to them and
exits as a whole, so that a supervisor such as systemd sees one service."""

from __future__ import annotations

import contextlib
import os
import signal
import sys


def fork_workers(count: int) -> None:
    """Fork count workers and return in each of them; the parent stays to supervise and exits.

    The parent passes SIGTERM and SIGINT on to every worker (each stops gracefully) and exits once
    all have, with status 0 if they all did. A worker that dies otherwise brings the rest down and
    the parent exits non-zero, so that a supervisor such as systemd restarts the whole service."""
    workers: set[int] = set()
    for _ in range(count):
        pid = os.fork()
        if pid == 0:
            # Held until serve() has its own handlers: a SIGTERM while the worker starts must stop
            # it gracefully, not kill it (which the parent would report as a failure).
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
            return
        workers.add(pid)

    def stop_workers(signum: int = signal.SIGTERM, _frame: object = None) -> None:
        for worker in workers:
            with contextlib.suppress(ProcessLookupError):
                os.kill(worker, signal.SIGTERM)

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, stop_workers)
    failed = False
    while workers:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            break
        workers.discard(pid)
        code = os.waitstatus_to_exitcode(status)
        if code != 0 and not failed:
            failed = True
            print(f"chatserver: worker {pid} exited with {code}; stopping the others", file=sys.stderr)
            stop_workers()
    sys.exit(1 if failed else 0)
