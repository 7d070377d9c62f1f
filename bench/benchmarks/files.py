"""Files: downloads, Range requests, revalidations and uploads of ZIP files.

Both servers run at once (each pinned to CPU 0; the one not measured is idle), each set up with
an event, a participant and one ZIP of DOWNLOAD_BYTES uploaded and sent with a message (so anybody
may fetch it), fetched once whole and once as a range and compared with what was uploaded. Every
phase runs on one server and at once on the other; in rounds, the order is swapped every round and
each phase's rounds are pooled. A phase opens its own connections (one client address each), waits
until the server is idle, and measures server CPU from /proc over the phase:

- downloads, 1 file stored: settings.files_clients connections fetch the whole file again and
  again for settings.files_seconds, while it is the only file stored; bodies are counted as they
  arrive, not kept;
- uploads: settings.files_uploaders connections (chatserver takes 2 uploads at once per address
  and 16 in all) upload a ZIP of UPLOAD_BYTES once each, not measured (a warm-up: the first
  uploads after a start pay for what stays, such as the executor's threads), then
  settings.files_uploads_each times each, back to back, in settings.files_rounds rounds. VmHWM
  is reset before each round (clear_refs 5); the largest peak RSS growth is compared with the
  bytes in flight (uploaders x UPLOAD_BYTES);
- then, with the uploads stored, settings.files_rounds rounds of: the downloads again; ranges of
  RANGE_BYTES at random offsets (an audio player seeking), for the same time, every answer a 206
  with the Content-Range asked for; `If-None-Match` with the file's ETag for half that time, every
  answer a 304.

The downloads are measured twice because chatserver's cost of reading a file grows with the
number of files its database holds; the baseline's, a dict, does not.

chatserver runs with --upload-limit 0 and --event-quota-mb 0 (the per-minute limit and the event's
quota would refuse the upload phase); the caps on uploads at once stay at their defaults.
"""

from __future__ import annotations

import asyncio
import io
import random
import time
import zipfile
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass, field

from bench.benchmarks.common import BenchError, Result, Settings, create_event, expect, join, ms, percentile
from bench.client import HTTPConnection, Response, close_all, open_many
from bench.servers import BASELINE, CHATSERVER, KINDS, ServerProcess, quiesce, running, self_cpu

MIB = 1024 * 1024
DOWNLOAD_BYTES = 2 * MIB
UPLOAD_BYTES = 1 * MIB
RANGE_BYTES = 64 * 1024
SEED = 20240612
CHATSERVER_FLAGS = ["--upload-limit", "0", "--event-quota-mb", "0", "--link-previews", "off"]
BOUNDARY = "chatbench-5d1c0a7e9b3f4e62a8c1"
TIMEOUT = 60.0

# One answer: (status, headers, body bytes counted, when the last byte arrived).
Answer = tuple[int, dict[str, str], int, float]


def zip_file(size: int, seed: int) -> bytes:
    """A ZIP of exactly size bytes: one stored (uncompressed) member of random bytes, the same every run."""
    info = zipfile.ZipInfo("data.bin", date_time=(2024, 6, 12, 0, 0, 0))

    def build(member: int) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
            archive.writestr(info, random.Random(seed).randbytes(member))
        return out.getvalue()

    data = build(size - len(build(0)))
    assert len(data) == size
    return data


def multipart(data: bytes, name: str) -> bytes:
    """A multipart/form-data body with one part named file (the boundary is BOUNDARY)."""
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        "Content-Type: application/zip\r\n\r\n"
    )
    return head.encode() + data + f"\r\n--{BOUNDARY}--\r\n".encode()


async def upload(conn: HTTPConnection, slug: str, token: str, body: bytes) -> Response:
    """POST one multipart body to the event's files."""
    return await conn.request(
        "POST",
        f"/api/events/{slug}/files",
        body,
        f"Authorization: Bearer {token}\r\n",
        TIMEOUT,
        f"multipart/form-data; boundary={BOUNDARY}",
    )


async def get_counted(conn: HTTPConnection, path: str, headers: str = "") -> Answer:
    """GET path, counting the body's bytes as they arrive instead of keeping them."""
    ended: asyncio.Future[tuple[Exception | None, float]] = asyncio.get_running_loop().create_future()
    size = 0

    def on_chunk(piece: bytes) -> None:
        nonlocal size
        size += len(piece)

    def on_end(exc: Exception | None) -> None:
        if not ended.done():
            ended.set_result((exc, time.perf_counter()))

    head = await conn.stream(path, on_chunk, on_end, headers, TIMEOUT)
    exc, at = await asyncio.wait_for(ended, TIMEOUT)
    if exc is not None:
        raise exc
    return head.status, head.headers, size, at


