"""Two server processes on one PostgreSQL database, behind a round-robin: posters racing on both,
pollers reading from both in turn, and every item delivered exactly once, in order."""

from __future__ import annotations

import asyncio
import itertools
import signal
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.helpers import iso_in
from tests.pgcluster import PostgresCluster
from tests.serverproc import ServerProcess
from tests.test_cli import run_cli
from tests.test_sse import EventStream
from tests.waiting import until_sync

POSTERS = 6
POSTS_EACH = 25
POLLERS = 4


@contextmanager
def two_processes(dsn: str, *options: str) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    """Two server processes on one PostgreSQL database, their logs drained, killed at the end."""
    with ServerProcess(dsn, *options) as first, ServerProcess(dsn, *options) as second:
        first.drain_output()
        second.drain_output()
        yield first, second


class RoundRobin:
    """Sends each request to the next server in turn, as a load balancer would."""

    def __init__(self, servers: list[ServerProcess]) -> None:
        self.servers = servers
        self._turn = itertools.cycle(range(len(servers)))
        self._lock = threading.Lock()

    def request(
        self, method: str, path: str, body: Any = None, token: str | None = None, timeout: float = 10
    ) -> tuple[int, Any]:
        with self._lock:
            server = self.servers[next(self._turn)]
        return server.request(method, path, body, token=token, timeout=timeout)


def test_two_processes_deliver_every_item_once_in_order(postgres_cluster: PostgresCluster) -> None:
    dsn = postgres_cluster.new_database()
    options = ("--rate-limit", "0", "--join-limit", "0", "--log-level", "warning")
    with two_processes(dsn, *options) as (first, second):
        both = RoundRobin([first, second])
        status, created = both.request(
            "POST", "/api/events", {"title": "Shared", "starts_at": iso_in(-60), "ends_at": iso_in(3600)}
        )
        assert status == 201, created
        slug = created["event"]["slug"]
        tokens = []
        for n in range(POSTERS):
            status, joined = both.request("POST", f"/api/events/{slug}/participants", {"nickname": f"p{n}"})
            assert status == 201, joined
            tokens.append(joined["token"])
        start = both.request("GET", f"/api/events/{slug}/messages?after=0&limit=1000")[1]["cursor"]

        acknowledged: list[int] = []
        received: list[list[int]] = [[] for _ in range(POLLERS)]
        posting_done = threading.Event()
        failures: list[str] = []

        def post(n: int) -> None:
            for k in range(POSTS_EACH):
                status, reply = both.request(
                    "POST",
                    f"/api/events/{slug}/messages",
                    {"body": f"p{n} m{k}", "client_id": f"p{n}-{k}"},
                    token=tokens[n],
                )
                if status != 201:
                    failures.append(f"post p{n}-{k}: {status} {reply}")
                    return
                acknowledged.append(reply["message"]["id"])

        def poll(n: int) -> None:
            cursor = start
            expected = start + POSTERS * POSTS_EACH  # nothing but the posts comes after start
            while cursor < expected:
                status, page = both.request("GET", f"/api/events/{slug}/messages?after={cursor}&wait=2")
                if status != 200:
                    failures.append(f"poll {n} after {cursor}: {status} {page}")
                    return
                received[n].extend(item["id"] for item in page["messages"])
                cursor = page["cursor"]
                if posting_done.is_set() and not page["messages"] and cursor < expected:
                    failures.append(f"poll {n} stalled at {cursor} of {expected}")
                    return

        pollers = [threading.Thread(target=poll, args=(n,)) for n in range(POLLERS)]
        posters = [threading.Thread(target=post, args=(n,)) for n in range(POSTERS)]
        for thread in pollers + posters:
            thread.start()
        for thread in posters:
            thread.join(timeout=60)
        posting_done.set()
        for thread in pollers:
            thread.join(timeout=60)
        assert not failures, failures[:5]

        stream = both.request("GET", f"/api/events/{slug}/messages?after=0&limit=1000")[1]["messages"]
        ids = [item["id"] for item in stream]
        assert ids == list(range(1, len(ids) + 1))  # dense and ascending: no id skipped or reused
        messages = [item for item in stream if item["kind"] == "message"]
        assert sorted(item["id"] for item in messages) == sorted(acknowledged)
        assert len({item["client_id"] for item in messages}) == POSTERS * POSTS_EACH
        for n in range(POLLERS):
            # Each poller, served by both processes in turn, saw the stream exactly: no gap, no repeat.
            assert received[n] == [i for i in ids if i > start], f"poller {n}"
        # Both processes appended: the race was real.
        assert all(server.proc.poll() is None for server in (first, second))


