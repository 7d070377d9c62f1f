"""The benchmark's baseline: a minimal in-memory Tornado long-poll chat server (like Tornado's demos/chat).

It speaks chatserver's paths and JSON shapes for the subset the benchmarks use, and nothing more:
no validation, no database, no rate limit, no presence. It is what "raw Tornado" costs. Files: an
upload's multipart body is parsed as it arrives (python-multipart, as chatserver does) and the file
kept in memory; a download is one write of those bytes, with Range and If-None-Match.

    python bench/baseline_server.py --port 8899 [--max-wait 60]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import secrets
import signal
import time
from datetime import timedelta
from typing import Any

import tornado.locks
import tornado.web
from python_multipart.multipart import MultipartParser, parse_options_header
from tornado.httpserver import HTTPServer


def now_text() -> str:
    """The current time as RFC 3339 UTC with milliseconds and Z."""
    seconds = time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + f".{int(seconds * 1000) % 1000:03d}Z"


class Room:
    """One event: its fields, its items in memory, and a condition its held polls wait on."""

    def __init__(self, slug: str, fields: dict[str, Any]) -> None:
        self.event = {
            "slug": slug,
            "title": fields.get("title"),
            "description": fields.get("description", ""),
            "starts_at": fields.get("starts_at"),
            "ends_at": fields.get("ends_at"),
            "state": "open",
            "listed": True,
            "created_at": now_text(),
        }
        self.items: list[dict[str, Any]] = []
        self.cond = tornado.locks.Condition()


class State:
    """Everything the server knows, shared by the handlers."""

    def __init__(self, max_wait: float) -> None:
        self.max_wait = max_wait
        self.rooms: dict[str, Room] = {}
        self.tokens: dict[str, tuple[str, str]] = {}  # token -> (slug, nickname)
        self.ids = itertools.count(1)
        self.held_polls = 0
        self.files: dict[str, tuple[bytes, str, str]] = {}  # id -> (bytes, content type, ETag)


class Base(tornado.web.RequestHandler):
    """JSON out, with server_time."""

    def initialize(self, state: State) -> None:
        self.state = state

    def reply(self, status: int, payload: dict[str, Any]) -> None:
        payload["server_time"] = now_text()
        self.set_status(status)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(json.dumps(payload))

    def room(self, slug: str) -> Room:
        room = self.state.rooms.get(slug)
        if room is None:
            raise tornado.web.HTTPError(404)
        return room


class EventsHandler(Base):
    def post(self) -> None:
        slug, host_key = secrets.token_hex(5), secrets.token_urlsafe(16)
        room = self.state.rooms[slug] = Room(slug, json.loads(self.request.body))
        self.reply(201, {"event": room.event, "host_key": host_key})


class ParticipantsHandler(Base):
    def post(self, slug: str) -> None:
        self.room(slug)
        participant = {"id": next(self.state.ids), "nickname": json.loads(self.request.body)["nickname"]}
        token = secrets.token_urlsafe(16)
        self.state.tokens[token] = (slug, participant["nickname"])
        self.reply(201, {"participant": participant, "token": token})


class MessagesHandler(Base):
    wait_future: Any = None

    def post(self, slug: str) -> None:
        room = self.room(slug)
        owner = self.state.tokens.get(self.request.headers.get("Authorization", "")[len("Bearer ") :])
        if owner is None or owner[0] != slug:
            raise tornado.web.HTTPError(401)
        body = json.loads(self.request.body)
        item = {
            "id": len(room.items) + 1,
            "kind": "message",
            "author": owner[1],
            "body": body["body"],
            "created_at": now_text(),
            "client_id": body.get("client_id"),
        }
        room.items.append(item)
        room.cond.notify_all()
        self.reply(201, {"message": item})

    async def get(self, slug: str) -> None:
        room = self.room(slug)
        after = int(self.get_query_argument("after", "0"))
        wait = min(float(self.get_query_argument("wait", "0")), self.state.max_wait)
        limit = int(self.get_query_argument("limit", "500"))
        if after > len(room.items):
            raise tornado.web.HTTPError(409)
        if after == len(room.items) and wait > 0:
            self.wait_future = room.cond.wait(timeout=timedelta(seconds=wait))
            self.state.held_polls += 1
            try:
                await self.wait_future
            except asyncio.CancelledError:
                return  # the client went away
            finally:
                self.state.held_polls -= 1
        items = room.items[after : after + limit]
        self.reply(
            200,
            {
                "messages": items,
                "cursor": items[-1]["id"] if items else after,
                "more": after + limit < len(room.items),
                "state": "open",
            },
        )

    def on_connection_close(self) -> None:
        if self.wait_future is not None:
            self.wait_future.cancel()


class TranscriptHandler(Base):
    """Naive on purpose: the whole transcript is built in memory, then sent."""

    def get(self, slug: str, fmt: str) -> None:
        room = self.room(slug)
        if fmt == "json":
            self.reply(200, {"event": room.event, "messages": room.items})
            return
        lines = [f"# {room.event['title']}\n\n"]
        for item in room.items:
            stamp = item["created_at"][:19].replace("T", " ")
            lines.append(f"[{stamp} UTC] {item['author']}: {item['body']}\n")
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish("".join(lines))


@tornado.web.stream_request_body
class UploadHandler(Base):
    """POST /api/events/<slug>/files: the body parsed as it arrives; the file part kept in memory."""

    def prepare(self) -> None:
        slug = self.path_args[0]
        self.room(slug)
        owner = self.state.tokens.get(self.request.headers.get("Authorization", "")[len("Bearer ") :])
        if owner is None or owner[0] != slug:
            raise tornado.web.HTTPError(401)
        _, params = parse_options_header(self.request.headers.get("Content-Type", ""))
        self.parts: list[bytes] = []
        self.header = b""
        self.part_headers: dict[bytes, bytes] = {}
        self.parser = MultipartParser(
            params[b"boundary"],
            {"on_header_field": self._field, "on_header_value": self._value, "on_part_data": self._data},
        )

    def _field(self, data: bytes, start: int, end: int) -> None:
        self.header = data[start:end].lower()

    def _value(self, data: bytes, start: int, end: int) -> None:
        self.part_headers[self.header] = data[start:end]

    def _data(self, data: bytes, start: int, end: int) -> None:
        self.parts.append(data[start:end])

    def data_received(self, chunk: bytes) -> None:
        self.parser.write(chunk)

    def post(self, slug: str) -> None:
        self.parser.finalize()
        data = b"".join(self.parts)
        file_id = secrets.token_urlsafe(16)
        _, params = parse_options_header(self.part_headers.get(b"content-disposition", b""))
        name = params.get(b"filename", b"file").decode()
        kind = self.part_headers.get(b"content-type", b"application/octet-stream").decode()
        self.state.files[file_id] = (data, kind, f'"{file_id}"')  # a file never changes: its id will do
        file = {"id": file_id, "name": name, "type": kind, "size": len(data), "url": f"/files/{file_id}/{name}"}
        self.reply(201, {"file": file})


class FileHandler(Base):
    """GET /files/<id>/<name>: the bytes from memory; one range (206) or If-None-Match (304)."""

    def get(self, file_id: str, name: str) -> None:
        found = self.state.files.get(file_id)
        if found is None:
            raise tornado.web.HTTPError(404)
        data, kind, etag = found
        self.set_header("Content-Type", kind)
        self.set_header("ETag", etag)
        self.set_header("Accept-Ranges", "bytes")
        if self.check_etag_header():
            self.set_status(304)
            self.finish()
            return
        size, start, end = len(data), 0, len(data)
        spec = self.request.headers.get("Range", "")
        if spec.startswith("bytes=") and "," not in spec:
            first, _, last = spec[len("bytes=") :].partition("-")
            try:
                if first:
                    start, end = int(first), min(int(last) + 1, size) if last else size
                else:
                    start = max(size - int(last), 0)
            except ValueError:
                start, end = 0, size
            if start >= size:
                self.set_status(416)
                self.set_header("Content-Range", f"bytes */{size}")
                self.finish()
                return
            self.set_status(206)
            self.set_header("Content-Range", f"bytes {start}-{end - 1}/{size}")
        self.finish(data[start:end])


class MetricsHandler(Base):
    def get(self) -> None:
        self.set_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
        self.finish(f"chatserver_held_polls {self.state.held_polls}\n")


def make_app(max_wait: float) -> tornado.web.Application:
    """The routes, sharing one State."""
    deps = {"state": State(max_wait)}
    return tornado.web.Application(
        [
            (r"/api/events", EventsHandler, deps),
            (r"/api/events/([^/]+)/participants", ParticipantsHandler, deps),
            (r"/api/events/([^/]+)/messages", MessagesHandler, deps),
            (r"/e/([^/]+)/transcript\.(txt|json)", TranscriptHandler, deps),
            (r"/api/events/([^/]+)/files", UploadHandler, deps),
            (r"/files/([^/]+)/([^/]+)", FileHandler, deps),
            (r"/metrics", MetricsHandler, deps),
        ]
    )


async def main() -> None:
    """Serve until SIGINT or SIGTERM."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8899)
    parser.add_argument("--max-wait", type=float, default=60.0)
    args = parser.parse_args()
    server = HTTPServer(make_app(args.max_wait))
    server.listen(args.port, args.host)
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    await stop.wait()
    server.stop()


if __name__ == "__main__":
    asyncio.run(main())
