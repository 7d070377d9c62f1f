"""`chatserver backup`: an online copy of a running server's database, usable as a database."""

from __future__ import annotations

import json
import sqlite3
import threading
import urllib.request
from pathlib import Path

from tests.files_helpers import multipart
from tests.helpers import iso_in
from tests.serverproc import ServerProcess
from tests.test_cli import run_cli


def test_backup_while_the_server_takes_posts(tmp_path: Path) -> None:
    db, copy = tmp_path / "chat.db", tmp_path / "copy.db"
    with ServerProcess(db, "--rate-limit", "0") as server:
        _, created = server.request(
            "POST", "/api/events", {"title": "Backed up", "starts_at": iso_in(-60), "ends_at": iso_in(3600)}
        )
        slug = created["event"]["slug"]
        _, joined = server.request("POST", f"/api/events/{slug}/participants", {"nickname": "alice"})
        before = []
        for n in range(20):
            _, reply = server.request("POST", f"/api/events/{slug}/messages", {"body": f"m{n}"}, token=joined["token"])
            before.append(reply["message"]["id"])
        # Posts keep arriving while the backup runs: it must neither block them nor copy half a commit.
        stop, during = threading.Event(), []

        def keep_posting() -> None:
            while not stop.is_set():
                status, reply = server.request(
                    "POST", f"/api/events/{slug}/messages", {"body": "during"}, token=joined["token"]
                )
                assert status == 201
                during.append(reply["message"]["id"])

        poster = threading.Thread(target=keep_posting)
        poster.start()
        try:
            result = run_cli("backup", str(copy), "--db", str(db))
        finally:
            stop.set()
            poster.join(timeout=10)
        assert result.returncode == 0, result.stderr
        assert f"to {copy}" in result.stdout and "items" in result.stdout
        assert during, "no post ran during the backup"

    with sqlite3.connect(copy) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        copied = [row[0] for row in conn.execute("SELECT id FROM items WHERE kind = 'message' ORDER BY id")]
    # A snapshot: everything acknowledged before the backup, then a prefix of what came during it.
    assert copied[: len(before)] == before
    assert copied[len(before) :] == during[: len(copied) - len(before)]
    assert not list(tmp_path.glob("*.partial"))

    # The copy is a chatserver database: a server started on it serves the room.
    with ServerProcess(copy) as restored:
        status, page = restored.request("GET", f"/api/events/{slug}/messages?after=0&limit=1000")
        assert status == 200
        assert [m["id"] for m in page["messages"] if m["kind"] == "message"] == copied


def test_backup_refuses_to_overwrite_or_copy_a_foreign_file(tmp_path: Path) -> None:
    db, taken = tmp_path / "chat.db", tmp_path / "taken.db"
    with ServerProcess(db):
        pass
    taken.write_bytes(b"precious")
    result = run_cli("backup", str(taken), "--db", str(db))
    assert result.returncode == 1 and "already exists" in result.stderr
    assert taken.read_bytes() == b"precious"

    foreign = tmp_path / "other.db"
    sqlite3.connect(foreign).execute("CREATE TABLE t (x)").connection.close()
    result = run_cli("backup", str(tmp_path / "out.db"), "--db", str(foreign))
    assert result.returncode == 1 and "not a chatserver database" in result.stderr
    assert not (tmp_path / "out.db").exists()

    missing = run_cli("backup", str(tmp_path / "out.db"), "--db", str(tmp_path / "missing.db"))
    assert missing.returncode == 1 and "no database at" in missing.stderr
    assert "Traceback" not in result.stderr + missing.stderr


def test_a_backup_holds_the_files_of_the_messages(tmp_path: Path) -> None:
    db, copy = tmp_path / "chat.db", tmp_path / "copy.db"
    notes = b"The agenda, in a file.\n" * 20_000  # beyond one 256 KiB chunk
    with ServerProcess(db) as server:
        _, created = server.request(
            "POST", "/api/events", {"title": "Files", "starts_at": iso_in(-60), "ends_at": iso_in(3600)}
        )
        slug = created["event"]["slug"]
        _, joined = server.request("POST", f"/api/events/{slug}/participants", {"nickname": "alice"})
        body, content_type = multipart([("file", "agenda.txt", notes)])
        request = urllib.request.Request(
            f"{server.base}/api/events/{slug}/files",
            data=body,
            headers={"Content-Type": content_type, "Authorization": f"Bearer {joined['token']}"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            file = json.loads(response.read())["file"]
        status, _ = server.request(
            "POST", f"/api/events/{slug}/messages", {"files": [file["id"]]}, token=joined["token"]
        )
        assert status == 201
        result = run_cli("backup", str(copy), "--db", str(db))
        assert result.returncode == 0 and "1 files" in result.stdout, result.stdout
    with ServerProcess(copy) as restored, urllib.request.urlopen(restored.base + file["url"], timeout=10) as served:
        assert served.read() == notes
