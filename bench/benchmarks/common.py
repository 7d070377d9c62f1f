"""What the benchmarks share: settings, results, API calls and statistics."""

from __future__ import annotations

import asyncio
import math
import os
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from bench.client import HTTPConnection, Response
from bench.servers import event_window

T = TypeVar("T")


@dataclass
class Settings:
    """Sizes and durations of every benchmark (full run by default; see quick())."""

    workdir: Path
    fanout_waiters: tuple[int, ...] = (1000, 5000)
    fanout_messages: int = 30
    fanout_rate: float = 20.0
    fanout_pg_waiters: int = 1000  # fan-out on PostgreSQL, 1 and 2 server processes
    idle_polls: int = 10_000
    idle_hold: float = 60.0
    posts_total: int = 3000
    posters: int = 64
    herd_clients: int = 5000
    herd_behind: int = 20
    transcript_items: int = 100_000
    transcript_posters: int = 64
    conversation_readers: int = 1000  # readers of the reactions and edits fan-out, per transport
    conversation_items: int = 30  # messages, reactions and edits per phase (at fanout_rate)
    conversation_rounds: int = 3  # times each kind is measured, interleaved (at most 5)
    search_messages: int = 100_000  # the searched room's messages
    search_queries: int = 200  # measured one-room queries (the site-wide ones are a few more)
    files_clients: int = 50  # connections fetching the 2 MiB file (whole, ranges, 304s)
    files_seconds: float = 2.0  # each of the download and range phases per round (the 304s: half)
    files_uploaders: int = 16  # uploads at once (chatserver's cap in all)
    files_uploads_each: int = 6  # 1 MiB uploads per uploader per round, back to back
    files_rounds: int = 3  # each phase measured this many times per server, interleaved
    qa_readers: int = 5000  # SSE readers following the Q&A room
    qa_voters: int = 1000  # participants voting
    qa_questions: int = 50
    qa_seconds: float = 30.0  # the votes go out at a steady rate over this long
    qa_votes_each: int = 5  # distinct questions each voter votes on (every 5th also takes one back)
    qa_sampled: int = 100  # readers that decode the `votes` items (the rest count them)
    peers_sse_readers: tuple[int, ...] = (1000, 5000)  # SSE fan-out beside Nchan and the floor
    peers_light_waiters: int = 500  # long polls at a load that saturates no server (CPU per round trip)
    peers_light_messages: int = 30
    peers_light_rate: float = 2.0
    peers_saturated_waiters: int = 1000  # long polls at fanout_rate, beside the demo and Nchan
    peers_rounds: int = 3  # runs of every peer in every scenario, interleaved; the table shows medians
    capacity_servers: tuple[str, ...] = ("chatserver", "nchan")  # searched for their largest room ("floor" too)
    capacity_start: int = 1000  # SSE readers of the first probe, doubled while the probes pass
    # 16,000 is the last doubling under this machine's 20,000 open files: chatserver caps connections
    # at the limit less a sixteenth and 64 (18,686); capacity.py lowers it where the limit is lower.
    capacity_ceiling: int = 16_000
    capacity_messages: int = 50  # per probe: a p99 over 50 x N deliveries, 2.5 s of messages
    capacity_rate: float = 20.0  # messages a second (issue 24's definition of the capacity)
    capacity_resolution: float = 0.10  # bisect until the first failure is within this of the last pass
    capacity_confirm: bool = True  # run the largest passing room once more
    capacity_seconds: float = 270.0  # no new probe starts after this, shared out among the servers
    max_wait: float = 60.0
    chatserver_args: list[str] = field(default_factory=list)

    def quick(self) -> None:
        """Small counts for a run well under a minute."""
        self.fanout_waiters = (200,)
        self.fanout_pg_waiters = 200
        self.idle_polls = 1000
        self.idle_hold = min(self.idle_hold, 5.0)
        self.posts_total = 500
        self.herd_clients = 500
        self.transcript_items = 10_000
        self.conversation_readers = 200
        self.conversation_rounds = 1
        self.search_messages = 10_000
        self.files_clients = 10
        self.files_seconds = 1.0
        self.files_uploads_each = 2
        self.files_rounds = 1
        self.qa_readers = 500
        self.qa_voters = 200
        self.qa_seconds = 8.0
        self.qa_sampled = 50
        self.peers_sse_readers = (200,)
        self.peers_light_waiters = 100
        self.peers_light_messages = 10
        self.peers_saturated_waiters = 200
        self.peers_rounds = 1
        self.capacity_start = 500
        self.capacity_ceiling = 1000
        self.capacity_messages = 10
        self.capacity_confirm = False
        self.capacity_seconds = 60.0


@dataclass
class Result:
    """One server's figures for one case: shown metrics (in table order) and JSON-only details.
    A metric is a number, or a text where a number would mislead (a bound such as "≥ 16,000")."""

    metrics: dict[str, float | str] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)


class BenchError(RuntimeError):
    """A benchmark could not be carried out (not the same as errors counted in its figures)."""


