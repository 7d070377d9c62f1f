"""Crash safety under load: SIGKILL mid-traffic loses no acknowledged post, duplicates none, and
pollers following `cursor` across the restart see every item exactly once."""

from __future__ import annotations

import functools
import http.client
import itertools
import json
import random
import shutil
import signal
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import iso_in
from tests.serverproc import ServerProcess

POSTERS = 4
POLLERS = 3
# Posts each poster gets acknowledged by the new server before the load stops.
POSTS_AFTER_RESTART = 15
# One kill point in each quarter of 0.2–1.5 s, seeded so a failure can be rerun as it was.
_rng = random.Random(20261121)
KILL_DELAYS = [round(0.2 + quarter * 0.325 + _rng.uniform(0, 0.325), 3) for quarter in range(4)]

ItemKey = tuple[int, str, str | None, str]  # (id, kind, client_id, body): what must match across the restart


class LoadFailure(Exception):
    """Something a worker thread saw that the test must fail on."""


def start_server(db: Path, stack: ExitStack) -> ServerProcess:
    """A server on db, killed when the stack closes; its log is printed then (pytest shows it on failure)."""
    # --log-level warning: the access log of thousands of requests is noise here.
    server = stack.enter_context(ServerProcess(db, "--rate-limit", "0", "--log-level", "warning"))
    lines = server.drain_output()
    stack.callback(lambda: print(f"--- log of the server on port {server.port} ---", *lines[-50:], sep="\n"))
    return server


def call(
    port: int, method: str, path: str, body: Any = None, token: str | None = None, timeout: float = 10
) -> tuple[int, Any]:
    """One request on a fresh connection; connection errors propagate to the caller."""
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=json.dumps(body).encode() if body is not None else None, headers=headers)
        resp = conn.getresponse()
        return resp.status, json.loads(resp.read() or b"null")
    finally:
        conn.close()


class Servers:
    """The server the load talks to: the first one until it is killed, then the one restarted on its file."""

    def __init__(self, first: ServerProcess) -> None:
        self.target: tuple[int, ServerProcess] = (0, first)  # (generation, server), swapped in one assignment
        self.killed = threading.Event()
        self.restarted = threading.Event()

    def send(
        self, method: str, path: str, body: Any = None, token: str | None = None, timeout: float = 10
    ) -> tuple[int, Any, int, bool]:
        """Send; if the first server dies under the request, resend it unchanged to the new one.

        Returns (status, body, generation that answered, whether it was resent)."""
        resent = False
        while True:
            generation, server = self.target
            try:
                status, reply = call(server.port, method, path, body, token, timeout)
                return status, reply, generation, resent
            except (OSError, http.client.HTTPException) as exc:
                if generation > 0 or not self.killed.is_set():
                    raise LoadFailure(f"{method} {path} to server #{generation}: {exc!r}") from exc
                if not self.restarted.wait(20):
                    raise LoadFailure("the server was not restarted within 20 s") from exc
                resent = True


def full_stream(port: int, slug: str) -> list[dict[str, Any]]:
    """Every item of the event, following the cursor from 0 in pages of 1000."""
    items: list[dict[str, Any]] = []
    after = 0
    while True:
        status, page = call(port, "GET", f"/api/events/{slug}/messages?after={after}&limit=1000")
        assert status == 200, page
        items += page["messages"]
        after = page["cursor"]
        if not page["more"]:
            return items


def key(item: dict[str, Any]) -> ItemKey:
    return item["id"], item["kind"], item.get("client_id"), item["body"]


def snapshot(db: Path, into: Path, slug: str) -> list[ItemKey]:
    """The event's items as the killed server left them on disk.

    A copy is read, not the file itself, so that closing this connection cannot checkpoint the WAL
    and spare the restarted server its own recovery."""
    into.mkdir()
    for suffix in ("", "-wal"):
        if Path(f"{db}{suffix}").exists():
            shutil.copyfile(f"{db}{suffix}", into / f"chat.db{suffix}")
    conn = sqlite3.connect(into / "chat.db")
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return conn.execute(
            "SELECT i.id, i.kind, i.client_id, i.body FROM items i JOIN events e ON e.id = i.event_id"
            " WHERE e.slug = ? ORDER BY i.id",
            (slug,),
        ).fetchall()
    finally:
        conn.close()


