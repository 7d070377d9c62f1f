"""Helpers shared by the tests: a JSON client over Tornado's AsyncHTTPClient and time strings."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from tornado.httpclient import AsyncHTTPClient, HTTPResponse

from chatserver.timefmt import now_ms


def iso_in(seconds: float) -> str:
    """An RFC 3339 UTC time `seconds` from now (negative for the past)."""
    moment = datetime.now(UTC) + timedelta(seconds=seconds)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class Reply:
    status: int
    body: Any
    headers: Any

    @property
    def error_code(self) -> str | None:
        return self.body.get("error", {}).get("code") if isinstance(self.body, dict) else None


class Api:
    """A small JSON client for one server."""

    def __init__(self, base_url: str, client: AsyncHTTPClient | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.client = client or AsyncHTTPClient()

    async def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        token: str | None = None,
        raw: bytes | None = None,
        headers: dict[str, str] | None = None,
        timeout: float = 20,
    ) -> Reply:
        all_headers = {"Content-Type": "application/json"} if body is not None or raw is not None else {}
        if token is not None:
            all_headers["Authorization"] = f"Bearer {token}"
        all_headers.update(headers or {})
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        if data is None and method in ("POST", "PATCH", "PUT"):
            data = b""
        response: HTTPResponse = await self.client.fetch(
            self.base_url + path,
            method=method,
            body=data,
            headers=all_headers,
            raise_error=False,
            request_timeout=timeout,
            allow_nonstandard_methods=True,
        )
        text = response.body.decode("utf-8") if response.body else ""
        content_type = response.headers.get("Content-Type", "")
        parsed: Any = json.loads(text) if text and content_type.startswith("application/json") else text
        return Reply(response.code, parsed, response.headers)

    async def get(self, path: str, **kw: Any) -> Reply:
        return await self.request("GET", path, **kw)

    async def post(self, path: str, body: Any = None, **kw: Any) -> Reply:
        return await self.request("POST", path, body, **kw)

    async def patch(self, path: str, body: Any = None, **kw: Any) -> Reply:
        return await self.request("PATCH", path, body, **kw)

    async def delete(self, path: str, **kw: Any) -> Reply:
        return await self.request("DELETE", path, **kw)

    # -- the common steps of a test --------------------------------------------------------------

    async def create_event(self, starts_in: float = -60, lasts: float = 3600, **fields: Any) -> dict[str, Any]:
        """Schedule an event (open by default) and return the 201 body."""
        body = {
            "title": "Weekly Tornado meeting",
            "starts_at": iso_in(starts_in),
            "ends_at": iso_in(starts_in + lasts),
            **fields,
        }
        reply = await self.post("/api/events", body)
        assert reply.status == 201, reply.body
        return reply.body

    async def join(self, slug: str, nickname: str) -> tuple[int, str]:
        """Join and return (participant id, token)."""
        reply = await self.post(f"/api/events/{slug}/participants", {"nickname": nickname})
        assert reply.status == 201, reply.body
        return reply.body["participant"]["id"], reply.body["token"]

    async def say(self, slug: str, token: str, body: str, client_id: str | None = None) -> Reply:
        payload: dict[str, Any] = {"body": body}
        if client_id is not None:
            payload["client_id"] = client_id
        return await self.post(f"/api/events/{slug}/messages", payload, token=token)

    async def poll(
        self, slug: str, after: int = 0, wait: float = 0, limit: int | None = None, token: str | None = None
    ) -> Reply:
        query = f"after={after}&wait={wait}" + (f"&limit={limit}" if limit is not None else "")
        return await self.get(f"/api/events/{slug}/messages?{query}", token=token, timeout=wait + 20)

    async def read_all(self, slug: str, after: int = 0) -> list[dict[str, Any]]:
        """Every item after `after`, following the cursor page by page."""
        items: list[dict[str, Any]] = []
        while True:
            reply = await self.poll(slug, after=after, limit=1000)
            assert reply.status == 200, reply.body
            items += reply.body["messages"]
            after = reply.body["cursor"]
            if not reply.body["more"]:
                return items


# -- assertions on API.md's shapes ---------------------------------------------------------------

TIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")


def parse_z(text: str) -> datetime:
    """Parse API.md's time format (`2026-11-21T20:15:00.000Z`), failing on any other."""
    assert TIME_RE.match(text), text
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def assert_server_time(reply: Reply) -> None:
    """Every JSON response carries server_time, in API.md's format, from the server's clock now."""
    assert isinstance(reply.body, dict), reply.body
    server_time = parse_z(reply.body["server_time"])
    assert abs((server_time - datetime.now(UTC)).total_seconds()) < 5


def assert_error(reply: Reply, status: int, code: str, field: str | None = None) -> None:
    """API.md's error shape: JSON {"error": {"code", "message"}}, the message naming the field."""
    assert reply.status == status, (reply.status, reply.body)
    assert reply.headers.get("Content-Type", "").startswith("application/json")
    assert isinstance(reply.body, dict), reply.body
    error = reply.body["error"]
    assert error["code"] == code, error
    assert isinstance(error["message"], str) and error["message"].strip()
    if field is not None:
        assert field in error["message"], error["message"]
    assert_server_time(reply)


class JumpClock:
    """A server clock a test moves forward (to a moment, or by an amount); it runs on at the real pace."""

    def __init__(self) -> None:
        self.offset = 0

    def __call__(self) -> int:
        return now_ms() + self.offset

    def to(self, moment: int) -> None:
        self.offset = moment - now_ms()

    def forward(self, ms: int) -> None:
        self.offset += ms