def test_boundaries_are_appended_once_with_two_processes(postgres_cluster: PostgresCluster) -> None:
    dsn = postgres_cluster.new_database()
    options = ("--log-level", "warning")
    with two_processes(dsn, *options) as (first, second):
        both = RoundRobin([first, second])
        # Opens a second from now and closes a second later: both schedulers race for both items.
        status, created = both.request(
            "POST", "/api/events", {"title": "Boundaries", "starts_at": iso_in(1), "ends_at": iso_in(2)}
        )
        assert status == 201, created
        slug = created["event"]["slug"]
        cursor, codes = 0, []
        deadline = time.monotonic() + 30
        while "closed" not in codes:  # each poll is held until the next boundary (or 3 s)
            assert time.monotonic() < deadline, f"the boundaries never all came: {codes}"
            status, page = both.request("GET", f"/api/events/{slug}/messages?after={cursor}&wait=3")
            assert status == 200, page
            codes += [item.get("code") for item in page["messages"] if item["kind"] == "system"]
            cursor = page["cursor"]
        stream = both.request("GET", f"/api/events/{slug}/messages?after=0")[1]["messages"]
        assert [item["code"] for item in stream if item["kind"] == "system"] == ["opened", "closed"]


def test_limits_and_presence_are_shared_by_the_processes(postgres_cluster: PostgresCluster) -> None:
    dsn = postgres_cluster.new_database()
    options = ("--rate-limit", "3", "--join-limit", "2", "--log-level", "warning")
    with two_processes(dsn, *options) as (first, second):
        status, created = first.request(
            "POST", "/api/events", {"title": "Limits", "starts_at": iso_in(-60), "ends_at": iso_in(3600)}
        )
        slug = created["event"]["slug"]
        # Joins per address: one on each process, then the third is refused wherever it goes.
        assert first.request("POST", f"/api/events/{slug}/participants", {"nickname": "ann"})[0] == 201
        status, bob = second.request("POST", f"/api/events/{slug}/participants", {"nickname": "bob"})
        assert status == 201
        status, refused = first.request("POST", f"/api/events/{slug}/participants", {"nickname": "cy"})
        assert status == 429 and "joins from your address" in refused["error"]["message"]
        # Posts per participant: three accepted across both processes, the fourth refused.
        token = bob["token"]
        for n, server in enumerate([first, second, first]):
            assert server.request("POST", f"/api/events/{slug}/messages", {"body": f"m{n}"}, token=token)[0] == 201
        status, refused = second.request("POST", f"/api/events/{slug}/messages", {"body": "m3"}, token=token)
        assert status == 429 and refused["error"]["code"] == "rate_limited"

        # Presence: bob polls on the second process; the first one's list shows him online soon.
        def bob_online() -> bool:
            participants = first.request("GET", f"/api/events/{slug}/participants")[1]["participants"]
            return next(p["online"] for p in participants if p["nickname"] == "bob")

        second.request("GET", f"/api/events/{slug}/messages?after=0", token=token)
        until_sync(bob_online, timeout=10, what="bob, seen on one process, to show online on the other")


