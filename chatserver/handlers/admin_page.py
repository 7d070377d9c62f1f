"""/admin: the operator console's page. The operator key stays in the URL fragment (#key=…), which
browsers never send: the page is the same for everyone, and its script checks the key with the API."""

from __future__ import annotations

from chatserver.handlers.pages import PageHandler


class AdminPage(PageHandler):
    def set_default_headers(self) -> None:
        super().set_default_headers()
        # Nothing here is for search engines or caches, even though the page holds no secret itself.
        self.set_header("X-Robots-Tag", "noindex")
        self.set_header("Cache-Control", "no-store")

    def get(self) -> None:
        self.render("admin.html")