def expect(response: Response, status: int, what: str) -> Any:
    """The JSON body of response, or BenchError when the status is not the expected one."""
    if response.status != status:
        raise BenchError(f"{what}: HTTP {response.status} {response.body[:300]!r}")
    return response.json()


async def create_event(conn: HTTPConnection, title: str = "Benchmark", **options: Any) -> str:
    """Schedule an event that is open now for two hours (with options such as qa=True); return its slug."""
    starts_at, ends_at = event_window()
    body = expect(
        await conn.fetch(
            "POST", "/api/events", {"title": title, "starts_at": starts_at, "ends_at": ends_at, **options}
        ),
        201,
        "create event",
    )
    return str(body["event"]["slug"])


async def join(conn: HTTPConnection, slug: str, nickname: str) -> str:
    """Join the event; return the participant token."""
    body = expect(
        await conn.fetch("POST", f"/api/events/{slug}/participants", {"nickname": nickname}), 201, f"join as {nickname}"
    )
    return str(body["token"])


async def post(
    conn: HTTPConnection, slug: str, token: str, text: str, client_id: str, timeout: float = 60.0
) -> Response:
    """Post one message (the caller checks the status)."""
    return await conn.fetch(
        "POST", f"/api/events/{slug}/messages", {"body": text, "client_id": client_id}, token=token, timeout=timeout
    )


async def newest_cursor(conn: HTTPConnection, slug: str) -> int:
    """The cursor after every item the event has now."""
    return (await read_items(conn, slug, 0, keep=False))[1]


async def read_items(conn: HTTPConnection, slug: str, cursor: int, keep: bool = True) -> tuple[list[Any], int]:
    """Every item the event's stream holds after cursor (none unless keep), and the cursor after them."""
    items: list[Any] = []
    more = True
    while more:
        body = expect(
            await conn.fetch("GET", f"/api/events/{slug}/messages?after={cursor}&limit=1000"), 200, "read the stream"
        )
        if keep:
            items += body["messages"]
        cursor, more = int(body["cursor"]), bool(body["more"])
    return items, cursor


async def bounded(limit: int, jobs: list[Coroutine[Any, Any, None]]) -> None:
    """Run the coroutines with at most limit at once; the first failure is raised."""
    gate = asyncio.Semaphore(limit)

    async def one(job: Coroutine[Any, Any, None]) -> None:
        async with gate:
            await job

    await asyncio.gather(*(one(job) for job in jobs))


async def post_many(
    conns: list[HTTPConnection],
    slug: str,
    tokens: list[str],
    total: int,
    text: str = "message {i} of the benchmark: the quick brown fox jumps over the lazy dog",
    timeout: float = 60.0,
) -> tuple[list[float], int]:
    """Post total messages, one loop per connection (conns[i] posts as tokens[i]); return latencies (s), errors."""
    latencies: list[float] = []
    errors = 0
    counter = iter(range(total))

    async def poster(conn: HTTPConnection, token: str, who: int) -> None:
        nonlocal errors
        for i in counter:
            sent = time.perf_counter()
            try:
                response = await post(conn, slug, token, text.format(i=i), f"p{who}-{i}", timeout)
            except (ConnectionError, TimeoutError):
                errors += 1
                return
            latencies.append(response.received_at - sent)
            if response.status != 201:
                errors += 1

    await asyncio.gather(
        *(poster(conn, token, who) for who, (conn, token) in enumerate(zip(conns, tokens, strict=True)))
    )
    return latencies, errors


async def open_loop(count: int, rate: float, start: float, send: Callable[[int], Coroutine[Any, Any, T]]) -> list[T]:
    """send(i) for i in range(count), each at start + i / rate whether or not earlier ones were
    answered (a closed loop would slow down with the server); their outcomes, in order."""
    sends: list[asyncio.Task[T]] = []
    for i in range(count):
        await asyncio.sleep(max(0.0, start + i / rate - time.perf_counter()))
        sends.append(asyncio.create_task(send(i)))
    return list(await asyncio.gather(*sends))


async def settled(done: asyncio.Future[None], timeout: float) -> bool:
    """Wait up to timeout for done (left pending when it times out); whether it came."""
    try:
        await asyncio.wait_for(asyncio.shield(done), timeout)
    except TimeoutError:
        return False
    return True


def percentile(samples: list[float], fraction: float) -> float:
    """The nearest-rank percentile of samples (nan when empty)."""
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    rank = max(0, min(len(ordered) - 1, math.ceil(fraction * len(ordered)) - 1))
    return ordered[rank]


def ms(seconds: float) -> float:
    """Seconds as milliseconds."""
    return seconds * 1000.0


def load() -> dict[str, float | None]:
    """How busy the machine is besides the bench: the 1-minute load average, and the share of the
    last 10 s in which some runnable task waited for a CPU (/proc/pressure/cpu, when there is one)."""
    pressure = None
    try:
        first = Path("/proc/pressure/cpu").read_text().splitlines()[0]
        pressure = float(first.split("avg10=")[1].split()[0])
    except (OSError, IndexError, ValueError):
        pass
    return {"loadavg_1m": os.getloadavg()[0], "cpu_pressure_avg10_pct": pressure}