def test_an_outage_of_postgresql_loses_nothing_and_held_polls_are_answered_after_it() -> None:
    # A cluster of its own: this test stops it, and the session's cluster serves the others.
    with PostgresCluster() as cluster:
        dsn = cluster.new_database()
        with two_processes(dsn, "--log-level", "warning") as (first, second):
            _, created = first.request(
                "POST", "/api/events", {"title": "Outage", "starts_at": iso_in(-60), "ends_at": iso_in(3600)}
            )
            slug = created["event"]["slug"]
            _, joined = first.request("POST", f"/api/events/{slug}/participants", {"nickname": "ann"})
            token = joined["token"]
            _, before = first.request("POST", f"/api/events/{slug}/messages", {"body": "before"}, token=token)
            cursor = before["message"]["id"]
            # A poll held on the second process across the outage.
            answer: list[tuple[int, Any]] = []
            held = threading.Thread(
                target=lambda: answer.append(
                    second.request("GET", f"/api/events/{slug}/messages?after={cursor}&wait=30", timeout=40)
                )
            )
            held.start()
            until_sync(lambda: _gauge(second, "chatserver_held_polls") == 1, what="the poll to be held")

            cluster.halt()
            status, refused = first.request("POST", f"/api/events/{slug}/messages", {"body": "lost?"}, token=token)
            assert status == 503 and refused["error"]["code"] == "storage_unavailable"  # not acknowledged
            status, page = second.request("GET", f"/api/events/{slug}/messages?after=0")
            assert status in (200, 503)  # never a 500
            cluster.resume()

            def posted_after() -> bool:  # the pool connects again on the next request
                status, reply = first.request("POST", f"/api/events/{slug}/messages", {"body": "after"}, token=token)
                assert status in (201, 503), (status, reply)  # refused while down, never a 500
                return status == 201

            until_sync(posted_after, timeout=15, what="a post to be accepted after the outage", every=0.2)
            held.join(timeout=40)
            # The second process listens again (with backoff) and hands the held poll the new item.
            assert answer and answer[0][0] == 200
            assert [m["body"] for m in answer[0][1]["messages"]] == ["after"]
            _, stream = second.request("GET", f"/api/events/{slug}/messages?after=0")
            bodies = [m["body"] for m in stream["messages"] if m["kind"] == "message"]
            assert bodies == ["before", "after"]


def test_serve_processes_shares_one_port_and_stops_whole_on_sigterm(postgres_cluster: PostgresCluster) -> None:
    dsn = postgres_cluster.new_database()
    with ServerProcess(dsn, "--processes", "2", "--log-level", "warning") as server:
        log = server.drain_output()
        until_sync(lambda: len(_children(server.proc.pid)) == 2, timeout=10, what="two workers to start")
        workers = _children(server.proc.pid)
        status, created = server.request(
            "POST", "/api/events", {"title": "Forked", "starts_at": iso_in(-60), "ends_at": iso_in(3600)}
        )
        assert status == 201
        for _ in range(6):  # whichever worker accepts, the event is there
            assert server.request("GET", f"/api/events/{created['event']['slug']}")[0] == 200
        server.proc.send_signal(signal.SIGTERM)
        code = server.proc.wait(timeout=20)
        assert code == 0, "\n".join(log)  # the parent names a worker that failed
        for worker in workers:
            assert not Path(f"/proc/{worker}").exists() or _zombie(worker), f"worker {worker} outlived the parent"


