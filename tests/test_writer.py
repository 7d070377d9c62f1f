"""The writer: a batch of write jobs runs in the writer thread and commits once; answers follow."""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from chatserver.database import Database, Tx
from chatserver.errors import NotFound, StorageUnavailable
from tests.waiting import until


@asynccontextmanager
async def opened(tmp_path: Path) -> AsyncIterator[Database]:
    db = Database(str(tmp_path / "writer.db"))
    await db.open()
    try:
        yield db
    finally:
        await db.close()


async def insert(tx: Tx, slug: str) -> None:
    await tx.execute(
        "INSERT INTO events (slug, title, starts_at, ends_at, host_key_hash, created_at)"
        " VALUES (?, 't', 0, 1, x'00', 0)",
        (slug,),
    )


async def slugs(db: Database) -> list[str]:
    return [row[0] for row in await db.fetchall("SELECT slug FROM events ORDER BY id")]


def adds(
    slug: str, log: list[str] | None = None, runs: Counter[str] | None = None
) -> Callable[[Tx], Coroutine[Any, Any, str]]:
    """A job that inserts slug and, once committed, logs it."""

    async def job(tx: Tx) -> str:
        if runs is not None:
            runs[slug] += 1
        await insert(tx, slug)
        if log is not None:
            tx.after_commit(lambda: log.append(slug))
        return slug

    return job


async def test_jobs_queued_together_run_in_the_writer_thread_and_share_one_commit(tmp_path: Path) -> None:
    async with opened(tmp_path) as db:
        threads: list[int] = []

        def job(n: int) -> Callable[[Tx], Coroutine[Any, Any, int]]:
            async def run(tx: Tx) -> int:
                threads.append(threading.get_ident())
                await insert(tx, f"s{n}")
                return n

            return run

        assert await asyncio.gather(*(db.write(job(n)) for n in range(10))) == list(range(10))
        assert (db.batches_committed, db.jobs_committed) == (1, 10)
        assert len(set(threads)) == 1 and threads[0] != threading.get_ident()  # not the loop's thread
        assert await slugs(db) == [f"s{n}" for n in range(10)]


async def test_callbacks_run_on_the_loop_in_order_before_any_caller_is_answered(tmp_path: Path) -> None:
    async with opened(tmp_path) as db:
        order: list[str] = []
        loop_thread = threading.get_ident()

        def job(n: int) -> Callable[[Tx], Coroutine[Any, Any, None]]:
            async def run(tx: Tx) -> None:
                await insert(tx, f"s{n}")
                tx.after_commit(lambda: order.append(f"callback {n}" if threading.get_ident() == loop_thread else "?"))

            return run

        async def call(n: int) -> None:
            await db.write(job(n))
            order.append(f"answer {n}")

        await asyncio.gather(*(call(n) for n in range(3)))
        assert order[:3] == ["callback 0", "callback 1", "callback 2"]
        assert sorted(order[3:]) == ["answer 0", "answer 1", "answer 2"]


async def test_a_refusal_answers_only_its_job_and_keeps_what_it_wrote(tmp_path: Path) -> None:
    async with opened(tmp_path) as db:

        async def refused(tx: Tx) -> None:
            await insert(tx, "before the refusal")
            raise NotFound("no such thing")

        results = await asyncio.gather(
            db.write(adds("a")), db.write(refused), db.write(adds("b")), return_exceptions=True
        )
        assert results[0] == "a" and isinstance(results[1], NotFound) and results[2] == "b"
        assert await slugs(db) == ["a", "before the refusal", "b"]
        assert db.batches_committed == 1


async def crashes(tx: Tx) -> None:
    await insert(tx, "crashes")
    tx.after_commit(lambda: None)
    raise RuntimeError("a bug")


async def duplicates(tx: Tx) -> None:
    await insert(tx, "a")  # the slug is unique: sqlite3.IntegrityError


@pytest.mark.parametrize(("failing", "error"), [(crashes, RuntimeError), (duplicates, StorageUnavailable)])
async def test_a_failing_job_rolls_the_batch_back_and_the_others_run_again(
    tmp_path: Path, failing: Callable[[Tx], Coroutine[Any, Any, None]], error: type[Exception]
) -> None:
    async with opened(tmp_path) as db:
        committed: list[str] = []
        runs: Counter[str] = Counter()
        results = await asyncio.gather(
            db.write(adds("a", committed, runs)),
            db.write(failing),
            db.write(adds("b", committed, runs)),
            return_exceptions=True,
        )
        assert results[0] == "a" and isinstance(results[1], error) and results[2] == "b"
        assert await slugs(db) == ["a", "b"]  # nothing of the failed attempt, each once
        assert runs == {"a": 2, "b": 1}
        assert committed == ["a", "b"]  # the rolled-back attempt's callbacks never ran


async def test_a_failed_commit_fails_the_batch_and_runs_no_callbacks(tmp_path: Path) -> None:
    async with opened(tmp_path) as db:
        committed: list[str] = []

        async def dangling(tx: Tx) -> None:
            # A deferred foreign key is checked at COMMIT, which then fails.
            await tx.execute("PRAGMA defer_foreign_keys = ON")
            await tx.execute(
                "INSERT INTO participants (event_id, nickname, nickname_key, token_hash, created_at)"
                " VALUES (999, 'x', 'x', x'01', 0)"
            )

        results = await asyncio.gather(db.write(adds("a", committed)), db.write(dangling), return_exceptions=True)
        assert all(isinstance(result, StorageUnavailable) for result in results)
        assert committed == [] and db.batches_committed == 0
        assert await db.write(adds("c", committed)) == "c"  # no transaction was left open
        assert await slugs(db) == ["c"] and committed == ["c"]


async def test_a_batch_the_writer_task_is_cancelled_during_still_answers_as_it_ends(tmp_path: Path) -> None:
    async with opened(tmp_path) as db:
        committed: list[str] = []
        started = threading.Event()

        async def slow(tx: Tx) -> str:
            started.set()
            time.sleep(0.2)  # in the writer thread: the loop goes on meanwhile
            return await adds("slow", committed)(tx)

        write = asyncio.ensure_future(db.write(slow))
        await until(started.is_set, what="the batch to start in the writer thread")
        assert db._writer_task is not None
        db._writer_task.cancel()
        assert await write == "slow"  # the batch committed: its caller has its answer
        assert committed == ["slow"] and await slugs(db) == ["slow"]
