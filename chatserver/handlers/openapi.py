"""GET /api/openapi.json: the OpenAPI 3.1 document of the HTTP API (chatserver/openapi.json).

The document ships inside the package and is read once, when this module is imported; it is
kept in step with the routes by tests/test_openapi.py.
"""

from __future__ import annotations

from importlib import resources

from chatserver.handlers.base import ApiHandler

DOCUMENT: bytes = resources.files("chatserver").joinpath("openapi.json").read_bytes()


class OpenApiHandler(ApiHandler):
    """The document as it is on disk (it carries no server_time: that would not be OpenAPI)."""

    def get(self) -> None:
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(DOCUMENT)
