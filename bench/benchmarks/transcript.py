"""Transcript: fill a room with N messages over HTTP, then download it as .txt and .json.

chatserver is restarted on the filled database before each download, so the download's VmHWM
belongs to a process that did nothing else. The baseline keeps its items in memory and cannot be
restarted; for both, VmHWM is reset to the current RSS just before each download (clear_refs "5").
"""

from __future__ import annotations

import time
from contextlib import AbstractAsyncContextManager

from bench.benchmarks.common import (
    BenchError,
    Result,
    Settings,
    create_event,
    join,
    post_many,
)
from bench.client import HTTPConnection, close_all, open_many
from bench.servers import BASELINE, ServerProcess, free_port, quiesce, running

DOWNLOAD_TIMEOUT = 300.0
FORMATS = ("txt", "json")
MARK = b"of the benchmark"  # in every filled message's body (see common.post_many)


async def run(kind: str, settings: Settings) -> Result:
    """Fill, then download each format (chatserver: each in a fresh process on the filled database)."""
    db = settings.workdir / f"transcript-{free_port()}.db"
    result = Result()
    errors = 0

    def server() -> AbstractAsyncContextManager[ServerProcess]:
        return running(kind, settings.workdir, db=db, max_wait=settings.max_wait, extra=settings.chatserver_args)

    async with server() as filled:
        slug = await _fill(filled, settings, result)
        if kind == BASELINE:
            for fmt in FORMATS:
                errors += await _download(filled, slug, fmt, settings, result)
    if kind != BASELINE:
        for fmt in FORMATS:
            async with server() as fresh:
                errors += await _download(fresh, slug, fmt, settings, result)
        result.details["db_bytes"] = sum(p.stat().st_size for p in db.parent.glob(db.name + "*"))
    result.metrics["errors"] = errors
    return result


async def _fill(server: ServerProcess, settings: Settings, result: Result) -> str:
    """Post settings.transcript_items messages from many participants; return the slug."""
    control = await HTTPConnection.open(server.port)
    conns = await open_many(server.port, settings.transcript_posters)
    try:
        slug = await create_event(control, "A long transcript")
        tokens = [await join(conn, slug, f"speaker{i}") for i, conn in enumerate(conns)]
        start = time.perf_counter()
        _, errors = await post_many(conns, slug, tokens, settings.transcript_items)
        elapsed = time.perf_counter() - start
    finally:
        close_all(conns + [control])
    if errors:
        raise BenchError(f"{errors} of {settings.transcript_items} posts failed while filling the room")
    result.details.update(
        items=settings.transcript_items, fill_s=elapsed, fill_posts_per_s=settings.transcript_items / elapsed
    )
    return slug


async def _download(server: ServerProcess, slug: str, fmt: str, settings: Settings, result: Result) -> int:
    """Download one format, timed, with the peak RSS growth during it; return 1 if it was wrong, else 0."""
    conn = await HTTPConnection.open(server.port)
    try:
        await conn.fetch("GET", f"/api/events/{slug}")  # the first request after a start pays for imports
        await quiesce(server)
        reset = server.reset_hwm()
        rss0, hwm0 = server.rss_kib(), server.hwm_kib()
        start = time.perf_counter()
        response = await conn.fetch("GET", f"/e/{slug}/transcript.{fmt}", timeout=DOWNLOAD_TIMEOUT)
        elapsed = response.received_at - start
        hwm1 = server.hwm_kib()
    finally:
        conn.close()
    found = response.body.count(MARK)
    result.metrics[f".{fmt} download s"] = elapsed
    result.metrics[f".{fmt} peak RSS growth MiB"] = (hwm1 - (rss0 if reset else hwm0)) / 1024
    result.details[fmt] = {
        "status": response.status,
        "bytes": len(response.body),
        "messages_found": found,
        "rss_before_kib": rss0,
        "hwm_after_kib": hwm1,
        "hwm_reset": reset,
        "mib_per_s": len(response.body) / 2**20 / elapsed if elapsed > 0 else None,
    }
    return 0 if response.status == 200 and found == settings.transcript_items else 1
