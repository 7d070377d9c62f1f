"""A 100,000-item transcript is streamed page by page, in both formats, in bounded memory."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tornado.httpclient import AsyncHTTPClient

from tests.conftest import Chat
from tests.helpers import Api

ITEMS = 100_000


def _fill(db_path: Path, event_slug: str, start_id: int) -> None:
    """Bulk-load messages behind the server's back (test data only: the server sees a committed stream)."""
    with sqlite3.connect(db_path) as conn:
        (event_id,) = conn.execute("SELECT id FROM events WHERE slug = ?", (event_slug,)).fetchone()
        rows = (
            (event_id, start_id + n, "message", "alice", f"line {n} " + "x" * 40, 1_795_000_000_000 + n)
            for n in range(ITEMS)
        )
        conn.executemany(
            "INSERT INTO items (event_id, id, kind, author, body, created_at) VALUES (?, ?, ?, ?, ?, ?)", rows
        )
        conn.execute("UPDATE events SET last_item_id = ? WHERE id = ?", (start_id + ITEMS - 1, event_id))


def _reset_peak_rss() -> None:
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")


def _peak_rss_kib() -> int:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))


async def _download(api: Api, path: str) -> tuple[bytes, int]:
    chunks: list[bytes] = []
    response = await AsyncHTTPClient().fetch(api.base_url + path, streaming_callback=chunks.append, request_timeout=120)
    assert response.code == 200
    return b"".join(chunks), len(chunks)


async def test_a_100k_transcript_streams_in_both_formats(api: Api, chat: Chat) -> None:
    slug = (await api.create_event(title="Marathon"))["event"]["slug"]
    opened = await api.read_all(slug)
    _fill(chat.db_path, slug, start_id=opened[-1]["id"] + 1)

    # The .txt is checked as it arrives and not kept, so peak RSS shows what serving it costs.
    seen = {"chunks": 0, "items": 0, "first": b"", "tail": b""}

    def consume(chunk: bytes) -> None:
        seen["chunks"] += 1
        if not seen["first"]:
            seen["first"] = chunk[:200]
        data = seen["tail"] + chunk
        *complete, seen["tail"] = data.split(b"\n")
        seen["items"] += sum(1 for line in complete if line.startswith(b"["))

    _reset_peak_rss()
    before = _peak_rss_kib()
    response = await AsyncHTTPClient().fetch(
        api.base_url + f"/e/{slug}/transcript.txt", streaming_callback=consume, request_timeout=120
    )
    growth_mib = (_peak_rss_kib() - before) / 1024
    assert response.code == 200
    assert seen["first"].startswith(b"# Marathon\n")
    assert seen["items"] == ITEMS + 1  # the opening item and every message
    assert seen["chunks"] > 20  # sent as it was read, not in one piece
    # ~6 MB of text from 100k rows: loading them whole would cost tens of MiB; one page costs little.
    assert growth_mib < 12, f"peak RSS grew {growth_mib:.1f} MiB while serving the transcript"

    raw, json_chunks = await _download(api, f"/e/{slug}/transcript.json")
    document = json.loads(raw)
    ids = [m["id"] for m in document["messages"]]
    assert document["event"]["slug"] == slug and len(ids) == ITEMS + 1
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert json_chunks > 20


async def test_a_transcript_page_of_the_longest_messages_stays_small(api: Api, chat: Chat) -> None:
    slug = (await api.create_event(starts_in=-60))["event"]["slug"]
    tokens = [(await api.join(slug, f"p{n}"))[1] for n in range(10)]  # 20 posts each: within --rate-limit
    for n in range(200):  # 200 × 12 KB: 2.4 MB of text, more than one page may hold
        assert (await api.say(slug, tokens[n % 10], f"{n} " + "中" * 3990)).status == 201
    path, shown, pages = f"/e/{slug}/transcript", 0, 0
    while path:
        page = await api.get(path)
        assert page.status == 200 and len(page.body.encode()) < 1.5 * 2**20
        shown += page.body.count("中" * 3990)
        pages += 1
        after = page.body.split("transcript?after=", 1)[1].split('"', 1)[0] if 'rel="next"' in page.body else None
        path = f"/e/{slug}/transcript?after={after}" if after else ""
    assert shown == 200 and pages > 1  # each page carries on where the one before stopped
