"""The benchmarks, as cases the runner measures once per server."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from bench.benchmarks import (
    capacity,
    conversation,
    fanout,
    fanout_pg,
    files,
    herd,
    idle,
    peers,
    posts,
    qa,
    search,
    transcript,
)
from bench.benchmarks.common import Result, Settings
from bench.servers import CHATSERVER, KINDS

GROUPS = (
    "fanout",
    "fanout-sse",
    "fanout-pg",
    "idle",
    "posts",
    "herd",
    "transcript",
    "conversation",
    "search",
    "files",
    "qa",
    "peers",
    "capacity",
)

# The SSE goal: server CPU per delivery at most this fraction of chatserver's own long-poll figure.
SSE_CPU_TARGET = 0.2
# Peak RSS growth while one transcript downloads; a whole 100,000-item room held in memory is 50+ MiB.
TRANSCRIPT_MIB = 16

# Why a target may be missed, shown under a NOT MET verdict (docs/performance.md has the measurements).
FANOUT_CPU_WHY = (
    "saturated, CPU per delivery follows the items each answer packs, not the round trip's cost: a plain "
    "poll (read_path.py) costs a third of Tornado's round trip, so chatserver keeps up with smaller answers; "
    "the Python load generator is near its core's limit at 1,000 waiters (see load-gen CPU %)"
)
FANOUT_P99_WHY = (
    "a wave of N answers takes N round trips of that same cost, and a post that lands during a wave waits for it"
)
SSE_WHY = "relative to chatserver's own long poll, which got cheaper too; compare the absolute µs"
# Reactions and edits: server CPU per delivery at most this multiple of plain messages' (same count).
CONVERSATION_CPU_TARGET = 1.2
# Search: the slowest 1 % of one-room queries answered within this many milliseconds.
SEARCH_P99_MS = 50
# Files: server CPU per MiB downloaded, per Range request, per 304 and per upload at most these
# multiples of the baseline's (which holds the files in memory); an upload's peak RSS growth at
# most this share of the bytes in flight (a body goes to a temporary file, then to the database).
FILES_READ_CPU = 3.0
FILES_UPLOAD_CPU = 4.0  # more than reads: an upload is written to disk, hashed and its type detected
FILES_UPLOAD_RSS_PCT = 10
FILES_DOWNLOAD_WHY = (
    "each 256 KiB chunk is a database read on the reader thread and a flush; the baseline writes "
    "bytes it holds in memory in one call"
)
FILES_RANGE_WHY = (
    "a range checks the reader (the file, its event, its message: three database reads), then looks up "
    "one or two 256 KiB chunks for 64 KiB; the baseline reads a dict"
)
FILES_UPLOAD_WHY = (
    "an upload is parsed, written to a temporary file, hashed (SHA-256), its type detected, then written "
    "to SQLite (WAL, then the database at a checkpoint); the baseline keeps the parsed bytes in memory"
)
QA_LOADGEN_WHY = "the generator, not the server, may have been the limit: its figures are suspect"
QA_P99_WHY = (
    "a vote waits up to the 1 s coalescing window, then for one fan-out wave to every reader "
    "(fan_out_wave_ms in the JSON); a high 'server waiting for CPU %' means other processes held CPU 0"
)
QA_ITEMS_WHY = "votes are not coalesced as they should be: see votes_item_gaps_ms in the JSON"
POSTS_WHY = (
    "every chatserver post is a durable SQLite commit (batched) and a validated, authenticated "
    "request; the baseline appends to a list; the ratio ranges about 0.5-0.8x between runs"
)


@dataclass(frozen=True)
class Target:
    """A goal for one metric: chatserver/baseline at most (or at least) limit, or chatserver's own
    figure at most limit (compare="value<="). why: the known reason, printed when it is missed."""

    metric: str
    limit: float
    compare: str = "ratio<="  # "ratio<=", "ratio>=" or "value<="
    why: str = ""

    def judge(self, chat: float, base: float | None) -> tuple[float | None, bool | None]:
        """(the figure compared, whether the goal is met); (None, None) when a figure is missing."""
        if self.compare == "value<=":
            return chat, chat <= self.limit
        if base is None or base == 0:
            return None, None
        value = chat / base
        return value, value >= self.limit if self.compare == "ratio>=" else value <= self.limit

    def describe(self) -> str:
        if self.compare == "value<=":
            return f"{self.metric} <= {self.limit:g}"
        return f"{self.metric} ratio {self.compare[-2:]} {self.limit:.2f}x"


@dataclass
class Case:
    """One row group of the table: a group name (for --only), a title, how to run it, a time limit.

    servers: the server kinds it runs against. reference: the title of another case whose chatserver
    figures fill this case's baseline column (the ratio is then this case / that one). targets:
    the goals judged in the table. note: shown with the rows. shown: False leaves the case out of the
    table (its figures are another case's reference column; the JSON has them). unavailable: why the
    case cannot run on this machine, or None; a reason makes it a skip, not a failure.
    """

    group: str
    title: str
    run: Callable[[str], Awaitable[Result]]  # server kind -> figures
    timeout: float
    servers: tuple[str, ...] = KINDS
    reference: str | None = None
    targets: tuple[Target, ...] = ()
    note: str | None = None
    shown: bool = True
    unavailable: Callable[[], str | None] | None = None


def cases(settings: Settings, only: set[str]) -> list[Case]:
    """The cases of the selected groups, in table order."""
    found: list[Case] = []
    # fanout-sse compares with chatserver's long-poll fan-out of this run: run that too (chatserver only).
    reference_only = "fanout-sse" in only and "fanout" not in only
    for waiters in settings.fanout_waiters:
        found.append(
            Case(
                "fanout-sse" if reference_only else "fanout",
                _fanout_title(waiters),
                functools.partial(_fanout, settings, waiters, "poll"),
                240,
                servers=(CHATSERVER,) if reference_only else KINDS,
                targets=()
                if reference_only
                else (
                    Target("server CPU µs/delivery", 0.8, why=FANOUT_CPU_WHY),
                    Target("p99 post-to-receipt ms", 1.0, why=FANOUT_P99_WHY),
                    Target("errors", 0, "value<="),
                ),
                note="chatserver only: the reference for fan-out SSE" if reference_only else None,
            )
        )
    for waiters in settings.fanout_waiters:
        found.append(
            Case(
                "fanout-sse",
                f"fan-out SSE {waiters:,} waiters",
                functools.partial(_fanout, settings, waiters, "sse"),
                240,
                servers=(CHATSERVER,),  # the baseline server has no SSE
                reference=_fanout_title(waiters),
                targets=(Target("server CPU µs/delivery", SSE_CPU_TARGET, why=SSE_WHY), Target("errors", 0, "value<=")),
                note=f"baseline column = chatserver long-poll, {_fanout_title(waiters)}, this run",
            )
        )
    found += _fanout_pg_cases(settings)
    found.append(
        Case(
            "idle",
            f"idle {settings.idle_polls:,} polls {settings.idle_hold:g} s",
            lambda kind: idle.run(kind, settings),
            settings.idle_hold + 300,
            targets=(Target("RSS KiB/held poll", 16, "value<="), Target("errors", 0, "value<=")),
        )
    )
    found.append(
        Case(
            "posts",
            f"posts {settings.posts_total:,} by {settings.posters}",
            lambda kind: posts.run(kind, settings),
            300,
            targets=(Target("posts/s", 0.7, "ratio>=", why=POSTS_WHY), Target("errors", 0, "value<=")),
        )
    )
    found.append(
        Case(
            "herd",
            f"herd {settings.herd_clients:,} x {settings.herd_behind} behind",
            lambda kind: herd.run(kind, settings),
            240,
            targets=(Target("time to serve all s", 1.2), Target("errors", 0, "value<=")),
        )
    )
    found.append(
        Case(
            "transcript",
            f"transcript {settings.transcript_items:,} items",
            lambda kind: transcript.run(kind, settings),
            600,
            # Constant memory: the growth stays this small whatever the size of the room.
            targets=(
                Target(".txt peak RSS growth MiB", TRANSCRIPT_MIB, "value<="),
                Target(".json peak RSS growth MiB", TRANSCRIPT_MIB, "value<="),
            ),
        )
    )
    found += _conversation_cases(settings)
    found += _search_cases(settings)
    found.append(
        Case(
            "files",
            f"files {settings.files_clients} readers, {settings.files_uploaders} uploaders",
            files.Session(settings).run,
            240,
            targets=(
                Target("download server CPU ms/MiB", FILES_READ_CPU, why=FILES_DOWNLOAD_WHY),
                Target("range server CPU µs/req", FILES_READ_CPU, why=FILES_RANGE_WHY),
                Target("304 server CPU µs/req", FILES_READ_CPU),
                Target("upload server CPU ms/upload", FILES_UPLOAD_CPU, why=FILES_UPLOAD_WHY),
                Target("upload RSS growth % of in flight", FILES_UPLOAD_RSS_PCT, "value<="),
                Target("errors", 0, "value<="),
            ),
            note=f"2 MiB ZIP whole, 64 KiB ranges, 304s; 1 MiB ZIP uploads; {settings.files_rounds} interleaved "
            "round(s); the baseline keeps files in memory, so its upload RSS growth is in the JSON only",
        )
    )
    found += _qa_cases(settings)
    found += _session_cases("peers", peers.Session(settings)) if "peers" in only else []
    found += _session_cases("capacity", capacity.Session(settings)) if "capacity" in only else []
    return [case for case in found if case.group in only]


def _session_cases(group: str, session: peers.Measured[Any]) -> list[Case]:
    """A group measured by one session (issue 24's peers, and its capacity search) at the first
    call (its time limit covers them all), reported per case; see peers.py and capacity.py."""
    return [
        Case(
            group,
            spec.title,
            functools.partial(session.run, spec.key),
            session.timeout if n == 0 else 60,
            targets=tuple(Target(*target) for target in spec.targets),
            note=spec.note,
            unavailable=peers.unavailable,
        )
        for n, spec in enumerate(session.specs.values())
    ]


def _qa_cases(settings: Settings) -> list[Case]:
    """One server and one crowd of SSE readers: plain messages (the reference column, not shown
    itself), then the votes. The reference case measures both phases; the votes case reports its share."""
    session = qa.Session(settings)
    title = (
        f"Q&A {settings.qa_readers:,} SSE readers, {settings.qa_voters:,} voters, "
        f"{settings.qa_questions} questions, {settings.qa_seconds:g} s"
    )
    plain = f"{title}: {settings.fanout_messages} messages"
    return [
        Case(
            "qa",
            plain,
            functools.partial(session.run, "message"),
            240,
            servers=(CHATSERVER,),
            targets=(Target("errors", 0, "value<="),),
            shown=False,
        ),
        Case(
            "qa",
            title,
            functools.partial(session.run, "votes"),
            60,
            servers=(CHATSERVER,),  # the baseline server has no Q&A
            reference=plain,
            targets=(
                Target("items/votes", qa.ITEMS_PER_VOTE_TARGET, "value<=", why=QA_ITEMS_WHY),
                Target("p99 send-to-reader ms", qa.P99_TARGET_MS, "value<=", why=QA_P99_WHY),
                Target("errors", 0, "value<="),
                Target("load-gen CPU %", qa.LOADGEN_LIMIT_PCT, "value<=", why=QA_LOADGEN_WHY),
            ),
            note=f"baseline column = {settings.fanout_messages} plain messages at {settings.fanout_rate:g}/s to the "
            "same readers, same server, just before; ratio = votes / messages; a reader update = one item "
            "delivered to one reader (a `votes` item here, a message there)",
        ),
    ]


def _conversation_cases(settings: Settings) -> list[Case]:
    """Per transport, one server and one crowd of readers for rounds of three phases: plain messages
    (the reference column, not shown itself), reactions and edits, each kind a case of its own. The
    messages case measures every round of all three (its time limit covers them); the other two
    report their share."""
    found: list[Case] = []
    readers, items, rounds = settings.conversation_readers, settings.conversation_items, settings.conversation_rounds
    each = f"{rounds} x {items}" if rounds > 1 else f"{items}"
    transports: tuple[tuple[conversation.Transport, str], ...] = (("sse", "SSE"), ("poll", "long-poll"))
    for transport, label in transports:
        session = conversation.Session(settings, transport)
        title = f"conversation {label} {readers:,} readers"
        plain = f"{title}: {each} messages"
        found.append(
            Case(
                "conversation",
                plain,
                functools.partial(session.run, "message"),
                120 + 60 * rounds,
                servers=(CHATSERVER,),
                targets=(Target("errors", 0, "value<="),),
                shown=False,
            )
        )
        for what in ("reaction", "edit"):
            found.append(
                Case(
                    "conversation",
                    f"{title}: {each} {what}s",
                    functools.partial(session.run, what),
                    60,
                    servers=(CHATSERVER,),
                    reference=plain,
                    targets=(
                        Target("server CPU µs/delivery", CONVERSATION_CPU_TARGET),
                        Target("errors", 0, "value<="),
                    ),
                    note=f"baseline column = plain messages, same server, room and readers, phases interleaved; "
                    f"ratio = {what}s / messages"
                    + ("; reactions are coalesced (at most 1 wake/s)" if what == "reaction" else ""),
                )
            )
    return found


def _search_cases(settings: Settings) -> list[Case]:
    """Search latency on SQLite, then on PostgreSQL (whose baseline column is the SQLite run)."""
    shared = fanout_pg.SharedCluster()
    size = f"{settings.search_messages:,} messages"
    on_sqlite = f"search SQLite {size}"
    targets = (Target("p99 search ms", SEARCH_P99_MS, "value<="), Target("errors", 0, "value<="))
    return [
        Case(
            "search",
            on_sqlite,
            functools.partial(search.run, settings, None),
            300,
            servers=(CHATSERVER,),
            targets=targets,
        ),
        Case(
            "search",
            f"search PG {size}",
            functools.partial(search.run, settings, shared),
            300,
            servers=(CHATSERVER,),
            reference=on_sqlite,
            targets=targets,
            unavailable=fanout_pg.unavailable,
            note="baseline column = the SQLite run above; ratio = PostgreSQL / SQLite",
        ),
    ]


def _fanout_pg_cases(settings: Settings) -> list[Case]:
    """fan-out on PostgreSQL with 1 process (the reference column, not shown itself), then 2, one cluster."""
    shared = fanout_pg.SharedCluster()
    waiters = settings.fanout_pg_waiters
    one, two = (f"fan-out PG {waiters:,} waiters, {n} process{'es' if n > 1 else ''}" for n in (1, 2))
    checks = (Target("errors", 0, "value<="), Target(fanout_pg.LEFT_BEHIND, 0, "value<="))
    return [
        Case(
            "fanout-pg",
            one,
            functools.partial(fanout_pg.run, settings, shared, 1, False),
            240,
            servers=(CHATSERVER,),
            targets=checks,
            shown=False,
            unavailable=fanout_pg.unavailable,
        ),
        Case(
            "fanout-pg",
            two,
            functools.partial(fanout_pg.run, settings, shared, 2, True),
            240,
            servers=(CHATSERVER,),
            reference=one,
            targets=checks,
            unavailable=fanout_pg.unavailable,
            note="baseline column = chatserver --processes 1, chatserver column = --processes 2; both on "
            "one PostgreSQL, a new database each; servers and PostgreSQL NOT pinned, load generator on CPU 1",
        ),
    ]


def _fanout_title(waiters: int) -> str:
    return f"fan-out {waiters:,} waiters"


def _fanout(settings: Settings, waiters: int, transport: fanout.Transport, kind: str) -> Awaitable[Result]:
    """One fan-out size (bound with functools.partial: a lambda in a loop would share the last size)."""
    return fanout.run(kind, settings, waiters, transport)