def _children(pid: int) -> list[int]:
    """The live processes whose parent is pid."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def test_processes_and_backup_need_the_right_engine(tmp_path: Path) -> None:
    many = run_cli("serve", "--processes", "2", "--db", str(tmp_path / "chat.db"))
    assert many.returncode == 2 and "--processes needs a shared database" in many.stderr
    backup = run_cli("backup", str(tmp_path / "out.db"), "--db", "postgresql://nobody@127.0.0.1:1/none")
    assert backup.returncode == 2 and "pg_dump" in backup.stderr and "Traceback" not in backup.stderr


async def test_an_sse_stream_on_one_process_carries_what_the_other_commits(postgres_cluster: PostgresCluster) -> None:
    dsn = postgres_cluster.new_database()
    with two_processes(dsn, "--log-level", "warning") as (first, second):
        _, created = first.request(
            "POST", "/api/events", {"title": "Streams", "starts_at": iso_in(-60), "ends_at": iso_in(3600)}
        )
        slug = created["event"]["slug"]
        _, joined = first.request("POST", f"/api/events/{slug}/participants", {"nickname": "ann"})
        cursor = second.request("GET", f"/api/events/{slug}/messages?after=0")[1]["cursor"]
        stream = await EventStream.open(second.port, f"/api/events/{slug}/stream?after={cursor}")
        try:
            assert stream.status == 200
            assert (await stream.event() or {}).get("event") == "state"
            posted = []
            for n in range(5):
                status, reply = await asyncio.to_thread(
                    first.request, "POST", f"/api/events/{slug}/messages", {"body": f"m{n}"}, joined["token"]
                )
                assert status == 201
                posted.append(reply["message"]["id"])
            assert [item["id"] for item in await stream.items(len(posted))] == posted
        finally:
            stream.writer.close()


def _gauge(server: ServerProcess, name: str) -> float:
    """A gauge of /metrics, read from one server process."""
    with urllib.request.urlopen(server.base + "/metrics", timeout=10) as answer:
        text = answer.read().decode()
    return float(next(line.split()[1] for line in text.splitlines() if line.startswith(name + " ")))


async def test_a_call_signal_reaches_a_stream_on_the_other_process(postgres_cluster: PostgresCluster) -> None:
    """Signals are never stored: the process that takes one tells the other by NOTIFY (a 15 KiB one
    in parts), whose streams and polls give it to its recipient alone; one call, rung on one
    process and hung up on the other, gets one `call` item."""
    dsn = postgres_cluster.new_database()
    with two_processes(dsn, "--log-level", "warning", "--signal-limit", "0") as (first, second):
        body = {"title": "Calls", "starts_at": iso_in(-60), "ends_at": iso_in(3600), "direct_messages": "everyone"}
        slug = first.request("POST", "/api/events", body)[1]["event"]["slug"]
        people = {}
        for name in ("ann", "bob", "cleo"):
            joined = first.request("POST", f"/api/events/{slug}/participants", {"nickname": name})[1]
            people[name] = (joined["participant"]["id"], joined["token"])
        cursor = second.request("GET", f"/api/events/{slug}/messages?after=0")[1]["cursor"]
        stream = await EventStream.open(
            second.port, f"/api/events/{slug}/stream?after={cursor}", token=people["bob"][1]
        )
        try:
            assert (await stream.event() or {}).get("event") == "state"
            offer = {"sdp": "v=0 " + "a" * 15_000}
            status, _ = await asyncio.to_thread(
                first.request, "POST", f"/api/events/{slug}/calls/signals",
                {"to": people["bob"][0], "call_id": "x1", "type": "offer", "data": offer}, people["ann"][1],
            )  # fmt: skip
            assert status == 202
            framed = await stream.event()
            assert framed is not None and framed["event"] == "signal" and framed["data"]["data"] == offer
        finally:
            stream.writer.close()
        url = f"/api/events/{slug}/messages?after=0&signals=1"
        assert [s["call_id"] for s in second.request("GET", url, token=people["bob"][1])[1]["signals"]] == ["x1"]
        assert second.request("GET", url, token=people["cleo"][1])[1]["signals"] == []
        assert second.request("GET", url)[1]["signals"] == []

        def signal(server: ServerProcess, who: str, to: str, kind: str, data: Any = None) -> None:
            body = {"to": people[to][0], "call_id": "r1", "type": kind, "data": data}
            assert server.request("POST", f"/api/events/{slug}/calls/signals", body, token=people[who][1])[0] == 202

        signal(first, "ann", "bob", "ring", {"media": "video"})
        time.sleep(0.5)  # the ring's note reaches the other process
        signal(second, "bob", "ann", "answer")

        def kept(server: ServerProcess, who: str, kind: str, data: Any = None) -> int:
            got = server.request("GET", url, token=people[who][1])[1]["signals"]
            return sum(s["type"] == kind and (data is None or s["data"] == data) for s in got)

        # Both processes track the answer; the one that took it alone tells bob's other devices.
        elsewhere = {"reason": "answered_elsewhere"}
        until_sync(lambda: kept(first, "ann", "answer") == 1 and kept(first, "bob", "hangup", elsewhere) == 1)
        signal(first, "ann", "bob", "candidate")  # sent after the first process tracked the answer
        until_sync(lambda: kept(second, "bob", "candidate") == 1, what="the candidate on the second process")
        assert kept(first, "bob", "hangup", elsewhere) == kept(second, "bob", "hangup", elsewhere) == 1
        assert kept(first, "ann", "hangup") == kept(second, "ann", "hangup") == 0
        signal(second, "bob", "ann", "hangup")
        signal(first, "ann", "bob", "hangup")  # both sides hang up, one on each process

        def call_items(server: ServerProcess, who: str) -> list[Any]:
            page = server.request("GET", f"/api/events/{slug}/messages?after=0", token=people[who][1])[1]
            return [item for item in page["messages"] if item["kind"] == "call"]

        until_sync(lambda: len(call_items(first, "ann")) == 1, what="the call item")
        time.sleep(0.5)
        for server in (first, second):
            (item,) = call_items(server, "bob")
            assert item["call_id"] == "r1" and item["missed"] is False and item["media"] == "video"
            assert call_items(server, "cleo") == []