@dataclass
class Phase:
    """One phase's counts and timings (or several rounds' of the same phase, pooled)."""

    requests: int = 0
    errors: int = 0
    body_bytes: int = 0
    latencies: list[float] = field(default_factory=list)
    elapsed: float = 0.0
    server_cpu: float = 0.0
    gen_cpu: float = 0.0
    statuses: dict[int, int] = field(default_factory=dict)
    rss_growth_mib: float = 0.0  # the upload phase's peak RSS growth (pooled: the largest)

    def add(self, other: Phase) -> None:
        """Pool another round of the same phase into this one."""
        self.requests += other.requests
        self.errors += other.errors
        self.body_bytes += other.body_bytes
        self.latencies += other.latencies
        self.elapsed += other.elapsed
        self.server_cpu += other.server_cpu
        self.gen_cpu += other.gen_cpu
        for status, count in other.statuses.items():
            self.statuses[status] = self.statuses.get(status, 0) + count
        self.rss_growth_mib = max(self.rss_growth_mib, other.rss_growth_mib)

    def per_request(self, scale: float) -> float:
        """Server CPU per request, times scale (1e6: µs)."""
        return self.server_cpu / self.requests * scale if self.requests else float("nan")

    def details(self) -> dict[str, object]:
        return {
            "requests": self.requests,
            "errors": self.errors,
            "body_bytes": self.body_bytes,
            "elapsed_s": self.elapsed,
            "server_cpu_s": self.server_cpu,
            "load_gen_cpu_pct": self.gen_cpu / self.elapsed * 100 if self.elapsed else None,
            "statuses": self.statuses,
            "p50_ms": ms(percentile(self.latencies, 0.50)),
            "p99_ms": ms(percentile(self.latencies, 0.99)),
            "rss_growth_mib": self.rss_growth_mib,
        }


# One request of a phase by client number on its connection: (answer, whether it is what was asked for).
Step = Callable[[int, HTTPConnection, random.Random], Awaitable[tuple[Answer, bool]]]
PHASES = ("downloads", "ranges", "revalidations", "uploads")
READS = PHASES[:3]


