"""The command line as a user runs it: `python -m chatserver serve | create | export`."""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chatserver.cli import main
from chatserver.server import ServeOptions, browser_url
from chatserver.store import Store
from chatserver.timefmt import format_time, now_ms, parse_time
from tests.helpers import iso_in

START_TIMEOUT_S = 15.0
STOP_TIMEOUT_S = 5.0


# -- running the real program ------------------------------------------------------------------


async def admit_all(tx: object) -> None:
    """post_message's admission check, letting everything through."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run_cli(*args: str, cwd: Path | None = None, timeout: float = 15) -> subprocess.CompletedProcess[str]:
    """Run `python -m chatserver ARGS` to completion (a hang fails the test, it does not stall it)."""
    return subprocess.run(
        [sys.executable, "-m", "chatserver", *args],
        check=False,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
    )


class Server:
    """`python -m chatserver serve` on a free port, started and always stopped by the test."""

    def __init__(self, db: Path, *extra: str) -> None:
        self.port = free_port()
        self.log = db.with_suffix(".log")
        self._log_file = self.log.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "chatserver", "serve", "--port", str(self.port), "--db", str(db), *extra],
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
        )
        wait_for_port(self.proc, self.port, self.log)

    def request(
        self, method: str, path: str, body: Any = None, token: str | None = None, timeout: float = 10
    ) -> tuple[int, Any]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            send(conn, method, path, body, token)
            return read(conn.getresponse())
        finally:
            conn.close()

    def stop(self, sig: int = signal.SIGTERM) -> int:
        """Send sig and return the exit code; fails if the process outlives STOP_TIMEOUT_S."""
        self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"the server did not exit within {STOP_TIMEOUT_S} s of SIGTERM") from None

    def output(self) -> str:
        self._log_file.flush()
        return self.log.read_text(errors="replace")

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self._log_file.close()


def wait_for_port(
    proc: subprocess.Popen[Any], port: int, log: Path | None = None, timeout: float = START_TIMEOUT_S
) -> None:
    """Return once port accepts connections; fail if proc exits or timeout passes first."""
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            output = log.read_text(errors="replace") if log else ""
            raise AssertionError(f"the server exited with {proc.returncode} before listening:\n{output}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise AssertionError(f"the server did not listen on port {port} within {timeout} s") from None
            time.sleep(0.05)  # a connect attempt failed at once: retry shortly


def send(conn: http.client.HTTPConnection, method: str, path: str, body: Any = None, token: str | None = None) -> None:
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else (b"" if method == "POST" else None)
    conn.request(method, path, body=data, headers=headers)


def read(response: http.client.HTTPResponse) -> tuple[int, Any]:
    raw = response.read()
    if response.getheader("Content-Type", "").startswith("application/json"):
        return response.status, json.loads(raw)
    return response.status, raw.decode("utf-8", "replace")


@pytest.fixture
def server_factory(tmp_path: Path) -> Iterator[Any]:
    servers: list[Server] = []

    def start(db: Path | None = None, *extra: str) -> Server:
        server = Server(db or tmp_path / "chat.db", *extra)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


# -- serve -------------------------------------------------------------------------------------


def metric(server: Server, name: str) -> float:
    status, text = server.request("GET", "/metrics")
    assert status == 200
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    raise AssertionError(f"{name} is missing from /metrics:\n{text}")


def test_serve_answers_then_sigterm_answers_held_poll_and_leaves_a_clean_database(
    tmp_path: Path, server_factory: Any
) -> None:
    db = tmp_path / "chat.db"
    server = server_factory(db, "--max-wait", "55")

    status, created = server.request(
        "POST", "/api/events", {"title": "CLI test", "starts_at": iso_in(-60), "ends_at": iso_in(3600)}
    )
    assert status == 201, created
    slug = created["event"]["slug"]
    status, joined = server.request("POST", f"/api/events/{slug}/participants", {"nickname": "alice"})
    assert status == 201, joined
    token = joined["token"]
    for text in ("first", "second"):
        status, posted = server.request("POST", f"/api/events/{slug}/messages", {"body": text}, token=token)
        assert status == 201, posted
    status, page = server.request("GET", f"/api/events/{slug}/messages?after=0")
    assert status == 200
    cursor = page["cursor"]

    # Hold a poll with nothing newer to send, then stop the server under it.
    poll = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        send(poll, "GET", f"/api/events/{slug}/messages?after={cursor}&wait=30")
        deadline = time.monotonic() + 5
        while metric(server, "chatserver_held_polls") < 1:
            assert time.monotonic() < deadline, "the poll was never held"
            time.sleep(0.02)
        stopped_at = time.monotonic()
        server.proc.send_signal(signal.SIGTERM)
        status, held = read(poll.getresponse())
        answered_after = time.monotonic() - stopped_at
    finally:
        poll.close()
    assert status == 200, held
    assert held["messages"] == [] and held["cursor"] == cursor
    assert answered_after < 3, f"the held poll took {answered_after:.1f} s to be answered"

    try:
        code = server.proc.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"the server did not exit within {STOP_TIMEOUT_S} s of SIGTERM") from None
    assert code == 0, server.output()
    assert "Traceback" not in server.output()

    # Closed cleanly: the WAL was checkpointed into the file and the file is sound.
    wal = Path(f"{db}-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        bodies = [row[0] for row in conn.execute("SELECT body FROM items WHERE kind = 'message' ORDER BY id")]
    finally:
        conn.close()
    assert bodies == ["first", "second"]


def test_serve_restarts_on_the_same_database(tmp_path: Path, server_factory: Any) -> None:
    db = tmp_path / "chat.db"
    first = server_factory(db)
    status, created = first.request(
        "POST", "/api/events", {"title": "Kept", "starts_at": iso_in(-60), "ends_at": iso_in(3600)}
    )
    assert status == 201
    assert first.stop() == 0

    second = server_factory(db)
    status, body = second.request("GET", f"/api/events/{created['event']['slug']}")
    assert status == 200 and body["event"]["title"] == "Kept"
    assert second.stop() == 0


def wait_for_line(server: Server, line: str, timeout: float = START_TIMEOUT_S) -> None:
    """Return once the server has written this line; fail after timeout."""
    deadline = time.monotonic() + timeout
    while line not in server.output().splitlines():
        assert time.monotonic() < deadline, f"no line {line!r} in:\n{server.output()}"
        time.sleep(0.05)  # the line follows the listen by a moment: look again shortly


def test_serve_says_which_address_to_open(tmp_path: Path, server_factory: Any) -> None:
    server = server_factory(tmp_path / "chat.db")
    wait_for_line(server, f"Open http://127.0.0.1:{server.port}/ in your browser.")
    assert server.stop() == 0


def test_serve_says_the_public_url_when_there_is_one(tmp_path: Path, server_factory: Any) -> None:
    server = server_factory(tmp_path / "chat.db", "--public-url", "https://Chat.Example.org/")
    wait_for_line(server, "Open https://chat.example.org/ in your browser.")
    assert f":{server.port}/ in your browser" not in server.output()
    assert server.stop() == 0


@pytest.mark.parametrize(
    "host, url",
    [("0.0.0.0", "http://127.0.0.1:9000/"), ("::", "http://127.0.0.1:9000/"), ("::1", "http://[::1]:9000/")],
)
def test_the_address_to_open_is_one_a_browser_reaches(host: str, url: str) -> None:
    assert browser_url(ServeOptions(host=host, port=9000, db="chat.db")) == url


@pytest.mark.parametrize(
    "option, value",
    [
        ("--port", "abc"),
        ("--port", "70000"),
        ("--sync", "sometimes"),
        ("--max-wait", "-1"),
        ("--max-wait", "soon"),
        ("--rate-limit", "-2"),
        ("--rate-limit", "many"),
        ("--log-level", "loud"),
        ("--public-url", "https://chat.example.org/chat"),
        ("--public-url", "chat.example.org"),
    ],
)
def test_serve_refuses_a_bad_option(tmp_path: Path, option: str, value: str) -> None:
    result = run_cli("serve", "--port", "0", "--db", str(tmp_path / "chat.db"), option, value)
    assert result.returncode != 0
    assert f"argument {option}:" in result.stderr
    assert value in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "chat.db").exists()


def test_serve_refuses_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("shopping list: eggs, milk\n" * 20)
    result = run_cli("serve", "--port", "0", "--db", str(notes))
    assert result.returncode != 0
    assert "notes.txt is not an SQLite database" in result.stderr
    assert "Traceback" not in result.stderr
    assert notes.read_text() == "shopping list: eggs, milk\n" * 20


def test_serve_refuses_another_programs_database(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount INTEGER)")
    conn.execute("INSERT INTO invoices (amount) VALUES (42)")
    conn.commit()
    conn.close()
    result = run_cli("serve", "--port", "0", "--db", str(other))
    assert result.returncode != 0
    assert "another program" in result.stderr
    assert "Traceback" not in result.stderr
    conn = sqlite3.connect(other)
    try:
        assert conn.execute("SELECT amount FROM invoices").fetchall() == [(42,)]
        assert conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall() == [("invoices",)]
    finally:
        conn.close()


def test_serve_refuses_a_directory_as_database(tmp_path: Path) -> None:
    result = run_cli("serve", "--port", "0", "--db", str(tmp_path))
    assert result.returncode != 0
    assert "is a directory" in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_on_a_port_in_use_says_so_and_exits(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("serve", "--port", str(port), "--db", str(tmp_path / "chat.db"), timeout=3)
    assert result.returncode != 0
    assert "in use" in result.stderr
    assert "Traceback" not in result.stderr


def test_version() -> None:
    result = run_cli("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("chatserver ")


# -- create ------------------------------------------------------------------------------------


def test_create_prints_links_and_stores_the_event(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "chat.db"
    starts, ends = "2030-06-01T18:00:00+02:00", "2030-06-01T19:30:00+02:00"
    code = main(
        [
            "create",
            "--title",
            "Release party",
            "--starts-at",
            starts,
            "--ends-at",
            ends,
            "--description",
            "Bring questions.",
            "--unlisted",
            "--db",
            str(db),
            "--base-url",
            "https://chat.example.org/",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    room = next(line.split()[-1] for line in out.splitlines() if line.startswith("room:"))
    host = next(line.split()[-1] for line in out.splitlines() if line.startswith("host:"))
    assert room.startswith("https://chat.example.org/e/")
    slug = room.rsplit("/", 1)[1]
    assert host.startswith(f"https://chat.example.org/e/{slug}/host#key=")
    assert len(host.split("#key=", 1)[1]) >= 20

    async def load() -> Any:
        store = await Store.open(str(db))
        try:
            return await store.get_event(slug)
        finally:
            await store.close()

    event = asyncio.run(load())
    assert event.title == "Release party"
    assert event.description == "Bring questions."
    assert event.listed is False
    assert (event.starts_at, event.ends_at) == (parse_time(starts, "s"), parse_time(ends, "e"))


def test_create_with_a_rule_schedules_a_series_and_prints_its_link(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "chat.db"
    args = ["create", "--title", "Tornado weekly", "--starts-at", "2030-01-08T10:00:00+01:00"]
    args += ["--ends-at", "2030-01-08T11:00:00+01:00", "--rrule", "FREQ=WEEKLY;BYDAY=TU;COUNT=4"]
    code = main([*args, "--time-zone", "Europe/Berlin", "--db", str(db), "--public-url", "https://chat.example.org"])
    out = capsys.readouterr().out
    assert code == 0, out
    link = next(line.split()[-1] for line in out.splitlines() if line.startswith("series:"))
    host = next(line.split()[-1] for line in out.splitlines() if line.startswith("host:"))
    assert link.startswith("https://chat.example.org/s/") and host.startswith(link + "/host#key=")
    assert "next:     2030-01-08T09:00:00.000Z, 2030-01-15T09:00:00.000Z" in out

    async def load() -> Any:
        store = await Store.open(str(db))
        try:
            series = await store.get_series(link.rsplit("/", 1)[1])
            return series, await store.occurrences(series.slug)
        finally:
            await store.close()

    series, occurrences = asyncio.run(load())
    assert (series.rrule, series.time_zone) == ("FREQ=WEEKLY;BYDAY=TU;COUNT=4", "Europe/Berlin")
    assert [event.series for event in occurrences] == [series.slug, series.slug]

    # A rule without a zone, or a bad rule, is refused and stores nothing more.
    code = main([*args, "--db", str(db)])
    assert code == 2 and "time_zone" in capsys.readouterr().err
    code = main([*args[:-1], "FREQ=HOURLY", "--time-zone", "UTC", "--db", str(db)])
    assert code == 2 and "rrule" in capsys.readouterr().err
    assert len(asyncio.run(load())[1]) == 2


def test_erase_and_purge_take_the_words_and_keep_the_row(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "chat.db"

    async def seed() -> list[str]:
        store = await Store.open(str(db))
        try:
            slugs = []
            for title in ("Old one", "Newer one", "Still open"):
                event, _ = await store.create_event(title, "", now_ms() - 3_600_000, now_ms() + 3_600_000, True)
                person, _ = await store.join(event.id, "alice")
                await store.post_message(event.id, person, f"words of {title} 9q8w7e", None, _admit)
                if title != "Still open":
                    await store.close_event(event.id)
                slugs.append(event.slug)
            return slugs
        finally:
            await store.close()

    async def _admit(tx: Any) -> None:
        return None

    old, newer, still_open = asyncio.run(seed())
    soon = format_time(now_ms() + 60_000)
    # A dry run lists the closed ones and erases nothing.
    assert main(["purge", "--closed-before", soon, "--dry-run", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert f"would erase {old}" in out and f"would erase {newer}" in out and still_open not in out
    assert "2 event(s) to erase." in out
    assert b"9q8w7e" in _raw(db)
    # erase closes an open event first; purge takes the closed ones.
    assert main(["erase", still_open, "--db", str(db)]) == 0
    assert main(["purge", "--closed-before", soon, "--db", str(db)]) == 0
    assert "2 event(s) erased." in capsys.readouterr().out
    assert main(["purge", "--closed-before", soon, "--db", str(db)]) == 0
    assert "0 event(s) erased." in capsys.readouterr().out
    assert b"9q8w7e" not in _raw(db)
    assert main(["erase", "nosuchevent", "--db", str(db)]) == 1
    assert main(["purge", "--closed-before", "yesterday", "--db", str(db)]) == 2


def _raw(db: Path) -> bytes:
    """The database file and its WAL (when there is one), as on disk."""
    wal = Path(f"{db}-wal")
    return db.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def test_create_then_export_through_the_program(tmp_path: Path) -> None:
    db = tmp_path / "chat.db"
    result = run_cli(
        "create", "--title", "Listed", "--starts-at", iso_in(600), "--ends-at", iso_in(4200), "--db", str(db)
    )
    assert result.returncode == 0, result.stderr
    slug = next(line for line in result.stdout.splitlines() if line.startswith("room:")).rsplit("/", 1)[1]
    exported = run_cli("export", slug, "--format", "json", "--db", str(db))
    assert exported.returncode == 0, exported.stderr
    body = json.loads(exported.stdout)
    assert body["event"]["slug"] == slug
    assert body["event"]["state"] == "scheduled"
    assert body["event"]["listed"] is True
    assert body["messages"] == []


@pytest.mark.parametrize(
    "starts, ends, complaint",
    [
        ("2030-06-01T18:00:00", "2030-06-01T19:00:00Z", "starts_at"),
        ("2030-06-01T18:00:00Z", "2030-06-01 19:00", "ends_at"),
        ("2030-06-01T18:00:00Z", "2030-06-01T17:00:00Z", "ends_at must be after starts_at"),
        ("2020-06-01T18:00:00Z", "2020-06-01T19:00:00Z", "ends_at must be in the future"),
    ],
)
def test_create_refuses_bad_times(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], starts: str, ends: str, complaint: str
) -> None:
    db = tmp_path / "chat.db"
    code = main(["create", "--title", "T", "--starts-at", starts, "--ends-at", ends, "--db", str(db)])
    captured = capsys.readouterr()
    assert code == 2
    assert complaint in captured.err
    assert captured.out == ""


@pytest.mark.parametrize("option", ["--public-url", "--base-url"])
def test_create_prints_links_under_the_public_url(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], option: str
) -> None:
    code = main(
        [
            "create",
            "--title",
            "Release party",
            "--starts-at",
            iso_in(60),
            "--ends-at",
            iso_in(3600),
            "--db",
            str(tmp_path / "chat.db"),
            option,
            "HTTPS://Chat.Example.org/",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    links = [line.split()[-1] for line in out.splitlines() if line.startswith(("room:", "host:", "transcript:"))]
    assert len(links) == 3
    assert all(link.startswith("https://chat.example.org/e/") for link in links), links


@pytest.mark.parametrize(
    "value",
    [
        "chat.example.org",
        "https://chat.example.org/chat",
        "https://chat.example.org/?x=1",
        "https://chat.example.org/#top",
        "ftp://chat.example.org",
        "javascript:alert(1)",
        "https://user@chat.example.org",
        "https://",
        "https://chat.example.org:99999",
    ],
)
def test_create_refuses_a_public_url_that_is_not_an_origin(tmp_path: Path, value: str) -> None:
    db = tmp_path / "chat.db"
    result = run_cli(
        "create",
        "--title",
        "T",
        "--starts-at",
        iso_in(60),
        "--ends-at",
        iso_in(120),
        "--db",
        str(db),
        "--public-url",
        value,
    )
    assert result.returncode == 2
    assert "argument --public-url" in result.stderr and "such as https://chat.example.org" in result.stderr
    assert repr(value) in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert not db.exists()  # refused before anything was scheduled


def test_create_without_a_title_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli("create", "--starts-at", iso_in(60), "--ends-at", iso_in(120), "--db", str(tmp_path / "x.db"))
    assert result.returncode == 2
    assert "--title" in result.stderr


# -- export ------------------------------------------------------------------------------------


async def _event_with_messages(db: Path) -> str:
    """An open event with a join, messages (one multi-line, one retracted) and an announcement."""
    store = await Store.open(str(db))
    try:
        now = store.clock()
        event, _ = await store.create_event(
            "Weekly Tornado meeting", "Agenda:\nreleases", now - 60_000, now + 3_600_000, listed=True
        )
        alice, _ = await store.join(event.id, "alice")
        await store.post_message(event.id, alice, "hello", "c-1", admit=admit_all)
        await store.post_message(event.id, alice, "two\nlines", None, admit=admit_all)
        oops, _ = await store.post_message(event.id, alice, "oops, wrong room", None, admit=admit_all)
        await store.retract(event.id, oops.id)
        await store.announce(event.id, "Welcome, everyone")
        return event.slug
    finally:
        await store.close()


def test_export_txt(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "chat.db"
    slug = asyncio.run(_event_with_messages(db))
    assert main(["export", slug, "--format", "txt", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    header, _, body = out.partition("\n\n")
    assert header.splitlines()[0] == "# Weekly Tornado meeting"
    assert " UTC to " in header.splitlines()[1]
    assert header.splitlines()[2:] == ["# Agenda:", "# releases"]
    lines = [line.split("] ", 1)[1] if line.startswith("[") else line for line in body.splitlines()]
    assert lines == [
        "* The event is open.",
        "* alice joined.",
        "alice: hello",
        "alice: two",
        "    lines",
        "Announcement: Welcome, everyone",
    ]
    assert all(line.startswith("[") and " UTC] " in line or line.startswith("    ") for line in body.splitlines())
    assert "oops" not in out


def test_export_json_is_the_default_shape(tmp_path: Path) -> None:
    db = tmp_path / "chat.db"
    slug = asyncio.run(_event_with_messages(db))
    result = run_cli("export", slug, "--format", "json", "--db", str(db))
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    assert body["event"]["slug"] == slug and body["event"]["state"] == "open"
    kinds = [(item["kind"], item["body"]) for item in body["messages"]]
    assert kinds == [
        ("system", "The event is open."),
        ("system", "alice joined."),
        ("message", "hello"),
        ("message", "two\nlines"),
        ("announcement", "Welcome, everyone"),
    ]
    ids = [item["id"] for item in body["messages"]]
    assert ids == sorted(ids)
    assert body["messages"][2]["client_id"] == "c-1"


def test_export_defaults_to_txt(tmp_path: Path) -> None:
    db = tmp_path / "chat.db"
    slug = asyncio.run(_event_with_messages(db))
    result = run_cli("export", slug, "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("# Weekly Tornado meeting\n")


async def _event_with_a_private_line(db: Path) -> str:
    slug = await _event_with_messages(db)
    store = await Store.open(str(db))
    try:
        event = await store.get_event(slug)
        bob, _ = await store.join(event.id, "bob")
        await store.post_message(event.id, bob, "a word with the hosts", None, admit=admit_all, to="hosts")
        await store.post_as_staff(event.id, "host", "Ann", "noted, thanks", to=bob.id)
        return slug
    finally:
        await store.close()


def test_export_leaves_private_lines_out_unless_asked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "chat.db"
    slug = asyncio.run(_event_with_a_private_line(db))
    assert main(["export", slug, "--db", str(db)]) == 0
    public = capsys.readouterr().out
    assert "hello" in public and "hosts" not in public and "noted" not in public
    assert main(["export", slug, "--include-private", "--db", str(db)]) == 0
    hosts = capsys.readouterr().out
    assert "bob -> hosts (private): a word with the hosts" in hosts
    assert "Ann (host) -> bob (private): noted, thanks" in hosts
    assert main(["export", slug, "--include-private", "--format", "json", "--db", str(db)]) == 0
    private = [m for m in json.loads(capsys.readouterr().out)["messages"] if m.get("private")]
    assert [(m["body"], m["to"]) for m in private] == [("a word with the hosts", "hosts"), ("noted, thanks", 2)]


def test_export_of_an_unknown_slug(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "chat.db"
    asyncio.run(_event_with_messages(db))
    code = main(["export", "nosuchevent", "--db", str(db)])
    captured = capsys.readouterr()
    assert code != 0
    assert "no event" in captured.err
    assert captured.out == ""


def test_export_from_a_missing_database_creates_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "typo.db"
    result = run_cli("export", "abcdefgh", "--db", str(missing))
    assert result.returncode != 0
    assert f"no database at {missing}" in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(os.listdir(tmp_path)) == []


def test_export_from_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database\n")
    result = run_cli("export", "abcdefgh", "--db", str(notes))
    assert result.returncode != 0
    assert "is not an SQLite database" in result.stderr
    assert "Traceback" not in result.stderr