def first_difference(got: list[ItemKey], want: list[ItemKey]) -> str:
    """Where a poller's items part from the stream's, for the failure message."""
    for index, (a, b) in enumerate(zip(got, want, strict=False)):  # they may differ in length
        if a != b:
            return f"item {index}: got {a}, the stream has {b}"
    return f"got {len(got)} items, the stream has {len(want)}"


@pytest.mark.parametrize("kill_after", KILL_DELAYS, ids=[f"kill-at-{d}s" for d in KILL_DELAYS])
def test_sigkill_under_load_loses_and_repeats_nothing(tmp_path: Path, kill_after: float) -> None:
    db = tmp_path / "chat.db"
    with ExitStack() as stack:
        first = start_server(db, stack)
        status, created = call(
            first.port,
            "POST",
            "/api/events",
            {"title": "Crash under load", "starts_at": iso_in(-60), "ends_at": iso_in(3600)},
        )
        assert status == 201, created
        slug, host_key = created["event"]["slug"], created["host_key"]
        tokens = []
        for n in range(POSTERS):
            status, joined = call(first.port, "POST", f"/api/events/{slug}/participants", {"nickname": f"poster{n}"})
            assert status == 201, joined
            tokens.append(joined["token"])
        status, page = call(first.port, "GET", f"/api/events/{slug}/messages?after=0&limit=1000")
        base_cursor = page["cursor"]

        servers = Servers(first)
        stop_posting = threading.Event()
        first_ack = threading.Event()
        final_newest: list[int] = []  # set once, when the load is over: where the pollers stop
        failures: list[tuple[str, BaseException]] = []  # (poster or poller, what it raised)
        acked: dict[str, tuple[int, int]] = {}  # client_id -> (item id, generation that acknowledged)
        in_doubt: dict[str, tuple[int, int]] = {}  # client_id -> (status of the resend, item id)
        posted_after_restart = [threading.Event() for _ in range(POSTERS)]
        # Poller 0 reads from the very start, the others from the load's start; poller 2 in small pages.
        starts = [0] + [base_cursor] * (POLLERS - 1)
        limits = ["", "", "&limit=7"]
        received: list[list[ItemKey]] = [[] for _ in range(POLLERS)]

        def worker(role: str, target: Callable[[], None]) -> threading.Thread:
            def run() -> None:
                try:
                    target()
                except BaseException as exc:  # noqa: BLE001 - the main thread raises it
                    failures.append((role, exc))
                    stop_posting.set()
                    first_ack.set()
                    for done in posted_after_restart:
                        done.set()

            thread = threading.Thread(target=run, daemon=True)
            thread.start()
            return thread

        def poster(n: int) -> None:
            after_restart = 0
            for seq in range(10**9):
                if stop_posting.is_set():
                    return
                client_id = f"p{n}-{seq}"
                status, reply, generation, resent = servers.send(
                    "POST",
                    f"/api/events/{slug}/messages",
                    {"body": f"{client_id} says hello", "client_id": client_id},
                    token=tokens[n],
                )
                if resent:
                    assert status in (200, 201), (client_id, status, reply)
                    in_doubt[client_id] = (status, reply["message"]["id"])
                else:
                    assert status == 201, (client_id, status, reply)
                assert reply["message"]["client_id"] == client_id, reply
                acked[client_id] = (reply["message"]["id"], generation)
                first_ack.set()
                if generation == 1:
                    after_restart += 1
                    if after_restart == POSTS_AFTER_RESTART:
                        posted_after_restart[n].set()

        def poller(n: int) -> None:
            cursor = starts[n]
            while not (final_newest and cursor >= final_newest[0]):
                status, page, _, _ = servers.send(
                    "GET", f"/api/events/{slug}/messages?after={cursor}&wait=1{limits[n]}"
                )
                assert status == 200, (n, cursor, status, page)
                items = [key(m) for m in page["messages"]]
                assert page["cursor"] == (items[-1][0] if items else cursor), (n, cursor, page)
                received[n] += items
                cursor = page["cursor"]

        posters = [worker("poster", functools.partial(poster, n)) for n in range(POSTERS)]
        pollers = [worker("poller", functools.partial(poller, n)) for n in range(POLLERS)]

        assert first_ack.wait(10), "no post was acknowledged"
        time.sleep(kill_after)  # the kill point itself: nothing to wait for but the clock
        servers.killed.set()
        first.proc.send_signal(signal.SIGKILL)
        first.proc.wait(timeout=10)
        at_kill = snapshot(db, tmp_path / "at-kill", slug)

        second = start_server(db, stack)
        servers.target = (1, second)
        servers.restarted.set()

        for done in posted_after_restart:
            assert done.wait(15), f"posting did not resume after the restart; {failures!r}"
        stop_posting.set()
        for thread in posters:
            thread.join(10)
        # A host announcement after the last post marks the end and wakes the held polls at once.
        status, marker = call(
            second.port, "POST", f"/api/events/{slug}/announcements", {"body": "end of load"}, token=host_key
        )
        assert status == 201, marker
        stream = full_stream(second.port, slug)
        assert stream[-1]["id"] == marker["message"]["id"]
        final_newest.append(stream[-1]["id"])
        for thread in pollers:
            thread.join(15)
        assert not any(thread.is_alive() for thread in posters + pollers), "a worker did not finish"
        for role, exc in failures:
            if role == "poster":  # the posts' record is incomplete: nothing below would be meaningful
                raise exc

    on_disk = {cid: id_ for id_, kind, cid, _ in at_kill if kind == "message"}
    on_disk_newest = at_kill[-1][0]
    ids = [item["id"] for item in stream]
    messages = [item for item in stream if item["kind"] == "message"]
    before_kill = sum(1 for _, generation in acked.values() if generation == 0)
    committed_in_doubt = sum(1 for cid in in_doubt if cid in on_disk)
    print(
        f"\nkill after {kill_after} s: {before_kill} posts acknowledged before the kill, "
        f"{len(acked) - before_kill} after; {len(in_doubt)} unanswered at the kill "
        f"and resent ({committed_in_doubt} of them had been committed); {len(stream)} items; "
        f"pollers received {[len(r) for r in received]}"
    )

    # The stream itself: ids strictly increasing, no client_id twice among messages.
    assert ids == sorted(set(ids)), "the stream's ids are not strictly increasing"
    twice = sorted(cid for cid, count in Counter(m["client_id"] for m in messages).items() if count > 1)
    assert not twice, f"client_ids stored more than once: {twice}"

    # Every acknowledged post is in the stream exactly once, under the id it was acknowledged
    # with, and nothing else was stored (every post that reached the server was acknowledged).
    stored = {m["client_id"]: m["id"] for m in messages}
    lost = sorted(cid for cid in acked if cid not in stored)
    unacknowledged = sorted(cid for cid in stored if cid not in acked)
    moved = sorted(cid for cid, (id_, _) in acked.items() if cid in stored and stored[cid] != id_)
    assert not lost, f"acknowledged posts missing from the stream: {lost}"
    assert not unacknowledged, f"posts stored that were never acknowledged: {unacknowledged}"
    assert not moved, f"posts stored under another id than acknowledged: {moved}"
    for m in messages:
        assert m["body"] == f"{m['client_id']} says hello", m

    # What the killed server acknowledged was on disk when it died, and the new server kept all of it.
    for cid, (id_, generation) in acked.items():
        if generation == 0:
            assert on_disk.get(cid) == id_, f"{cid} was acknowledged as {id_} but is not on disk after the kill"
    assert [key(item) for item in stream if item["id"] <= on_disk_newest] == at_kill

    # A post unanswered at the kill: resent with its client_id, it is answered 200 with the first
    # item if that had been committed, or stored now (201) if not.
    for cid, (status, id_) in in_doubt.items():
        if cid in on_disk:
            assert (status, id_) == (200, on_disk[cid]), (cid, status, id_, on_disk[cid])
        else:
            assert status == 201 and id_ > on_disk_newest, (cid, status, id_, on_disk_newest)

    # A poller that failed (e.g. 409 cursor_ahead: it was given an item the crash then lost) fails
    # the test here, after the posts' checks above have said what was lost.
    if failures:
        raise failures[0][1]
    # Each poller, across the restart, got exactly the stream after where it started: no gap, no repeat.
    for n, got in enumerate(received):
        got_ids = [item[0] for item in got]
        assert all(a < b for a, b in itertools.pairwise(got_ids)), f"poller {n} got ids out of order or twice"
        want = [key(item) for item in stream if item["id"] > starts[n]]
        assert got == want, f"poller {n} differs from the stream after {starts[n]}: {first_difference(got, want)}"