class Target:
    """One server, set up: an event with the shared file, and the phases to run against it."""

    def __init__(self, server: ServerProcess, settings: Settings) -> None:
        self.server = server
        self.settings = settings
        self.slug, self.url, self.etag, self.size = "", "", "", 0
        self.tokens: list[str] = []
        self.warm_up_uploads = 0
        self.upload_body = multipart(zip_file(UPLOAD_BYTES, SEED + 1), "notes.zip")

    async def set_up(self, data: bytes) -> None:
        """The event, the shared file and the uploaders' tokens."""
        control = await HTTPConnection.open(self.server.port)
        try:
            self.slug = await create_event(control, "Files")
            self.url, self.etag = await share(control, self.slug, await join(control, self.slug, "sharer"), data)
            self.size = len(data)
            self.tokens = [await join(control, self.slug, f"uploader{i}") for i in range(self.settings.files_uploaders)]
        finally:
            control.close()

    async def warm_up(self) -> None:
        """One upload per uploader, not measured: the first uploads after a start pay for what stays
        (threads started, caches filled), not for the files in flight."""
        done = await self._measure(self.settings.files_uploaders, self._send, count=1)
        if done.errors:
            raise BenchError(f"{done.errors} of {self.settings.files_uploaders} warm-up uploads failed")
        self.warm_up_uploads = done.requests

    async def phase(self, name: str) -> Phase:
        """One round of one phase, on connections of its own (one client address each)."""
        seconds = self.settings.files_seconds
        if name == "downloads":
            return await self._measure(self.settings.files_clients, self._whole, seconds)
        if name == "ranges":
            return await self._measure(self.settings.files_clients, self._ranged, seconds)
        if name == "revalidations":
            return await self._measure(self.settings.files_clients, self._revalidate, seconds / 2)
        return await self._measure(self.settings.files_uploaders, self._send, count=self.settings.files_uploads_each)

    async def _measure(self, clients: int, step: Step, seconds: float = 0.0, count: int = 0) -> Phase:
        """Once the server is idle, every connection runs step back to back for seconds, or count
        times each; a connection error ends that connection's loop. Server and generator CPU over
        the phase; for uploads (count), the peak RSS growth too."""
        server, phase = self.server, Phase()
        conns = await open_many(server.port, clients)
        try:
            await quiesce(server)
            reset = server.reset_hwm()
            rss0, hwm0 = server.rss_kib(), server.hwm_kib()
            deadline = time.perf_counter() + seconds

            async def client(number: int, conn: HTTPConnection) -> None:
                rng, done = random.Random(SEED + number), 0
                while done < count if count else time.perf_counter() < deadline:
                    sent = time.perf_counter()
                    try:
                        (status, _, size, at), good = await step(number, conn, rng)
                    except (ConnectionError, TimeoutError):
                        phase.errors += 1
                        return
                    done += 1
                    phase.requests += 1
                    phase.body_bytes += size
                    phase.statuses[status] = phase.statuses.get(status, 0) + 1
                    phase.latencies.append(at - sent)
                    if not good:
                        phase.errors += 1

            cpu0, gen0, start = server.cpu(), self_cpu(), time.perf_counter()
            await asyncio.gather(*(client(n, conn) for n, conn in enumerate(conns)))
            phase.server_cpu, phase.gen_cpu = server.cpu() - cpu0, self_cpu() - gen0
            phase.elapsed = time.perf_counter() - start
            phase.rss_growth_mib = (server.hwm_kib() - (rss0 if reset else hwm0)) / 1024
        finally:
            close_all(conns)
        return phase

    async def _whole(self, _: int, conn: HTTPConnection, rng: random.Random) -> tuple[Answer, bool]:
        answer = await get_counted(conn, self.url)
        return answer, answer[0] == 200 and answer[2] == self.size

    async def _ranged(self, _: int, conn: HTTPConnection, rng: random.Random) -> tuple[Answer, bool]:
        first = rng.randrange(self.size - RANGE_BYTES + 1)
        last = first + RANGE_BYTES - 1
        answer = await get_counted(conn, self.url, f"Range: bytes={first}-{last}\r\n")
        expected = f"bytes {first}-{last}/{self.size}"
        return answer, answer[0] == 206 and answer[2] == RANGE_BYTES and answer[1].get("content-range") == expected

    async def _revalidate(self, _: int, conn: HTTPConnection, rng: random.Random) -> tuple[Answer, bool]:
        answer = await get_counted(conn, self.url, f"If-None-Match: {self.etag}\r\n")
        return answer, answer[0] == 304 and answer[2] == 0

    async def _send(self, number: int, conn: HTTPConnection, rng: random.Random) -> tuple[Answer, bool]:
        response = await upload(conn, self.slug, self.tokens[number], self.upload_body)
        good = response.status == 201 and bool(response.json().get("file", {}).get("id"))
        return (response.status, response.headers, len(response.body), response.received_at), good


async def share(conn: HTTPConnection, slug: str, token: str, data: bytes) -> tuple[str, str]:
    """Upload data, send it with a message, check one whole and one ranged download; (url, ETag)."""
    stored = expect(await upload(conn, slug, token, multipart(data, "slides.zip")), 201, "upload")["file"]
    message = {"body": "the slides", "client_id": "files-1", "files": [stored["id"]]}
    expect(await conn.fetch("POST", f"/api/events/{slug}/messages", message, token=token), 201, "send the file")
    url = str(stored["url"])
    whole = await conn.request("GET", url, timeout=TIMEOUT)
    if whole.status != 200 or whole.body != data or "etag" not in whole.headers:
        raise BenchError(f"GET {url}: HTTP {whole.status}, {len(whole.body)} bytes, not the file uploaded")
    start = len(data) // 3
    part = await conn.request("GET", url, headers=f"Range: bytes={start}-{start + RANGE_BYTES - 1}\r\n")
    if part.status != 206 or part.body != data[start : start + RANGE_BYTES]:
        raise BenchError(f"GET {url} with a Range: HTTP {part.status}, not the bytes asked for")
    return url, whole.headers["etag"]


