"""GET /emoji/<code>.json: the emoji picker's catalog in one language (static/emoji-picker.js)."""

from __future__ import annotations

from chatserver.errors import N_
from chatserver.handlers.base import Localized, error_body
from chatserver.handlers.services import Services


class EmojiCatalogHandler(Localized):
    """The picker's emoji, groups, names and keywords in one of our languages; cached for good under
    its version (?v=, as /i18n/<code>.json is), else revalidated by its ETag."""

    def initialize(self, services: Services) -> None:
        self.services = services
        self._etag: str | None = None

    def compute_etag(self) -> str | None:
        # The catalog's version names its bytes: no need to hash 100 KB on every answer.
        return self._etag

    def get(self, code: str) -> None:
        catalog = self.services.emojis.catalog(code)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.set_header("X-Content-Type-Options", "nosniff")
        if catalog is None:
            self.set_status(404)
            self.finish(error_body("not_found", self.language.translate(N_("There is no catalog for that language."))))
            return
        self.set_header("Access-Control-Allow-Origin", "*")  # public data, like the words' catalogs
        if self.get_query_argument("v", None) == catalog.version:
            self.set_header("Cache-Control", "public, max-age=31536000, immutable")
        else:
            self.set_header("Cache-Control", "no-cache")
        self._etag = catalog.etag
        self.finish(catalog.body)
