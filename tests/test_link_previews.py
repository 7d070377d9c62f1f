"""Link previews through the API, on both engines: a message with a link gets its card, the card's
image is re-encoded and served by chatserver, and no address that is not public is ever contacted
(the fetcher's every defence is tested in tests/test_preview_fetch.py)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
import tornado.web
from PIL import Image
from tornado.httpserver import HTTPServer
from tornado.testing import bind_unused_port

from chatserver.previews.service import LinkPreviews
from tests.conftest import Chat
from tests.files_helpers import fetch_file
from tests.helpers import Api
from tests.test_private import room, send, view

BACKENDS = ("sqlite", "postgresql")


def photo() -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", (1200, 630), (30, 90, 160))
    exif = Image.Exif()
    exif[0x010F] = "SiteCamera"
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


class Site:
    """A small web site on loopback that counts what it is asked for."""

    def __init__(self) -> None:
        self.hits: list[str] = []
        site = self

        class Page(tornado.web.RequestHandler):
            def get(self, path: str) -> None:
                site.hits.append(path)
                if path == "image.jpg":
                    self.set_header("Content-Type", "image/jpeg")
                    self.finish(photo())
                elif path.startswith("redirect/"):
                    self.redirect(path.removeprefix("redirect/").replace("~", "/"))
                else:
                    self.set_header("Content-Type", "text/html; charset=utf-8")
                    self.finish(
                        "<html><head><title>fallback</title>"
                        '<meta property="og:title" content="Tornado &amp; friends">'
                        '<meta property="og:description" content="Async web framework.">'
                        '<meta property="og:site_name" content="Example">'
                        '<meta property="og:image" content="/image.jpg"></head><body>hi</body></html>'
                    )

        sock, self.port = bind_unused_port()
        self.server = HTTPServer(tornado.web.Application([(r"/(.*)", Page)]))
        self.server.add_sockets([sock])

    def stop(self) -> None:
        self.server.stop()


@pytest.fixture
def site(io_loop: Any) -> Iterator[Site]:
    served = Site()
    yield served
    served.stop()


@pytest.fixture
def other_site(io_loop: Any) -> Iterator[Site]:
    served = Site()
    yield served
    served.stop()


@pytest.fixture
def settings(site: Site) -> dict[str, object]:
    return {"max_wait": 5.0, "rate_limit": 0, "previews": LinkPreviews(allow=[f"localhost:{site.port}"])}


async def previews_of(api: Api, chat: Chat, slug: str, token: str | None = None) -> list[dict[str, Any]]:
    """The preview items a reader gets, once every preview started has finished."""
    assert chat.services.previews is not None
    await chat.services.previews.idle()
    return [item for item in await view(api, slug, token) if item["kind"] == "preview"]


async def test_a_link_gets_a_card_whose_image_chatserver_serves(api: Api, chat: Chat, site: Site) -> None:
    slug, _ = await room(api)
    _, alice = await api.join(slug, "alice")
    url = f"http://localhost:{site.port}/article"
    message = (await send(api, slug, alice, f"Read this: {url}.")).body["message"]
    [preview] = await previews_of(api, chat, slug)
    card = preview["preview"]
    assert preview["target"] == message["id"]
    assert (card["url"], card["title"], card["description"]) == (url, "Tornado & friends", "Async web framework.")
    assert card["image_url"].startswith("/files/") and site.hits == ["article", "image.jpg"]
    image = await fetch_file(api, card["image_url"])
    assert image.status == 200 and image.headers["Content-Type"].startswith("image/")
    decoded = Image.open(io.BytesIO(image.body))
    assert max(decoded.size) <= 600 and not decoded.getexif() and b"SiteCamera" not in image.body
    # The message itself now carries its card, for readers who come later and the transcript.
    [later] = [item for item in await view(api, slug) if item["id"] == message["id"]]
    assert later["preview"] == card
    document = await api.get(f"/e/{slug}/transcript.json")
    assert [m for m in document.body["messages"] if m["id"] == message["id"]][0]["preview"] == card
    assert all(m["kind"] != "preview" for m in document.body["messages"])


async def test_a_card_of_a_private_line_reaches_only_its_readers(api: Api, chat: Chat, site: Site) -> None:
    slug, key = await room(api)
    _, alice = await api.join(slug, "alice")
    _, bob = await api.join(slug, "bob")
    await send(api, slug, alice, f"see http://localhost:{site.port}/private", to="hosts")
    assert len(await previews_of(api, chat, slug, alice)) == 1
    assert len(await previews_of(api, chat, slug, key)) == 1
    assert await previews_of(api, chat, slug, bob) == [] and await previews_of(api, chat, slug) == []


async def test_loopback_is_never_contacted_directly_or_through_a_redirect(
    api: Api, chat: Chat, site: Site, other_site: Site
) -> None:
    slug, _ = await room(api)
    _, alice = await api.join(slug, "alice")
    behind = f"http://127.0.0.1:{other_site.port}/secret"
    links = [
        behind,
        f"http://localhost:{other_site.port}/secret",
        f"http://[::ffff:127.0.0.1]:{other_site.port}/",
        f"http://2130706433:{other_site.port}/",
        f"http://0x7f.1:{other_site.port}/",
        # The listed host may be fetched, but not where it redirects to.
        f"http://localhost:{site.port}/redirect/{behind.replace('/', '~')}",
        f"http://localhost:{site.port}/redirect/http:~~localhost:{other_site.port}~secret",
    ]
    for link in links:
        await send(api, slug, alice, f"look {link}")
    assert await previews_of(api, chat, slug) == []
    assert other_site.hits == []
    assert len(site.hits) == 2  # the two redirects were asked for; nothing they pointed at


async def test_retracting_a_message_erases_its_cards_image(api: Api, chat: Chat, site: Site) -> None:
    slug, key = await room(api)
    _, alice = await api.join(slug, "alice")
    message = (await send(api, slug, alice, f"http://localhost:{site.port}/a")).body["message"]
    [preview] = await previews_of(api, chat, slug)
    assert (await api.delete(f"/api/events/{slug}/messages/{message['id']}", token=key)).status == 200
    assert (await fetch_file(api, preview["preview"]["image_url"])).status == 410
    # The card's words go too: a reader who comes later cannot tell which link it was.
    after = [item for item in await view(api, slug) if item["kind"] == "preview"]
    assert after and all("preview" not in item for item in after)
    assert str(site.port) not in str(await view(api, slug))