class Session:
    """Both servers at once, every phase measured on one and then at once on the other."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.results: dict[str, Result] | None = None
        self.failed: str | None = None

    async def run(self, kind: str) -> Result:
        """One server's figures. The first call measures both servers when it is the baseline's (the
        runner asks for the baseline first), else that one server alone; later calls report."""
        if self.results is None and self.failed is None:
            kinds = KINDS if kind == BASELINE else (kind,)
            try:
                self.results = await self._measure(kinds)
            except BaseException as exc:
                self.failed = f"{type(exc).__name__}: {exc}"
                raise
        if self.results is None or kind not in self.results:
            raise BenchError(f"not measured: {self.failed}")
        return self.results[kind]

    async def _measure(self, kinds: tuple[str, ...]) -> dict[str, Result]:
        settings = self.settings
        data = zip_file(DOWNLOAD_BYTES, SEED)
        count = max(1, settings.files_rounds)
        rounds: dict[str, list[dict[str, Phase]]] = {kind: [{} for _ in range(count)] for kind in kinds}
        first: dict[str, Phase] = {}
        async with AsyncExitStack() as stack:
            targets: dict[str, Target] = {}
            for kind in kinds:
                extra = [*settings.chatserver_args, *(CHATSERVER_FLAGS if kind == CHATSERVER else [])]
                server = await stack.enter_async_context(
                    running(kind, settings.workdir, max_wait=settings.max_wait, extra=extra)
                )
                targets[kind] = Target(server, settings)
                await targets[kind].set_up(data)

            async def each(number: int, name: str) -> None:
                # One server, then at once the other, the order swapped every round: both sample
                # the same stretch of a machine whose speed drifts.
                for kind in kinds if number % 2 == 0 else kinds[::-1]:
                    rounds[kind][number][name] = await targets[kind].phase(name)

            for kind in kinds:  # the shared file alone in the database
                first[kind] = await targets[kind].phase("downloads")
            for kind in kinds:
                await targets[kind].warm_up()
            for number in range(count):  # uploads first: the reads then find the same files stored
                await each(number, "uploads")
            for number in range(count):
                for name in READS:
                    await each(number, name)
        return {
            kind: _result(rounds[kind], first[kind], 1 + targets[kind].warm_up_uploads, settings, kind)
            for kind in kinds
        }


def _result(rounds: list[dict[str, Phase]], first: Phase, stored: int, settings: Settings, kind: str) -> Result:
    """The table's figures, each phase's rounds pooled."""
    phases = {name: Phase() for name in PHASES}
    for each in rounds:
        for name in PHASES:
            phases[name].add(each[name])
    downloads, ranges, revalidations, uploads = (phases[name] for name in PHASES)
    mib, first_mib = downloads.body_bytes / MIB, first.body_bytes / MIB
    in_flight_mib = settings.files_uploaders * UPLOAD_BYTES / MIB
    stored += uploads.statuses.get(201, 0)
    result = Result()
    result.metrics = {
        "download MiB/s": mib / downloads.elapsed,
        "download server CPU ms/MiB": downloads.server_cpu / mib * 1e3 if mib else float("nan"),
        "download server CPU ms/MiB, 1 file stored": first.server_cpu / first_mib * 1e3 if first_mib else float("nan"),
        "download p50 ms": ms(percentile(downloads.latencies, 0.50)),
        "download p99 ms": ms(percentile(downloads.latencies, 0.99)),
        "range req/s": ranges.requests / ranges.elapsed,
        "range server CPU µs/req": ranges.per_request(1e6),
        "range p99 ms": ms(percentile(ranges.latencies, 0.99)),
        "304/s": revalidations.requests / revalidations.elapsed,
        "304 server CPU µs/req": revalidations.per_request(1e6),
        "uploads/s": uploads.requests / uploads.elapsed,
        "upload server CPU ms/upload": uploads.per_request(1e3),
        "upload p99 ms": ms(percentile(uploads.latencies, 0.99)),
    }
    if kind == CHATSERVER:
        # The baseline keeps every upload in memory (it has no other store): its growth is the
        # bytes it received, in the JSON only.
        result.metrics["upload peak RSS growth MiB"] = uploads.rss_growth_mib
        result.metrics["upload RSS growth % of in flight"] = uploads.rss_growth_mib / in_flight_mib * 100
    result.metrics["errors"] = first.errors + sum(phase.errors for phase in phases.values())
    result.details = {
        "file_bytes": DOWNLOAD_BYTES,
        "upload_bytes": UPLOAD_BYTES,
        "range_bytes": RANGE_BYTES,
        "clients": settings.files_clients,
        "uploaders": settings.files_uploaders,
        "rounds": len(rounds),
        "files_stored_during_reads": stored,
        "downloads_1_file_stored": first.details(),
        **{name: phase.details() for name, phase in phases.items()},
        "upload_memory": {"in_flight_mib": in_flight_mib, "peak_rss_growth_mib": uploads.rss_growth_mib},
        "by_round": [{name: phase.details() for name, phase in each.items()} for each in rounds],
    }
    return result
